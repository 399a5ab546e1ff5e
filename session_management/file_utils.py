"""Defensive file operations: atomic private writes, retried reads and writes, corrupt-file quarantine.

Every write goes to a temporary file in the target's directory, is fsynced, and replaces the
target with ``os.replace``: a reader sees the old file or the new one, never half of either.
Files are created 0600 and directories 0700, because sessions hold prompts and tool output.
"""

import errno
import json
import os
import time
from pathlib import Path

from .core.durable import sync_folder, write_synced
from .core.jsontext import to_json
from .core.timestamps import stamp_for_filename

FILE_MODE = 0o600
DIR_MODE = 0o700

# Errors that another attempt cannot heal: retrying them only delays the failure.
_PERMANENT_ERRNOS = frozenset(
    {errno.EACCES, errno.EPERM, errno.EROFS, errno.EISDIR, errno.ENOTDIR, errno.ENAMETOOLONG, errno.EINVAL}
)


def ensure_private_dir(path) -> Path:
    """Create ``path`` if missing and make it 0700; parents it has to create are 0700 too
    (``mkdir -p`` would give them the umask's mode, 0777 under ``umask 0``)."""
    path = Path(path)
    try:
        missing = []
        for folder in (path, *path.parents):
            if folder.is_dir():
                break
            missing.append(folder)
        for folder in reversed(missing):
            try:
                folder.mkdir(mode=DIR_MODE)
            except FileExistsError:
                if not folder.is_dir():
                    raise
            os.chmod(folder, DIR_MODE)
        if path.stat().st_mode & 0o777 != DIR_MODE:
            os.chmod(path, DIR_MODE)
    except OSError as exc:
        raise OSError(exc.errno, f"cannot create directory {path}: {exc.strerror}") from exc
    return path


def create_session_dir(path: str) -> Path:
    """Create the session directory and its ``archive/`` subdirectory, both 0700.

    Raises:
        IOError: if the directories cannot be created.
    """
    session_dir = ensure_private_dir(path)
    ensure_private_dir(session_dir / "archive")
    return session_dir


def atomic_write(file_path, content, exclusive: bool = False) -> None:
    """Replace ``file_path`` with ``content`` (text, or bytes as they are) in one step: temp file,
    fsync, ``os.replace``.

    With ``exclusive`` the caller holds a lock on the target, so the temp file has a fixed name
    and a crashed writer's leftover is simply reused. Otherwise the temp name is unique per
    process and leftovers of dead processes are swept. A failed write leaves no temp file.
    """
    path = os.fspath(file_path)
    directory = os.path.dirname(path) or "."
    name = os.path.basename(path)
    if exclusive:
        tmp = os.path.join(directory, f".{name}.tmp")
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    else:
        _sweep_dead_temps(directory, name)
        tmp = os.path.join(directory, f".{name}.{os.getpid()}.{time.monotonic_ns()}.tmp")
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    data = content if isinstance(content, bytes) else content.encode("utf-8")
    try:
        write_synced(tmp, data, flags, FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    sync_folder(directory)


def _sweep_dead_temps(directory: str, name: str) -> None:
    """Remove ``.<name>.<pid>.<n>.tmp`` files left by processes that died mid-write."""
    prefix = f".{name}."
    try:
        candidates = [entry for entry in os.listdir(directory) if entry.startswith(prefix) and entry.endswith(".tmp")]
    except OSError:
        return
    for entry in candidates:
        pid = entry[len(prefix) :].split(".", 1)[0]
        if pid.isdigit() and not _pid_alive(int(pid)):
            try:
                os.unlink(os.path.join(directory, entry))
            except OSError:
                pass


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _with_retry(operation, what: str, max_retries: int, retry_delay: float):
    """Run ``operation`` until it succeeds, retrying transient OSErrors up to ``max_retries`` times."""
    attempt = 0
    while True:
        try:
            return operation()
        except OSError as exc:
            if attempt >= max_retries or exc.errno in _PERMANENT_ERRNOS:
                raise OSError(exc.errno, f"{what} failed after {attempt + 1} attempt{'' if attempt == 0 else 's'}: {exc}") from exc
            attempt += 1
            time.sleep(retry_delay)


def save_with_retry(file_path: str, content: str, max_retries: int = 3, retry_delay: float = 0.1) -> None:
    """Write file atomically, retrying transient failures.

    Args:
        file_path: Path to file to write
        content: Content to write
        max_retries: Maximum number of retry attempts after the first one
        retry_delay: Delay between retries in seconds

    Raises:
        IOError: If all retries are exhausted, or at once for errors a retry cannot heal
            (permission denied, read-only filesystem, a directory in the way).
    """
    _with_retry(lambda: atomic_write(file_path, content), f"writing {file_path}", max_retries, retry_delay)


def load_with_retry(file_path: str, max_retries: int = 3, retry_delay: float = 0.1):
    """Read a UTF-8 text file, retrying transient failures.

    Returns:
        The file's content, or ``None`` when the file does not exist.

    Raises:
        IOError: If the file exists but cannot be read after all retries.
    """

    def read():
        try:
            with open(file_path, "rb") as handle:
                return handle.read().decode("utf-8")
        except FileNotFoundError:
            return None

    return _with_retry(read, f"reading {file_path}", max_retries, retry_delay)


def dumps(data, indent=None) -> str:
    """JSON text for storage: strict (no NaN), readable UTF-8, ASCII escapes for lone surrogates."""
    return to_json(data, indent=indent)


def set_aside(file_path) -> Path:
    """Rename a corrupt file to ``<name>.<UTC stamp>.corrupt`` so it is kept, never overwritten."""
    path = Path(file_path)
    target = path.with_name(f"{path.name}.{stamp_for_filename()}.corrupt")
    n = 1
    while target.exists():
        target = path.with_name(f"{path.name}.{stamp_for_filename()}-{n}.corrupt")
        n += 1
    os.replace(path, target)
    return target


def load_session_registry(registry_file: str) -> dict:
    """Load session registry from JSON file.

    Returns:
        ``{"sessions": {session_id: {...}}}``; an empty registry when the file does not exist.

    Raises:
        IOError: If file not readable
        ValueError: If JSON is malformed or not a registry
    """
    text = load_with_retry(registry_file, max_retries=0)
    if text is None:
        return {"sessions": {}}
    try:
        registry = json.loads(text)
    except ValueError as exc:
        raise ValueError(f"registry {registry_file} is not valid JSON: {exc}") from exc
    if not isinstance(registry, dict) or not isinstance(registry.get("sessions"), dict):
        raise ValueError(f"registry {registry_file} has no 'sessions' object")
    if not all(isinstance(entry, dict) for entry in registry["sessions"].values()):
        raise ValueError(f"registry {registry_file} has a session entry that is not an object")
    return registry
