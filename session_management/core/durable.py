"""Bytes on disk that survive a crash: written whole and synced; a folder synced after a rename in it."""

import os


def write_synced(path: str, data: bytes, flags: int, mode: int, sync: bool = True) -> None:
    """Open ``path`` with ``flags``, write all of ``data`` and fsync it (unless not ``sync``) before closing."""
    fd = os.open(path, flags, mode)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        if sync:
            os.fsync(fd)
    finally:
        os.close(fd)


def sync_filesystem(path: str) -> bool:
    """Make everything written on the filesystem holding ``path`` durable at once (Linux's
    ``syncfs``: one journal commit instead of one per file); False where it cannot (another system,
    an error): then sync each file with ``sync_folder``."""
    try:
        import ctypes

        syncfs = ctypes.CDLL(None, use_errno=True).syncfs
        fd = os.open(path, os.O_RDONLY)
    except (ImportError, OSError, AttributeError):
        return False
    try:
        return syncfs(fd) == 0
    finally:
        os.close(fd)


def sync_folder(directory: str) -> None:
    """Make a rename durable (or a file's bytes, given a file); some filesystems refuse, which only weakens durability."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
