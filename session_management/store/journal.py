"""The per-session journal: appending one activity entry costs the same at event 10 and event 10,000.

A live session is two files in the sessions directory, guarded by one lock file beside them:

- ``session_<id>.json``    the folded snapshot, in the spec's format;
- ``session_<id>.journal`` records appended since the last fold. Its first record is the header
  ``{"journal": 1, "base": N}``: N entries of ``activity_log`` were already in the snapshot
  when the journal was started, so the k-th entry record is ``activity_log[N + k]``. A record
  ``{"_set": {...}}`` changes top-level fields (status, metadata) without touching the snapshot.
- ``session_<id>.lock``    flock'ed by both this module and filelock (both use ``flock(2)``), so
  the cheap append path and the folding manager exclude each other.

Each record is written as ``"\\n" + json`` by a single ``O_APPEND`` write: a record torn by a crash
stays on a line of its own and is skipped by readers; it can never swallow the next record.
Folding is idempotent because entries are placed by position: a fold interrupted after writing
the snapshot but before resetting the journal is simply done again, with nothing duplicated.

Only the standard library is imported here: this is the path every hook pays for.
"""

import errno
import fcntl
import json
import os
import time

from ..core.jsontext import to_json

LOCK_TIMEOUT = 10.0
JOURNAL_VERSION = 1


def lock_path(session_dir: str, session_id: str) -> str:
    return os.path.join(session_dir, f"session_{session_id}.lock")


def journal_path(session_dir: str, session_id: str) -> str:
    return os.path.join(session_dir, f"session_{session_id}.journal")


class FlockLock:
    """An exclusive ``flock`` on a lock file, with a deadline instead of an endless wait.

    Dead holders never block: the kernel drops a flock when its process dies.
    """

    def __init__(self, path: str, timeout: float = LOCK_TIMEOUT):
        self.path = path
        self.timeout = timeout
        self._fd = -1

    def __enter__(self):
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + self.timeout
        delay = 0.0005
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES) or time.monotonic() > deadline:
                    os.close(fd)
                    if exc.errno in (errno.EAGAIN, errno.EACCES):
                        raise TimeoutError(f"could not lock {self.path} within {self.timeout} s") from None
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 0.01)
        self._fd = fd
        return self

    def __exit__(self, *exc_info):
        os.close(self._fd)  # closing the descriptor releases the flock
        self._fd = -1


def encode_record(record) -> bytes:
    """One journal record as bytes, newline first (see the module docstring)."""
    return ("\n" + to_json(record, separators=(",", ":"))).encode("utf-8")


def append_if_live(session_dir: str, session_id: str, payload: bytes, timeout: float = LOCK_TIMEOUT, is_repeat=None):
    """Append encoded records to a live session's journal under its lock.

    Returns False, writing nothing, unless both the journal and the session file are there (the
    session is not created yet, archived, or was left half-made by a crash): the caller then takes
    the slower path through SessionManager, which completes or repairs it. Otherwise returns
    ``"appended"``, or ``"repeat"`` without writing when ``is_repeat(last entry)`` says so.
    """
    with FlockLock(lock_path(session_dir, session_id), timeout):
        try:
            fd = os.open(journal_path(session_dir, session_id), os.O_WRONLY | os.O_APPEND)
        except (FileNotFoundError, IsADirectoryError):  # the slow path sets a directory aside
            return False
        if not os.path.isfile(os.path.join(session_dir, f"session_{session_id}.json")):
            os.close(fd)  # a journal without its session file: a create or restore cut short
            return False
        if is_repeat is not None and is_repeat(last_entry(journal_path(session_dir, session_id))):
            os.close(fd)
            return "repeat"
        _write_all_or_nothing(fd, payload)
    return "appended"


def last_entry(path: str, window: int = 65536):
    """The last activity entry in a journal (``_set`` records skipped), or None: reads only its tail."""
    try:
        with open(path, "rb") as handle:
            handle.seek(max(os.fstat(handle.fileno()).st_size - window, 0))
            tail = handle.read()
    except OSError:
        return None
    for line in reversed(tail.split(b"\n")):
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and isinstance(record.get("action"), str):
            return record
    return None


def append_locked(path: str, payload: bytes) -> None:
    """Append to a journal whose lock the caller already holds."""
    _write_all_or_nothing(os.open(path, os.O_WRONLY | os.O_APPEND), payload)


def _write_all_or_nothing(fd: int, payload: bytes) -> None:
    """Write ``payload`` at the end of the file and close it; on failure (disk full, file size
    limit) cut the file back to where it was, so no fragment is left behind. Lock held by caller."""
    try:
        size = os.fstat(fd).st_size
        try:
            view = memoryview(payload)
            while view:
                view = view[os.write(fd, view) :]
        except OSError:
            os.ftruncate(fd, size)
            raise
    finally:
        os.close(fd)


def header(base: int) -> str:
    return json.dumps({"journal": JOURNAL_VERSION, "base": base})


def read(path: str):
    """Read a journal: ``(base, records, torn)``, or ``None`` if there is no journal.

    ``records`` holds entry dicts and ``{"_set": ...}`` dicts in write order; ``torn`` counts
    lines that did not parse (records cut short by a crash), which are skipped.
    """
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except FileNotFoundError:
        return None
    base = None
    records = []
    torn = 0
    for line in raw.split(b"\n"):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            torn += 1
            continue
        if not isinstance(record, dict):
            torn += 1
        elif base is None and "journal" in record and isinstance(record.get("base"), int):
            base = record["base"]
        else:
            records.append(record)
    if base is None:  # header lost: treat every record as new rather than drop any
        base = -1
    return base, records, torn
