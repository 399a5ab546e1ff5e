"""Running totals the status line reads in constant time, kept by the hooks at every harvest.

- ``.claude/runtime/tallies/<session id>.json``: the session's tokens per model, its tool calls and
  failures up to a mark in its journal, where each transcript was read up to (the harvest's
  positions) and the keys of the last responses recorded. The status line adds what came after:
  journal records past the mark, transcript lines past the positions (read, never written).
- ``spend-today.json`` in the user's cache: today's (UTC) tokens per project and model, from the
  responses every harvest recorded, so "today, all projects" is one small file, not every session;
  and apart, under ``imported``, those of the sessions known only from Claude Code's transcripts
  (no hook counted them), set whole from the index after each import (``query.index``).

Both are derived and safe to delete: a missing or stale tally is rebuilt from the session at the
next harvest; the day file starts again with the next harvest (so it counts only what was
harvested since). Reading imports no ``json`` (see ``core.fastjson``); writing takes the caller's
locks (the harvest lock for a tally, ``spend-today.lock`` for the day file) and writes atomically.
"""

from ..core import fastos, tokens  # fastos, not os: the status line reads tallies (see core.fastos)
from ..core.fastjson import load_file, loads

TALLY_DIR = "tallies"
DAY_FILE = "spend-today.json"
VERSION = 1
RECENT = 32  # keys of the last responses harvested: a response cut by a harvest is not counted twice
_ENTRY = b'{"action":'  # every entry record starts so (action first, compact JSON); _set records do not
_TOOL_CALL, _TOOL_FAILURE = b'{"action":"tool_use"', b'{"action":"tool_failure"'


def tally_path(runtime_dir: str, session_id: str) -> str:
    return fastos.join(runtime_dir, TALLY_DIR, f"{session_id}.json")


def read_tally(runtime_dir: str, session_id: str):
    tally = load_file(tally_path(runtime_dir, session_id))
    return tally if isinstance(tally, dict) and tally.get("version") == VERSION else None


def new_tally() -> dict:
    return {"version": VERSION, "mark": {"base": -1, "offset": 0, "entries": 0}, "tool_calls": 0, "failures": 0,
            "by_model": {}, "positions": {}, "recent": [], "warned": []}


def scan_journal(session_dir: str, session_id: str, mark: dict):
    """``(tool calls, failures, new mark)`` (a failed call counts in both) in the live journal past
    ``mark`` (``{"base", "offset", "entries", "inode"}``: the entries before position ``entries``
    are counted, and where the journal stood then), or None if entries were folded away uncounted
    (then rebuild from the session).

    While the journal is the file the mark was taken in (a fold writes a new one, a restore moves
    it), only the bytes after the mark are read; after a fold, its new entries. No journal: none.
    """
    try:
        with open(_journal(session_dir, session_id), "rb") as handle:
            header = handle.readline()
            info = fastos.fstat(handle.fileno())
            size, base = info.st_size, loads(header)["base"]
            if (base, info.st_ino) == (mark["base"], mark.get("inode")) and len(header) <= mark["offset"] <= size:
                start, position = mark["offset"], mark["entries"]
            else:
                start, position = len(header), base
            handle.seek(start)
            data = handle.read(size - start)
    except (OSError, ValueError, KeyError, TypeError):
        return 0, 0, mark
    if not isinstance(position, int) or position > mark["entries"]:
        return None
    calls = failures = 0
    for line in data.split(b"\n"):
        if line.startswith(_ENTRY):
            if position >= mark["entries"]:
                failed = line.startswith(_TOOL_FAILURE)
                calls += failed or line.startswith(_TOOL_CALL)
                failures += failed
            position += 1
    return calls, failures, {"base": base, "offset": start + len(data), "entries": position, "inode": info.st_ino}


def journal_mark(session_dir: str, session_id: str, entries: int) -> dict:
    """A mark for a session whose ``entries`` are all counted: where its live journal stands now."""
    try:
        with open(_journal(session_dir, session_id), "rb") as handle:
            base, info = loads(handle.readline())["base"], fastos.fstat(handle.fileno())
            return {"base": base, "offset": info.st_size, "entries": entries, "inode": info.st_ino}
    except (OSError, ValueError, KeyError, TypeError):
        return {"base": -1, "offset": 0, "entries": entries}


def _journal(session_dir: str, session_id: str) -> str:
    return fastos.join(session_dir, f"session_{session_id}.journal")  # as store.journal names it


def add_responses(tally: dict, responses) -> None:
    """Count harvested ``assistant_message`` details into the tally's tokens (in place); not the
    responses Claude Code made up (``<synthetic>``), which older harvests recorded."""
    for details in responses:
        if isinstance(details.get("usage"), dict) and tokens.is_request(details.get("model")):
            tokens.add(tally["by_model"].setdefault(str(details.get("model") or "unknown"), tokens.empty()), details["usage"])
            tally["recent"] = (tally["recent"] + [f"{details.get('message_id')}/{details.get('request_id')}"])[-RECENT:]


def rebuilt(entries, mark: dict) -> dict:
    """A tally counted from a session's whole ``activity_log`` (its responses once each)."""
    tally = new_tally()
    seen = set()
    for entry in entries:
        action = entry.get("action") if isinstance(entry, dict) else None
        tally["tool_calls"] += action in ("tool_use", "tool_failure")
        tally["failures"] += action == "tool_failure"
        if action == "assistant_message" and isinstance(entry.get("details"), dict):
            key = (entry["details"].get("message_id"), entry["details"].get("request_id"))
            if key not in seen:
                seen.add(key)
                add_responses(tally, [entry["details"]])
    tally["mark"] = mark
    return tally


def write_json(path: str, value) -> None:
    from ..core.jsontext import to_json
    from ..file_utils import atomic_write, ensure_private_dir

    ensure_private_dir(fastos.dirname(path))
    atomic_write(path, to_json(value, separators=(",", ":")))


def day_path(cache_dir: str) -> str:
    return fastos.join(cache_dir, DAY_FILE)


def read_day(cache_dir: str, today: str) -> dict:
    """Today's spend file: ``{"day", "projects": {project: {model: totals}}, "imported": {the same},
    "warned": [...]}``, empty if it is missing, unreadable or of another day."""
    found = load_file(day_path(cache_dir))
    if not isinstance(found, dict) or found.get("day") != today or not isinstance(found.get("projects"), dict):
        return {"day": today, "projects": {}, "imported": {}, "warned": []}
    projects, imported = ({path: models for path, models in part.items() if isinstance(models, dict)}
                          for part in (found["projects"], found.get("imported") if isinstance(found.get("imported"), dict) else {}))
    return {"day": today, "projects": projects, "imported": imported, "warned": found["warned"] if isinstance(found.get("warned"), list) else []}


def add_to_day(cache_dir: str, project: str, timed_responses, today: str, change=None):
    """Add ``(timestamp, details)`` responses of ``project`` dated ``today`` to the day file under its
    lock; ``change(day)`` may edit it further and return a value. Returns that value."""
    from ..file_utils import ensure_private_dir
    from .journal import FlockLock

    ensure_private_dir(cache_dir)
    with FlockLock(fastos.join(cache_dir, "spend-today.lock")):
        day = read_day(cache_dir, today)
        added = False
        for stamp, details in timed_responses:
            if str(stamp)[:10] == today and isinstance(details.get("usage"), dict):
                models = day["projects"].setdefault(project, {})
                tokens.add(models.setdefault(str(details.get("model") or "unknown"), tokens.empty()), details["usage"])
                added = True
        result = change(day) if change else None
        if added or result:
            write_json(day_path(cache_dir), day)
    return result


def set_imported(cache_dir: str, today: str, projects: dict) -> None:
    """Make the day file's ``imported`` part ``projects`` (``{project: {model: totals}}``), under
    its lock; nothing is written when it already is."""
    if read_day(cache_dir, today)["imported"] != projects:
        add_to_day(cache_dir, None, (), today, lambda day: day.update(imported=projects) or True)
