"""A real OTLP backend for the export tests: Arize Phoenix from PyPI, installed on first use into a
cached virtualenv under .cache/, served on free 127.0.0.1 ports with its data in a temp dir."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# Pinned so a new release cannot break CI overnight.
PHOENIX_VERSION = "20.26.1"
VENV = REPO / ".cache" / f"phoenix-{PHOENIX_VERSION}"


def phoenix_command() -> list:
    """``phoenix`` from its cached virtualenv, installed on first use. Skips (fails under CI=true) if it cannot be."""
    marker = VENV / "installed"
    if not marker.exists():
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], capture_output=True, text=True)
        if done.returncode == 0:
            done = subprocess.run(
                [str(VENV / "bin" / "python"), "-m", "pip", "install", "-q", f"arize-phoenix=={PHOENIX_VERSION}"],
                capture_output=True, text=True, timeout=900,
            )
        if done.returncode != 0:
            reason = f"cannot install arize-phoenix=={PHOENIX_VERSION}: {done.stderr[-2000:]}"
            if os.environ.get("CI") == "true":
                pytest.fail(reason + " (CI=true: the OTLP tests must run)")
            pytest.skip(reason)
        marker.write_text(f"installed in {time.monotonic() - started:.0f} s\n")
    # Through the venv's python, not the ``phoenix`` script: a script's shebang names the path the
    # venv was made at, and a cache reached through another path (a symlink, a moved checkout) breaks it.
    return [str(VENV / "bin" / "python"), "-m", "phoenix.server.main"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Phoenix:
    """``phoenix serve`` on 127.0.0.1; ``stop()`` and ``start()`` again keep its data (same working dir)."""

    def __init__(self, working_dir: Path):
        self.working_dir = working_dir
        self.port, self.grpc_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None

    def start(self, timeout: float = 120.0) -> None:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("PHOENIX_", "OTEL_", "COV_", "COVERAGE_"))},
            "PHOENIX_WORKING_DIR": str(self.working_dir),
            "PHOENIX_HOST": "127.0.0.1",
            "PHOENIX_PORT": str(self.port),
            "PHOENIX_GRPC_PORT": str(self.grpc_port),
            "PHOENIX_TELEMETRY_ENABLED": "false",
        }
        log = open(self.working_dir / "phoenix.log", "ab")
        self.process = subprocess.Popen([*phoenix_command(), "serve"], env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"phoenix exited with {self.process.returncode}; see {self.working_dir / 'phoenix.log'}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"phoenix did not answer within {timeout} s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def spans(self, project: str) -> list:
        """Every span of ``project``, through the REST API (``GET /v1/projects/{project}/spans``, paged)."""
        found, cursor = [], None
        while True:
            query = "?limit=1000" + (f"&cursor={cursor}" if cursor else "")
            try:
                with urllib.request.urlopen(f"{self.url}/v1/projects/{project}/spans{query}", timeout=10) as answer:
                    page = json.load(answer)
            except urllib.error.HTTPError as exc:
                if exc.code == 404:  # the project appears with its first span
                    return []
                raise
            found.extend(page["data"])
            cursor = page.get("next_cursor")
            if not cursor:
                return found

    def wait_for_spans(self, project: str, count: int, timeout: float = 60.0) -> list:
        """The project's spans once there are at least ``count`` (ingestion is asynchronous)."""
        deadline = time.monotonic() + timeout
        while True:
            spans = self.spans(project)
            if len(spans) >= count or time.monotonic() > deadline:
                return spans
            time.sleep(0.3)
