"""Benchmark 7: the search index over a generated corpus (10 projects × 1,000 sessions × 100
entries = one million entries, see ``corpus``): full build, an incremental update after one new
turn, search of a rare word, a common one and a part of a word against ``rg -F`` over the same
JSON files, list across projects, and the index's size against the JSON's. Each command is a fresh
process of ``claude-sessions`` as a regular install runs it (see ``installed_cli``)."""

import os
import shutil
import statistics
import subprocess
import sysconfig
import tempfile
import time
from pathlib import Path

import corpus
from session_management.store import catalog
from timing import interleaved_medians, median_seconds


def _size(paths) -> int:
    return sum(os.path.getsize(path) for path in paths if os.path.exists(path))


def _text_scanner() -> tuple:
    """What a person would search the JSON files with instead: ripgrep, docs/performance.md's reference; GNU
    grep where ripgrep is not installed (it is not on a fresh machine), named in the row."""
    rg = shutil.which("rg")
    if rg:
        return "rg -F", [rg, "-F", "-l", "--hidden", "--no-ignore"]
    return "grep -rF (no rg here)", [shutil.which("grep") or "grep", "-r", "-F", "-l"]


def installed_cli(folder: Path, python: str) -> list:
    """``claude-sessions`` as a regular install (pipx, pip install) runs it: a virtualenv whose
    site-packages reaches this checkout and the dependencies by a plain path in a ``.pth`` file,
    and the console script pip writes. A development venv's editable install runs an import hook
    from its own ``.pth`` at every start (about 20 ms, see docs/performance.md); users' installs do not.
    Bytecode is compiled, as pip does at install time."""
    subprocess.run([python, "-m", "venv", "--without-pip", str(folder)], check=True)
    venv_python = folder / "bin" / "python"
    site = subprocess.run([str(venv_python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    repo = Path(corpus.__file__).resolve().parent.parent
    Path(site, "claude_session_tracker.pth").write_text(f"{repo}\n{sysconfig.get_paths()['purelib']}\n")
    script = folder / "bin" / "claude-sessions"
    script.write_text(f"#!{venv_python}\nimport re\nimport sys\nfrom session_management.present.cli import main\n"
                      "if __name__ == '__main__':\n    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n    sys.exit(main())\n")
    script.chmod(0o755)
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # a user's interpreter writes and reads bytecode
    subprocess.run([python, "-m", "compileall", "-q", str(repo / "session_management")], stdout=subprocess.DEVNULL, check=True)
    return [str(script)]


def run(projects: int, sessions: int, entries: int, python: str, rounds: int) -> list:
    root = Path(tempfile.mkdtemp(prefix="bench-index-"))
    paths, json_bytes = corpus.write_corpus(root, projects, sessions, entries)
    for path in paths:
        catalog.add(catalog.home(), str(path))
    cli = installed_cli(root / "venv", python)
    dev_cli = [python, "-m", "session_management"]
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
    name, command = scan
    for label, query, options in (("a rare word", corpus.RARE, []), ("a common word", corpus.COMMON, []),
                                  ("part of a word", corpus.RARE[2:-2], []),
                                  ("a common word --sort relevance", corpus.COMMON, ["--sort", "relevance"])):
        search, theirs = interleaved_medians([cli + ["search", query, "--all-projects", *options], [*command, query, *map(str, paths)]], rounds)
        rows.append((f"7. search {label}, vs {name} over the JSON", search, theirs, "ms"))
    rows.append((f"7. search in a development venv (editable install): a rare word, vs {name}",
                 *interleaved_medians([dev_cli + ["search", corpus.RARE, "--all-projects"], [*command, corpus.RARE, *map(str, paths)]], rounds), "ms"))
    listing, limited, version = interleaved_medians([cli + ["list", "--all-projects"], cli + ["list", "--all-projects", "--limit", "20"],
                                                     cli + ["--version"]], rounds)  # --version: the CLI's own start-up
    rows += [
        (f"7. list --all-projects, {projects * sessions:,} rows, vs CLI start", listing, version, "ms"),
        ("7. list --all-projects --limit 20, vs CLI start", limited, version, "ms"),
        ("7. index size on disk vs the JSON files", index_bytes / 2**20, json_bytes / 2**20, "MiB"),
    ]
    shutil.rmtree(root)
    index.unlink()
    return rows
