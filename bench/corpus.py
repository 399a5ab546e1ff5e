"""A generated corpus of tracked projects for the index benchmark (and the killed-indexer test):
realistic entries — prompts, answers with token usage, tool calls with inputs and outputs,
failures, turn ends — written straight in the storage format, as the hooks leave archived
sessions. Words follow a Zipf-like law, so some are everywhere and most are rare."""

import json
import os
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

from session_management.store import snapshot

WORDS = (
    "the of and to in is for that with on file test function return value import from self def class "
    "data path config session request response model token cache index query table user project build run "
    "check failed passed update change commit branch merge module package install version python script line "
    "output input command result list dict string number parse json yaml schema field column row record event "
    "hook tool call time date log debug warning info trace span export server client port host socket thread "
    "process lock write read open close flush sync atomic rename temp directory folder name size count limit"
).split()
COMMON = "error"  # in every fifth tool output: a word that matches a fifth of the corpus
RARE = "zanzibarquux"  # planted once, in the last session of the last project
START = datetime(2026, 1, 1, tzinfo=timezone.utc)


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choices(WORDS, cum_weights=_CUMULATIVE, k=words))


_CUMULATIVE = []
for _rank in range(len(WORDS)):
    _CUMULATIVE.append((_CUMULATIVE[-1] if _CUMULATIVE else 0) + 1 / (_rank + 1))


def _entry(rng: random.Random, n: int, at: datetime) -> dict:
    kind = n % 10
    stamp = at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"
    if kind == 0:
        return {"action": "user_input", "timestamp": stamp, "details": {"prompt": _text(rng, 25)}}
    if kind in (1, 5, 9):
        usage = {"input_tokens": rng.randint(1, 50), "output_tokens": rng.randint(20, 800), "cache_creation_input_tokens": rng.randint(0, 4000),
                 "cache_read_input_tokens": rng.randint(0, 40000)}
        return {"action": "assistant_message", "timestamp": stamp, "details": {
            "message_id": f"msg_{rng.getrandbits(64):016x}", "model": "claude-sonnet-4-5", "text": _text(rng, 40), "usage": usage}}
    if kind == 8:
        return {"action": "turn_end", "timestamp": stamp, "details": {}}
    failed = kind == 7
    details = {"tool_name": rng.choice(("Bash", "Read", "Edit", "Grep")), "tool_input": {"command": _text(rng, 8)}, "duration_ms": rng.randint(5, 3000)}
    if failed:
        details["error"] = f"{COMMON}: {_text(rng, 12)}"
    else:
        details["tool_response"] = {"stdout": (f"{COMMON} " if kind == 2 else "") + _text(rng, 50)}
    return {"action": "tool_failure" if failed else "tool_use", "timestamp": stamp, "details": details}


def session(rng: random.Random, session_id: str, entries: int, start: datetime, cwd: str) -> dict:
    """One session of ``entries`` entries, seconds apart from ``start``."""
    log = [_entry(rng, n, start + timedelta(seconds=7 * n, milliseconds=rng.randint(0, 999))) for n in range(entries)]
    return {
        "session_id": session_id, "created_at": log[0]["timestamp"], "last_activity": log[-1]["timestamp"], "status": "ended",
        "timeout_seconds": 3600, "metadata": {"cwd": cwd, "end_reason": "other"}, "activity_log": log,
    }


def write_session(project: Path, data: dict) -> None:
    """Write (or rewrite) one archived session as the manager leaves it (atomically, by rename)."""
    archive = project / ".claude" / "runtime" / "sessions" / "archive"
    sid = data["session_id"]
    target = archive / f"session_{sid}.json"
    temp = archive / f".session_{sid}.json.tmp"  # no fsync: a benchmark's files need not survive a crash
    temp.write_bytes(snapshot.encode(data))
    os.replace(temp, target)
    (archive / f"session_{sid}.journal").write_text('{"journal": 1, "base": %d}\n' % len(data["activity_log"]))


def write_project(project: Path, number: int, sessions: int, entries: int, plant_rare: bool = False) -> int:
    assert entries >= 10, "a session of the corpus holds at least one whole turn"
    """``sessions`` archived sessions of ``entries`` entries each; returns the bytes written."""
    rng = random.Random(number)
    archive = project / ".claude" / "runtime" / "sessions" / "archive"
    archive.mkdir(parents=True)
    registry, written = {}, 0
    for n in range(sessions):
        sid = f"{number:04d}{n:04d}-0000-4000-8000-000000000000"
        data = session(rng, sid, entries, START + timedelta(hours=3 * n + number), str(project))
        if plant_rare and n == sessions - 1:
            data["activity_log"][entries // 20 * 10 + 2]["details"]["tool_response"] = {"stdout": f"the {RARE} migration ran"}  # a tool_use
        write_session(project, data)
        written += (archive / f"session_{sid}.json").stat().st_size
        registry[sid] = {"created_at": data["created_at"], "status": "archived", "timeout_seconds": 3600}
    (project / ".claude" / "runtime" / "sessions" / "registry.json").write_text(json.dumps({"sessions": registry}))
    return written


def write_corpus(root: Path, projects: int, sessions: int, entries: int) -> tuple:
    """``projects`` projects under ``root``; returns (their paths, JSON bytes written)."""
    paths, written = [], 0
    for number in range(projects):
        path = root / f"project-{number:02d}"
        written += write_project(path, number, sessions, entries, plant_rare=number == projects - 1)
        paths.append(path)
    return paths, written
