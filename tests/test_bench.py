"""The benchmark runner stays runnable, and docs/performance.md holds only what it prints: a quick
pass prints its table (numbers are not asserted) and writes its tables into a copy of the page."""

import json
import re
import subprocess
import sys

import pytest

from conftest import REPO, python_env

PAGE = REPO / "docs" / "performance.md"
RAN = "latency,growth,stop,harvest,concurrency,reads,memory,index,otlp,dashboard,statusline,limits,import,secrets"
TABLE = re.compile(r"<!-- bench (\d+): [^\n]*-->\n```\n(.*?)```\n<!-- /bench \1 -->", re.S)
HEADER = ["benchmark", "median", "baseline", "ratio"]
# A row as print_table prints it: a name, then a median and its baseline in one unit and their
# ratio, or one figure alone (a throughput, a delay with nothing to compare it with), or
# figures that are not times (recall, counts) beside the baseline's.
ROW = re.compile(r"(?P<name>\d+\. .+?)\s+(?:[\d.]+ (?P<unit>µs|ms|s|MiB) +[\d.]+ (?P=unit) +(?:\d+\.\d\dx|n/a)|\d+ (?:ms|s|spans/s)"
                 r"|[\d./= ]+?   [\w ]+: [\d./= ]+)")  # the last: figures today, then a baseline's figures after its name


def page_tables(text: str) -> dict:
    """Each benchmark's table on the page, by its number: its lines."""
    return {int(number): lines.splitlines() for number, lines in TABLE.findall(text)}


def shape(name: str) -> str:
    """A row's name without its sizes and counts, which a quick pass makes smaller; the page's
    search rows were measured with ripgrep, and a machine without it prints its fallback's name."""
    number, rest = name.replace("grep -rF (no rg here)", "rg -F").split(" ", 1)
    return f"{number} " + re.sub(r"\d[\d,.]*(?: ?(?:KiB|MiB|KB|MB|GB))?", "N", rest)


@pytest.fixture(scope="module")
def quick_pass(tmp_path_factory):
    """One quick pass of every benchmark but the real CLI's, its rows also written into a copy of the page."""
    folder = tmp_path_factory.mktemp("bench")
    page = folder / "performance.md"
    page.write_text(PAGE.read_text())
    result = subprocess.run(
        [sys.executable, str(REPO / "bench" / "run.py"), "--quick", "--only", RAN, "--json", str(folder / "rows.json"), "--write-docs", str(page)],
        capture_output=True,
        text=True,
        timeout=600,
        env=python_env(measured=False),  # timing runs: coverage would only slow them
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines(), json.loads((folder / "rows.json").read_text()), page.read_text()


def test_quick_benchmark_run_prints_every_row(quick_pass):
    """`bench/run.py --quick` completes and prints a row, with a ratio, for each benchmark it ran."""
    lines, _, _ = quick_pass
    assert lines[1].split() == HEADER
    for prefix in ("1. PostToolUse Bash", "1. UserPromptSubmit", "1. after a killed lock holder", "1. stdin never closed", "2. PostToolUse, 300 events", "2. Stop (fold + archive), 300", "2. Stop with harvest, 300",
                   "3. 8 PostToolUse hooks", "5. list, 200 sessions, cached", "5. show, one session", "6. peak memory",
                   "7. index build", "7. search a rare word", "7. list --all-projects,", "8. PostToolUse with otlp:", "8. Stop with otlp:",
                   "8. export --otlp, 50 sessions", "9. dashboard sessions page, 200 sessions, warm", "9. dashboard live update",
                   "9. dashboard search a rare word",
                   "10. status line, 10-event session", "10. status line, 300-event session vs", "10. status line after an API error", "10. status line recording a rate_limits sample", "10. status line beside 200 sessions", "10. ccusage statusline",
                   "12. limits --json, 2,000-line ledger (", "12. limits --json, 2,000-line ledger vs", "12. dashboard /limits, 2,000-line ledger (", "12. dashboard /limits, 2,000-line ledger vs",
                   "11. first import (and index) of", "11. import with nothing new",
                   "13. redact a line of ordinary code", "13. redact a Bash call's record", "13. import the redactor + first event"):
        [row] = [line for line in lines if line.startswith(prefix) and "floor" not in line]
        assert row.rstrip().endswith("x"), row


def test_write_docs_puts_each_benchmarks_printed_rows_into_its_table(quick_pass):
    """--write-docs replaces the table of every benchmark that ran with exactly the lines it printed,
    and leaves the table of the one that did not run (the real CLI's) and all prose as they were."""
    lines, _, written = quick_pass
    before, after = page_tables(PAGE.read_text()), page_tables(written)
    for number in before:
        printed = [line.rstrip() for line in lines if line.startswith(f"{number}. ")]
        assert after[number] == (before[number] if number == 4 else [lines[1].rstrip(), *printed]), number
    assert TABLE.sub("", written) == TABLE.sub("", PAGE.read_text())


def test_performance_page_holds_a_table_per_benchmark_of_rows_it_prints(quick_pass):
    """docs/performance.md has one table per benchmark bench/run.py runs, and every row in them has
    the shape print_table prints and names a row the benchmark prints today (sizes aside), so no
    figure on the page is a hand-made or stale row."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_run", REPO / "bench" / "run.py")
    runner = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(runner)
    _, rows, _ = quick_pass
    tables = page_tables(PAGE.read_text())
    assert sorted(tables) == sorted(set(runner.PARTS.values()))
    printed = {shape(row[0]) for row in rows}
    for number, table in tables.items():
        assert table[0].split() == HEADER, number
        for line in table[1:]:
            match = ROW.fullmatch(line.rstrip())
            assert match, line
            assert number == 4 or shape(match["name"]) in printed, line  # 4, the real CLI's, is not in the quick pass
