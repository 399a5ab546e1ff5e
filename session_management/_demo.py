"""``claude-sessions demo``: replay a real Claude Code session through the real hooks.

The bundled ``demo_events.json`` was captured from the Claude Code CLI by
``tests/capture_demo_events.py`` (paths replaced by placeholders). Each event is fed to the
hook script Claude Code would run, as a separate process, into a fresh temporary project; then
the recorded session is shown and its HTML report written. No Claude Code account needed.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from ._install import HOOKS

HOOKS_DIR = Path(__file__).resolve().parent.parent / "hooks"


def run_demo(output=None) -> int:
    from .cli import CliError, main as cli_main

    events_file = Path(__file__).with_name("demo_events.json")
    if not HOOKS_DIR.is_dir():
        raise CliError(f"the hook scripts are not at {HOOKS_DIR}; run the demo from a checkout of the repository")
    project = Path(tempfile.mkdtemp(prefix="claude-sessions-demo-"))
    home = project / "home"
    text = events_file.read_text(encoding="utf-8").replace("{project}", str(project)).replace("{home}", str(home))
    events = json.loads(text)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLAUDE")}
    env["CLAUDE_PROJECT_DIR"] = str(project)
    print(f"Replaying {len(events)} events of a captured Claude Code session through the hooks into {project}", file=sys.stderr)
    for name, payload in events:
        script = HOOKS_DIR / HOOKS[name][0]
        subprocess.run([sys.executable, "-I", "-S", str(script)], input=json.dumps(payload).encode(), env=env, check=True)
    session_id = events[0][1]["session_id"]
    runtime = str(project / ".claude" / "runtime")
    print(file=sys.stderr)
    cli_main(["--runtime-dir", runtime, "show", session_id])
    report = output or str(project / "session-report.html")
    cli_main(["--runtime-dir", runtime, "export", session_id, "--format", "html", "-o", report])
    program = sys.argv[0] if os.path.basename(sys.argv[0]) == "claude-sessions" else f"{sys.executable} -m session_management"
    print(f"\nThe demo project stays in {project}; look around with:\n  {program} --runtime-dir {runtime} list", file=sys.stderr)
    return 0
