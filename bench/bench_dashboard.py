"""Benchmark 9: the dashboard (``claude-sessions serve``) on a real uvicorn: the sessions page over
many sessions (warm: nothing changed since the last answer; and with a file changed, so the index
is asked again) and the page of a long session, against a static file served by the same server in
the same run; and the live-update delay, from the hook process exiting to the event
arriving on the session's stream, against the time the hook itself took; and its search for a rare
word against the CLI's (a fresh process, as a person runs it), over the same project."""

import http.client
import json
import os
import random
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import corpus
from timing import median_seconds, timed_get


def _interleaved(connection, paths: dict, rounds: int) -> dict:
    samples = {name: [] for name in paths}
    for _ in range(rounds):
        for name, path in paths.items():
            samples[name].append(timed_get(connection, path))
    return {name: statistics.median(values) for name, values in samples.items()}


def _live_delays(server, project: Path, python: str, hook: str, rounds: int):
    """(median delay hook exit → event on the stream, median hook run time)."""
    from session_management.present.web.data import project_key

    sid = "live0000-0000-0000-0000-000000000000"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLAUDE_PROJECT")}
    env["CLAUDE_PROJECT_DIR"] = str(project)

    def send(event, **fields):
        payload = json.dumps({"session_id": sid, "hook_event_name": event, "cwd": str(project), **fields}).encode()
        started = time.perf_counter()
        subprocess.run([python, "-I", "-S", hook, event], input=payload, env=env, check=True)
        return started, time.perf_counter()

    send("SessionStart", source="startup")
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    connection.request("GET", f"/live/session/{project_key(str(project))}/{sid}?after=1")
    stream = connection.getresponse()
    time.sleep(0.5)
    delays, hook_times = [], []
    for n in range(rounds):
        started, done = send("UserPromptSubmit", prompt=f"prompt number {n}")
        while True:
            line = stream.fp.readline().decode()
            if f"prompt number {n}" in line:
                break
        delays.append(time.perf_counter() - done)
        hook_times.append(done - started)
    connection.close()
    return statistics.median(delays), statistics.median(hook_times)


def run(sessions: int, events: int, python: str, hook: str, rounds: int) -> list:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from dashboard_home import Server

    root = Path(tempfile.mkdtemp(prefix="bench-dashboard-"))
    project = root / "project"
    corpus.write_project(project, 0, sessions, 10, plant_rare=True)  # realistic sessions: prompts, answers with tokens, tools
    long_id = "long0000-0000-4000-8000-000000000000"
    corpus.write_session(project, corpus.session(random.Random(1), long_id, events, corpus.START, str(project)))
    registry_path = project / ".claude" / "runtime" / "sessions" / "registry.json"
    registry = json.loads(registry_path.read_text())
    registry["sessions"][long_id] = {"created_at": corpus.START.strftime("%Y-%m-%dT%H:%M:%S.000Z"), "status": "archived", "timeout_seconds": 3600}
    registry_path.write_text(json.dumps(registry))
    from session_management.present.web.data import project_key

    key = project_key(str(project))
    with Server([project], root / "index.sqlite") as server:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=300)
        started = time.perf_counter()
        timed_get(connection, "/")  # the first visit reads every session into the index
        cold = time.perf_counter() - started
        times = _interleaved(connection, {"list": "/", "long": f"/session/{key}/{long_id}", "static": "/static/style.css",
                                          "search": f"/search?q={corpus.RARE}"}, rounds)
        registry = project / ".claude" / "runtime" / "sessions" / "registry.json"
        changed = []
        for _ in range(rounds):  # as when a session records an event while the page is open
            os.utime(registry)
            changed.append(timed_get(connection, "/"))
        connection.close()
        delay, hook_time = _live_delays(server, project, python, hook, rounds)
    search = [python, "-m", "session_management", "search", corpus.RARE, "--project", str(project)]
    subprocess.run(search, stdout=subprocess.DEVNULL, check=True)  # its own index (the user's cache) built first
    cli_search = median_seconds(search, rounds)
    shutil.rmtree(root)
    return [
        (f"9. dashboard sessions page, {sessions} sessions, first visit (vs static)", cold, times["static"], "ms"),
        (f"9. dashboard sessions page, {sessions} sessions, warm (vs static)", times["list"], times["static"], "ms"),
        (f"9. dashboard sessions page, {sessions} sessions, a file changed (vs static)", statistics.median(changed), times["static"], "ms"),
        (f"9. dashboard session page, {events} events (vs static)", times["long"], times["static"], "ms"),
        ("9. dashboard live update: hook exit to stream (vs the hook's run)", delay, hook_time, "ms"),
        ("9. dashboard search a rare word (vs the CLI's search)", times["search"], cli_search, "ms"),
    ]
