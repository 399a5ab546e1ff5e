"""Shared fixtures. Every test runs in its own temp dir with HOME pointed there too,
so nothing a test does can touch a real project or a real home directory."""

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
HOOK_ENTRY = REPO / "session_management" / "capture" / "hook.py"  # what installed hooks run


_USER_FOLDERS = ("CLAUDE_PROJECT_DIR", "CLAUDE_SESSION_TRACKER_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "CLAUDE_CONFIG_DIR")


@pytest.fixture(scope="session", autouse=True)
def isolated_run(tmp_path_factory):
    """Module- and session-scoped fixtures run before ``isolated``: give them a temp HOME too, so
    no fixture can write to the real user's catalog, index or caches."""
    patch = pytest.MonkeyPatch()
    home = tmp_path_factory.mktemp("run-home")
    patch.setenv("HOME", str(home))
    for name in _USER_FOLDERS:
        patch.delenv(name, raising=False)
    for name, folder in (("PIP_CACHE_DIR", "pip"), ("UV_CACHE_DIR", "uv")):  # under a temp HOME each test
        patch.setenv(name, os.environ.get(name) or str(REPO / ".cache" / folder))  # would download every wheel again
    yield home
    patch.undo()


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """Run in tmp_path, with HOME and the Claude project dir pointing there, and a temporary folder
    of the test's own (``demo`` removes earlier demo projects from it: never a real user's; short,
    as a browser's socket path in it must fit in 108 bytes), removed after."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for name in _USER_FOLDERS:  # the projects catalog, the index and the caches go under HOME
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    temp = tempfile.mkdtemp(prefix="cst-")
    monkeypatch.setenv("TMPDIR", temp)
    monkeypatch.setattr("tempfile.tempdir", None)  # gettempdir() reads TMPDIR again in this process
    yield tmp_path
    shutil.rmtree(temp, ignore_errors=True)


@pytest.fixture(scope="session")
def phoenix(tmp_path_factory):
    """A real Phoenix on free 127.0.0.1 ports, its data in a temp dir, shared by the session's
    tests (each ships to a Phoenix project of its own): it takes 20-30 s to start."""
    from phoenix_server import Phoenix

    server = Phoenix(tmp_path_factory.mktemp("phoenix"))
    server.start()
    yield server
    server.stop()


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


def python_env(measured=True):
    """Environment for child Python processes: the repo importable. ``measured=False`` leaves out
    coverage, which costs 0.1-0.2 s a process: for children the test SIGKILLs (coverage could never
    save their data; hundreds of them in the crash tests) and for the benchmark runner."""
    env = {k: v for k, v in os.environ.items() if measured or not k.startswith(("COV_", "COVERAGE_"))}
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


PYTHON = sys.executable


def pytest_collection_modifyitems(config, items):
    """With ``--no-cov`` there is no tracer to pause, and pytest-cov fails a ``no_cover`` test
    trying to (AttributeError on its missing controller): the marker is dropped then."""
    if config.getoption("no_cov", default=False):
        for item in items:
            item.own_markers = [marker for marker in item.own_markers if marker.name != "no_cover"]
