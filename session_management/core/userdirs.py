"""Where our user-level files live. Apart from ``store.catalog`` so the status line finds the user's
cache without importing what the catalog needs to write."""

import os


def user_dir(xdg_variable: str, default: str, env=os.environ) -> str:
    """Our folder for one kind of user-level file: ``$CLAUDE_SESSION_TRACKER_HOME`` if set, else
    ``claude-session-tracker`` in the XDG folder (``$XDG_DATA_HOME``, ``$XDG_CACHE_HOME``) or its
    default under the home directory (``.local/share``, ``.cache``)."""
    if env.get("CLAUDE_SESSION_TRACKER_HOME"):
        return env["CLAUDE_SESSION_TRACKER_HOME"]
    base = env.get(xdg_variable) or os.path.join(os.path.expanduser("~"), default)
    return os.path.join(base, "claude-session-tracker")


def data_home(env=os.environ) -> str:
    """The user's data folder: the catalog of projects and the imported history (see ``store.catalog``)."""
    return user_dir("XDG_DATA_HOME", os.path.join(".local", "share"), env)


def cache_dir(env=os.environ) -> str:
    """The user's cache folder: derived files (the index, prices, today's spend), safe to delete."""
    return user_dir("XDG_CACHE_HOME", ".cache", env)
