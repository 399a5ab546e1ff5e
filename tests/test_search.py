"""Search across projects through the index: planted words are found wherever they are, entries
added later are found at the next search, and a corrupt or outdated index is rebuilt."""

import json
import os
import sqlite3
import subprocess
import sys

import pytest

from conftest import HOOK_ENTRY, REPO


def hook(project, name, session_id, **fields):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE_PROJECT", "COV_", "COVERAGE_"))}
    env["CLAUDE_PROJECT_DIR"] = str(project)
    payload = dict(fields, session_id=session_id, hook_event_name=name)
    done = subprocess.run([sys.executable, "-I", "-S", str(HOOK_ENTRY), name], input=json.dumps(payload).encode(), capture_output=True, env=env)
    assert done.returncode == 0, done.stderr


def cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "session_management", *map(str, args)], capture_output=True, text=True, cwd=cwd)


@pytest.fixture
def projects(tmp_path):
    """Two tracked projects; one archived session in each, a secret word planted in a tool output."""
    alpha, beta = tmp_path / "alpha", tmp_path / "beta"
    for project, sid, word in ((alpha, "a1", "the migration 0042_add_index ran"), (beta, "b1", "KeyError: 'flamingo' in parser")):
        project.mkdir()
        hook(project, "SessionStart", sid, source="startup")
        hook(project, "UserPromptSubmit", sid, prompt="please run the checks")
        hook(project, "PostToolUse", sid, tool_name="Bash", tool_input={"command": "make"}, tool_response={"stdout": word})
        hook(project, "Stop", sid)
    return alpha, beta


def test_search_finds_what_was_planted_in_any_project(projects):
    """--all-projects finds a word in either project; the default scope is the current project."""
    alpha, beta = projects
    hits = json.loads(cli("search", "flamingo", "--all-projects", "--json", cwd=alpha).stdout)
    assert [(h["project"], h["session_id"], h["action"], h["tool"], h["position"]) for h in hits] == [(str(beta), "b1", "tool_use", "Bash", 2)]
    assert "«flamingo»" in hits[0]["snippet"]
    assert cli("search", "flamingo", cwd=alpha).returncode == 1  # not in this project
    done = cli("search", "migration", cwd=alpha)
    assert done.returncode == 0 and "a1" in done.stdout and "«migration»" in done.stdout


def test_phrases_prefixes_filters_and_odd_input(projects):
    """"phrases", prefix*, --action/--tool filters, and text that is not FTS5 syntax all work."""
    alpha, _ = projects
    assert len(json.loads(cli("search", '"run the checks"', "--all-projects", "--json", cwd=alpha).stdout)) == 2
    assert len(json.loads(cli("search", "migrat*", "--all-projects", "--json", cwd=alpha).stdout)) == 1
    assert json.loads(cli("search", "checks", "--all-projects", "--action", "tool_use", "--json", cwd=alpha).stdout) == []
    assert len(json.loads(cli("search", "0042_add_index", "--all-projects", "--tool", "Bash", "--json", cwd=alpha).stdout)) == 1
    assert cli("search", "flamingo-parser", "--all-projects", cwd=alpha).returncode in (0, 1)  # no syntax error


def test_entries_added_after_indexing_are_found_and_unchanged_sessions_are_not_reread(projects):
    """The index is brought up to date before each search; index reports what it read."""
    alpha, _ = projects
    first = json.loads(cli("index", "--json", cwd=alpha).stdout)
    assert first["sessions_read"] == 2
    again = json.loads(cli("index", "--json", cwd=alpha).stdout)
    assert (again["sessions_read"], again["sessions_unchanged"]) == (0, 2)
    hook(alpha, "UserPromptSubmit", "a1", prompt="now look for the pelican")
    assert "pelican" in cli("search", "pelican", cwd=alpha).stdout
    assert json.loads(cli("index", "--json", cwd=alpha).stdout)["sessions_read"] == 0


def test_a_corrupt_or_outdated_index_is_set_aside_and_rebuilt(projects, tmp_path):
    """Garbage in place of the index, or an index of another schema version: rebuilt, search still answers."""
    alpha, _ = projects
    index = tmp_path / "home" / ".cache" / "claude-session-tracker" / "index.sqlite"
    index.parent.mkdir(parents=True, exist_ok=True)
    index.write_bytes(b"this is not a database" * 100)
    assert "migration" in cli("search", "migration", cwd=alpha).stdout
    assert list(index.parent.glob("index.sqlite.*.corrupt"))
    with sqlite3.connect(index) as db:
        db.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    assert "migration" in cli("search", "migration", cwd=alpha).stdout
    assert json.loads(cli("index", "--rebuild", "--json", cwd=alpha).stdout)["sessions_read"] == 2


def test_an_archived_session_is_found_and_listed_across_projects(projects):
    """A session ended (and so archived) is still searched, and list --all-projects shows it with its project."""
    alpha, beta = projects
    hook(alpha, "SessionEnd", "a1", reason="other")
    hits = json.loads(cli("search", "0042_add_index", "--all-projects", "--json", cwd=beta).stdout)
    assert [(h["project"], h["session_id"]) for h in hits] == [(str(alpha), "a1")]
    listed = cli("list", "--all-projects", cwd=beta).stdout.splitlines()
    assert listed[0].split()[:2] == ["PROJECT", "ID"]
    assert any(row.startswith(str(alpha)) and "(archived)" in row for row in listed[1:])
    assert any(row.startswith(str(beta)) and "a1" not in row for row in listed[1:])
    only_beta = json.loads(cli("list", "--project", str(beta), "--json", cwd=alpha).stdout)
    assert [(s["project"], s["session_id"]) for s in only_beta] == [(str(beta), "b1")]


def test_a_killed_indexer_leaves_a_usable_index_that_the_next_run_completes(tmp_path):
    """SIGKILL in the middle of a build: the index is intact, holds only whole sessions, and the next update reads the rest."""
    sys.path.insert(0, str(REPO / "bench"))
    import corpus
    from session_management.store import catalog

    project = tmp_path / "big"
    corpus.write_project(project, 1, sessions=400, entries=50, plant_rare=True)
    catalog.add(catalog.home(), str(project))
    index = tmp_path / "home" / ".cache" / "claude-session-tracker" / "index.sqlite"
    indexer = subprocess.Popen([sys.executable, "-m", "session_management", "index"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    committed = 0
    while committed < 20 and indexer.poll() is None:
        try:
            with sqlite3.connect(index, timeout=5) as db:
                committed = db.execute("SELECT count(*) FROM sessions").fetchone()[0]
        except sqlite3.OperationalError:
            pass  # not created yet
    indexer.kill()
    indexer.wait()
    with sqlite3.connect(index) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        committed = db.execute("SELECT count(*) FROM sessions").fetchone()[0]
        sizes = {count for (count,) in db.execute("SELECT count(*) FROM entries GROUP BY session")}
    assert 20 <= committed < 400 and sizes == {50}  # killed mid-build, and no session is half there
    done = json.loads(cli("index", "--json", cwd=project).stdout)
    assert (done["sessions_read"], done["sessions_unchanged"]) == (400 - committed, committed)
    hits = json.loads(cli("search", corpus.RARE, "--json", cwd=project).stdout)
    assert [(h["session_id"][:8], h["action"]) for h in hits] == [("00010399", "tool_use")]


def test_many_sessions_in_the_same_milliseconds_are_all_indexed(tmp_path):
    """1,100 sessions whose entries share their timestamps (more than the ids of one millisecond) are all indexed and found."""
    sys.path.insert(0, str(REPO / "bench"))
    from bench_cli import build_runtime
    from session_management.query.index import Index

    project = tmp_path / "crowded"
    build_runtime(project / ".claude" / "runtime", 1100, 20)
    index = Index(str(tmp_path / "index.sqlite"))
    try:
        assert index.update([str(project)])["entries_added"] == 1100 * 20
        assert len(index.search("thing", [str(project)], limit=5000)) == 1100 * 4  # each session's prompts
    finally:
        index.close()


def test_settled_registries_and_archives_are_trusted_yet_every_change_is_seen(tmp_path):
    """With a project's registry and archive folder seconds old, a live session's new event is still read, and so is an archive."""
    project = tmp_path / "settled"
    (project / ".claude").mkdir(parents=True)
    (project / ".claude" / "session-tracking.yaml").write_text("archive_on: session_end\n")  # sessions stay live across turns
    for sid in ("done", "live"):
        hook(project, "SessionStart", sid, source="startup")
        hook(project, "UserPromptSubmit", sid, prompt=f"first prompt of {sid}")
        hook(project, "Stop", sid)
    hook(project, "SessionEnd", "done", reason="other")
    sessions = project / ".claude" / "runtime" / "sessions"
    for path in (sessions / "registry.json", sessions / "archive"):
        os.utime(path, (os.stat(path).st_atime, os.stat(path).st_mtime - 60))
    assert json.loads(cli("index", "--json", cwd=project).stdout)["sessions_read"] == 2
    assert json.loads(cli("index", "--json", cwd=project).stdout)["sessions_unchanged"] == 2
    hook(project, "UserPromptSubmit", "live", prompt="the heron landed")  # only the live session's journal grows
    assert json.loads(cli("index", "--json", cwd=project).stdout)["sessions_read"] == 1
    assert [h["session_id"] for h in json.loads(cli("search", "heron", "--json", cwd=project).stdout)] == ["live"]
    hook(project, "SessionEnd", "live", reason="other")  # archived: the registry and the folder change
    assert json.loads(cli("index", "--json", cwd=project).stdout)["sessions_read"] == 1
    listed = json.loads(cli("list", "--project", str(project), "--json", cwd=project).stdout)
    assert {s["session_id"]: s["status"] for s in listed} == {"done": "archived", "live": "archived"}


def test_since_narrows_search_and_list_across_projects(projects):
    """--since keeps what happened after that moment, given as an age or as an ISO time with any offset."""
    alpha, _ = projects
    assert len(json.loads(cli("search", "checks", "--all-projects", "--since", "1h", "--json", cwd=alpha).stdout)) == 2
    assert json.loads(cli("search", "checks", "--all-projects", "--since", "2099-01-01T00:00+02:00", "--json", cwd=alpha).stdout) == []
    assert len(json.loads(cli("list", "--all-projects", "--since", "1h", "--json", cwd=alpha).stdout)) == 2
    assert len(cli("list", "--all-projects", "--since", "1h", cwd=alpha).stdout.splitlines()) == 3  # header and two rows
    done = cli("list", "--all-projects", "--since", "2099-01-01", cwd=alpha)
    assert done.returncode == 1 and "no sessions match" in done.stderr
