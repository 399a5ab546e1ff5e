"""SessionManager: session files, the registry, the archive, and the journal folded into them.

Concurrency model: every read-modify-write of a session holds ``session_<id>.lock`` and every
change of the registry holds ``registry.lock`` (filelock; taken in that order, never the
reverse). Appends go to the session's journal (see ``store.journal``), so a long session is never
rewritten per event; the journal is folded into ``session_<id>.json`` on save and archive.
"""

import json
import logging
import os
import time
from pathlib import Path

from .store import journal as _journal
from .store import snapshot as _snapshot
from .core.ids import validate_session_id
from .core.sitepackages import enable_site_packages
from .claude_session import (
    STATUSES,
    ClaudeSession,
    format_timestamp,
    new_session_id,
    parse_timestamp,
)
from .file_utils import (
    atomic_write,
    create_session_dir,
    dumps,
    load_session_registry,
    load_with_retry,
    set_aside,
)

enable_site_packages()  # hooks run as `python -I -S`; filelock lives in site-packages
try:
    from filelock import FileLock
except ImportError:  # a plugin hook before its virtualenv exists: the same flock(2) locks, built in
    FileLock = None

_log = logging.getLogger(__name__)

ARCHIVED = "archived"
DEFAULT_LOCK_TIMEOUT = 10.0


class CorruptSessionError(OSError):
    """A session file could not be parsed; it has been set aside (``set_aside_as``)."""

    def __init__(self, message: str, set_aside_as: Path):
        super().__init__(message)
        self.set_aside_as = set_aside_as


def apply_journal(data: dict, journal) -> int:
    """Fold journal records into snapshot ``data`` in place; return how many entries were added."""
    added = fold_records(data, journal, len(data["activity_log"]))
    data["activity_log"].extend(added)
    return len(added)


def fold_records(data: dict, journal, present: int) -> list:
    """Apply the journal's changes to ``data``'s fields; return its entries that the snapshot's
    ``present`` entries do not hold yet.

    Entries are placed by position (``base + k``), so entries already in the snapshot are never
    added twice, whatever crash came between a fold and the journal reset.
    """
    base, records, _torn = journal
    position = base
    added = []
    latest = parse_timestamp(data["last_activity"])
    for record in records:
        changes = record.get("_set")
        if isinstance(changes, dict):
            _apply_changes(data, changes)
            continue
        if not isinstance(record.get("action"), str):
            continue
        if base < 0 or position >= present:
            added.append(record)
            try:
                latest = max(latest, parse_timestamp(record.get("timestamp")))
            except ValueError:
                pass
        position += 1
    if added:
        data["last_activity"] = format_timestamp(latest)
    return added


def _apply_changes(data: dict, changes: dict) -> None:
    status = changes.get("status")
    if status in STATUSES:
        data["status"] = status
    metadata = changes.get("metadata")
    if isinstance(metadata, dict):
        data["metadata"].update(metadata)
    timeout = changes.get("timeout_seconds")
    if isinstance(timeout, int) and not isinstance(timeout, bool) and timeout > 0:
        data["timeout_seconds"] = timeout


class SessionManager:
    """Manages session persistence and retrieval.

    Attributes:
        session_dir (Path): Directory where sessions are stored
        registry_file (Path): JSON file tracking all sessions
        archive_dir (Path): Where archived sessions are moved
    """

    def __init__(self, session_dir: str = ".claude/runtime/sessions", lock_timeout: float = DEFAULT_LOCK_TIMEOUT):
        """Initialize session manager. Directories are created on first write.

        Raises:
            ValueError: If session_dir is empty, contains a NUL byte, or names an existing non-directory
        """
        if not isinstance(session_dir, (str, os.PathLike)) or not os.fspath(session_dir):
            raise ValueError("session_dir must be a non-empty path")
        if "\x00" in os.fspath(session_dir):
            raise ValueError("session_dir must not contain NUL bytes")
        self.session_dir = Path(session_dir)
        if self.session_dir.exists() and not self.session_dir.is_dir():
            raise ValueError(f"session_dir {self.session_dir} exists and is not a directory")
        self.registry_file = self.session_dir / "registry.json"
        self.archive_dir = self.session_dir / "archive"
        self.lock_timeout = lock_timeout

    # -- paths and locks ---------------------------------------------------------------------

    def session_file(self, session_id: str) -> Path:
        return self.session_dir / f"session_{validate_session_id(session_id)}.json"

    def archive_file(self, session_id: str) -> Path:
        return self.archive_dir / f"session_{validate_session_id(session_id)}.json"

    def _journal_file(self, session_id: str, archived: bool = False) -> str:
        return _journal.journal_path(str(self.archive_dir if archived else self.session_dir), session_id)

    def _session_lock(self, session_id: str):
        return self._lock(_journal.lock_path(str(self.session_dir), validate_session_id(session_id)))

    def _registry_lock(self):
        return self._lock(str(self.session_dir / "registry.lock"))

    def _lock(self, path: str):
        if FileLock is None:
            return _journal.FlockLock(path, self.lock_timeout)
        return FileLock(path, timeout=self.lock_timeout, mode=0o600)

    # -- public interface --------------------------------------------------------------------

    def create_session(self, timeout_seconds: int = 3600, session_id: str = None) -> ClaudeSession:
        """Create and persist new session, with a fresh UUID or the given ``session_id``.

        Raises:
            ValueError: If session_id or timeout_seconds is invalid
            FileExistsError: If a session with this id already exists (live or archived)
            IOError: If cannot write to session directory
        """
        session = ClaudeSession(session_id or new_session_id(), timeout_seconds)
        create_session_dir(self.session_dir)
        with self._session_lock(session.session_id):
            if self.session_file(session.session_id).exists() or self.archive_file(session.session_id).exists():
                raise FileExistsError(f"session {session.session_id} already exists")
            self._register(session.session_id, self._create(session.to_dict()))
        session.mark_saved()
        return session

    def get_session(self, session_id: str) -> ClaudeSession:
        """Retrieve a session, live or archived, with every journaled entry folded in.

        Raises:
            KeyError: If session not found
            IOError: If cannot read session file (a corrupt one is set aside first)
        """
        validate_session_id(session_id)
        if not self.session_dir.is_dir():
            raise KeyError(session_id)
        with self._read_lock(session_id):
            data, _archived = self._load(session_id)
        session = ClaudeSession.from_dict(data)
        session.mark_saved()
        return session

    def list_sessions(self, status: str = None) -> list:
        """List session IDs from the registry, optionally filtered by status (or ``archived``).

        A registry that cannot be parsed is set aside and rebuilt from the session files.

        Raises:
            ValueError: If status is not a known status
            IOError: If cannot read session registry
        """
        if status is not None and status not in STATUSES + (ARCHIVED,):
            raise ValueError(f"status must be one of {', '.join(STATUSES + (ARCHIVED,))}, not {status!r}")
        sessions = self.read_registry()["sessions"]
        return [sid for sid, entry in sessions.items() if status is None or entry.get("status") == status]

    def save_session(self, session: ClaudeSession) -> None:
        """Persist session state, merging with what other processes saved meanwhile.

        Entries recorded on ``session`` since it was loaded are appended after those already on
        disk, metadata keys set on it overwrite theirs, and its status wins if it was changed.

        Raises:
            IOError: If cannot write session
        """
        create_session_dir(self.session_dir)
        changes = {"metadata": {key: session.metadata[key] for key in session._changed_metadata}}
        changes["timeout_seconds"] = session.timeout_seconds
        if session._status_changed:
            changes["status"] = session.status
        with self._session_lock(session.session_id):
            if self._locate(session.session_id) is None:
                data, archived = self._create(session.to_dict()), False
            else:
                data, archived = self._commit(session.session_id, session._unsaved_entries + [{"_set": changes}])
            self._register(session.session_id, data, archived=archived)
        merged = ClaudeSession.from_dict(data)
        session.__dict__.update(merged.__dict__)
        session.mark_saved()

    def archive_session(self, session_id: str) -> None:
        """Fold the journal into the session file and move both to ``archive/``.

        Archiving an archived session does nothing.

        Raises:
            KeyError: If session not found
            IOError: If cannot move file
        """
        validate_session_id(session_id)
        if not self.session_dir.is_dir():
            raise KeyError(session_id)
        with self._session_lock(session_id):
            if self._locate(session_id) == self.archive_file(session_id):
                data, _ = self._load(session_id)
                self._register(session_id, data, archived=True)
            else:
                data = self._fold_by_splicing(session_id) or self._commit(session_id, [])[0]
                self._move_to_archive(data)

    def restore_session(self, session_id: str) -> ClaudeSession:
        """Move an archived session back to live and make it active again (no-op if live).

        Costs the same for a session of ten entries or ten thousand: the file is moved, not
        rewritten, and the status change is journaled.

        Raises:
            KeyError: If session not found
            IOError: If cannot move file
        """
        validate_session_id(session_id)
        if not self.session_dir.is_dir():
            raise KeyError(session_id)
        with self._session_lock(session_id):
            self._make_live(session_id, create=False)
            data, _archived = self._load(session_id)
        session = ClaudeSession.from_dict(data)
        session.mark_saved()
        return session

    def append_records(self, session_id: str, records: list, timeout_seconds: int = 3600, metadata: dict = None, is_repeat=None) -> str:
        """Append journal records (activity entries and ``{"_set": ...}`` changes) to a session.

        The session is made live first: restored from the archive, repaired after a crash, or
        created (with ``metadata``) if unknown. Returns what that took: ``"appended"``,
        ``"restored"``, ``"repaired"`` or ``"created"`` — or ``"repeat"``, writing nothing, when
        ``is_repeat(last entry)`` is true. Hooks call this only when the fast path
        (``store.journal.append_if_live``) found no live journal.

        Raises:
            ValueError: If session_id is invalid
            IOError: If the session cannot be written
        """
        validate_session_id(session_id)
        payload = b"".join(_journal.encode_record(record) for record in records)
        create_session_dir(self.session_dir)
        with self._session_lock(session_id):
            outcome = self._make_live(session_id, create=True, timeout_seconds=timeout_seconds, metadata=metadata)
            if is_repeat is not None and is_repeat(_journal.last_entry(self._journal_file(session_id))):
                return "repeat"
            _journal.append_locked(self._journal_file(session_id), payload)
        return outcome

    def read_registry(self) -> dict:
        """The registry; one that cannot be parsed is set aside and rebuilt from the session files."""
        try:
            return load_session_registry(str(self.registry_file))
        except ValueError:
            pass
        with self._registry_lock():
            return self._read_registry_locked()

    def cleanup_expired(self, dry_run: bool = False) -> list:
        """Mark sessions idle past their timeout ended and archive them; return their ids.

        With ``dry_run``, only return the ids that would be ended.
        """
        expired = []
        for session_id, entry in self.read_registry()["sessions"].items():
            if entry.get("status") == ARCHIVED:
                continue
            with self._session_lock(session_id):
                try:
                    data, archived = self._load(session_id)
                except (KeyError, CorruptSessionError):
                    continue
                idle = ClaudeSession.from_dict(data).idle_seconds()
                if archived or idle < data["timeout_seconds"]:
                    continue
                expired.append(session_id)
                if dry_run:
                    continue
                data, _ = self._commit(session_id, [{"_set": {"status": "ended"}}])
                self._move_to_archive(data)
            _log.info("session %s ended after %d s idle and was archived", session_id, idle)
        return expired

    def prune_archived(self, retention_seconds: float, dry_run: bool = False) -> list:
        """Delete archived sessions archived more than ``retention_seconds`` ago; return their ids.

        With ``dry_run``, only return the ids that would be deleted.

        Their lock files go too, so lock files do not pile up over the years; a hook for a session
        idle that long racing its deletion is the one case this gives up.
        """
        if not self.archive_dir.is_dir():
            return []
        cutoff = time.time() - retention_seconds
        pruned = []
        for path in sorted(self.archive_dir.glob("session_*.json")):
            session_id = path.name[len("session_") : -len(".json")]
            try:
                validate_session_id(session_id)
                if path.stat().st_mtime >= cutoff:
                    continue
            except (ValueError, OSError):
                continue
            if dry_run:
                pruned.append(session_id)
                continue
            with self._session_lock(session_id):
                if not path.exists() or path.stat().st_mtime >= cutoff:
                    continue
                path.unlink()
                _unlink_quietly(self._journal_file(session_id, True))
                self._unregister(session_id)
                _unlink_quietly(_journal.lock_path(str(self.session_dir), session_id))
            pruned.append(session_id)
        return pruned

    # -- internals: the session lock is held by the caller ------------------------------------

    def _read_lock(self, session_id: str):
        """The session lock, or no lock where it cannot be created (read-only media): reads only."""
        lock = self._session_lock(session_id)
        if os.access(self.session_dir, os.W_OK):
            return lock
        return _NoLock()

    def _load(self, session_id: str):
        """``(data, archived)`` with the journal folded in; KeyError if there is no such session."""
        for archived, path in ((False, self.session_file(session_id)), (True, self.archive_file(session_id))):
            if path.is_dir():
                self._set_aside_in_the_way(path)
                continue
            text = load_with_retry(str(path), max_retries=1, retry_delay=0.05)
            if text is None:
                continue
            data = self._parse_snapshot(path, text, session_id)
            journal = _journal.read(self._journal_file(session_id, archived))
            if journal is None and archived:  # a restore interrupted between its two moves
                journal = _journal.read(self._journal_file(session_id))
            if journal is not None:
                apply_journal(data, journal)
            return data, archived
        raise KeyError(session_id)

    def _parse_snapshot(self, path: Path, text: str, session_id: str) -> dict:
        try:
            data = json.loads(text)
            ClaudeSession.from_dict(data)
            if data["session_id"] != session_id:
                raise ValueError(f"file holds session {data['session_id']!r}")
        except ValueError as exc:
            kept = set_aside(path)
            _log.error("session file %s is corrupt (%s); set aside as %s", path, exc, kept.name)
            _log_decision(f"set aside the corrupt file {path.name} as {kept.name}", f"it cannot be parsed: {exc}", "overwrite it (would destroy what it holds)", session_id)
            raise CorruptSessionError(f"session file {path} is corrupt ({exc}); set aside as {kept}", kept) from exc
        return data

    def _set_aside_in_the_way(self, path: Path) -> None:
        """A directory where a session's file belongs: keep it, renamed, and carry on without it."""
        kept = set_aside(path)
        _log.error("%s is a directory, not a file; set aside as %s", path, kept.name)
        _log_decision(f"set aside the directory {path.name} as {kept.name}", "a session file belongs at its path", "delete it (would destroy what it holds)")

    def _locate(self, session_id: str):
        """The session's snapshot path, live first, or None."""
        for path in (self.session_file(session_id), self.archive_file(session_id)):
            if path.exists():
                return path
        return None

    def _commit(self, session_id: str, records: list):
        """Journal ``records``, then fold the journal into the snapshot: ``(data, archived)``.

        Changes reach the snapshot only through the journal, so a snapshot never holds an entry
        the journal's positions do not account for, and a crash at any step loses nothing.
        """
        data, archived = self._load(session_id)
        journal_file = self._journal_file(session_id, archived)
        if records:
            if not os.path.exists(journal_file):
                atomic_write(journal_file, _journal.header(len(data["activity_log"])) + "\n", exclusive=True)
            _journal.append_locked(journal_file, b"".join(_journal.encode_record(r) for r in records))
            apply_journal(data, (len(data["activity_log"]), records, 0))
        snapshot = self.archive_file(session_id) if archived else self.session_file(session_id)
        atomic_write(snapshot, _snapshot.encode(data), exclusive=True)
        atomic_write(journal_file, _journal.header(len(data["activity_log"])) + "\n", exclusive=True)
        return data, archived

    def _fold_by_splicing(self, session_id: str):
        """Fold a live session's journal by appending its entries to the snapshot's entry bytes
        (see ``store.snapshot``): no parsing or re-encoding of what the snapshot already holds.
        Returns the session's fields (without its entries), or None when the snapshot's layout
        or the journal calls for the full fold (which also sets a corrupt file aside)."""
        path = self.session_file(session_id)
        journal_file = self._journal_file(session_id)
        try:
            parts = _snapshot.split(path.read_bytes())
            journal = _journal.read(journal_file)
        except OSError:
            return None
        if parts is None or journal is None:
            return None
        fields, kept, present = parts
        try:
            ClaudeSession.from_dict(dict(fields, activity_log=[]))
        except ValueError:
            return None
        if fields.get("session_id") != session_id:
            return None
        added = fold_records(fields, journal, present)
        atomic_write(path, _snapshot.encode(fields, added, kept), exclusive=True)
        atomic_write(journal_file, _journal.header(present + len(added)) + "\n", exclusive=True)
        return fields

    def _create(self, data: dict) -> dict:
        """Store a new live session: its entries (and any orphaned journal's) go through a fresh journal."""
        session_id = data["session_id"]
        journal_file = self._journal_file(session_id)
        orphan = _journal.read(journal_file)  # left by a session whose file was set aside
        records = (orphan[1] if orphan else []) + data["activity_log"]
        body = b"".join(_journal.encode_record(record) for record in records).decode("utf-8")
        atomic_write(journal_file, _journal.header(0) + "\n" + body, exclusive=True)
        atomic_write(self.session_file(session_id), _snapshot.encode(dict(data, activity_log=[])), exclusive=True)
        if not records:  # the empty snapshot and its journal are already the whole session
            return data
        return self._commit(session_id, [])[0]

    def _move_to_archive(self, data: dict) -> None:
        """Move the folded journal and snapshot, in that order (see ``_make_live``), to the archive."""
        session_id = data["session_id"]
        create_session_dir(self.session_dir)
        os.replace(self._journal_file(session_id), self._journal_file(session_id, True))
        os.replace(self.session_file(session_id), self.archive_file(session_id))
        self._register(session_id, data, archived=True)

    def _make_live(self, session_id: str, create: bool, timeout_seconds: int = 3600, metadata: dict = None) -> str:
        """Ensure a live snapshot with a journal exists; return how (see ``append_records``).

        Raises KeyError for an unknown session unless ``create``.
        """
        live, journal_file = self.session_file(session_id), self._journal_file(session_id)
        for path in (live, Path(journal_file)):
            if path.is_dir():
                self._set_aside_in_the_way(path)
        if os.path.isfile(journal_file) and live.is_file():
            return "appended"
        try:
            if live.exists():  # a snapshot without its journal: an archive cut short between its two moves
                data, _ = self._commit(session_id, [])
                self._register(session_id, data)
                _log.warning("session %s had no journal; repaired", session_id)
                return "repaired"
            archived = self.archive_file(session_id)
            if archived.exists():
                archived_journal = self._journal_file(session_id, archived=True)
                if os.path.exists(archived_journal):
                    os.replace(archived_journal, journal_file)
                os.replace(archived, live)
                if not os.path.exists(journal_file):
                    self._commit(session_id, [])
                _journal.append_locked(journal_file, _journal.encode_record({"_set": {"status": "active"}}))
                self._set_registry_status(session_id, "active")
                return "restored"
        except CorruptSessionError:
            return self._make_live(session_id, create, timeout_seconds, metadata)
        if not create:
            raise KeyError(session_id)
        session = ClaudeSession(session_id, timeout_seconds)
        session.metadata.update(metadata or {})
        self._register(session_id, self._create(session.to_dict()))
        return "created"

    # -- internals: registry ------------------------------------------------------------------

    def _register(self, session_id: str, data: dict, archived: bool = False) -> None:
        entry = {
            "created_at": data["created_at"],
            "status": ARCHIVED if archived else data["status"],
            "timeout_seconds": data["timeout_seconds"],
        }
        self._change_registry(lambda sessions: sessions.__setitem__(session_id, entry))

    def _set_registry_status(self, session_id: str, status: str) -> None:
        def change(sessions):
            if session_id in sessions:
                sessions[session_id]["status"] = status

        self._change_registry(change)

    def _unregister(self, session_id: str) -> None:
        self._change_registry(lambda sessions: sessions.pop(session_id, None))

    def _change_registry(self, change) -> None:
        with self._registry_lock():
            registry = self._read_registry_locked()
            change(registry["sessions"])
            atomic_write(self.registry_file, dumps(registry, indent=2) + "\n", exclusive=True)

    def _read_registry_locked(self) -> dict:
        try:
            return load_session_registry(str(self.registry_file))
        except ValueError as exc:
            kept = set_aside(self.registry_file)
            _log.error("registry %s is corrupt (%s); set aside as %s and rebuilt", self.registry_file, exc, kept.name)
            _log_decision(f"set aside the corrupt registry as {kept.name} and rebuild it", f"it cannot be parsed: {exc}", "start an empty registry (would hide every session)")
        registry = {"sessions": self._scan_sessions()}
        atomic_write(self.registry_file, dumps(registry, indent=2) + "\n", exclusive=True)
        return registry

    def _scan_sessions(self) -> dict:
        """Registry entries rebuilt from the session files on disk (unreadable files are skipped)."""
        sessions = {}
        for archived, folder in ((True, self.archive_dir), (False, self.session_dir)):
            if not folder.is_dir():
                continue
            for path in folder.glob("session_*.json"):
                try:
                    data = json.loads(path.read_text(encoding="utf-8"))
                    ClaudeSession.from_dict(data)
                except (OSError, ValueError) as exc:
                    _log.warning("skipping unreadable session file %s while rebuilding the registry: %s", path, exc)
                    continue
                sessions[data["session_id"]] = {
                    "created_at": data["created_at"],
                    "status": ARCHIVED if archived else data["status"],
                    "timeout_seconds": data["timeout_seconds"],
                }
        return sessions


def _log_decision(what: str, why: str, alternatives: str, session_id: str = None) -> None:
    """A decision record in the shape ToolkitLogger.log_decision writes, for whichever handler the entry point set up."""
    details = {"what": what, "why": why, "alternatives": alternatives}
    _log.warning("decided: %s (because %s)", what, why, extra={"event": "decision", "details": details, "session_id": session_id})


class _NoLock:
    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return None


def _unlink_quietly(path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


