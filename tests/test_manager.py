"""SessionManager: persistence, registry, archive, restore, corruption handling, cleanup."""

import json
import os
import stat
import time

import pytest

from conftest import FIXTURES, read_json
from session_management import SessionManager


def test_create_session_writes_file_and_registry(manager, session_dir):
    """A new session exists on disk and in the registry right away."""
    session = manager.create_session(timeout_seconds=120)
    data = read_json(session_dir / f"session_{session.session_id}.json")
    assert data["session_id"] == session.session_id
    assert data["timeout_seconds"] == 120
    assert data["status"] == "active"
    registry = read_json(session_dir / "registry.json")
    assert registry["sessions"][session.session_id] == {
        "created_at": data["created_at"],
        "status": "active",
        "timeout_seconds": 120,
    }


def test_create_session_adopts_a_given_id(manager):
    """create_session(session_id=...) uses that id, as the hooks need."""
    session = manager.create_session(session_id="claude-code-id-1")
    assert session.session_id == "claude-code-id-1"
    assert manager.get_session("claude-code-id-1").session_id == "claude-code-id-1"


def test_create_session_refuses_a_duplicate_id(manager):
    """Creating an id that exists raises instead of overwriting it."""
    manager.create_session(session_id="dup")
    with pytest.raises(FileExistsError):
        manager.create_session(session_id="dup")


def test_create_session_refuses_a_path_like_id(manager, tmp_path):
    """An id that looks like a path is a ValueError and writes nothing."""
    with pytest.raises(ValueError):
        manager.create_session(session_id="../../escape")
    assert not (tmp_path / "escape.json").exists()
    assert not list(tmp_path.rglob("*escape*"))


def test_save_session_writes_spec_json(manager, session_dir):
    """save_session writes the spec's session file with activity and metadata."""
    session = manager.create_session()
    session.record_activity("user_input", {"message": "Hello"})
    session.set_metadata("user", "alice@example.com")
    manager.save_session(session)
    data = read_json(session_dir / f"session_{session.session_id}.json")
    assert data["metadata"] == {"user": "alice@example.com"}
    assert [(e["action"], e["details"]) for e in data["activity_log"]] == [("user_input", {"message": "Hello"})]
    assert data["last_activity"] == data["activity_log"][0]["timestamp"]


def test_get_session_loads_saved_state(manager):
    """get_session returns what was saved."""
    session = manager.create_session()
    session.record_activity("api_call", {"n": 1})
    manager.save_session(session)
    loaded = manager.get_session(session.session_id)
    assert loaded.activity_log == session.activity_log
    assert loaded.created_at == session.created_at
    assert loaded.status == "active"


def test_get_session_reads_a_spec_example_file(manager, session_dir):
    """A session file written by another implementation of the spec loads."""
    session_dir.mkdir(parents=True)
    (session_dir / "session_abc123.json").write_text((FIXTURES / "sample_session.json").read_text())
    loaded = manager.get_session("abc123")
    assert loaded.get_metadata("user") == "alice@example.com"


def test_list_sessions_lists_all(manager):
    """list_sessions returns every session id."""
    ids = {manager.create_session().session_id for _ in range(3)}
    assert set(manager.list_sessions()) == ids


def test_list_sessions_filters_by_status(manager):
    """The status filter selects active, paused, ended and archived sessions."""
    active = manager.create_session()
    paused = manager.create_session()
    paused.status = "paused"
    manager.save_session(paused)
    ended = manager.create_session()
    ended.status = "ended"
    manager.save_session(ended)
    archived = manager.create_session()
    manager.archive_session(archived.session_id)
    assert manager.list_sessions(status="active") == [active.session_id]
    assert manager.list_sessions(status="paused") == [paused.session_id]
    assert manager.list_sessions(status="ended") == [ended.session_id]
    assert manager.list_sessions(status="archived") == [archived.session_id]


def test_list_sessions_refuses_unknown_status(manager):
    """An unknown status filter is a ValueError, not an empty list."""
    with pytest.raises(ValueError):
        manager.list_sessions(status="sleeping")


def test_list_sessions_reads_the_spec_registry(manager, session_dir):
    """A registry in the spec's format is read as is."""
    session_dir.mkdir(parents=True)
    (session_dir / "registry.json").write_text((FIXTURES / "sample_registry.json").read_text())
    assert manager.list_sessions(status="archived") == ["def456"]
    assert manager.list_sessions(status="active") == ["abc123"]


def test_archive_moves_the_file(manager, session_dir):
    """Archiving moves session_<id>.json into archive/ and marks it archived."""
    session = manager.create_session()
    session.record_activity("user_input", {"message": "bye"})
    manager.save_session(session)
    manager.archive_session(session.session_id)
    name = f"session_{session.session_id}.json"
    assert not (session_dir / name).exists()
    archived = read_json(session_dir / "archive" / name)
    assert archived["activity_log"][0]["details"] == {"message": "bye"}
    assert read_json(session_dir / "registry.json")["sessions"][session.session_id]["status"] == "archived"
    assert manager.get_session(session.session_id).activity_log == archived["activity_log"]


def test_archive_unknown_session_raises_key_error(manager):
    """Archiving a session that does not exist is a KeyError."""
    manager.create_session()
    with pytest.raises(KeyError):
        manager.archive_session("nope")


def test_archive_twice_is_harmless(manager, session_dir):
    """A second archive of the same session changes nothing."""
    session = manager.create_session()
    manager.archive_session(session.session_id)
    before = (session_dir / "archive" / f"session_{session.session_id}.json").read_bytes()
    manager.archive_session(session.session_id)
    assert (session_dir / "archive" / f"session_{session.session_id}.json").read_bytes() == before


def test_restore_brings_an_archived_session_back(manager, session_dir):
    """restore_session makes an archived session live and active, keeping its log."""
    session = manager.create_session()
    session.record_activity("user_input", {"message": "turn 1"})
    session.status = "paused"
    manager.save_session(session)
    manager.archive_session(session.session_id)
    restored = manager.restore_session(session.session_id)
    assert restored.status == "active" and restored.is_active()
    assert [e["details"]["message"] for e in restored.activity_log] == ["turn 1"]
    assert (session_dir / f"session_{session.session_id}.json").exists()
    assert manager.list_sessions(status="active") == [session.session_id]
    restored.record_activity("user_input", {"message": "turn 2"})
    manager.save_session(restored)
    messages = [e["details"]["message"] for e in manager.get_session(session.session_id).activity_log]
    assert messages == ["turn 1", "turn 2"]


def test_restore_unknown_session_raises_key_error(manager):
    """Restoring an id that was never stored is a KeyError and creates nothing."""
    manager.create_session()
    with pytest.raises(KeyError):
        manager.restore_session("ghost")
    assert "ghost" not in manager.list_sessions()


def test_registry_stays_in_sync_with_files(manager, session_dir):
    """After creates, saves and archives the registry names exactly the files on disk."""
    sessions = [manager.create_session() for _ in range(4)]
    manager.archive_session(sessions[0].session_id)
    sessions[1].status = "ended"
    manager.save_session(sessions[1])
    registry = read_json(session_dir / "registry.json")["sessions"]
    live = {p.name[8:-5] for p in session_dir.glob("session_*.json")}
    archived = {p.name[8:-5] for p in (session_dir / "archive").glob("session_*.json")}
    assert set(registry) == live | archived
    assert {sid for sid, e in registry.items() if e["status"] == "archived"} == archived
    for sid in live:
        assert registry[sid]["status"] == read_json(session_dir / f"session_{sid}.json")["status"]


def test_missing_directory_is_handled(tmp_path):
    """A manager on a directory that does not exist lists nothing and creates it on first write."""
    target = tmp_path / "not" / "yet" / "there"
    manager = SessionManager(str(target))
    assert manager.list_sessions() == []
    with pytest.raises(KeyError):
        manager.get_session("abc")
    assert not target.exists()
    manager.create_session()
    assert target.is_dir() and (target / "archive").is_dir()


@pytest.mark.parametrize("bad", ["", "a\x00b"])
def test_invalid_session_dir_raises_value_error(bad):
    """An empty path or one with a NUL byte is a ValueError."""
    with pytest.raises(ValueError):
        SessionManager(bad)


def test_session_dir_that_is_a_file_raises_value_error(tmp_path):
    """A path naming an existing file is a ValueError."""
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError):
        SessionManager(str(tmp_path / "file"))


def test_directory_blocked_by_a_file_raises_ioerror(tmp_path):
    """A file where the session directory's parent should be makes create_session an IOError."""
    (tmp_path / "blocker").write_text("x")
    with pytest.raises(IOError):
        SessionManager(str(tmp_path / "blocker" / "sessions")).create_session()


def test_corrupted_session_file_is_set_aside(manager, session_dir):
    """A corrupt session file raises IOError, is kept as *.corrupt, and other sessions still work."""
    broken = manager.create_session()
    healthy = manager.create_session()
    path = session_dir / f"session_{broken.session_id}.json"
    path.write_text('{"session_id": "trunc')
    with pytest.raises(IOError, match="set aside"):
        manager.get_session(broken.session_id)
    kept = list(session_dir.glob(f"session_{broken.session_id}.json.*.corrupt"))
    assert len(kept) == 1 and kept[0].read_text() == '{"session_id": "trunc'
    assert not path.exists()
    assert manager.get_session(healthy.session_id).session_id == healthy.session_id


def test_session_file_with_wrong_id_is_treated_as_corrupt(manager, session_dir):
    """A file whose content names another session is not trusted."""
    session = manager.create_session()
    path = session_dir / f"session_{session.session_id}.json"
    data = read_json(path)
    data["session_id"] = "someone-else"
    path.write_text(json.dumps(data))
    with pytest.raises(IOError):
        manager.get_session(session.session_id)
    assert list(session_dir.glob("*.corrupt"))


def test_corrupted_registry_is_set_aside_and_rebuilt(manager, session_dir):
    """An unreadable registry is kept aside and rebuilt from the session files."""
    a = manager.create_session()
    b = manager.create_session()
    manager.archive_session(b.session_id)
    (session_dir / "registry.json").write_text("{not json")
    assert sorted(manager.list_sessions()) == sorted([a.session_id, b.session_id])
    assert manager.list_sessions(status="archived") == [b.session_id]
    assert len(list(session_dir.glob("registry.json.*.corrupt"))) == 1
    assert read_json(session_dir / "registry.json")["sessions"][a.session_id]["status"] == "active"


def test_get_nonexistent_session_raises_key_error(manager):
    """Loading an unknown session is a KeyError."""
    manager.create_session()
    with pytest.raises(KeyError):
        manager.get_session("does-not-exist")


def test_get_session_with_invalid_id_raises_value_error(manager):
    """get_session refuses path-like ids before touching the disk."""
    with pytest.raises(ValueError):
        manager.get_session("../registry")


def test_save_merges_concurrent_changes(manager):
    """Two copies of one session saved one after the other keep both copies' entries and metadata."""
    original = manager.create_session()
    first = manager.get_session(original.session_id)
    second = manager.get_session(original.session_id)
    first.record_activity("a", {"by": "first"})
    first.set_metadata("first", 1)
    second.record_activity("b", {"by": "second"})
    second.set_metadata("second", 2)
    manager.save_session(first)
    manager.save_session(second)
    merged = manager.get_session(original.session_id)
    assert [e["action"] for e in merged.activity_log] == ["a", "b"]
    assert merged.metadata == {"first": 1, "second": 2}
    assert second.activity_log == merged.activity_log  # the saved object sees the merge


def test_save_new_session_object_creates_it(manager):
    """save_session of a session built by hand stores it."""
    from session_management import ClaudeSession

    session = ClaudeSession("handmade")
    session.record_activity("x")
    manager.save_session(session)
    assert manager.list_sessions() == ["handmade"]
    assert manager.get_session("handmade").activity_log[0]["action"] == "x"


def test_append_records_creates_restores_and_appends(manager):
    """append_records says what it had to do and keeps every entry in order."""
    entry = lambda n: {"action": "tool_use", "timestamp": "2030-01-01T00:00:0%d.000Z" % n, "details": {"n": n}}
    assert manager.append_records("hook-1", [entry(1)], metadata={"cwd": "/p"}) == "created"
    assert manager.append_records("hook-1", [entry(2)]) == "appended"
    manager.archive_session("hook-1")
    assert manager.append_records("hook-1", [entry(3)]) == "restored"
    session = manager.get_session("hook-1")
    assert [e["details"]["n"] for e in session.activity_log] == [1, 2, 3]
    assert session.metadata == {"cwd": "/p"}
    assert session.status == "active"


def test_journal_is_folded_on_archive(manager, session_dir):
    """The archived session file holds every entry, with no journal records left over."""
    manager.create_session(session_id="j")
    for n in range(5):
        manager.append_records("j", [{"action": "x", "timestamp": "2030-01-01T00:00:00.000Z", "details": {"n": n}}])
    manager.append_records("j", [{"_set": {"status": "paused", "metadata": {"k": "v"}}}])
    manager.archive_session("j")
    data = read_json(session_dir / "archive" / "session_j.json")
    assert [e["details"]["n"] for e in data["activity_log"]] == [0, 1, 2, 3, 4]
    assert data["status"] == "paused" and data["metadata"] == {"k": "v"}
    assert data["last_activity"] == "2030-01-01T00:00:00.000Z"


def test_cleanup_ends_and_archives_timed_out_sessions(manager, session_dir):
    """cleanup_expired ends and archives idle sessions and leaves fresh ones alone."""
    stale = manager.create_session(timeout_seconds=60)
    fresh = manager.create_session(timeout_seconds=60)
    path = session_dir / f"session_{stale.session_id}.json"
    data = read_json(path)
    data["last_activity"] = "2020-01-01T00:00:00.000Z"
    path.write_text(json.dumps(data))
    assert manager.cleanup_expired(dry_run=True) == [stale.session_id]
    assert path.exists()
    assert manager.cleanup_expired() == [stale.session_id]
    assert read_json(session_dir / "archive" / path.name)["status"] == "ended"
    assert manager.list_sessions(status="active") == [fresh.session_id]
    assert manager.cleanup_expired() == []


def test_prune_removes_only_old_archives(manager, session_dir):
    """prune_archived deletes archives older than the retention period, and their registry entries."""
    old = manager.create_session()
    new = manager.create_session()
    manager.archive_session(old.session_id)
    manager.archive_session(new.session_id)
    old_file = session_dir / "archive" / f"session_{old.session_id}.json"
    os.utime(old_file, (1, 1))
    assert manager.prune_archived(retention_seconds=3600, dry_run=True) == [old.session_id]
    assert old_file.exists()
    assert manager.prune_archived(retention_seconds=3600) == [old.session_id]
    assert not old_file.exists()
    assert not list(session_dir.rglob(f"*{old.session_id}*")), "the lock file or journal was left behind"
    assert manager.list_sessions() == [new.session_id]
    with pytest.raises(KeyError):
        manager.get_session(old.session_id)


def test_files_are_private(manager, session_dir):
    """Session files, registry, journals and locks are 0600, directories 0700, whatever the umask."""
    old_umask = os.umask(0)
    try:
        session = manager.create_session()
        manager.append_records(session.session_id, [{"action": "x", "timestamp": "2030-01-01T00:00:00.000Z", "details": {}}])
        other = manager.create_session()
        manager.archive_session(other.session_id)
    finally:
        os.umask(old_umask)
    for path in [session_dir, session_dir / "archive", *session_dir.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))


def test_timeout_survives_save_and_load(manager):
    """A session that times out is seen as timed out after a save/load cycle, by its stored timestamps."""
    session = manager.create_session(timeout_seconds=1)
    session.record_activity("user_input")
    manager.save_session(session)
    assert manager.get_session(session.session_id).is_active()
    time.sleep(1.1)
    reloaded = manager.get_session(session.session_id)
    assert reloaded.timeout_seconds == 1
    assert not reloaded.is_active()


def test_append_records_skips_a_repeat(manager):
    """append_records writes nothing when is_repeat says the last entry is the same event."""
    entry = {"action": "session_start", "timestamp": "2030-01-01T00:00:00.000Z", "details": {"source": "resume"}}
    same = lambda last: last is not None and last["details"] == entry["details"]
    assert manager.append_records("rep", [entry], is_repeat=same) == "created"
    assert manager.append_records("rep", [entry], is_repeat=same) == "repeat"
    manager.archive_session("rep")
    assert manager.append_records("rep", [entry], is_repeat=same) == "restored"  # the fold emptied the journal tail
    assert [e["action"] for e in manager.get_session("rep").activity_log] == ["session_start", "session_start"]
