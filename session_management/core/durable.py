"""Bytes on disk that survive a crash: written whole and synced; a folder synced after a rename in it."""

import os


def write_synced(path: str, data: bytes, flags: int, mode: int) -> None:
    """Open ``path`` with ``flags``, write all of ``data`` and fsync it before closing."""
    fd = os.open(path, flags, mode)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)


def sync_folder(directory: str) -> None:
    """Make a rename durable; some filesystems refuse, which only weakens durability."""
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
