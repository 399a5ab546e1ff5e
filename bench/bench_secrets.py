"""Benchmark 13: secret redaction, measured on gitleaks' own true and false positives.

Recall: each secret of ``tests/fixtures/gitleaks_samples.json`` (derived from gitleaks' rule
sources by ``bench/gitleaks_samples.py``) put (a) alone, (b) in an ``export SERVICE_KEY=…`` or
``.env`` line, (c) in a Bash tool's stdout printing a JSON config, (d) in a sentence naming the
service; a secret counts as caught when no piece of it (12 characters, or half of a shorter
one) is left in what would be stored. False alarms: the share of gitleaks' false-positive strings
changed at all, and the lines of ordinary source code changed (the standard library's modules
and this project's own files). Cost: a fresh hook-like process importing the redactor and
redacting one event, and redactions per second of ordinary tool output, both interleaved with
the redactor of ``--base`` (default: the commit before issue 27) in the same run.

Usage: python bench/bench_secrets.py [--base REV] [--rounds N] [-v], or bench/run.py --only secrets
"""

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
FIXTURE = REPO / "tests" / "fixtures" / "gitleaks_samples.json"
BASE = "0a68bd8"  # main before issue 27: the redactor of 11 patterns
BASE_COPY = Path(__file__).resolve().parent / "baselines" / "redact_0a68bd8.py"
SENTENCES = (
    "My {Svc} API key is {s}, please keep it safe.",
    "Here is the {Svc} token: {s}",
    "{Svc} credentials: {s}",
    "the {Svc} secret is {s} for staging",
)


def service(rule_id: str, named: str) -> str:
    """The service a rule's samples name, as a word (``openaiApiKey`` → ``openai``)."""
    word = re.sub(r"(?i)(?:api)?(?:key|token|secret|password)$", "", named or "") or rule_id.split("-")[0]
    return re.sub(r"[^A-Za-z0-9]", "", word) or rule_id.split("-")[0]


def contexts(rule_id: str, named: str, secret: str, index: int) -> dict:
    """The secret in each of the four contexts, as the strings or records the redactor sees."""
    svc = service(rule_id, named)
    upper = svc.upper()
    line = f"export {upper}_KEY={secret}" if index % 2 == 0 else f'{upper}_TOKEN="{secret}"'
    config = json.dumps({svc: {"endpoint": f"https://api.{svc.lower()}.example", "api_key": secret, "timeout": 30}}, indent=2)
    return {
        "a": secret,
        "b": line,
        "c": {"tool_name": "Bash", "tool_input": {"command": f"cat config/{svc.lower()}.json"}, "tool_response": {"stdout": config, "stderr": ""}},
        "d": SENTENCES[index % len(SENTENCES)].format(Svc=svc.capitalize(), s=secret),
    }


def leaked(secret: str, stored: str) -> bool:
    """Whether a piece of the secret survives: any 12 characters of it, or half of a shorter one."""
    secret = secret.strip()
    width = min(12, max(4, len(secret) // 2))
    return any(secret[i:i + width] in stored for i in range(0, len(secret) - width + 1))


def load_redactor(source: str = None):
    """Today's ``Redactor``, or one from the text of another revision's module."""
    if source is None:
        from session_management.core.redact import Redactor

        return Redactor
    namespace = {"__name__": "old_redact"}
    exec(compile(source, "old_redact.py", "exec"), namespace)
    return namespace["Redactor"]


def recall(redactor, samples: dict) -> dict:
    """Caught share per context, and per rule whether the bare secret was caught."""
    caught = {k: 0 for k in "abcd"}
    total = 0
    missed = {k: [] for k in "abcd"}
    for rule_id, rule in samples.items():
        for index, secret in enumerate(rule["tps"]):
            total += 1
            for key, value in contexts(rule_id, rule["service"], secret, index).items():
                stored = json.dumps(redactor(value), ensure_ascii=False) if key == "c" else redactor(value)
                if key == "c":
                    stored = json.loads(stored)["tool_response"]["stdout"]
                if leaked(secret, stored):
                    missed[key].append(rule_id)
                else:
                    caught[key] += 1
    return {"total": total, **{k: caught[k] / total for k in caught}, "missed": missed}


def false_alarms(redactor, samples: dict) -> tuple:
    """(changed, total) over gitleaks' false-positive strings."""
    fps = [fp for rule in samples.values() for fp in rule["fps"]]
    changed = [fp for fp in fps if redactor(fp) != fp]
    return changed, len(fps)


def source_lines() -> list:
    """Ordinary source code: the standard library's modules (its tests left out) and this project's code
    (its tests, which plant secrets, and the pattern table left out)."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    files = [p for p in stdlib.rglob("*.py") if "test" not in p.relative_to(stdlib).parts[0] and "site-packages" not in p.parts]
    own = [*(REPO / "session_management").rglob("*.py"), *(REPO / "bench").glob("*.py"), *(REPO / "hooks").rglob("*"), REPO / "install.sh"]
    files += [p for p in own if p.is_file() and p.name not in ("redact.py", "gitleaks_samples.py", "bench_secrets.py")]  # not the pattern table
    lines = []
    for path in files:
        try:
            lines.extend(path.read_text(errors="replace").splitlines())
        except OSError:
            pass
    return lines


def throughput(redactor, strings: list, repeat: int = 3) -> float:
    """Strings redacted per second (best of ``repeat``)."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for text in strings:
            redactor(text)
        best = min(best, time.perf_counter() - started)
    return len(strings) / best


FIRST_CALL = """
import sys, time
sys.path.insert(0, {root!r})
import session_management  # the package, as every hook imports it: not part of the figure
started = time.perf_counter()
from session_management.{module} import Redactor
Redactor()({event!r})
print(time.perf_counter() - started)
"""
EVENT = {"session_id": "s", "tool_name": "Bash", "tool_input": {"command": "pytest -q tests/test_api.py", "description": "Run the tests"},
         "tool_response": {"stdout": "....F..\n1 failed, 6 passed in 0.42s\nAssertionError: expected token count 5\n", "stderr": "", "interrupted": False}}


def first_call_cost(python: str, base_root: str, rounds: int) -> tuple:
    """Median seconds a fresh ``python -I -S`` spends importing the redactor and redacting one
    event, timed inside the process: (today, base), interleaved."""
    commands = [[python, "-I", "-S", "-c", FIRST_CALL.format(root=root, module=module, event=EVENT)]
                for root, module in ((str(REPO), "core.redact"), (base_root, "capture.redact"))]
    samples = [[], []]
    for _ in range(rounds):
        for command, times in zip(commands, samples):
            times.append(float(subprocess.run(command, check=True, capture_output=True, text=True).stdout))
    return tuple(statistics.median(times) for times in samples)


def base_source(rev: str) -> str:
    """The redactor module of ``rev``: the default one from its verbatim copy in bench/baselines/,
    any other from git."""
    if rev == BASE:
        return BASE_COPY.read_text()
    return subprocess.run(["git", "-C", str(REPO), "show", f"{rev}:session_management/capture/redact.py"],
                          capture_output=True, text=True, check=True).stdout


def base_tree(source: str) -> str:
    """A package holding only that redactor, as ``session_management.capture.redact``, in a
    temporary folder (its package files were docstrings: nothing else is imported)."""
    folder = Path(tempfile.mkdtemp(prefix="redact-base-"))
    capture = folder / "session_management" / "capture"
    capture.mkdir(parents=True)
    (folder / "session_management" / "__init__.py").write_text("")
    (capture / "__init__.py").write_text("")
    (capture / "redact.py").write_text(source)
    return str(folder)


def run(python: str, rounds: int, quick: bool = False, base: str = BASE, verbose: bool = False) -> list:
    """Benchmark 13's rows for ``bench/run.py``: recall and false alarms as figures, the cost as
    ratios against the redactor of ``base`` (``quick``: a tenth of the code corpus, to check it runs)."""
    fixture = json.loads(FIXTURE.read_text())
    samples = fixture["rules"]
    old_source = base_source(base)
    today, then = load_redactor()(), load_redactor(old_source)()
    figures = {}
    for name, redactor in (("today", today), ("base", then)):
        found = recall(redactor, samples)
        changed, total = false_alarms(redactor, samples)
        figures[name] = (" / ".join(f"{found[k]:.3f}" for k in "abcd"), f"{len(changed)}/{total} = {len(changed) / total:.3f}")
        if name == "today" and verbose:
            print(json.dumps(found["missed"], indent=0), json.dumps(changed, indent=0)[:3000])
    lines = source_lines()[:: 10 if quick else 1]
    code = {}
    for name, redactor in (("today", today), ("base", then)):
        changed = [line for line in lines if redactor(line) != line]
        code[name] = len(changed)
        if name == "today" and verbose:
            for line in changed[:20]:
                print("   ", line.strip()[:150])
    ordinary = [line for line in lines[:: max(1, len(lines) // 20000)] if line.strip()][:20000]
    rates = {"today": [], "base": []}
    for _ in range(3 if quick else 9):  # the best of many interleaved passes: one pass is 0.1 s, easily slowed by a neighbour
        rates["today"].append(throughput(today, ordinary, 1))
        rates["base"].append(throughput(then, ordinary, 1))
    records = [dict(EVENT, tool_input={"command": f"pytest -q tests/test_{n}.py"}, tool_use_id=f"toolu_{n:06}") for n in range(500 if quick else 5000)]
    tree = base_tree(old_source)
    now, before = first_call_cost(python, tree, rounds)
    shutil.rmtree(tree)
    label = "before issue 27" if base == BASE else base
    return [
        ("13. recall (a) / (b) / (c) / (d), gitleaks' samples", None, None, f"{figures['today'][0]}   {label}: {figures['base'][0]}"),
        ("13. gitleaks' false-positive strings changed", None, None, f"{figures['today'][1]}   {label}: {figures['base'][1]}"),
        (f"13. lines of ordinary code changed, of {len(lines):,}", None, None, f"{code['today']}   {label}: {code['base']}"),
        (f"13. redact a line of ordinary code, vs {label}", 1 / max(rates["today"]), 1 / max(rates["base"]), "µs"),
        (f"13. redact a Bash call's record, vs {label}", 1 / throughput(today, records), 1 / throughput(then, records), "µs"),
        (f"13. import the redactor + first event, vs {label}", now, before, "ms"),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default=BASE)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("-v", action="store_true", help="list what was missed and what was changed")
    args = parser.parse_args()
    print(f"samples: {json.loads(FIXTURE.read_text())['source']}")
    from run import print_table

    print_table(run(sys.executable, args.rounds, base=args.base, verbose=args.v))


if __name__ == "__main__":
    main()
