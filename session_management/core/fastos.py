"""The file-system calls the status line makes, and where the user's files live, without ``os``.

``import os`` imports ``_collections_abc`` (some thirty abstract classes) and decodes the whole
environment: about 2 ms of CPU, a quarter of what the status line may add to the bare interpreter
(see ``core.fastjson`` for ``json``). ``os`` wraps the built-in ``posix`` module; the status line's
read path (``store.tally``, ``store.rates``, ``store.config``, ``capture.transcript``) calls
``posix`` through these, with the results ``os`` would give.
"""

import posix
import sys
from _stat import S_ISDIR

stat = posix.stat
fstat = posix.fstat
listdir = posix.listdir
isatty = posix.isatty
read = posix.read


def environ():
    """The environment as ``os.environ`` holds it (``os.environ`` itself once ``os`` is loaded: it
    sees changes made since the start)."""
    os = sys.modules.get("os")
    if os is not None:
        return os.environ
    return {key.decode("utf-8", "surrogateescape"): value.decode("utf-8", "surrogateescape") for key, value in posix.environ.items()}


def join(path: str, *parts: str) -> str:
    """``os.path.join`` for POSIX paths: an absolute part starts over."""
    for part in parts:
        if part.startswith("/"):
            path = part
        elif not path or path.endswith("/"):
            path += part
        else:
            path += "/" + part
    return path


def dirname(path: str) -> str:
    """``os.path.dirname`` for POSIX paths."""
    head = path[: path.rfind("/") + 1]
    return head.rstrip("/") or head


def isabs(path: str) -> bool:
    return path.startswith("/")


def exists(path: str) -> bool:
    try:
        stat(path)
    except (OSError, ValueError):
        return False
    return True


def isdir(path: str) -> bool:
    try:
        return S_ISDIR(stat(path).st_mode)
    except (OSError, ValueError):
        return False


def getsize(path: str) -> int:
    return stat(path).st_size


def home_dir() -> str:
    """``os.path.expanduser("~")``: ``$HOME``, else the user's entry in the password database."""
    home = environ().get("HOME")
    if home:
        return home.rstrip("/") or "/"
    import pwd

    try:
        return pwd.getpwuid(posix.getuid()).pw_dir.rstrip("/") or "/"
    except KeyError:
        return "~"


def user_dir(xdg_variable: str, default: str, env=None) -> str:
    """Our folder for one kind of user-level file: ``$CLAUDE_SESSION_TRACKER_HOME`` if set, else
    ``claude-session-tracker`` in the XDG folder (``$XDG_DATA_HOME``, ``$XDG_CACHE_HOME``) or its
    default under the home directory (``.local/share``, ``.cache``). ``env``: the environment's."""
    env = environ() if env is None else env
    if env.get("CLAUDE_SESSION_TRACKER_HOME"):
        return env["CLAUDE_SESSION_TRACKER_HOME"]
    base = env.get(xdg_variable) or join(home_dir(), default)
    return join(base, "claude-session-tracker")


def data_home(env=None) -> str:
    """The user's data folder: the catalog of projects and the imported history (see ``store.catalog``)."""
    return user_dir("XDG_DATA_HOME", join(".local", "share"), env)


def cache_dir(env=None) -> str:
    """The user's cache folder: derived files (the index, prices, today's spend), safe to delete."""
    return user_dir("XDG_CACHE_HOME", ".cache", env)
