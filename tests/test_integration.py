"""End-to-end through the library: the spec's integration scenarios across fresh managers."""

from session_management import SessionManager

from conftest import read_json


def test_create_save_load_verifies_integrity(session_dir):
    """What one manager saves, a new manager loads identically."""
    session = SessionManager(str(session_dir)).create_session()
    for n in range(20):
        session.record_activity("api_call", {"n": n, "text": "ünïcode ✓"})
    SessionManager(str(session_dir)).save_session(session)
    loaded = SessionManager(str(session_dir)).get_session(session.session_id)
    assert loaded.to_dict() == session.to_dict()


def test_metadata_persists_through_save_load(session_dir):
    """Metadata of every JSON type survives a save/load cycle."""
    manager = SessionManager(str(session_dir))
    session = manager.create_session()
    values = {"user": "alice@example.com", "n": 3, "ratio": 0.5, "flags": [True, None], "nested": {"a": {"b": "c"}}}
    for key, value in values.items():
        session.set_metadata(key, value)
    manager.save_session(session)
    assert SessionManager(str(session_dir)).get_session(session.session_id).metadata == values


def test_multiple_sessions_dont_interfere(session_dir):
    """Activity and metadata of one session never show up in another."""
    manager = SessionManager(str(session_dir))
    a, b = manager.create_session(), manager.create_session()
    a.record_activity("only_a")
    a.set_metadata("owner", "a")
    b.record_activity("only_b")
    manager.save_session(a)
    manager.save_session(b)
    manager.archive_session(a.session_id)
    loaded_b = manager.get_session(b.session_id)
    assert [e["action"] for e in loaded_b.activity_log] == ["only_b"]
    assert loaded_b.metadata == {}
    assert [e["action"] for e in manager.get_session(a.session_id).activity_log] == ["only_a"]


def test_archive_moves_files_correctly(session_dir):
    """Archiving leaves exactly one copy of the session, complete, in archive/."""
    manager = SessionManager(str(session_dir))
    session = manager.create_session()
    session.record_activity("x")
    manager.save_session(session)
    manager.append_records(session.session_id, [{"action": "y", "timestamp": "2030-01-01T00:00:00.000Z", "details": {}}])
    manager.archive_session(session.session_id)
    copies = list(session_dir.rglob(f"session_{session.session_id}.json"))
    assert copies == [session_dir / "archive" / f"session_{session.session_id}.json"]
    assert [e["action"] for e in read_json(copies[0])["activity_log"]] == ["x", "y"]
    assert not (session_dir / f"session_{session.session_id}.journal").exists()


def test_session_file_on_disk_is_complete_after_save(session_dir):
    """After save_session the raw file alone holds every entry: no reader needs the journal."""
    manager = SessionManager(str(session_dir))
    session = manager.create_session()
    manager.append_records(session.session_id, [{"action": "journaled", "timestamp": "2030-01-01T00:00:00.000Z", "details": {}}])
    session = manager.get_session(session.session_id)
    session.record_activity("direct")
    manager.save_session(session)
    raw = read_json(session_dir / f"session_{session.session_id}.json")
    assert [e["action"] for e in raw["activity_log"]] == ["journaled", "direct"]


def test_torn_journal_record_is_skipped_not_fatal(session_dir):
    """A journal line cut short by a crash is skipped; the records after it still count."""
    manager = SessionManager(str(session_dir))
    manager.create_session(session_id="torn")
    journal = session_dir / "session_torn.journal"
    with open(journal, "ab") as handle:
        handle.write(b'\n{"action":"half","timest')
    manager.append_records("torn", [{"action": "whole", "timestamp": "2030-01-01T00:00:00.000Z", "details": {}}])
    assert [e["action"] for e in manager.get_session("torn").activity_log] == ["whole"]
