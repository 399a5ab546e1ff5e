"""Many processes at once: started at a barrier, checked for exact final counts.

Claude Code runs the hooks of parallel tool calls at the same moment, so these are the
conditions the library lives in, not an edge case.
"""

import json
import multiprocessing
import time

import pytest

from conftest import read_json
from session_management import SessionManager
from session_management.store import journal as _journal, writer

PROCESSES = 8
ctx = multiprocessing.get_context("fork")


def run_at_barrier(target, args_for):
    barrier = ctx.Barrier(PROCESSES)
    workers = [ctx.Process(target=target, args=(barrier, *args_for(n))) for n in range(PROCESSES)]
    for worker in workers:
        worker.start()
    return workers


def join_all(workers):
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0, f"worker exited with {worker.exitcode}"


def entry(worker, seq):
    return {"action": "tool_use", "timestamp": "2030-01-01T00:00:00.000Z", "details": {"worker": worker, "seq": seq}}


def _create_many(barrier, session_dir, count):
    manager = SessionManager(session_dir)
    barrier.wait()
    for _ in range(count):
        manager.create_session()


def test_concurrent_creates_lose_no_registry_entry(session_dir):
    """8 processes creating 25 sessions each leave exactly 200 registry entries and 200 files."""
    join_all(run_at_barrier(_create_many, lambda n: (str(session_dir), 25)))
    registry = read_json(session_dir / "registry.json")["sessions"]
    files = list(session_dir.glob("session_*.json"))
    assert len(registry) == PROCESSES * 25
    assert len(files) == PROCESSES * 25
    assert {p.name[8:-5] for p in files} == set(registry)


def _append_many(barrier, session_dir, worker, count):
    barrier.wait()
    for seq in range(count):
        writer.append(session_dir, "shared", [entry(worker, seq)])


def _save_many(barrier, session_dir, worker, count):
    manager = SessionManager(session_dir)
    barrier.wait()
    for seq in range(count):
        session = manager.get_session("shared")
        session.record_activity("tool_use", {"worker": worker, "seq": seq})
        manager.save_session(session)


def _archive_restore(barrier, session_dir, stop_after):
    manager = SessionManager(session_dir)
    barrier.wait()
    deadline = time.monotonic() + stop_after
    while time.monotonic() < deadline:
        manager.archive_session("shared")
        manager.restore_session("shared")


def _poll_files(session_dir, stop, bad):
    """Read every session file over and over; count any that is not complete JSON."""
    while not stop.is_set():
        for path in list(session_dir.glob("session_*.json")) + list(session_dir.glob("archive/session_*.json")) + [session_dir / "registry.json"]:
            try:
                text = path.read_text(encoding="utf-8")
            except FileNotFoundError:
                continue
            try:
                json.loads(text)
            except ValueError:
                bad.value += 1


def assert_each_once_in_order(manager, workers, count):
    log = manager.get_session("shared").activity_log
    seen = [(e["details"]["worker"], e["details"]["seq"]) for e in log if e["action"] == "tool_use"]
    assert len(seen) == workers * count
    assert len(set(seen)) == len(seen), "an entry was recorded twice"
    for worker in range(workers):
        assert [seq for w, seq in seen if w == worker] == list(range(count)), f"worker {worker} out of order"


# Each load-record-save rewrites and fsyncs the whole session: 30 each keeps it to seconds.
@pytest.mark.parametrize("appender, count", [(_append_many, 60), (_save_many, 30)], ids=["journal-append", "load-record-save"])
def test_concurrent_appends_to_one_session_are_exact(session_dir, manager, appender, count):
    """8 processes appending 60 (or 30) entries each to one session: each entry once, in per-process order."""
    manager.create_session(session_id="shared")
    stop, bad = ctx.Event(), ctx.Value("i", 0)
    reader = ctx.Process(target=_poll_files, args=(session_dir, stop, bad))
    reader.start()
    join_all(run_at_barrier(appender, lambda n: (str(session_dir), n, count)))
    stop.set()
    reader.join()
    assert bad.value == 0, "a reader saw a half-written file"
    assert_each_once_in_order(manager, PROCESSES, count)


def _append_or_archive(barrier, session_dir, worker, count):
    if worker == 0:
        _archive_restore(barrier, session_dir, 2.0)
    else:
        _append_many(barrier, session_dir, worker, count)


def test_appends_racing_archive_and_restore_lose_nothing(session_dir, manager):
    """7 appenders racing a process that archives and restores in a loop: every entry lands exactly once."""
    manager.create_session(session_id="shared")
    join_all(run_at_barrier(_append_or_archive, lambda n: (str(session_dir), n, 80)))
    log = manager.get_session("shared").activity_log
    seen = [(e["details"]["worker"], e["details"]["seq"]) for e in log]
    assert len(seen) == (PROCESSES - 1) * 80 == len(set(seen))
    for worker in range(1, PROCESSES):
        assert [seq for w, seq in seen if w == worker] == list(range(80))
    manager.archive_session("shared")
    archived = read_json(session_dir / "archive" / "session_shared.json")
    assert len(archived["activity_log"]) == (PROCESSES - 1) * 80
    assert read_json(session_dir / "registry.json")["sessions"]["shared"]["status"] == "archived"


def _first_event(barrier, session_dir, worker):
    barrier.wait()
    writer.append(session_dir, "brand-new", [entry(worker, 0)], metadata={"by": worker})


def test_concurrent_first_events_create_one_session(session_dir, manager):
    """8 processes sending the first event of an unknown session create it once and keep all 8 entries."""
    join_all(run_at_barrier(_first_event, lambda n: (str(session_dir), n)))
    session = manager.get_session("brand-new")
    assert sorted(e["details"]["worker"] for e in session.activity_log) == list(range(PROCESSES))
    assert manager.list_sessions() == ["brand-new"]
    assert len(list(session_dir.glob("*.corrupt"))) == 0
