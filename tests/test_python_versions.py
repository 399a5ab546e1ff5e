"""The Python versions the package claims (3.11+, genai-prices' floor): ./install.sh finds a
suitable interpreter itself, refuses an older one in one line, and the lowest and newest supported
versions install, run the demo and record a real hook event."""

import glob
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO

LOWEST, NEWEST = "3.11", "3.13"


def pyenv_python(version: str) -> Path:
    """``pythonX.Y`` from pyenv (this machine's image has 3.9 to 3.13 there). Skips without it, and
    fails under CI=true, where the image is known to have them."""
    roots = [os.environ.get("PYENV_ROOT"), "/root/.pyenv", os.path.expanduser("~/.pyenv")]
    for root in filter(None, roots):
        found = sorted(glob.glob(f"{root}/versions/{version}.*/bin/python{version}"))
        if found:
            return Path(found[-1])
    if os.environ.get("CI") == "true":
        pytest.fail(f"no python{version} under pyenv (CI=true: the version tests must run)")
    pytest.skip(f"no python{version} under pyenv")


def only_on_path(tmp_path: Path, **pythons) -> str:
    """A PATH whose Pythons are exactly ``pythons`` (name → interpreter), beside every other
    program of /usr/bin and /bin (the machine's own python3 is left out; so is uv)."""
    folder = tmp_path / "path-bin"
    folder.mkdir(exist_ok=True)
    for system in ("/bin", "/usr/bin"):
        for name in os.listdir(system):
            if not name.startswith(("python", "uv")) and not (folder / name).exists():
                (folder / name).symlink_to(os.path.join(system, name))
    for name, target in pythons.items():
        (folder / name).symlink_to(target)
    return str(folder)


def install_sh(*args, venv: Path, path: str = None):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE", "PYTHON", "VIRTUAL_ENV", "COV_"))}
    env["CLAUDE_SESSION_TRACKER_VENV"] = str(venv)
    if path:
        env["PATH"] = path
    return subprocess.run(["bash", str(REPO / "install.sh"), *map(str, args)], capture_output=True, text=True, env=env, timeout=900)


@pytest.mark.parametrize("old", ["3.9", "3.10"])
def test_an_older_python_is_refused_in_one_line(tmp_path, old):
    """With only Python 3.9 or 3.10 on PATH, install.sh says in one line what to install, exits 1,
    and creates nothing."""
    python = pyenv_python(old)
    venv = tmp_path / "venv"
    done = install_sh(tmp_path, venv=venv, path=only_on_path(tmp_path, python3=python))
    assert done.returncode == 1
    [line] = done.stderr.strip().splitlines()
    assert "needs Python 3.11 or newer" in line and f"python3 is {old}." in line and "--python PATH" in line
    assert not venv.exists() and not (tmp_path / ".claude").exists()
    named = install_sh("--python", python, tmp_path, venv=venv)
    assert named.returncode == 1 and "needs Python 3.11 or newer" in named.stderr and not venv.exists()


@pytest.mark.parametrize("version", [LOWEST, NEWEST])
def test_a_supported_python_installs_runs_the_demo_and_records(tmp_path, version):
    """With python3 too old but python3.X on PATH, install.sh picks python3.X by itself; the
    install wires a project with settings of its own, the demo runs, and a real hook event through
    the wired command is recorded."""
    python = pyenv_python(version)
    project = tmp_path / "project"
    (project / ".claude").mkdir(parents=True)
    (project / ".claude" / "settings.json").write_text(json.dumps({"permissions": {"allow": ["Bash(ls)"]}}))
    venv = tmp_path / "venv"
    path = only_on_path(tmp_path, python3=pyenv_python("3.10"), **{f"python{version}": python})
    done = install_sh(project, venv=venv, path=path)
    assert done.returncode == 0, done.stderr
    assert f"with {tmp_path / 'path-bin' / f'python{version}'}" in done.stdout
    reported = subprocess.run([str(venv / "bin" / "python"), "-c", "import sys; print('%d.%d' % sys.version_info[:2])"], capture_output=True, text=True)
    assert reported.stdout.strip() == version
    settings = json.loads((project / ".claude" / "settings.json").read_text())
    assert settings["permissions"] == {"allow": ["Bash(ls)"]} and "Stop" in settings["hooks"]

    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE", "COV_"))}
    demo = subprocess.run([str(venv / "bin" / "claude-sessions"), "demo"], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert demo.returncode == 0, demo.stderr
    assert "session-report.html" in demo.stdout + demo.stderr

    env["CLAUDE_PROJECT_DIR"] = str(project)
    session = "0311a000-0000-0000-0000-00000000000a"
    for event, fields in (("SessionStart", {"source": "startup"}), ("UserPromptSubmit", {"prompt": f"on {version}"}), ("Stop", {})):
        command = settings["hooks"][event][0]["hooks"][0]["command"]
        payload = json.dumps({"session_id": session, "hook_event_name": event, "cwd": str(project), **fields})
        hooked = subprocess.run(["sh", "-c", command], input=payload, capture_output=True, text=True, env=env, timeout=60)
        assert (hooked.returncode, hooked.stdout) == (0, ""), hooked.stderr
    listed = subprocess.run([str(venv / "bin" / "claude-sessions", ), "list", "--json"], capture_output=True, text=True, env=env, cwd=project, timeout=120)
    [row] = json.loads(listed.stdout)
    assert row["session_id"] == session and row["prompts"] == 1
    shutil.rmtree(venv)
