"""Wire the tracking hooks into a Claude Code settings file, or take them out again.

Used by ``install.sh``; kept in Python so the merge is tested like the rest of the library.
Our hook entries are recognised by a marker comment at the end of their command, so
uninstalling removes exactly them and nothing a user or another tool added.
"""

import argparse
import json
import os
import shlex
import shutil
import sys

from ._timestamps import stamp_for_filename
from .file_utils import atomic_write

MARKER = "#claude-session-tracker"
# event -> (script, matcher or None, timeout in seconds)
HOOKS = {
    "SessionStart": ("session_start.py", None, 30),
    "UserPromptSubmit": ("user_prompt_submit.py", None, 10),
    "PostToolUse": ("post_tool_use.py", "*", 10),
    "PostToolUseFailure": ("post_tool_use_failure.py", "*", 10),
    "SubagentStart": ("subagent_start.py", None, 10),
    "SubagentStop": ("subagent_stop.py", None, 10),
    "PreCompact": ("pre_compact.py", None, 10),
    "Stop": ("stop.py", None, 30),
    "SessionEnd": ("session_end.py", None, 10),
}


class SettingsError(Exception):
    """The settings file cannot be used as it is; nothing was changed."""


def hook_command(python: str, hooks_dir: str, script: str) -> str:
    """The shell command for one hook: quoted absolute paths, no site import, our marker."""
    return f"{shlex.quote(python)} -I -S {shlex.quote(os.path.join(hooks_dir, script))} {MARKER}"


def is_ours(hook) -> bool:
    return isinstance(hook, dict) and isinstance(hook.get("command"), str) and hook["command"].rstrip().endswith(MARKER)


def remove_ours(settings: dict) -> dict:
    """Settings without any of our hook entries; groups and events left empty by that are dropped."""
    hooks = settings.get("hooks")
    if not isinstance(hooks, dict):
        return settings
    cleaned = {}
    for event, groups in hooks.items():
        if not isinstance(groups, list):
            cleaned[event] = groups
            continue
        kept_groups = []
        for group in groups:
            if isinstance(group, dict) and isinstance(group.get("hooks"), list):
                kept = [hook for hook in group["hooks"] if not is_ours(hook)]
                if not kept and group["hooks"]:
                    continue
                group = dict(group, hooks=kept)
            kept_groups.append(group)
        if kept_groups or not groups:
            cleaned[event] = kept_groups
    result = dict(settings)
    if cleaned:
        result["hooks"] = cleaned
    else:
        result.pop("hooks", None)
    return result


def add_ours(settings: dict, python: str, hooks_dir: str) -> dict:
    """Settings with our hook entries (replacing any older ones of ours), everything else kept."""
    result = remove_ours(settings)
    hooks = dict(result.get("hooks") or {})
    for event, (script, matcher, timeout) in HOOKS.items():
        group = {"hooks": [{"type": "command", "command": hook_command(python, hooks_dir, script), "timeout": timeout}]}
        if matcher is not None:
            group = {"matcher": matcher, **group}
        hooks[event] = list(hooks.get(event) or []) + [group]
    result["hooks"] = hooks
    return result


def read_settings(path: str) -> dict:
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"cannot read {path}: {exc}") from None
    if not text.strip():
        return {}
    try:
        settings = json.loads(text)
    except ValueError as exc:
        raise SettingsError(f"{path} is not valid JSON ({exc}); fix or move it, then run again") from None
    if not isinstance(settings, dict):
        raise SettingsError(f"{path} holds a JSON {type(settings).__name__}, not an object; fix it, then run again")
    if "hooks" in settings and not isinstance(settings["hooks"], dict):
        raise SettingsError(f"{path}: \"hooks\" is not an object; fix it, then run again")
    return settings


def write_settings(path: str, before: dict, after: dict) -> str:
    """Write ``after`` if it differs from ``before``: backup first, then an atomic replace.

    Returns the backup's path, "" if the file is new, or None if nothing changed.
    """
    if after == before and os.path.exists(path):
        return None
    directory = os.path.dirname(path) or "."
    os.makedirs(directory, exist_ok=True)
    backup = ""
    if os.path.exists(path):
        backup = f"{path}.{stamp_for_filename()}.bak"
        shutil.copy2(path, backup)
    atomic_write(path, json.dumps(after, indent=2) + "\n")
    if backup:
        os.chmod(path, os.stat(backup).st_mode & 0o777)
    else:
        os.chmod(path, 0o644)  # settings are configuration, not private data
    return backup


def ensure_gitignored(project_dir: str, entry: str = ".claude/runtime/") -> bool:
    """Add ``entry`` to the project's .gitignore unless it is there; True if added."""
    path = os.path.join(project_dir, ".gitignore")
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        text = ""
    lines = [line.strip() for line in text.splitlines()]
    if entry in lines or entry.rstrip("/") in lines or "/" + entry in lines:
        return False
    prefix = "" if not text or text.endswith("\n") else "\n"
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(f"{prefix}# session tracking data (claude-session-tracker)\n{entry}\n")
    return True


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="install.sh (settings step)", description=__doc__)
    parser.add_argument("action", choices=("add", "remove"))
    parser.add_argument("settings", help="the settings.json to change")
    parser.add_argument("--python", help="interpreter the hooks run with (add)")
    parser.add_argument("--hooks-dir", help="directory holding the hook scripts (add)")
    parser.add_argument("--project", help="project whose .gitignore gets .claude/runtime/ (add)")
    args = parser.parse_args(argv)
    try:
        before = read_settings(args.settings)
        if args.action == "add":
            after = add_ours(before, os.path.abspath(args.python), os.path.abspath(args.hooks_dir))
        else:
            after = remove_ours(before)
        backup = write_settings(args.settings, before, after)
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: cannot write {args.settings}: {exc}", file=sys.stderr)
        return 1
    verb = "wired into" if args.action == "add" else "removed from"
    if backup is None:
        print(f"{args.settings}: already up to date, nothing changed")
    else:
        print(f"{args.settings}: tracking hooks {verb} it" + (f" (backup: {backup})" if backup else " (new file)"))
    if args.action == "add" and args.project and ensure_gitignored(args.project):
        print(f"{os.path.join(args.project, '.gitignore')}: added .claude/runtime/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
