"""Where sessions imported from Claude Code's own transcripts live: the user's data home, never a project.

``<catalog home>/imported/``: ``projects/<name>-<hash of the path>/`` per project, holding
``project.json`` (the project's path, which may no longer exist) and ``sessions/session_<id>.json``
(the spec's session format, written whole, ``metadata.imported`` marking where it came from and
listing, under ``counted_elsewhere``, the responses of the session's transcript that another
session's transcript owns: see ``counted_elsewhere``), ``sessions/elsewhere_<id>.json`` (that list
alone, for a session with no imported record to hold it) and, for a project without
``.claude/runtime``, its views' ``summary-cache.json``;
``state.sqlite`` (how far each transcript was read, which file owns each copied line) and
``import.lock`` (held for a whole import, so two never interleave). The session files are the
record: they stay when Claude Code deletes its transcripts.
"""

import os
import re
import sys

from ..core.fastjson import load_file

try:  # the interpreter's own SHA-256, without hashlib's OpenSSL (2-4 ms of every view's start)
    if sys.version_info >= (3, 12):
        from _sha2 import sha256
    else:
        from _sha256 import sha256
except ImportError:  # an interpreter built without it
    from hashlib import sha256

FOLDER = "imported"


def root(home: str) -> str:
    return os.path.join(home, FOLDER)


def project_folder(home: str, project: str) -> str:
    """The folder of one project's imported sessions: readable name, unique by the path's hash."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", os.path.basename(project.rstrip("/")) or "root")[:40]
    digest = sha256(project.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return os.path.join(root(home), "projects", f"{name}-{digest}")


def project_at(home: str, start: str):
    """The nearest folder at or above ``start`` that has imported sessions, or None: where a view
    finds its project when the hooks were never installed there."""
    folder = start
    while True:
        if os.path.isfile(os.path.join(project_folder(home, folder), "project.json")):
            return folder
        if os.path.dirname(folder) == folder:
            return None
        folder = os.path.dirname(folder)


def session_dir(folder: str) -> str:
    return os.path.join(folder, "sessions")


def session_path(folder: str, session_id: str) -> str:
    return os.path.join(session_dir(folder), f"session_{session_id}.json")


def projects(home: str) -> dict:
    """``{project path: its folder}`` for every project with imported sessions."""
    base = os.path.join(root(home), "projects")
    try:
        names = sorted(os.listdir(base))
    except OSError:
        return {}
    found = {}
    for name in names:  # every view across projects reads them all: see fastjson.load_file
        marker = load_file(os.path.join(base, name, "project.json"))
        if isinstance(marker, dict) and isinstance(marker.get("path"), str):
            found[marker["path"]] = os.path.join(base, name)
    return found


def session_ids(folder: str) -> list:
    """The ids of a project's imported sessions, sorted."""
    try:
        names = os.listdir(session_dir(folder))
    except OSError:
        return []
    return sorted(name[len("session_") : -len(".json")] for name in names if name.startswith("session_") and name.endswith(".json"))


def elsewhere_path(folder: str, session_id: str) -> str:
    return os.path.join(session_dir(folder), f"elsewhere_{session_id}.json")


def counted_elsewhere(folder: str, session_id: str, imported=None) -> set:
    """``{(message id, request id)}`` of the responses in the session's transcript that another
    session's transcript owns (a fork's copies, ccusage's rule): a hook record holding them does
    not count them again. Listed in its imported record (``imported``, as ``read`` returns it:
    ``listed_elsewhere``) and, for a session without one (or imported by an older release), in
    ``elsewhere_<id>.json``. Empty if none, or unreadable."""
    return listed_elsewhere(imported) | pairs(load_file(elsewhere_path(folder, session_id)))


def listed_elsewhere(imported) -> set:
    """The pairs an imported record lists under ``metadata.imported.counted_elsewhere``: in the
    record, not a file of their own beside it (those were four in ten of the files an import created)."""
    metadata = imported.get("metadata") if isinstance(imported, dict) else None
    mark = metadata.get("imported") if isinstance(metadata, dict) else None
    return pairs(mark.get("counted_elsewhere") if isinstance(mark, dict) else None)


def pairs(listed) -> set:
    """``{(message id, request id)}`` of a JSON list of such pairs; nothing from anything else."""
    try:
        return {tuple(pair) for pair in listed if isinstance(pair, list) and len(pair) == 2} if isinstance(listed, list) else set()
    except TypeError:  # a pair holding a list or an object
        return set()


def read(folder: str, session_id: str):
    """One imported session in the storage format, or None if it is missing or unreadable."""
    data = load_file(session_path(folder, session_id))
    return data if isinstance(data, dict) and data.get("session_id") == session_id else None
