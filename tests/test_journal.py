"""The journal fast path: locking, appending, tolerance of torn records and odd text."""

import fcntl
import os


from session_management.store import journal as _journal, writer


def test_append_if_live_refuses_unknown_sessions(session_dir, manager):
    """With no journal the fast path writes nothing and says so."""
    session_dir.mkdir(parents=True)
    assert _journal.append_if_live(str(session_dir), "nobody", b"\n{}") is False
    assert not (session_dir / "session_nobody.journal").exists()


def test_append_returns_appended_for_live_sessions(session_dir, manager):
    """The fast path appends to a live session and the entry is read back."""
    manager.create_session(session_id="live")
    record = {"action": "x", "timestamp": "2030-01-01T00:00:00.000Z", "details": {"k": 1}}
    assert writer.append(str(session_dir), "live", [record]) == "appended"
    assert manager.get_session("live").activity_log == [record]


def test_append_creates_the_directory_tree_when_missing(session_dir):
    """The first event in a project with no runtime directory creates it."""
    record = {"action": "x", "timestamp": "2030-01-01T00:00:00.000Z", "details": {}}
    assert writer.append(str(session_dir), "first", [record]) == "created"
    assert (session_dir / "session_first.json").exists()


def test_lock_times_out_instead_of_hanging(session_dir, manager):
    """A lock held elsewhere makes the fast path fail after its timeout rather than wait forever."""
    manager.create_session(session_id="held")
    holder = os.open(_journal.lock_path(str(session_dir), "held"), os.O_RDWR)
    fcntl.flock(holder, fcntl.LOCK_EX)
    pid = os.fork()
    if pid == 0:  # the lock must be held by another open file description: a child process
        try:
            _journal.append_if_live(str(session_dir), "held", b"\n{}", timeout=0.2)
        except TimeoutError:
            os._exit(7)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    os.close(holder)
    assert os.WEXITSTATUS(status) == 7


def test_lone_surrogates_are_stored_as_escapes():
    """Text that is not valid Unicode is escaped rather than failing the write."""
    encoded = _journal.encode_record({"action": "x", "details": {"text": "bad \udc80 byte"}})
    assert encoded.startswith(b"\n")
    assert b"\\udc80" in encoded


def test_read_skips_torn_and_foreign_lines(tmp_path):
    """Partial lines and non-object lines are counted as torn and skipped."""
    path = tmp_path / "j.journal"
    path.write_bytes(b'{"journal": 1, "base": 4}\n{"action":"a"}\n{"act\n[1,2]\n\n{"action":"b"}')
    base, records, torn = _journal.read(str(path))
    assert base == 4
    assert [r["action"] for r in records] == ["a", "b"]
    assert torn == 2


def test_read_without_header_keeps_every_record(tmp_path):
    """A journal whose header is missing is read with base -1: nothing is dropped."""
    path = tmp_path / "j.journal"
    path.write_bytes(b'\n{"action":"a"}')
    assert _journal.read(str(path)) == (-1, [{"action": "a"}], 0)
    assert _journal.read(str(tmp_path / "missing")) is None
