"""Benchmark 7: OpenTelemetry export. Hook latency with ``otlp:`` configured against the same hook
without it (interleaved, same run), and ``export --otlp`` throughput for many sessions, all sent
to a tiny local OTLP/HTTP sink on 127.0.0.1 (it accepts every request with an empty 200, so the
figures are our cost, not a backend's)."""

import json
import os
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from session_management.store import snapshot


class Sink:
    """An OTLP/HTTP endpoint that accepts everything and counts the requests and bytes."""

    def __init__(self):
        sink = self
        self.requests = self.bytes = 0

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                sink.requests += 1
                sink.bytes += len(body)
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


def _session(n: int, turns: int = 5) -> dict:
    """A session as the hooks leave it: turns of a prompt, tool calls (one failing), responses with tokens, a subagent."""
    log, second = [], 0

    def add(action, **details):
        nonlocal second
        second += 1
        log.append({"action": action, "timestamp": "2026-01-01T%02d:%02d:%02d.000Z" % (second // 3600, second // 60 % 60, second % 60), "details": details})

    usage = {"input_tokens": 5, "output_tokens": 80, "cache_creation_input_tokens": 400, "cache_read_input_tokens": 14000}
    add("session_start", source="startup")
    for turn in range(turns):
        add("user_input", prompt=f"step {turn}: fix the parser and run the tests")
        for call in range(3):
            add("tool_use", tool_name="Bash", tool_input={"command": f"pytest -k case{call}"}, tool_response={"stdout": "ok " * 200}, tool_use_id=f"toolu_{turn}_{call}", duration_ms=120)
        add("tool_failure", tool_name="Bash", tool_input={"command": "false"}, error="Exit code 1", tool_use_id=f"toolu_{turn}_f", duration_ms=15)
        if turn == 0:
            add("subagent_start", agent_id="a1", agent_type="Explore")
            add("tool_use", tool_name="Grep", tool_input={"pattern": "def parse"}, tool_response={"filenames": ["parse.py"]}, agent_id="a1", duration_ms=8)
            add("assistant_message", model="claude-haiku-4-5", text="parse.py", usage=usage, agent_id="a1", message_id=f"m{turn}a")
            add("subagent_stop", agent_id="a1", agent_type="Explore")
        for response in range(4):
            add("assistant_message", model="claude-opus-5-5", text="Done." if response == 3 else "", usage=usage, message_id=f"m{turn}_{response}", stop_reason="tool_use")
        add("turn_end", last_assistant_message="Done.")
    add("session_end", reason="other")
    return {"session_id": f"otlp{n:06d}-0000-0000-0000-000000000000", "created_at": log[0]["timestamp"], "last_activity": log[-1]["timestamp"],
            "status": "ended", "timeout_seconds": 3600, "metadata": {"cwd": "/p"}, "activity_log": log}


def build_project(root: Path, sessions: int) -> Path:
    """A project whose runtime holds ``sessions`` archived sessions in the storage format."""
    archive = root / ".claude" / "runtime" / "sessions" / "archive"
    archive.mkdir(parents=True)
    registry = {}
    for n in range(sessions):
        data = _session(n)
        sid = data["session_id"]
        (archive / f"session_{sid}.json").write_bytes(snapshot.encode(data))
        (archive / f"session_{sid}.journal").write_text('{"journal": 1, "base": %d}\n' % len(data["activity_log"]))
        registry[sid] = {"created_at": data["created_at"], "status": "archived", "timeout_seconds": 3600}
    (root / ".claude" / "runtime" / "sessions" / "registry.json").write_text(json.dumps({"sessions": registry}))
    return root


def bench_export(python: str, sessions: int) -> list:
    """``claude-sessions export --otlp --all`` of ``sessions`` sessions to the sink, against reading the same files."""
    sink = Sink()
    project = build_project(Path(tempfile.mkdtemp(prefix="bench-otlp-")), sessions)
    runtime = project / ".claude" / "runtime"
    try:
        started = time.perf_counter()
        done = subprocess.run([python, "-m", "session_management", "--runtime-dir", str(runtime), "export", "--otlp", "--all", "--endpoint", sink.url],
                              capture_output=True, text=True, check=True)
        elapsed = time.perf_counter() - started
        spans = int(done.stdout.split()[1])
        load_all = [python, "-c", "import glob, json, sys; [json.load(open(f)) for f in glob.glob(sys.argv[1])]", str(runtime / "sessions" / "archive" / "*.json")]
        started = time.perf_counter()
        subprocess.run(load_all, check=True)
        reading = time.perf_counter() - started
    finally:
        sink.close()
        shutil.rmtree(project)
    rate = spans / elapsed
    return [
        (f"8. export --otlp, {sessions} sessions, {spans} spans (vs json.load)", elapsed, reading, "s"),
        ("8. export --otlp throughput", rate, rate, "spans/s"),
    ]


def bench_hook_latency(python: str, hook_command, rounds: int) -> list:
    """Stop and PostToolUse with ``otlp:`` configured (Stop hands a shipment off) against the same hooks without it."""
    sink = Sink()
    projects = {}
    for name, otlp in (("without", None), ("with", {"endpoint": sink.url, "ship_on": "stop"})):
        project = Path(tempfile.mkdtemp(prefix=f"bench-otlp-{name}-"))
        (project / ".claude").mkdir()
        # archive_on: session_end keeps the session live, so PostToolUse takes the common append path.
        settings = {"archive_on": "session_end", **({"otlp": otlp} if otlp else {})}
        (project / ".claude" / "session-tracking.yaml").write_text(json.dumps(settings))
        projects[name] = project
    sid = "bench-otlp-0000-1111-2222-333344445555"
    tool = json.dumps({"session_id": sid, "hook_event_name": "PostToolUse", "tool_name": "Bash", "tool_input": {"command": "ls"},
                       "tool_response": {"stdout": "a\nb"}, "tool_use_id": "toolu_1", "duration_ms": 12}).encode()
    stop = json.dumps({"session_id": sid, "hook_event_name": "Stop", "stop_hook_active": False, "last_assistant_message": "Done."}).encode()
    samples = {(event, name): [] for event in ("PostToolUse", "Stop") for name in projects}
    delivered = []  # from the Stop hook's start to the spans at the sink
    for round_number in range(rounds):
        order = list(projects.items())
        for name, project in order[::-1] if round_number % 2 else order:  # ABBA: neither goes first every time
            env = {k: v for k, v in os.environ.items() if not k.startswith("CLAUDE_PROJECT")}
            env["CLAUDE_PROJECT_DIR"] = str(project)
            for event, data in (("PostToolUse", tool), ("Stop", stop)):
                before = sink.requests
                started = time.perf_counter()
                subprocess.run(hook_command(event), input=data, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
                samples[(event, name)].append(time.perf_counter() - started)
                if name == "with" and event == "Stop":  # wait for the shipment, so the next hook runs on a quiet machine
                    deadline = time.perf_counter() + 10
                    while sink.requests == before and time.perf_counter() < deadline:
                        time.sleep(0.005)
                    delivered.append(time.perf_counter() - started)
    shipped = sink.requests
    sink.close()
    for project in projects.values():
        shutil.rmtree(project)
    median = {key: statistics.median(values) for key, values in samples.items()}
    shipment = statistics.median(delivered)
    return [
        ("8. PostToolUse with otlp: vs without", median[("PostToolUse", "with")], median[("PostToolUse", "without")], "ms"),
        (f"8. Stop with otlp: (hands off; {shipped} shipped) vs without", median[("Stop", "with")], median[("Stop", "without")], "ms"),
        ("8. Stop to its spans at the endpoint (detached shipment)", shipment, shipment, "ms"),
    ]
