"""ToolkitLogger: JSON-lines records for events, errors and decisions; rotation; never raising."""

import json
import logging
import os
import stat

import pytest

from session_management import ToolkitLogger


def records(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def log_file(tmp_path):
    return tmp_path / ".claude" / "runtime" / "logs" / "toolkit.log"


@pytest.fixture(autouse=True)
def fresh_loggers():
    """Each test gets loggers without handlers left by another test."""
    yield
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("test."):
            logging.getLogger(name).handlers.clear()


def test_logger_has_a_name():
    """The underlying logging.Logger carries the given name."""
    logger = ToolkitLogger("test.named")
    assert isinstance(logger.logger, logging.Logger)
    assert logger.logger.name == "test.named"


def test_session_events_are_structured_json_lines(log_file):
    """log_session_event writes one JSON record with the documented fields."""
    logger = ToolkitLogger("test.events", str(log_file))
    logger.log_session_event("abc123", "completed", {"turns": 3})
    [record] = records(log_file)
    assert set(record) >= {"timestamp", "level", "logger", "event", "session_id", "details"}
    assert record["event"] == "completed"
    assert record["session_id"] == "abc123"
    assert record["details"] == {"turns": 3}
    assert record["level"] == "INFO" and record["logger"] == "test.events"
    assert record["timestamp"].endswith("Z")


def test_session_events_also_go_to_the_session_log(log_file):
    """Events naming a session are copied to logs/session_<id>.log."""
    logger = ToolkitLogger("test.persession", str(log_file))
    logger.log_session_event("abc123", "started")
    logger.log_session_event("def456", "started")
    [record] = records(log_file.parent / "session_abc123.log")
    assert record["session_id"] == "abc123"
    assert len(records(log_file)) == 2


def test_errors_carry_exception_details(log_file):
    """log_error records the exception's type, message and traceback."""
    logger = ToolkitLogger("test.errors", str(log_file))
    try:
        {}["missing"]
    except KeyError as exc:
        logger.log_error("lookup failed", exc)
    [record] = records(log_file)
    assert record["level"] == "ERROR" and record["event"] == "error"
    assert record["message"] == "lookup failed"
    exception = record["details"]["exception"]
    assert exception["type"] == "KeyError"
    assert exception["message"] == "'missing'"
    assert "Traceback" in exception["traceback"] and "test_errors_carry_exception_details" in exception["traceback"]


def test_error_without_exception(log_file):
    """log_error works without an exception too."""
    ToolkitLogger("test.plainerror", str(log_file)).log_error("disk nearly full")
    assert records(log_file)[0]["details"] == {}


def test_decisions_are_logged_for_audit(log_file):
    """log_decision records what, why and the alternatives."""
    logger = ToolkitLogger("test.decisions", str(log_file))
    logger.log_decision(what="Archive session", why="Session timeout reached", alternatives="Extend timeout, delete session")
    [record] = records(log_file)
    assert record["event"] == "decision"
    assert record["details"] == {
        "what": "Archive session",
        "why": "Session timeout reached",
        "alternatives": "Extend timeout, delete session",
    }


def test_log_file_is_created_private(log_file):
    """The log file and its directory are created, 0600 and 0700."""
    old = os.umask(0)
    try:
        ToolkitLogger("test.create", str(log_file)).log_session_event("s", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE(log_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(log_file.parent.stat().st_mode) == 0o700


def test_log_rotation(log_file):
    """With max_bytes and backup_count the log rotates and keeps that many old files."""
    logger = ToolkitLogger("test.rotate", str(log_file), max_bytes=2000, backup_count=2)
    for n in range(100):
        logger.log_session_event("s", "tick", {"n": n, "pad": "x" * 50})
    assert log_file.stat().st_size <= 2000 + 400
    assert (log_file.parent / "toolkit.log.1").exists()
    assert (log_file.parent / "toolkit.log.2").exists()
    assert not (log_file.parent / "toolkit.log.3").exists()
    numbers = [r["details"]["n"] for name in ("toolkit.log.2", "toolkit.log.1", "toolkit.log") for r in records(log_file.parent / name)]
    assert numbers == sorted(numbers) and numbers[-1] == 99


def test_no_error_if_log_file_unavailable(tmp_path):
    """A log path that cannot be opened does not raise from any log call."""
    (tmp_path / "blocker").write_text("a file, not a directory")
    logger = ToolkitLogger("test.unavailable", str(tmp_path / "blocker" / "toolkit.log"))
    logger.log_session_event("s", "x")
    logger.log_error("e", ValueError("v"))
    logger.log_decision("w", "y")
    assert logger.handler.failures == 3


def test_redaction_applies_to_every_line(log_file):
    """A redact function sees and changes each record before it is written."""
    scrub = lambda record: json.loads(json.dumps(record).replace("hunter2", "[REDACTED]"))
    logger = ToolkitLogger("test.redact", str(log_file), redact=scrub)
    logger.log_decision("use password hunter2", "because")
    assert "hunter2" not in log_file.read_text()
    assert "[REDACTED]" in log_file.read_text()


def test_same_file_twice_does_not_double_lines(log_file):
    """Creating the logger twice for one file writes each record once."""
    ToolkitLogger("test.twice", str(log_file))
    ToolkitLogger("test.twice", str(log_file)).log_session_event("s", "once")
    assert len(records(log_file)) == 1


def test_library_warnings_reach_the_log(log_file, manager, session_dir):
    """Records of the library's own loggers land in the JSON log once an entry point configures it."""
    ToolkitLogger("session_management", str(log_file))
    try:
        session = manager.create_session()
        (session_dir / f"session_{session.session_id}.json").write_text("garbage")
        with pytest.raises(IOError):
            manager.get_session(session.session_id)
        [record] = [r for r in records(log_file) if r["level"] == "ERROR"]
        assert "set aside" in record["message"]
    finally:
        logging.getLogger("session_management").handlers.clear()
