"""Benchmarks: hook latency against a do-nothing hook, growth with session size, concurrency,
real-CLI overhead, CLI reads, peak memory, OTLP export, the dashboard, the status line, the quota limits, importing
transcripts and secret redaction. Every ratio is against a baseline measured in the
same run, interleaved with it, because this machine is shared and absolute times drift.

Usage: python bench/run.py [--quick] [--only NAMES] [--against REV] [--json FILE] [--write-docs [PAGE]]

--write-docs puts what was just measured into docs/performance.md, so the figures there are the
benchmark's own output, never copied by hand: each benchmark's table sits between marks, and it
is rewritten when every part of that benchmark ran (a quick run may only write another PAGE).
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

DOCS_PAGE = REPO / "docs" / "performance.md"
# The benchmark each --only part feeds (the number its rows start with): a table on the page is
# rewritten only when every part of its benchmark ran, so a table never mixes two runs.
PARTS = {"latency": 1, "growth": 2, "stop": 2, "harvest": 2, "concurrency": 3, "cli": 4, "reads": 5, "memory": 6,
         "index": 7, "otlp": 8, "dashboard": 9, "statusline": 10, "import": 11, "limits": 12, "secrets": 13}
# One benchmark's table on the page: its marks, a code fence, the lines print_table printed.
DOCS_TABLE = re.compile(r"(<!-- bench (\d+): [^\n]*-->\n```\n)(.*?)(```\n<!-- /bench \2 -->)", re.S)

PYTHON = sys.executable
DO_NOTHING = [PYTHON, "-I", "-c", "import sys; sys.stdin.read()"]  # the baseline
FLOOR = [PYTHON, "-I", "-S", "-c", "import sys; sys.stdin.read()"]  # the interpreter with no site import
SID = "bench-0000-1111-2222-333344445555"


HOOK_ENTRY = REPO / "session_management" / "capture" / "hook.py"


def hook_command(event: str) -> list:
    """What an installed hook runs (``claude-sessions install``)."""
    return [PYTHON, "-I", "-S", str(HOOK_ENTRY), event]


def payloads(large_bytes: int) -> dict:
    """Realistic events: a Bash call, a Read of a large file, a prompt, a turn end."""
    common = {"session_id": SID, "transcript_path": "/home/u/.claude/projects/p/x.jsonl", "cwd": "/home/u/p", "permission_mode": "default"}
    line = "def function_%d(argument):\n    return argument * %d  # some source code\n"
    content = "".join(line % (n, n) for n in range(large_bytes // 60))[:large_bytes]
    return {
        "PostToolUse Bash": ("PostToolUse", dict(common, hook_event_name="PostToolUse", tool_name="Bash",
            tool_input={"command": "git status --short", "description": "Show status"},
            tool_response={"stdout": " M src/app.py\n?? notes.txt\n" * 20, "stderr": "", "interrupted": False},
            tool_use_id="toolu_01", duration_ms=31)),
        f"PostToolUse Read {large_bytes // 1024} KiB": ("PostToolUse", dict(common, hook_event_name="PostToolUse", tool_name="Read",
            tool_input={"file_path": "/home/u/p/big.py"},
            tool_response={"type": "text", "file": {"filePath": "/home/u/p/big.py", "content": content, "numLines": content.count("\n")}},
            tool_use_id="toolu_02", duration_ms=5)),
        "UserPromptSubmit": ("UserPromptSubmit", dict(common, hook_event_name="UserPromptSubmit",
            prompt="Please refactor the parser so that errors carry line numbers, and add tests for it.")),
    }


def timed(command, data: bytes, env) -> float:
    started = time.perf_counter()
    subprocess.run(command, input=data, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def interleaved(commands: dict, data: dict, env, rounds: int) -> dict:
    """Median seconds of each command, run in turn round after round so drift hits all alike."""
    samples = {name: [] for name in commands}
    for _ in range(rounds):
        for name, command in commands.items():
            samples[name].append(timed(command, data[name], env))
    return {name: statistics.median(values) for name, values in samples.items()}


def fresh_project() -> Path:
    project = Path(tempfile.mkdtemp(prefix="bench-project-"))
    return project


def seed_session(project: Path, events: int, large_every: int = 10, large_bytes: int = 200_000) -> None:
    """A live session already holding ``events`` entries, some of them large (capped as the hooks cap them)."""
    from session_management.capture import capping as _capping
    from session_management.store import writer

    session_dir = str(project / ".claude" / "runtime" / "sessions")
    big = "x" * large_bytes
    batch = []
    for n in range(events):
        details = {"tool_name": "Bash", "tool_input": {"command": f"step {n}"}, "tool_response": {"stdout": big if n % large_every == 0 else "ok"}}
        batch.append({"action": "tool_use", "timestamp": "2030-01-01T00:00:00.000Z", "details": _capping.cap_fields(details, 16384)})
        if len(batch) == 500:
            writer.append(session_dir, SID, batch)
            batch = []
    if batch:
        writer.append(session_dir, SID, batch)
    from session_management import SessionManager

    SessionManager(session_dir).save_session(SessionManager(session_dir).get_session(SID))  # fold: the common state


def bench_latency(rounds: int, large_bytes: int) -> list:
    project = fresh_project()
    env = dict(os.environ, CLAUDE_PROJECT_DIR=str(project))
    seed_session(project, 10)
    rows = []
    for name, (event, payload) in payloads(large_bytes).items():
        data = json.dumps(payload).encode()
        commands = {"baseline": DO_NOTHING, "floor": FLOOR, name: hook_command(event)}
        result = interleaved(commands, dict.fromkeys(commands, data), env, rounds)
        rows.append((f"1. {name}", result[name], result["baseline"], "ms"))
        rows.append((f"1. {name}, against python -I -S floor", result[name], result["floor"], "ms"))
    shutil.rmtree(project)
    return rows


def bench_failures(rounds: int) -> list:
    """What the reliability tests prove by order and counts, timed: a hook whose session lock was
    held by a process killed meanwhile (the kernel drops the flock: no wait), against the same hook
    with no holder; and a hook whose stdin is never closed, until it gives up and exits 0."""
    from session_management.capture.dispatch import STDIN_TIMEOUT

    project = fresh_project()
    env = dict(os.environ, CLAUDE_PROJECT_DIR=str(project))
    seed_session(project, 10)
    lock = project / ".claude" / "runtime" / "sessions" / f"session_{SID}.lock"
    data = json.dumps(payloads(1024)["UserPromptSubmit"][1]).encode()
    holder = [PYTHON, "-c", f"import fcntl, os, time; fd = os.open({str(lock)!r}, os.O_RDWR | os.O_CREAT); fcntl.flock(fd, fcntl.LOCK_EX); print('held', flush=True); time.sleep(60)"]
    samples = {"plain": [], "after a killed holder": []}
    for _ in range(rounds):
        samples["plain"].append(timed(hook_command("UserPromptSubmit"), data, env))
        process = subprocess.Popen(holder, stdout=subprocess.PIPE)
        process.stdout.readline()
        process.kill()
        process.wait()
        samples["after a killed holder"].append(timed(hook_command("UserPromptSubmit"), data, env))
    waits = []
    for _ in range(1 if rounds < 10 else 3):
        started = time.perf_counter()
        process = subprocess.Popen(hook_command("Stop"), stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        process.wait(timeout=STDIN_TIMEOUT * 3)
        waits.append(time.perf_counter() - started)
        process.stdin.close()
    shutil.rmtree(project)
    return [
        ("1. after a killed lock holder: UserPromptSubmit", statistics.median(samples["after a killed holder"]), statistics.median(samples["plain"]), "ms"),
        ("1. stdin never closed: Stop exits after (vs its timeout)", statistics.median(waits), STDIN_TIMEOUT, "s"),
    ]


def bench_growth(rounds: int, sizes=(10, 1000, 5000)) -> list:
    event, payload = payloads(1024)["PostToolUse Bash"]
    data = json.dumps(payload).encode()
    commands, inputs, envs = {}, {}, {}
    projects = []
    for size in sizes:
        project = fresh_project()
        projects.append(project)
        seed_session(project, size)
        commands[size] = [*hook_command(event)]
        inputs[size] = data
        envs[size] = dict(os.environ, CLAUDE_PROJECT_DIR=str(project))
    samples = {size: [] for size in sizes}
    for _ in range(rounds):
        for size in sizes:
            samples[size].append(timed(commands[size], inputs[size], envs[size]))
    medians = {size: statistics.median(values) for size, values in samples.items()}
    for project in projects:
        shutil.rmtree(project)
    return [(f"2. PostToolUse, {size} events stored (vs {sizes[0]})", medians[size], medians[sizes[0]], "ms") for size in sizes]


def bench_stop(rounds: int, sizes=(10, 1000, 5000)) -> list:
    """Stop folds the journal into the session file and archives it: the one per-turn cost that grows with size."""
    stop = json.dumps({"session_id": SID, "hook_event_name": "Stop", "stop_hook_active": False, "last_assistant_message": "Done."}).encode()
    medians = {}
    for size in sizes:
        project = fresh_project()
        seed_session(project, size)
        env = dict(os.environ, CLAUDE_PROJECT_DIR=str(project))
        medians[size] = statistics.median(timed(hook_command("Stop"), stop, env) for _ in range(max(rounds // 3, 3)))
        shutil.rmtree(project)
    return [(f"2. Stop (fold + archive), {size} events stored (vs {sizes[0]})", medians[size], medians[sizes[0]], "ms") for size in sizes]


def bench_against_revision(rev: str, rounds: int) -> list:
    """Hook latency now against the hooks of an earlier commit (``--against REV``), interleaved in
    one run: what a change to the hook path cost, without trusting figures from another day."""
    import re

    old = Path(tempfile.mkdtemp(prefix="bench-rev-"))
    archive = subprocess.run(["git", "-C", str(REPO), "archive", rev], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
    rows = []
    events = dict(payloads(1024))
    events["Stop"] = ("Stop", {"session_id": SID, "hook_event_name": "Stop", "stop_hook_active": False, "last_assistant_message": "Done."})
    for name, (event, payload) in events.items():
        script = old / "hooks" / (re.sub(r"(?<!^)(?=[A-Z])", "_", event).lower() + ".py")
        commands = {"then": [PYTHON, "-I", "-S", str(script)], "now": hook_command(event)}
        projects = {key: fresh_project() for key in commands}
        for project in projects.values():
            seed_session(project, 10)
        envs = {key: dict(os.environ, CLAUDE_PROJECT_DIR=str(project)) for key, project in projects.items()}
        samples = {key: [] for key in commands}
        data = json.dumps(payload).encode()
        for _ in range(rounds if event != "Stop" else max(rounds // 3, 3)):
            for key, command in commands.items():
                samples[key].append(timed(command, data, envs[key]))
        rows.append((f"0. {name}: now vs {rev}", statistics.median(samples["now"]), statistics.median(samples["then"]), "ms"))
        for project in projects.values():
            shutil.rmtree(project)
    shutil.rmtree(old)
    return rows


def transcript_turn(turn: int, responses: int = 8) -> str:
    """One turn of a realistic transcript: a prompt, then responses of a few hundred words with
    tool calls between them, each written as a text line and a tool-use line sharing their usage."""
    lines = [json.dumps({"type": "user", "message": {"role": "user", "content": f"turn {turn}: please continue"}})]
    for n in range(responses):
        mid = f"msg_{turn}_{n}"
        use = {"input_tokens": 4, "output_tokens": 350, "cache_creation_input_tokens": 1200, "cache_read_input_tokens": 40000,
               "cache_creation": {"ephemeral_5m_input_tokens": 1200, "ephemeral_1h_input_tokens": 0}}
        for block in ({"type": "text", "text": "I looked at the parser and the failing test. " * 30},
                      {"type": "tool_use", "id": f"toolu_{turn}_{n}", "name": "Bash", "input": {"command": "pytest -q"}}):
            lines.append(json.dumps({"type": "assistant", "requestId": f"req_{turn}_{n}", "timestamp": "2030-01-01T00:00:00.000Z",
                                     "message": {"id": mid, "model": "claude-sonnet-4-5", "content": [block], "stop_reason": "tool_use", "usage": use}}))
        lines.append(json.dumps({"type": "user", "message": {"role": "user", "content": [{"type": "tool_result", "tool_use_id": f"toolu_{turn}_{n}", "content": "ok " * 600}]}}))
    return "\n".join(lines) + "\n"


def bench_stop_harvest(rounds: int, sizes=(10, 5000), output_bytes: int = 2048) -> list:
    """Stop as people's sessions see it: every stored tool output a few KB, and a fresh turn of
    transcript (8 responses) to read each time; the fold, archive and harvest together."""
    medians = {}
    for size in sizes:
        project = fresh_project()
        seed_session(project, size, large_every=1, large_bytes=output_bytes)
        transcript = project / "transcript.jsonl"
        transcript.write_text("")
        env = dict(os.environ, CLAUDE_PROJECT_DIR=str(project))
        stop = json.dumps({"session_id": SID, "hook_event_name": "Stop", "transcript_path": str(transcript), "last_assistant_message": "Done."}).encode()
        samples = []
        for turn in range(max(rounds // 3, 3)):
            with transcript.open("a") as handle:
                handle.write(transcript_turn(turn))
            samples.append(timed(hook_command("Stop"), stop, env))
        medians[size] = statistics.median(samples)
        shutil.rmtree(project)
    return [(f"2. Stop with harvest, {size} events of {output_bytes // 1024} KB (vs {sizes[0]})", medians[size], medians[sizes[0]], "ms") for size in sizes]


def all_at_once(command, data: bytes, env, count: int) -> float:
    started = time.perf_counter()
    processes = [subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env) for _ in range(count)]
    for process in processes:
        process.stdin.write(data)
        process.stdin.close()
    for process in processes:
        process.wait()
    return time.perf_counter() - started


def bench_concurrency(rounds: int, count: int = 8) -> list:
    project = fresh_project()
    env = dict(os.environ, CLAUDE_PROJECT_DIR=str(project))
    seed_session(project, 10)
    event, payload = payloads(1024)["PostToolUse Bash"]
    data = json.dumps(payload).encode()
    ours, base = [], []
    for _ in range(rounds):
        base.append(all_at_once(DO_NOTHING, data, env, count))
        ours.append(all_at_once(hook_command(event), data, env, count))
    from session_management import SessionManager

    stored = len(SessionManager(str(project / ".claude" / "runtime" / "sessions")).get_session(SID).activity_log)
    assert stored == 10 + rounds * count, f"concurrent hooks lost entries: {stored}"
    shutil.rmtree(project)
    return [(f"3. {count} PostToolUse hooks at once, until all done", statistics.median(ours), statistics.median(base), "ms")]


def peak_rss_kib(command, data: bytes, env) -> int:
    """Peak resident memory of one child process, measured by a fresh parent so nothing else counts."""
    probe = (
        "import resource, subprocess, sys\n"
        "subprocess.run(sys.argv[1:], input=sys.stdin.buffer.read(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    out = subprocess.run([PYTHON, "-c", probe, *command], input=data, env=env, capture_output=True, check=True)
    return int(out.stdout)


def bench_memory(large_bytes: int) -> list:
    project = fresh_project()
    env = dict(os.environ, CLAUDE_PROJECT_DIR=str(project))
    name, (event, payload) = list(payloads(large_bytes).items())[1]
    data = json.dumps(payload).encode()
    ours = peak_rss_kib(hook_command(event), data, env)
    base = peak_rss_kib(DO_NOTHING, data, env)
    shutil.rmtree(project)
    return [(f"6. peak memory, {name}", ours / 1024, base / 1024, "MiB")]


def bench_real_cli(tool_calls: int) -> list:
    """The real Claude Code CLI with tracking, with no hooks, and with a do-nothing hook."""
    try:
        from claude_cli import CLAUDE_CODE_VERSION, _binary, ClaudeProject
        from fake_api import FakeAnthropic, text, tools
        from session_management.capture.events import to_wire
        from session_management.install import settings as _install
    except ImportError as exc:
        return [("4. real CLI: skipped", None, None, f"cannot import test helpers: {exc}")]
    binary = _binary(CLAUDE_CODE_VERSION)
    wired = to_wire(tuple(int(part) for part in CLAUDE_CODE_VERSION.split(".")), {})
    if not binary.exists():
        return [("4. real CLI: skipped", None, None, "CLI not installed (run the tests once, or npm)")]
    script = [tools(("Bash", {"command": f"echo {n}"})) for n in range(tool_calls)] + [text("done")]
    do_nothing = " ".join(DO_NOTHING[:3]) + " 'import sys; sys.stdin.read()'"
    variants = {
        "no hooks": {},
        "do-nothing hook": {"hooks": {event: [{"matcher": "*", "hooks": [{"type": "command", "command": do_nothing}]}] for event in wired}},
        "tracking": _install.add_ours({}, PYTHON, str(HOOK_ENTRY), wired),
    }
    times = {}
    for name, settings in variants.items():
        root = Path(tempfile.mkdtemp(prefix="bench-cli-"))
        with FakeAnthropic(script) as api:
            project = ClaudeProject(root, binary, api.url)
            (project.dir / ".claude" / "settings.json").write_text(json.dumps(settings))
            started = time.perf_counter()
            project.run("run the commands", "--allowedTools", "Bash", timeout=600)
            times[name] = time.perf_counter() - started
        shutil.rmtree(root)
    per_call = lambda name: (times[name] - times["no hooks"]) / tool_calls * 1000
    return [
        (f"4. real CLI, {tool_calls} tool calls, tracking vs no hooks", times["tracking"], times["no hooks"], "s"),
        (f"4. real CLI, {tool_calls} tool calls, do-nothing hook vs none", times["do-nothing hook"], times["no hooks"], "s"),
        ("4. added per tool call: tracking vs do-nothing hook", per_call("tracking") / 1000, per_call("do-nothing hook") / 1000, "ms"),
    ]


def bench_cli_reads(sessions: int, events: int) -> list:
    """`claude-sessions list` over many sessions and `show` of a long one, against bare json.load."""
    try:
        import session_management.present.cli  # noqa: F401
    except ImportError:
        return [("5. CLI reads: skipped", None, None, "no CLI in this version")]
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_cli import run as run_cli_bench

    return run_cli_bench(sessions, events, PYTHON)


def bench_index(projects: int, sessions: int, entries: int, rounds: int) -> list:
    """The search index over a generated corpus: build, incremental update, search vs rg, list."""
    try:
        import session_management.query.index  # noqa: F401
    except ImportError:
        return [("7. index: skipped", None, None, "no index in this version")]
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_index import run as run_index_bench

    return run_index_bench(projects, sessions, entries, PYTHON, rounds)


def bench_otlp(rounds: int, sessions: int) -> list:
    """Hook latency with otlp: configured vs without, and export --otlp throughput (bench_otlp.py)."""
    try:
        import session_management.export.otlp  # noqa: F401
        import opentelemetry.exporter.otlp.proto.http  # noqa: F401
    except ImportError:
        return [("8. OTLP export: skipped", None, None, "no otlp extra installed")]
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_otlp import bench_export, bench_hook_latency

    return bench_hook_latency(PYTHON, hook_command, rounds) + bench_export(PYTHON, sessions)


def bench_dashboard(sessions: int, events: int, rounds: int) -> list:
    """The dashboard's sessions page and long session page, warm, and its live-update delay."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_dashboard import run as run_dashboard_bench

    return run_dashboard_bench(sessions, events, PYTHON, str(HOOK_ENTRY), rounds)


def bench_statusline(rounds: int, big: int, others: int, history_mb: int) -> list:
    """One status-line refresh against the bare interpreter, flat in session size and in sessions recorded; ccusage beside it."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_statusline import run as run_statusline_bench

    return run_statusline_bench(PYTHON, rounds, big, others, history_mb, seed_session, hook_command, transcript_turn, SID)


def bench_limits(rounds: int, big: int, small: int, sessions: int) -> list:
    """``limits`` and the dashboard's /limits page on a large quota ledger against a small one and their floors (bench_limits.py)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_limits import run as run_limits_bench

    return run_limits_bench(PYTHON, rounds, big, small, sessions)


def bench_import(megabytes: int, rounds: int, large: int = None) -> list:
    """Importing a transcript store cloned from a real capture, against ccusage on it (bench_import.py)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_import import run as run_import_bench

    return run_import_bench(megabytes, PYTHON, rounds, large)


def bench_secrets(rounds: int, quick: bool) -> list:
    """Secret redaction on gitleaks' own samples and on ordinary code, against the redactor before issue 27 (bench_secrets.py)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_secrets import run as run_secrets_bench

    return run_secrets_bench(PYTHON, rounds, quick)


def table_lines(rows) -> list:
    """Medians with their baselines; times are stored in seconds and shown in the row's unit."""
    scale = {"µs": 1_000_000, "ms": 1000, "s": 1, "MiB": 1, "spans/s": 1}
    lines = [f"{'benchmark':62} {'median':>12} {'baseline':>12} {'ratio':>7}"]
    for name, value, baseline, unit in rows:
        if value is None:
            lines.append(f"{name:62} {unit}")
            continue
        ratio = f"{value / baseline:6.2f}x" if baseline > 0 else "    n/a"
        if value is baseline:  # a figure without a baseline of its own
            lines.append(f"{name:62} {value * scale[unit]:8.0f} {unit}")
            continue
        lines.append(f"{name:62} {value * scale[unit]:8.1f} {unit:3} {baseline * scale[unit]:8.1f} {unit:3} {ratio}")
    return lines


def print_table(rows) -> None:
    print("\n".join(table_lines(rows)))


def write_docs(page: Path, rows, ran) -> list:
    """Replace the table of each benchmark whose parts all ran (and none was skipped) with the lines
    just printed for it, leaving every other table and all prose as they were; the numbers rewritten."""
    complete = {number for number in PARTS.values() if all(part in ran for part, of in PARTS.items() if of == number)}
    rewritten = []

    def replace(match):
        number = int(match.group(2))
        measured = [row for row in rows if row[0].startswith(f"{number}. ")]
        if number not in complete or not measured or any(row[0].endswith(": skipped") for row in measured):
            return match.group(0)
        rewritten.append(number)
        return match.group(1) + "\n".join(line.rstrip() for line in table_lines(measured)) + "\n" + match.group(4)

    text = DOCS_TABLE.sub(replace, page.read_text())
    temp = page.with_name(f".{page.name}.tmp")
    temp.write_text(text)
    os.replace(temp, page)
    return rewritten


def measure(args) -> list:
    """The rows of every benchmark ``args`` asks for, in order."""
    only = set(args.only.split(","))
    rounds = 3 if args.quick else 30
    large = 64 * 1024 if args.quick else 1024 * 1024
    rows = []
    print(f"python {sys.version.split()[0]} at {PYTHON}; rounds={rounds}", flush=True)
    if args.against:
        rows += bench_against_revision(args.against, rounds)
    if "latency" in only:
        rows += bench_latency(rounds, large) + bench_failures(rounds)
    if "growth" in only:
        rows += bench_growth(rounds, (10, 100, 300) if args.quick else (10, 1000, 5000))
    if "stop" in only:
        rows += bench_stop(rounds, (10, 100, 300) if args.quick else (10, 1000, 5000))
    if "harvest" in only:
        rows += bench_stop_harvest(rounds, (10, 300) if args.quick else (10, 5000))
    if "concurrency" in only:
        rows += bench_concurrency(rounds)
    if "cli" in only:
        rows += bench_real_cli(5 if args.quick else 60)
    if "reads" in only:
        rows += bench_cli_reads(200 if args.quick else 10_000, 300 if args.quick else 5000)
    if "memory" in only:
        rows += bench_memory(large * (1 if args.quick else 50))
    if "index" in only:
        rows += bench_index(*((2, 20, 100) if args.quick else (10, 1000, 100)), 3 if args.quick else 9)
    if "otlp" in only:
        rows += bench_otlp(rounds, 50 if args.quick else 1000)
    if "dashboard" in only:
        rows += bench_dashboard(200 if args.quick else 10_000, 300 if args.quick else 5000, rounds)
    if "statusline" in only:
        rows += bench_statusline(rounds, *((300, 200, 5) if args.quick else (5000, 10_000, 300)))
    if "limits" in only:
        rows += bench_limits(min(rounds, 10), *((2000, 200, 20) if args.quick else (100_000, 1000, 1000)))
    if "import" in only:
        rows += bench_import(10 if args.quick else 300, 3 if args.quick else 5, None if args.quick else 3072)
    if "secrets" in only:
        rows += bench_secrets(3 if args.quick else 15, args.quick)
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="few iterations, small sizes: checks the benchmarks run, not the numbers")
    parser.add_argument("--only", default="latency,growth,stop,harvest,concurrency,cli,reads,memory,index,otlp,dashboard,statusline,limits,import,secrets", help="comma-separated: latency,growth,stop,harvest,concurrency,cli,reads,memory,index,otlp,dashboard,statusline,limits,import,secrets")
    parser.add_argument("--json", help="also write the rows as JSON to this file")
    parser.add_argument("--against", metavar="REV", help="also time the hooks of git revision REV against today's, interleaved")
    parser.add_argument("--write-docs", nargs="?", const=str(DOCS_PAGE), metavar="PAGE",
                        help="rewrite the table of each benchmark that ran in full in PAGE (default: docs/performance.md)")
    args = parser.parse_args(argv)
    if args.quick and args.write_docs and Path(args.write_docs).resolve() == DOCS_PAGE.resolve():
        parser.error("--quick figures are not the documented ones: give --write-docs another PAGE")
    # Hooks add each project they see to the user's catalog: keep the benchmark's temp projects out
    # of it, in a home of the run's own, removed after (a status-line run leaves 176 MB there).
    home = tempfile.mkdtemp(prefix="bench-home-")
    os.environ["CLAUDE_SESSION_TRACKER_HOME"] = home
    try:
        rows = measure(args)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    print_table(rows)
    if args.json:
        Path(args.json).write_text(json.dumps([list(row) for row in rows], indent=2))
    if args.write_docs:
        rewritten = write_docs(Path(args.write_docs), rows, set(args.only.split(",")))
        print(f"{args.write_docs}: rewrote the tables of benchmarks {', '.join(map(str, rewritten)) or 'none'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
