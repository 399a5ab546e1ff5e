"""Benchmark 11: importing a Claude Code transcript store, against ccusage reading the same store.

The store is cloned from a real capture: the real CLI (2.1.332, against the fake API) writes a
small history (two projects, a subagent, a resume, a fork, a compaction), then every file is
copied with fresh session ids, uuids, message and request ids and project paths until the store
reaches the size asked for. Each command is a fresh process; ccusage runs in the same rounds."""

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

CACHE = Path(__file__).resolve().parent.parent / ".cache" / "bench-import"  # the capture and the stores cloned from it, kept between runs

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_FAKE_TAG = re.compile(r"fake([0-9a-f]{8})")


def capture(root: Path):
    """A real history written by the CLI (see tests/transcript_history.py); None without the CLI."""
    from transcript_history import History

    try:
        return History(root, "2.1.332").write()
    except BaseException as exc:  # pytest.skip when npm cannot install the CLI
        print(f"no real capture: {exc}", file=sys.stderr)
        return None


def clone_store(source: Path, target: Path, megabytes: int) -> tuple:
    """Copies of every transcript of ``source`` with fresh ids and project paths, until ``target``
    holds ``megabytes``; returns (files, sessions, bytes)."""
    files = [(p, p.read_text(encoding="utf-8")) for p in sorted(source.glob("projects/**/*")) if p.is_file()]
    written = sessions = count = 0
    copy = 0
    while written < megabytes * 2**20:
        ids = {}
        tag = uuid.uuid4().hex[:8]
        project = f"/home/you/work/project-{copy % 100:02d}"
        for path, text in files:
            def fresh(match):
                return ids.setdefault(match.group(0), str(uuid.uuid4()))
            body = _FAKE_TAG.sub("fake" + tag, _UUID.sub(fresh, text))
            body = re.sub(r'"cwd":"[^"]*"', f'"cwd":"{project}"', body)
            relative = path.relative_to(source / "projects")
            folder = re.sub(r"[^A-Za-z0-9]", "-", project)
            parts = [_UUID.sub(fresh, part) for part in relative.parts[1:]]
            out = target / "projects" / folder / Path(*parts)
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(body, encoding="utf-8")
            written += len(body.encode())
            if out.suffix == ".jsonl":
                count += 1
                sessions += "subagents" not in out.parts
        copy += 1
    return count, sessions, written


def cached_store(megabytes: int):
    """``(store, files, sessions, bytes)``: a store of ``megabytes`` cloned from a real capture,
    both kept in ``CACHE`` (3 GB take minutes to clone); None without the real CLI."""
    store, counts = CACHE / f"store-{megabytes}", CACHE / f"store-{megabytes}.json"
    if counts.exists() and store.is_dir():
        return (store, *json.loads(counts.read_text()))
    if not (CACHE / "capture").is_dir():
        history = capture(Path(tempfile.mkdtemp(prefix="bench-capture-")))
        if history is None:
            return None
        shutil.copytree(history.config_dir / "projects", CACHE / "capture.tmp" / "projects")
        os.replace(CACHE / "capture.tmp", CACHE / "capture")
    shutil.rmtree(CACHE / f"store-{megabytes}.tmp", ignore_errors=True)
    found = clone_store(CACHE / "capture", CACHE / f"store-{megabytes}.tmp", megabytes)
    shutil.rmtree(store, ignore_errors=True)
    os.replace(CACHE / f"store-{megabytes}.tmp", store)
    counts.write_text(json.dumps(found))
    os.sync()  # the store written back now, not while the import's fsyncs wait behind it
    return (store, *found)


def measured(command, env) -> tuple:
    """(seconds, peak RSS in MiB) of one fresh process, timed by the probe that starts it, so
    that the probe's own start (a Python start, as long as a refresh) is not counted."""
    probe = [sys.executable, "-c", "import resource, subprocess, sys, time; started = time.perf_counter(); "
             "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True); "
             "print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)", *command]
    done = subprocess.run(probe, env=env, capture_output=True, text=True, check=True)
    seconds, peak = done.stdout.split()
    return float(seconds), int(peak) / 1024


def stat_floor(venv: Path, store: Path) -> list:
    """A console script as pip writes one (``import re``, ``import sys``) doing only what every
    refresh must: a ``stat`` of each transcript file (any may have grown: ``--resume`` appends to
    it), from a list kept beforehand. No refresh run through pip's wrapper can take less."""
    listed = venv / "transcripts.txt"
    listed.write_text("".join(f"{path}\n" for path in sorted(store.rglob("*.jsonl"))))
    script = venv / "bin" / "stat-floor"
    script.write_text(f"#!{venv / 'bin' / 'python'}\nimport re\nimport sys\nimport os\n"
                      f"for path in open({str(listed)!r}).read().split('\\n')[:-1]:\n    os.stat(path)\n")
    script.chmod(0o755)
    return [str(script)]


def run(megabytes: int, python: str, rounds: int, large: int = None) -> list:
    """Benchmark 11 on a store of ``megabytes``, and, with ``large``, its first import and the view after on a store of that many."""
    from bench_index import installed_cli
    from claude_cli import ccusage_command

    found = cached_store(megabytes)
    if found is None:
        return [("11. import: skipped", None, None, "the real Claude Code CLI could not be installed")]
    store, files, sessions, size = found
    root = Path(tempfile.mkdtemp(prefix="bench-import-"))
    cli = installed_cli(root / "venv", python)  # as pip installs it: no editable-install hook at every start, bytecode compiled
    env = dict(os.environ, CLAUDE_CONFIG_DIR=str(store), CLAUDE_SESSION_TRACKER_HOME=str(root / "home"), TZ="UTC")
    ccusage = [*ccusage_command(), "daily", "--json", "--offline"]
    first, first_memory = measured(cli + ["import"], env)  # the index built too
    theirs = [measured(ccusage, env) for _ in range(rounds)]
    their_time, their_memory = statistics.median(t for t, _ in theirs), max(m for _, m in theirs)
    time.sleep(2.1)  # let the folders' times settle, as they have in a store not being written this second

    def median(command):
        return statistics.median(measured(command, env)[0] for _ in range(rounds))

    usage, listing = median(cli + ["usage", "--all-projects"]), median(cli + ["list", "--all-projects"])
    floor_command = stat_floor(root / "venv", store)
    pairs = [(measured(cli + ["import"], env)[0], measured(floor_command, env)[0]) for _ in range(rounds)]  # interleaved
    refresh, floor = (statistics.median(column) for column in zip(*pairs))
    again = statistics.median(measured(ccusage, env)[0] for _ in range(rounds))
    label = f"{size / 2**20:.0f} MB, {files:,} files, {sessions:,} sessions"
    rows = [
        (f"11. first import (and index) of {label}, vs ccusage daily", first, their_time, "s"),
        ("11. first import peak memory, vs ccusage daily", first_memory, their_memory, "MiB"),
        ("11. usage --all-projects after it, vs ccusage daily", usage, again, "ms"),
        ("11. list --all-projects after it, vs ccusage daily", listing, again, "ms"),
        ("11. import with nothing new, vs ccusage daily", refresh, again, "ms"),
        ("11. floor: pip's wrapper and a stat per transcript, vs ccusage", floor, again, "ms"),
    ]
    if large:
        rows += large_rows(large, cli, ccusage, root / "large-home")
    shutil.rmtree(root)
    return rows


def large_rows(megabytes: int, cli: list, ccusage: list, home: Path) -> list:
    """The first import (the index built with it) of a history the size ccusage's users report
    timeouts on, between ccusage runs on it, then ``usage --all-projects`` interleaved with ccusage."""
    store, files, sessions, size = cached_store(megabytes)
    env = dict(os.environ, CLAUDE_CONFIG_DIR=str(store), CLAUDE_SESSION_TRACKER_HOME=str(home), TZ="UTC")
    theirs = [measured(ccusage, env)[0] for _ in range(2)]
    first, memory = measured(cli + ["import"], env)
    theirs.append(measured(ccusage, env)[0])
    time.sleep(2.1)
    pairs = [(measured(cli + ["usage", "--all-projects"], env)[0], measured(ccusage, env)[0]) for _ in range(3)]
    usage, again = (statistics.median(column) for column in zip(*pairs))
    label = f"{size / 2**30:.1f} GB, {files:,} files, {sessions:,} sessions"
    return [
        (f"11. first import (and index) of {label}, vs ccusage daily", first, statistics.median(theirs), "s"),
        ("11. usage --all-projects after it, vs ccusage daily", usage, again, "ms"),
    ]
