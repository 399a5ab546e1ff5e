"""Regenerate session_management/present/demo_events.json and demo_transcripts.json from the
real Claude Code CLI.

Runs a small two-turn session (parallel tools, a failing command, a subagent) against the fake
API, with realistic token usage, and a hook that only copies each event and, at each turn end,
notes how many lines each transcript had then; machine-specific paths become placeholders.
Usage: python tests/capture_demo_events.py
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
from session_management.capture.events import HARVEST_EVENTS, matcher_and_timeout, to_wire  # noqa: E402

def usage(i, o, write_5m=0, write_1h=0, read=0):
    return {"input_tokens": i, "output_tokens": o, "cache_read_input_tokens": read, "cache_creation_input_tokens": write_5m + write_1h,
            "cache_creation": {"ephemeral_5m_input_tokens": write_5m, "ephemeral_1h_input_tokens": write_1h}}


SUBAGENT_PROMPT = "Which file parses the config?"
SCRIPT = [
    tools(("Bash", {"command": "ls"}), ("Read", {"file_path": "{project}/notes.md"}), say="Let me look around.", usage=usage(4, 96, write_5m=14200)),
    tools(("Bash", {"command": "python3 -c 'import sys; print(\"2 tests failed\"); sys.exit(1)'"}), usage=usage(6, 71, write_5m=380, read=14200)),
    tools(("Agent", {"description": "Find the parser", "prompt": SUBAGENT_PROMPT, "subagent_type": "general-purpose", "run_in_background": False}), usage=usage(5, 88, write_5m=410, read=14580)),
    text("Found it: parse.py drops line numbers. I fixed the error message.", usage=usage(7, 164, write_5m=520, read=14990)),
    tools(("Bash", {"command": "echo all tests passed"}), usage=usage(9, 58, write_1h=600, read=15510)),
    text("All tests pass now.", usage=usage(4, 23, read=16110)),
]
ROUTES = {SUBAGENT_PROMPT: [
    tools(("Grep", {"pattern": "def parse", "path": "{project}"}), usage=usage(12, 61, write_5m=6100), model="claude-haiku-4-5"),
    text("The parser is in parse.py.", usage=usage(3, 19, read=6100), model="claude-haiku-4-5"),
]}
PROMPTS = ["Find the failing test and fix it", "Run the tests again"]


COPY = """
import json, os, sys
data = json.loads(sys.stdin.read())
if data.get("hook_event_name") in sys.argv[2].split(","):
    main = data.get("transcript_path") or ""
    folder = os.path.join(main[: -len(".jsonl")], "subagents")
    files = [main] + [os.path.join(folder, n) for n in (sorted(os.listdir(folder)) if os.path.isdir(folder) else []) if n.endswith(".jsonl")]
    data["_transcript_lines"] = {f: open(f, "rb").read().count(b"\\n") for f in files if os.path.isfile(f)}
open(sys.argv[1], "a").write(json.dumps(data) + "\\n")
"""


def capture(workdir: Path) -> tuple:
    """Run the scenario; return ([event name, payload] pairs, transcripts) with paths made generic."""
    binary = claude_binary() if "pytest" in sys.modules else _binary_or_exit()
    out = workdir / "events.jsonl"
    copy = f"{shlex.quote(sys.executable)} -I -c {shlex.quote(COPY)} {shlex.quote(str(out))} {','.join(sorted(HARVEST_EVENTS))}"
    events = to_wire(tuple(int(part) for part in CLAUDE_CODE_VERSION.split(".")), {})
    settings = {"hooks": {event: [{**({"matcher": "*"} if matcher_and_timeout(event)[0] else {}), "hooks": [{"type": "command", "command": copy}]}] for event in events}}
    script = json.loads(json.dumps(SCRIPT).replace("{project}", str(workdir / "project dir")))
    routes = json.loads(json.dumps(ROUTES).replace("{project}", str(workdir / "project dir")))
    with FakeAnthropic(script, routes) as api:
        project = ClaudeProject(workdir, binary, api.url)
        (project.dir / ".claude" / "settings.json").write_text(json.dumps(settings))
        (project.dir / "notes.md").write_text("# Notes\n\nThe parser loses line numbers.\n")
        (project.dir / "parse.py").write_text("def parse(text):\n    return text.split()\n")
        project.run_turns(PROMPTS, "--allowedTools", "Bash Read Grep Agent")
    recorded = [json.loads(line) for line in out.read_text().splitlines()]
    files = {}
    cuts = {}
    for index, payload in enumerate(recorded):
        lines = payload.pop("_transcript_lines", None)
        if lines:
            cuts[str(index)] = lines
            for path in lines:
                files[path] = Path(path).read_text(encoding="utf-8")
    generic = lambda value: json.loads(json.dumps(value).replace(str(project.dir), "{project}").replace(str(project.home), "{home}"))  # noqa: E731
    events = generic([[e["hook_event_name"], e] for e in recorded])
    return events, generic({"files": files, "cuts": cuts})


def _binary_or_exit():
    from claude_cli import _binary

    if not _binary(CLAUDE_CODE_VERSION).exists():
        sys.exit("install the CLI first: run the tests once (they install it with npm)")
    return _binary(CLAUDE_CODE_VERSION)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        events, transcripts = capture(Path(tmp))
    folder = REPO / "session_management" / "present"
    (folder / "demo_events.json").write_text(json.dumps(events, indent=1) + "\n")
    (folder / "demo_transcripts.json").write_text(json.dumps(transcripts, indent=1) + "\n")
    print(f"wrote {len(events)} events and {len(transcripts['files'])} transcripts to {folder}")
