"""The user-level projects catalog: a session start lists its project once; `projects` shows every
one with its sessions, and a moved or deleted one as missing, never as an error."""

import json
import os
import shutil
import subprocess
import sys

from conftest import HOOK_ENTRY
from session_management.store import catalog


def start_session(project, session_id, extra_env=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE_PROJECT", "COV_"))}
    env.update(CLAUDE_PROJECT_DIR=str(project), **(extra_env or {}))
    payload = {"session_id": session_id, "hook_event_name": "SessionStart", "source": "startup"}
    done = subprocess.run([sys.executable, "-I", "-S", str(HOOK_ENTRY), "SessionStart"], input=json.dumps(payload).encode(), capture_output=True, env=env)
    assert (done.returncode, done.stdout) == (0, b""), done.stderr


def run_cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "session_management", *map(str, args)], capture_output=True, text=True, env=env)


def test_session_starts_fill_the_catalog_once_per_project(tmp_path):
    """Two projects, three session starts: two catalog entries, under ~/.local/share by default."""
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir(), two.mkdir()
    start_session(one, "s1")
    start_session(one, "s2")
    start_session(two, "s3")
    folder = os.path.join(os.environ["HOME"], ".local", "share", "claude-session-tracker")
    assert catalog.home() == folder and sorted(catalog.read(folder)) == [str(one), str(two)]
    listed = json.loads(run_cli("projects", "--json").stdout)
    assert [(p["path"], p["sessions"], p["exists"]) for p in listed] == [(str(one), 2, True), (str(two), 1, True)]


def test_a_deleted_project_is_shown_missing(tmp_path):
    """A project removed from disk stays listed, marked missing; the command still succeeds."""
    gone = tmp_path / "gone"
    gone.mkdir()
    start_session(gone, "s1")
    shutil.rmtree(gone)
    done = run_cli("projects")
    assert done.returncode == 0 and f"{gone}  (missing)" in done.stdout


def test_the_catalog_location_follows_the_environment(tmp_path):
    """$CLAUDE_SESSION_TRACKER_HOME first, then $XDG_DATA_HOME; an unreadable catalog is set aside, not overwritten."""
    project = tmp_path / "p"
    project.mkdir()
    start_session(project, "s1", {"XDG_DATA_HOME": str(tmp_path / "xdg")})
    assert str(project) in catalog.read(str(tmp_path / "xdg" / "claude-session-tracker"))
    own = tmp_path / "own"
    own.mkdir()
    (own / "projects.json").write_text("{not json")
    start_session(project, "s2", {"CLAUDE_SESSION_TRACKER_HOME": str(own)})
    assert list(catalog.read(str(own))) == [str(project)]
    assert [p.name for p in own.glob("projects.json.*.corrupt")]


def test_no_catalog_yet_says_how_one_is_made(tmp_path):
    """projects with an empty catalog exits 1 with a hint."""
    done = run_cli("projects")
    assert done.returncode == 1 and done.stderr.startswith("nothing tracked yet") and "a project is added when a Claude Code session starts in it" in done.stderr
