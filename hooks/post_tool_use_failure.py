"""Claude Code PostToolUseFailure hook, as wired by install.sh before 0.2: records the event. Exits 0, prints nothing.

Kept so those settings keep working; installs now run session_management/capture/hook.py PostToolUseFailure.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from session_management.capture.dispatch import run  # noqa: E402

run("PostToolUseFailure")
