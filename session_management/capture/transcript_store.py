"""Where Claude Code keeps its transcripts, and whether any changed since the last import.

Kept apart from the importer so that the refresh every view does first, and an ``import`` with
nothing new, answer from the listing the last import left (a ``stat`` per file and folder, see
``unchanged_files``) without loading what reading a transcript needs: a refresh with nothing new
is most runs.
"""

import os

from ..core.ids import validate_session_id

STATE_NAME = "state.sqlite"
STATE_VERSION = 2  # 2: the reading rules of capture/typed, subagents in every layout; an older state's sessions are read again and rebuilt
LISTING_NAME = "listing.txt"  # what the last import saw (see write_listing)
_SETTLE_NS = 2 * 10**9  # a folder changed this recently may yet change within the same mtime tick
SKIP_REASONS = ("malformed", "not_utf8", "unknown_type", "unreadable", "waiting_for_newline")


def stores(env=os.environ, explicit=()) -> list:
    """The transcript stores to read: ``explicit``, else every directory in ``$CLAUDE_CONFIG_DIR``
    (comma-separated), else ``~/.config/claude`` and ``~/.claude`` (the ones ccusage reads)."""
    if explicit:
        return [os.path.abspath(os.path.expanduser(path)) for path in explicit]
    if env.get("CLAUDE_CONFIG_DIR", "").strip():
        return [os.path.abspath(os.path.expanduser(p.strip())) for p in env["CLAUDE_CONFIG_DIR"].split(",") if p.strip()]
    home = os.path.expanduser("~")
    return [os.path.join(home, ".config", "claude"), os.path.join(home, ".claude")]


def summary(store_dirs, files: int = 0) -> dict:
    """An import's summary before it reads anything (``files`` all unchanged)."""
    return {"stores": list(store_dirs), "files": files, "files_read": 0, "files_unchanged": files, "sessions_new": 0,
            "sessions_updated": 0, "responses": 0, "entries": 0, "skipped": dict.fromkeys(SKIP_REASONS, 0), "set_aside": []}


def transcript_files(store: str, counts: dict, folders: dict = None) -> list:
    """``[(path, session id, agent id or None)]`` under ``store/projects``, in path order: each
    project folder's ``<session id>.jsonl`` and ``<session id>/subagents/agent-<id>.jsonl``, and the
    ``agent-<id>.jsonl`` 2.0.x wrote beside them (session id None: the lines name it). With
    ``folders``, the mtime of every folder whose entries decide that list is put in it (see ``write_listing``)."""
    found = []
    for project in _folder(os.path.join(store, "projects"), counts, folders, missing_ok=True):
        if not project.is_dir():
            continue
        for entry in _folder(project.path, counts, folders):
            if entry.name.startswith("agent-") and entry.name.endswith(".jsonl"):
                found.append((entry.path, None, entry.name[len("agent-") : -len(".jsonl")]))  # 2.0.x: its session is named inside
            elif entry.name.endswith(".jsonl") and _is_session_id(entry.name[: -len(".jsonl")]):
                found.append((entry.path, entry.name[: -len(".jsonl")], None))
            elif entry.is_dir() and _is_session_id(entry.name):
                agents = os.path.join(entry.path, "subagents")
                if folders is not None:  # one folder to watch: the subagents one, else the session's, where it would appear
                    session_mtime = _settled_mtime(entry.path)  # first: a subagents folder made after this changes it
                    agents_mtime = _settled_mtime(agents)
                    if agents_mtime == -1:
                        folders[entry.path] = session_mtime
                    else:
                        folders[agents] = agents_mtime
                for agent in _folder(agents, counts, missing_ok=True):
                    if agent.name.startswith("agent-") and agent.name.endswith(".jsonl"):
                        found.append((agent.path, entry.name, agent.name[len("agent-") : -len(".jsonl")]))
    return sorted(found)


def write_listing(home: str, store_dirs, files: dict, folders: dict) -> None:
    """Keep what an import saw, for ``unchanged_files``: every transcript's size and mtime as the
    import state holds them (``files``), every folder's mtime (``folders``; -1: missing), and the
    state's own size and mtime. Written after the state is committed, under ``import.lock``. Not
    written when a folder changed in the last seconds (its mtime may not show a file added in the
    same tick) or a path holds a newline: a stale or missing listing only means a full check."""
    from ..file_utils import atomic_write

    path = os.path.join(home, "imported", LISTING_NAME)
    try:
        lines = [_header(home, store_dirs)]
        lines += [f"d {mtime} {folder}" for folder, mtime in sorted(folders.items())]
        lines += [f"{size} {mtime} {file}" for file, (size, mtime) in sorted(files.items())]
        if None in folders.values() or any("\n" in line for line in lines):
            if os.path.exists(path):
                os.unlink(path)
        else:
            atomic_write(path, "\n".join(lines) + "\n", exclusive=True)
    except OSError:
        pass  # a listing is only ever trusted while the state and every path still match it


def unchanged_files(home: str, store_dirs):
    """How many transcript files there are, if none was added, removed or changed since the last
    import of these stores (their sizes and mtimes and their folders' mtimes are as ``write_listing``
    kept them); None otherwise, or if that cannot be told. A ``stat`` per file and folder, no
    folder listed and no database opened: a refresh with nothing new is most runs of every view."""
    try:
        with open(os.path.join(home, "imported", LISTING_NAME), encoding="utf-8") as handle:
            lines = handle.read().split("\n")
        if lines.pop(0) != _header(home, store_dirs):
            return None
    except (OSError, ValueError):
        return None
    files = 0
    for line in lines[:-1]:
        try:
            size, mtime, path = line.split(" ", 2)
        except ValueError:
            return None  # not a line write_listing wrote: trust nothing
        try:
            info = os.stat(path)
        except FileNotFoundError:
            if mtime == "-1":
                continue
            return None
        except OSError:
            return None
        if str(info.st_mtime_ns) != mtime or (size != "d" and str(info.st_size) != size):
            return None
        files += size != "d"
    return files


def _header(home: str, store_dirs) -> str:
    """The listing's first line: its version, the stores, and the import state it goes with."""
    info = os.stat(os.path.join(home, "imported", STATE_NAME))
    return "\t".join([f"listing {STATE_VERSION} {info.st_size} {info.st_mtime_ns}", *store_dirs])


def _settled_mtime(path: str):
    """A folder's mtime, -1 if it is missing, None if it changed in the last seconds."""
    import time

    try:
        mtime = os.stat(path).st_mtime_ns
    except FileNotFoundError:
        return -1
    except OSError:
        return None
    return mtime if time.time_ns() - mtime > _SETTLE_NS else None


def _folder(path: str, counts: dict, folders: dict = None, missing_ok: bool = False) -> list:
    """A folder's entries; an unreadable one is counted (a missing one too, unless ``missing_ok``)."""
    if folders is not None:
        folders[path] = _settled_mtime(path)  # before the listing: a file added after it changes the mtime
    try:
        with os.scandir(path) as entries:
            return list(entries)
    except FileNotFoundError:
        if not missing_ok:
            counts["unreadable"] += 1
    except OSError:
        counts["unreadable"] += 1
    return []


def _is_session_id(name: str) -> bool:
    try:
        validate_session_id(name)
    except ValueError:
        return False
    return True
