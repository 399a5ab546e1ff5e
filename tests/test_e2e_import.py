"""The history before the hooks: transcripts the real Claude Code CLI wrote (2.1.197 and 2.1.332,
against the fake API, no hooks), imported and shown by the real `claude-sessions`, checked
against ccusage 20.0.24 reading the same store."""

import hashlib
import json
import os
import subprocess
import sys

import pytest

from claude_cli import CLAUDE_CODE_OLD_VERSION, CLAUDE_CODE_VERSION, ccusage
from conftest import python_env
from transcript_history import PLANTED, SECRET, History

pytestmark = pytest.mark.e2e


def tree(folder) -> dict:
    """Every file under ``folder`` with a digest of its bytes."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def cli(history: History, *args, check=True, cwd=None):
    env = dict(python_env(), CLAUDE_CONFIG_DIR=str(history.config_dir))
    done = subprocess.run([sys.executable, "-m", "session_management", *args], capture_output=True, text=True, env=env, cwd=cwd or history.root, timeout=300)
    assert done.returncode == 0 or not check, done.stderr
    return json.loads(done.stdout) if "--json" in args else done


def tokens(row: dict) -> tuple:
    """Token counts of a usage row, ours or ccusage's."""
    if "inputTokens" in row:
        return row["inputTokens"], row["outputTokens"], row["cacheCreationTokens"], row["cacheReadTokens"]
    return row["input_tokens"], row["output_tokens"], row["cache_creation_input_tokens"], row["cache_read_input_tokens"]


@pytest.fixture(scope="module", params=[CLAUDE_CODE_OLD_VERSION, CLAUDE_CODE_VERSION])
def history(request, tmp_path_factory):
    """A pre-install history in two projects, then the hooks installed in one and a session resumed there."""
    written = History(tmp_path_factory.mktemp(f"history-{request.param}"), request.param).write()
    written.plain_before = tree(written.plain)
    written.resume_with_hooks()
    return written


@pytest.fixture
def imported(history, tmp_path, monkeypatch):
    """The history imported into a fresh data home (this test's HOME)."""
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(history.config_dir))
    summary = cli(history, "import", "--json")
    return summary


def test_every_session_once_with_ccusage_tokens_per_session_and_day(history, imported):
    """Each Claude Code session is listed once (the resumed one too: hook record and transcript as
    one), with exactly ccusage's tokens per session and per day."""
    theirs = ccusage(history.config_dir, "session")["sessions"]
    listed = cli(history, "list", "--all-projects", "--json")
    assert sorted(s["session_id"] for s in listed) == sorted(s["sessionId"] for s in theirs)
    ours = {row["session"]: tokens(row) for row in cli(history, "usage", "--all-projects", "--by", "session", "--json")["rows"]}
    assert ours == {s["sessionId"]: tokens(s) for s in theirs if any(tokens(s))}
    days = {row["day"]: tokens(row) for row in cli(history, "usage", "--all-projects", "--by", "day", "--json")["rows"]}
    assert days == {d["date"]: tokens(d) for d in ccusage(history.config_dir, "daily")["daily"]}
    resumed = next(s for s in listed if s["session_id"] == history.sessions["to_resume"])
    assert resumed["status"] == "archived" and resumed["prompts"] == 2 and resumed["tool_calls"] == 1  # before and after the install


def test_prompts_tools_and_failures_as_the_transcripts_hold_them(history, imported):
    """Typed prompts only (no slash-command echo, compaction summary or tool result); the failing
    tool a failure; the subagent's tool call attributed to it; the compaction recorded; the secret redacted."""
    stats = cli(history, "stats", "--all-projects", "--json")
    session = json.loads(cli(history, "export", history.sessions["compacted"], "-o", "-").stdout)
    prompts = [e["details"]["prompt"] for e in session["activity_log"] if e["action"] == "user_input"]
    assert prompts[0].startswith(f"remember {PLANTED} and my key [REDACTED")
    assert not any(p.startswith("<") or "continued from a previous conversation" in p for p in prompts)
    assert [e["details"]["tool_name"] for e in session["activity_log"] if e["action"] == "tool_failure"] == ["Bash"]
    assert stats["failures"] == 1 and stats["tools"]["Bash"]["failures"] == 1
    assert any(e["action"] == "compaction" for p in ("compacted", "fork") for e in json.loads(
        cli(history, "export", history.sessions[p], "-o", "-").stdout)["activity_log"])
    beta = json.loads(cli(history, "export", history.sessions["subagent"], "-o", "-").stdout)
    start = next(e["details"] for e in beta["activity_log"] if e["action"] == "subagent_start")
    assert start["agent_type"] == "general-purpose" and start["prompt"] == "count the files please"
    assert any(e["details"].get("agent_id") == start["agent_id"] for e in beta["activity_log"] if e["action"] == "tool_use")
    home = os.path.expanduser("~")
    assert not [p for p in _files(home) if SECRET.encode() in open(p, "rb").read()], "the planted key reached our files"


def _files(folder):
    return [os.path.join(d, n) for d, _, names in os.walk(folder) for n in names]


def test_show_says_what_an_imported_session_lacks(history, imported):
    """show names an imported session's origin; a combined one says how much came from the transcript."""
    alone = cli(history, "show", history.sessions["subagent"]).stdout
    assert "imported from Claude Code's transcript: no hooks recorded it" in alone
    both = cli(history, "show", history.sessions["to_resume"]).stdout
    assert "imported from Claude Code's transcript (from before the hooks recorded it)" in both


def test_list_inside_the_project_shows_its_imported_history(history, imported):
    """Inside the project with hooks, list shows its pre-install sessions with the hook-recorded one, each once."""
    listed = cli(history, "list", "--json", cwd=history.hooked)
    theirs = {s["sessionId"] for s in ccusage(history.config_dir, "session")["sessions"] if s["projectPath"].endswith("alpha-project")}
    assert sorted(s["session_id"] for s in listed) == sorted(theirs)
    assert {s["session_id"]: s["status"] for s in listed}[history.sessions["to_resume"]] == "archived"
    assert {s["status"] for s in listed} == {"archived", "imported"}


def test_search_finds_words_typed_before_the_install(history, imported):
    """A word planted in the first session, before any hook existed, is found across projects."""
    hits = cli(history, "search", PLANTED, "--all-projects", "--json")
    assert {hit["action"] for hit in hits} >= {"user_input", "assistant_message"}
    assert {hit["session_id"] for hit in hits} <= {history.sessions["compacted"], history.sessions["fork"]}


def test_the_project_without_hooks_is_untouched_and_a_second_import_changes_nothing(history, imported):
    """The import and every view leave the hookless project byte-for-byte as Claude Code left it;
    importing again reads nothing new and rewrites no file."""
    cli(history, "list", "--all-projects")
    cli(history, "stats", "--project", str(history.plain))
    assert tree(history.plain) == history.plain_before
    data_home = os.path.join(os.path.expanduser("~"), ".local", "share", "claude-session-tracker", "imported", "projects")
    before = {p: os.stat(p).st_mtime_ns for p in _files(data_home)}
    again = cli(history, "import", "--json")
    assert (again["sessions_new"], again["sessions_updated"], again["responses"]) == (0, 0, 0)
    assert again["files_unchanged"] == again["files"] == imported["files"]
    assert {p: os.stat(p).st_mtime_ns for p in _files(data_home)} == before


def test_a_deleted_transcript_keeps_its_session(history, imported, tmp_path):
    """After Claude Code cleans up a transcript, its session keeps its record, tokens and text."""
    import shutil

    copy = tmp_path / "store"
    shutil.copytree(history.config_dir, copy)
    before = {row["session"]: row for row in cli(history, "usage", "--all-projects", "--by", "session", "--json")["rows"]}
    for path in copy.glob(f"projects/*/{history.sessions['subagent']}*"):
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    env = dict(python_env(), CLAUDE_CONFIG_DIR=str(copy))
    done = subprocess.run([sys.executable, "-m", "session_management", "usage", "--all-projects", "--by", "session", "--json"],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    after = {row["session"]: row for row in json.loads(done.stdout)["rows"]}
    assert after == before
    hits = cli(history, "search", "Delegating", "--all-projects", "--json")
    assert [hit["session_id"] for hit in hits] == [history.sessions["subagent"]]


def test_usage_right_after_install_answers_for_the_whole_history(history, tmp_path, monkeypatch):
    """No explicit import: usage --all-projects brings the history in by itself."""
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(history.config_dir))
    totals = cli(history, "usage", "--all-projects", "--json")["totals"]
    assert tokens(totals) == tokens(ccusage(history.config_dir, "session")["totals"])
