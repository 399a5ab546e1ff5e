"""Benchmark 5: `claude-sessions list` over many sessions and `show` of a long one, against a
bare `json.load` of the same files, each as a fresh process."""

import json
import os
import shutil
import tempfile
from pathlib import Path

from session_management.store import snapshot
from timing import median_seconds


def _entry(n: int) -> dict:
    kinds = ("user_input", "tool_use", "tool_use", "tool_failure", "turn_end")
    action = kinds[n % len(kinds)]
    details = {"prompt": "do the thing"} if action == "user_input" else {"tool_name": "Bash", "tool_input": {"command": f"step {n}"}, "tool_response": {"stdout": "ok " * 40}, "duration_ms": 12}
    return {"action": action, "timestamp": "2026-01-01T00:%02d:%02d.000Z" % (n // 60 % 60, n % 60), "details": details}


def build_runtime(root: Path, sessions: int, events: int) -> str:
    """Archived sessions written directly in the storage format (as the hooks leave them); returns the long one's id."""
    archive = root / "sessions" / "archive"
    archive.mkdir(parents=True)
    registry = {}
    for n in range(sessions):
        sid = f"s{n:06d}-0000-0000-0000-000000000000"
        count = events if n == 0 else 20
        data = {
            "session_id": sid, "created_at": "2026-01-01T00:00:00.000Z", "last_activity": "2026-01-01T01:00:00.000Z",
            "status": "ended", "timeout_seconds": 3600, "metadata": {"cwd": "/p"}, "activity_log": [_entry(i) for i in range(count)],
        }
        (archive / f"session_{sid}.json").write_bytes(snapshot.encode(data))
        (archive / f"session_{sid}.journal").write_text('{"journal": 1, "base": %d}\n' % count)
        registry[sid] = {"created_at": data["created_at"], "status": "archived", "timeout_seconds": 3600}
    (root / "sessions" / "registry.json").write_text(json.dumps({"sessions": registry}))
    return "s000000-0000-0000-0000-000000000000"


def run(sessions: int, events: int, python: str) -> list:
    root = Path(tempfile.mkdtemp(prefix="bench-cli-reads-"))
    long_id = build_runtime(root, sessions, events)
    cli = [python, "-m", "session_management", "--runtime-dir", str(root)]
    load_all = [python, "-c", "import glob, json, sys; [json.load(open(f)) for f in glob.glob(sys.argv[1])]", str(root / "sessions" / "archive" / "*.json")]
    load_one = [python, "-c", "import json, sys; json.load(open(sys.argv[1]))", str(root / "sessions" / "archive" / f"session_{long_id}.json")]
    cold = median_seconds(cli + ["list"], 1)  # builds the summary cache
    rounds = 5
    rows = [
        (f"5. list, {sessions} sessions, first run (no cache)", cold, median_seconds(load_all, 1), "ms"),
        (f"5. list, {sessions} sessions, cached", median_seconds(cli + ["list"], rounds), median_seconds(load_all, rounds), "ms"),
        (f"5. show, one session of {events} events", median_seconds(cli + ["show", long_id[:8]], rounds), median_seconds(load_one, rounds), "ms"),
    ]
    shutil.rmtree(root)
    os.sync()
    return rows
