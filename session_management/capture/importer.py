"""Import Claude Code's own transcripts as sessions: the history from before the hooks, and of
projects that never had them, kept in the user's data home (``store/history``), never in a project.

Each ``projects/<encoded cwd>/<session id>.jsonl`` (and its ``<session id>/subagents/agent-*.jsonl``)
becomes one session in the spec's format: a ``user_input`` per prompt a person typed, one
``assistant_message`` per API response (the turn-end harvest's fields), ``tool_use`` /
``tool_failure`` per tool call paired with its result, ``subagent_start`` and ``subagent_stop``,
``compaction`` and ``turn_end``; every record capped and redacted as the project's hooks would (its
own ``session-tracking.yaml`` if it has one, else the defaults).

One line, one owner. A ``--fork-session`` copies its parent's lines into a new file, and one
response is often written on several lines. Every record has a key (a response: message id and
request id; a tool call: its tool_use_id; a prompt or compaction: the line's uuid), and a key
belongs to the transcript whose path sorts first among those holding it — ccusage's rule for
responses, so tokens per session equal its figures. A response line whose usage is all zero (a
fork's copy) claims nothing. Ownership moves when an earlier-sorting file appears later. A
session whose transcript holds responses another session owns has them listed in its record
(``store/history.counted_elsewhere``): its hook record, if any, harvested them too, and the views
count them once, with their owner.

Incremental and idempotent: ``state.sqlite`` keeps a position per file (a file that shrank or
whose first bytes changed is read again; a last line without its newline waits for the next
import), the owner of every key and the tool calls still waiting for their result. The whole
import holds ``import.lock``; session files are written whole (``atomic_write``) and merged by
key, so a state lost or a file read twice never doubles a record.
"""

import json
import os
import re
import sqlite3
import zlib

import orjson

from ..core.durable import sync_filesystem, sync_folder, write_synced
from ..core.ids import validate_session_id
from ..core.fastjson import load_file
from ..core.timestamps import now_iso
from ..core.tokens import is_request
from ..store import history
from ..store.config import DEFAULTS
from ..store.journal import FlockLock
from .capping import cap_fields
from .transcript import response_key, usage_from, usage_size
from .typed import COMMAND, INTERRUPT, LOCAL_OUTPUT, read_line, sidechain_of, text_of
from .transcript_store import STATE_NAME, STATE_VERSION, summary, transcript_files, write_listing

_HEAD_BYTES = 512
_READ_BUFFER = 1 << 20  # readline through the default 8 KiB buffer took four times as long: a line is 4.5 KB on average, an attachment's megabytes
# Line types that hold nothing a session record keeps (2.1.197 and 2.1.332), read and passed over.
KNOWN_TYPES = frozenset({
    "user", "assistant", "system", "attachment", "summary", "file-history-snapshot", "queue-operation", "last-prompt",
    "mode", "atis-latch", "tools-used", "cost-state", "api-request", "api-request-blob", "api-request-shape",
    "custom-title", "tag", "agent-name", "permission-mode", "pr-link", "progress",
})
# An attachment line as the CLI writes it (its keys in this order, compact JSON; a subagent's names
# it before the attachment): nothing to keep.
_ATTACHMENT = re.compile(rb'\{"parentUuid":(?:null|"[^"\\]*"),"isSidechain":(?:true|false),(?:"agentId":"[^"\\]*",)?"attachment":\{')
_OWNERS_KEPT = 150_000  # owners a first import keeps in memory (about 40 MiB; 3 GB of transcripts hold 127,000): beyond, a statement each
_BATCH_SESSIONS = 64  # sessions held before they are written: bounded memory, one folder sync per batch
_SYNC_THREADS = 16  # fsyncs in flight at once while a batch is written (see _write_whole)
_READ_TYPES = frozenset({"user", "assistant", "system", "progress"})  # the line types records come from


class Importer:
    """One import run: ``run()`` reads every store and writes what is new; ``summary`` says what it did."""

    def __init__(self, home: str, store_dirs, since_ns: int = None, dry_run: bool = False, progress=None, written=None):
        self.home = home
        self.stores = list(store_dirs)
        self.since_ns = since_ns
        self.dry_run = dry_run
        self.progress = progress
        self.written = written  # told the projects of each batch once its files are in place (an index can follow)
        self._settings = {}  # project -> (field cap, redactor), as its hooks would apply them
        self._filed = {}  # session id -> its project in the state's sessions table (None: not filed yet)
        self.summary = summary(self.stores)
        self.changes = {}  # session id -> {"add": {key: entry}, "drop": set(keys), "meta": {}, "project": path}
        self.seen, self.folders = {}, {}  # path -> (size, mtime) as the state holds it; folder -> mtime (transcript_store.write_listing)
        self._syncers = None  # the threads that fsync the files a batch replaces (see _write_whole), started once
        self._writer, self._writing = None, None  # the thread that writes each batch while the next is read; the batch it writes
        self._unsynced = []  # new files not synced yet (see _write_whole): made durable before the state is committed
        self.rebuild = False  # the state was of an older reading (or lost): sessions read again are rebuilt, not merged into
        self._mains, self._rebuilt = set(), set()  # sessions whose main transcript is there; those rebuilt in this run
        self._old_projects, self._removed = None, []  # (rebuild) the project folders; sessions an older reading made of agent files
        self._folded = set()  # files of responses counted elsewhere whose pairs a record now lists: removed after they are durable
        # When the owners table began empty (a first import), every owner claimed is kept in memory
        # (``_own``) and saved with each batch (``_save_owners``): a key not there is nobody's, and
        # most keys of a first import cost no statement. None: ask the table.
        self._owners, self._unsaved_owners = None, {}
        self._looked, self._wrote = {}, set()  # project folder -> whether it was there when first looked at; files this run wrote
        self._loose = set()  # sessions with a line only ``json`` could read (see _compact)
        self._pending = {}  # tool calls waiting for their result, not in the state yet (see pending)
        self._read_files = []  # the state's rows of the files read since the last batch was written
        self._saved_pending = None  # when the state held none at the start: the ids saved since (None: any may be there)

    def run(self) -> dict:
        """Import what is new, holding ``import.lock``; returns ``summary``."""
        root = history.root(self.home)
        if self.dry_run and not os.path.isdir(root):
            self.db, _ = _open_state(":memory:")
            self._import_all()
            return self.summary
        from ..file_utils import ensure_private_dir
        from ..store import redaction

        if not os.path.isdir(root):  # a history begun today holds nothing redacted by older rules
            ensure_private_dir(root)
            redaction.stamp(root)
        with FlockLock(os.path.join(root, "import.lock"), timeout=600):
            self.db, self.rebuild = _open_state(os.path.join(root, STATE_NAME))
            try:
                self.db.execute("BEGIN")  # deferred: a run with nothing new writes nothing (import.lock excludes other writers)
                self._import_all()
                self._make_durable(root)
                if self.rebuild:  # with the rest: a crash before the commit rebuilds again
                    self.db.execute("PRAGMA user_version = %d" % STATE_VERSION)
                self.db.execute("ROLLBACK" if self.dry_run else "COMMIT")  # after the session files: a crash in between re-reads, merges by key
                if not self.dry_run and self.since_ns is None and not self.summary["skipped"]["unreadable"]:
                    write_listing(self.home, self.stores, self.seen, self.folders)
            except BaseException:
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                raise
            finally:
                self.db.close()
                if self._writer:
                    self._writer.shutdown()
                if self._syncers:
                    self._syncers.shutdown()
        return self.summary

    # -- reading ------------------------------------------------------------------------------

    def _import_all(self) -> None:
        if not self.db.execute("SELECT 1 FROM owners LIMIT 1").fetchone():
            self._owners = {}  # an empty table: whatever it will hold, this run claims in memory first
        if not self.db.execute("SELECT 1 FROM pending LIMIT 1").fetchone():
            self._saved_pending = set()
        files = []
        for store in self.stores:
            files += transcript_files(store, self.summary["skipped"], self.folders)
        files.sort()
        self._mains = {session_id for _path, session_id, agent in files if agent is None}
        self.summary["files"] = len(files)
        changed = []
        for path, session_id, agent in sorted(files, key=lambda found: found[1] is None):  # 2.0.x agent files after the sessions whose Task calls name their type
            found = self._changed(path)
            if found:
                changed.append((path, session_id, agent, *found))
        if self.progress:
            self.progress(0, len(changed))  # what is shown is what takes time: the files to read
        for number, (path, session_id, agent, row, info) in enumerate(changed, 1):
            if len(self.changes) >= _BATCH_SESSIONS and session_id not in self.changes:
                self._write_sessions()  # a session's files sort together: memory stays a batch's worth
            self._import_file(path, session_id, agent, row, info)
            if self.progress:
                self.progress(number, len(changed))
        self._write_sessions()

    def _changed(self, path: str):
        """``(its row in the state, its stat)`` if ``path`` is to be read; None if it is as the state
        holds it (or, with ``since_ns``, older), or unreadable (counted)."""
        row = self.db.execute("SELECT offset, head, head_len, size, mtime_ns FROM files WHERE path = ?", (path,)).fetchone()
        try:
            info = os.stat(path)
        except OSError:
            self.summary["skipped"]["unreadable"] += 1
            return None
        if self.since_ns and info.st_mtime_ns < self.since_ns:
            return None
        if row and row[3] == info.st_size and row[4] == info.st_mtime_ns:
            self.summary["files_unchanged"] += 1
            self.seen[path] = (row[3], row[4])
            return None
        return row, info

    def _import_file(self, path: str, session_id: str, agent, row, info) -> None:
        offset = row[0] if row else 0
        try:
            with open(path, "rb", buffering=_READ_BUFFER) as handle:
                if session_id is None:  # a 2.0.x agent file beside the sessions: filed under the session its lines name
                    session_id = _session_named_in(handle)
                    if session_id is None:
                        return  # nothing written yet that names it: read at the next import
                    self._drop_old_session(f"agent-{agent}")
                    handle.seek(0)
                head = handle.read(_HEAD_BYTES)
                if row is None or offset > info.st_size or zlib.crc32(head[: row[2]]) != row[1]:
                    offset = 0  # new, shrank or rewritten: read it all (records merge by key)
                handle.seek(offset)
                end = self._read_lines(handle, offset, info.st_size, path, session_id, agent)
        except OSError:
            self.summary["skipped"]["unreadable"] += 1
            return
        self.summary["files_read"] += 1
        self.seen[path] = (info.st_size if end == info.st_size else -1, info.st_mtime_ns)
        self._read_files.append((path, end, zlib.crc32(head), len(head), *self.seen[path]))  # into the state with the batch

    def _read_lines(self, handle, offset: int, size: int, path: str, session_id: str, agent) -> int:
        """Read complete lines up to ``size``; returns the offset after the last one."""
        parser = _Parser(self, path, session_id, agent)
        position = offset
        while position < size:
            line = handle.readline(size - position)
            if not line:
                break
            if not line.endswith(b"\n"):
                self.summary["skipped"]["waiting_for_newline"] += 1
                break
            position += len(line)
            parser.feed(line)
        parser.finish()
        return position

    # -- owning -------------------------------------------------------------------------------

    def claim(self, key: str, path: str, session_id: str, response=None) -> bool:
        """Whether ``path`` owns ``key`` (the first path holding it); taking it from a later one.
        A ``response`` (message id, request id) that another session owns is noted as counted
        elsewhere for the one that does not: its hook record may hold it too (a fork's copy)."""
        if self._owners is None:
            if self.db.execute("INSERT OR IGNORE INTO owners VALUES (?, ?, ?)", (key, path, session_id)).rowcount:
                return True  # a key no path held: most of them, one statement instead of two
            row = self.db.execute("SELECT path, session FROM owners WHERE key = ?", (key,)).fetchone()
        else:
            row = self._owners.get(key)
            if row is None:  # nobody's yet: no statement at all
                self._own(key, path, session_id)
                return True
        if row[0] < path:
            if response and row[1] != session_id:
                self._change(session_id)["elsewhere"][response] = True
            return False
        if row[1] != session_id:
            self._change(row[1])["drop"].add(key)
            if response:
                self._change(row[1])["elsewhere"][response] = True
                self._change(session_id)["elsewhere"][response] = False
        if row[0] != path:
            if self._owners is None:
                self.db.execute("INSERT OR REPLACE INTO owners VALUES (?, ?, ?)", (key, path, session_id))
            else:
                self._own(key, path, session_id)
        return True

    def _own(self, key: str, path: str, session_id: str) -> None:
        """Note an owner claimed in memory (see ``_owners``): saved with the batch, and remembered for
        the later copies of the line a fork's transcript holds. Past ``_OWNERS_KEPT`` all are saved
        and the rest of the import asks the state, as an import into a state with owners does."""
        self._owners[key] = self._unsaved_owners[key] = (path, session_id)
        if len(self._owners) >= _OWNERS_KEPT:
            self._save_owners()
            self._owners = None

    def _save_owners(self) -> None:
        """The owners claimed in memory since the last batch into the table, in key order, in one statement."""
        if self._unsaved_owners:
            self.db.executemany("INSERT OR REPLACE INTO owners VALUES (?, ?, ?)", sorted((key, *row) for key, row in self._unsaved_owners.items()))
            self._unsaved_owners = {}

    def add(self, session_id: str, project, key: str, entry: dict, meta: dict) -> None:
        change = self._change(session_id)
        change["drop"].discard(key)
        previous = change["add"].get(key)
        change["add"][key] = _combine(previous, entry) if previous else entry
        self.note(session_id, project, meta)

    def note(self, session_id: str, project, meta: dict) -> None:
        """What a line says of its session: where it ran, on which branch, model and release."""
        change = self._change(session_id)
        for key, value in meta.items():
            if value is not None and not (key == "cwd" and change["meta"].get("cwd")):
                change["meta"][key] = value
        if project and not change["project"]:
            change["project"] = project

    def _change(self, session_id: str) -> dict:
        return self.changes.setdefault(session_id, {"add": {}, "drop": set(), "meta": {}, "project": None, "elsewhere": {}})

    def settings(self, project) -> tuple:
        """``(max_field_bytes, redactor)`` from ``project``'s own ``.claude/session-tracking.yaml``
        when it has one (read, never cached into the project), else the defaults: what its hooks apply."""
        found = self._settings.get(project)
        if found is None:
            from ..store import config as _config
            from ..core.redact import Redactor

            config = DEFAULTS
            if project and os.path.isfile(os.path.join(project, ".claude", _config.CONFIG_NAME)):
                config = _config.load(os.path.join(project, ".claude"), None)[0]
            found = self._settings[project] = (config["max_field_bytes"], Redactor(config["redact"], config["redact_patterns"], config["redact_off"]))
        return found

    def project_of(self, session_id: str):
        """The project a session was filed under, else the one its lines name so far."""
        if session_id not in self._filed:  # asked for every record: the state is read once per session
            row = self.db.execute("SELECT project FROM sessions WHERE session = ?", (session_id,)).fetchone()
            self._filed[session_id] = row[0] if row else None
        return self._filed[session_id] or self.changes.get(session_id, {}).get("project")

    def pending(self, tool_use_id: str, value=None, pop: bool = False):
        """Tool calls waiting for their result, kept across imports: in memory until the batch is
        written (most find their result in the same file), then in the state (``_save_bookkeeping``)."""
        if value is not None:
            self._pending[tool_use_id] = value
            return None
        if tool_use_id in self._pending:
            if not pop:
                return self._pending[tool_use_id]
            if self._saved_pending is None or tool_use_id in self._saved_pending:  # the state may hold it too
                self.db.execute("DELETE FROM pending WHERE id = ?", (tool_use_id,))
            return self._pending.pop(tool_use_id)
        row = self.db.execute("SELECT call FROM pending WHERE id = ?", (tool_use_id,)).fetchone()
        if row and pop:
            self.db.execute("DELETE FROM pending WHERE id = ?", (tool_use_id,))
        return json.loads(row[0]) if row else None

    def _save_bookkeeping(self) -> None:
        """What the batch's reading kept in memory into the state (not committed yet): the owners
        claimed, the tool calls still waiting for their result, the files' positions."""
        self._save_owners()
        if self._pending:
            self.db.executemany("INSERT OR REPLACE INTO pending VALUES (?, ?)", [(key, json.dumps(value)) for key, value in self._pending.items()])
            if self._saved_pending is not None:
                self._saved_pending.update(self._pending)
            self._pending = {}
        self.db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?)", self._read_files)
        self._read_files = []

    # -- writing ------------------------------------------------------------------------------

    def _write_sessions(self) -> None:
        """Merge each changed session into its file (with ``dry_run``: count, write nothing)."""
        from ..file_utils import dumps

        self._save_bookkeeping()
        self._wait_for_writes()  # the batch before may have written files this one merges into
        changes, self.changes, written, markers, projects = self.changes, {}, [], set(), set()
        for session_id, change in sorted(changes.items()):
            project = self.project_of(session_id) or change["project"]
            if not project:
                continue
            folder = history.project_folder(self.home, project)
            anew = self.rebuild and session_id in self._mains and session_id not in self._rebuilt  # read again whole: older records go
            self._rebuilt.add(session_id)
            record, standalone = history.session_path(folder, session_id), history.elsewhere_path(folder, session_id)
            there = self._may_be_there(folder, record)
            existing = history.read(folder, session_id) if there else None
            if existing is None and there and not self.dry_run and os.path.exists(record):
                from ..file_utils import set_aside

                self.summary["set_aside"].append(str(set_aside(record)))  # unreadable (or another session's): kept for a person, never overwritten
            alone = None if standalone in self._folded or not self._may_be_there(folder, standalone) else load_file(standalone)  # None: no file of them alone
            kept = history.listed_elsewhere(existing) | history.pairs(alone)
            before = set() if anew else kept  # rebuilt: what an older reading noted is forgotten
            after = (before | {pair for pair, there in change["elsewhere"].items() if there}) - {
                pair for pair, there in change["elsewhere"].items() if not there}
            data = _merged(None if anew else existing, session_id, change, after)
            if data is None:  # no record to list them in: a file of them alone
                if after != kept and not self.dry_run:
                    written.append((standalone, json.dumps(sorted(after, key=str)) + "\n", self._may_be_there(folder, standalone)))
                    self._wrote.add(standalone)
                continue
            if data == existing and alone is None:
                continue
            self.summary["sessions_updated" if existing else "sessions_new"] += 1
            self.summary["entries"] += len(data["activity_log"]) - (len(existing["activity_log"]) if existing else 0)
            if not self.dry_run:
                marker = os.path.join(folder, "project.json")
                if marker not in markers and not (self._may_be_there(folder, marker) and os.path.exists(marker)):  # first: a session is found by its project's marker
                    markers.add(marker)
                    self._wrote.add(marker)
                    written.append((marker, json.dumps({"path": project}) + "\n", False))
                text = _compact(data) if existing is None and session_id not in self._loose else dumps(data)
                written.append((record, text, there))
                self._wrote.add(record)
                if alone is not None:  # now listed in the record: removed once that is durable (_make_durable)
                    self._folded.add(standalone)
                projects.add(project)
                self.db.execute("INSERT OR REPLACE INTO sessions VALUES (?, ?)", (session_id, project))
                self._filed[session_id] = project
        if written:
            if self._syncers is None:
                from concurrent.futures import ThreadPoolExecutor

                self._syncers, self._writer = ThreadPoolExecutor(_SYNC_THREADS), ThreadPoolExecutor(1)
            self._writing = self._writer.submit(self._write_batch, written, sorted(projects))

    def _write_batch(self, written: list, projects: list) -> list:
        """In the writer thread: a batch's files in place (``_write_whole``, whose system calls let the
        next batch be read meanwhile), then its projects told to ``written``; returns the new files."""
        new = _write_whole(written, self._syncers)
        if projects and self.written:
            self.written(projects)
        return new

    def _wait_for_writes(self) -> None:
        """The batch being written on disk; an error it met is raised here."""
        if self._writing is not None:
            writing, self._writing = self._writing, None
            self._unsynced += writing.result()

    def _may_be_there(self, folder: str, path: str) -> bool:
        """Whether ``path``, in the project folder ``folder``, may be on disk: not if that folder was
        missing when this run first looked and the run has not written it since (a first import
        then neither reads nor looks for the files it is about to create)."""
        if folder not in self._looked:
            self._looked[folder] = os.path.isdir(folder)
        return self._looked[folder] or path in self._wrote

    def _make_durable(self, root: str) -> None:
        """The new files on disk for good, before the state says their transcripts were read: one
        ``syncfs`` for them all, else each file and its folder synced; then the sessions an older
        reading made of agent files are removed (their records are in their session now), and the
        files of responses counted elsewhere whose pairs a record now lists."""
        self._wait_for_writes()
        if self._unsynced and not sync_filesystem(root):
            list(self._syncers.map(sync_folder, [*self._unsynced, *{os.path.dirname(path) for path in self._unsynced}]))
        self._unsynced = []
        gone = [*self._removed, *self._folded]  # a stale list of copies would add its pairs back
        for path in gone:
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
        for folder in {os.path.dirname(path) for path in gone}:
            sync_folder(folder)
        self._removed, self._folded = [], set()

    def _drop_old_session(self, old_id: str) -> None:
        """In a rebuild, the session an older reading made of a 2.0.x agent file (``agent-<id>``):
        to be removed, its records now its session's subagent's."""
        if not self.rebuild or self.dry_run:
            return
        if self._old_projects is None:
            self._old_projects = list(history.projects(self.home).values())
        for folder in self._old_projects:
            for path in (history.session_path(folder, old_id), history.elsewhere_path(folder, old_id)):
                if os.path.exists(path):
                    self._removed.append(path)


def _write_whole(files, pool) -> list:
    """Each of ``files`` (path, text, whether it may be there already) written whole, as
    ``file_utils.atomic_write`` writes one (temp file, rename; fixed temp names, since
    ``import.lock`` is held); returns the new ones, not synced yet. A file
    replaced is synced before its rename, as ``atomic_write`` does, so a crash leaves the old or
    the new bytes; a new one need not be (a crash leaves it missing or empty, and the state, not
    committed yet, has its transcript read again), and the importer makes all of them durable
    together before it commits the state (``_make_durable``): a first import of 14,576 sessions
    spent more time in their fsyncs than in reading 3 GB of transcripts. The replaced files'
    fsyncs are issued together from a few threads (the filesystem commits them to its journal at
    once), their folders synced once per batch after the renames. The threads of ``pool`` last
    the whole import: starting them again for each batch took twice as long as the fsyncs."""
    from ..file_utils import FILE_MODE, ensure_private_dir

    created, folders, replaced, new = set(), set(), [], []
    for path, text, maybe_there in files:
        folder = os.path.dirname(path)
        if folder not in created:
            ensure_private_dir(folder)
            created.add(folder)
        temp = os.path.join(folder, f".{os.path.basename(path)}.tmp")
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        if maybe_there and os.path.exists(path):
            replaced.append((temp, path, data))
            folders.add(folder)
        else:
            write_synced(temp, data, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE, sync=False)
            os.replace(temp, path)
            new.append(path)
    list(pool.map(lambda temp: write_synced(temp[0], temp[2], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE), replaced))
    for temp, path, _ in replaced:
        os.replace(temp, path)
    list(pool.map(sync_folder, folders))
    return new


def _compact(data: dict):
    """A new record's JSON as orjson writes it (compact UTF-8, a tenth of ``json``'s time), else as
    ``file_utils.dumps`` does. Only for records built from lines orjson read: it writes NaN as null
    where ``dumps`` keeps its name, and only ``json`` reads NaN; what it cannot write (a lone
    surrogate, an integer past 64 bits) raises, and ``dumps`` writes it."""
    try:
        return orjson.dumps(data)
    except orjson.JSONEncodeError:
        from ..file_utils import dumps

        return dumps(data)


class _Parser:
    """Turns the lines of one transcript into keyed records for the importer. A subagent's lines are
    its own file's (``agent``), or, as 1.0.x wrote them, ``isSidechain`` lines inside the main
    file: each chain of them, followed by ``parentUuid`` from its first line (the Task's prompt),
    is one subagent, named by that line's uuid."""

    def __init__(self, importer: Importer, path: str, session_id: str, agent):
        self.importer, self.path, self.session_id, self.agent = importer, path, session_id, agent
        self.skipped = importer.summary["skipped"]
        self.responses = {}  # key -> entry, this read's responses (one per response, many lines)
        self.last_summary_for = None  # the compaction entry the next summary line belongs to
        self.last_command = None  # (record, line) of a slash command, held until the next line says what it was
        self.chains = {}  # uuid of a sidechain line -> its subagent (1.0.x)
        self.task_types = {}  # a Task call's prompt -> its subagent_type, to name the sidechain it starts
        self.agent_type = None  # a 2.0.x agent file's type, learnt from its Task call
        self.seen_meta = {}

    def feed(self, raw: bytes) -> None:
        if raw.startswith(b'{"type":"'):  # bookkeeping lines name their type first: skip them unparsed
            kind = raw[9 : raw.find(b'"', 9)].decode("ascii", "replace")
            if kind in KNOWN_TYPES and kind not in _READ_TYPES:
                return
            if kind == "progress" and b'"agent_progress"' not in raw:  # a tool's or a hook's progress: no response in it
                return
        elif _ATTACHMENT.match(raw):  # more than half a 2.1.332 transcript's bytes: skip them unparsed too
            return
        try:
            line = orjson.loads(raw)  # a third of json's time, UTF-8 checked in the same pass
        except orjson.JSONDecodeError:
            line = self._slow_loads(raw)
            if line is None:
                return
        if not isinstance(line, dict) or not isinstance(line.get("type"), str):
            self.skipped["malformed"] += 1
            return
        kind = line["type"]
        if kind not in KNOWN_TYPES:
            self.skipped["unknown_type"] += 1
            return
        if self.last_command is not None and kind != "user":
            self._command_was()
        handler = getattr(self, "_" + kind, None)
        if handler:
            try:
                handler(line)
            except (TypeError, AttributeError, KeyError, ValueError):
                self.skipped["malformed"] += 1

    def _slow_loads(self, raw: bytes):
        """A line orjson refuses, as ``json`` reads it: bytes that are not UTF-8 and lines that are
        not JSON are counted; what only ``json`` takes (a lone surrogate's escape, which JavaScript
        writes for a cut emoji, NaN, an integer past 64 bits, nesting past 1,024) is kept."""
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            self.skipped["not_utf8"] += 1
            return None
        try:
            line = json.loads(text)
        except (ValueError, RecursionError):
            self.skipped["malformed"] += 1
            return None
        self.importer._loose.add(self.session_id)
        return line

    def finish(self) -> None:
        if self.last_command is not None:
            self._command_was()
        finals = {}  # each subagent's last answer: where it stopped
        for key, entry in self.responses.items():
            self._emit(key, entry)
            if entry["details"].get("stop_reason") == "end_turn":
                agent = entry["details"].get("agent_id")
                if agent:
                    finals[agent] = entry
                else:
                    end = {"action": "turn_end", "timestamp": entry["timestamp"],
                           "details": {"message_id": entry["details"]["message_id"], "request_id": entry["details"]["request_id"]}}
                    self._emit("e:" + key[2:], end)
        for agent, final in finals.items():
            if agent != self.agent and not self.importer.pending("chain:" + agent):
                continue  # a progress line's copy of another file's subagent: that file says where it stopped
            kind = (self.agent_type or _agent_type(self.path)) if agent == self.agent else self.importer.pending("chain:" + agent)["type"]
            details = {"agent_id": agent, "agent_type": kind, "message_id": final["details"]["message_id"]}
            self._emit(f"s:{self.session_id}/{agent}", {"action": "subagent_stop", "timestamp": final["timestamp"], "details": _present(details)})
        self.importer.summary["responses"] += len(self.responses)

    def _meta(self, line: dict, model=None) -> dict:
        """What the line says of its session (redacted: a branch name can hold anything), each
        distinct value redacted once per file."""
        raw = (_text(line.get("cwd")), _text(line.get("gitBranch")), _text(line.get("version")), _text(model))
        if raw not in self.seen_meta:
            values = self.importer.settings(self._project(line))[1](list(raw))
            self.seen_meta[raw] = dict(zip(("cwd", "git_branch", "claude_code_version", "model"), values))
        return self.seen_meta[raw]

    def _project(self, line: dict):
        project = self.importer.project_of(self.session_id)
        if project is None and isinstance(line.get("cwd"), str) and os.path.isabs(line["cwd"]):
            project = line["cwd"]
        return project

    def _emit(self, key: str, entry: dict, line: dict = None) -> None:
        details = entry["details"]
        response = (details["message_id"], details["request_id"]) if entry["action"] == "assistant_message" else None
        if not self.importer.claim(key, self.path, self.session_id, response):
            return
        entry["details"] = self._safe(entry["details"], line)
        self.importer.add(self.session_id, self._project(line or {}), key, entry, self._meta(line) if line else {})

    def _safe(self, details: dict, line: dict = None) -> dict:
        """Capped, then redacted: as the project's hooks store an event's fields."""
        cap, redact = self.importer.settings(self._project(line or {}))
        return redact(details if _within(details, cap) else cap_fields(details, cap))

    def _sidechain(self, line: dict):
        """The subagent a line belongs to: its file's, or its 1.0.x sidechain's (None: the main
        agent's); a chain begun in an earlier import is found in the state."""
        if self.agent or not line.get("isSidechain"):
            return self.agent
        known = len(self.chains)
        agent = sidechain_of(line, self.chains, lambda parent: (self.importer.pending("chain-line:" + parent) or {}).get("agent"))
        if len(self.chains) > known:
            self.importer.pending("chain-line:" + line["uuid"], {"agent": agent})
        return agent

    def _progress(self, line: dict) -> None:
        """A subagent's response copied into a ``progress`` line (``data.type: agent_progress``):
        counted once, where no other copy is (the key decides), as that subagent's."""
        data = line["data"]
        inner = data.get("message") if isinstance(data, dict) and data.get("type") == "agent_progress" else None
        if isinstance(inner, dict) and inner.get("type") == "assistant" and isinstance(inner.get("message"), dict):
            named = [data.get("agentId"), line.get("parentToolUseID"), "subagent"]  # never the main agent's: it ends no turn
            agent = self.agent or next(name for name in named if isinstance(name, str) and name)
            self._assistant({**line, **inner, "isSidechain": False}, agent, calls=False)

    def _assistant(self, line: dict, agent=None, calls: bool = True) -> None:
        message = line["message"]
        agent = agent or self._sidechain(line)
        if not isinstance(message.get("id"), str) or not is_request(message.get("model")):
            return
        usage = usage_from(message.get("usage"))
        if not usage_size(usage):
            return  # a fork's zeroed copy, or a stub: ccusage counts neither
        key = "r:" + response_key(message["id"], line.get("requestId"))
        stamp = _stamp(line)
        entry = self.responses.get(key)
        if entry is None:
            details = {"message_id": message["id"], "request_id": line.get("requestId"), "model": message.get("model"),
                       "stop_reason": message.get("stop_reason"), "text": "", "tool_use_ids": []}
            if agent:
                details["agent_id"] = agent
            details["usage"] = usage
            entry = self.responses[key] = {"action": "assistant_message", "timestamp": stamp, "details": details}
        details = entry["details"]
        details["stop_reason"] = message.get("stop_reason") or details["stop_reason"]
        if usage_size(usage) >= usage_size(details["usage"]):
            details["usage"] = usage
        for block in message.get("content") if isinstance(message.get("content"), list) else ():
            if not isinstance(block, dict):
                continue
            if block.get("type") == "text" and isinstance(block.get("text"), str) and block["text"] not in details["text"]:
                details["text"] = f"{details['text']}\n{block['text']}" if details["text"] else block["text"]
            elif block.get("type") == "tool_use" and isinstance(block.get("id"), str) and block["id"] not in details["tool_use_ids"]:
                details["tool_use_ids"].append(block["id"])
                if calls:  # not a progress line's copy: the subagent's own file pairs its calls
                    call = self._safe({"name": block.get("name"), "input": block.get("input")}, line)  # secrets never reach the state either
                    self.importer.pending(block["id"], {**call, "at": stamp})
                task = block.get("input") if block.get("name") in ("Task", "Agent") else None
                if isinstance(task, dict) and isinstance(task.get("prompt"), str):
                    self.task_types[task["prompt"]] = _text(task.get("subagent_type"))
                    if str(line.get("version")).startswith("2.0.") and self.task_types[task["prompt"]]:  # its agent file, beside, does not name it
                        self.importer.pending(_task_key(self.session_id, task["prompt"]), {"type": self.task_types[task["prompt"]]})
        self.importer.note(self.session_id, self._project(line), self._meta(line, message.get("model")))

    def _user(self, line: dict) -> None:
        content = line["message"]["content"]
        if self.last_command is not None and self._command_was(line, text_of(content)):
            return
        agent = self._sidechain(line)
        if isinstance(content, list) and any(isinstance(b, dict) and b.get("type") == "tool_result" for b in content):
            for block in content:
                if isinstance(block, dict) and block.get("type") == "tool_result":
                    self._tool_result(line, block, agent)
            return
        text = text_of(content)
        if line.get("isCompactSummary"):
            if self.last_summary_for is None and line.get("parentUuid") is None and not agent:  # 1.0.x wrote no boundary: the summary starts anew
                self.last_summary_for = {"action": "compaction", "timestamp": _stamp(line), "details": {"uuid": line.get("uuid")}}
            if self.last_summary_for is not None and not agent:
                self.last_summary_for["details"]["compact_summary"] = text
                self._emit("c:" + self.last_summary_for["details"]["uuid"], self.last_summary_for, line)
            return
        if agent:
            first = line.get("parentUuid") is None or self.chains.get(line.get("uuid")) == line.get("uuid")
            if first and text and not line.get("isMeta"):  # the subagent's first line: the prompt it was given
                self._subagent_start(line, text, agent)
            return
        found = read_line(line)
        if found is None:
            return
        kind, said = found
        if kind == INTERRUPT:
            details = {"uuid": line.get("uuid"), "for_tool_use": said["for_tool_use"]}
            self._emit("i:" + str(line.get("uuid")), {"action": "interrupted", "timestamp": _stamp(line), "details": _present(details)}, line)
            return
        details = {**said, "uuid": line.get("uuid"), "prompt_id": line.get("promptId"), "cwd": line.get("cwd")}
        entry = {"action": "user_input", "timestamp": _stamp(line), "details": _present(details)}
        if kind == COMMAND:
            self.last_command = (entry, line)  # recorded once the next line says what it was
        else:
            self._emit("u:" + str(line.get("uuid")), entry, line)

    def _command_was(self, line: dict = None, text: str = "") -> bool:
        """Record the slash command held, as the line after its echo shows it: its expanded text (an
        ``isMeta`` line) is kept with it, one prompt; its output (``<local-command-stdout>``: ``/compact``,
        ``/model``, ``/exit``) shows the CLI ran it itself, sent nothing to Claude and fired no
        ``UserPromptSubmit``: a ``local_command``, not a prompt; anything else, or the file's end: a
        prompt. Returns whether ``line`` was that expansion or output."""
        (command, echo), self.last_command = self.last_command, None
        follows = line is not None and line.get("parentUuid") == command["details"].get("uuid") and not line.get("isSidechain")
        if follows and line.get("isMeta") and text.strip():
            command = dict(command, details={**command["details"], "expansion": text})
        elif follows and text.lstrip().startswith(LOCAL_OUTPUT):
            command = dict(command, action="local_command")
        else:
            follows = False
        self._emit("u:" + str(command["details"]["uuid"]), command, echo)
        return follows

    def _subagent_start(self, line: dict, prompt: str, agent: str) -> None:
        kind = _agent_type(self.path) if agent == self.agent else self.task_types.get(prompt)
        if kind is None and agent == self.agent:  # a 2.0.x agent file: the Task call in its session's file named it
            kind = self.agent_type = (self.importer.pending(_task_key(self.session_id, prompt), pop=True) or {}).get("type")
        if agent != self.agent:
            self.importer.pending("chain:" + agent, {"type": kind})  # a sidechain's subagent, for its stop
        details = {"agent_id": agent, "agent_type": kind, "prompt": prompt}
        self._emit(f"a:{self.session_id}/{agent}", {"action": "subagent_start", "timestamp": _stamp(line), "details": _present(details)}, line)

    def _tool_result(self, line: dict, block: dict, agent) -> None:
        tool_use_id = block.get("tool_use_id")
        call = self.importer.pending(tool_use_id, pop=True) if isinstance(tool_use_id, str) else None
        if call is None:
            return  # its call was never seen (or is another file's copy, already paired)
        failed = block.get("is_error") is True
        details = {"tool_name": call["name"], "tool_input": call["input"], "tool_use_id": tool_use_id}
        if failed:
            details["error"] = _result_text(block.get("content"))
        else:
            result = line.get("toolUseResult")
            details["tool_response"] = result if result is not None else _result_text(block.get("content"))
        duration = _duration_ms(call.get("at"), _stamp(line))
        if duration is not None:
            details["duration_ms"] = duration
        if agent:
            details["agent_id"] = agent
        entry = {"action": "tool_failure" if failed else "tool_use", "timestamp": _stamp(line), "details": details}
        self._emit("t:" + tool_use_id, entry, line)

    def _system(self, line: dict) -> None:
        if line.get("subtype") != "compact_boundary" or self.agent or line.get("isSidechain"):
            return
        meta = line.get("compactMetadata") if isinstance(line.get("compactMetadata"), dict) else {}
        details = {"trigger": meta.get("trigger"), "pre_tokens": meta.get("preTokens"), "uuid": line.get("uuid")}
        self.last_summary_for = {"action": "compaction", "timestamp": _stamp(line), "details": _present(details)}
        self._emit("c:" + str(line.get("uuid")), dict(self.last_summary_for, details=dict(self.last_summary_for["details"])), line)


# -- records ----------------------------------------------------------------------------------


def entry_key(session_id: str, entry: dict):
    """The key an imported record is owned and merged by (see the module docstring)."""
    details = entry.get("details") if isinstance(entry.get("details"), dict) else {}
    action = entry.get("action")
    if action in ("assistant_message", "turn_end"):
        return ("r:" if action == "assistant_message" else "e:") + response_key(details.get("message_id"), details.get("request_id"))
    if action in ("tool_use", "tool_failure"):
        return "t:" + str(details.get("tool_use_id"))
    if action in ("user_input", "local_command"):  # one key: a command found local later replaces its prompt
        return "u:" + str(details.get("uuid"))
    if action in ("compaction", "interrupted"):
        return action[0] + ":" + str(details.get("uuid"))
    if action in ("subagent_start", "subagent_stop"):
        return f"{'a' if action == 'subagent_start' else 's'}:{session_id}/{details.get('agent_id')}"
    return None


def in_time(entry: dict) -> tuple:
    """How records sort: by time, a turn's end after the response that ended it at the same instant."""
    return str(entry.get("timestamp") or ""), entry.get("action") == "turn_end"


def _combine(old: dict, new: dict) -> dict:
    """Two readings of one record (a response whose lines came in two imports, a compaction and
    then its summary, a command and then the output that shows it was local): a response's text and
    tool ids add up and the larger usage is kept; a subagent's stop is its latest; else the later
    reading's action and fields win."""
    if new.get("action") == "subagent_stop":
        return new
    if new.get("action") != "assistant_message":
        return {**old, "action": new.get("action", old.get("action")), "details": {**old["details"], **new["details"]}}
    details = dict(old["details"])
    extra = new["details"]
    if extra.get("text") and extra["text"] not in details.get("text", ""):
        details["text"] = f"{details['text']}\n{extra['text']}" if details.get("text") else extra["text"]
    details["tool_use_ids"] = list(dict.fromkeys([*details.get("tool_use_ids", []), *extra.get("tool_use_ids", [])]))
    details["stop_reason"] = extra.get("stop_reason") or details.get("stop_reason")
    if usage_size(extra.get("usage") or {}) >= usage_size(details.get("usage") or {}):
        details["usage"] = extra.get("usage")
    return {**old, "details": details}


def _merged(existing, session_id: str, change: dict, elsewhere=frozenset()):
    """The session after ``change``, listing the responses ``elsewhere`` (``history.
    listed_elsewhere``); None if it would hold nothing (a file of copies only)."""
    entries, unkeyed = {}, []
    for entry in (existing or {}).get("activity_log", []):
        key = entry_key(session_id, entry)
        if key is None:
            unkeyed.append(entry)
        elif key not in change["drop"]:
            entries[key] = entry
    for key, entry in change["add"].items():
        entries[key] = _combine(entries[key], entry) if key in entries else entry
    log = sorted([*unkeyed, *entries.values()], key=in_time)
    if not log:
        return existing and {**existing, "metadata": _metadata(existing.get("metadata"), {}, elsewhere)}
    return {"session_id": session_id, "created_at": log[0]["timestamp"], "last_activity": log[-1]["timestamp"],
            "status": "ended", "timeout_seconds": DEFAULTS["timeout_seconds"],
            "metadata": _metadata((existing or {}).get("metadata"), change["meta"], elsewhere), "activity_log": log}


def _metadata(metadata, meta: dict, elsewhere) -> dict:
    """A record's metadata with what its lines said of the session (``meta``) and the mark of the import."""
    metadata = dict(metadata or {})
    for key, value in meta.items():
        if not (key == "cwd" and metadata.get("cwd")):
            metadata[key] = value
    metadata["imported"] = {"from": "claude-code-transcript", "note": "no hooks ran: no decisions, no hook-only fields"}
    if elsewhere:
        metadata["imported"]["counted_elsewhere"] = [list(pair) for pair in sorted(elsewhere, key=str)]
    return metadata


def _within(details: dict, cap: int) -> bool:
    """Whether no field of ``details`` can be over ``cap`` bytes, told by orjson's compact text of
    the whole at most half ``cap``: the spaced text ``cap_fields`` measures adds a byte per separator,
    so is at most twice as long. Most records are that small, and measuring each of their strings
    in Python was a tenth of the import's time."""
    try:
        return 2 * len(orjson.dumps(details)) <= cap
    except (orjson.JSONEncodeError, TypeError):  # what only json writes: measured as it measures it
        return False


def _stamp(line: dict) -> str:
    """The line's time if it is in our format (``…T…Z``, milliseconds), else now."""
    stamp = line.get("timestamp")
    return stamp if isinstance(stamp, str) and len(stamp) == 24 and stamp[10] == "T" and stamp.endswith("Z") else now_iso()


def _duration_ms(start, end):
    from datetime import datetime

    try:
        began, ended = (datetime.fromisoformat(s[:-1] + "+00:00") for s in (start, end))
    except (TypeError, ValueError):
        return None
    return max(round((ended - began).total_seconds() * 1000), 0)


def _text(value):
    return value[:500] if isinstance(value, str) and value else None


def _present(details: dict) -> dict:
    return {key: value for key, value in details.items() if value is not None}


def _result_text(content) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(str(b.get("text", "")) for b in content if isinstance(b, dict) and b.get("type") == "text")
    return json.dumps(content, ensure_ascii=False)


def _task_key(session_id: str, prompt: str) -> str:
    """Where the import state keeps a 2.0.x Task call's ``subagent_type`` for the agent file it starts."""
    return f"task:{session_id}:{zlib.crc32(prompt.encode('utf-8', 'surrogatepass')):08x}"


def _session_named_in(handle):
    """The session id the first lines of a 2.0.x agent file name (``sessionId``), or None."""
    for _ in range(16):
        raw = handle.readline(_READ_BUFFER)
        if not raw.endswith(b"\n"):
            return None
        try:
            line = orjson.loads(raw)
        except orjson.JSONDecodeError:
            continue
        named = line.get("sessionId") if isinstance(line, dict) else None
        if isinstance(named, str):
            try:
                return validate_session_id(named)
            except ValueError:
                return None
    return None


def _agent_type(path: str):
    found = load_file(path[: -len(".jsonl")] + ".meta.json")
    return _text(found.get("agentType")) if isinstance(found, dict) else None


def _open_state(path: str) -> tuple:
    """``(the import state, whether it was started over)``: one of another version (or unreadable)
    is, and the sessions read again are rebuilt; its version is set when the import commits."""
    db = sqlite3.connect(path, timeout=600, isolation_level=None)
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError:
        from ..file_utils import set_aside

        db.close()
        set_aside(path)  # kept for a person to look at; a full re-read merges by key
        db = sqlite3.connect(path, timeout=600, isolation_level=None)
        version = 0
    if version != STATE_VERSION:
        db.executescript("""
            DROP TABLE IF EXISTS files; DROP TABLE IF EXISTS owners; DROP TABLE IF EXISTS pending; DROP TABLE IF EXISTS sessions;
            CREATE TABLE files (path TEXT PRIMARY KEY, offset INTEGER, head INTEGER, head_len INTEGER, size INTEGER, mtime_ns INTEGER);
            CREATE TABLE owners (key TEXT PRIMARY KEY, path TEXT, session TEXT);
            CREATE TABLE pending (id TEXT PRIMARY KEY, call TEXT);
            CREATE TABLE sessions (session TEXT PRIMARY KEY, project TEXT);
        """)
    if path != ":memory:":
        os.chmod(path, 0o600)
    return db, version != STATE_VERSION
