"""ClaudeSession: identity, timestamps, timeout, metadata and activity rules."""

from datetime import datetime, timedelta, timezone

import pytest

from session_management import ClaudeSession


def test_sessions_get_the_id_they_are_given():
    """A session keeps the id it was created with."""
    assert ClaudeSession("abc123").session_id == "abc123"


def test_manager_created_sessions_have_unique_ids(manager):
    """Sessions created without an id get distinct UUIDs."""
    ids = {manager.create_session().session_id for _ in range(50)}
    assert len(ids) == 50


def test_creation_and_activity_timestamps_are_tracked():
    """created_at and last_activity are aware UTC datetimes; activity moves last_activity."""
    before = datetime.now(timezone.utc) - timedelta(seconds=1)
    session = ClaudeSession("s1")
    assert session.created_at.tzinfo is not None
    assert before <= session.created_at <= datetime.now(timezone.utc)
    session.last_activity = session.created_at - timedelta(seconds=30)
    session.record_activity("user_input", {"message": "Hello"})
    assert session.last_activity > session.created_at - timedelta(seconds=1)
    assert session.activity_log[-1]["timestamp"].endswith("Z")


def test_timeout_is_detected():
    """A session idle longer than its timeout is no longer active."""
    session = ClaudeSession("s1", timeout_seconds=60)
    assert session.is_active()
    session.last_activity = datetime.now(timezone.utc) - timedelta(seconds=61)
    assert not session.is_active()


def test_is_active_reflects_status():
    """Only the active status counts as active; paused and ended do not."""
    session = ClaudeSession("s1")
    assert session.is_active()
    session.status = "paused"
    assert not session.is_active()
    session.status = "ended"
    assert not session.is_active()


def test_metadata_get_and_set():
    """Metadata round-trips and missing keys give the default."""
    session = ClaudeSession("s1")
    session.set_metadata("user", "alice@example.com")
    assert session.get_metadata("user") == "alice@example.com"
    assert session.get_metadata("missing") is None
    assert session.get_metadata("missing", "fallback") == "fallback"


def test_cannot_record_activity_on_ended_session():
    """record_activity raises RuntimeError once the session has ended."""
    session = ClaudeSession("s1")
    session.status = "ended"
    with pytest.raises(RuntimeError, match="not active"):
        session.record_activity("user_input")
    assert session.activity_log == []


def test_cannot_record_activity_on_timed_out_session():
    """record_activity raises RuntimeError after the inactivity timeout, saying so."""
    session = ClaudeSession("s1", timeout_seconds=10)
    session.last_activity -= timedelta(seconds=11)
    with pytest.raises(RuntimeError, match="timed out"):
        session.record_activity("user_input")


@pytest.mark.parametrize(
    "bad_id",
    ["", "../../etc/x", "/abs", "a/b", "a\\b", "a\x00b", "..", "a..b", ".hidden", "x" * 129, "tab\tid", "new\nline", None, 42],
)
def test_invalid_session_id_raises_value_error(bad_id):
    """Empty ids, path-like ids, control characters and over-long ids are refused."""
    with pytest.raises(ValueError):
        ClaudeSession(bad_id)


@pytest.mark.parametrize("good_id", ["abc123", "0f1e2d3c-aaaa-bbbb-cccc-1234567890ab", "a.b_c-d", "x" * 128])
def test_valid_session_ids_are_accepted(good_id):
    """UUIDs and plain word ids are accepted."""
    assert ClaudeSession(good_id).session_id == good_id


@pytest.mark.parametrize("bad_timeout", [0, -5, 1.5, "60", True])
def test_invalid_timeout_raises_value_error(bad_timeout):
    """timeout_seconds must be a positive integer."""
    with pytest.raises(ValueError):
        ClaudeSession("s1", timeout_seconds=bad_timeout)


def test_invalid_status_is_refused():
    """Only active, paused and ended are statuses."""
    session = ClaudeSession("s1")
    with pytest.raises(ValueError):
        session.status = "archived"
    assert session.status == "active"


def test_record_activity_checks_its_arguments():
    """An empty action or non-dict details is a ValueError, not a silent bad entry."""
    session = ClaudeSession("s1")
    with pytest.raises(ValueError):
        session.record_activity("")
    with pytest.raises(ValueError):
        session.record_activity("x", details=["not", "a", "dict"])
    assert session.activity_log == []


def test_to_dict_has_the_spec_shape():
    """to_dict gives exactly the keys of the spec's session file."""
    session = ClaudeSession("abc123")
    session.record_activity("user_input", {"message": "Hello"})
    data = session.to_dict()
    assert set(data) == {"session_id", "created_at", "last_activity", "status", "timeout_seconds", "metadata", "activity_log"}
    assert set(data["activity_log"][0]) == {"action", "timestamp", "details"}
    assert data["created_at"].endswith("Z") and data["last_activity"].endswith("Z")


def test_from_dict_reads_the_spec_example(tmp_path):
    """The spec's example session file loads with all its fields."""
    from conftest import FIXTURES, read_json

    session = ClaudeSession.from_dict(read_json(FIXTURES / "sample_session.json"))
    assert session.session_id == "abc123"
    assert session.created_at == datetime(2025, 11, 8, 10, 30, tzinfo=timezone.utc)
    assert session.get_metadata("branch") == "main"
    assert session.activity_log[0]["details"] == {"message": "Hello"}
    assert not session.is_active()  # last activity was long ago


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d.pop("session_id"),
        lambda d: d.update(status="bogus"),
        lambda d: d.update(created_at="yesterday"),
        lambda d: d.update(activity_log={}),
        lambda d: d.update(metadata=[]),
        lambda d: d.update(activity_log=[{"no": "action"}]),
        lambda d: d.update(timeout_seconds="60"),
    ],
)
def test_from_dict_rejects_damaged_data(damage):
    """Missing or mistyped fields are a ValueError."""
    data = ClaudeSession("s1").to_dict()
    damage(data)
    with pytest.raises(ValueError):
        ClaudeSession.from_dict(data)
