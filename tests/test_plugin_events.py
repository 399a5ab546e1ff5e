"""The plugin wires what the user's Claude Code offers: ``hooks/hooks.json`` holds the events every
release since 2.1.197 knows, and each later release's new events sit in a file of their own, listed
in ``.claude-plugin/plugin.json``. A release that does not know an event in such a file ignores that
whole file, silently (no "Settings Warning", unlike settings.json), and still loads ``hooks.json``.
Proven on the real CLIs, interactive (in a pseudo-terminal, where the warning would show) and ``-p``."""

import json
import os
import pty
import re
import select
import signal
import time
from pathlib import Path

import pytest

from claude_cli import CLAUDE_CODE_OLD_VERSION, CLAUDE_CODE_VERSION, REPO, ClaudeProject, claude_binary
from fake_api import FakeAnthropic, text
from session_management.capture.events import ALL_EVENTS, NEVER, OFF_BY_DEFAULT, matcher_and_timeout, to_wire

OLDEST, NEWEST = (2, 1, 197), (2, 1, 332)
API_KEY = "sk-ant-api03-plugin-probe-not-a-secret-0123456789"


def manifest() -> dict:
    return json.loads((REPO / ".claude-plugin" / "plugin.json").read_text())


def hooks_in(relative: str) -> dict:
    return json.loads((REPO / relative).read_text())["hooks"]


def test_each_release_s_new_events_are_in_their_own_listed_file():
    """hooks.json wires 2.1.197's defaults; plugin.json lists one more file holding exactly the
    defaults 2.1.332 added; together they are what an install for 2.1.332 wires, in the same form."""
    assert manifest()["hooks"] == ["./hooks/hooks-2.1.332.json"]  # never hooks.json itself: older releases would load it twice
    base, newer = hooks_in("hooks/hooks.json"), hooks_in("hooks/hooks-2.1.332.json")
    assert list(base) == to_wire(OLDEST, {})
    assert list(newer) == [event for event in to_wire(NEWEST, {}) if event not in base]
    for event, [group] in newer.items():
        assert group.get("matcher") == matcher_and_timeout(event)[0]
        assert group["hooks"] == [{"type": "command", "command": f'sh "${{CLAUDE_PLUGIN_ROOT}}/hooks/plugin-hook.sh" {event}',
                                   "timeout": matcher_and_timeout(event)[1]}]


def test_the_docs_say_which_events_the_plugin_wires_and_which_it_leaves_out():
    """The plugin's section of docs/install.md names the file of newer events and each event in it,
    and every event the plugin leaves out (off by default or never wired), as capture/events.py has them."""
    page = (REPO / "docs" / "install.md").read_text()
    start = page.index("## As a Claude Code plugin")
    section = " ".join(page[start: page.index("\n## ", start + 1)].split())
    assert "hooks/hooks-2.1.332.json" in section and "Settings Warning" in section
    for event in hooks_in("hooks/hooks-2.1.332.json"):
        assert f"`{event}`" in section, event
    left_out = [event for event in ALL_EVENTS if event in OFF_BY_DEFAULT or event in NEVER]
    assert [event for event in left_out if f"`{event}`" not in section] == []
    assert f"{len(to_wire(OLDEST, {}))} events" in section and f"{len(to_wire(NEWEST, {}))}" in section


def interactive_start(binary: Path, project: Path, home: Path, done, seconds: float = 90.0) -> str:
    """Start the CLI interactively in a pseudo-terminal with the plugin loaded, until ``done()`` (and
    3 s more, for a dialog to draw) or ``seconds``; the screen's text (escape sequences removed)."""
    (home / ".claude.json").write_text(json.dumps({
        "hasCompletedOnboarding": True, "customApiKeyResponses": {"approved": [API_KEY[-20:]], "rejected": []},
        "projects": {str(project): {"hasTrustDialogAccepted": True}},
    }))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE", "ANTHROPIC", "COV_", "PYTHON"))}
    env.update(HOME=str(home), ANTHROPIC_BASE_URL="http://127.0.0.1:9", ANTHROPIC_API_KEY=API_KEY, TERM="xterm-256color",
               DISABLE_AUTOUPDATER="1", CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC="1")
    pid, fd = pty.fork()
    if pid == 0:  # the child: the CLI, in the project
        os.chdir(project)
        os.execve(str(binary), [str(binary), "--plugin-dir", str(REPO)], env)
    screen, deadline = b"", time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            if done() and deadline - time.monotonic() > 3:
                deadline = time.monotonic() + 3
            ready, _, _ = select.select([fd], [], [], 0.5)
            if ready:
                try:
                    screen += os.read(fd, 65536)
                except OSError:
                    break
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)
    return re.sub(r"\s+", " ", re.sub(rb"\x1b\[[0-9;?>]*[a-zA-Z]|\x1b\][^\x07]*\x07", b" ", screen).decode(errors="replace"))


@pytest.mark.parametrize("version", [CLAUDE_CODE_OLD_VERSION, CLAUDE_CODE_VERSION])
def test_an_interactive_start_shows_no_settings_warning_and_records(tmp_path, version):
    """Both releases start interactively with the plugin and show no Settings Warning; the plugin's
    SessionStart hook (from hooks.json, which the older release still loads) records the session."""
    binary = claude_binary(version)
    project, home = tmp_path / "plugin project", tmp_path / "claude-home"
    project.mkdir()
    home.mkdir()
    sessions = project / ".claude" / "runtime" / "sessions"
    recorded = lambda: any(sessions.glob("session_*.json*"))  # noqa: E731
    screen = interactive_start(binary, project, home, recorded)
    assert f"Claude Code v{version}" in screen, screen[-2000:]
    assert "Settings Warning" not in screen and "Unknown hook event" not in screen
    assert recorded(), "the plugin's SessionStart recorded nothing"


def test_the_newer_release_records_post_model_switch_through_the_plugin(tmp_path):
    """2.1.332 loads the plugin's second file: a --resume that restores another model records a
    post_model_switch entry, which hooks.json alone would miss."""
    binary = claude_binary(CLAUDE_CODE_VERSION)
    with FakeAnthropic([text("First, on haiku.", model="claude-haiku-4-5"), text("Resumed.")]) as api:
        project = ClaudeProject(tmp_path, binary, api.url)
        (project.dir / ".claude" / "settings.json").write_text("{}")  # no hooks but the plugin's
        first = project.run("hello", "--model", "claude-haiku-4-5", "--plugin-dir", str(REPO))
        project.run("--resume", first["session_id"], "and again", "--plugin-dir", str(REPO))
    record = next((project.runtime / "sessions" / "archive").glob(f"session_{first['session_id']}.json"))
    actions = [entry["action"] for entry in json.loads(record.read_text())["activity_log"]]
    assert "post_model_switch" in actions, actions
