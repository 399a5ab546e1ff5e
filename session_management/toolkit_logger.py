"""ToolkitLogger: structured JSON-lines logging for sessions, errors and decisions.

One record per line: ``timestamp, level, logger, event, session_id, details, message``.
Records that name a session also go to ``session_<id>.log`` beside the main log file.
Writing never raises: a log that cannot be written must not break the caller.
"""

import logging
import os
import traceback

from .core.timestamps import format_epoch
from .core.ids import validate_session_id
from .file_utils import FILE_MODE, dumps, ensure_private_dir


class JsonLinesHandler(logging.Handler):
    """Appends one JSON line per record with a single ``O_APPEND`` write, safe across processes.

    With ``max_bytes`` > 0 the file is rotated to ``.1`` … ``.backup_count`` once it grows past
    that size; rotation holds a lock file so concurrent processes rotate once, not twice.
    """

    def __init__(self, log_file, max_bytes: int = 0, backup_count: int = 0, redact=None):
        super().__init__(logging.DEBUG)
        self.log_file = os.fspath(log_file)
        self.max_bytes = max_bytes
        self.backup_count = backup_count
        self.redact = redact
        self.failures = 0
        self.last_error = None
        self.last_lost = None

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format_line(record)
            self._append(self.log_file, line)
            session_id = getattr(record, "session_id", None)
            if session_id:
                session_log = os.path.join(os.path.dirname(self.log_file), f"session_{validate_session_id(session_id)}.log")
                self._append(session_log, line)
        except Exception as exc:  # never let logging break the caller
            self.failures += 1
            self.last_error = exc
            self.last_lost = record.getMessage()

    def format_line(self, record: logging.LogRecord) -> str:
        details = getattr(record, "details", None)
        if record.exc_info and record.exc_info[1] is not None and details is None:
            details = {"exception": describe_exception(record.exc_info[1])}
        entry = {
            "timestamp": format_epoch(record.created),
            "level": record.levelname,
            "logger": record.name,
            "event": getattr(record, "event", "message"),
            "session_id": getattr(record, "session_id", None),
            "details": details or {},
            "message": record.getMessage(),
        }
        if self.redact is not None:
            entry = self.redact(entry)
        return dumps(entry) + "\n"

    def _append(self, path: str, line: str) -> None:
        ensure_private_dir(os.path.dirname(path) or ".")
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
        try:
            os.write(fd, line.encode("utf-8"))
            size = os.fstat(fd).st_size
        finally:
            os.close(fd)
        if self.max_bytes > 0 and size > self.max_bytes and path == self.log_file:
            self._rotate()

    def _rotate(self) -> None:
        from .core.sitepackages import enable_site_packages

        enable_site_packages()
        try:
            from filelock import FileLock

            lock = FileLock(self.log_file + ".lock", timeout=5, mode=FILE_MODE)
        except ImportError:
            from .store.journal import FlockLock

            lock = FlockLock(self.log_file + ".lock", timeout=5)
        with lock:
            try:
                if os.stat(self.log_file).st_size <= self.max_bytes:
                    return  # another process rotated it first
            except FileNotFoundError:
                return
            if self.backup_count <= 0:
                os.unlink(self.log_file)
                return
            for n in range(self.backup_count - 1, 0, -1):
                older = f"{self.log_file}.{n}"
                if os.path.exists(older):
                    os.replace(older, f"{self.log_file}.{n + 1}")
            os.replace(self.log_file, self.log_file + ".1")


def describe_exception(exception: BaseException) -> dict:
    return {
        "type": type(exception).__name__,
        "message": str(exception),
        "traceback": "".join(traceback.format_exception(type(exception), exception, exception.__traceback__)),
    }


class ToolkitLogger:
    """Structured logging for sessions and toolkit operations.

    Attributes:
        logger (logging.Logger): Underlying Python logger
        log_file (str or None): The JSON-lines file, if any
    """

    def __init__(self, name: str, log_file: str = None, max_bytes: int = 0, backup_count: int = 0, redact=None):
        """Initialize logger.

        Args:
            name: Logger name (typically module name)
            log_file: Optional file to write JSON lines to (its directory is created 0700)
            max_bytes: Rotate the file past this size; 0 never rotates
            backup_count: Rotated files to keep (``log.1`` … ``log.N``)
            redact: Optional function applied to every record (a dict) before it is written
        """
        self.logger = logging.getLogger(name)
        if self.logger.level == logging.NOTSET:
            self.logger.setLevel(logging.INFO)
        self.log_file = os.fspath(log_file) if log_file else None
        self.handler = None
        if self.log_file:
            for handler in self.logger.handlers:
                if isinstance(handler, JsonLinesHandler) and handler.log_file == self.log_file:
                    self.handler = handler
                    break
            else:
                self.handler = JsonLinesHandler(self.log_file, max_bytes, backup_count, redact)
                self.logger.addHandler(self.handler)

    def log_session_event(self, session_id: str, event: str, details: dict = None) -> None:
        """Log session-specific event (also written to that session's own log)."""
        self._log(logging.INFO, event, f"session {session_id}: {event}", session_id, details)

    def log_error(self, message: str, exception: Exception = None, session_id: str = None) -> None:
        """Log error with optional exception details (type, message and traceback)."""
        details = {"exception": describe_exception(exception)} if exception is not None else {}
        self._log(logging.ERROR, "error", message, session_id, details)

    def log_decision(self, what: str, why: str, alternatives: str = None, session_id: str = None) -> None:
        """Log a decision point for audit trail."""
        details = {"what": what, "why": why, "alternatives": alternatives}
        self._log(logging.INFO, "decision", f"decided: {what} (because {why})", session_id, details)

    def _log(self, level: int, event: str, message: str, session_id, details) -> None:
        try:
            extra = {"event": event, "session_id": session_id, "details": dict(details or {})}
            self.logger.log(level, "%s", message, extra=extra)
        except Exception:  # a logger never breaks its caller
            pass
