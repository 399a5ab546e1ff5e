"""Sessions as OpenTelemetry traces, sent to a real OTLP backend (Arize Phoenix) and read back.

The mapping tests need no backend; the rest start ``phoenix serve`` once (installed into .cache/
on first use) and read what arrived through its REST API.
"""

import json
import os
import subprocess
import sys
import time
import uuid
from collections import Counter

import pytest

from conftest import HOOK_ENTRY, REPO, python_env
from session_management.capture import dispatch as _dispatch
from session_management.capture.handoff import ships_on
from session_management.export import traces
from session_management.export.traces import Options, session_spans
from session_management.present import cli
from session_management.present.demo import replay as demo_replay
from session_management.query.summaries import read_session
from session_management.query.usage import summarize as usage_summary
from session_management.store import config as _config

DEMO_EVENTS = json.loads((REPO / "session_management" / "present" / "demo_events.json").read_text())


# -- helpers --------------------------------------------------------------------------------


def recorded(project, session_id):
    """The session as stored (archived or live)."""
    sessions = project / ".claude" / "runtime" / "sessions"
    archived = (sessions / "archive" / f"session_{session_id}.json").exists()
    return read_session(str(sessions), session_id, archived)


def write_config(project, otlp: dict) -> None:
    (project / ".claude").mkdir(parents=True, exist_ok=True)
    (project / ".claude" / "session-tracking.yaml").write_text(json.dumps({"otlp": otlp}))


def hook_process(project, name, payload):
    """One event through the real hook entry, as Claude Code runs it; it must exit 0 and print nothing."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE", "COV_", "COVERAGE_"))}
    env["CLAUDE_PROJECT_DIR"] = str(project)
    done = subprocess.run([sys.executable, "-I", "-S", str(HOOK_ENTRY), name], input=json.dumps(payload).encode(), capture_output=True, env=env, timeout=60)
    assert done.returncode == 0 and done.stdout == b"", done.stderr
    return done


def demo_events(project, session_id):
    text = json.dumps(DEMO_EVENTS).replace("{project}", str(project)).replace("{home}", str(project / "home"))
    return json.loads(text.replace("46eeeec1-6afc-4ef0-ac10-8629231fc9da", session_id))


def export(*args):
    """``claude-sessions export --otlp …`` in-process; (exit code, stdout, stderr) via capsys by the caller."""
    return cli.main(["export", "--otlp", *map(str, args)])


def tree(spans):
    """{span name path from the root: count}, e.g. 'claude-code session …/turn 1/execute_tool Bash'."""
    by_id = {s["context"]["span_id"]: s for s in spans}

    def path(span):
        parent = by_id.get(span["parent_id"]) if span["parent_id"] else None
        return (path(parent) + "/" if parent else "") + span["name"].split(" ")[0] + (" " + span["name"].split(" ")[1] if span["name"].startswith(("execute_tool", "turn")) else "")

    return Counter(path(s) for s in spans)


# -- the mapping, no backend ----------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_session(tmp_path_factory):
    """The bundled real session, replayed through the real hook entry with its transcripts (tokens)."""
    project = tmp_path_factory.mktemp("demo") / "demo-project"
    project.mkdir()
    session_id = str(uuid.uuid4())
    demo_replay(project, session_id)
    return project, session_id


def test_a_session_maps_to_one_tree_of_turns_tools_responses_and_subagents(demo_session):
    """One root span; turns under it; tools and responses under their turn; the subagent under the Agent call that ran it."""
    project, session_id = demo_session
    data = recorded(project, session_id)
    spans, covered, root_sent = session_spans(data, Options())
    assert root_sent and covered == len(data["activity_log"])
    assert {s.trace_id for s in spans} == {traces.trace_id(session_id)}
    roots = [s for s in spans if s.parent_id is None]
    assert len(roots) == 1 and roots[0].attributes["openinference.span.kind"] == "AGENT"
    by_id = {s.span_id: s for s in spans}
    assert all(s.parent_id in by_id for s in spans if s.parent_id is not None), "every parent is in the trace"
    turns = [s for s in spans if s.parent_id == roots[0].span_id]
    assert [t.name for t in sorted(turns, key=lambda t: t.start_ns)] == ["turn 1", "turn 2"]
    assert turns[0].attributes["input.value"] == "Find the failing test and fix it"
    agent = next(s for s in spans if s.name == "invoke_agent general-purpose")
    assert by_id[agent.parent_id].name == "execute_tool Agent"
    assert sorted(by_id[s.parent_id].name for s in spans if s.name == "execute_tool Grep") == ["invoke_agent general-purpose"]
    failed = [s for s in spans if s.error is not None]
    assert [(s.name, s.attributes["error.type"]) for s in failed] == [("execute_tool Bash", "tool_failure")]
    assert "2 tests failed" in failed[0].error
    for span in spans:  # children inside their parents' time
        assert span.start_ns <= span.end_ns


def test_a_usage_limit_hit_is_the_turns_error_with_an_exception_event(tmp_path):
    """A turn ended by StopFailure rate_limit: its span has the error and an OpenTelemetry
    exception event carrying Claude Code's message."""
    session_id = str(uuid.uuid4())
    message = "You've hit your 5-hour limit · resets 1:30pm (UTC)"
    for name, payload in (("SessionStart", {"source": "startup"}), ("UserPromptSubmit", {"prompt": "one more"}),
                          ("StopFailure", {"error": "rate_limit", "last_assistant_message": message})):
        hook_process(tmp_path, name, dict(payload, session_id=session_id, hook_event_name=name, cwd=str(tmp_path)))
    spans, _, _ = session_spans(recorded(tmp_path, session_id), Options())
    [turn] = [s for s in spans if s.name == "turn 1"]
    assert turn.error == "rate_limit"
    [exception] = [event for event in turn.events if event[0] == "exception"]
    assert exception[2] == {"exception.type": "rate_limit", "exception.message": message}


def test_a_synthetic_response_an_older_harvest_recorded_is_no_llm_span(tmp_path):
    """A `<synthetic>` response in a session (Claude Code's own message for an API error, which older
    harvests recorded) becomes no LLM span: it was no request; the real response still does."""
    session_id = str(uuid.uuid4())
    hook_process(tmp_path, "UserPromptSubmit", {"session_id": session_id, "hook_event_name": "UserPromptSubmit", "cwd": str(tmp_path), "prompt": "hi"})
    responses = [("0c6f1e2a", None, "<synthetic>", {"input_tokens": 0, "output_tokens": 0}), ("msg_r", "req_r", "claude-sonnet-4-5", {"input_tokens": 3, "output_tokens": 4})]
    with open(tmp_path / ".claude" / "runtime" / "sessions" / f"session_{session_id}.journal", "a") as journal:
        for message_id, request_id, model, usage in responses:
            details = {"message_id": message_id, "request_id": request_id, "model": model, "stop_reason": "end_turn", "text": "", "tool_use_ids": [], "usage": usage}
            journal.write("\n" + json.dumps({"action": "assistant_message", "timestamp": "2026-12-03T13:30:00.000Z", "details": details}) + "\n")
    hook_process(tmp_path, "Stop", {"session_id": session_id, "hook_event_name": "Stop", "cwd": str(tmp_path)})
    spans, _, _ = session_spans(recorded(tmp_path, session_id), Options())
    assert [s.attributes["llm.model_name"] for s in spans if s.attributes.get("openinference.span.kind") == "LLM"] == ["claude-sonnet-4-5"]


def test_tokens_match_the_recorded_usage(demo_session):
    """The LLM spans carry each response's model and tokens; their sums are the session's usage."""
    project, session_id = demo_session
    data = recorded(project, session_id)
    spans, _, _ = session_spans(data, Options())
    llm = [s for s in spans if s.attributes.get("openinference.span.kind") == "LLM"]
    usage = usage_summary(data["activity_log"])
    assert len(llm) == usage["requests"] == 8
    assert sum(s.attributes["gen_ai.usage.output_tokens"] for s in llm) == usage["output_tokens"]
    assert sum(s.attributes["gen_ai.usage.cache_read.input_tokens"] for s in llm) == usage["cache_read_input_tokens"]
    everything_in = usage["input_tokens"] + usage["cache_creation_input_tokens"] + usage["cache_read_input_tokens"]
    assert sum(s.attributes["llm.token_count.prompt"] for s in llm) == sum(s.attributes["gen_ai.usage.input_tokens"] for s in llm) == everything_in
    assert {s.attributes["llm.model_name"] for s in llm} == {"claude-opus-5-5", "claude-haiku-4-5"}
    haiku = [s for s in llm if s.attributes["llm.model_name"] == "claude-haiku-4-5"]
    assert {s.attributes["gen_ai.agent.id"] for s in haiku} == {"af9ec358463d0ecf8"}


def test_ids_are_the_same_every_time_and_turns_wait_for_their_end(demo_session):
    """Mapping twice gives the same ids; an unfinished turn and the session span are not sent until complete."""
    project, session_id = demo_session
    data = recorded(project, session_id)
    first, _, _ = session_spans(data, Options())
    again, _, _ = session_spans(json.loads(json.dumps(data)), Options())
    assert [(s.span_id, s.parent_id, s.start_ns) for s in first] == [(s.span_id, s.parent_id, s.start_ns) for s in again]
    log = data["activity_log"]
    second_prompt = next(i for i, e in enumerate(log) if e["action"] == "user_input" and i > 1)
    partial = dict(data, status="paused", activity_log=log[: second_prompt + 2])  # turn 2 has begun, not ended
    spans, covered, root_sent = session_spans(partial, Options())
    assert covered == second_prompt and not root_sent
    assert "turn 2" not in {s.name for s in spans} and all(s.parent_id is not None for s in spans)
    rest, covered, root_sent = session_spans(data, Options(), covered, False)
    assert root_sent and {s.span_id for s in spans}.isdisjoint({s.span_id for s in rest})
    assert {s.span_id for s in spans} | {s.span_id for s in rest} == {s.span_id for s in first}


def test_leave_out_switches_remove_the_text(demo_session):
    """With prompts, responses, tool inputs and outputs off, only structure, timing and tokens remain."""
    project, session_id = demo_session
    data = recorded(project, session_id)
    spans, _, _ = session_spans(data, Options(prompts=False, responses=False, tool_inputs=False, tool_outputs=False))
    text = json.dumps([[s.attributes, s.events, s.error] for s in spans])
    for secret_ish in ("Find the failing test", "Let me look around", "notes.md", "2 tests failed", "def parse", "parse.py"):
        assert secret_ish not in text
    assert any(s.attributes.get("llm.token_count.total") for s in spans)
    assert any(s.error == "the tool failed" for s in spans)


def test_otlp_settings_are_validated():
    """A valid otlp: mapping is kept; a bad one is reported and shipping stays off."""
    good = {"endpoint": "http://collector:4318", "headers": {"x-key": "v"}, "ship_on": "session_end", "prompts": False, "timeout": 3}
    assert _config.validate({"otlp": good}) == ({**_config.DEFAULTS, "otlp": good}, [])
    for bad in ({"ship_on": "hourly"}, {"endpoint": "collector:4318"}, {"prompt": False}, {"headers": {"a": 1}}, "yes"):
        config, problems = _config.validate({"otlp": bad})
        assert config["otlp"] is None and len(problems) == 1 and "otlp" in problems[0]


def test_which_events_start_a_shipment():
    """ship_on: stop ships at each turn end and at session end; session_end only at the end; manual never."""
    assert ships_on("Stop", {}) and ships_on("StopFailure", {"ship_on": "stop"}) and ships_on("SessionEnd", {})
    assert not ships_on("PostToolUse", {}) and not ships_on("Stop", None)
    assert ships_on("SessionEnd", {"ship_on": "session_end"}) and not ships_on("Stop", {"ship_on": "session_end"})
    assert not ships_on("SessionEnd", {"ship_on": "manual"})


def test_export_needs_a_selection_and_keeps_the_file_export(tmp_path, capsys):
    """export --otlp without IDs, --since or --all is a usage error; export ID --format still writes one session."""
    project = tmp_path / "p"
    project.mkdir()
    session_id = str(uuid.uuid4())
    for name, payload in demo_events(project, session_id)[:3]:
        _dispatch.handle(name, json.dumps(payload).encode(), {"CLAUDE_PROJECT_DIR": str(project)})
    os.chdir(project)
    assert export() == 2
    assert "name the sessions" in capsys.readouterr().err
    assert cli.main(["export", session_id[:8], "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["session_id"] == session_id
    assert cli.main(["export", "--all", "--format", "json"]) == 2


def test_a_missing_exporter_is_one_clear_line(tmp_path):
    """Without the otlp extra the command says how to install it, in one line, exit 1."""
    project = tmp_path / "p"
    project.mkdir()
    _dispatch.handle("SessionStart", json.dumps({"session_id": "s1", "source": "startup"}).encode(), {"CLAUDE_PROJECT_DIR": str(project)})
    code = "import sys; sys.modules['opentelemetry.exporter.otlp.proto.http.trace_exporter'] = None; from session_management.present.cli import main; sys.exit(main(sys.argv[1:]))"
    done = subprocess.run([sys.executable, "-c", code, "export", "--otlp", "--all"], cwd=project, capture_output=True, text=True, env=python_env())
    assert done.returncode == 1 and done.stdout == ""
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("claude-sessions: the OTLP exporter is not installed: add it with ./install.sh --otlp")
    assert "claude-sessions install --otlp" in line and "pip install" not in line  # the package is not on PyPI


def log_records(project, event=None, message=None) -> list:
    log = project / ".claude" / "runtime" / "logs" / "toolkit.log"
    lines = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    return [r for r in lines if (event is None or r.get("event") == event) and (message is None or message in r.get("message", ""))]


def wait_for(check, timeout=60.0):
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def test_an_unreachable_backend_is_one_line_and_exit_1(tmp_path, capsys):
    """Nothing listening: export says so in one line and exits 1; the hooks' shipment and the shipping
    entry point log it; nothing is marked as shipped."""
    from phoenix_server import free_port
    from session_management.export import shipping

    project = tmp_path / "p"
    project.mkdir()
    port = free_port()
    write_config(project, {"endpoint": f"http://127.0.0.1:{port}", "timeout": 1})
    session_id = str(uuid.uuid4())
    for name, payload in demo_events(project, session_id)[:3] + [["Stop", {"session_id": session_id}]]:
        _dispatch.handle(name, json.dumps(payload).encode(), {"CLAUDE_PROJECT_DIR": str(project)})
    assert capsys.readouterr().out == ""
    os.chdir(project)
    assert export("--all") == 1
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1
    assert f"could not deliver 2 spans to http://127.0.0.1:{port}/v1/traces: [Errno 111] Connection refused" in err
    wait_for(lambda: log_records(project, "error", "otlp shipment failed"))  # the Stop hook's detached shipment
    shipping.ship_project(str(project))
    failures = log_records(project, "error", "otlp shipment failed")
    assert len(failures) == 2 and all("Connection refused" in r["message"] for r in failures)
    state = project / ".claude" / "runtime" / "otlp-shipped.json"
    assert not state.exists() or json.loads(state.read_text())["endpoints"].get(f"http://127.0.0.1:{port}/v1/traces", {}) == {}


# -- against Phoenix ------------------------------------------------------------------------


def project_with_config(tmp_path, phoenix, **otlp):
    """A project whose otlp: settings point at Phoenix, under a Phoenix project of its own."""
    project = tmp_path / f"proj-{uuid.uuid4().hex[:8]}"
    project.mkdir()
    write_config(project, {"endpoint": phoenix.url, "project": project.name, **otlp})
    return project


def test_a_recorded_session_arrives_as_one_trace(phoenix, tmp_path, capsys):
    """Through the real hooks, then export --otlp: Phoenix holds one trace with the right tree, tools, tokens and errors."""
    project = project_with_config(tmp_path, phoenix, ship_on="manual")
    session_id = str(uuid.uuid4())
    demo_replay(project, session_id)
    expected, _, _ = session_spans(recorded(project, session_id), Options())
    os.chdir(project)
    assert export(session_id[:8]) == 0
    assert capsys.readouterr().out.strip() == f"sent {len(expected)} spans of 1 session to {phoenix.url}/v1/traces"
    spans = phoenix.wait_for_spans(project.name, len(expected))
    assert len(spans) == len(expected) == 18
    assert {s["context"]["trace_id"] for s in spans} == {f"{traces.trace_id(session_id):032x}"}
    assert [s["span_kind"] for s in spans if s["parent_id"] is None] == ["AGENT"]
    assert tree(spans) == Counter({
        "claude-code": 1, "claude-code/turn 1": 1, "claude-code/turn 2": 1,
        "claude-code/turn 1/execute_tool Bash": 2, "claude-code/turn 1/execute_tool Read": 1, "claude-code/turn 1/execute_tool Agent": 1,
        "claude-code/turn 1/chat": 4, "claude-code/turn 1/execute_tool Agent/invoke_agent": 1,
        "claude-code/turn 1/execute_tool Agent/invoke_agent/chat": 2, "claude-code/turn 1/execute_tool Agent/invoke_agent/execute_tool Grep": 1,
        "claude-code/turn 2/chat": 2, "claude-code/turn 2/execute_tool Bash": 1,
    })
    errors = [s for s in spans if s["status_code"] == "ERROR"]
    assert [(s["name"], s["attributes"]["tool.name"]) for s in errors] == [("execute_tool Bash", "Bash")]
    assert "2 tests failed" in errors[0]["status_message"]
    usage = usage_summary(recorded(project, session_id)["activity_log"])
    llm = [s for s in spans if s["span_kind"] == "LLM"]
    assert sum(s["attributes"]["llm.token_count.completion"] for s in llm) == usage["output_tokens"]
    assert sum(s["attributes"]["gen_ai.usage.cache_creation.input_tokens"] for s in llm) == usage["cache_creation_input_tokens"]
    assert {s["attributes"]["session.id"] for s in spans} == {session_id}


def test_exporting_again_leaves_one_copy(phoenix, tmp_path, capsys):
    """A second export sends nothing new; even --again (every span resent, same ids) leaves Phoenix one copy of each."""
    project = project_with_config(tmp_path, phoenix, ship_on="manual")
    session_id = str(uuid.uuid4())
    demo_replay(project, session_id)
    os.chdir(project)
    assert export("--all") == 0
    first = phoenix.wait_for_spans(project.name, 18)
    capsys.readouterr()
    assert export("--all") == 0
    assert capsys.readouterr().out.startswith("nothing new to send")
    assert export("--all", "--again") == 0
    assert capsys.readouterr().out.startswith("sent 18 spans")
    # Phoenix ingests in order: once a session sent afterwards is there, the resent spans were handled.
    marker = str(uuid.uuid4())
    for name, payload in demo_events(project, marker)[:3] + [["Stop", {"session_id": marker, "hook_event_name": "Stop"}]]:
        _dispatch.handle(name, json.dumps(payload).encode(), {"CLAUDE_PROJECT_DIR": str(project)})
    assert export(marker) == 0
    spans = phoenix.wait_for_spans(project.name, 18 + 2)
    marker_trace = f"{traces.trace_id(marker):032x}"
    assert len([s for s in spans if s["context"]["trace_id"] == marker_trace]) == 2  # its turn and its tool call
    assert sorted(s["context"]["span_id"] for s in spans if s["context"]["trace_id"] != marker_trace) == sorted(s["context"]["span_id"] for s in first)


def test_a_secret_never_reaches_the_backend(phoenix, tmp_path, capsys):
    """A key typed in a prompt and printed by a tool is redacted on disk, so Phoenix never sees it."""
    from session_management.export import shipping

    project = project_with_config(tmp_path, phoenix, ship_on="manual")
    session_id = str(uuid.uuid4())
    secret = "sk-ant-api03-" + "Qm7rT2xK9pL4vN8bW3cZ6hJd5sF1gY0a" + "-" + "w3Lk8Zp2Rt6Vn9Xc4Bq7" + "AA"  # random-looking: a run of one letter is a placeholder
    aws = "AKIA" + "Q3ZRTW7LMB4XKJ2D"
    events = demo_events(project, session_id)
    events[1][1]["prompt"] = f"deploy with {secret} please"
    events[2][1]["tool_response"]["stdout"] = f"AWS_ACCESS_KEY_ID={aws}\nok"
    for name, payload in events:
        hook_process(project, name, payload)
    shipping.ship_project(str(project))  # what the hooks start with ship_on: stop, here in-process
    assert log_records(project, "otlp_shipped")
    spans = phoenix.wait_for_spans(project.name, len(session_spans(recorded(project, session_id), Options())[0]))
    text = json.dumps(spans)
    assert "deploy with" in text and "[REDACTED" in text
    assert secret not in text and secret[:20] not in text and aws not in text


def test_shipping_survives_a_stopped_backend_and_delivers_everything_once(phoenix, tmp_path):
    """With otlp: configured, hooks hand shipping off (exit 0, nothing on stdout); while Phoenix is down it fails
    quietly into the log, and once Phoenix is back the next shipment delivers every span exactly once."""
    project = project_with_config(tmp_path, phoenix, ship_on="stop", timeout=2)
    session_id = str(uuid.uuid4())
    events = demo_events(project, session_id)
    first_stop = next(i for i, (name, _) in enumerate(events) if name == "Stop")

    phoenix.stop()
    try:
        for name, payload in events[: first_stop + 1]:
            hook_process(project, name, payload)
        wait_for(lambda: log_records(project, "error", "otlp shipment failed"))
        assert "Connection refused" in log_records(project, "error", "otlp shipment failed")[0]["message"]
    finally:
        phoenix.start()
    for name, payload in events[first_stop + 1 :]:  # the second turn and the session's end: two more shipments
        hook_process(project, name, payload)
    expected, _, _ = session_spans(recorded(project, session_id), Options())
    # Every span is sent exactly once across the shipments (the failed one sent nothing) ...
    wait_for(lambda: sum(r["details"]["spans"] for r in log_records(project, "otlp_shipped")) >= len(expected))
    wait_for(lambda: _unlocked(project))
    assert sum(r["details"]["spans"] for r in log_records(project, "otlp_shipped")) == len(expected)
    # ... and all of them arrived.
    spans = phoenix.wait_for_spans(project.name, len(expected))
    assert sorted(s["context"]["span_id"] for s in spans) == sorted(f"{s.span_id:016x}" for s in expected)


def _unlocked(project) -> bool:
    """No shipment is running (its lock can be taken at once)."""
    from filelock import FileLock, Timeout

    try:
        with FileLock(str(project / ".claude" / "runtime" / "otlp-shipped.lock"), timeout=0):
            return True
    except Timeout:
        return False


@pytest.mark.e2e
def test_a_real_claude_code_session_is_shipped_as_one_trace(phoenix, tmp_path):
    """The real CLI (against the fake API) with otlp: configured: its hooks ship the session by
    themselves, and Phoenix holds one trace with the subagent, the failed tool and every response's tokens."""
    from claude_cli import ClaudeProject, claude_binary
    from fake_api import FakeAnthropic, text, tools

    agent_input = {"description": "look", "prompt": "list the files please", "subagent_type": "general-purpose"}
    script = [tools(("Bash", {"command": "exit 3"}), ("Agent", agent_input)), text("Started it."), text("All done.")]
    routes = {"list the files please": [tools(("Bash", {"command": "echo from-subagent"})), text("Two files.")]}
    with FakeAnthropic(script, routes) as api:
        project = ClaudeProject(tmp_path, claude_binary(), api.url)
        name = f"e2e-{uuid.uuid4().hex[:8]}"
        write_config(project.dir, {"endpoint": phoenix.url, "project": name, "ship_on": "stop"})
        session_id = project.run("look around", "--allowedTools", "Bash Agent")["session_id"]
    data = recorded(project.dir, session_id)
    expected, _, _ = session_spans(data, Options())
    deadline = time.monotonic() + 60
    while len(spans := phoenix.spans(name)) < len(expected) and time.monotonic() < deadline:
        time.sleep(0.3)
    assert sorted(s["context"]["span_id"] for s in spans) == sorted(f"{s.span_id:016x}" for s in expected)
    assert {s["context"]["trace_id"] for s in spans} == {f"{traces.trace_id(session_id):032x}"}
    by_id = {s["context"]["span_id"]: s for s in spans}
    failed = [s for s in spans if s["status_code"] == "ERROR"]
    assert [s["attributes"]["tool.name"] for s in failed] == ["Bash"]
    inner = next(s for s in spans if s["name"] == "execute_tool Bash" and "from-subagent" in s["attributes"].get("output.value", ""))
    assert by_id[inner["parent_id"]]["span_kind"] == "AGENT"
    usage = usage_summary(data["activity_log"])
    llm = [s for s in spans if s["span_kind"] == "LLM"]
    assert len(llm) == usage["requests"] >= 4
    assert sum(s["attributes"]["llm.token_count.completion"] for s in llm) == usage["output_tokens"]


def test_hooks_with_otlp_configured_load_no_exporter(tmp_path):
    """With otlp: configured, the Stop hook that hands a shipment off imports neither export/ nor OpenTelemetry."""
    from phoenix_server import free_port

    write_config(tmp_path, {"endpoint": f"http://127.0.0.1:{free_port()}", "timeout": 1})
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE", "COV_", "COVERAGE_"))}
    env["CLAUDE_PROJECT_DIR"] = str(tmp_path)
    loaded = set()
    for event in ("SessionStart", "UserPromptSubmit", "Stop"):
        payload = {"session_id": "layout-otlp", "hook_event_name": event, "prompt": "hi", "source": "startup"}
        done = subprocess.run([sys.executable, "-I", "-S", "-X", "importtime", str(HOOK_ENTRY), event], input=json.dumps(payload).encode(), capture_output=True, env=env)
        assert done.returncode == 0 and done.stdout == b""
        loaded |= {line.rsplit("|", 1)[-1].strip() for line in done.stderr.decode().splitlines() if line.startswith("import time:")}
    assert "session_management.capture.handoff" in loaded
    assert not {name for name in loaded if name.startswith(("opentelemetry", "session_management.export", "subprocess", "requests"))}
    wait_for(lambda: log_records(tmp_path, "error", "otlp shipment failed"))  # the hand-off did start a shipment


def test_all_projects_and_since_choose_what_is_sent(phoenix, tmp_path, capsys):
    """--all-projects sends every cataloged project's sessions, each to its own Phoenix project; --since leaves out older ones."""
    projects = []
    for _ in range(2):
        project = project_with_config(tmp_path, phoenix, ship_on="manual")
        session_id = str(uuid.uuid4())
        for name, payload in demo_events(project, session_id)[:3] + [["Stop", {"session_id": session_id}]]:
            _dispatch.handle(name, json.dumps(payload).encode(), {"CLAUDE_PROJECT_DIR": str(project)})
        projects.append(project)
    os.chdir(tmp_path)
    capsys.readouterr()
    assert export("--since", "2999-01-01", "--all-projects", "--endpoint", phoenix.url) == 0
    assert capsys.readouterr().out.startswith("nothing new to send")
    assert export("--since", "1d", "--all-projects", "--endpoint", phoenix.url) == 0
    assert capsys.readouterr().out.startswith(f"sent 4 spans of 2 sessions to {phoenix.url}/v1/traces")
    for project in projects:
        spans = phoenix.wait_for_spans(project.name, 2)
        assert sorted(s["name"] for s in spans) == ["execute_tool Bash", "turn 1"]


def test_doctor_checks_the_exporter_when_otlp_is_configured(tmp_path, capsys):
    """doctor says whether the interpreter that ships can import the OTLP exporter, and how to fix it."""
    write_config(tmp_path, {"endpoint": "http://127.0.0.1:4318"})
    (tmp_path / ".claude" / "runtime").mkdir(parents=True)
    cli.main(["--runtime-dir", str(tmp_path / ".claude" / "runtime"), "doctor"])
    assert f"ok    otlp: shipments run {sys.executable}, which has the OTLP exporter" in capsys.readouterr().out
    from session_management.present import doctor

    bare = tmp_path / "bare"  # an interpreter without the extra
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(bare)], check=True)
    [(ok, what, fix)] = doctor._otlp_checks({str(bare / "bin" / "python")})
    assert not ok and "cannot import the OTLP exporter" in what
    assert fix.startswith("claude-sessions install --otlp (a pipx or uv tool install), ./install.sh --otlp (a checkout), or: ")
    assert fix.endswith(f"{bare / 'bin' / 'python'} -m pip install 'opentelemetry-sdk>=1.27' 'opentelemetry-exporter-otlp-proto-http>=1.27'")
