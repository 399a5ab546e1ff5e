"""The real Claude Code CLI, driven against a fake API on 127.0.0.1, recording through our hooks.

These run under CI=true without exception; elsewhere they skip when npm is missing.
"""

import json
import os
import shutil
import subprocess
import sys
import time

import pytest

from claude_cli import CLAUDE_CODE_OLD_VERSION, CLAUDE_CODE_VERSION, REPO, ClaudeProject, claude_binary, install_hooks
from fake_api import FakeAnthropic, failure, text, tools

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="session")
def binary():
    return claude_binary()


@pytest.fixture
def run_claude(tmp_path, binary):
    """Start a fake API with a script and give back a project wired with the hooks."""
    servers = []

    def start(script, root=None, routes=None):
        api = FakeAnthropic(script, routes).__enter__()
        servers.append(api)
        return ClaudeProject(root or tmp_path, binary, api.url), api

    yield start
    for api in servers:
        api.__exit__(None, None, None)


def actions(session):
    return [entry["action"] for entry in session["activity_log"]]


def assert_one_archived_record(project, session_id, status="ended"):
    sessions = project.runtime / "sessions"
    assert [p.name for p in (sessions / "archive").glob("session_*.json")] == [f"session_{session_id}.json"]
    assert not list(sessions.glob("session_*.json")), "a live copy was left behind"
    registry = json.loads((sessions / "registry.json").read_text())["sessions"]
    assert list(registry) == [session_id] and registry[session_id]["status"] == "archived"
    archived = json.loads((sessions / "archive" / f"session_{session_id}.json").read_text())
    assert archived["status"] == status
    # what every scenario must also hold: the decision log and the session's own log were written,
    # no stored field is over the cap, and the CLI's API key never reached the disk
    assert decisions(project, f"archive session {session_id}"), "the archive decision was not logged"
    assert (project.runtime / "logs" / f"session_{session_id}.log").exists()
    cap = 16384 if not (project.dir / ".claude" / "session-tracking.yaml").exists() else 4096
    for entry in archived["activity_log"]:
        for key, value in entry["details"].items():
            assert len(json.dumps(value, ensure_ascii=False).encode()) <= cap, (entry["action"], key)
    assert "test-key-not-secret" not in project.runtime_text()
    return archived


def decisions(project, what_prefix):
    return [r for r in project.log_records() if r["event"] == "decision" and r["details"]["what"].startswith(what_prefix)]


def test_parallel_tool_calls_are_each_recorded_once(run_claude):
    """Three Bash calls in one message: three tool_use entries, one session record, archived and ended."""
    calls = [("Bash", {"command": f"echo call-{n}"}) for n in range(3)]
    project, _ = run_claude([tools(*calls), text("All three ran.")])
    result = project.run("run three commands", "--allowedTools", "Bash")
    session_id = result["session_id"]
    archived = assert_one_archived_record(project, session_id)
    assert actions(archived) == ["session_start", "user_input", "tool_use", "tool_use", "tool_use", "assistant_message", "assistant_message", "turn_end", "session_end"]
    tool_entries = [e["details"] for e in archived["activity_log"] if e["action"] == "tool_use"]
    assert sorted(d["tool_response"]["stdout"] for d in tool_entries) == ["call-0", "call-1", "call-2"]
    assert len({d["tool_use_id"] for d in tool_entries}) == 3
    assert all(isinstance(d["duration_ms"], int) for d in tool_entries if "duration_ms" in d)
    assert archived["activity_log"][1]["details"]["prompt"] == "run three commands"
    assert archived["metadata"]["source"] == "startup" and archived["metadata"]["end_reason"] == "other"
    assert archived["metadata"]["cwd"] == str(project.dir)
    assert decisions(project, "archive session"), "the archive decision was not logged"
    assert (project.runtime / "logs" / f"session_{session_id}.log").exists()


def test_failing_tools_are_recorded_as_failures(run_claude, tmp_path):
    """A non-zero Bash exit and a Read of a missing file become tool_failure entries with the error."""
    missing = str(tmp_path / "no-such-file.txt")
    script = [tools(("Bash", {"command": "echo partial; exit 3"})), tools(("Read", {"file_path": missing})), text("Both failed.")]
    project, _ = run_claude(script)
    result = project.run("try things", "--allowedTools", "Bash Read")
    archived = assert_one_archived_record(project, result["session_id"])
    failures = [e["details"] for e in archived["activity_log"] if e["action"] == "tool_failure"]
    assert [f["tool_name"] for f in failures] == ["Bash", "Read"]
    assert all(isinstance(f["error"], str) and f["error"] for f in failures)
    assert "3" in failures[0]["error"]
    assert not [e for e in archived["activity_log"] if e["action"] == "tool_use"]


def test_two_turns_in_one_process_make_one_record(run_claude):
    """Stop after turn one archives; the second prompt restores the same record and continues it."""
    script = [tools(("Bash", {"command": "echo first"})), text("First done."), tools(("Bash", {"command": "echo second"})), text("Second done.")]
    project, _ = run_claude(script)
    results = project.run_turns(["turn one", "turn two"], "--allowedTools", "Bash")
    session_id = results[0]["session_id"]
    assert results[1]["session_id"] == session_id
    archived = assert_one_archived_record(project, session_id)
    assert actions(archived) == [
        "session_start", "user_input", "tool_use", "assistant_message", "assistant_message", "turn_end",
        "user_input", "tool_use", "assistant_message", "assistant_message", "turn_end", "session_end",
    ]
    prompts = [e["details"]["prompt"] for e in archived["activity_log"] if e["action"] == "user_input"]
    assert prompts == ["turn one", "turn two"]
    outputs = [e["details"]["tool_response"]["stdout"] for e in archived["activity_log"] if e["action"] == "tool_use"]
    assert outputs == ["first", "second"]
    assert len(decisions(project, "archive session")) == 3  # two Stops and the SessionEnd
    assert decisions(project, "resume the session from the archive")
    assert_cli_reads(project, session_id)


def assert_cli_reads(project, session_id):
    """claude-sessions list, show, stats and export work on what the real CLI produced."""
    import sys

    def sessions_cli(*args):
        done = subprocess.run([sys.executable, "-m", "session_management", *args], cwd=project.dir, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert session_id[:8] in sessions_cli("list")
    shown = sessions_cli("show", session_id[:8])
    assert '"turn one"' in shown and '"turn two"' in shown and "Bash  echo first" in shown
    assert json.loads(sessions_cli("stats", "--json"))["tools"]["Bash"]["calls"] == 2
    assert "<svg" in sessions_cli("export", session_id, "--format", "html")


def test_resume_in_a_new_process_continues_the_record(run_claude):
    """`claude -p --resume ID` appends to the same session record."""
    script = [tools(("Bash", {"command": "echo before"})), text("Before."), tools(("Bash", {"command": "echo after"})), text("After.")]
    project, _ = run_claude(script)
    first = project.run("first run", "--allowedTools", "Bash")
    second = project.run("--resume", first["session_id"], "second run", "--allowedTools", "Bash")
    assert second["session_id"] == first["session_id"]
    archived = assert_one_archived_record(project, first["session_id"])
    starts = [e["details"].get("source") for e in archived["activity_log"] if e["action"] == "session_start"]
    assert starts[0] == "startup" and starts[-1] == "resume"
    prompts = [e["details"]["prompt"] for e in archived["activity_log"] if e["action"] == "user_input"]
    assert prompts == ["first run", "second run"]
    assert actions(archived).count("session_end") == 2


def test_subagent_is_recorded_with_its_tool_calls(run_claude):
    """An Agent call (a background subagent since 2.1.3xx) records subagent_start/stop and the
    subagent's own tool call with its agent_id, all in the one session record."""
    agent_input = {"description": "look around", "prompt": "run echo for me", "subagent_type": "general-purpose"}
    script = [tools(("Agent", agent_input)), text("Started it."), text("Main agent finished.")]
    routes = {"run echo for me": [tools(("Bash", {"command": "echo from-subagent"})), text("Subagent finished.")]}
    project, api = run_claude(script, routes=routes)
    result = project.run("delegate", "--allowedTools", "Bash Agent")
    archived = assert_one_archived_record(project, result["session_id"])
    log = archived["activity_log"]
    names = actions(archived)
    assert "subagent_start" in names and "subagent_stop" in names
    start = next(e["details"] for e in log if e["action"] == "subagent_start")
    assert start["agent_id"] and start["agent_type"]
    bash = next(e["details"] for e in log if e["action"] == "tool_use" and e["details"]["tool_name"] == "Bash")
    assert bash["agent_id"] == start["agent_id"] and bash["tool_response"]["stdout"] == "from-subagent"
    assert names.index("subagent_start") < names.index("subagent_stop")
    assert any(e["action"] == "tool_use" and e["details"]["tool_name"] == "Agent" for e in log)


def test_large_tool_output_is_capped(run_claude):
    """Megabytes of tool output are stored cut to the configured cap, with the original size noted."""
    script = [tools(("Bash", {"command": "seq 1 400000"})), text("Lots of numbers.")]
    project, _ = run_claude(script)
    (project.dir / ".claude" / "session-tracking.yaml").write_text("max_field_bytes: 4096\n")
    result = project.run("print many numbers", "--allowedTools", "Bash")
    archived = assert_one_archived_record(project, result["session_id"])
    entry = next(e["details"] for e in archived["activity_log"] if e["action"] == "tool_use")
    assert entry["_truncated"]["tool_response"]["original_bytes"] > 4096
    assert len(json.dumps(entry["tool_response"], ensure_ascii=False).encode()) <= 4096
    for e in archived["activity_log"]:
        for key, value in e["details"].items():
            assert len(json.dumps(value, ensure_ascii=False).encode()) <= 4096, (e["action"], key)


def test_secrets_in_a_prompt_never_reach_the_disk(run_claude):
    """Keys in a prompt and in tool output are redacted in session files, journals and logs (keys
    as random as real ones: one character repeated is a placeholder, kept on purpose)."""
    anthropic_key = "sk-ant-api03-" + "x7Qm2Rk9Lp4Tz8Wn3Vb6Yc1Hd5Jf0GsAe2Ku9Nq"
    aws_key = "AKIA" + "J7QX3M2ZK4P8W5RT"
    script = [tools(("Bash", {"command": f"echo token={aws_key}"})), text("Noted.")]
    project, _ = run_claude(script)
    result = project.run(f"my key is {anthropic_key}, keep it safe", "--allowedTools", "Bash")
    archived = assert_one_archived_record(project, result["session_id"])
    on_disk = project.runtime_text()
    assert anthropic_key not in on_disk and aws_key not in on_disk
    assert anthropic_key[13:33] not in on_disk and aws_key[4:] not in on_disk  # no part of either left
    prompt = archived["activity_log"][1]["details"]["prompt"]
    assert prompt == "my key is [REDACTED:anthropic-key], keep it safe"


def test_install_script_wires_a_real_project(tmp_path, binary):
    """./install.sh into a project with spaces in its path whose settings hold the user's own; the
    real CLI then records a session there."""
    project_dir = tmp_path / "fresh project"
    (project_dir / ".claude").mkdir(parents=True)
    (project_dir / ".claude" / "settings.json").write_text(json.dumps({"includeCoAuthoredBy": False, "env": {"FOO": "1"}}))
    venv = REPO / ".cache" / "hook-venv-e2e"
    env = dict(os.environ, CLAUDE_SESSION_TRACKER_VENV=str(venv))
    done = subprocess.run(["bash", str(REPO / "install.sh"), str(project_dir)], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert ".claude/runtime/" in (project_dir / ".gitignore").read_text()
    with FakeAnthropic([tools(("Bash", {"command": "echo installed"})), text("Works.")]) as api:
        project = ClaudeProject(tmp_path, binary, api.url, project_dir=project_dir)
        result = project.run("check the install", "--allowedTools", "Bash")
    archived = assert_one_archived_record(project, result["session_id"])
    assert [e["details"]["tool_response"]["stdout"] for e in archived["activity_log"] if e["action"] == "tool_use"] == ["installed"]


OTHER_TOOL = {"matcher": "Bash", "hooks": [{"type": "command", "command": 'cat >> "$CLAUDE_PROJECT_DIR/other-tool.jsonl"; echo >> "$CLAUDE_PROJECT_DIR/other-tool.jsonl"'}]}


@pytest.mark.parametrize("version", [CLAUDE_CODE_VERSION, CLAUDE_CODE_OLD_VERSION])
def test_install_into_settings_with_permissions_and_another_tools_hook(tmp_path, version):
    """`claude-sessions install` into settings holding only permissions and another tool's
    PostToolUse hook: the real CLI records the session, and the other tool's hook still runs."""
    binary = claude_binary(version)
    project_dir = tmp_path / "their project"
    (project_dir / ".claude").mkdir(parents=True)
    original = {"permissions": {"allow": ["Bash(echo:*)"]}, "hooks": {"PostToolUse": [OTHER_TOOL]}}
    (project_dir / ".claude" / "settings.json").write_text(json.dumps(original, indent=2))
    install_hooks(project_dir, binary)
    settings = json.loads((project_dir / ".claude" / "settings.json").read_text())
    assert settings["permissions"] == original["permissions"] and settings["hooks"]["PostToolUse"][0] == OTHER_TOOL
    with FakeAnthropic([tools(("Bash", {"command": "echo both-hooks"})), text("Works.")]) as api:
        project = ClaudeProject(tmp_path, binary, api.url, project_dir=project_dir)
        result = project.run("run echo", "--allowedTools", "Bash")
    archived = assert_one_archived_record(project, result["session_id"])
    assert [e["details"]["tool_response"]["stdout"] for e in archived["activity_log"] if e["action"] == "tool_use"] == ["both-hooks"]
    [theirs] = [json.loads(line) for line in (project_dir / "other-tool.jsonl").read_text().splitlines() if line.strip()]
    assert theirs["hook_event_name"] == "PostToolUse" and theirs["tool_input"]["command"] == "echo both-hooks"


def test_global_install_into_an_existing_home_settings_records_every_project(tmp_path, binary):
    """`claude-sessions install --global` into a ~/.claude/settings.json that already holds the
    user's settings: the real CLI records a session in a project with no settings of its own."""
    project_dir = tmp_path / "any project"
    project_dir.mkdir()
    with FakeAnthropic([tools(("Bash", {"command": "echo global"})), text("Works.")]) as api:
        project = ClaudeProject(tmp_path, binary, api.url, project_dir=project_dir)
        (project.home / ".claude").mkdir()
        theirs = {"model": "claude-sonnet-4-5", "permissions": {"defaultMode": "default"}, "feedbackSurveyState": {"lastShownTime": 1}}
        (project.home / ".claude" / "settings.json").write_text(json.dumps(theirs, indent=2))
        install_hooks(None, binary, home=project.home)
        result = project.run("run echo", "--allowedTools", "Bash")
    archived = assert_one_archived_record(project, result["session_id"])
    assert [e["details"]["tool_response"]["stdout"] for e in archived["activity_log"] if e["action"] == "tool_use"] == ["global"]
    assert not (project_dir / ".claude" / "settings.json").exists()


def test_tool_install_keeps_recording_after_the_checkout_is_gone(tmp_path, binary):
    """Installed from a copy of the checkout into its own venv (as pipx does), `claude-sessions install`
    wires a project; with the copy deleted, the real CLI still records there and doctor names the install."""
    source = tmp_path / "checkout copy"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(".git", ".venv*", ".cache", "node_modules", "__pycache__", "*.egg-info", "build"))
    tool = tmp_path / "tool venv"
    subprocess.run([sys.executable, "-m", "venv", str(tool)], check=True)
    pip = subprocess.run([str(tool / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(source)], capture_output=True, text=True, timeout=600)
    assert pip.returncode == 0, pip.stderr
    shutil.rmtree(source)
    project_dir = tmp_path / "tool project"
    project_dir.mkdir()
    done = subprocess.run([str(tool / "bin" / "claude-sessions"), "install", str(project_dir)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "site-packages" in (project_dir / ".claude" / "settings.json").read_text()
    with FakeAnthropic([tools(("Bash", {"command": "echo from-the-tool"})), text("Works.")]) as api:
        project = ClaudeProject(tmp_path, binary, api.url, project_dir=project_dir)
        result = project.run("check the tool install", "--allowedTools", "Bash")
    archived = assert_one_archived_record(project, result["session_id"])
    assert [e["details"]["tool_response"]["stdout"] for e in archived["activity_log"] if e["action"] == "tool_use"] == ["from-the-tool"]
    doctor = subprocess.run([str(tool / "bin" / "claude-sessions"), "doctor"], cwd=project_dir, capture_output=True, text=True, env=dict(os.environ, HOME=str(project.home)))
    assert doctor.returncode == 0, doctor.stdout
    assert f"hooks run {tool / 'bin' / 'python'} with the installed package in " in doctor.stdout


def test_plugin_records_a_session(run_claude):
    """Loaded with --plugin-dir and nothing else installed, the plugin builds its own environment and records."""
    project, _ = run_claude([tools(("Bash", {"command": "echo via-plugin"})), text("Plugin works.")])
    (project.dir / ".claude" / "settings.json").write_text("{}")  # no hooks but the plugin's
    result = project.run("use the plugin", "--allowedTools", "Bash", "--plugin-dir", str(REPO))
    archived = assert_one_archived_record(project, result["session_id"])
    assert [e["details"]["tool_response"]["stdout"] for e in archived["activity_log"] if e["action"] == "tool_use"] == ["via-plugin"]
    [data_dir] = (project.home / ".claude" / "plugins" / "data").iterdir()
    assert (data_dir / "venv" / "bin" / "python").exists(), (data_dir / "setup.log").read_text()


def wait_for(predicate, seconds=15.0):
    """Poll until ``predicate()`` is true: a hook may outlive the CLI run that started it."""
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_api_error_ends_the_turn_even_in_headless_mode(run_claude):
    """An HTTP 500 with retries off ends the turn: claude -p exits at once (sending the StopFailure
    hook SIGTERM), yet the record gets a stop_failure entry with the error, and is archived."""
    project, _ = run_claude([failure(500)])
    result = project.run("this will fail", check=False, env={"CLAUDE_CODE_MAX_RETRIES": "0"})
    assert result["is_error"] and result["api_error_status"] == 500
    archive = project.runtime / "sessions" / "archive" / f"session_{result['session_id']}.json"
    wait_for(lambda: archive.exists() and "stop_failure" in archive.read_text())
    wait_for(lambda: any(r["details"]["why"].startswith("StopFailure event") for r in decisions(project, "archive session")))
    archived = assert_one_archived_record(project, result["session_id"])
    [failed] = [e for e in archived["activity_log"] if e["action"] == "stop_failure"]
    assert failed["details"]["error"] == "server_error" and "API Error: 500" in failed["details"]["last_assistant_message"]


def test_permission_request_is_recorded_and_decides_nothing(run_claude):
    """A tool outside --allowedTools asks for permission: the request is recorded, and the tool is
    still refused, exactly as without our hook (-p cannot ask the user)."""
    project, _ = run_claude([tools(("Write", {"file_path": "written.txt", "content": "x"})), text("Could not write.")])
    result = project.run("write a file", "--allowedTools", "Bash")
    archived = assert_one_archived_record(project, result["session_id"])
    assert not (project.dir / "written.txt").exists()
    [request] = [e for e in archived["activity_log"] if e["action"] == "permission_request"]
    assert request["details"]["tool_name"] == "Write"


def test_events_new_to_the_current_release_are_recorded(run_claude):
    """A CLAUDE.md and a cd in Bash: InstructionsLoaded and CwdChanged arrive and are recorded."""
    project, _ = run_claude([tools(("Bash", {"command": "cd / && pwd"})), text("Moved.")])
    (project.dir / "CLAUDE.md").write_text("Be brief.\n")
    result = project.run("move", "--allowedTools", "Bash")
    archived = assert_one_archived_record(project, result["session_id"])
    [loaded] = [e for e in archived["activity_log"] if e["action"] == "instructions_loaded"]
    assert loaded["details"]["file_path"].endswith("CLAUDE.md")
    [moved] = [e for e in archived["activity_log"] if e["action"] == "cwd_changed"]
    assert moved["details"]["new_cwd"] == "/"


@pytest.mark.parametrize("version", [CLAUDE_CODE_OLD_VERSION, CLAUDE_CODE_VERSION])
def test_install_wires_only_the_events_the_cli_knows(tmp_path, version):
    """claude-sessions install asks the CLI its version and wires only events it knows (an older
    release warns about unknown ones at every interactive start); that CLI then records through them."""
    from session_management.capture.events import to_wire

    binary = claude_binary(version)
    project_dir = tmp_path / "versioned project"
    project_dir.mkdir()
    done = subprocess.run([sys.executable, "-m", "session_management", "install", "--claude", str(binary), str(project_dir)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    expected = to_wire(tuple(int(part) for part in version.split(".")), {})
    assert f"Claude Code {version} ({binary}): wiring {len(expected)} events" in done.stdout
    wired = json.loads((project_dir / ".claude" / "settings.json").read_text())["hooks"]
    assert list(wired) == expected
    assert ("PostModelSwitch" in wired) == (version == CLAUDE_CODE_VERSION)
    with FakeAnthropic([tools(("Bash", {"command": "echo versioned"})), text("Works.")]) as api:
        project = ClaudeProject(tmp_path, binary, api.url, project_dir=project_dir)
        result = project.run("check", "--allowedTools", "Bash")
    archived = assert_one_archived_record(project, result["session_id"])
    assert [e["details"]["tool_response"]["stdout"] for e in archived["activity_log"] if e["action"] == "tool_use"] == ["versioned"]


def usage(input_tokens, output_tokens, cache_write_5m=0, cache_write_1h=0, cache_read=0):
    """A realistic usage block as the API reports it, cache writes split by lifetime."""
    return {"input_tokens": input_tokens, "output_tokens": output_tokens, "cache_read_input_tokens": cache_read,
            "cache_creation_input_tokens": cache_write_5m + cache_write_1h,
            "cache_creation": {"ephemeral_5m_input_tokens": cache_write_5m, "ephemeral_1h_input_tokens": cache_write_1h}}


def token_totals(entries) -> dict:
    keys = ("input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")
    once = {(e["details"]["message_id"], e["details"]["request_id"]): e["details"]["usage"] for e in entries if e["action"] == "assistant_message"}
    return {key: sum(u.get(key, 0) for u in once.values()) for key in keys} | {"requests": len(once)}


def ccusage_totals(project) -> dict:
    from claude_cli import ccusage_command

    env = dict(project.env(), CLAUDE_CONFIG_DIR=str(project.home / ".claude"))
    done = subprocess.run([*ccusage_command(), "session", "--json", "--offline"], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    totals = json.loads(done.stdout)["totals"]
    return {"input_tokens": totals["inputTokens"], "output_tokens": totals["outputTokens"],
            "cache_creation_input_tokens": totals["cacheCreationTokens"], "cache_read_input_tokens": totals["cacheReadTokens"]}


def test_recorded_tokens_equal_ccusage_and_subagents_get_theirs(run_claude):
    """Two models, cache writes and reads, a background subagent, then a --resume turn: the record's
    responses carry exactly the tokens ccusage counts in the same transcripts, each response once,
    the subagent's attributed to it, and the resumed turn adds only its own."""
    agent_input = {"description": "count", "prompt": "count the files please", "subagent_type": "general-purpose"}
    script = [
        tools(("Agent", agent_input), say="Delegating.", usage=usage(4, 120, cache_write_5m=9000, cache_write_1h=2500)),
        text("Started the count.", usage=usage(6, 40, cache_read=11500)),
        text("There are two files.", usage=usage(3, 55, cache_write_5m=300, cache_read=11500), model="claude-haiku-4-5"),
        text("Resumed: still two.", usage=usage(8, 30, cache_read=11800)),
    ]
    routes = {"count the files please": [tools(("Bash", {"command": "ls | wc -l"}), usage=usage(12, 64, cache_write_1h=4000)),
                                         text("2", usage=usage(2, 9, cache_read=4000))]}
    project, _ = run_claude(script, routes=routes)
    first = project.run("how many files?", "--allowedTools", "Bash Agent")
    session_id = first["session_id"]
    archived = assert_one_archived_record(project, session_id)
    ours = token_totals(archived["activity_log"])
    assert ours["requests"] == 5
    assert {k: v for k, v in ours.items() if k != "requests"} == ccusage_totals(project)
    by_agent = token_totals([e for e in archived["activity_log"] if e["details"].get("agent_id")])
    assert (by_agent["requests"], by_agent["output_tokens"], by_agent["cache_creation_input_tokens"]) == (2, 73, 4000)
    models = {e["details"]["model"] for e in archived["activity_log"] if e["action"] == "assistant_message"}
    assert "claude-haiku-4-5" in models and len(models) == 2
    split = [e["details"]["usage"].get("cache_creation") for e in archived["activity_log"] if e["action"] == "assistant_message"]
    assert {"ephemeral_5m_input_tokens": 9000, "ephemeral_1h_input_tokens": 2500} in split
    project.run("--resume", session_id, "and now?", "--allowedTools", "Bash Agent")
    resumed = assert_one_archived_record(project, session_id)
    switches = [e["details"] for e in resumed["activity_log"] if e["action"] == "post_model_switch"]
    assert switches and resumed["metadata"]["model"] == switches[-1]["to_model"]  # --resume restored another model
    again = token_totals(resumed["activity_log"])
    assert again["requests"] == 6 and again["output_tokens"] == ours["output_tokens"] + 30
    assert {k: v for k, v in again.items() if k != "requests"} == ccusage_totals(project)


def test_doctor_notices_an_upgrade_that_brings_more_events(tmp_path):
    """Wired for 2.1.197, then Claude Code upgraded: doctor names the events a re-install would add;
    re-installed, it is content."""
    old, new = claude_binary(CLAUDE_CODE_OLD_VERSION), claude_binary(CLAUDE_CODE_VERSION)
    project_dir = tmp_path / "upgraded"
    project_dir.mkdir()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "claude").symlink_to(new)
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}", HOME=str(tmp_path))
    cli = [sys.executable, "-m", "session_management"]
    assert subprocess.run([*cli, "install", "--claude", str(old), str(project_dir)], capture_output=True, env=env).returncode == 0
    doctor = subprocess.run([*cli, "doctor"], cwd=project_dir, capture_output=True, text=True, env=env)
    assert doctor.returncode == 1
    assert f"hooks wired for 22 of the 24 events to record with Claude Code {CLAUDE_CODE_VERSION}" in doctor.stdout
    assert "missing PostModelSwitch, DirectoryAdded" in doctor.stdout
    assert subprocess.run([*cli, "install", str(project_dir)], capture_output=True, env=env).returncode == 0
    doctor = subprocess.run([*cli, "doctor"], cwd=project_dir, capture_output=True, text=True, env=env)
    assert doctor.returncode == 0, doctor.stdout


def test_slash_commands_denials_and_compaction_are_recorded(run_claude):
    """A custom slash command (UserPromptExpansion), a tool refused in auto mode (PermissionDenied:
    the tool still does not run), and /compact (PreCompact, then PostCompact with its summary)."""
    project, _ = run_claude([text("hello there")])
    (project.dir / ".claude" / "commands").mkdir()
    (project.dir / ".claude" / "commands" / "hello.md").write_text("Say hello to $ARGUMENTS.\n")
    expanded = project.run("/hello world")
    [entry] = [e for e in project.session(expanded["session_id"])["activity_log"] if e["action"] == "user_prompt_expansion"]
    assert (entry["details"]["command_name"], entry["details"]["command_args"]) == ("hello", "world")

    outside = project.dir.parent / "outside-the-project.txt"  # auto mode sends such a write to its classifier
    project, _ = run_claude([tools(("Write", {"file_path": str(outside), "content": "x"})), text("It was refused.")], root=project.dir.parent / "auto")
    refused = project.run("write it", "--permission-mode", "auto", check=False)
    [entry] = [e for e in project.session(refused["session_id"])["activity_log"] if e["action"] == "permission_denied"]
    assert entry["details"]["tool_name"] == "Write" and entry["details"]["reason"]
    assert not outside.exists()

    project, _ = run_claude([text("first answer"), text("The conversation so far, summarised.")], root=project.dir.parent / "compact")
    results = project.run_turns(["first", "/compact"])
    recorded = project.session(results[0]["session_id"])["activity_log"]
    names = [e["action"] for e in recorded]
    assert names.index("compaction") < names.index("post_compact")
    [summary] = [e["details"] for e in recorded if e["action"] == "post_compact"]
    assert summary["trigger"] == "manual" and summary["compact_summary"]
