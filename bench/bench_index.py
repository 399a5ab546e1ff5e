"""Benchmark 7: the search index over a generated corpus (10 projects × 1,000 sessions × 100
entries = one million entries, see ``corpus``): full build, an incremental update after one new
turn, search of a rare and a common word against ``rg -F`` over the same JSON files, list across
projects, and the index's size against the JSON's. Each command is a fresh process."""

import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import corpus
from session_management.store import catalog
from timing import median_seconds


def _size(paths) -> int:
    return sum(os.path.getsize(path) for path in paths if os.path.exists(path))


def _text_scanner() -> tuple:
    """What a person would search the JSON files with instead: ripgrep, the README's reference; GNU
    grep where ripgrep is not installed (it is not on a fresh machine), named in the row."""
    rg = shutil.which("rg")
    if rg:
        return "rg -F", [rg, "-F", "-l", "--hidden", "--no-ignore"]
    return "grep -rF (no rg here)", [shutil.which("grep") or "grep", "-r", "-F", "-l"]


def run(projects: int, sessions: int, entries: int, python: str, rounds: int) -> list:
    root = Path(tempfile.mkdtemp(prefix="bench-index-"))
    paths, json_bytes = corpus.write_corpus(root, projects, sessions, entries)
    for path in paths:
        catalog.add(catalog.home(), str(path))
    cli = [python, "-m", "session_management"]
    total = projects * sessions * entries
    read_all = [python, "-c", "import glob, json, sys; [json.load(open(f)) for f in glob.glob(sys.argv[1])]",
                str(root / "*" / ".claude" / "runtime" / "sessions" / "archive" / "*.json")]
    started = time.perf_counter()
    subprocess.run(cli + ["index", "--rebuild"], stdout=subprocess.DEVNULL, check=True)
    build = time.perf_counter() - started
    index = Path(catalog.user_dir("XDG_CACHE_HOME", ".cache")) / "index.sqlite"
    index_bytes = _size([index, f"{index}-wal"])
    time.sleep(2.1)  # let the folders' times settle, as they have in any project not being written this second
    unchanged = median_seconds(cli + ["index"], rounds)
    grown = []  # one new turn (10 entries) in one session, written as a turn end writes it
    rng = corpus.random.Random(0)
    for turn in range(rounds):
        data = corpus.session(rng, f"0000{turn:04d}-0000-4000-8000-000000000000", entries + 10, corpus.START, str(paths[0]))
        corpus.write_session(paths[0], data)
        grown.append(median_seconds(cli + ["index"], 1))
    scan = _text_scanner()
    rows = [
        (f"7. index build, {total:,} entries ({total / build:,.0f} entries/s)", build, median_seconds(read_all, 1), "s"),
        ("7. index update after one new turn in one session", statistics.median(grown), unchanged, "ms"),
    ]
    for label, word in (("rare", corpus.RARE), ("common", corpus.COMMON)):
        search = median_seconds(cli + ["search", word, "--all-projects"], rounds)
        name, command = scan
        rows.append((f"7. search a {label} word, vs {name} over the JSON", search, median_seconds([*command, word, *map(str, paths)], rounds), "ms"))
    version = median_seconds(cli + ["--version"], rounds)  # the CLI's own start-up
    rows += [
        (f"7. list --all-projects, {projects * sessions:,} rows, vs CLI start", median_seconds(cli + ["list", "--all-projects"], rounds), version, "ms"),
        ("7. list --all-projects --limit 20, vs CLI start", median_seconds(cli + ["list", "--all-projects", "--limit", "20"], rounds), version, "ms"),
        ("7. index size on disk vs the JSON files", index_bytes / 2**20, json_bytes / 2**20, "MiB"),
    ]
    shutil.rmtree(root)
    index.unlink()
    return rows
