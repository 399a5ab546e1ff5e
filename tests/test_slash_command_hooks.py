"""A custom slash command and `/compact` typed into the real Claude Code TUI (2.1.332 and 2.1.197), in
tmux, against the fake API, recorded by our hooks: one prompt as the person typed it and one local
command, the same as `claude-sessions import` reads from the transcript the CLI wrote."""

import json
import shutil
import subprocess
import sys
import time

import pytest

from claude_cli import CLAUDE_CODE_OLD_VERSION, CLAUDE_CODE_VERSION, ClaudeProject, claude_binary
from conftest import REPO
from fake_api import FakeAnthropic, text
from test_statusline_tui import Tmux

pytestmark = pytest.mark.e2e
COMMAND = "---\ndescription: Review a change\n---\nReview change $ARGUMENTS.\n"
EXPANDED = "Review change 42."


class Typist(Tmux):
    """The TUI typed into like a person: the words, a pause, then Enter (a fast Enter can be taken as
    part of a paste, or as choosing from the slash-command menu)."""

    def type(self, words: str) -> None:
        subprocess.run([*self.base, "send-keys", "-t", "main", "-l", words], check=True)
        time.sleep(0.8)
        subprocess.run([*self.base, "send-keys", "-t", "main", "Enter"], check=True)


def cli(project: ClaudeProject, *args, env=None):
    """``claude-sessions --runtime-dir RUNTIME ARGS --json`` (``env``: ``claude-sessions ARGS --json`` with that environment), parsed."""
    where = [] if env else ["--runtime-dir", str(project.runtime)]
    done = subprocess.run([sys.executable, "-m", "session_management", *where, *args, "--json"],
                          capture_output=True, text=True, cwd=REPO, env=env or project.env(), timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def typed(log: list) -> tuple:
    """What the person typed, as recorded: the prompts and the commands Claude Code ran itself, without the import's own keys."""
    def said(entry):
        return {key: entry["details"][key] for key in ("prompt", "command", "args") if key in entry["details"]}
    return [said(e) for e in log if e["action"] == "user_input"], [said(e) for e in log if e["action"] == "local_command"]


def imported_log(project: ClaudeProject, tmp_path) -> list:
    """The session as `claude-sessions import` reads the transcript the CLI wrote, the hooks' records moved aside."""
    project.runtime.rename(tmp_path / "hooks-runtime")
    env = dict(project.env(), HOME=str(tmp_path / "import-home"), CLAUDE_CONFIG_DIR=str(project.home / ".claude"))
    cli(project, "import", env=env)
    [listed] = cli(project, "list", "--all-projects", env=env)
    assert listed["prompts"] == 2
    return cli(project, "show", listed["session_id"], env=env)["session"]["activity_log"]


def compacted(project: ClaudeProject) -> bool:
    """Whether the hooks recorded the end of a compaction (PostCompact) yet (a file replaced while read: not yet)."""
    try:
        return any(b"post_compact" in path.read_bytes() for path in (project.runtime / "sessions").rglob("*") if path.is_file())
    except OSError:
        return False


@pytest.mark.parametrize("version", [CLAUDE_CODE_VERSION, CLAUDE_CODE_OLD_VERSION])
def test_a_custom_command_is_one_prompt_as_typed_and_compact_is_a_local_command(tmp_path, version):
    """`/proofread 42` then a plain prompt then `/compact`, typed into the TUI: `list` and `show` count 2
    prompts, the first `/proofread 42` (command `/proofread`, args `42`), none holds the expanded text,
    `/compact` is a local command, not a prompt; importing the transcript records the same."""
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    replies = [text("Change 42 looks fine."), text("Plain answer."), text("Summary: change 42 reviewed.")]
    with FakeAnthropic(replies) as api:
        project = ClaudeProject(tmp_path, claude_binary(version), api.url)
        (project.dir / ".claude" / "commands").mkdir()
        (project.dir / ".claude" / "commands" / "proofread.md").write_text(COMMAND)
        config = json.loads((project.home / ".claude.json").read_text())
        config["customApiKeyResponses"] = {"approved": [project.env()["ANTHROPIC_API_KEY"][-20:]], "rejected": []}
        (project.home / ".claude.json").write_text(json.dumps(config))
        (project.home / ".claude").mkdir(exist_ok=True)
        (project.home / ".claude" / "settings.json").write_text(json.dumps({"tui": "default"}))  # no fullscreen-renderer dialog
        script = tmp_path / "claude.sh"
        exports = "".join(f"export {key}={json.dumps(value)}\n" for key, value in project.env().items() if key.isidentifier())
        script.write_text(f"{exports}cd {json.dumps(str(project.dir))}\nexec {json.dumps(str(project.binary))}\n")
        tui = Typist(f"slash-{version}-{tmp_path.name}", f"bash {script}")
        try:
            tui.wait_for(lambda screen: "? for" in screen or "shift+tab" in screen)
            tui.type("/proofread 42")
            tui.wait_for(lambda screen: "Change 42 looks fine." in screen)
            tui.type("and now a plain question")
            tui.wait_for(lambda screen: "Plain answer." in screen)
            time.sleep(1)
            tui.type("/compact")
            deadline = time.monotonic() + 60
            while not compacted(project) and time.monotonic() < deadline:
                time.sleep(0.5)
            time.sleep(2)  # the hooks after it
            screen = tui.screen()
        finally:
            tui.close()
    [listed] = cli(project, "list")
    log = cli(project, "show", listed["session_id"])["session"]["activity_log"]
    prompts = [entry["details"] for entry in log if entry["action"] == "user_input"]
    assert listed["prompts"] == 2, screen
    assert [said["prompt"] for said in prompts] == ["/proofread 42", "and now a plain question"]
    assert (prompts[0]["command"], prompts[0]["args"]) == ("/proofread", "42")
    assert not any(EXPANDED in json.dumps(said) for said in prompts)
    [expansion] = [entry["details"] for entry in log if entry["action"] == "user_prompt_expansion"]  # the command, apart from the prompt
    assert (expansion["command_name"], expansion["command_args"], expansion["expansion_type"]) == ("proofread", "42", "slash_command")
    commands = [entry["details"] for entry in log if entry["action"] == "local_command"]
    assert commands == [{"prompt": "/compact", "command": "/compact"}]  # run by the CLI itself, as the import records it
    assert [entry["details"]["trigger"] for entry in log if entry["action"] == "compaction"] == ["manual"]
    shown = subprocess.run([sys.executable, "-m", "session_management", "--runtime-dir", str(project.runtime), "show", listed["session_id"]],
                           capture_output=True, text=True, cwd=REPO, env=project.env(), timeout=60).stdout
    assert [row.split("  prompt", 1)[1].strip() for row in shown.splitlines() if "  prompt  " in row] == ['"/proofread 42"', '"and now a plain question"']
    assert "expansion  /proofread 42  expanded (slash_command" in shown and "/compact  (run by Claude Code itself" in shown, shown
    imported = imported_log(project, tmp_path)
    assert typed(imported) == typed(log)  # one reading: the hooks and the import of the same session agree
    assert [e["details"].get("expansion", "").strip() for e in imported if e["action"] == "user_input"] == [EXPANDED, ""]
