"""Benchmark 12: ``claude-sessions limits --json`` and the dashboard's ``/limits`` page on a large quota
ledger (a sample every five minutes for about a year: 100,000 lines, 14 MB) beside a small one (1,000
lines, the last three and a half days of the same series), over a project whose sessions the current
windows' spend is joined with. Baselines in the same run, interleaved: ``limits`` against a bare
Python reading the same ledger with ``json`` (the least any reader of the whole file pays), the page
against a static file from the same server."""

import http.client
import json
import os
import random
import shutil
import statistics
import subprocess
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import corpus
from timing import interleaved_medians, timed_get

STEP = 300  # seconds between samples: a busy subscriber's refreshes, each with a changed figure
FIVE, WEEK = 5 * 3600, 7 * 86400
SID = "5a1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"


def write_ledger(path: Path, lines: int, now: float) -> None:
    """``lines`` samples ending a minute ago, each in the 5-hour and weekly windows its time falls in
    (the current ones resetting in 3 hours and in 4 days), used rising through each window; a limit
    hit in every tenth 5-hour window."""
    five_base, week_base = int(now) + 3 * 3600, int(now) + 4 * 86400
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        for n in range(lines):
            t = now - 60 - (lines - 1 - n) * STEP
            five = five_base - int((five_base - t) // FIVE) * FIVE
            week = week_base - int((week_base - t) // WEEK) * WEEK
            five_used = round((t - (five - FIVE)) / FIVE * 100, 1)
            week_used = round((t - (week - WEEK)) / WEEK * 90, 1)
            handle.write(json.dumps({"t": round(t, 3), "session": SID, "model": "claude-sonnet-4-5", "five_hour": {"used": min(five_used, 100), "resets_at": five},
                                     "seven_day": {"used": week_used, "resets_at": week}}, separators=(",", ":")) + "\n")
            if five_used >= 100 and (five // FIVE) % 10 == 0:
                handle.write(json.dumps({"t": round(t, 3), "session": SID, "hit": "five_hour", "resets_at": five, "message": "You've hit your 5-hour limit"}) + "\n")


def write_project(project: Path, sessions: int, recent: int, now: float) -> None:
    """``sessions`` archived sessions from January (the corpus), and ``recent`` more within the last two hours."""
    corpus.write_project(project, 0, sessions, 20)
    registry_path = project / ".claude" / "runtime" / "sessions" / "registry.json"
    registry = json.loads(registry_path.read_text())
    start = datetime.fromtimestamp(now, timezone.utc) - timedelta(hours=2)
    rng = random.Random(7)
    for n in range(recent):
        sid = f"recent{n:02d}-0000-4000-8000-000000000000"
        data = corpus.session(rng, sid, 40, start + timedelta(minutes=5 * n), str(project))
        corpus.write_session(project, data)
        registry["sessions"][sid] = {"created_at": data["created_at"], "status": "archived", "timeout_seconds": 3600}
    registry_path.write_text(json.dumps(registry))


def run(python: str, rounds: int, big: int, small: int, sessions: int) -> list:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from dashboard_home import Server
    from session_management.store import catalog

    root = Path(tempfile.mkdtemp(prefix="bench-limits-"))
    now = time.time()
    project = root / "project"
    write_project(project, sessions, 20, now)
    homes, envs = {}, {}
    for name, lines in (("big", big), ("small", small)):
        homes[name] = root / f"home-{name}"
        write_ledger(homes[name] / "quota" / "ledger.jsonl", lines, now)
        envs[name] = dict(os.environ, HOME=str(root / "home"), CLAUDE_SESSION_TRACKER_HOME=str(homes[name]))
        catalog.add(catalog.home(envs[name]), str(project))
    limits = {name: [python, "-m", "session_management", "limits", "--json"] for name in homes}
    for name in homes:  # the index built and the spend found once, as after any earlier view
        done = subprocess.run(limits[name], env=envs[name], capture_output=True, text=True, check=True)
        assert json.loads(done.stdout)["current"]["five_hour"]["spend"]["session"], "the recent sessions are in the current window"
    ledger = homes["big"] / "quota" / "ledger.jsonl"
    bare = [python, "-c", "import json, sys; [json.loads(line) for line in open(sys.argv[1], 'rb')]", str(ledger)]
    cli = interleaved_medians([limits["big"], limits["small"], bare], rounds, [envs["big"], envs["small"], envs["big"]])
    saved = os.environ.get("CLAUDE_SESSION_TRACKER_HOME")
    pages = {"big": [], "small": [], "static": []}
    with Server([project], root / "index.sqlite") as server:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=300)
        for name in ("big", "small"):  # each ledger's first visit builds the page's index
            os.environ["CLAUDE_SESSION_TRACKER_HOME"] = str(homes[name])
            timed_get(connection, "/limits")
        for _ in range(rounds):
            for name in pages:
                if name != "static":  # the page reads the data home of the server's environment at each request
                    os.environ["CLAUDE_SESSION_TRACKER_HOME"] = str(homes[name])
                pages[name].append(timed_get(connection, "/static/style.css" if name == "static" else "/limits"))
        connection.close()
    if saved is None:
        os.environ.pop("CLAUDE_SESSION_TRACKER_HOME", None)
    else:
        os.environ["CLAUDE_SESSION_TRACKER_HOME"] = saved
    page = {name: statistics.median(values) for name, values in pages.items()}
    megabytes = ledger.stat().st_size / 1e6
    shutil.rmtree(root)
    return [
        (f"12. limits --json, {big:,}-line ledger ({megabytes:.1f} MB) vs python reading it with json", cli[0], cli[2], "ms"),
        (f"12. limits --json, {big:,}-line ledger vs {small:,}-line", cli[0], cli[1], "ms"),
        (f"12. dashboard /limits, {big:,}-line ledger (vs static)", page["big"], page["static"], "ms"),
        (f"12. dashboard /limits, {big:,}-line ledger vs {small:,}-line", page["big"], page["small"], "ms"),
    ]

