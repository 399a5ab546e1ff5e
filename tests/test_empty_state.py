"""Every command where a new user stands: nothing tracked yet (an empty catalog), a project with no
session yet, an index with nothing in it. Run through the real entry point (``python -m
session_management``): no traceback, one plain line, exit 1 (0 with ``--json``, which prints the
empty result)."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from dashboard_home import free_port

NOTHING_TRACKED = "nothing tracked yet"


def run(*args, cwd):
    """``claude-sessions ARGS`` in a fresh process; (exit code, stdout, stderr)."""
    done = subprocess.run([sys.executable, "-m", "session_management", *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, done.stdout, done.stderr


@pytest.fixture
def outside(tmp_path):
    """A folder in no tracked project, with an empty catalog: right after ``install --global``."""
    folder = tmp_path / "somewhere"
    folder.mkdir()
    return folder


@pytest.fixture
def empty_project(tmp_path):
    """A project wired by ``claude-sessions install`` before its first session: a runtime folder, no session."""
    project = tmp_path / "fresh"
    (project / ".claude" / "runtime").mkdir(parents=True)
    return project


@pytest.mark.parametrize("command", [("list", "--all-projects"), ("usage", "--all-projects"), ("stats", "--all-projects"),
                                     ("search", "anything", "--all-projects"), ("projects",)])
def test_an_empty_catalog_says_nothing_is_tracked_yet(outside, command):
    """Before any session, list/usage/stats/search across projects and projects say "nothing tracked yet" and exit 1."""
    code, out, err = run(*command, cwd=outside)
    assert (code, out) == (1, "")
    assert err.startswith(NOTHING_TRACKED) and len(err.splitlines()) == 1


def test_an_empty_catalog_gives_empty_json(outside):
    """With --json, the same commands print the empty result and exit 0."""
    for command, empty in ((("list",), []), (("search", "anything"), []), (("projects",), [])):
        code, out, _ = run(*command, *(("--all-projects",) if command[0] != "projects" else ()), "--json", cwd=outside)
        assert (code, json.loads(out)) == (0, empty)
    code, out, _ = run("usage", "--all-projects", "--json", cwd=outside)
    usage = json.loads(out)
    assert code == 0 and usage["rows"] == [] and usage["totals"]["requests"] == 0 and usage["by_model"] == {}
    code, out, _ = run("stats", "--all-projects", "--json", cwd=outside)
    stats = json.loads(out)
    assert code == 0 and (stats["sessions"], stats["tools"], stats["projects"], stats["prompts_per_session"]) == (0, {}, {}, 0.0)


def test_an_empty_catalog_has_nothing_to_export_or_index(outside):
    """export --otlp across projects has nothing to send (exit 0, as "nothing new"), index builds an empty index."""
    code, out, _ = run("export", "--otlp", "--all", "--all-projects", "--endpoint", "http://127.0.0.1:9", cwd=outside)
    assert code == 0 and out.startswith("nothing to send") and NOTHING_TRACKED in out
    code, out, _ = run("index", "--json", cwd=outside)
    assert code == 0 and (json.loads(out)["projects"], json.loads(out)["sessions_read"]) == (0, 0)


@pytest.mark.parametrize("command", [("list",), ("stats",), ("usage",), ("search", "x"), ("tail", "--timeout", "1"),
                                     ("cleanup",), ("export", "--otlp", "--all")])
def test_outside_a_project_one_line_says_where_to_run(outside, command):
    """Commands about the current project, run outside any, say in one line that there is none here (exit 1)."""
    code, out, err = run(*command, cwd=outside)
    assert (code, out) == (1, "")
    assert "no .claude/runtime found" in err and len(err.splitlines()) == 1


@pytest.mark.parametrize("command", [("show", "abc"), ("export", "abc")])
def test_outside_a_project_an_unknown_id_is_one_line(outside, command):
    """show and export of an id, outside any project, look in the imported history and say in one line that no session matches (exit 1)."""
    code, out, err = run(*command, cwd=outside)
    assert (code, out) == (1, "")
    assert err == "claude-sessions: no session matches 'abc'\n"


@pytest.mark.parametrize("command, message", [
    (("list",), "no sessions recorded in"), (("stats",), "no sessions recorded in"), (("usage",), "no token usage recorded in"),
    (("search", "anything"), "nothing matches"), (("show", "abc"), "no session matches"), (("export", "abc"), "no session matches"),
    (("tail", "--timeout", "1"), "no active session"), (("cleanup",), "nothing to clean up"),
    (("list", "--project", "."), "no sessions recorded in"), (("stats", "--project", "."), "no sessions recorded in"),
])
def test_a_project_with_no_session_yet_says_so(empty_project, command, message):
    """In a project wired but not used yet, every command answers in one line and exits 1."""
    code, out, err = run(*command, cwd=empty_project)
    assert code == 1
    assert message in out + err and len((out + err).splitlines()) == 1


def test_a_project_with_no_session_yet_gives_empty_json(empty_project):
    """--json in that project: list and search give [], stats and usage zeros, all exit 0; export --otlp sends nothing."""
    assert run("list", "--json", cwd=empty_project)[:2] == (0, "[]\n")
    assert run("search", "x", "--json", cwd=empty_project)[:2] == (0, "[]\n")
    code, out, _ = run("stats", "--json", cwd=empty_project)
    assert code == 0 and json.loads(out)["sessions"] == 0 and "projects" not in json.loads(out)
    code, out, _ = run("usage", "--json", cwd=empty_project)
    assert code == 0 and json.loads(out)["rows"] == []
    code, out, _ = run("export", "--otlp", "--all", "--endpoint", "http://127.0.0.1:9", cwd=empty_project)
    assert code == 0 and out.startswith("nothing new to send")


@pytest.fixture
def installed_project(tmp_path):
    """A project right after ``claude-sessions install`` and before any session: hooks in its
    settings, no ``.claude/runtime`` yet."""
    project = tmp_path / "installed"
    project.mkdir()
    assert run("install", project, cwd=tmp_path)[0] == 0
    assert not (project / ".claude" / "runtime").exists()
    return project


def test_right_after_install_the_project_is_tracked_with_no_session(installed_project):
    """Right after install, list says the project is tracked and has no session yet (exit 1), --json gives [] (exit 0), doctor passes."""
    code, out, err = run("list", cwd=installed_project)
    assert (code, out) == (1, "") and len(err.splitlines()) == 1
    assert err.startswith(f"no sessions recorded in {installed_project} yet (it is tracked") and "no .claude/runtime" not in err
    assert run("list", "--json", cwd=installed_project)[:2] == (0, "[]\n")
    assert run("list", "--json", cwd=installed_project / ".claude")[:2] == (0, "[]\n")  # from a folder inside it too
    code, out, _ = run("doctor", cwd=installed_project)
    assert code == 0 and "FAIL" not in out
    assert not (installed_project / ".claude" / "runtime").exists()  # looking wrote nothing


def test_tail_and_cleanup_right_after_install_say_the_project_is_tracked(installed_project):
    """tail and cleanup in a project installed but not used yet say, in the views' one line, that it
    is tracked with no session (exit 1), not that no .claude/runtime was found, and write nothing."""
    for command in ("tail", "cleanup"):
        code, out, err = run(command, cwd=installed_project)
        assert (code, out) == (1, "") and len(err.splitlines()) == 1, command
        assert err.startswith(f"claude-sessions: no sessions recorded in {installed_project} yet (it is tracked"), err
    assert not (installed_project / ".claude" / "runtime").exists()


def test_an_empty_index_and_a_catalog_of_empty_or_missing_projects(empty_project, outside):
    """A zero-byte index file and a catalog whose projects have no session (or are gone) answer like an empty project."""
    from session_management.store import catalog

    folder = catalog.home()
    catalog.add(folder, str(empty_project))
    catalog.add(folder, str(empty_project.parent / "deleted-since"))
    cache = Path(os.environ["HOME"]) / ".cache" / "claude-session-tracker"
    cache.mkdir(parents=True)
    (cache / "index.sqlite").write_bytes(b"")
    code, _, err = run("list", "--all-projects", cwd=outside)
    assert code == 1 and err.startswith(f"no sessions recorded in {empty_project} yet") and len(err.splitlines()) == 1
    code, _, err = run("search", "anything", "--all-projects", cwd=outside)
    assert code == 1 and err == "nothing matches 'anything'\n"
    code, out, _ = run("projects", "--json", cwd=outside)
    assert code == 0 and [(p["sessions"], p["exists"]) for p in json.loads(out)] == [(0, False), (0, True)]


def test_serve_on_an_empty_catalog_says_nothing_is_tracked_yet(outside):
    """serve --all-projects with nothing tracked starts, and its pages answer 200 and say so, with no error."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "session_management", "serve", "--all-projects", "--port", str(port)],
                              cwd=outside, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        pages = {}
        while not pages:
            assert server.poll() is None and time.monotonic() < deadline, server.communicate()
            try:
                for path in ("/", "/search?q=anything", "/usage"):
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
                        pages[path] = (response.status, response.read().decode())
            except OSError:
                time.sleep(0.2)
        assert {path: status for path, (status, _) in pages.items()} == {"/": 200, "/search?q=anything": 200, "/usage": 200}
        assert "Nothing tracked yet" in pages["/"][1]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        _, err = server.communicate(timeout=30)
    assert "Traceback" not in err
