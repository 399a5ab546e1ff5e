"""ClaudeSession: one session's state, timeout and activity log, independent of storage."""

from datetime import datetime, timezone

from .core.ids import validate_session_id
from .core.timestamps import now_iso

STATUSES = ("active", "paused", "ended")


def _validate_timeout(timeout_seconds) -> int:
    if isinstance(timeout_seconds, bool) or not isinstance(timeout_seconds, int) or timeout_seconds <= 0:
        raise ValueError(f"timeout_seconds must be a positive integer, not {timeout_seconds!r}")
    return timeout_seconds


def new_session_id() -> str:
    import uuid  # here, not at the top: importing uuid costs the views that only read sessions ~10 ms

    return str(uuid.uuid4())


def parse_timestamp(text: str) -> datetime:
    """Parse the storage format (``...Z``) into an aware UTC datetime."""
    if not isinstance(text, str) or not text.endswith("Z"):
        raise ValueError(f"timestamp {text!r} is not ISO-8601 UTC ending in 'Z'")
    return datetime.fromisoformat(text[:-1] + "+00:00")


def format_timestamp(moment: datetime) -> str:
    moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (moment.microsecond // 1000)


class ClaudeSession:
    """Wrapper around Claude API session with timeout and state tracking.

    Attributes:
        session_id (str): Unique session identifier
        created_at (datetime): Session creation timestamp (aware, UTC)
        last_activity (datetime): Last activity timestamp (aware, UTC)
        status (str): Current status (active, paused, ended)
        metadata (dict): Custom session metadata
        timeout_seconds (int): Inactivity timeout
        activity_log (list): Recorded activities, oldest first
    """

    def __init__(self, session_id: str, timeout_seconds: int = 3600):
        """Initialize session wrapper.

        Raises:
            ValueError: If session_id is empty or invalid, or timeout_seconds is not a positive int
        """
        self.session_id = validate_session_id(session_id)
        self.timeout_seconds = _validate_timeout(timeout_seconds)
        now = parse_timestamp(now_iso())
        self.created_at = now
        self.last_activity = now
        self._status = "active"
        self.metadata = {}
        self.activity_log = []
        # What changed since the last load or save: SessionManager.save_session merges exactly
        # this into what is on disk, so two processes saving one session lose nothing.
        self._unsaved_entries = []
        self._changed_metadata = set()
        self._status_changed = False

    @property
    def status(self) -> str:
        return self._status

    @status.setter
    def status(self, value: str) -> None:
        if value not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}, not {value!r}")
        self._status = value
        self._status_changed = True

    def record_activity(self, action: str, details: dict = None) -> None:
        """Record activity in this session.

        Raises:
            RuntimeError: If session is not active (ended, paused or timed out)
            ValueError: If action is not a non-empty string or details is not a dict
        """
        if not isinstance(action, str) or not action:
            raise ValueError("action must be a non-empty string")
        if details is not None and not isinstance(details, dict):
            raise ValueError("details must be a dict")
        if not self.is_active():
            raise RuntimeError(f"session {self.session_id} is not active ({self.describe_state()})")
        timestamp = now_iso()
        entry = {"action": action, "timestamp": timestamp, "details": dict(details or {})}
        self.activity_log.append(entry)
        self._unsaved_entries.append(entry)
        self.last_activity = parse_timestamp(timestamp)

    def is_active(self) -> bool:
        """True if the status is active and the inactivity timeout has not passed."""
        return self._status == "active" and self.idle_seconds() < self.timeout_seconds

    def idle_seconds(self) -> float:
        return (datetime.now(timezone.utc) - self.last_activity).total_seconds()

    def describe_state(self) -> str:
        if self._status == "active" and not self.is_active():
            return f"timed out after {self.timeout_seconds} s without activity"
        return f"status {self._status}"

    def get_metadata(self, key: str, default=None):
        """Get metadata value for this session, or ``default``."""
        return self.metadata.get(key, default)

    def set_metadata(self, key: str, value) -> None:
        """Set metadata value for this session (must be JSON-serialisable to be saved)."""
        self.metadata[key] = value
        self._changed_metadata.add(key)

    def to_dict(self) -> dict:
        """The session in the storage format of ``session_<id>.json``."""
        return {
            "session_id": self.session_id,
            "created_at": format_timestamp(self.created_at),
            "last_activity": format_timestamp(self.last_activity),
            "status": self._status,
            "timeout_seconds": self.timeout_seconds,
            "metadata": self.metadata,
            "activity_log": self.activity_log,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "ClaudeSession":
        """Build a session from the storage format; ValueError if anything is missing or wrong."""
        if not isinstance(data, dict):
            raise ValueError("session data must be a JSON object")
        try:
            session = cls(data["session_id"], data["timeout_seconds"])
            session.created_at = parse_timestamp(data["created_at"])
            session.last_activity = parse_timestamp(data["last_activity"])
            status = data["status"]
            metadata = data["metadata"]
            activity_log = data["activity_log"]
        except KeyError as exc:
            raise ValueError(f"session data lacks {exc}") from None
        except TypeError as exc:
            raise ValueError(f"session data has a field of the wrong type: {exc}") from None
        if status not in STATUSES:
            raise ValueError(f"session data has unknown status {status!r}")
        if not isinstance(metadata, dict) or not isinstance(activity_log, list):
            raise ValueError("session data needs a metadata object and an activity_log list")
        if not all(isinstance(entry, dict) and isinstance(entry.get("action"), str) for entry in activity_log):
            raise ValueError("session data has an activity_log entry without an action")
        session._status = status
        session.metadata = metadata
        session.activity_log = activity_log
        return session

    def mark_saved(self) -> None:
        """Forget pending changes: they are on disk now."""
        self._unsaved_entries = []
        self._changed_metadata = set()
        self._status_changed = False

    def __repr__(self) -> str:
        return (
            f"ClaudeSession({self.session_id!r}, status={self._status!r}, "
            f"entries={len(self.activity_log)}, timeout_seconds={self.timeout_seconds})"
        )
