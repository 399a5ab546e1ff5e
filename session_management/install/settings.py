"""Merge the tracking hooks into a Claude Code settings file, or take them out again.

Our hook entries are recognised by a marker comment at the end of their command, so
uninstalling removes exactly them and nothing a user or another tool added.
"""

import json
import os
import shlex
import shutil

from ..capture.events import SURVIVES_SHUTDOWN, matcher_and_timeout
from ..core.timestamps import stamp_for_filename
from ..file_utils import atomic_write

MARKER = "#claude-session-tracker"
class SettingsError(Exception):
    """The settings file cannot be used as it is; nothing was changed."""


def hook_command(python: str, entry: str, event: str) -> str:
    """The shell command for one hook: quoted absolute paths, no site import, our marker.

    ``|| exit 1``: if the interpreter or the entry script is gone (package removed, checkout
    moved), Python exits 2, which Claude Code reads as "block" (a prompt erased, a turn forced
    on). Any failure to start becomes exit 1, which only shows a hook error. Events in
    ``SURVIVES_SHUTDOWN`` ignore the SIGTERM an exiting ``claude -p`` sends them, so they finish.
    """
    guard = "trap '' TERM HUP INT; " if event in SURVIVES_SHUTDOWN else ""
    return f"{guard}{shlex.quote(python)} -I -S {shlex.quote(entry)} {event} || exit 1 {MARKER}"


def statusline_command(python: str, entry: str) -> str:
    """The status line's command: like a hook's (``-I -S``, quoted paths, our marker); a broken
    install prints a line saying so instead of leaving the line blank."""
    return f"{shlex.quote(python)} -I -S {shlex.quote(entry)} || echo 'claude-sessions: status line broken, run claude-sessions doctor' {MARKER}"


def with_statusline(settings: dict, command: str, force: bool) -> tuple:
    """``(settings, kept)``: ours as the ``statusLine``, unless another one is there and not
    ``force`` (then ``kept`` is that one and nothing changes)."""
    current = settings.get("statusLine")
    if current and not is_ours(current) and not force:
        return settings, current
    return dict(settings, statusLine={"type": "command", "command": command, "padding": 0}), None


def without_statusline(settings: dict) -> dict:
    """Settings without our ``statusLine``; another tool's is left alone."""
    return {key: value for key, value in settings.items() if not (key == "statusLine" and is_ours(value))}


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


def add_ours(settings: dict, python: str, entry: str, events) -> dict:
    """Settings with our hooks for ``events`` (replacing any older ones of ours), everything else kept."""
    result = remove_ours(settings)
    hooks = dict(result.get("hooks") or {})
    for event in events:
        matcher, timeout = matcher_and_timeout(event)
        group = {"hooks": [{"type": "command", "command": hook_command(python, entry, event), "timeout": timeout}]}
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
