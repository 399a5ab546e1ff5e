"""The status line in the real Claude Code TUI (2.1.332), driven in tmux against the fake API."""

import json
import shutil
import subprocess
import sys
import time

import pytest

from claude_cli import ClaudeProject, claude_binary
from conftest import REPO
from fake_api import FakeAnthropic, text

pytestmark = pytest.mark.e2e
USAGE = {"input_tokens": 5000, "output_tokens": 20000, "cache_creation_input_tokens": 40000, "cache_read_input_tokens": 300000}
PRICES = "prices:\n  claude-sonnet-4-5: {input_mtok: 3, output_mtok: 15, cache_write_mtok: 3.75, cache_read_mtok: 0.3}\n"


class Tmux:
    """One interactive program in a private tmux server, its screen read as text."""

    def __init__(self, socket: str, command: str):
        self.base = ["tmux", "-L", socket]
        subprocess.run([*self.base, "new-session", "-d", "-s", "main", "-x", "150", "-y", "40", command], check=True)

    def screen(self) -> str:
        return subprocess.run([*self.base, "capture-pane", "-p", "-t", "main"], capture_output=True, text=True).stdout

    def wait_for(self, predicate, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if predicate(screen):
                return screen
            time.sleep(0.3)
        raise AssertionError(f"not on screen within {timeout} s:\n{self.screen()}")

    def type(self, keys: str) -> None:
        subprocess.run([*self.base, "send-keys", "-t", "main", keys, "Enter"], check=True)

    def close(self) -> None:
        subprocess.run([*self.base, "kill-server"], capture_output=True)


def status_row(screen: str) -> str:
    """The line under the prompt box: Claude Code prints the status line there."""
    rows = screen.splitlines()
    boxes = [n for n, row in enumerate(rows) if row.startswith("────")]
    return rows[boxes[-1] + 1].strip()


def test_the_tui_shows_this_sessions_cost_after_the_first_answer(tmp_path):
    """With install --statusline, the line under the prompt shows this session's cost once the first
    answer is in, equal to `show --json`'s to the cent, and nothing else on screen comes from us."""
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    with FakeAnthropic([text("Hello from the fake API", usage=USAGE, model="claude-sonnet-4-5")]) as api:
        project = ClaudeProject(tmp_path, claude_binary(), api.url)
        trust = json.loads((project.home / ".claude.json").read_text())
        trust["customApiKeyResponses"] = {"approved": [project.env()["ANTHROPIC_API_KEY"][-20:]], "rejected": []}
        (project.home / ".claude.json").write_text(json.dumps(trust))
        (project.dir / ".claude" / "session-tracking.yaml").write_text(PRICES)
        done = subprocess.run([sys.executable, "-m", "session_management", "install", str(project.dir), "--statusline", "--claude", str(project.binary)],
                              capture_output=True, text=True, cwd=REPO, timeout=120)
        assert done.returncode == 0, done.stderr
        script = tmp_path / "claude.sh"
        exports = "".join(f"export {key}={json.dumps(value)}\n" for key, value in project.env().items() if key.isidentifier())
        script.write_text(f"{exports}cd {json.dumps(str(project.dir))}\nexec {json.dumps(str(project.binary))}\n")
        tui = Tmux(f"statusline-{tmp_path.name}", f"bash {script}")
        try:
            tui.wait_for(lambda screen: "today $0.00" in screen)  # the first refresh, at start-up
            tui.type("say hello")
            screen = tui.wait_for(lambda screen: "Hello from the fake API" in screen and "session " in status_row(screen))
            time.sleep(1)  # the Stop hook's harvest and any refresh after it
            screen = tui.screen()
        finally:
            tui.close()
        [session_id] = [path.stem for path in (project.runtime / "tallies").iterdir()]
        show = subprocess.run([sys.executable, "-m", "session_management", "--runtime-dir", str(project.runtime), "show", session_id, "--json"],
                              capture_output=True, text=True, cwd=REPO, env=project.env(), timeout=60)
        cost = json.loads(show.stdout)["usage"]["cost_usd"]
    row = status_row(screen)
    assert cost > 0.1
    assert f"session 365.0k tok ${cost:,.2f}" in row and f"today ${cost:,.2f} here, ${cost:,.2f} all" in row, row
    above = screen[: screen.index(row)]
    for ours in ("Stop says", "hook error", "Traceback", "claude-sessions", "systemMessage", "session-tracker"):
        assert ours not in above, f"{ours!r} on screen:\n{screen}"
