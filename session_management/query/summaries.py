"""Per-session summaries for listing and statistics, cached so a list of thousands stays quick.

A summary is computed from the session as the library reads it (journal folded in) and cached
in ``.claude/runtime/summary-cache.json`` keyed by the size and mtime of the session's files.
Archived sessions rarely change, so after the first listing most summaries come from the cache.
"""

import json
import os

from ..claude_session import ClaudeSession, parse_timestamp
from ..core.fingerprints import files_fingerprint
from ..file_utils import atomic_write, dumps, load_session_registry
from ..store import catalog, history
from . import usage
from .combined import IMPORTED_STATUS, combine, is_imported

CACHE_NAME = "summary-cache.json"
CACHE_VERSION = 6  # 2: token usage added; 3: None without responses; 4: imported sessions, fingerprints of both sources; 5: and of responses counted elsewhere; 6: made-up (<synthetic>) responses not counted


def summarize(data: dict, registry_status: str) -> dict:
    """Counts and times of one session (``data`` in the storage format)."""
    prompts = tool_calls = failures = subagents = turns = 0
    tools = {}  # name -> [calls, failures, total duration in ms]
    for entry in data["activity_log"]:
        action = entry.get("action")
        details = entry.get("details") if isinstance(entry.get("details"), dict) else {}
        if action == "user_input":
            prompts += 1
        elif action in ("tool_use", "tool_failure"):
            tool_calls += 1
            name = str(details.get("tool_name") or "?")
            stats = tools.setdefault(name, [0, 0, 0])
            stats[0] += 1
            if action == "tool_failure":
                failures += 1
                stats[1] += 1
            duration = details.get("duration_ms")
            if isinstance(duration, (int, float)) and not isinstance(duration, bool):
                stats[2] += duration
        elif action == "subagent_start":
            subagents += 1
        elif action == "turn_end":
            turns += 1
    created, last = parse_timestamp(data["created_at"]), parse_timestamp(data["last_activity"])
    return {
        "session_id": data["session_id"],
        "status": registry_status,
        "session_status": data["status"],
        "created_at": data["created_at"],
        "last_activity": data["last_activity"],
        "duration_seconds": max((last - created).total_seconds(), 0.0),
        "events": len(data["activity_log"]),
        "prompts": prompts,
        "tool_calls": tool_calls,
        "failures": failures,
        "subagents": subagents,
        "turns": turns,
        "tools": tools,
        "cwd": data["metadata"].get("cwd"),
        "model": data["metadata"].get("model"),
        "imported": is_imported(data),
        "usage": _usage_or_none(data["activity_log"]),
    }


NO_USAGE = usage.summarize([])


def _usage_or_none(entries):
    """The session's token usage, or None without responses (most of the cache stays small)."""
    found = usage.summarize(entries)
    return found if found["requests"] else None


def usage_of(summary: dict) -> dict:
    """A summary's token usage (see ``query.usage.summarize``), empty if it has none."""
    return summary.get("usage") or NO_USAGE


def session_fingerprint(session_dir, session_id: str, archived: bool) -> list:
    """``files_fingerprint`` of a session's file and journal, in the folder its status puts them."""
    from ..store.journal import journal_path

    folder = os.path.join(session_dir, "archive") if archived else session_dir
    return files_fingerprint([os.path.join(folder, f"session_{session_id}.json"), journal_path(folder, session_id)])


def read_registry(session_dir) -> dict:
    """The registry's sessions, read without a lock; a corrupt registry is rebuilt by the manager."""
    try:
        return load_session_registry(os.path.join(session_dir, "registry.json"))["sessions"]
    except ValueError:
        from ..session_manager import SessionManager

        return SessionManager(str(session_dir)).read_registry()["sessions"]


def read_session(session_dir, session_id: str, archived: bool) -> dict:
    """A session in the storage format. An archived session whose journal holds no records (the
    normal case) is read straight from its file, taking no lock and creating no lock file."""
    from ..store import journal as _journal

    if archived:
        folder = os.path.join(session_dir, "archive")
        journal = _journal.read(_journal.journal_path(folder, session_id))
        if journal is not None and not journal[1]:
            try:
                with open(os.path.join(folder, f"session_{session_id}.json"), encoding="utf-8") as handle:
                    data = json.load(handle)
                if isinstance(data, dict) and data.get("session_id") == session_id:
                    ClaudeSession.from_dict(data)
                    return data
            except (OSError, ValueError):
                pass  # let the manager deal with it: it sets corrupt files aside
    from ..session_manager import SessionManager

    return SessionManager(str(session_dir)).get_session(session_id).to_dict()


def session_sources(session_dir, imported_folder, session_id: str, status: str) -> list:
    """``[status, fingerprint of the hook record, of the imported record]``: changes with either."""
    hook = session_fingerprint(session_dir, session_id, status == "archived") if status != IMPORTED_STATUS else None
    return [status, hook, files_fingerprint([history.session_path(imported_folder, session_id), history.elsewhere_path(imported_folder, session_id)])]


def read_combined(session_dir, imported_folder, session_id: str, status: str) -> dict:
    """A session as every view shows it: its hook record and its imported one as one
    (``query.combined``). KeyError if it has neither."""
    hook = None
    if status != IMPORTED_STATUS:
        try:
            hook = read_session(session_dir, session_id, status == "archived")
        except KeyError:
            pass  # its hook record is gone: the imported one may still be there
    imported = history.read(imported_folder, session_id)
    found = combine(hook, imported, history.counted_elsewhere(imported_folder, session_id, imported))
    if found is None:
        raise KeyError(session_id)
    return found


def statuses(session_dir, imported_folder) -> dict:
    """``{session id: registry status}`` of a project's sessions, ``imported`` for those known
    only from their transcript."""
    found = {sid: entry.get("status", "?") for sid, entry in (read_registry(session_dir) if os.path.isdir(session_dir) else {}).items()}
    for session_id in history.session_ids(imported_folder):
        found.setdefault(session_id, IMPORTED_STATUS)
    return found


def all_summaries(runtime_dir) -> list:
    """Summaries of every session in the registry and of the project's imported history
    (unreadable ones are skipped), cache refreshed: in the runtime directory, or beside the
    imported sessions in a project without one (nothing is written into a project the hooks never saw)."""
    session_dir = os.path.join(runtime_dir, "sessions")
    imported_folder = history.project_folder(catalog.home(), os.path.dirname(os.path.dirname(os.path.abspath(runtime_dir))))
    cache_file = os.path.join(runtime_dir if os.path.isdir(runtime_dir) else imported_folder, CACHE_NAME)
    try:
        with open(cache_file, encoding="utf-8") as handle:
            cache = json.load(handle)
        if cache.get("version") != CACHE_VERSION:
            cache = {}
    except (OSError, ValueError):
        cache = {}
    entries = cache.get("sessions", {}) if isinstance(cache.get("sessions"), dict) else {}
    fresh = {}
    summaries = []
    for session_id, status in statuses(session_dir, imported_folder).items():
        fingerprint = session_sources(session_dir, imported_folder, session_id, status)
        cached = entries.get(session_id)
        if cached and cached.get("fingerprint") == fingerprint and cached["summary"]["status"] == status:
            summary = cached["summary"]
        else:
            try:
                summary = summarize(read_combined(session_dir, imported_folder, session_id, status), status)
            except (KeyError, OSError, ValueError):
                continue
        fresh[session_id] = {"fingerprint": fingerprint, "summary": summary}
        summaries.append(summary)
    if fresh != entries:
        try:
            atomic_write(cache_file, dumps({"version": CACHE_VERSION, "sessions": fresh}))
        except OSError:
            pass  # a read-only runtime only costs speed
    return summaries
