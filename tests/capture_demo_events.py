"""Regenerate session_management/present/demo_events.json from the real Claude Code CLI.

Runs a small two-turn session (parallel tools, a failing command, a subagent) against the fake
API with a hook that only copies each event, then replaces machine-specific paths with
placeholders. Usage: python tests/capture_demo_events.py
"""

import json
import shlex
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from claude_cli import CLAUDE_CODE_VERSION, REPO, ClaudeProject, claude_binary  # noqa: E402
from fake_api import FakeAnthropic, text, tools  # noqa: E402
from session_management.capture.events import ORIGINAL, matcher_and_timeout  # noqa: E402

SCRIPT = [
    tools(("Bash", {"command": "ls"}), ("Read", {"file_path": "{project}/notes.md"}), say="Let me look around."),
    tools(("Bash", {"command": "python3 -c 'import sys; print(\"2 tests failed\"); sys.exit(1)'"})),
    tools(("Agent", {"description": "Find the parser", "prompt": "Which file parses the config?", "subagent_type": "general-purpose"})),
    tools(("Grep", {"pattern": "def parse", "path": "{project}"})),
    text("The parser is in parse.py."),
    text("Found it: parse.py drops line numbers. I fixed the error message."),
    tools(("Bash", {"command": "echo all tests passed"})),
    text("All tests pass now."),
]
PROMPTS = ["Find the failing test and fix it", "Run the tests again"]


def capture(workdir: Path) -> list:
    """Run the scenario; return [event name, payload] pairs with paths made generic."""
    binary = claude_binary() if "pytest" in sys.modules else _binary_or_exit()
    out = workdir / "events.jsonl"
    copy = f"{shlex.quote(sys.executable)} -I -c " + shlex.quote(
        "import sys; data = sys.stdin.read(); open(sys.argv[1], 'a').write(data.replace('\\n', ' ') + '\\n')"
    ) + f" {shlex.quote(str(out))}"
    settings = {"hooks": {event: [{**({"matcher": "*"} if matcher_and_timeout(event)[0] else {}), "hooks": [{"type": "command", "command": copy}]}] for event in sorted(ORIGINAL)}}
    script = json.loads(json.dumps(SCRIPT).replace("{project}", str(workdir / "project dir")))
    with FakeAnthropic(script) as api:
        project = ClaudeProject(workdir, binary, api.url)
        (project.dir / ".claude" / "settings.json").write_text(json.dumps(settings))
        (project.dir / "notes.md").write_text("# Notes\n\nThe parser loses line numbers.\n")
        (project.dir / "parse.py").write_text("def parse(text):\n    return text.split()\n")
        project.run_turns(PROMPTS, "--allowedTools", "Bash Read Grep Agent")
    events = [json.loads(line) for line in out.read_text().splitlines()]
    text_form = json.dumps([[e["hook_event_name"], e] for e in events])
    text_form = text_form.replace(str(project.dir), "{project}").replace(str(project.home), "{home}")
    return json.loads(text_form)


def _binary_or_exit():
    from claude_cli import _binary

    if not _binary(CLAUDE_CODE_VERSION).exists():
        sys.exit("install the CLI first: run the tests once (they install it with npm)")
    return _binary(CLAUDE_CODE_VERSION)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        events = capture(Path(tmp))
    target = REPO / "session_management" / "present" / "demo_events.json"
    target.write_text(json.dumps(events, indent=1) + "\n")
    print(f"wrote {len(events)} events to {target}")
