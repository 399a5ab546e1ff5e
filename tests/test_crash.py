"""Crash safety: a writer killed with SIGKILL at many random points loses nothing it acknowledged."""

import json
import os
import random
import signal
import subprocess
import time

from conftest import PYTHON, REPO, python_env
from session_management import SessionManager

KILLS = int(os.environ.get("CRASH_KILLS", "60"))


def all_files_parse(session_dir):
    for path in list(session_dir.rglob("*.json")):
        json.loads(path.read_text(encoding="utf-8"))
    for path in session_dir.rglob("*.journal"):
        lines = [line for line in path.read_bytes().split(b"\n") if line.strip()]
        json.loads(lines[0])  # the header is always whole
        torn = 0
        for line in lines[1:]:
            try:
                json.loads(line)
            except ValueError:
                torn += 1
        assert torn <= 1 * KILLS


def test_sigkill_at_random_points_loses_no_acknowledged_entry(session_dir):
    """After every kill all files parse, every acknowledged entry is there once, and temp files stay bounded."""
    rng = random.Random(1234)
    acked = set()
    next_seq = 0
    env = python_env(measured=False)
    for kill in range(KILLS):
        writer = subprocess.Popen(
            [PYTHON, str(REPO / "tests" / "crash_writer.py"), str(session_dir), str(next_seq)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            bufsize=0,  # unbuffered: a buffered readline() of "ready" could swallow acks that communicate() then never sees
        )
        # Kill while it writes, not while Python starts (which takes longer than the window on a loaded machine).
        assert writer.stdout.readline() == b"ready\n", writer.communicate()[1].decode()
        time.sleep(rng.uniform(0.05, 0.25))
        writer.send_signal(signal.SIGKILL)
        out, err = writer.communicate()
        assert writer.returncode == -signal.SIGKILL, err.decode()
        acks = [int(line.split()[1]) for line in out.decode().splitlines() if line.startswith("ack ")]
        acked.update(acks)
        next_seq = (max(acks) + 1 if acks else next_seq) + 1  # skip the possibly in-flight number

        all_files_parse(session_dir)
        log = SessionManager(str(session_dir)).get_session("crashy").activity_log if acked else []
        seqs = [e["details"]["seq"] for e in log]
        assert len(seqs) == len(set(seqs)), f"duplicate entries after kill {kill}"
        missing = acked - set(seqs)
        assert not missing, f"acknowledged entries lost after kill {kill}: {sorted(missing)[:5]}"
        temps = [p for p in session_dir.rglob("*.tmp")]
        assert len(temps) <= 3, f"temp files accumulate: {temps}"
    assert len(acked) > KILLS  # the writers did real work between kills
    assert not list(session_dir.rglob("*.corrupt"))
