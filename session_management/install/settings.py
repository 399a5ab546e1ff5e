"""Merge the tracking hooks into a Claude Code settings file, or take them out again.

Our hook entries are recognised by a marker comment at the end of their command, so
uninstalling removes exactly them and nothing a user or another tool added. Every function here
returns new objects and never changes the settings it is given: comparing what was read with
what is to be written is how a change is found.
"""

import hashlib
import json
import os
import re
import shlex

from ..capture.events import SURVIVES_SHUTDOWN, matcher_and_timeout
from ..core.fastos import data_home
from ..file_utils import atomic_write, ensure_private_dir
from ..store.journal import FlockLock

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


def ours_by_event(settings: dict) -> dict:
    """``{event: [our commands]}`` for every event that has a hook of ours."""
    found = {}
    hooks = settings.get("hooks")
    for event, groups in (hooks.items() if isinstance(hooks, dict) else ()):
        for group in groups if isinstance(groups, list) else ():
            for hook in group.get("hooks") if isinstance(group, dict) and isinstance(group.get("hooks"), list) else ():
                if is_ours(hook):
                    found.setdefault(event, []).append(hook["command"])
    return found


def remove_ours(settings: dict) -> dict:
    """Settings without any of our hook entries. A group, an event or ``hooks`` itself left empty by
    that is dropped; one that was already empty is kept as it was."""
    result = dict(settings)
    hooks = settings.get("hooks")
    if not isinstance(hooks, dict):
        return result
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
                if len(kept) != len(group["hooks"]):
                    group = dict(group, hooks=kept)
            kept_groups.append(group)
        if kept_groups or not groups:
            cleaned[event] = kept_groups
    if cleaned or not hooks:
        result["hooks"] = cleaned
    else:
        del result["hooks"]
    return result


def add_ours(settings: dict, python: str, entry: str, events) -> dict:
    """Settings with our hooks for ``events`` (replacing any older ones of ours), everything else
    kept: other tools' groups stay first, in their order; ours follow."""
    result = remove_ours(settings)
    hooks = dict(result.get("hooks") or {})
    for event in events:
        groups = hooks.get(event) or []
        if not isinstance(groups, list):
            raise SettingsError(f'"hooks"."{event}" is not a list; fix it, then run again')
        matcher, timeout = matcher_and_timeout(event)
        group = {"hooks": [{"type": "command", "command": hook_command(python, entry, event), "timeout": timeout}]}
        if matcher is not None:
            group = {"matcher": matcher, **group}
        hooks[event] = [*groups, group]
    result["hooks"] = hooks
    return result


def describe_change(before: dict, after: dict) -> str:
    """What a write changes, in words: our hooks added, updated or removed (by event), our status
    line, and how much of the rest was kept as it was."""
    old, new = ours_by_event(before), ours_by_event(after)
    parts = []
    for verb, events in (
        ("added tracking hooks for", [e for e in new if e not in old]),
        ("updated tracking hooks for", [e for e in new if e in old and new[e] != old[e]]),
        ("removed tracking hooks from", [e for e in old if e not in new]),
    ):
        if events:
            parts.append(f"{verb} {_count(len(events), 'event')} ({', '.join(events)})")
    had, has = is_ours(before.get("statusLine")), is_ours(after.get("statusLine"))
    if has and not had:
        parts.append("set the status line" + (" (replacing another one)" if before.get("statusLine") else ""))
    elif had and not has:
        parts.append("removed the status line")
    elif has and before["statusLine"] != after["statusLine"]:
        parts.append("updated the status line")
    others = [key for key in before if key not in ("hooks", "statusLine") or (key == "statusLine" and not had)]
    foreign = sum(len(group.get("hooks") or []) for groups in (before.get("hooks") or {}).values() if isinstance(groups, list)
                  for group in groups if isinstance(group, dict) and isinstance(group.get("hooks"), list)) - sum(map(len, old.values()))
    kept = [_count(len(others), "other setting")] if others else []
    kept += [_count(foreign, "other tool's hook", "other tools' hooks")] if foreign else []
    return "; ".join(parts) + (f"; kept {' and '.join(kept)} as {'it was' if len(others) + foreign == 1 else 'they were'}" if kept else "")


def _count(n: int, singular: str, plural: str = None) -> str:
    return f"{n} {singular if n == 1 else plural or singular + 's'}"


def read_settings(path: str) -> dict:
    return parse_settings(path, read_text(path))


def read_text(path: str) -> str:
    """The file's text; "" when it does not exist."""
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except FileNotFoundError:
        return ""
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"cannot read {path}: {exc}") from None


def parse_settings(path: str, text: str) -> dict:
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


def render(settings: dict, like: str) -> str:
    """``settings`` as JSON text in the style of ``like`` (the file's old text): its indentation
    (two spaces for a new or one-line file), its non-ASCII characters as they are, its final newline."""
    found = re.search(r"^\{[ \t]*\r?\n([ \t]+)\S", like)
    indent = found.group(1) if found else 2
    text = json.dumps(settings, indent=indent, ensure_ascii=False)
    return text + ("\n" if not like or like.endswith("\n") else "")


def backup_path(path: str) -> str:
    """Where the one backup of a settings file is kept: in the user's data folder, named after the
    project (or ``global``) and a hash of the file's path, so nothing new appears in a project."""
    real = os.path.realpath(path)
    folder = os.path.dirname(os.path.dirname(real))
    name = "global" if real == os.path.realpath(os.path.join(os.path.expanduser("~"), ".claude", "settings.json")) else os.path.basename(folder)
    digest = hashlib.sha256(real.encode("utf-8", "surrogateescape")).hexdigest()[:12]
    return os.path.join(data_home(), "settings-backups", f"{name}-{digest}-{os.path.basename(real)}")


def update_settings(path: str, change) -> tuple:
    """Read the settings at ``path``, apply ``change`` (settings → settings) and write the result if
    it differs; returns ``(before, after, backup)``. ``backup`` is the path of the one backup kept of
    the previous text, "" if the file is new, None if nothing was written.

    Held under a lock in the user's data folder (two installs never interleave), written atomically
    through a symlink to its target (a dotfiles link stays a link), with the file's mode kept. The
    text is read again just before the replace: if another program (Claude Code rewrites its
    settings) changed it meanwhile, the change is applied again to what is there now.
    """
    real = os.path.realpath(path)
    backup = backup_path(path)
    ensure_private_dir(os.path.dirname(backup))
    with FlockLock(os.path.join(os.path.dirname(backup), ".lock")):
        for _ in range(3):
            text = read_text(real)
            before = parse_settings(path, text)
            after = change(before)
            if after == before:
                return before, after, None
            if read_text(real) == text:
                break
        created = not os.path.exists(real)
        os.makedirs(os.path.dirname(real), exist_ok=True)
        mode = 0o644 if created else os.stat(real).st_mode & 0o777  # configuration, not private data
        if created:
            atomic_write(backup + ".created", b"")
        else:
            atomic_write(backup, text)  # mode 600: settings may hold secrets in "env"
            if not ours_by_event(before) and os.path.exists(backup + ".created"):
                os.unlink(backup + ".created")  # a file of the user's now, not one install made
        atomic_write(real, render(after, text))
        os.chmod(real, mode)
    return before, after, "" if created else backup


def remove_if_ours_alone(path: str, settings: dict) -> bool:
    """Delete the settings file if ``settings`` (what it now holds) is empty and install created it;
    True if it was deleted. A file the user had, even an empty one, stays."""
    marker = backup_path(path) + ".created"
    if settings or not os.path.exists(marker):
        return False
    os.unlink(os.path.realpath(path))
    os.unlink(marker)
    return True


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
