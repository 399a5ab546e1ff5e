"""Writer for the crash tests: sends numbered events through the hook dispatcher and
acknowledges each on stdout once the dispatcher returned; loops until killed.

Usage: python crash_hook_writer.py PROJECT_DIR FIRST_SEQ [SESSION_ID]
With CRASH_AT=POINT:K in the environment the process SIGKILLs itself at the K-th call of:
  fsync    right after a temp file was written and synced, before it replaces anything
  replace  just before an os.replace (a snapshot, the registry, or an archive/restore move)
  write    in the middle of a write: half the bytes written, then killed (a torn record)
so a series of runs with K = 1, 2, 3 … kills at every step of every write path in turn.
"""

import json
import os
import signal
import sys

from session_management.capture import dispatch as _dispatch

point, _, k = os.environ.get("CRASH_AT", "").partition(":")
calls = 0


def armed(real, torn=False, after=False):
    def wrapper(*args, **kwargs):
        global calls
        calls += 1
        if calls == int(k):
            if torn:
                real(args[0], bytes(args[1])[: max(1, len(args[1]) // 2)])
            elif after:
                real(*args, **kwargs)
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)

    return wrapper


if point == "fsync":
    os.fsync = armed(os.fsync, after=True)
elif point == "replace":
    os.replace = armed(os.replace)
elif point == "write":
    os.write = armed(os.write, torn=True)

project, seq = sys.argv[1], int(sys.argv[2])
session_id = sys.argv[3] if len(sys.argv) > 3 else "crashy"
env = {"CLAUDE_PROJECT_DIR": project}
while True:
    if seq % 6 == 0:
        name, payload = "UserPromptSubmit", {"prompt": f"prompt {seq}", "prompt_id": str(seq)}
    elif seq % 6 == 5:
        name, payload = "Stop", {"last_assistant_message": f"turn {seq}", "stop_hook_active": False}
    else:
        name, payload = "PostToolUse", {"tool_name": "Bash", "tool_input": {"command": f"echo {seq}"}, "tool_use_id": str(seq), "tool_response": {"stdout": "x" * 300}}
    payload["session_id"] = session_id
    outcome = _dispatch.handle(name, json.dumps(payload).encode(), env)
    if outcome in ("appended", "restored", "created", "repaired"):
        sys.stdout.write(f"ack {seq}\n")
        sys.stdout.flush()
    seq += 1
