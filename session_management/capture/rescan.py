"""Stored data redacted again with today's rules (``claude-sessions redact``), and the stamp that
says which rules the stored data has been redacted with.

What a session shows was redacted when it was recorded or imported, by the rules of that day;
a newer rule set finds more. This re-reads every file that holds recorded text — the project's
session files (live and archived), journals and logs, and the imported history's session and
counted-elsewhere files — redacts it with today's ``Redactor`` and, where anything changed,
replaces the file whole (``atomic_write``) under the lock its writers take: the session's lock
for a session's files, ``import.lock`` for the imported history. Nothing else in a file changes:
records are redacted one by one, and a line that is not JSON is redacted as text.
"""

import glob
import json
import os

from ..core.jsontext import to_json
from ..file_utils import atomic_write
from ..store import history
from ..store.journal import FlockLock, lock_path
from ..store.redaction import stamp
from ..core.redact import Redactor

def _session_file(text: str, redact) -> str:
    data = json.loads(text)
    if isinstance(data, dict):
        for key in ("metadata", "activity_log"):
            if key in data:
                data[key] = redact(data[key])
    else:
        data = redact(data)
    return to_json(data, indent=2)


def _json_lines(text: str, redact) -> str:
    lines = []
    for line in text.split("\n"):
        try:
            lines.append(json.dumps(redact(json.loads(line)), ensure_ascii=False, separators=(",", ":")) if line.strip() else line)
        except ValueError:  # a torn record or a header: its text is redacted all the same
            lines.append(redact.text(line))
    return "\n".join(lines)


def _rewrite(path: str, transform, redact, write: bool) -> bool:
    """Whether ``path`` held something today's rules redact (rewritten whole when ``write``)."""
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as handle:
            before = handle.read()
        after = transform(before, redact)
    except (OSError, ValueError):
        return False
    if _same(before, after, transform):
        return False
    if write:
        atomic_write(path, after.encode("utf-8", "surrogateescape"))
    return True


def _same(before: str, after: str, transform) -> bool:
    """Equal as data: a file written with other spacing is not rewritten for its spacing alone."""
    if transform is _session_file:
        return json.loads(before) == json.loads(after)
    return before == after or [_loads(line) for line in before.split("\n")] == [_loads(line) for line in after.split("\n")]


def _loads(line: str):
    try:
        return json.loads(line)
    except ValueError:
        return line


def runtime(runtime_dir: str, redact: Redactor, write: bool = True) -> list:
    """The files of a project's runtime that today's rules change (rewritten when ``write``)."""
    session_dir = os.path.join(runtime_dir, "sessions")
    changed = []
    for path in sorted(glob.glob(os.path.join(session_dir, "session_*.json")) + glob.glob(os.path.join(session_dir, "session_*.journal"))):
        session_id = os.path.basename(path).split("_", 1)[1].rsplit(".", 1)[0]
        transform = _session_file if path.endswith(".json") else _json_lines
        with FlockLock(lock_path(session_dir, session_id)):
            if _rewrite(path, transform, redact, write):
                changed.append(path)
    for path in sorted(glob.glob(os.path.join(session_dir, "archive", "**", "*.json"), recursive=True)):
        if _rewrite(path, _session_file, redact, write):  # archived files change only by whole replacement
            changed.append(path)
    for path in sorted(glob.glob(os.path.join(runtime_dir, "logs", "*.log*"))):
        if not path.endswith(".lock") and _rewrite(path, _json_lines, redact, write):
            changed.append(path)
    if write and os.path.isdir(session_dir):
        stamp(runtime_dir)
    return changed


def project_redactor(project: str) -> Redactor:
    """The redactor of ``project``'s own settings (its ``.claude/session-tracking.yaml``), as its hooks apply them."""
    from ..store import config as _config

    claude = os.path.join(project, ".claude")
    has_file = bool(project) and os.path.isfile(os.path.join(claude, _config.CONFIG_NAME))
    config = _config.load(claude, None)[0] if has_file else _config.DEFAULTS
    return Redactor(config["redact"], config["redact_patterns"], config["redact_off"])


def imported(home: str, redactor_for=project_redactor, write: bool = True) -> list:
    """The imported history's files that today's rules change, each project's with its own
    settings (``redactor_for(project)``), under ``import.lock``."""
    root = history.root(home)
    if not os.path.isdir(root):
        return []
    changed = []
    with FlockLock(os.path.join(root, "import.lock"), timeout=600):
        for project, folder in sorted(history.projects(home).items()):
            redact = redactor_for(project)
            for path in sorted(glob.glob(os.path.join(history.session_dir(folder), "*.json"))):
                if os.path.basename(path).startswith(("session_", "elsewhere_")) and _rewrite(path, _session_file, redact, write):
                    changed.append(path)
        if write:
            stamp(root)
    return changed
