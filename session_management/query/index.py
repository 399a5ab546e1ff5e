"""A search index over every tracked project's sessions: SQLite (standard library) with FTS5.

Derived, never the source of truth: the JSON session files are. It lives in the user's cache
(``$CLAUDE_SESSION_TRACKER_HOME``, else ``$XDG_CACHE_HOME/claude-session-tracker``, else
``~/.cache/claude-session-tracker``), is brought up to date incrementally (only sessions whose
files changed are read again), and can always be deleted or rebuilt. WAL mode: readers are not
blocked by the one writer; a writer killed mid-update leaves the last committed state. A corrupt
or foreign file is set aside and rebuilt; one built by another schema version is rebuilt.

``query.summaries`` (and the session model behind it) is imported only where a session is read or
fingerprinted: a search over an index already up to date needs neither (see ARCHITECTURE,
"Start-up of the views").
"""

import json
import os
import sqlite3
import sys
import time

from ..core.tokens import MAIN, all_tokens
from ..store import catalog, history, redaction
from ..store.catalog import user_dir
from .combined import IMPORTED_STATUS
from .fulltext import Query, entry_text

# 2: each session's summary, so list/stats/usage across projects read no session file;
# 3: the text a person saw (not JSON) in a word index and a trigram index, for parts of words;
# 4: each session's tokens per day and model and per agent and model, so usage is a GROUP BY
SCHEMA_VERSION = 4
INDEX_NAME = "index.sqlite"
SORTS = ("newest", "relevance")
# What a listing shows of each session, kept in columns so a page of 10,000 reads no JSON.
LISTED = ("session_id", "status", "session_status", "created_at", "last_activity", "duration_seconds",
          "events", "prompts", "tool_calls", "failures", "subagents", "turns", "cwd", "model")
_SLOTS = 1024  # entry ids per millisecond
_BATCH_ROWS = 5000  # rows written per transaction: a commit per session of a few entries was a third of a first build
_MISSING, _UNKNOWN = -1, None  # folder marks: known to be missing; not to be trusted
_SETTLED_NS = 2_000_000_000  # a folder's mtime this old cannot still change within the same clock tick
_FOLLOWER_NICENESS = 10  # the follower yields the core to the import it follows when both want it
_FTS = ("entries_words", "entries_grams")  # the word index and the trigram index over entries.text
# The token totals (core.tokens) of the usage_days and usage_agents rows, in their columns' order.
_TOTALS = ("requests", "input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens",
           "cache_creation_5m_input_tokens", "cache_creation_1h_input_tokens")
_SPEND_COLUMNS = ("requests", "input", "output", "cache_write", "cache_read", "cache_write_5m", "cache_write_1h")
_SPEND_KEYS = {"day": "u.day", "session": "s.session_id", "project": "s.project", "model": "u.model",
               "agent": f"CASE WHEN u.agent = '{MAIN}' THEN u.agent ELSE u.agent || ' (' || substr(s.session_id, 1, 8) || ')' END"}  # as spend.cells


def location(env=os.environ) -> str:
    """The index file: in the user's cache folder (see ``store.catalog.user_dir``)."""
    return os.path.join(user_dir("XDG_CACHE_HOME", ".cache", env), INDEX_NAME)


def read_updated(projects, read, path: str = None, progress=None):
    """``read(index)`` with the index at ``path`` (default: the user's) first brought up to date
    with ``projects``; the connection is closed after."""
    index = Index(path)
    try:
        index.update(projects, progress)
        return read(index)
    finally:
        index.close()


class Index:
    """One connection to the index; ``update`` brings it up to date, ``search`` answers queries."""

    def __init__(self, path: str = None, rebuild: bool = False, notice=None):
        self.path = path or location()
        self.notice = notice or _to_stderr  # told when the index is set aside or rebuilt
        os.makedirs(os.path.dirname(self.path), mode=0o700, exist_ok=True)
        if rebuild:
            self._remove()
        self.db = self._open()
        self._unsaved = 0  # rows written in the open transaction (see _replace)
        self._unindexed = set()  # sessions of the open transaction whose text is not in the FTS indexes yet (see _commit)

    def _open(self) -> sqlite3.Connection:
        try:
            db = self._connect()
            tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not tables:  # a new file: built from stored data whose own stamps doctor checks
                redaction.stamp(os.path.dirname(self.path))
                return self._create(db)
            version = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            if version and int(version[0]) == SCHEMA_VERSION:
                return db
            db.close()
        except (sqlite3.DatabaseError, ValueError) as exc:
            self._set_aside(f"it cannot be used ({exc})")
            return self._create(self._connect())
        # Built by another version of this tool: derived data, so built again, not kept.
        self._remove()
        self.notice(f"rebuilding the search index {self.path} for this version (schema {version[0] if version else '?'} to {SCHEMA_VERSION})")
        return self._create(self._connect())

    @staticmethod
    def _create(db: sqlite3.Connection) -> sqlite3.Connection:
        """The schema: entries in a plain table (ids ordered like their times, see
        ``_time_ordered_ids``), their text (``fulltext.entry_text``) in two FTS5 indexes over it
        (whole words, for short terms; trigrams, for any part of three characters or more), one row
        per session with its fingerprint and listing fields, its summary and its tokens per model,
        per day and model and per agent and model (``spend``)."""
        db.executescript(
                """
                BEGIN;
                CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
                CREATE TABLE sessions (
                    id INTEGER PRIMARY KEY, project TEXT NOT NULL, session_id TEXT NOT NULL,
                    fingerprint TEXT, entries INTEGER, status TEXT, session_status TEXT,
                    created_at TEXT, last_activity TEXT, duration_seconds REAL, events INTEGER,
                    prompts INTEGER, tool_calls INTEGER, failures INTEGER, subagents INTEGER,
                    turns INTEGER, cwd TEXT, model TEXT, requests INTEGER, tokens INTEGER,
                    cost REAL, priced_with TEXT, UNIQUE (project, session_id));
                CREATE TABLE summaries (session INTEGER PRIMARY KEY, summary TEXT);
                CREATE TABLE usage (
                    session INTEGER NOT NULL, model TEXT, requests INTEGER, input INTEGER, output INTEGER,
                    cache_write_5m INTEGER, cache_write_1h INTEGER, cache_read INTEGER);
                CREATE INDEX usage_by_session ON usage (session);
                CREATE TABLE usage_days (
                    session INTEGER NOT NULL, day TEXT, model TEXT, requests INTEGER, input INTEGER, output INTEGER,
                    cache_write INTEGER, cache_read INTEGER, cache_write_5m INTEGER, cache_write_1h INTEGER);
                CREATE INDEX usage_days_by_session ON usage_days (session);
                CREATE INDEX usage_days_by_day ON usage_days (day);
                CREATE TABLE usage_agents (
                    session INTEGER NOT NULL, agent TEXT, model TEXT, requests INTEGER, input INTEGER, output INTEGER,
                    cache_write INTEGER, cache_read INTEGER, cache_write_5m INTEGER, cache_write_1h INTEGER);
                CREATE INDEX usage_agents_by_session ON usage_agents (session);
                CREATE INDEX sessions_by_start ON sessions (created_at);
                CREATE INDEX sessions_by_status ON sessions (project, status);  -- the live sessions, read at every update
                CREATE TABLE folders (path TEXT PRIMARY KEY, mtime_ns INTEGER);
                CREATE TABLE entries (
                    id INTEGER PRIMARY KEY, session INTEGER NOT NULL, position INTEGER,
                    timestamp TEXT, action TEXT, tool TEXT, text TEXT);
                CREATE INDEX entries_by_session ON entries (session);
                CREATE VIRTUAL TABLE entries_words USING fts5(
                    text, content = 'entries', content_rowid = 'id', tokenize = 'unicode61');
                CREATE VIRTUAL TABLE entries_grams USING fts5(
                    text, content = 'entries', content_rowid = 'id', tokenize = 'trigram');
                INSERT INTO meta VALUES ('schema_version', '%d');
                COMMIT;
                """ % SCHEMA_VERSION
        )
        return db

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA busy_timeout = 30000")
        db.execute("PRAGMA synchronous = NORMAL")  # WAL: a crash may lose the last update, never corrupts
        os.chmod(self.path, 0o600)
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()  # fails on a foreign or corrupt file
        return db

    def _set_aside(self, reason: str) -> None:
        from ..file_utils import set_aside

        kept = set_aside(self.path)
        for suffix in ("-wal", "-shm"):
            if os.path.exists(self.path + suffix):
                os.remove(self.path + suffix)
        self.notice(f"search index {self.path} set aside as {kept.name} and rebuilt: {reason}")

    def _remove(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(self.path + suffix):
                os.remove(self.path + suffix)

    def update(self, projects, progress=None, note_today: bool = True) -> dict:
        """Re-read the sessions of ``projects`` whose files changed; drop those gone. Returns counts.
        ``progress(done, total)`` is called as sessions are read, for long first builds. Without
        ``note_today`` the day's imported spend is left to the caller (``_note_imported_today``)."""
        done = {"projects": 0, "sessions_read": 0, "sessions_unchanged": 0, "sessions_removed": 0, "entries_added": 0}
        stale, marks = [], {}
        remembered = dict(self.db.execute("SELECT path, mtime_ns FROM folders"))  # a few rows per project
        live = self._live_sessions()
        home = catalog.home()
        for project in projects:
            done["projects"] += 1
            session_dir = os.path.join(project, ".claude", "runtime", "sessions")
            imported = history.project_folder(home, project)
            # The registry, the archived files and the imported ones change only by rename (atomic
            # writes, archive, restore, prune, import), which changes the registry's mtime and the
            # folders': while all are as they were at the last complete update (missing counts as
            # a state too), only live sessions can have changed.
            own = {path: _mtime_ns(path) for path in _renamed_only(session_dir, imported)}
            trusted = {path for path, mtime in own.items() if mtime == remembered.get(path)}
            nothing_renamed = trusted == set(own)
            changed, unchanged, gone = self._changed(project, session_dir, imported, os.path.join(session_dir, "archive") in trusted,
                                                     live.get(project, ([], 0)) if nothing_renamed else None)
            stale += changed
            done["sessions_unchanged"] += unchanged
            for session_id in gone:
                self._replace(project, session_id, None, [], None)
                done["sessions_removed"] += 1
            marks.update(own)
        if stale:
            from .summaries import read_combined, summarize

            if progress:
                progress(0, len(stale))
        for number, (project, session_dir, session_id, status, fingerprint) in enumerate(stale, 1):
            imported = history.project_folder(home, project)
            try:
                data = read_combined(session_dir, imported, session_id, status)
            except (KeyError, OSError, ValueError):
                marks.update(dict.fromkeys(_renamed_only(session_dir, imported), _UNKNOWN))  # not indexed: look again next time
                continue
            done["sessions_read"] += 1
            done["entries_added"] += self._replace(project, session_id, fingerprint, data["activity_log"], summarize(data, status))
            if progress:
                progress(number, len(stale))
        self._commit()
        self._remember_folders(marks, remembered)  # only now that the sessions they vouch for are all indexed
        if note_today:
            self._note_imported_today(changed=bool(done["sessions_read"] or done["sessions_removed"]))
        return done

    def _note_imported_today(self, changed: bool) -> None:
        """Today's tokens of the sessions known only from their transcripts, per project and model,
        into the day file the status line reads (``store.tally``): the hooks counted every other
        session's responses there as they harvested them, so none is counted twice. Done when a
        session changed, and once a day (``meta``'s ``imported_today``), not at every update."""
        from ..store import tally

        today = time.strftime("%Y-%m-%d", time.gmtime())
        if not changed and self.db.execute("SELECT 1 FROM meta WHERE key = 'imported_today' AND value = ?", (today,)).fetchone():
            return
        rows = self.db.execute(f"SELECT s.project, u.model, {', '.join(f'sum(u.{c})' for c in _SPEND_COLUMNS)} FROM usage_days u "
                               "JOIN sessions s ON s.id = u.session WHERE u.day = ? AND s.status = ? GROUP BY 1, 2", (today, IMPORTED_STATUS))
        projects = {}
        for project, model, *sums in rows:
            projects.setdefault(project, {})[model] = dict(zip(_TOTALS, sums))
        try:
            tally.set_imported(user_dir("XDG_CACHE_HOME", ".cache"), today, projects)
        except OSError:
            return  # a read-only cache only costs the status line this figure
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('imported_today', ?)", (today,))

    def _live_sessions(self) -> dict:
        """``{project: ([(session id, status, fingerprint)] of its live sessions, how many sessions
        it has)}`` as the index holds them, read for every project at once: the live sessions are
        all an update stats in a project where nothing was renamed (most projects, most updates)."""
        settled = ("archived", IMPORTED_STATUS)  # files that change only by rename
        live = {project: ([], held) for project, held in self.db.execute("SELECT project, count(*) FROM sessions GROUP BY project")}
        for project, *row in self.db.execute("SELECT project, session_id, status, fingerprint FROM sessions WHERE status NOT IN (?, ?)", settled):
            live[project][0].append(row)
        return live

    def _changed(self, project: str, session_dir: str, imported: str, archive_same: bool, live=None):
        """``(stale sessions to read, count unchanged, ids gone)`` of one project, stat'ing only the
        files that can have changed (see ``update``): none but the ``live`` sessions' (and how many
        it holds in all, from ``_live_sessions``) when neither the registry nor a folder changed,
        none of the archived ones without an import when the archive folder did not."""
        nothing_renamed = live is not None
        if nothing_renamed:  # the same sessions, with the same statuses, as the index holds
            rows, held = live
            known = {session_id: fingerprint for session_id, _, fingerprint in rows}
            found = {session_id: status for session_id, status, _ in rows}
            unchanged = held - len(rows)
        else:
            from .summaries import statuses

            known = dict(self.db.execute("SELECT session_id, fingerprint FROM sessions WHERE project = ?", (project,)))
            found = statuses(session_dir, imported)
            unchanged = 0
        with_import = set(history.session_ids(imported)) if not nothing_renamed else set()
        stale = []
        for session_id, status in found.items():
            if archive_same and status == "archived" and session_id in known and session_id not in with_import:
                known.pop(session_id)
                unchanged += 1
                continue
            from .summaries import session_sources

            fingerprint = json.dumps(session_sources(session_dir, imported, session_id, status))
            if known.pop(session_id, None) == fingerprint:
                unchanged += 1
            else:
                stale.append((project, session_dir, session_id, status, fingerprint))
        return stale, unchanged, [] if nothing_renamed else list(known)

    def _remember_folders(self, marks: dict, remembered: dict) -> None:
        """Trust a file's or folder's mtime only once it is settled: a change in the same clock tick as the
        last one would leave it equal (git's "racily clean" problem). One transaction, and none (so
        nothing for the WAL to checkpoint) when every mark is as ``remembered``."""
        now = time.time_ns()
        settled = {path: mtime if mtime is not None and now - mtime > _SETTLED_NS else None for path, mtime in marks.items()}
        changed = {path: mtime for path, mtime in settled.items() if mtime != remembered.get(path)}
        if not changed:
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.executemany("DELETE FROM folders WHERE path = ?", [(path,) for path, mtime in changed.items() if mtime is None])
            self.db.executemany("INSERT OR REPLACE INTO folders VALUES (?, ?)", [item for item in changed.items() if item[1] is not None])
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    def _replace(self, project: str, session_id: str, fingerprint, entries, summary) -> int:
        """Whole sessions per transaction, committed every ``_BATCH_ROWS`` rows (and by ``update`` at
        its end): a writer killed mid-update leaves every session whole."""
        from .summaries import usage_of

        rows = [
            (position, entry.get("timestamp"), entry.get("action"),
             (entry.get("details") or {}).get("tool_name") if isinstance(entry.get("details"), dict) else None, entry_text(entry))
            for position, entry in enumerate(entries) if isinstance(entry, dict)
        ]
        db = self.db
        if not db.in_transaction:
            db.execute("BEGIN IMMEDIATE")
        try:
            old = db.execute("SELECT id FROM sessions WHERE project = ? AND session_id = ?", (project, session_id)).fetchone()
            if old:
                if old[0] in self._unindexed:
                    self._unindexed.discard(old[0])  # its text never reached the full-text indexes
                else:
                    for fts in _FTS:
                        db.execute(f"INSERT INTO {fts} ({fts}, rowid, text) SELECT 'delete', id, text FROM entries WHERE session = ?", old)
                for table in ("entries", "usage", "usage_days", "usage_agents", "summaries"):
                    db.execute(f"DELETE FROM {table} WHERE session = ?", old)
                db.execute("DELETE FROM sessions WHERE id = ?", old)
            if fingerprint is not None:
                listed = [summary[key] for key in LISTED]
                usage = usage_of(summary)
                by_model = usage["by_model"]
                spent = (sum(t["requests"] for t in by_model.values()), sum(all_tokens(t) for t in by_model.values()))
                key = db.execute(
                    f"INSERT INTO sessions (project, fingerprint, entries, requests, tokens, {', '.join(LISTED)}) "
                    f"VALUES (?, ?, ?, ?, ?, {_marks(LISTED)})", (project, fingerprint, len(rows), *spent, *listed)).lastrowid
                db.execute("INSERT INTO summaries VALUES (?, ?)", (key, json.dumps(summary)))
                db.executemany("INSERT INTO usage VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [
                    (key, model, t["requests"], t["input_tokens"], t["output_tokens"], t["cache_creation_5m_input_tokens"],
                     t["cache_creation_1h_input_tokens"], t["cache_read_input_tokens"]) for model, t in by_model.items()])
                for table, groups in (("usage_days", usage["days"]), ("usage_agents", usage["cells"])):
                    db.executemany(f"INSERT INTO {table} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
                        (key, group, model, *(t[name] for name in _TOTALS)) for group, models in groups.items() for model, t in models.items()])
                ids = self._time_ordered_ids([row[1] for row in rows])
                db.executemany(f"INSERT INTO entries (id, session, position, timestamp, action, tool, text) VALUES (?, {key}, ?, ?, ?, ?, ?)",
                               [(entry_id, *row) for entry_id, row in zip(ids, rows)])
                self._unindexed.add(key)
        except BaseException:
            db.execute("ROLLBACK")
            self._unindexed.clear()
            raise
        self._unsaved += len(rows) + 1
        if self._unsaved >= _BATCH_ROWS:
            self._commit()
        return len(rows)

    def _commit(self) -> None:
        """The transaction's sessions' text into the full-text indexes, in id order, then committed.
        FTS5 writes its pending terms out as a new segment whenever a row id is lower than the last
        one: inserted session by session (ids follow time, sessions do not), a first build made a
        segment per session and spent more time merging them than indexing."""
        db = self.db
        if self._unindexed:
            try:
                db.execute("CREATE TEMP TABLE IF NOT EXISTS unindexed (session INTEGER PRIMARY KEY)")
                db.executemany("INSERT INTO unindexed VALUES (?)", ((key,) for key in self._unindexed))
                for fts in _FTS:
                    db.execute(f"INSERT INTO {fts} (rowid, text) SELECT id, text FROM entries "
                               "WHERE session IN (SELECT session FROM unindexed) ORDER BY id")
                db.execute("DELETE FROM unindexed")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            finally:
                self._unindexed.clear()
        if db.in_transaction:
            db.execute("COMMIT")
        self._unsaved = 0

    def _time_ordered_ids(self, timestamps) -> list:
        """Entry ids that sort like the entries' times (millisecond × 1024, then the next one after
        those in use in that millisecond; a full millisecond runs on into the next), so FTS5 walks
        matches newest first by id and stops at the limit, however common the word. One lookup per
        distinct millisecond: however many sessions share it, nothing is walked id by id."""
        from ..claude_session import parse_timestamp

        ids, following, last = [], {}, 0  # following: millisecond's first id -> the next id free in it
        for stamp in timestamps:
            try:
                last = _first_id_at(parse_timestamp(stamp))
            except ValueError:
                pass  # no usable time: keep the previous entry's
            start = last
            while True:
                if start not in following:
                    row = self.db.execute("SELECT id FROM entries WHERE id BETWEEN ? AND ? ORDER BY id DESC LIMIT 1",
                                          (start, start + _SLOTS - 1)).fetchone()
                    following[start] = row[0] + 1 if row else start
                if following[start] < start + _SLOTS:
                    break
                start += _SLOTS  # crowded: on into the next millisecond's ids
            ids.append(following[start])
            following[start] += 1
        return ids

    def summaries(self, projects) -> list:
        """Each indexed session's summary (``query.summaries.summarize``) with its ``project``."""
        rows = self.db.execute("SELECT s.project, m.summary FROM sessions s JOIN summaries m ON m.session = s.id "
                               f"WHERE s.project IN ({_marks(projects)})", list(projects))
        return [{**json.loads(summary), "project": project} for project, summary in rows]

    def spend(self, projects, by: str, since=None, from_since_day: bool = False) -> list:
        """``(key, model, totals)``: the tokens of ``projects``' sessions added up per ``by`` (day,
        session, project, model or agent) and model, by SQLite, in the order first indexed; only
        sessions active since ``since`` (an aware datetime), with ``from_since_day`` only their
        days from then (see ``query.spend.cells``, which this answers across projects)."""
        table = "usage_agents" if by == "agent" else "usage_days"
        sql = [f"SELECT {_SPEND_KEYS[by]}, u.model, {', '.join(f'sum(u.{c})' for c in _SPEND_COLUMNS)} FROM {table} u "
               f"JOIN sessions s ON s.id = u.session WHERE s.project IN ({_marks(projects)})"]
        args = list(projects)
        if since:
            from ..claude_session import format_timestamp

            sql.append("AND s.last_activity >= ?")
            args.append(format_timestamp(since))
            if from_since_day:
                sql.append("AND (u.day >= ? OR u.day = 'unknown')")
                args.append(since.strftime("%Y-%m-%d"))
        sql.append("GROUP BY 1, 2 ORDER BY min(u.rowid)")
        return [(key, model, dict(zip(_TOTALS, sums))) for key, model, *sums in self.db.execute(" ".join(sql), args)]

    def listing(self, projects, pricer, status=None, since=None, limit=None, offset=0) -> list:
        """Sessions newest first, as a list or a page shows them: the ``LISTED`` fields, the
        ``project``, ``requests``, ``tokens`` (all kinds) and ``cost_usd`` (None if a model is
        unpriced), from the sessions table alone: a page of 10,000 sessions parses no JSON and
        adds nothing up. ``status`` matches the registry's or the session's; ``since`` (an aware
        datetime) the last activity."""
        keys = ("project", *LISTED, "requests", "tokens", "cost_usd")
        rows = self._listed(f"project, {', '.join(LISTED)}, requests, tokens, cost", projects, pricer, status, since, limit, offset)
        return [dict(zip(keys, row)) for row in rows]

    def listing_cells(self, projects, pricer, status=None, since=None, limit=None) -> list:
        """The rows of ``listing`` as tuples of what the CLI's table shows, the text cut and joined by
        SQLite: ``(project, id's first 8 characters, status as shown, started and last activity to the
        minute, duration_seconds, prompts, tool_calls, failures, requests, tokens, cost_usd)``."""
        shown = "session_status || CASE status WHEN 'archived' THEN ' (archived)' WHEN ? THEN ' (imported)' ELSE '' END"
        minute = "replace(substr(coalesce({0}, ''), 1, 16), 'T', ' ')"
        columns = (f"project, substr(session_id, 1, 8), {shown}, {minute.format('created_at')}, {minute.format('last_activity')}, "
                   "duration_seconds, prompts, tool_calls, failures, requests, tokens, cost")
        return self._listed(columns, projects, pricer, status, since, limit, 0, [IMPORTED_STATUS]).fetchall()

    def _listed(self, columns: str, projects, pricer, status, since, limit, offset, column_args=()):
        """``columns`` of the sessions of ``projects`` (priced first), filtered, newest first."""
        self._price(pricer)
        sql = [f"SELECT {columns} FROM sessions WHERE project IN ({_marks(projects)})"]
        args = [*column_args, *projects]
        if status:
            sql.append("AND (status = ? OR session_status = ?)")
            args += [status, status]
        if since:
            from ..claude_session import format_timestamp

            sql.append("AND last_activity >= ?")
            args.append(format_timestamp(since))
        sql.append("ORDER BY created_at DESC LIMIT ? OFFSET ?")
        args += [-1 if limit is None else limit, offset]
        return self.db.execute(" ".join(sql), args)

    def _price(self, pricer) -> None:
        """Each session's cost at ``pricer``'s rates, kept in its row with the rates it was
        computed at: computed again only for sessions indexed since, or for all when a price changed."""
        rates = {}
        for (model,) in self.db.execute("SELECT DISTINCT model FROM usage").fetchall():
            found = pricer.rates(model)
            if found is not None:
                rates[model] = [found[key] for key in ("input_mtok", "output_mtok", "cache_write_mtok", "cache_write_1h_mtok", "cache_read_mtok")]
        priced_with = json.dumps(rates, sort_keys=True)
        if not self.db.execute("SELECT 1 FROM sessions WHERE priced_with IS NOT ? LIMIT 1", (priced_with,)).fetchone():
            return
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS rates (model TEXT PRIMARY KEY, input, output, write_5m, write_1h, read)")
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.execute("DELETE FROM temp.rates")
            self.db.executemany("INSERT INTO temp.rates VALUES (?, ?, ?, ?, ?, ?)", [(model, *values) for model, values in rates.items()])
            self.db.execute("""UPDATE sessions SET priced_with = ?, cost = (
                SELECT CASE WHEN sum(u.requests > 0 AND r.model IS NULL) THEN NULL ELSE round(coalesce(sum(
                    u.input * r.input + u.output * r.output + u.cache_write_5m * r.write_5m
                    + u.cache_write_1h * r.write_1h + u.cache_read * r.read), 0) / 1e6, 6) END
                FROM usage u LEFT JOIN temp.rates r ON r.model = u.model WHERE u.session = sessions.id)
                WHERE priced_with IS NOT ?""", (priced_with, priced_with))
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    def search(self, query: str, projects=None, action=None, tool=None, since=None, limit: int = 20, sort: str = "newest") -> list:
        """Hits: project, session id, position, timestamp, action, tool, and a snippet (see
        ``fulltext.Query``); ``sort``: ``newest`` first, or by ``relevance`` (bm25, then newest);
        ``since``: an aware datetime. Raises ValueError for a query with nothing to search for."""
        if sort not in SORTS:
            raise ValueError(f"sort by {sort!r}? One of: {', '.join(SORTS)}")
        found = Query(query)
        # One FTS5 index drives the query: with ids sorted like times, it yields matches newest
        # first and SQLite stops at the limit, however common the word.
        drive = "entries_grams" if found.grams else "entries_words" if found.words else None
        if drive:
            sql = [f"FROM {drive} JOIN entries e ON e.id = {drive}.rowid JOIN sessions s ON s.id = e.session WHERE {drive} MATCH ?"]
            args, key = [found.grams or found.words], f"{drive}.rowid"
        else:  # only short terms in a script without spaces: a scan, newest first
            sql, args, key = ["FROM entries e JOIN sessions s ON s.id = e.session WHERE 1"], [], "e.id"
        if found.grams and found.words:
            sql.append("AND e.id IN (SELECT rowid FROM entries_words WHERE entries_words MATCH ?)")
            args.append(found.words)
        for pattern in found.scans:
            sql.append("AND e.text LIKE ? ESCAPE '\\'")
            args.append(pattern)
        if projects is not None:
            sql.append(f"AND s.project IN ({_marks(projects)})")
            args += list(projects)
        for column, value in (("e.action", action), ("e.tool", tool)):
            if value:
                sql.append(f"AND {column} = ?")
                args.append(value)
        if since:
            sql.append(f"AND {key} >= ?")
            args.append(_first_id_at(since))
        sql.append(f"ORDER BY {f'bm25({drive}), ' if sort == 'relevance' and drive else ''}{key} DESC LIMIT ?")
        args.append(limit)
        rows = self.db.execute("SELECT s.project, s.session_id, e.position, e.timestamp, e.action, e.tool, e.text " + " ".join(sql), args)
        keys = ("project", "session_id", "position", "timestamp", "action", "tool")
        return [{**dict(zip(keys, row)), "snippet": found.snippet(row[-1])} for row in rows]

    def close(self) -> None:
        self.db.close()


class Follower:
    """Brings the index up to date with the projects an import has just written, in a second
    process, while the import reads on (``send`` each batch's projects; ``close`` waits for it):
    the two take each a core, and the update after the import finds all but the last batches
    indexed. A fresh interpreter (``follow``) fed one JSON list per line, not a fork (the import's
    threads are running); a follower that fails only leaves more to that last update."""

    def __init__(self):
        import subprocess

        self._process = subprocess.Popen([sys.executable, "-c", "from session_management.query.index import follow; follow()"],
                                         stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)

    def send(self, projects) -> None:
        try:
            self._process.stdin.write((json.dumps(list(projects)) + "\n").encode())
            self._process.stdin.flush()
        except OSError:
            pass  # it stopped: the update after the import does its part

    def close(self) -> None:
        try:
            self._process.stdin.close()
        except OSError:
            pass
        self._process.wait()


def follow(lines=None) -> None:
    """The follower: one update for all the batches of projects read meanwhile (a JSON list a
    line), until the input ends; after a failure it only reads on, so the sender never blocks.
    The day's imported spend (a file written and synced) is noted once, at the end, not per batch."""
    import select

    if lines is None:  # its own process (``Follower``): the import is what the user waits for, and the update after it does what is left
        lines = sys.stdin.buffer
        try:
            os.nice(_FOLLOWER_NICENESS)
        except (AttributeError, OSError):
            pass
    index, failed, ended, changed = None, False, False, False
    while not ended:
        projects = set()
        while True:
            line = lines.readline()
            ended = not line
            projects.update(json.loads(line) if line else ())
            if ended or not select.select([lines], [], [], 0)[0]:
                break
        if projects and not failed:
            try:
                index = index or Index()
                done = index.update(sorted(projects), note_today=False)
                changed = changed or bool(done["sessions_read"] or done["sessions_removed"])
            except Exception:  # noqa: BLE001 -- derived data: the update after the import does it
                failed = True
    if index:
        try:
            if changed:
                index._note_imported_today(changed=True)
        except Exception:  # noqa: BLE001 -- as above: the update after the import notes it
            pass
        finally:
            index.close()


def _to_stderr(message: str) -> None:
    print(f"claude-sessions: {message}", file=sys.stderr)


def _first_id_at(moment) -> int:
    """The smallest entry id of an entry at ``moment`` (its millisecond × ``_SLOTS``)."""
    return int(moment.timestamp() * 1000) * _SLOTS


def _marks(values) -> str:
    return ",".join("?" * len(values))


def _renamed_only(session_dir: str, imported: str) -> tuple:
    """The registry, the archive folder and the imported sessions' folder: they change only by
    rename (see ``Index.update``)."""
    return os.path.join(session_dir, "registry.json"), os.path.join(session_dir, "archive"), history.session_dir(imported)


def _mtime_ns(path: str) -> int:
    """The path's mtime, or ``_MISSING``: a path missing at two updates is unchanged too."""
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return _MISSING
