"""``claude-sessions install`` (and ``install.sh``, which calls it): wire the running interpreter
and package into a Claude Code settings file, or take our hooks out again.

The hooks run the interpreter this code runs on, with the entry script of the package this code
was loaded from: a checkout (``pip install -e``) or site-packages (``pipx`` / ``uv tool install``),
so an installed tool needs nothing of the checkout it was built from.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from ..capture.events import NEVER, known_to, to_wire
from ..store import config as _config
from .settings import (
    SettingsError, add_ours, describe_change, ensure_gitignored, ours_by_event, read_settings, remove_if_ours_alone, remove_ours,
    statusline_command, update_settings, with_statusline, without_statusline,
)


def entry_script() -> str:
    """The hook entry of this package (``capture/hook.py``), wherever the package lives."""
    return os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "capture", "hook.py")


def statusline_script() -> str:
    """The status line's entry of this package (``present/statusline_entry.py``)."""
    return os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "present", "statusline_entry.py")


def claude_version(claude: str = None) -> tuple:
    """``(version, what)``: the release ``claude --version`` reports as a tuple (None if it cannot
    be asked) and a phrase saying what was found, for the user."""
    path = claude or shutil.which("claude")
    if not path:
        return None, "no claude on PATH"
    try:
        done = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, f"{path} --version failed ({exc})"
    found = re.search(r"(\d+)\.(\d+)\.(\d+)", done.stdout)
    if done.returncode != 0 or not found:
        return None, f"{path} --version said nothing usable"
    version = tuple(int(part) for part in found.groups())
    return version, f"Claude Code {'.'.join(map(str, version))} ({path})"


def events_switched(project) -> tuple:
    """``(switched, problems)``: the config's ``events`` setting for a project (none for --global)."""
    if project is None:
        return {}, []
    path = Path(project) / ".claude" / _config.CONFIG_NAME
    if not path.exists():
        return {}, []
    config, problems = _config.parse_file(str(path))
    return config["events"], problems


def settings_file(project_dir, global_: bool) -> Path:
    """``~/.claude/settings.json`` for ``--global``, else the project's ``.claude/settings.json``."""
    if global_:
        return Path.home() / ".claude" / "settings.json"
    return Path(project_dir) / ".claude" / "settings.json"


def install(project_dir=None, global_: bool = False, uninstall: bool = False, python: str = None, claude: str = None,
            statusline: bool = False, force: bool = False) -> list:
    """Change the settings file; return what to tell the user, a line each.

    Only the events the user's Claude Code knows are wired (``claude --version``; ``claude`` names
    the CLI to ask): an older release given an event it does not know shows a blocking "Settings
    Warning" dialog at every interactive start.

    ``statusline``: also make ``claude-sessions statusline`` Claude Code's status line, keeping
    another one unless ``force``; with ``uninstall``, take out only our status line.

    Raises ``ValueError`` for arguments that do not go together, ``NotADirectoryError`` for a
    missing project, ``SettingsError`` or ``OSError`` when the settings file cannot be used; in
    every failure the file is left as it was.
    """
    if global_ and project_dir:
        raise ValueError("--global takes no PROJECT_DIR")
    project = None
    if not global_:
        project = Path(project_dir or os.getcwd()).expanduser()
        if not project.is_dir():
            raise NotADirectoryError(f"project directory {project} does not exist")
        project = project.resolve()
    path = str(settings_file(project, global_))
    notes = []
    if uninstall:
        change = without_statusline if statusline else (lambda settings: without_statusline(remove_ours(settings)))
    else:
        version, found = claude_version(claude)
        switched, problems = events_switched(project)
        notes += [f"config: {problem}" for problem in problems]
        notes += [f"config: {event} is never wired: {NEVER[event]}" for event, on in switched.items() if on and event in NEVER]
        events = to_wire(version, switched)
        notes.append(f"{found}: wiring {len(events)} events" + ("" if version else " (the nine every release sends; give --claude PATH to wire more)"))
        unknown = sorted(event for event, on in switched.items() if on and event not in known_to(version) and event not in NEVER)
        if unknown:
            notes.append(f"config: not wired, unknown to this Claude Code: {', '.join(unknown)}")
        # Not resolved: a virtualenv's python is a symlink whose target lacks the venv's packages.
        interpreter = os.path.abspath(python or sys.executable)
        kept = []  # another tool's statusLine that --statusline left in place

        def change(settings):
            after = add_ours(settings, interpreter, entry_script(), events)
            if statusline:
                after, other = with_statusline(after, statusline_command(interpreter, statusline_script()), force)
                kept[:] = [other] if other else []
            return after

    before, after, backup = update_settings(path, change)
    lines = notes
    if not uninstall:
        missing = [event for event in events if event not in ours_by_event(read_settings(path))]
        if missing:  # read back: never report hooks as wired that are not in the file
            raise SettingsError(f"{path}: the hooks for {', '.join(missing)} are not in the file after writing it; nothing records there")
        if kept:
            shown = kept[0].get("command", kept[0]) if isinstance(kept[0], dict) else kept[0]
            lines.append(f"kept the statusLine already there ({str(shown)[:80]}); --force replaces it (the file is backed up first)")
    if backup is None:
        lines.append(f"{path}: no tracking hooks of ours there, nothing changed" if uninstall and not statusline else f"{path}: already up to date, nothing changed")
    elif uninstall and remove_if_ours_alone(path, after):
        lines.append(f"{path}: {describe_change(before, after)}; removed the file, which install had created and which held nothing else")
    else:
        lines.append(f"{path}: {describe_change(before, after)}" + (f" (the previous file is kept at {backup})" if backup else " (new file)"))
    if not uninstall and project is not None and ensure_gitignored(str(project)):
        lines.append(f"{project / '.gitignore'}: added .claude/runtime/")
    lines += local_notes(path)
    if uninstall:
        lines.append("Recorded sessions (.claude/runtime/) were left in place.")
    else:
        where = f"in {project}" if project else "in every project"
        lines.append(f"Claude Code sessions {where} are now recorded under .claude/runtime/ (hooks run {entry_script()}).")
    return lines


def local_notes(path: str) -> list:
    """What in the settings files beside ``path`` changes what ours do: ``disableAllHooks``, or our
    hooks also in ``settings.local.json`` (which install never writes)."""
    notes = []
    local = path[: -len(".json")] + ".local.json"
    for name in (path, local):
        try:
            settings = read_settings(name)
        except SettingsError:
            continue
        if settings.get("disableAllHooks") is True:
            notes.append(f"warning: {name} sets \"disableAllHooks\": true, so Claude Code runs no hook there, ours included")
        if name == local and ours_by_event(settings):
            notes.append(f"note: {local} also holds hooks of ours (install never writes that file); take them out by hand if they are old")
    return notes
