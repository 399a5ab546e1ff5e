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
    command with its arguments; a command the CLI runs itself (`/compact`: its output follows) is
    recorded apart; interrupts, local command output, task notices, compaction summaries, isMeta and
    sidechain lines are not prompts, and a 2.0.x agent file is no session of its own."""
    config, _work, did = store
    listed = {s["session_id"]: s["prompts"] for s in everywhere(config, "list")}
    assert listed == {session_id: len(done["prompts"]) for session_id, done in did.items()}
    for session_id, done in did.items():
        assert [p["prompt"] for p in records(session_id, "user_input")] == done["prompts"]
        assert [c["prompt"] for c in records(session_id, "local_command")] == done["local"]
    init, review = records(S10, "user_input")[1], records(S20, "user_input")[0]
    assert init["command"] == "/init" and init["expansion"].startswith("Please analyze this codebase") and "args" not in init
    assert (review["command"], review["args"]) == ("/review", "42") and review["expansion"].startswith("Review pull request 42")
    stats = everywhere(config, "stats")
    assert stats["prompts"] == sum(len(done["prompts"]) for done in did.values())


def test_an_interrupt_is_a_mark_on_its_turn_in_show_and_the_report(store):
    """Escape's "[Request interrupted by user]" is shown by `show` as an interrupt (while answering, or
    during a tool call), never as a prompt; the HTML report and the dashboard's session page draw it too."""
    config, work, did = store
    env = {"CLAUDE_CONFIG_DIR": str(config)}
    shown = cli("show", S10[:8], cwd=work / "one", env=env)
    assert "interrupt  interrupted by the person (Escape) while Claude answered" in shown
    assert "[Request interrupted" not in shown and "2 prompts" in shown
    assert "command    /compact  (run by Claude Code itself, not sent to Claude)" in shown
    assert [c["compact_summary"] for c in records(S10, "compaction")] == ["This session is being continued from a previous conversation."]
    assert "interrupted by the person (Escape) during a tool call" in cli("show", S20[:8], cwd=work / "two", env=env)
    assert [(m["for_tool_use"]) for m in records(S20, "interrupted")] == [True]
    html = cli("export", S10[:8], "--format", "html", cwd=work / "one", env=env)
    assert 'data-kind="interrupt"' in html and "while Claude answered" in html
    from starlette.testclient import TestClient

    from session_management.present.web.app import build_app
    from session_management.present.web.data import Data, project_key
    from session_management.present.web.guard import allowed_hosts

    projects = sorted(history.projects(catalog.home()))
    client = TestClient(build_app(Data(lambda: projects, str(work / "index.sqlite")), allowed_hosts("127.0.0.1", 8765), None),
                        base_url="http://127.0.0.1:8765")
    page = client.get(f"/session/{project_key(str(work / 'two'))}/{S20}").text
    assert 'data-kind="interrupt"' in page and "interrupted by the person (Escape) during a tool call" in page


def test_subagents_in_every_layout_are_that_session_s_subagents(store):
    """1.0.x sidechains in the main file, a 2.0.x agent file beside the sessions (typed by its Task
    call, though the file sorts first), and a 2.1.x subagent known only from progress copies: each
    session's subagents with their own prompts, types and tokens, in `usage --by agent`; the main
    agent keeps only its own responses."""
    config, _work, _did = store
    everywhere(config, "list")
    assert {(s.get("agent_type"), s["prompt"]) for s in records(S10, "subagent_start")} == {
        ("general-purpose", "find the parser files"), ("tester", "check the tests")}
    assert [(s["agent_id"], s["agent_type"], s["prompt"]) for s in records(S20, "subagent_start")] == [("7f3e9a1c", "reviewer", "read pull request 42")]
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


HOOK_SID = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"


def hook_event(name, transcript, **fields) -> dict:
    return {"session_id": HOOK_SID, "hook_event_name": name, "cwd": "/somewhere", "transcript_path": str(transcript), **fields}


def test_the_hooks_read_a_prompt_and_an_interrupt_as_the_import_does(tmp_path):
    """Through the real hook processes: a slash command is recorded as the command with its arguments,
    a background task's notice arriving as a prompt is no prompt, and Escape's interrupt line (which
    fires no hook) is harvested at the next turn end as the turn's mark, once; `show` and `list` agree."""
    from test_hooks import run_hook_process

    project = tmp_path / "proj"
    project.mkdir()
    transcript = tmp_path / "claude" / f"{HOOK_SID}.jsonl"
    shapes = __import__("transcript_shapes")
    lines = shapes.Transcript(HOOK_SID, "2.1.332", str(project))
    lines.command("/review", "42", expansion="Review pull request 42")
    lines.assistant("msg_h1", [shapes.text("Reviewing.")], shapes.usage(1, 2, 0, 30))
    lines.user([shapes.text("[Request interrupted by user]")])
    lines.write(transcript)
    run_hook_process("UserPromptSubmit", hook_event("UserPromptSubmit", transcript, prompt="/review 42"), project)
    run_hook_process("Stop", hook_event("Stop", transcript), project)
    notice = "<task-notification>\n<task-id>b7</task-id>\n<status>completed</status>\n</task-notification>"
    run_hook_process("UserPromptSubmit", hook_event("UserPromptSubmit", transcript, prompt=notice), project)
    run_hook_process("Stop", hook_event("Stop", transcript), project)
    runtime = ["--runtime-dir", str(project / ".claude" / "runtime")]
    data = json.loads(cli(*runtime, "show", HOOK_SID, "--json"))["session"]
    prompts = [e["details"] for e in data["activity_log"] if e["action"] == "user_input"]
    assert [(p["prompt"], p["command"], p["args"]) for p in prompts] == [("/review 42", "/review", "42")]
    assert [e["details"]["for_tool_use"] for e in data["activity_log"] if e["action"] == "interrupted"] == [False]
    assert [e["action"] for e in data["activity_log"]].count("task_notification") == 1
    shown = cli(*runtime, "show", HOOK_SID)
    assert "1 prompt ·" in shown and "interrupted by the person (Escape)" in shown and "a background task's notice (not typed)" in shown
    assert [s["prompts"] for s in json.loads(cli(*runtime, "list", "--json"))] == [1]


def test_a_synthetic_response_harvested_by_an_older_release_is_no_request(tmp_path):
    """A `<synthetic>` response an older harvest recorded is shown by `show` as Claude Code's own
    message, not an API request, and left out of the requests and of the running totals rebuilt for
    the status line."""
    from test_hooks import run_hook_process

    project = tmp_path / "proj"
    project.mkdir()
    transcript = tmp_path / f"{HOOK_SID}.jsonl"
    transcript.write_text("")
    run_hook_process("UserPromptSubmit", hook_event("UserPromptSubmit", transcript, prompt="hello"), project)
    sessions = project / ".claude" / "runtime" / "sessions"
    made_up = {"action": "assistant_message", "timestamp": "2026-12-03T13:30:00.000Z",
               "details": {"message_id": "0c6f1e2a", "request_id": None, "model": "<synthetic>", "stop_reason": "stop_sequence",
                           "text": "API Error: 429 rate_limit_error", "tool_use_ids": [], "usage": {"input_tokens": 0, "output_tokens": 0}}}
    real = {"action": "assistant_message", "timestamp": "2026-12-03T13:30:01.000Z",
            "details": {"message_id": "msg_r", "request_id": "req_r", "model": "claude-sonnet-4-5", "stop_reason": "end_turn",
                        "text": "Hello.", "tool_use_ids": [], "usage": {"input_tokens": 3, "output_tokens": 4}}}
    with open(sessions / f"session_{HOOK_SID}.journal", "a") as journal:
        journal.write("\n" + json.dumps(made_up) + "\n" + json.dumps(real) + "\n")
    run_hook_process("Stop", hook_event("Stop", transcript), project)  # folds the journal into the session file
    tally_file = project / ".claude" / "runtime" / "tallies" / f"{HOOK_SID}.json"
    tally_file.unlink()  # derived: the next turn end rebuilds it from the whole session
    run_hook_process("UserPromptSubmit", hook_event("UserPromptSubmit", transcript, prompt="again"), project)
    run_hook_process("Stop", hook_event("Stop", transcript), project)
    runtime = ["--runtime-dir", str(project / ".claude" / "runtime")]
    shown = cli(*runtime, "show", HOOK_SID)
    assert '"API Error: 429 rate_limit_error"  (written by Claude Code itself, not an API request)' in shown
    assert "1 requests" in shown or "1 request " in shown
    tally = json.loads(tally_file.read_text())
    assert {model: totals["requests"] for model, totals in tally["by_model"].items()} == {"claude-sonnet-4-5": 1}


def test_the_turn_end_harvest_files_a_1_0_sidechain_under_its_subagent(tmp_path):
    """A hooked 1.0.x session: the Stop hook harvests the sidechain responses of its main transcript
    as the subagents' (named as the import names them), the main agent's as its own; across two
    turns, a chain begun in the first is still its subagent's in the second."""
    from test_hooks import run_hook_process

    config, project = tmp_path / "config", tmp_path / "proj"
    project.mkdir()
    write_store(config, str(project))
    transcript = folder_of(config, str(project / "one")) / f"{S10}.jsonl"
    lines = transcript.read_text().splitlines(keepends=True)
    roots = [json.loads(line)["uuid"] for line in lines if '"isSidechain":true' in line and '"parentUuid":null' in line]
    cut = next(i for i, line in enumerate(lines) if "msg_10s2" in line)  # the first turn ends inside the first subagent's chain
    transcript.write_text("".join(lines[:cut]))
    stop = {"session_id": S10, "hook_event_name": "Stop", "cwd": str(project), "transcript_path": str(transcript)}
    run_hook_process("Stop", stop, project)
    transcript.write_text("".join(lines))
    run_hook_process("Stop", stop, project)
    data = json.loads(cli("--runtime-dir", str(project / ".claude" / "runtime"), "show", S10, "--json"))["session"]
    agents = {e["details"]["message_id"]: e["details"].get("agent_id") for e in data["activity_log"] if e["action"] == "assistant_message"}
    assert agents == {"msg_10a": None, "msg_10s1": roots[0], "msg_10s2": roots[0], "msg_10b": None, "msg_10s3": roots[1], "msg_10c": None, "msg_10d": None}
