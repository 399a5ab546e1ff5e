"""The benchmark runner stays runnable: a quick pass prints its table (numbers are not asserted)."""

import subprocess
import sys

from conftest import REPO, python_env


def test_quick_benchmark_run_prints_every_row(tmp_path):
    """`bench/run.py --quick` completes and prints a row, with a ratio, for each benchmark it ran."""
    result = subprocess.run(
        [sys.executable, str(REPO / "bench" / "run.py"), "--quick", "--only", "latency,growth,stop,harvest,concurrency,reads,memory,index,otlp,dashboard,statusline,limits,import", "--json", str(tmp_path / "rows.json")],
        capture_output=True,
        text=True,
        timeout=600,
        env=python_env(measured=False),  # timing runs: coverage would only slow them
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[1].split() == ["benchmark", "median", "baseline", "ratio"]
    for prefix in ("1. PostToolUse Bash", "1. UserPromptSubmit", "1. after a killed lock holder", "1. stdin never closed", "2. PostToolUse, 300 events", "2. Stop (fold + archive), 300", "2. Stop with harvest, 300",
                   "3. 8 PostToolUse hooks", "5. list, 200 sessions, cached", "5. show, one session", "6. peak memory",
                   "7. index build", "7. search a rare word", "7. list --all-projects,", "8. PostToolUse with otlp:", "8. Stop with otlp:",
                   "8. export --otlp, 50 sessions", "9. dashboard sessions page, 200 sessions, warm", "9. dashboard live update",
                   "9. dashboard search a rare word",
                   "10. status line, 10-event session", "10. status line, 300-event session vs", "10. status line after an API error", "10. status line recording a rate_limits sample", "10. status line beside 200 sessions", "10. ccusage statusline",
                   "12. limits --json, 2,000-line ledger (", "12. limits --json, 2,000-line ledger vs", "12. dashboard /limits, 2,000-line ledger (", "12. dashboard /limits, 2,000-line ledger vs",
                   "11. first import (and index) of", "11. import with nothing new"):
        [row] = [line for line in lines if line.startswith(prefix) and "floor" not in line]
        assert row.rstrip().endswith("x"), row
