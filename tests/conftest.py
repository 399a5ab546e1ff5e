"""Shared fixtures. Every test runs in its own temp dir with HOME pointed there too,
so nothing a test does can touch a real project or a real home directory."""

import json
import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
HOOK_ENTRY = REPO / "session_management" / "capture" / "hook.py"  # what installed hooks run


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """Run in tmp_path, with HOME and the Claude project dir pointing there."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("CLAUDE_PROJECT_DIR", raising=False)
    monkeypatch.delenv("CLAUDE_SESSION_TRACKER_HOME", raising=False)  # the projects catalog goes under HOME
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)  # and the search index under HOME/.cache
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def session_dir(tmp_path):
    return tmp_path / ".claude" / "runtime" / "sessions"


@pytest.fixture
def manager(session_dir):
    from session_management import SessionManager

    return SessionManager(str(session_dir))


def read_json(path):
    """Parse a file strictly; fails the test if it is not complete, valid JSON."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def python_env():
    """Environment for child Python processes: the repo importable, coverage-free."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


PYTHON = sys.executable
