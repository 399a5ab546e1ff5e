"""A home for the dashboard tests: two projects with sessions recorded by the real hooks, and a
real uvicorn server over them on a free 127.0.0.1 port."""

import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from conftest import HOOK_ENTRY
from test_cli import DEMO_EVENTS, replay

XSS_PROMPT = "<script>alert('prompt')</script><img src=x onerror=\"alert('img')\"> look at this"
XSS_OUTPUT = "<img src=x onerror=alert(document.cookie)><script>alert('output')</script>fetched page"
LIVE_ID = "cccc4444-0000-0000-0000-000000000004"
XSS_ID = "dddd5555-0000-0000-0000-000000000005"
LONG_ID = "eeee6666-0000-0000-0000-000000000006"
LONG_EVENTS = 5000


def hook_event(project: Path, event: str, session_id: str, **fields) -> None:
    """Send one event through the real hook script, in a fresh process, as Claude Code does."""
    payload = {"session_id": session_id, "hook_event_name": event, "cwd": str(project), "transcript_path": str(project / "none.jsonl"), **fields}
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE", "COV_"))}
    env["CLAUDE_PROJECT_DIR"] = str(project)
    result = subprocess.run([sys.executable, "-I", "-S", str(HOOK_ENTRY), event], input=json.dumps(payload).encode(), capture_output=True, env=env, timeout=60)
    assert (result.returncode, result.stdout) == (0, b""), result.stderr


def record_long_session(project: Path, events: int) -> None:
    """A session of ``events`` tool calls, appended by the hooks' own journal path (as fast as a
    hook appends), started and stopped through the real hook script."""
    from session_management.core.timestamps import format_epoch
    from session_management.store import writer

    start = time.time()
    hook_event(project, "SessionStart", LONG_ID, source="startup")
    session_dir = str(project / ".claude" / "runtime" / "sessions")
    batch = [
        {"action": "tool_use", "timestamp": format_epoch(start + n * 0.00001),
         "details": {"tool_name": "Bash", "tool_input": {"command": f"step {n}"}, "tool_response": {"stdout": f"output of step {n}"}, "duration_ms": 5}}
        for n in range(events)
    ]
    writer.append(session_dir, LONG_ID, batch)
    hook_event(project, "Stop", LONG_ID, last_assistant_message="done")


def build_home(root: Path) -> dict:
    """Project ``alpha`` (claude-sessions-demo-…): the demo session (real hooks, transcripts, tokens, two models). Project
    ``beta``: two replayed sessions, one still live, one holding script payloads, and a 5,000-event one."""
    from session_management.present.demo import replay as demo_replay

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(root / "home"))
        for name in ("CLAUDE_SESSION_TRACKER_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "CLAUDE_PROJECT_DIR"):
            patch.delenv(name, raising=False)
        patch.setattr(tempfile, "tempdir", str(root))
        (root / "home").mkdir(exist_ok=True)
        alpha, demo_id = demo_replay()
        beta = root / "beta"
        beta.mkdir()
        replay(beta, "bbbb2222-0000-0000-0000-000000000002")
        replay(beta, LIVE_ID, DEMO_EVENTS[:2])  # a prompt, no Stop: still active
        hook_event(beta, "SessionStart", XSS_ID, source="startup")
        hook_event(beta, "UserPromptSubmit", XSS_ID, prompt=XSS_PROMPT)
        hook_event(beta, "PostToolUse", XSS_ID, tool_name="WebFetch", tool_input={"url": "https://example.com/<b>"}, tool_response=XSS_OUTPUT, tool_use_id="toolu_x1", duration_ms=40)
        hook_event(beta, "Stop", XSS_ID, last_assistant_message="<script>alert('answer')</script>")
        record_long_session(beta, LONG_EVENTS)
    return {"alpha": alpha, "beta": beta, "demo_id": demo_id, "root": root}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """The dashboard served by a real uvicorn in a thread, on 127.0.0.1."""

    def __init__(self, projects, index_path, token=None):
        import uvicorn

        from session_management.present.web.app import build_app
        from session_management.present.web.data import Data
        from session_management.present.web.guard import allowed_hosts

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        app = build_app(Data(lambda: [str(p) for p in projects], str(index_path)), allowed_hosts("127.0.0.1", self.port), token)
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", timeout_graceful_shutdown=1))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert time.monotonic() < deadline and self.thread.is_alive(), "the server did not start"
            time.sleep(0.05)
        return self

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(15)
