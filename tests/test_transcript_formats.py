"""Every transcript format since Claude Code 1.0, read as a person used it (issue 26): prompts as
typed, a slash command as the command, an interrupt as a mark on its turn, subagents as subagents
in all three layouts, tokens as ccusage counts them; through `claude-sessions import`, `list`,
`show`, `stats` and `usage`, and through the hooks where they read the same thing."""

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import python_env
from transcript_shapes import S10, S20, S21, folder_of, write_store

from session_management.store import catalog, history

TOKENS = ("input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")


def cli(*args, cwd=None, env=None) -> str:
    done = subprocess.run([sys.executable, "-m", "session_management", *args], capture_output=True, text=True,
                          env={**python_env(), **(env or {})}, timeout=120, cwd=cwd)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def store(tmp_path):
    """``(transcript store, the work folder its projects ran in, what a person did per session)``."""
    work = tmp_path / "work"
    for name in ("one", "two", "three"):
        (work / name).mkdir(parents=True)
    config = tmp_path / "claude-config"
    return config, work, write_store(config, str(work))


def everywhere(config, *args) -> dict:
    return json.loads(cli(*args, "--all-projects", "--json", env={"CLAUDE_CONFIG_DIR": str(config)}))


def imported(session_id: str) -> dict:
    for folder in history.projects(catalog.home()).values():
        data = history.read(folder, session_id)
        if data:
            return data
    raise AssertionError(f"{session_id} not imported")


def records(session_id: str, action: str) -> list:
    return [e["details"] for e in imported(session_id)["activity_log"] if e["action"] == action]


def test_prompts_are_counted_as_the_person_typed_them(store):
    """`list` counts the prompts typed in each generation's session, slash commands included as the
    command with its arguments; interrupts, local command output, task notices, compaction summaries,
    isMeta and sidechain lines are not prompts, and a 2.0.x agent file is no session of its own."""
    config, _work, did = store
    listed = {s["session_id"]: s["prompts"] for s in everywhere(config, "list")}
    assert listed == {session_id: len(done["prompts"]) for session_id, done in did.items()}
    for session_id, done in did.items():
        assert [p["prompt"] for p in records(session_id, "user_input")] == done["prompts"]
    init, review = records(S10, "user_input")[1], records(S20, "user_input")[0]
    assert init["command"] == "/init" and init["expansion"].startswith("Please analyze this codebase") and "args" not in init
    assert (review["command"], review["args"]) == ("/review", "42") and review["expansion"].startswith("Review pull request 42")
    stats = everywhere(config, "stats")
    assert stats["prompts"] == sum(len(done["prompts"]) for done in did.values())


def test_an_interrupt_is_a_mark_on_its_turn_in_show_and_the_report(store):
    """Escape's "[Request interrupted by user]" is shown by `show` as an interrupt (while answering, or
    during a tool call), never as a prompt; the HTML report the dashboard shares draws it too."""
    config, work, did = store
    env = {"CLAUDE_CONFIG_DIR": str(config)}
    shown = cli("show", S10[:8], cwd=work / "one", env=env)
    assert "interrupt  interrupted by the person (Escape) while Claude answered" in shown
    assert "[Request interrupted" not in shown and "2 prompts" in shown
    assert "interrupted by the person (Escape) during a tool call" in cli("show", S20[:8], cwd=work / "two", env=env)
    assert [(m["for_tool_use"]) for m in records(S20, "interrupted")] == [True]
    html = cli("export", S10[:8], "--format", "html", cwd=work / "one", env=env)
    assert 'data-kind="interrupt"' in html and "while Claude answered" in html


def test_subagents_in_every_layout_are_that_session_s_subagents(store):
    """1.0.x sidechains in the main file, a 2.0.x agent file beside the sessions, and a 2.1.x subagent
    known only from progress copies: each session's subagents with their own prompts, types and
    tokens, in `usage --by agent`; the main agent keeps only its own responses."""
    config, _work, _did = store
    everywhere(config, "list")
    assert {(s.get("agent_type"), s["prompt"]) for s in records(S10, "subagent_start")} == {
        ("general-purpose", "find the parser files"), ("tester", "check the tests")}
    assert [(s["agent_id"], s["prompt"]) for s in records(S20, "subagent_start")] == [("7f3e9a1c", "read pull request 42")]
    sidechains = {s["agent_id"] for s in records(S10, "subagent_start")}
    assert {s["agent_id"] for s in records(S10, "subagent_stop")} == sidechains
    bash = next(t for t in records(S10, "tool_use") if t["tool_name"] == "Bash")
    assert bash["agent_id"] in sidechains
    rows = {row["agent"]: tuple(row[key] for key in TOKENS) for row in everywhere(config, "usage", "--by", "agent")["rows"]}
    first, second = sorted(sidechains)
    assert rows[f"{first} ({S10[:8]})"] == (8, 10, 0, 110) and rows[f"{second} ({S10[:8]})"] == (2, 3, 0, 40)
    assert rows[f"7f3e9a1c ({S20[:8]})"] == (19, 20, 0, 800)
    assert rows[f"a91b2c3d4e5f60718 ({S21[:8]})"] == (23, 24, 0, 1000)
    assert rows["main"] == (155, 174, 1500, 4500)


def test_tokens_equal_ccusage_per_day_and_per_session(store):
    """Per day, the tokens equal ccusage's daily report; per session too, but where ccusage lists the
    2.0.x agent file as a session of its own (ours: its session's subagent) and where its session
    report leaves out the responses found only in progress lines (its daily report counts them)."""
    from claude_cli import ccusage

    config, _work, _did = store
    ours = {row["session"]: tuple(row[key] for key in TOKENS) for row in everywhere(config, "usage", "--by", "session")["rows"]}
    theirs = {s["sessionId"]: (s["inputTokens"], s["outputTokens"], s["cacheCreationTokens"], s["cacheReadTokens"])
              for s in ccusage(config, "session")["sessions"]}
    agent = theirs.pop("agent-7f3e9a1c")
    theirs[S20] = tuple(a + b for a, b in zip(theirs[S20], agent))
    theirs[S21] = tuple(a + b for a, b in zip(theirs[S21], (23, 24, 0, 1000)))  # the progress-only response
    assert ours == theirs
    days = {row["day"]: tuple(row[key] for key in TOKENS) for row in everywhere(config, "usage", "--by", "day")["rows"]}
    assert days == {d["date"]: (d["inputTokens"], d["outputTokens"], d["cacheCreationTokens"], d["cacheReadTokens"]) for d in ccusage(config, "daily")["daily"]}


def test_a_history_imported_by_an_older_release_is_corrected_by_the_next_refresh(store):
    """Sessions imported under the previous state version (interrupts and sidechain prompts as
    prompts, the 2.0.x agent file as a session) are rebuilt by the next view's refresh on its own:
    the counts become right, the agent session goes, no response is counted twice."""
    config, _work, did = store
    right = everywhere(config, "usage", "--by", "session")["rows"]
    root = Path(history.root(catalog.home()))
    # What the import before this version wrote: the state's version 1, its listing, and its readings.
    with sqlite3.connect(root / "state.sqlite") as db:
        db.execute("PRAGMA user_version = 1")
    listing = root / "listing.txt"  # written only when no folder changed in the last seconds
    if listing.exists():
        listing.write_text(listing.read_text().replace("listing 2 ", "listing 1 ", 1))
    old = imported(S10)
    interrupt = next(e for e in old["activity_log"] if e["action"] == "interrupted")
    interrupt.update(action="user_input", details={"prompt": "[Request interrupted by user]", "uuid": interrupt["details"]["uuid"]})
    for entry in old["activity_log"]:
        if entry["action"] == "subagent_start":
            entry.update(action="user_input", details={"prompt": entry["details"]["prompt"], "uuid": "sidechain-" + entry["details"]["agent_id"]})
        entry.get("details", {}).pop("agent_id", None)
    folder = history.project_folder(catalog.home(), old["metadata"]["cwd"])
    Path(history.session_path(folder, S10)).write_text(json.dumps(old))
    mid = imported(S20)
    agent_log = [dict(e, details={k: v for k, v in e["details"].items() if k != "agent_id"}) for e in mid["activity_log"] if e["details"].get("agent_id")]
    agent_log = [dict(e, action="user_input", details={"prompt": e["details"]["prompt"], "uuid": "a1"}) if e["action"] == "subagent_start" else e
                 for e in agent_log if e["action"] != "subagent_stop"]
    mid["activity_log"] = [e for e in mid["activity_log"] if not e["details"].get("agent_id")]
    two = history.project_folder(catalog.home(), mid["metadata"]["cwd"])
    Path(history.session_path(two, S20)).write_text(json.dumps(mid))
    Path(history.session_path(two, "agent-7f3e9a1c")).write_text(json.dumps(dict(mid, session_id="agent-7f3e9a1c", activity_log=agent_log)))
    assert len(records(S10, "user_input")) == 5 and "agent-7f3e9a1c" in history.session_ids(two)  # as the older reading had it

    listed = {s["session_id"]: s["prompts"] for s in everywhere(config, "list")}
    assert listed == {session_id: len(done["prompts"]) for session_id, done in did.items()}
    assert everywhere(config, "usage", "--by", "session")["rows"] == right and "agent-7f3e9a1c" not in history.session_ids(two)
    assert len(records(S10, "subagent_start")) == 2 and records(S10, "interrupted")
    for session_id in did:
        keys = [(r["message_id"], r["request_id"]) for r in records(session_id, "assistant_message")]
        assert len(keys) == len(set(keys))
    with sqlite3.connect(root / "state.sqlite") as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 2
    again = json.loads(cli("import", "--config-dir", str(config), "--json"))
    assert (again["files_read"], again["sessions_new"], again["sessions_updated"]) == (0, 0, 0)
