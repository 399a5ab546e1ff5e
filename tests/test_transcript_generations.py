"""Every generation of Claude Code's transcripts (1.0.98, 1.0.108, 2.0.28, 2.0.76, 2.1.197, 2.1.332: the
same session typed into each release's real TUI, kept in tests/fixtures/transcripts/<version>, written
by its generate.py), imported by the real `claude-sessions import` and read back through `list`,
`show`, `stats`, `usage` and `export`, against ccusage 20.0.24 reading the same store."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from claude_cli import ccusage
from conftest import FIXTURES, python_env
from test_e2e_import import tokens

VERSIONS = ["1.0.98", "1.0.108", "2.0.28", "2.0.76", "2.1.197", "2.1.332"]
# What the person typed, in order (generate.py); `/compact` and `/exit` are run by Claude Code itself, not sent to Claude.
TYPED = ["/proofread 42", "run the check in the background", "wait for the long job", "tell me a long story", "thanks", "/init"]
AGENT_PROMPT = "Check change 42 for typos."  # the Task/Agent call the fake API made on /proofread 42
AGENT_SAID = ("echo reading change 42", "No typos in change 42.")  # the subagent's two responses


class Store:
    """One release's fixture store, copied, and a data home of its own to import it into."""

    def __init__(self, version: str, root: Path):
        self.version = version
        self.config_dir = root / "claude-config"
        shutil.copytree(FIXTURES / "transcripts" / version, self.config_dir)
        self.home = root / "home"
        self.home.mkdir()
        [self.session_id] = [p.stem for p in self.config_dir.glob("projects/*/*.jsonl") if not p.name.startswith("agent-")]

    def cli(self, *args):
        """``claude-sessions ARGS`` with this store as the Claude config dir; JSON parsed when asked for."""
        env = {k: v for k, v in python_env().items() if not k.startswith(("CLAUDE", "XDG_"))}
        env.update(HOME=str(self.home), CLAUDE_CONFIG_DIR=str(self.config_dir))
        done = subprocess.run([sys.executable, "-m", "session_management", *args], capture_output=True, text=True, env=env,
                              cwd=self.home, timeout=300)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout) if "--json" in args or "-o" in args else done.stdout

    def lines(self) -> list:
        """Every transcript line of the store, each with the file it is in."""
        return [(path, json.loads(line)) for path in sorted(self.config_dir.rglob("*.jsonl"))
                for line in path.read_text().splitlines() if line.strip()]


@pytest.fixture(scope="module", params=VERSIONS)
def store(request, tmp_path_factory):
    """The release's store imported once, with `claude-sessions import`."""
    store = Store(request.param, tmp_path_factory.mktemp(f"generation-{request.param}"))
    store.imported = store.cli("import", "--json")
    return store


def activity(store) -> list:
    return store.cli("export", store.session_id, "-o", "-")["activity_log"]


def usage_of(records) -> tuple:
    """Input, output, cache write, cache read of transcript lines, each response once (message id + request id)."""
    seen = {}
    for record in records:
        message = record.get("message") or {}
        if record.get("type") == "assistant" and message.get("usage") and message.get("model") != "<synthetic>":
            seen[message.get("id"), record.get("requestId")] = message["usage"]
    return tuple(sum(u.get(key) or 0 for u in seen.values()) for key in
                 ("input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"))


def said_by_the_subagent(record) -> bool:
    content = (record.get("message") or {}).get("content")
    return isinstance(content, list) and any(block.get("text") in AGENT_SAID or (block.get("input") or {}).get("command") in AGENT_SAID
                                             for block in content if isinstance(block, dict))


def test_one_session_with_the_prompts_as_typed(store):
    """`list` shows the session once with the 6 prompts the person typed, whatever the release wrote."""
    [listed] = store.cli("list", "--all-projects", "--json")
    assert listed["session_id"] == store.session_id
    assert listed["prompts"] == len(TYPED)


def test_prompts_are_what_the_person_typed_the_slash_command_with_its_arguments(store):
    """Each prompt is recorded as typed, the custom command as `/proofread 42`; no interrupt marker,
    task notice, command output, compaction summary or subagent task is a prompt."""
    prompts = [e["details"]["prompt"] for e in activity(store) if e["action"] == "user_input"]
    assert prompts == TYPED
    shown = store.cli("show", store.session_id)
    rows = [line.split("  prompt", 1)[1].strip() for line in shown.splitlines() if "  prompt  " in line]
    assert rows == [json.dumps(p) for p in TYPED]
    assert "[Request interrupted" not in "".join(rows)


def test_each_escape_is_an_interrupted_mark_on_its_turn(store):
    """Escape during the long tool call and during the slow reply: two interrupted marks, in that order,
    in the turns of the prompts they cut short, shown by `show`."""
    log = activity(store)
    marks = [(n, e) for n, e in enumerate(log) if e["action"] == "interrupted"]
    assert [e["details"].get("for_tool_use") for _, e in marks] == [True, False]
    for (n, _), prompt in zip(marks, ["wait for the long job", "tell me a long story"]):
        last_prompt = [e["details"]["prompt"] for e in log[:n] if e["action"] == "user_input"][-1]
        assert last_prompt == prompt
    assert store.cli("show", store.session_id).count("  interrupt  ") == 2


def test_the_subagent_is_the_sessions_subagent_with_its_own_tokens(store):
    """The Task/Agent call's subagent (in the main file in 1.0.x, beside it in 2.0.x, under subagents/
    in 2.1.x) is one subagent of the session, its task no prompt, its two responses its own in `usage --by agent`."""
    [start] = reviewer_starts(store)
    agent_id = start["agent_id"]
    rows = store.cli("usage", "--all-projects", "--by", "agent", "--json")["rows"]
    [theirs] = [row for row in rows if row["agent"].split(" ")[0] == agent_id]
    expected = usage_of(record for _, record in store.lines() if said_by_the_subagent(record))
    assert tokens(theirs) == expected and theirs["requests"] == 2
    [main] = [row for row in rows if row["agent"] == "main"]
    assert tokens(main) == usage_of(record for _, record in store.lines() if not record.get("isSidechain"))


def test_the_subagent_has_the_type_its_task_call_gave(store):
    """The subagent is recorded with the `subagent_type` of the Task/Agent call that started it
    (2.0.x's agent file does not name it: the call in the main file does), as `show` prints it."""
    [start] = reviewer_starts(store)
    assert start.get("agent_type") == "general-purpose"
    assert f"subagent   general-purpose started ({start['agent_id']})" in store.cli("show", store.session_id)


def reviewer_starts(store) -> list:
    """The subagent_start records of the subagent /proofread 42 started."""
    return [e["details"] for e in activity(store) if e["action"] == "subagent_start" and e["details"].get("prompt") == AGENT_PROMPT]


def test_tokens_per_session_and_per_day_equal_ccusage(store):
    """Per day our tokens are ccusage's; per session too, ccusage's `agent-<id>` sessions (2.0.x agent
    files) added to the session named inside their file, where we file them."""
    sessions = ccusage(store.config_dir, "session")["sessions"]
    owner = {}
    for path, record in store.lines():
        if path.name.startswith("agent-") and path.parent.name != "subagents":
            owner[path.stem] = record["sessionId"]
    expected = {}
    for row in sessions:
        session = owner.get(row["sessionId"], row["sessionId"])
        expected[session] = tuple(a + b for a, b in zip(expected.get(session, (0, 0, 0, 0)), tokens(row)))
    ours = {row["session"]: tokens(row) for row in store.cli("usage", "--all-projects", "--by", "session", "--json")["rows"]}
    assert ours == expected and list(ours) == [store.session_id]
    days = {row["day"]: tokens(row) for row in store.cli("usage", "--all-projects", "--by", "day", "--json")["rows"]}
    assert days == {d["date"]: tokens(d) for d in ccusage(store.config_dir, "daily")["daily"]}
    assert len(sessions) == 1 + len(owner)  # ccusage lists each 2.0.x agent file as a session (of our one)


def test_stats_count_one_session_its_typed_prompts_and_ccusages_tokens(store):
    """`stats` over the store: one session, 6 prompts, ccusage's total tokens."""
    stats = store.cli("stats", "--all-projects", "--json")
    assert (stats["sessions"], stats["prompts"]) == (1, len(TYPED))
    assert tokens(stats["usage"]) == tokens(ccusage(store.config_dir, "session")["totals"])
