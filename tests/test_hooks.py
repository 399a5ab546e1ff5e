"""The hook scripts, run as Claude Code runs them: a fresh `python -I -S` process, event JSON on stdin."""

import json
import logging
import os
import subprocess
import sys
import time

import pytest

from conftest import HOOK_ENTRY, REPO, read_json

LEGACY_SCRIPTS = {  # what install.sh wired before 0.2; such settings must keep working
    "SessionStart": "session_start.py",
    "UserPromptSubmit": "user_prompt_submit.py",
    "PostToolUse": "post_tool_use.py",
    "PostToolUseFailure": "post_tool_use_failure.py",
    "SubagentStart": "subagent_start.py",
    "SubagentStop": "subagent_stop.py",
    "PreCompact": "pre_compact.py",
    "Stop": "stop.py",
    "SessionEnd": "session_end.py",
}
SID = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"


def run_hook_process(event, payload, project, stdin_bytes=None, extra_env=None):
    """Run one hook script the way Claude Code does; assert it exits 0 and prints nothing."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE", "COV_"))}
    if project is not None:
        env["CLAUDE_PROJECT_DIR"] = str(project)
    env.update(extra_env or {})
    data = stdin_bytes if stdin_bytes is not None else json.dumps(payload).encode()
    result = subprocess.run(
        [sys.executable, "-I", "-S", str(HOOK_ENTRY), event], input=data, capture_output=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == b"", "a hook printed to stdout, which Claude Code would feed to the model"
    return result


@pytest.fixture(params=["process", "in-process"])
def hook(request, capfd):
    """Each test runs through the real script in a fresh process, and through the dispatcher in-process."""
    if request.param == "process":
        yield run_hook_process
        return
    from session_management.capture import dispatch as _dispatch

    def run_in_process(event, payload, project, stdin_bytes=None, extra_env=None):
        env = {"CLAUDE_PROJECT_DIR": str(project)} if project is not None else {}
        env.update(extra_env or {})
        data = stdin_bytes if stdin_bytes is not None else json.dumps(payload).encode()
        _dispatch.handle(event, data, env)
        out, err = capfd.readouterr()
        assert out == "", "the dispatcher printed to stdout"
        return subprocess.CompletedProcess([event], 0, b"", err.encode())

    yield run_in_process
    logging.getLogger("session_management").handlers.clear()


def event(name, **fields):
    return {"session_id": SID, "hook_event_name": name, "cwd": "/somewhere", "transcript_path": "/t.jsonl", **fields}


def session(project):
    from session_management import SessionManager

    return SessionManager(str(project / ".claude" / "runtime" / "sessions")).get_session(SID)


def log_records(project):
    path = project / ".claude" / "runtime" / "logs" / "toolkit.log"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


@pytest.fixture
def project(tmp_path):
    path = tmp_path / "proj"
    path.mkdir()
    return path


def test_a_whole_session_through_every_hook(hook, project):
    """Every event becomes its own action, in order, with the fields a user needs."""
    hook("SessionStart", event("SessionStart", source="startup", model="claude-x"), project)
    hook("UserPromptSubmit", event("UserPromptSubmit", prompt="fix the bug"), project)
    hook("PostToolUse", event("PostToolUse", tool_name="Bash", tool_input={"command": "ls"}, tool_response={"stdout": "a"}, tool_use_id="t1", duration_ms=7), project)
    hook("PostToolUseFailure", event("PostToolUseFailure", tool_name="Read", tool_input={"file_path": "/x"}, tool_use_id="t2", error="File does not exist."), project)
    hook("SubagentStart", event("SubagentStart", agent_id="a1", agent_type="Explore"), project)
    hook("PostToolUse", event("PostToolUse", tool_name="Grep", tool_input={}, tool_response={}, tool_use_id="t3", agent_id="a1"), project)
    hook("SubagentStop", event("SubagentStop", agent_id="a1", agent_type="Explore"), project)
    hook("PreCompact", event("PreCompact", trigger="manual", custom_instructions=""), project)
    hook("Stop", event("Stop", stop_hook_active=False, last_assistant_message="Fixed."), project)
    hook("SessionEnd", event("SessionEnd", reason="prompt_input_exit"), project)
    recorded = session(project)
    assert [e["action"] for e in recorded.activity_log] == [
        "session_start", "user_input", "tool_use", "tool_failure", "subagent_start", "tool_use",
        "subagent_stop", "local_command", "compaction", "turn_end", "session_end",
    ]
    details = [e["details"] for e in recorded.activity_log]
    assert details[1]["prompt"] == "fix the bug"
    assert details[2]["tool_name"] == "Bash" and details[2]["duration_ms"] == 7 and details[2]["tool_response"] == {"stdout": "a"}
    assert details[3]["error"] == "File does not exist."
    assert details[5]["agent_id"] == "a1"
    assert details[7] == {"prompt": "/compact", "command": "/compact"}  # a manual compaction was typed: not a prompt
    assert details[9]["last_assistant_message"] == "Fixed."
    assert recorded.status == "ended"
    assert recorded.metadata["model"] == "claude-x" and recorded.metadata["end_reason"] == "prompt_input_exit"
    assert recorded.metadata["transcript_path"] == "/t.jsonl"
    archive = project / ".claude" / "runtime" / "sessions" / "archive" / f"session_{SID}.json"
    assert read_json(archive)["activity_log"] == recorded.activity_log


def test_settings_from_earlier_installs_keep_recording(project):
    """Each per-event script that install.sh wired before 0.2 still records its event, silently."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE", "COV_"))}
    env["CLAUDE_PROJECT_DIR"] = str(project)
    for name, script in LEGACY_SCRIPTS.items():
        result = subprocess.run([sys.executable, "-I", "-S", str(REPO / "hooks" / script)], input=json.dumps(event(name)).encode(), capture_output=True, env=env, timeout=60)
        assert (result.returncode, result.stdout) == (0, b""), result.stderr
    assert [e["action"] for e in session(project).activity_log] == [
        "session_start", "user_input", "tool_use", "tool_failure", "subagent_start", "subagent_stop", "compaction", "turn_end", "session_end",
    ]


def test_a_typed_compact_with_instructions_is_a_local_command_and_an_automatic_one_is_not(hook, project):
    """`/compact keep the tests` (PreCompact, manual) is recorded as that command with its arguments,
    not a prompt; a compaction Claude Code started itself records no command."""
    hook("PreCompact", event("PreCompact", trigger="manual", custom_instructions="keep the tests"), project)
    hook("PreCompact", event("PreCompact", trigger="auto", custom_instructions=None), project)
    log = session(project).activity_log
    assert [e["action"] for e in log] == ["local_command", "compaction", "compaction"]
    assert log[0]["details"] == {"prompt": "/compact keep the tests", "command": "/compact", "args": "keep the tests"}


def test_the_event_name_falls_back_to_the_payload(project):
    """A hook command that lost its event argument still records the event the payload names."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE", "COV_"))}
    env["CLAUDE_PROJECT_DIR"] = str(project)
    result = subprocess.run([sys.executable, "-I", "-S", str(HOOK_ENTRY)], input=json.dumps(event("UserPromptSubmit", prompt="hi")).encode(), capture_output=True, env=env, timeout=60)
    assert (result.returncode, result.stdout) == (0, b""), result.stderr
    assert [(e["action"], e["details"]["prompt"]) for e in session(project).activity_log] == [("user_input", "hi")]


def test_stop_archives_and_the_next_prompt_restores(hook, project):
    """Stop archives the session as paused; the next prompt brings the same record back, active."""
    hook("SessionStart", event("SessionStart", source="startup"), project)
    hook("UserPromptSubmit", event("UserPromptSubmit", prompt="one"), project)
    hook("Stop", event("Stop"), project)
    sessions = project / ".claude" / "runtime" / "sessions"
    assert read_json(sessions / "archive" / f"session_{SID}.json")["status"] == "paused"
    hook("UserPromptSubmit", event("UserPromptSubmit", prompt="two"), project)
    assert (sessions / f"session_{SID}.json").exists()
    recorded = session(project)
    assert recorded.status == "active"
    assert [e["details"].get("prompt") for e in recorded.activity_log if e["action"] == "user_input"] == ["one", "two"]
    whats = [r["details"]["what"] for r in log_records(project) if r["event"] == "decision"]
    assert whats == [f"archive session {SID}", "resume the session from the archive"]


def test_every_event_of_current_claude_code_is_recorded(hook, project):
    """Each of the 34 events becomes an entry named after it (the nine 0.1 names kept), with its fields;
    an event from a future release is recorded the same way, not dropped."""
    from session_management.capture.events import ALL_EVENTS

    names = [name for name in ALL_EVENTS if name not in ("SessionStart", "Stop", "StopFailure", "SessionEnd")] + ["FancyNewEvent"]
    hook("SessionStart", event("SessionStart", source="startup"), project)
    for name in names:
        hook(name, event(name, marker=name), project)
    recorded = session(project).activity_log[1:]
    assert [e["details"]["marker"] for e in recorded] == names
    actions = dict(zip(names, (e["action"] for e in recorded)))
    assert actions["PostToolUse"] == "tool_use" and actions["PreCompact"] == "compaction" and actions["UserPromptSubmit"] == "user_input"
    assert actions["PermissionRequest"] == "permission_request" and actions["PostCompact"] == "post_compact"
    assert actions["UserPromptExpansion"] == "user_prompt_expansion" and actions["FancyNewEvent"] == "fancy_new_event"


def test_stop_failure_ends_the_turn_like_stop(hook, project):
    """An API error that ends the turn is recorded with its error, and the session is paused and archived."""
    hook("UserPromptSubmit", event("UserPromptSubmit", prompt="one"), project)
    hook("StopFailure", event("StopFailure", error="server_error", last_assistant_message="API Error: 500"), project)
    archived = read_json(project / ".claude" / "runtime" / "sessions" / "archive" / f"session_{SID}.json")
    assert archived["status"] == "paused"
    assert [(e["action"], e["details"].get("error")) for e in archived["activity_log"]] == [("user_input", None), ("stop_failure", "server_error")]
    whats = [(r["details"]["what"], r["details"]["why"]) for r in log_records(project) if r["event"] == "decision"][-1]
    assert whats == (f"archive session {SID}", "StopFailure event (an API error ended the turn; archive_on: stop)")


def test_model_switch_keeps_the_current_model(hook, project):
    """PostModelSwitch records the switch and makes its to_model the session's model."""
    hook("SessionStart", event("SessionStart", source="startup", model="claude-sonnet-4-5"), project)
    hook("PostModelSwitch", event("PostModelSwitch", from_model="claude-sonnet-4-5", to_model="claude-opus-4-1", source="user"), project)
    recorded = session(project)
    assert recorded.metadata["model"] == "claude-opus-4-1"
    assert recorded.activity_log[-1]["action"] == "post_model_switch" and recorded.activity_log[-1]["details"]["from_model"] == "claude-sonnet-4-5"


def test_archive_on_session_end_keeps_the_session_live(hook, project):
    """With archive_on: session_end, Stop only records the turn end."""
    (project / ".claude").mkdir()
    (project / ".claude" / "session-tracking.yaml").write_text("archive_on: session_end\n")
    hook("UserPromptSubmit", event("UserPromptSubmit", prompt="one"), project)
    hook("Stop", event("Stop"), project)
    assert (project / ".claude" / "runtime" / "sessions" / f"session_{SID}.json").exists()
    assert session(project).status == "active"
    hook("SessionEnd", event("SessionEnd", reason="other"), project)
    assert session(project).status == "ended"
    assert (project / ".claude" / "runtime" / "sessions" / "archive" / f"session_{SID}.json").exists()


def test_events_before_session_start_create_the_session(hook, project):
    """Tracking installed mid-session: the first tool event creates the record, and says so in the log."""
    hook("PostToolUse", event("PostToolUse", tool_name="Bash", tool_input={}, tool_response={}), project)
    assert [e["action"] for e in session(project).activity_log] == ["tool_use"]
    assert any(r["details"].get("what") == "create the session" for r in log_records(project))


def test_repeated_session_start_is_recorded_once(hook, project):
    """A second, back-to-back SessionStart (as some releases send on --resume) is skipped, and the skip logged."""
    hook("SessionStart", event("SessionStart", source="startup"), project)
    hook("Stop", event("Stop"), project)
    hook("SessionStart", event("SessionStart", source="resume"), project)
    hook("SessionStart", event("SessionStart", source="resume"), project)
    hook("UserPromptSubmit", event("UserPromptSubmit", prompt="again"), project)
    hook("SessionStart", event("SessionStart", source="resume"), project)
    recorded = session(project)
    assert [e["action"] for e in recorded.activity_log] == ["session_start", "turn_end", "session_start", "user_input", "session_start"]
    assert len(list((project / ".claude" / "runtime" / "sessions").glob("session_*.json"))) == 1
    whats = [r["details"]["what"] for r in log_records(project) if r["event"] == "decision"]
    assert whats.count("skip the repeated SessionStart") == 1


def test_project_dir_falls_back_to_the_event_cwd(hook, tmp_path):
    """Without CLAUDE_PROJECT_DIR the event's cwd is the project."""
    hook("UserPromptSubmit", {"session_id": SID, "cwd": str(tmp_path), "prompt": "hi"}, None)
    assert (tmp_path / ".claude" / "runtime" / "sessions" / f"session_{SID}.json").exists()


@pytest.mark.parametrize(
    "stdin_bytes, expected",
    [
        (b"", "not JSON"),
        (b"not json at all", "not JSON"),
        (b"[1, 2, 3]", "JSON list, not an object"),
        (b'"just a string"', "JSON str, not an object"),
        (b"{}", "session_id must be a non-empty string"),
        (b'{"session_id": 42}', "session_id must be a non-empty string"),
        (b'{"session_id": "../../etc/x"}', "invalid session_id"),
        (b'{"session_id": "/abs"}', "invalid session_id"),
        (b'{"session_id": "a\\u0000b"}', "invalid session_id"),
        (json.dumps({"session_id": "x" * 10000}).encode(), "longer than 128"),
        (b'{"session_id": "ok", "prompt": "\xff\xfe"}', "not JSON"),
        (b"[" * 100000 + b"]" * 100000, "not JSON"),
    ],
    ids=["empty", "garbage", "list", "string", "no-id", "int-id", "dotdot", "absolute", "nul", "huge-id", "bad-utf8", "deep"],
)
def test_bad_input_is_logged_and_changes_nothing(hook, project, stdin_bytes, expected):
    """Malformed input: exit 0, nothing on stdout, one clear logged error, no session written."""
    hook("UserPromptSubmit", None, project, stdin_bytes=stdin_bytes)
    [error] = [r for r in log_records(project) if r["level"] == "ERROR"]
    assert expected in error["message"] and "dropped" in error["message"]
    [decision] = [r for r in log_records(project) if r["event"] == "decision"]
    assert decision["details"]["what"] == "drop the UserPromptSubmit event" and decision["details"]["why"] == error["message"]
    sessions = project / ".claude" / "runtime" / "sessions"
    assert not sessions.exists() or not list(sessions.rglob("session_*"))
    assert sorted(p.name for p in project.iterdir()) == [".claude"]


def test_no_project_directory_anywhere_is_reported_on_stderr(hook, tmp_path):
    """With no project dir and no cwd the hook writes nowhere, says why on stderr, and exits 0."""
    result = hook("Stop", {"session_id": SID}, None)
    assert b"no usable project directory" in result.stderr


def test_stdin_left_open_does_not_hang_the_hook(project):
    """A hook whose stdin is never closed gives up, logs it, and exits 0."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLAUDE")}
    env["CLAUDE_PROJECT_DIR"] = str(project)
    process = subprocess.Popen([sys.executable, "-I", "-S", str(HOOK_ENTRY), "Stop"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
    try:
        assert process.wait(timeout=30) == 0
    finally:
        process.kill()
        process.stdin.close()
    assert process.stdout.read() == b""  # it exited while its stdin was still open (how long: bench/run.py, row 1)
    assert "stdin was not closed" in log_records(project)[0]["message"]


def test_large_output_is_capped_and_secrets_redacted(hook, project):
    """A 5 MB tool response is stored under the cap; keys in it are redacted everywhere."""
    secret = "ghp_" + "q8Zk3LmN5pR7tV9xB2dF4hJ6kL8mN0pQ2rS4"
    big = ("line of output\n" * 400000) + f"GITHUB_TOKEN={secret}\n"
    hook("PostToolUse", event("PostToolUse", tool_name="Read", tool_input={"file_path": "/big"}, tool_response={"content": big}), project)
    [entry] = session(project).activity_log
    assert entry["details"]["_truncated"]["tool_response"]["original_bytes"] > 5_000_000
    assert len(json.dumps(entry["details"]["tool_response"])) <= 16384
    hook("UserPromptSubmit", event("UserPromptSubmit", prompt=f"use {secret} please"), project)
    on_disk = "".join(p.read_text() for p in (project / ".claude").rglob("*") if p.is_file())
    assert secret not in on_disk and "[REDACTED:github-token]" in on_disk


def test_configured_patterns_and_caps_apply(hook, project):
    """session-tracking.yaml sets the cap and extra redaction patterns."""
    (project / ".claude").mkdir()
    (project / ".claude" / "session-tracking.yaml").write_text("max_field_bytes: 200\nredact_patterns: ['ACME-[0-9]{6}']\n")
    hook("UserPromptSubmit", event("UserPromptSubmit", prompt="ticket ACME-123456 " + "x" * 1000), project)
    [entry] = session(project).activity_log
    assert "ACME-123456" not in entry["details"]["prompt"] and "[REDACTED:custom]" in entry["details"]["prompt"]
    assert len(entry["details"]["prompt"].encode()) <= 200
    assert entry["details"]["_truncated"]["prompt"]["original_bytes"] > 1000


def test_invalid_config_is_reported_and_defaults_used(hook, project):
    """A broken settings file is logged at session start, and tracking goes on with defaults."""
    (project / ".claude").mkdir()
    (project / ".claude" / "session-tracking.yaml").write_text("archive_on: [never\n")
    hook("SessionStart", event("SessionStart", source="startup"), project)
    hook("Stop", event("Stop"), project)
    errors = [r["message"] for r in log_records(project) if r["level"] == "ERROR"]
    assert any("not valid YAML" in message for message in errors)
    assert (project / ".claude" / "runtime" / "sessions" / "archive" / f"session_{SID}.json").exists()


def test_unknown_and_bad_settings_are_named(hook, project):
    """Each unknown key and bad value is reported by name; good ones still apply."""
    (project / ".claude").mkdir()
    (project / ".claude" / "session-tracking.yaml").write_text("max_field_bytes: -1\ncolour: blue\ntimeout_seconds: 60\n")
    hook("SessionStart", event("SessionStart", source="startup"), project)
    errors = " ".join(r["message"] for r in log_records(project) if r["level"] == "ERROR")
    assert "'max_field_bytes'" in errors and "'colour'" in errors
    assert session(project).timeout_seconds == 60


def test_runtime_path_blocked_by_a_file_fails_open(hook, project):
    """When .claude/runtime cannot be created the hook still exits 0 and prints nothing."""
    (project / ".claude").mkdir()
    (project / ".claude" / "runtime").write_text("not a directory")
    result = hook("UserPromptSubmit", event("UserPromptSubmit", prompt="hi"), project)
    assert b"could not be written" in result.stderr  # nowhere to log: the reason goes to stderr
    assert b"UserPromptSubmit hook for session" in result.stderr
    assert (project / ".claude" / "runtime").read_text() == "not a directory"


def test_corrupt_session_file_is_set_aside_and_tracking_continues(hook, project):
    """A garbage session file is kept as *.corrupt; the next event starts a fresh record with the journal's entries."""
    hook("UserPromptSubmit", event("UserPromptSubmit", prompt="one"), project)
    sessions = project / ".claude" / "runtime" / "sessions"
    (sessions / f"session_{SID}.json").write_text("garbage")
    (sessions / f"session_{SID}.journal").unlink()
    hook("UserPromptSubmit", event("UserPromptSubmit", prompt="two"), project)
    assert len(list(sessions.glob(f"session_{SID}.json.*.corrupt"))) == 1
    assert [e["details"]["prompt"] for e in session(project).activity_log] == ["two"]
    assert any("corrupt" in r["message"] for r in log_records(project))
    whats = [r["details"]["what"] for r in log_records(project) if r["event"] == "decision"]
    assert any(what.startswith(f"set aside the corrupt file session_{SID}.json") for what in whats)


def test_cap_counts_json_escapes(hook, project):
    """A prompt of newlines and control characters is cut so that its stored JSON, escapes included, fits the cap."""
    hook("UserPromptSubmit", event("UserPromptSubmit", prompt="\n" * 12000 + "\x01" * 5000), project)
    [entry] = session(project).activity_log
    assert len(json.dumps(entry["details"]["prompt"], ensure_ascii=False).encode()) <= 16384
    assert entry["details"]["_truncated"]["prompt"]["original_bytes"] > 16384


def transcript_line(message_id, text, usage, agent=None, stop="end_turn"):
    record = {"type": "assistant", "requestId": f"req_{message_id}", "timestamp": "2026-11-27T10:00:00.000Z",
              "message": {"id": message_id, "model": "claude-sonnet-4-5", "content": [{"type": "text", "text": text}], "stop_reason": stop, "usage": usage}}
    if agent:
        record.update(isSidechain=True, agentId=agent)
    return json.dumps(record) + "\n"


def responses(project):
    return [e["details"] for e in session(project).activity_log if e["action"] == "assistant_message"]


def test_turn_end_records_each_new_response_once_with_its_tokens(hook, project, tmp_path):
    """Stop reads the transcript from where it stopped: new responses once each, tokens as written,
    the subagent's under its agent (and type, once SubagentStop told it); a lagging line arrives later."""
    transcript = tmp_path / "claude" / f"{SID}.jsonl"
    transcript.parent.mkdir()
    usage = {"input_tokens": 3, "output_tokens": 20, "cache_creation_input_tokens": 100, "cache_read_input_tokens": 500}
    transcript.write_text(transcript_line("msg_1", "first answer", usage) * 2)
    stop = event("Stop", transcript_path=str(transcript))
    hook("UserPromptSubmit", event("UserPromptSubmit", prompt="one"), project)
    hook("Stop", stop, project)
    hook("Stop", stop, project)  # nothing new: nothing added
    assert [(r["message_id"], r["text"], r["usage"]) for r in responses(project)] == [("msg_1", "first answer", usage)]
    assert [e["action"] for e in session(project).activity_log] == ["user_input", "assistant_message", "turn_end", "turn_end"]
    agent_file = tmp_path / "claude" / SID / "subagents" / "agent-a7.jsonl"
    agent_file.parent.mkdir(parents=True)
    agent_file.write_text(transcript_line("msg_s", "from the subagent", usage, agent="a7"))
    hook("SubagentStop", event("SubagentStop", agent_id="a7", agent_type="Explore", agent_transcript_path=str(agent_file)), project)
    with transcript.open("a") as handle:
        handle.write(transcript_line("msg_2", "second answer", usage)[:-40])  # still being written
    hook("Stop", stop, project)
    with transcript.open("a") as handle:
        handle.write(transcript_line("msg_2", "second answer", usage)[-40:])
    hook("SessionEnd", event("SessionEnd", reason="other", transcript_path=str(transcript)), project)
    recorded = responses(project)
    assert [(r["message_id"], r.get("agent_id"), r.get("agent_type")) for r in recorded] == [("msg_1", None, None), ("msg_s", "a7", "Explore"), ("msg_2", None, None)]


def test_a_lost_harvest_state_is_rebuilt_without_counting_twice(hook, project, tmp_path):
    """With its state file deleted or garbled, the next turn end rereads the transcript but records only what is new."""
    transcript = tmp_path / "t.jsonl"
    transcript.write_text(transcript_line("msg_1", "one", {"input_tokens": 1, "output_tokens": 2}))
    stop = event("Stop", transcript_path=str(transcript))
    hook("Stop", stop, project)
    state = project / ".claude" / "runtime" / "transcripts" / f"{SID}.json"
    for damage in (state.unlink, lambda: state.write_text("{garbled")):
        damage()
        with transcript.open("a") as handle:
            handle.write(transcript_line(f"msg_{damage.__name__}", "more", {"input_tokens": 1, "output_tokens": 2}))
        hook("Stop", stop, project)
    assert [r["message_id"] for r in responses(project)] == ["msg_1", "msg_unlink", "msg_<lambda>"]
    assert any("rebuild the transcript harvest state" in r["details"].get("what", "") for r in log_records(project))


def test_harvested_text_is_capped_and_redacted(hook, project, tmp_path):
    """An assistant message is stored like any field: secrets replaced, size capped."""
    (project / ".claude").mkdir()
    (project / ".claude" / "session-tracking.yaml").write_text("max_field_bytes: 4096\n")
    transcript = tmp_path / "t.jsonl"
    secret = "sk-ant-api03-" + "A" * 90
    transcript.write_text(transcript_line("msg_1", f"the key is {secret} " + "x" * 20000, {"input_tokens": 1, "output_tokens": 2}))
    hook("Stop", event("Stop", transcript_path=str(transcript)), project)
    [recorded] = responses(project)
    assert secret not in json.dumps(recorded) and "[REDACTED:" in recorded["text"]
    assert len(json.dumps(recorded["text"])) <= 4096 and recorded["usage"] == {"input_tokens": 1, "output_tokens": 2}


def test_a_session_left_behind_gets_its_last_responses_when_it_times_out(hook, project, tmp_path):
    """No Stop, no SessionEnd (a killed CLI): when the timeout cleanup ends the session, its
    transcript is read, so its last turn's responses and tokens are not lost."""
    (project / ".claude").mkdir()
    (project / ".claude" / "session-tracking.yaml").write_text("timeout_seconds: 1\n")
    transcript = tmp_path / "left.jsonl"
    transcript.write_text(transcript_line("msg_left", "half-way answer", {"input_tokens": 7, "output_tokens": 8}))
    hook("SessionStart", event("SessionStart", source="startup", transcript_path=str(transcript)), project)
    hook("UserPromptSubmit", event("UserPromptSubmit", prompt="one"), project)
    time.sleep(1.2)
    hook("SessionStart", dict(event("SessionStart", source="startup"), session_id="another-session"), project)
    archived = read_json(project / ".claude" / "runtime" / "sessions" / "archive" / f"session_{SID}.json")
    assert archived["status"] == "ended"
    assert [e["details"]["message_id"] for e in archived["activity_log"] if e["action"] == "assistant_message"] == ["msg_left"]
