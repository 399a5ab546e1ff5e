"""``claude-sessions demo``: replay a real Claude Code session through the real hook entry.

The bundled ``demo_events.json`` was captured from the Claude Code CLI by
``tests/capture_demo_events.py`` (paths replaced by placeholders). Each event is fed to the hook
command Claude Code would run, as a separate process, into a fresh temporary project. No Claude
Code account needed, and no checkout: it runs from an installed package too.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from ..install.wiring import entry_script


def replay() -> tuple:
    """Record the captured session into a new temporary project; return ``(project, session_id)``."""
    events_file = Path(__file__).with_name("demo_events.json")
    project = Path(tempfile.mkdtemp(prefix="claude-sessions-demo-"))
    home = project / "home"
    text = events_file.read_text(encoding="utf-8").replace("{project}", str(project)).replace("{home}", str(home))
    events = json.loads(text)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLAUDE")}
    env["CLAUDE_PROJECT_DIR"] = str(project)
    print(f"Replaying {len(events)} events of a captured Claude Code session through the hooks into {project}", file=sys.stderr)
    for name, payload in events:
        subprocess.run([sys.executable, "-I", "-S", entry_script(), name], input=json.dumps(payload).encode(), env=env, check=True)
    return project, events[0][1]["session_id"]
