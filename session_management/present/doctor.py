"""``claude-sessions doctor``: is tracking wired up and able to work? Says what to fix."""

import json
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

from ..store import config as _config
from ..capture.events import known_to, to_wire
from ..install.extras import has_exporter, manual_command, requirements
from ..install.settings import MARKER, is_ours
from ..install.wiring import claude_version, events_switched

PLUGIN_NAME = "claude-session-tracker"  # .claude-plugin/plugin.json


def _settings_files(project: Path):
    return [
        ("project", project / ".claude" / "settings.json"),
        ("project local", project / ".claude" / "settings.local.json"),
        ("user", Path.home() / ".claude" / "settings.json"),
    ]


def our_commands(path: Path):
    """``{event: [command, …]}`` of our hooks in one settings file; raises ValueError if unreadable."""
    settings = json.loads(path.read_text(encoding="utf-8"))
    found = {}
    hooks = settings.get("hooks") if isinstance(settings, dict) else None
    for event, groups in (hooks or {}).items():
        for group in groups if isinstance(groups, list) else []:
            for hook in group.get("hooks", []) if isinstance(group, dict) else []:
                if is_ours(hook):
                    found.setdefault(event, []).append(hook["command"])
    return found


REINSTALL = "re-run claude-sessions install (or ./install.sh from a checkout)"


def describe_command(command: str, project: Path):
    """``(python, script, kind)`` of one of our hook commands; kind says how it was installed."""
    words = shlex.split(command.replace(MARKER, "").replace("$CLAUDE_PROJECT_DIR", str(project)))
    script = next((word for word in words[1:] if word.endswith(".py")), None)
    if not words or script is None:
        return None
    if "-I" in words:  # the interpreter comes before its flags, after any `trap …;` guard
        words = words[words.index("-I") - 1 :]
    parts = Path(script).parts
    if parts[-2:] == ("capture", "hook.py"):
        root = Path(script).parent.parent.parent
        kind = f"installed package in {root}" if root.name in ("site-packages", "dist-packages") else f"checkout at {root}"
    else:
        kind = f"per-event scripts of a checkout at {Path(script).parent.parent} (wired before 0.2; {REINSTALL} to update)"
    return words[0], script, kind


def _check_command(command: str, project: Path, imports_ok: dict):
    """Problems with one hook command: interpreter and script must exist, dependencies import.

    ``imports_ok`` remembers each interpreter's answer, so nine hooks cost one import check.
    """
    described = describe_command(command, project)
    if described is None:
        return [f"cannot parse hook command {command!r}"]
    python, script, _kind = described
    problems = []
    if not (os.path.isfile(python) and os.access(python, os.X_OK)):
        problems.append(f"interpreter {python} is missing or not executable ({REINSTALL})")
    else:
        if python not in imports_ok:
            imports_ok[python] = subprocess.run([python, "-I", "-c", "import filelock, yaml"], capture_output=True).returncode == 0
        if not imports_ok[python]:
            problems.append(f"{python} cannot import filelock and yaml ({REINSTALL})")
    if not os.path.isfile(script):
        problems.append(f"hook script {script} is missing (was the package removed or the checkout moved? {REINSTALL})")
    return problems


def _enabled_plugins(path: Path):
    """Our plugin's ids (``claude-session-tracker@marketplace``) enabled in one settings file."""
    try:
        settings = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    plugins = settings.get("enabledPlugins") if isinstance(settings, dict) else None
    return [key for key, on in (plugins or {}).items() if key.split("@")[0] == PLUGIN_NAME and on] if isinstance(plugins, dict) else []


def _project_for(runtime_dir):
    if runtime_dir:
        return Path(runtime_dir).resolve().parent.parent
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / ".claude").is_dir() and folder != Path.home():
            return folder
    return here


def _writable(runtime: Path):
    target = runtime if runtime.exists() else next((p for p in runtime.parents if p.exists()), None)
    if target is None or not target.is_dir():
        return f"{runtime} cannot be created: {target} is not a directory"
    try:
        with tempfile.NamedTemporaryFile(dir=target):
            pass
    except OSError as exc:
        return f"cannot write in {target}: {exc.strerror}"
    return None


def _otlp_checks(pythons) -> list:
    """With otlp: configured, the hooks' interpreters must be able to import the OTLP exporter, or
    every shipment only logs that it is missing."""
    checks = []
    for python in sorted(pythons):
        ok = has_exporter(python)
        fix = f"claude-sessions install --otlp (a pipx or uv tool install), ./install.sh --otlp (a checkout), or: {manual_command(python, requirements())}"
        checks.append((ok, f"otlp: shipments run {python}, which has the OTLP exporter" if ok else f"otlp: is configured but {python} cannot import the OTLP exporter",
                       "" if ok else fix))
    return checks


def _statusline_checks(project: Path) -> list:
    """The status line Claude Code will run (local settings first, then project, then user): ours
    must run and print a line; another tool's or none is said, not failed."""
    for label, path in sorted(_settings_files(project), key=lambda item: item[0] != "project local"):
        try:
            line = json.loads(path.read_text(encoding="utf-8")).get("statusLine")
        except (OSError, ValueError, AttributeError):
            continue
        if not line:
            continue
        if not is_ours(line):
            return [(True, f"status line: another tool's, in {label} settings {path} ({str(line.get('command', '') if isinstance(line, dict) else line)[:60]})", "")]
        done = subprocess.run(line["command"], shell=True, input=b"{}", capture_output=True, timeout=30, cwd=project)
        printed = done.stdout.decode("utf-8", "replace").strip()
        ok = done.returncode == 0 and printed and "broken" not in printed
        return [(ok, f"status line: ours, in {label} settings {path}" + (", runs and prints a line" if ok else f", broken: {printed or done.stderr.decode()[-200:]}"),
                 "" if ok else REINSTALL + " --statusline")]
    return [(True, "status line: none set (claude-sessions install --statusline adds ours)", "")]


def _redaction_checks(runtime: Path) -> list:
    """Whether stored data was redacted with today's rules, or predates them."""
    from ..query import index
    from ..store import catalog, history, redaction

    stale = [what for what, folder, data in (
        ("recorded sessions", str(runtime), "sessions/session_*"),
        ("imported history", history.root(catalog.home()), "projects/*/sessions/*.json"),
        ("search index", os.path.dirname(index.location()), "index.sqlite"),
    ) if redaction.predates(folder, data)]
    if stale:
        return [(False, f"stored data predates the current redaction rules (version {redaction.RULES_VERSION}): {', '.join(stale)}",
                 "run claude-sessions redact: it redacts what is stored again with today's rules")]
    return [(True, f"stored data redacted with the current rules (version {redaction.RULES_VERSION})", "")]


def run_checks(runtime_dir=None, as_json=False) -> list:
    """Print every check; return the list of problems (empty: all good)."""
    project = _project_for(runtime_dir)
    checks = []  # (ok, what, fix)
    wired = {}
    for label, path in _settings_files(project):
        if not path.exists():
            continue
        try:
            found = our_commands(path)
        except (OSError, ValueError, AttributeError) as exc:
            checks.append((False, f"{label} settings {path} cannot be read", f"fix the file: {exc}"))
            continue
        for event, commands in found.items():
            wired.setdefault(event, []).append((label, path, commands))
    plugins = [(plugin, path) for _label, path in _settings_files(project) if path.exists() for plugin in _enabled_plugins(path)]
    for plugin, path in plugins:
        checks.append((True, f"plugin {plugin} enabled in {path}: its own hooks record every session", ""))
    if plugins and wired:
        where = ", ".join(sorted({str(path) for places in wired.values() for _label, path, _ in places}))
        checks.append((False, f"tracked twice: by the plugin and by hooks in {where}", "every event would be recorded twice: claude-sessions install --uninstall, or disable the plugin"))
    if not wired and not plugins:
        checks.append((False, f"tracking hooks are not wired for {project}", f"run claude-sessions install {project} (or --global), or install the plugin"))
    elif wired:
        version, found = claude_version()
        expected = to_wire(version, events_switched(project)[0])
        missing = [event for event in expected if event not in wired]
        checks.append((not missing, f"hooks wired for {len(expected) - len(missing)} of the {len(expected)} events to record with {found}", f"missing {', '.join(missing)}: {REINSTALL}" if missing else ""))
        unknown = sorted(event for event in wired if version and event not in known_to(version))
        if unknown:
            checks.append((False, f"{found} does not know {', '.join(unknown)}: interactive sessions show a Settings Warning", REINSTALL))
        for event, places in wired.items():
            if len(places) > 1 or len(places[0][2]) > 1:
                where = ", ".join(str(path) for _label, path, _ in places)
                checks.append((False, f"{event} is wired more than once ({where})", "every event would be recorded twice: uninstall from all but one"))
        seen, imports_ok = set(), {}
        for places in wired.values():
            for _label, _path, commands in places:
                for command in commands:
                    if command in seen:
                        continue
                    seen.add(command)
                    for problem in _check_command(command, project, imports_ok):
                        checks.append((False, problem, ""))
        if not any(not ok for ok, *_ in checks):
            sources = sorted({str(path) for places in wired.values() for _label, path, _ in places})
            checks.append((True, f"hook commands runnable (wired in {', '.join(sources)})", ""))
        for python, kind in sorted({described[::2] for described in map(lambda c: describe_command(c, project), seen) if described}):
            checks.append((True, f"hooks run {python} with the {kind}", ""))
    checks += _statusline_checks(project)
    runtime = Path(runtime_dir).resolve() if runtime_dir else project / ".claude" / "runtime"
    problem = _writable(runtime)
    checks.append((problem is None, f"runtime directory {runtime} writable" if problem is None else problem, "fix its permissions" if problem else ""))
    checks += _redaction_checks(runtime)
    config_file = project / ".claude" / _config.CONFIG_NAME
    if config_file.exists():
        config_values, problems = _config.parse_file(str(config_file))
        checks.append((not problems, f"config {config_file} valid" if not problems else f"config {config_file}: {'; '.join(problems)}", "fix the file" if problems else ""))
        if config_values.get("otlp"):
            hook_pythons = {described[0] for described in (describe_command(c, project) for places in wired.values() for _l, _p, cs in places for c in cs) if described}
            checks += _otlp_checks(hook_pythons or {sys.executable})
    else:
        checks.append((True, f"no config file ({config_file}): defaults apply", ""))
    if as_json:
        print(json.dumps([{"ok": ok, "check": what, "fix": fix} for ok, what, fix in checks], indent=2))
    else:
        for ok, what, fix in checks:
            print(f"{'ok  ' if ok else 'FAIL'}  {what}" + (f"\n      fix: {fix}" if fix else ""))
    return [what for ok, what, _fix in checks if not ok]
