"""Search across projects through the index: planted words are found wherever they are, entries
added later are found at the next search, and a corrupt or outdated index is rebuilt."""

import json
import os
import sqlite3
import subprocess
import sys

import pytest

from conftest import HOOK_ENTRY, REPO
from session_management.query.index import SCHEMA_VERSION


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


@pytest.mark.no_cover  # 22,000 entries indexed in this process: traced, it takes 2.5 times as long
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


def test_a_search_with_nothing_new_writes_nothing_to_the_index(projects):
    """Settled projects with nothing new: a search only reads the index (its file is left as it was)."""
    alpha, beta = projects
    for project in projects:
        sessions = project / ".claude" / "runtime" / "sessions"
        for path in (sessions / "registry.json", sessions / "archive"):
            os.utime(path, (os.stat(path).st_atime, os.stat(path).st_mtime - 60))
    assert json.loads(cli("index", "--json", cwd=alpha).stdout)["sessions_read"] == 2
    index = alpha.parent / "home" / ".cache" / "claude-session-tracker" / "index.sqlite"
    before = (index.read_bytes(), os.stat(index).st_mtime_ns)
    assert "«flamingo»" in cli("search", "flamingo", "--all-projects", cwd=alpha).stdout
    assert json.loads(cli("index", "--json", cwd=alpha).stdout)["sessions_unchanged"] == 2
    assert (index.read_bytes(), os.stat(index).st_mtime_ns) == before


def test_since_narrows_search_and_list_across_projects(projects):
    """--since keeps what happened after that moment, given as an age or as an ISO time with any offset."""
    alpha, _ = projects
    assert len(json.loads(cli("search", "checks", "--all-projects", "--since", "1h", "--json", cwd=alpha).stdout)) == 2
    assert json.loads(cli("search", "checks", "--all-projects", "--since", "2099-01-01T00:00+02:00", "--json", cwd=alpha).stdout) == []
    assert len(json.loads(cli("list", "--all-projects", "--since", "1h", "--json", cwd=alpha).stdout)) == 2
    assert len(cli("list", "--all-projects", "--since", "1h", cwd=alpha).stdout.splitlines()) == 3  # header and two rows
    done = cli("list", "--all-projects", "--since", "2099-01-01", cwd=alpha)
    assert done.returncode == 1 and "no sessions match" in done.stderr


WRITTEN = "import yaml\n\ndef parse_config_v2(path):\n    user = getUserById(42)\n    return yaml.safe_load(open(path))\n"


@pytest.fixture
def planted(tmp_path):
    """One project whose session holds words at the start, middle and end of lines in a prompt, a
    Bash output, a file written with Write, a failure's error and an answer; and Japanese text."""
    project = tmp_path / "planted"
    project.mkdir()
    hook(project, "SessionStart", "p1", source="startup")
    hook(project, "UserPromptSubmit", "p1", prompt="startword please find the middleword in the repo endword")
    hook(project, "PostToolUse", "p1", tool_name="Bash", tool_input={"command": "ls && git commit --no-verify -m wip"},
         tool_response={"stdout": "README.md\nsrc\nquuxalpha\ntests", "stderr": "", "interrupted": False})
    hook(project, "PostToolUse", "p1", tool_name="Write", tool_input={"file_path": str(project / "src/app/main.py"), "content": WRITTEN},
         tool_response={"type": "create", "filePath": str(project / "src/app/main.py")})
    hook(project, "PostToolUseFailure", "p1", tool_name="Bash", tool_input={"command": "python -m app"},
         error="Traceback (most recent call last):\nModuleNotFoundError: No module named 'yaml'\nexit status 1")
    hook(project, "UserPromptSubmit", "p1", prompt="東京都の天気予報を調べてください")
    hook(project, "Stop", "p1", last_assistant_message="I fixed it.\nThe answerword is in main.py now\nDone.")
    return project


def search_json(project, *query, **options):
    flags = [f"--{key.replace('_', '-')}={value}" for key, value in options.items()]
    done = cli("search", *flags, "--json", "--", *query, cwd=project)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("query, action, snippet", [
    ("startword", "user_input", "«startword» please find the middleword in the repo endword"),
    ("middleword", "user_input", "startword please find the «middleword» in the repo endword"),
    ("endword", "user_input", "startword please find the middleword in the repo «endword»"),
    ("README", "tool_use", "ls && git commit --no-verify -m wip\n«README».md\nsrc"),
    ("quuxalpha", "tool_use", "src\n«quuxalpha»\ntests"),
    ("src", "tool_use", "README.md\n«src»\nquuxalpha"),
    ("tests", "tool_use", "quuxalpha\n«tests»"),
    ("import", "tool_use", "«import» yaml\n"),
    ("parse_config_v2", "tool_use", "\ndef «parse_config_v2»(path):\n    user = getUserById(42)"),
    ("safe_load(open(path))", "tool_use", "    user = getUserById(42)\n    return yaml.«safe_load(open(path))»"),
    ("answerword", "turn_end", "I fixed it.\nThe «answerword» is in main.py now\nDone."),
])
def test_words_anywhere_in_what_was_recorded_are_found_with_the_text_around_them(planted, query, action, snippet):
    """A word at the start, middle or end of a line of a prompt, a tool's output, a file written
    with Write, or an answer is found, its snippet the text as seen (no JSON) with its neighbours."""
    hits = [hit for hit in search_json(planted, query) if snippet in hit["snippet"]]
    assert [hit["action"] for hit in hits] == [action]
    assert '\\n' not in hits[0]["snippet"] and '{"' not in hits[0]["snippet"]


@pytest.mark.parametrize("query, action, marked", [
    ("parse_config", "tool_use", "def «parse_config»_v2(path):"),
    ("getUserById", "tool_use", "user = «getUserById»(42)"),
    ("UserBy", "tool_use", "user = get«UserBy»Id(42)"),
    ("src/app/main.py", "tool_use", "/«src/app/main.py»"),
    ("main.py", "turn_end", "The answerword is in «main.py» now"),
    ("ModuleNotFoundError: No module named 'yaml'", "tool_failure", "«ModuleNotFoundError:» «No» «module» «named» «'yaml'»"),
    ("--no-verify", "tool_use", "ls && git commit «--no-verify» -m wip"),
    ("no-verify", "tool_use", "ls && git commit --«no-verify» -m wip"),
    ("天気予報", "user_input", "東京都の«天気予報»を調べてください"),
    ("天気", "user_input", "東京都の«天気»予報を調べてください"),
    ("東京都", "user_input", "«東京都»の天気予報を調べてください"),
])
def test_identifiers_paths_errors_flags_and_japanese_are_found_by_a_part(planted, query, action, marked):
    """Parts of identifiers, paths and file names, error text, flags and Japanese text written
    without spaces are found; the snippet marks the part that matched."""
    hits = search_json(planted, query)
    assert action in [hit["action"] for hit in hits]
    assert any(marked in hit["snippet"] for hit in hits), [hit["snippet"] for hit in hits]


def test_a_query_starting_with_a_dash_goes_after_a_double_dash_and_help_says_so(planted):
    """search -- --no-verify finds the flag; without -- it is a usage error; --help shows the way and the default order."""
    done = cli("search", "--", "--no-verify", cwd=planted)
    assert done.returncode == 0 and "«--no-verify»" in done.stdout
    assert cli("search", "--no-verify", cwd=planted).returncode == 2
    helped = cli("search", "--help", cwd=planted).stdout
    assert "claude-sessions search -- --no-verify" in helped and "newest first by default" in " ".join(helped.lower().split())
    assert cli("search", "--", "--", cwd=planted).returncode == 2  # punctuation alone: nothing to search for


def test_short_words_match_whole_words_and_prefixes(planted):
    """A term under three characters matches a whole word (or a prefix with *), not the inside of others."""
    assert [h["action"] for h in search_json(planted, "ls")] == ["tool_use"]  # "ls && git …", not "tools"/"calls"
    assert search_json(planted, "rc") == []  # inside "src" only
    assert {h["action"] for h in search_json(planted, "wi*")} == {"tool_use"}  # "wip"


def test_relevance_puts_the_session_that_mentions_a_word_most_first(tmp_path):
    """--sort relevance ranks by BM25: the session whose output says the word most comes first,
    though another mentioned it last; newest first is the default."""
    project = tmp_path / "ranked"
    project.mkdir()
    for sid, stdout in (("many", "pelican pelican pelican\nthe pelican again\nand a pelican"), ("once", "one pelican among many other words here")):
        hook(project, "SessionStart", sid, source="startup")
        hook(project, "PostToolUse", sid, tool_name="Bash", tool_input={"command": "birds"}, tool_response={"stdout": stdout})
        hook(project, "Stop", sid)
    assert [h["session_id"] for h in search_json(project, "pelican")] == ["once", "many"]
    assert [h["session_id"] for h in search_json(project, "pelican", sort="relevance")] == ["many", "once"]
    assert cli("search", "pelican", "--sort", "oldest", cwd=project).returncode == 2


V2_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE sessions (id INTEGER PRIMARY KEY, project TEXT NOT NULL, session_id TEXT NOT NULL, fingerprint TEXT, entries INTEGER,
    status TEXT, session_status TEXT, created_at TEXT, last_activity TEXT, duration_seconds REAL, events INTEGER, prompts INTEGER,
    tool_calls INTEGER, failures INTEGER, subagents INTEGER, turns INTEGER, cwd TEXT, model TEXT, UNIQUE (project, session_id));
CREATE TABLE summaries (session INTEGER PRIMARY KEY, summary TEXT);
CREATE TABLE usage (session INTEGER NOT NULL, model TEXT, requests INTEGER, input INTEGER, output INTEGER,
    cache_write_5m INTEGER, cache_write_1h INTEGER, cache_read INTEGER);
CREATE TABLE folders (path TEXT PRIMARY KEY, mtime_ns INTEGER);
CREATE TABLE entries (id INTEGER PRIMARY KEY, session INTEGER NOT NULL, position INTEGER, timestamp TEXT, action TEXT, tool TEXT, text TEXT);
CREATE VIRTUAL TABLE entries_text USING fts5(text, content = 'entries', content_rowid = 'id', tokenize = 'unicode61');
INSERT INTO meta VALUES ('schema_version', '2');
"""


def test_an_index_of_schema_2_is_rebuilt_on_first_use_with_a_word_of_it(planted, tmp_path):
    """An index left by the previous version (schema 2: tool output stored as JSON, words glued
    to \\n escapes) is rebuilt by the first search, which says so and answers; nothing set aside."""
    folder = tmp_path / "home" / ".cache" / "claude-session-tracker"
    folder.mkdir(parents=True, exist_ok=True)  # the hooks keep today's spend there too
    with sqlite3.connect(folder / "index.sqlite") as db:
        db.executescript(V2_SCHEMA)
        db.execute("INSERT INTO sessions (id, project, session_id, fingerprint, status) VALUES (1, ?, 'p1', 'old', 'archived')", (str(planted),))
        db.execute("INSERT INTO entries VALUES (1, 1, 2, '2026-01-01T00:00:00.000Z', 'tool_use', 'Bash', ?)",
                   ('tool_use\nBash\n{"stdout": "README.md\\nsrc\\nquuxalpha\\ntests"}',))
        db.execute("INSERT INTO entries_text (rowid, text) SELECT id, text FROM entries")
    done = cli("search", "quuxalpha", cwd=planted)
    assert done.returncode == 0 and "«quuxalpha»" in done.stdout
    assert "rebuilding the search index" in done.stderr and f"schema 2 to {SCHEMA_VERSION}" in done.stderr
    with sqlite3.connect(folder / "index.sqlite") as db:
        assert db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (str(SCHEMA_VERSION),)
    assert not list(folder.glob("*.corrupt"))
    again = cli("search", "quuxalpha", cwd=planted)
    assert again.returncode == 0 and again.stderr == ""


@pytest.mark.parametrize("argv", [
    ["search", "word"], ["search", "two", "words", "--all-projects"], ["search", "--json", "--limit", "5", "--", "--no-verify"],
    ["search", "--sort=relevance", "--project", "x", "--since", "2h", "--action", "tool_use", "--tool", "Bash", "w"],
    ["search", "--runtime-dir", "r", "w"], ["search", "--limit=7", "w", "--json"],
    ["usage"], ["usage", "--all-projects"], ["usage", "--by", "model", "--json", "--since", "1w", "--project", "x"], ["usage", "--by=week", "--runtime-dir", "r"],
    ["list"], ["list", "--all-projects"], ["list", "--project", "x", "--status", "archived", "--since=2h", "--limit", "3", "--json"],
    ["list", "--runtime-dir", "r", "--status=imported"], ["import"], ["import", "--json"],
])
def test_the_quick_reading_of_a_plain_line_agrees_with_argparse(argv):
    """A plain search, usage, list or import line, read without argparse (for a quick start), gives what argparse gives."""
    from session_management.present import cli as cli_module

    quick = vars(cli_module.quick_args(argv))
    full = vars(cli_module.build_parser().parse_args(argv))
    assert set(full) <= set(quick)
    assert quick == {key: full.get(key) for key in quick}  # argparse sets no runtime_dir when it is not given


@pytest.mark.parametrize("argv", [["search"], ["search", "-h"], ["search", "--help", "x"], ["search", "--limit", "x", "w"],
                                  ["search", "--sort", "oldest", "w"], ["search", "--json=1", "w"], ["search", "--bogus", "w"], ["show", "x"],
                                  ["usage", "--by", "year"], ["usage", "extra"], ["usage", "--all"], ["usage", "-h"], ["usage", "--since"],
                                  ["list", "x"], ["list", "--status", "gone"], ["list", "--limit"], ["list", "--all"], ["list", "--help"],
                                  ["import", "--dry-run"], ["import", "--since", "1d"], ["import", "x"], ["import", "--json=1"],
                                  ["list", "--limit", "0"], ["search", "--limit=-2", "w"]])
def test_anything_but_a_plain_line_is_left_to_argparse(argv):
    """Help, mistakes and other commands are not read quickly, so argparse answers them as always."""
    from session_management.present import cli as cli_module

    assert cli_module.quick_args(argv) is None


def test_a_match_in_a_long_line_is_shown_with_the_text_around_it_cut(tmp_path):
    """A word deep in a long line (minified output) is shown with about 160 characters around it, cut with …."""
    project = tmp_path / "long"
    project.mkdir()
    line = "x" * 500 + " needlework " + "y" * 500
    hook(project, "SessionStart", "l1", source="startup")
    hook(project, "PostToolUse", "l1", tool_name="Read", tool_input={"file_path": "/app.min.js"}, tool_response={"file": {"content": line}})
    hook(project, "Stop", "l1")
    (hit,) = search_json(project, "needlework")
    shown = hit["snippet"].split("\n")[-1]
    assert shown.startswith("…x") and shown.endswith("y…") and "«needlework»" in shown and len(shown) < 200
