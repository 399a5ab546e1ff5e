"""A search index over every tracked project's sessions: SQLite (standard library) with FTS5.

Derived, never the source of truth: the JSON session files are. It lives in the user's cache
(``$CLAUDE_SESSION_TRACKER_HOME``, else ``$XDG_CACHE_HOME/claude-session-tracker``, else
``~/.cache/claude-session-tracker``), is brought up to date incrementally (only sessions whose
files changed are read again), and can always be deleted or rebuilt. WAL mode: readers are not
blocked by the one writer; a writer killed mid-update leaves the last committed state. A corrupt
or foreign file, or one built by another schema version, is set aside and rebuilt.
"""

import json
import logging
import os
import sqlite3

from ..store.catalog import user_dir
from .summaries import files_fingerprint, read_registry, read_session

SCHEMA_VERSION = 1
INDEX_NAME = "index.sqlite"
_log = logging.getLogger(__name__)
# Which detail fields hold text a person would search for, per action (others: every field).
_TEXT_FIELDS = ("prompt", "text", "tool_name", "tool_input", "tool_response", "error", "last_assistant_message", "compact_summary", "reason")


def location(env=os.environ) -> str:
    """The index file: in the user's cache folder (see ``store.catalog.user_dir``)."""
    return os.path.join(user_dir("XDG_CACHE_HOME", ".cache", env), INDEX_NAME)


def entry_text(entry: dict) -> str:
    """The searchable text of one activity entry: its prompt, answer, tool, input, output, error…"""
    details = entry.get("details") if isinstance(entry.get("details"), dict) else {}
    parts = [str(entry.get("action") or "")]
    for key in _TEXT_FIELDS:
        value = details.get(key)
        if value is None:
            continue
        parts.append(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
    return "\n".join(parts)


class Index:
    """One connection to the index; ``update`` brings it up to date, ``search`` answers queries."""

    def __init__(self, path: str = None, rebuild: bool = False):
        self.path = path or location()
        os.makedirs(os.path.dirname(self.path), mode=0o700, exist_ok=True)
        if rebuild:
            self._remove()
        self.db = self._open()

    def _open(self) -> sqlite3.Connection:
        try:
            db = self._connect()
            version = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            if version and int(version[0]) == SCHEMA_VERSION:
                return db
            db.close()
            reason = f"it was built by schema version {version[0] if version else '?'}, this is {SCHEMA_VERSION}"
        except (sqlite3.DatabaseError, ValueError) as exc:
            reason = f"it cannot be used ({exc})"
        if os.path.exists(self.path):
            self._set_aside(reason)
        db = self._connect()
        with db:
            db.executescript(
                """
                CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
                CREATE TABLE IF NOT EXISTS sessions (
                    project TEXT, session_id TEXT, fingerprint TEXT, entries INTEGER,
                    PRIMARY KEY (project, session_id));
                CREATE VIRTUAL TABLE IF NOT EXISTS entries USING fts5(
                    text, project UNINDEXED, session_id UNINDEXED, position UNINDEXED,
                    timestamp UNINDEXED, action UNINDEXED, tool UNINDEXED, tokenize = 'unicode61');
                """
            )
            db.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        return db

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA busy_timeout = 30000")
        os.chmod(self.path, 0o600)
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()  # fails on a foreign or corrupt file
        return db

    def _set_aside(self, reason: str) -> None:
        from ..file_utils import set_aside

        kept = set_aside(self.path)
        for suffix in ("-wal", "-shm"):
            if os.path.exists(self.path + suffix):
                os.remove(self.path + suffix)
        _log.warning("search index %s set aside as %s and rebuilt: %s", self.path, kept.name, reason)

    def _remove(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(self.path + suffix):
                os.remove(self.path + suffix)

    def update(self, projects) -> dict:
        """Re-read the sessions of ``projects`` whose files changed; drop those gone. Returns counts."""
        done = {"projects": 0, "sessions_read": 0, "sessions_unchanged": 0, "sessions_removed": 0, "entries_added": 0}
        for project in projects:
            done["projects"] += 1
            session_dir = os.path.join(project, ".claude", "runtime", "sessions")
            known = dict(self.db.execute("SELECT session_id, fingerprint FROM sessions WHERE project = ?", (project,)))
            registry = read_registry(session_dir) if os.path.isdir(session_dir) else {}
            for session_id, registry_entry in registry.items():
                archived = registry_entry.get("status") == "archived"
                folder = os.path.join(session_dir, "archive") if archived else session_dir
                fingerprint = json.dumps(files_fingerprint([os.path.join(folder, f"session_{session_id}.json"), os.path.join(folder, f"session_{session_id}.journal")]))
                if known.pop(session_id, None) == fingerprint:
                    done["sessions_unchanged"] += 1
                    continue
                try:
                    data = read_session(session_dir, session_id, archived)
                except (KeyError, OSError, ValueError):
                    continue
                done["sessions_read"] += 1
                done["entries_added"] += self._replace(project, session_id, fingerprint, data["activity_log"])
            for session_id in known:  # pruned or moved away
                self._replace(project, session_id, None, [])
                done["sessions_removed"] += 1
        return done

    def _replace(self, project: str, session_id: str, fingerprint, entries) -> int:
        """One transaction per session: a writer killed mid-update leaves every session whole."""
        rows = [
            (entry_text(entry), project, session_id, position, entry.get("timestamp"), entry.get("action"),
             (entry.get("details") or {}).get("tool_name") if isinstance(entry.get("details"), dict) else None)
            for position, entry in enumerate(entries) if isinstance(entry, dict)
        ]
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.execute("DELETE FROM entries WHERE project = ? AND session_id = ?", (project, session_id))
            self.db.execute("DELETE FROM sessions WHERE project = ? AND session_id = ?", (project, session_id))
            if fingerprint is not None:
                self.db.executemany("INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
                self.db.execute("INSERT INTO sessions VALUES (?, ?, ?, ?)", (project, session_id, fingerprint, len(rows)))
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return len(rows)

    def search(self, query: str, projects=None, action=None, tool=None, since=None, limit: int = 20) -> list:
        """Hits, newest first: project, session id, position, timestamp, action, tool, snippet
        (the match between « and »). Raises ValueError for a query FTS5 cannot parse."""
        sql = ["SELECT project, session_id, position, timestamp, action, tool,",
               "snippet(entries, 0, '«', '»', '…', 16) FROM entries WHERE entries MATCH ?"]
        args = [query]
        if projects is not None:
            sql.append(f"AND project IN ({','.join('?' * len(projects))})")
            args += list(projects)
        for column, value in (("action", action), ("tool", tool)):
            if value:
                sql.append(f"AND {column} = ?")
                args.append(value)
        if since:
            sql.append("AND timestamp >= ?")
            args.append(since)
        sql.append("ORDER BY timestamp DESC LIMIT ?")
        args.append(limit)
        try:
            rows = self.db.execute(" ".join(sql), args).fetchall()
        except sqlite3.OperationalError:
            # Not FTS5 syntax (``foo-bar``, ``a/b.py``): search its words as plain phrases instead.
            args[0] = " ".join('"' + word.replace('"', '""') + '"' for word in query.split())
            try:
                rows = self.db.execute(" ".join(sql), args).fetchall()
            except sqlite3.OperationalError as exc:
                raise ValueError(f"cannot search for {query!r}: {exc}") from None
        keys = ("project", "session_id", "position", "timestamp", "action", "tool", "snippet")
        return [dict(zip(keys, row)) for row in rows]

    def close(self) -> None:
        self.db.close()
