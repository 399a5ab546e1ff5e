"""The user-level catalog of tracked projects, so views can look across all of them.

``projects.json`` in ``$CLAUDE_SESSION_TRACKER_HOME``, else ``$XDG_DATA_HOME/claude-session-tracker``,
else ``~/.local/share/claude-session-tracker``. A session start adds its project once (one small
read when it is already known); a project moved or deleted stays listed and is shown as missing.
"""

import json
import os

from ..core.fastos import data_home, user_dir  # noqa: F401 (user_dir: where the index and the prices find their folders)
from ..core.timestamps import now_iso
from .journal import FlockLock

CATALOG_NAME = "projects.json"
VERSION = 1


def home(env=os.environ) -> str:
    """Where the catalog lives (see the module docstring)."""
    return data_home(env)


def read(folder: str) -> dict:
    """``{project path: {"added": timestamp}}``; empty if there is no catalog or it is unreadable."""
    return _load(folder) or {}


def existing(folder: str) -> list:
    """The catalog's projects whose folder is still there, sorted."""
    return sorted(path for path in read(folder) if os.path.isdir(path))


def add(folder: str, project_dir: str) -> bool:
    """Add a project unless it is known; True if it was added. An unreadable catalog is set aside."""
    if project_dir in read(folder):
        return False
    from ..file_utils import atomic_write, ensure_private_dir, set_aside

    ensure_private_dir(folder)
    path = os.path.join(folder, CATALOG_NAME)
    with FlockLock(os.path.join(folder, "projects.lock")):
        projects = _load(folder)
        if projects is None:
            if os.path.exists(path):
                set_aside(path)  # keep it for a person to look at; start a new one
            projects = {}
        if project_dir in projects:
            return False
        projects[project_dir] = {"added": now_iso()}
        atomic_write(path, json.dumps({"version": VERSION, "projects": projects}, indent=1) + "\n")
    return True


def _load(folder: str):
    """The catalog's projects, or None if it is missing or cannot be read."""
    try:
        with open(os.path.join(folder, CATALOG_NAME), encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return None
    projects = data.get("projects") if isinstance(data, dict) else None
    if not isinstance(projects, dict):
        return None
    return {path: info for path, info in projects.items() if isinstance(info, dict)}
