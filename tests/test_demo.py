"""claude-sessions demo, the README's first command, as a new user runs it: it shows everything and
leaves the user's own catalog, index and caches exactly as they were."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from session_management.present.demo import replay as demo_replay
from test_cli import replay


def snapshot(*folders) -> dict:
    """Every file under ``folders``: its bytes and modification time."""
    found = {}
    for folder in folders:
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file():
                found[str(path)] = (path.read_bytes(), path.stat().st_mtime_ns)
    return found


def claude_sessions(*args, cwd, env=None):
    return subprocess.run([sys.executable, "-m", "session_management", *map(str, args)], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env=env)


@pytest.mark.parametrize("xdg", [False, True], ids=["home-defaults", "xdg-folders"])
def test_demo_leaves_the_users_catalog_index_and_caches_untouched(tmp_path, monkeypatch, xdg):
    """A user with one tracked project, its index and price cache built, runs demo: their data and
    cache folders are byte-for-byte (and mtime) the same after, and projects still lists only theirs."""
    if xdg:
        monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    home = Path(os.environ["HOME"])
    data = Path(os.environ.get("XDG_DATA_HOME", home / ".local" / "share")) / "claude-session-tracker"
    cache = Path(os.environ.get("XDG_CACHE_HOME", home / ".cache")) / "claude-session-tracker"
    mine = tmp_path / "my-project"
    mine.mkdir()
    replay(mine, "aaaa1111-0000-0000-0000-000000000001")  # through the hooks' dispatcher: cataloged
    demo_replay(mine, "aaaa2222-0000-0000-0000-000000000002")  # with transcripts: tokens to price
    for command in (("index",), ("list", "--all-projects"), ("list",)):
        assert claude_sessions(*command, cwd=mine).returncode == 0
    assert (data / "projects.json").is_file() and (cache / "index.sqlite").is_file() and (cache / "prices-cache.json").is_file()
    before = snapshot(data, cache)

    report = tmp_path / "demo.html"
    demo = claude_sessions("demo", "-o", report, cwd=tmp_path)

    assert demo.returncode == 0, demo.stderr
    assert "Find the failing test and fix it" in demo.stdout and "8 requests · cost $" in demo.stdout  # it still shows everything
    assert report.read_text().startswith("<!DOCTYPE html>")
    assert snapshot(data, cache) == before
    projects = claude_sessions("projects", "--json", cwd=tmp_path)
    assert [p["path"] for p in json.loads(projects.stdout)] == [str(mine)]


def test_demo_on_a_fresh_machine_creates_no_user_folder(tmp_path):
    """Before anything is tracked, demo creates neither the data nor the cache folder: nothing is left behind."""
    home = Path(os.environ["HOME"])
    demo = claude_sessions("demo", cwd=tmp_path)
    assert demo.returncode == 0, demo.stderr
    assert not (home / ".local" / "share" / "claude-session-tracker").exists()
    assert not (home / ".cache" / "claude-session-tracker").exists()
    listed = claude_sessions("list", "--all-projects", cwd=tmp_path)
    assert listed.returncode == 1 and listed.stderr.startswith("nothing tracked yet")


def test_demo_keeps_one_demo_folder_at_a_time(tmp_path):
    """Each demo removes the previous demo's folder, so they do not pile up in the temporary folder, and
    removes nothing else: a folder without the demo's mark, a link to a marked one, a demo still running."""
    import fcntl

    temp = tmp_path / "tmp"
    (temp / "claude-sessions-demo-mine").mkdir(parents=True)  # a folder of the same name, not made by a demo
    (temp / "elsewhere").mkdir()
    (temp / "elsewhere" / ".claude-sessions-demo").write_text("")
    (temp / "claude-sessions-demo-link").symlink_to(temp / "elsewhere")
    running = temp / "claude-sessions-demo-running"
    running.mkdir()
    env = {**os.environ, "TMPDIR": str(temp)}

    def demo() -> Path:
        done = claude_sessions("demo", cwd=tmp_path, env=env)
        assert done.returncode == 0, done.stderr
        [folder] = [line.split()[5] for line in done.stderr.splitlines() if line.startswith("The demo project stays in ")]
        assert (Path(folder) / "session-report.html").read_text().startswith("<!DOCTYPE html>")  # the report it names
        return Path(folder)

    with open(running / ".claude-sessions-demo", "w") as mark:
        fcntl.flock(mark, fcntl.LOCK_SH)  # as a demo holds it while it runs
        first = demo()
        second = demo()
    assert not first.exists() and second.parent == temp
    assert sorted(p.name for p in temp.iterdir()) == sorted(["claude-sessions-demo-mine", "claude-sessions-demo-link", "elsewhere",
                                                             "claude-sessions-demo-running", second.name])
    assert (temp / "elsewhere" / ".claude-sessions-demo").exists()
    assert claude_sessions("demo", cwd=tmp_path, env=env).returncode == 0 and not second.exists() and not running.exists()  # no longer running


def test_the_readmes_first_list_example_is_what_the_demo_prints(tmp_path):
    """The README's first example, demo then the list it suggests, is what a reader gets: the same lines but for the folder and times."""
    import re

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    block = readme.split("$ .venv-hooks/bin/claude-sessions demo\n", 1)[1].split("```", 1)[0].splitlines()
    folder = re.search(r"/tmp/claude-sessions-demo-\w+", block[1]).group(0)
    temp = Path(os.environ["TMPDIR"])  # the test's own (conftest)
    demo = claude_sessions("demo", cwd=tmp_path, env={**os.environ, "TMPDIR": str(temp)})
    [ours] = temp.iterdir()
    told = [line.replace(str(ours), folder).replace(f"{sys.executable} -m session_management", ".venv-hooks/bin/claude-sessions")
            for line in demo.stderr.splitlines()[-2:]]
    assert told == block[1:3]
    listed = claude_sessions("--runtime-dir", ours / ".claude" / "runtime", "list", cwd=tmp_path).stdout.splitlines()
    untimed = lambda row: row.split()[:3] + row.split()[8:]  # noqa: E731 (not the start, last activity and duration)
    assert listed[0] == block[4] and list(map(untimed, listed[1:])) == list(map(untimed, block[5:]))
