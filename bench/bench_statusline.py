"""Benchmark 10: one refresh of the status line (the command ``install --statusline`` wires, a fresh
``python -I -S`` process like a hook) against the bare interpreter doing nothing, for a 10-event and
a 5,000-event session, and beside 10 and 10,000 other recorded sessions (in the index and the day's
spend); then ``ccusage statusline`` (20.0.24, native) on the same Claude Code history.

Each measured session is mid-turn, as Claude Code runs the line: a turn harvested, then a prompt,
three tool calls and a response the hooks have not harvested yet; and one whose turn then ended in
an API error (a 429: Claude Code writes a ``<synthetic>`` response and fires StopFailure). One more
row: a refresh whose ``rate_limits`` changed, so it appends a sample to a large quota ledger."""

import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import corpus
from session_management.core.fastos import cache_dir, data_home
from session_management.store import catalog

REPO = Path(__file__).resolve().parent.parent
ENTRY = REPO / "session_management" / "present" / "statusline_entry.py"
PRICES = "prices:\n  claude-sonnet-4-5: {input_mtok: 3, output_mtok: 15, cache_write_mtok: 3.75, cache_read_mtok: 0.3}\n"
RATE_LIMITED = 'API Error: 429 {"type":"error","error":{"type":"rate_limit_error","message":"This request would exceed your rate limit."}}'


def _run(command, data: bytes, env) -> float:
    started = time.perf_counter()
    subprocess.run(command, input=data, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def _api_error() -> str:
    """The response Claude Code writes itself for a 429: model ``<synthetic>``, no request id, 0 tokens."""
    zero = dict.fromkeys(("input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"), 0)
    return json.dumps({"type": "assistant", "uuid": "0c6f1e2a-7b3d-4c5e-8f9a-0b1c2d3e4f5a", "timestamp": "2030-01-01T00:00:01.000Z",
                       "isApiErrorMessage": True, "error": "rate_limit",
                       "message": {"id": "0c6f1e2a-7b3d-4c5e-8f9a-0b1c2d3e4f5a", "model": "<synthetic>", "role": "assistant", "stop_reason": "stop_sequence",
                                   "type": "message", "usage": zero, "content": [{"type": "text", "text": RATE_LIMITED}]}}) + "\n"


def _mid_turn_session(root: Path, events: int, seed_session, hook_command, transcript_turn, sid: str, python: str, rate_limited: bool = False) -> tuple:
    """A project whose session holds ``events`` entries and is mid-turn (``rate_limited``: whose turn
    then ended in a 429); ``(stdin, env)`` for its line."""
    name = f"{events}-429" if rate_limited else f"{events}"
    project = root / f"project-{name}"
    project.mkdir()
    (project / ".claude").mkdir()
    (project / ".claude" / "session-tracking.yaml").write_text(PRICES)
    seed_session(project, events)
    home = root / "home"
    transcript = home / ".claude" / "projects" / f"-bench-{name}" / f"{sid}.jsonl"
    transcript.parent.mkdir(parents=True, exist_ok=True)
    transcript.write_text(transcript_turn(0))
    env = dict(os.environ, CLAUDE_PROJECT_DIR=str(project), HOME=str(home), TERM="xterm-256color")

    def hook(event: str, **fields) -> None:
        payload = {"session_id": sid, "hook_event_name": event, "transcript_path": str(transcript), **fields}
        subprocess.run(hook_command(event), input=json.dumps(payload).encode(), env=env, check=True)

    hook("Stop", last_assistant_message="done")  # the running totals, counted from the whole session once
    hook("UserPromptSubmit", prompt="next")
    for n in range(3):
        hook("PostToolUse", tool_name="Bash", tool_input={"command": "ls"}, tool_response={"stdout": "ok"}, tool_use_id=f"t{n}")
    with transcript.open("a") as handle:
        handle.write(transcript_turn(1) + (_api_error() if rate_limited else ""))
    if rate_limited:
        hook("StopFailure", error="rate_limit", last_assistant_message=RATE_LIMITED)
    stdin = json.dumps({"session_id": sid, "transcript_path": str(transcript), "cwd": str(project), "model": {"id": "claude-sonnet-4-5", "display_name": "Sonnet 4.5"},
                        "workspace": {"current_dir": str(project), "project_dir": str(project)}, "version": "2.1.332",
                        "rate_limits": {"five_hour": {"used_percentage": 12}, "seven_day": {"used_percentage": 30}}}).encode()
    return stdin, env


def _large_ledger(stdin: bytes, env, lines: int) -> tuple:
    """A quota ledger of ``lines`` samples in ``env``'s data home, and two stdins whose figures differ,
    so that each refresh, taking them in turn, appends a sample."""
    ledger = Path(data_home(env)) / "quota" / "ledger.jsonl"
    ledger.parent.mkdir(parents=True, exist_ok=True)
    sample = '{"t":1796650000.000,"session":"5a1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0","model":"claude-sonnet-4-5",'
    ledger.write_text("".join(f'{sample}"five_hour":{{"used":{n % 100},"resets_at":{1796650000 + n // 100 * 18000}}}}}\n' for n in range(lines)))
    payload = json.loads(stdin)
    stdins = []
    for used in (40, 41):
        payload["rate_limits"] = {"five_hour": {"used_percentage": used, "resets_at": 1796668000}, "seven_day": {"used_percentage": 30, "resets_at": 1797200000}}
        stdins.append(json.dumps(payload).encode())
    return stdins, lines


def _history(home: Path, megabytes: int, transcript_turn) -> int:
    """Claude Code transcripts of other sessions under ``home/.claude/projects``, about ``megabytes`` MB."""
    turn = transcript_turn(0)
    written, n = 0, 0
    while written < megabytes * 1_000_000:
        folder = home / ".claude" / "projects" / f"-history-{n % 50}"
        folder.mkdir(parents=True, exist_ok=True)
        text = "".join(transcript_turn(t).replace("msg_", f"msg_{n}_").replace("req_", f"req_{n}_") for t in range(max(1, 1_000_000 // len(turn))))
        (folder / f"{n:08d}-0000-4000-8000-000000000000.jsonl").write_text(text)
        written += len(text)
        n += 1
    return written


def _ccusage():
    """ccusage's script, installed with npm on first use as the tests do; None if it cannot be."""
    import pytest
    from claude_cli import ccusage_command

    try:
        return ccusage_command()[0]
    except (pytest.skip.Exception, pytest.fail.Exception):  # how the helper says npm could not install it
        return None


def run(python: str, rounds: int, big: int, others: int, history_mb: int, seed_session, hook_command, transcript_turn, sid: str) -> list:
    root = Path(tempfile.mkdtemp(prefix="bench-statusline-"))
    floor = [python, "-I", "-S", "-c", "import sys; sys.stdin.read()"]
    line = [python, "-I", "-S", str(ENTRY)]
    small_in, small_env = _mid_turn_session(root, 10, seed_session, hook_command, transcript_turn, sid, python)
    big_in, big_env = _mid_turn_session(root, big, seed_session, hook_command, transcript_turn, sid, python)
    error_in, error_env = _mid_turn_session(root, 10, seed_session, hook_command, transcript_turn, sid, python, rate_limited=True)
    quota_ins, ledger_lines = _large_ledger(small_in, small_env, big * 20)
    commands = {"floor": (floor, small_in, small_env), "10": (line, small_in, small_env), "big": (line, big_in, big_env), "429": (line, error_in, error_env),
                "quota": (line, None, small_env)}
    samples = {name: [] for name in commands}
    for round_ in range(rounds):
        for name, (command, data, env) in commands.items():
            samples[name].append(_run(command, quota_ins[round_ % 2] if name == "quota" else data, env))
    # Then the same with many sessions recorded beside it: projects in the catalog, the index built,
    # each project's spend in today's file.
    paths, _ = corpus.write_corpus(root / "others", 10, others // 10, 10)
    for path in paths:
        catalog.add(catalog.home(big_env), str(path))
    subprocess.run([python, "-m", "session_management", "index"], env=big_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    project = Path(big_env["CLAUDE_PROJECT_DIR"])
    spent = json.loads((project / ".claude" / "runtime" / "tallies" / f"{sid}.json").read_text())["by_model"]
    day = {"day": time.strftime("%Y-%m-%d", time.gmtime()), "projects": {str(path): spent for path in [*paths, project]}, "warned": []}
    Path(cache_dir(big_env), "spend-today.json").write_text(json.dumps(day))
    crowded = {"floor": (floor, big_in, big_env), "crowded": (line, big_in, big_env)}
    crowded_samples = {name: [] for name in crowded}
    for _ in range(rounds):
        for name, (command, data, env) in crowded.items():
            crowded_samples[name].append(_run(command, data, env))
    med = {name: statistics.median(values) for name, values in {**samples, **crowded_samples}.items()}
    rows = [
        ("10. status line, 10-event session, vs python -I -S doing nothing", med["10"], statistics.median(samples["floor"]), "ms"),
        (f"10. status line, {big:,}-event session, vs python -I -S", med["big"], statistics.median(samples["floor"]), "ms"),
        (f"10. status line, {big:,}-event session vs 10-event", med["big"], med["10"], "ms"),
        ("10. status line after an API error (429), vs python -I -S", med["429"], statistics.median(samples["floor"]), "ms"),
        (f"10. status line recording a rate_limits sample, {ledger_lines:,}-line quota ledger, vs python -I -S", med["quota"], statistics.median(samples["floor"]), "ms"),
        (f"10. status line beside {others:,} sessions vs python -I -S", med["crowded"], statistics.median(crowded_samples["floor"]), "ms"),
    ]
    ccusage = _ccusage()
    if ccusage:
        written = _history(Path(big_env["HOME"]), history_mb, transcript_turn)
        env = dict(big_env, CLAUDE_CONFIG_DIR=str(Path(big_env["HOME"]) / ".claude"))
        theirs = [ccusage, "statusline", "--offline", "--no-cache"]
        both = {"ours": [], "ccusage": []}
        for _ in range(max(rounds // 5, 3)):
            both["ours"].append(_run(line, big_in, env))
            both["ccusage"].append(_run(theirs, big_in, env))
        rows.append((f"10. ccusage statusline, {written / 1e6:,.0f} MB of transcripts, vs ours", statistics.median(both["ccusage"]), statistics.median(both["ours"]), "ms"))
    else:
        rows.append(("10. ccusage statusline: skipped", None, None, "ccusage could not be installed with npm"))
    shutil.rmtree(root)
    return rows
