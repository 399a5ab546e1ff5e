"""Claude Code PostToolUseFailure hook: records the event under .claude/runtime/. Always exits 0, prints nothing."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from session_management._dispatch import run  # noqa: E402

run("PostToolUseFailure")
