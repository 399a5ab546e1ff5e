"""One step to OpenTelemetry: ``./install.sh --otlp`` and ``claude-sessions install --otlp`` put the
``otlp`` extra where the hooks' interpreter finds it, through the real scripts, real virtualenvs
built from PyPI, the real pipx and uv; then doctor passes and the hooks' own shipment arrives in
a real Phoenix."""

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from conftest import REPO
from test_install import VENV, install as install_sh

PIP_QUIET = ["--quiet", "--disable-pip-version-check"]


def wired_command(project: Path, event: str) -> str:
    settings = json.loads((project / ".claude" / "settings.json").read_text())
    return settings["hooks"][event][0]["hooks"][0]["command"]


def run_hook(project: Path, event: str, session_id: str, **fields) -> None:
    """One event through the command install wired, as Claude Code runs it."""
    payload = {"session_id": session_id, "hook_event_name": event, "cwd": str(project), **fields}
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE", "COV_", "OTEL_"))}
    env["CLAUDE_PROJECT_DIR"] = str(project)
    done = subprocess.run(["sh", "-c", wired_command(project, event)], input=json.dumps(payload).encode(), env=env, capture_output=True, timeout=60)
    assert (done.returncode, done.stdout) == (0, b""), done.stderr


def backend_project(project: Path) -> str:
    return project.name.replace(" ", "-")


def shipped_turn_names(project: Path, phoenix) -> list:
    """One turn through the hooks install wired; the span names Phoenix then holds for the project.
    A session id of its own: span ids derive from it, and Phoenix keeps one span per id."""
    session_id = str(uuid.uuid4())
    run_hook(project, "SessionStart", session_id, source="startup")
    run_hook(project, "UserPromptSubmit", session_id, prompt="ship this turn")
    run_hook(project, "Stop", session_id, last_assistant_message="shipped")
    names = [span["name"] for span in phoenix.wait_for_spans(backend_project(project), 2)]
    assert "turn 1" in names, (project / ".claude" / "runtime" / "logs" / "toolkit.log").read_text()[-3000:]
    return names


def otlp_project(root: Path, endpoint: str) -> Path:
    """A project whose turns ship to ``endpoint``, under a backend project named after it, with
    settings that already hold a permission (as a user's do)."""
    project = root / f"traced project {uuid.uuid4().hex[:8]}"
    (project / ".claude").mkdir(parents=True)
    (project / ".claude" / "session-tracking.yaml").write_text(f"otlp:\n  endpoint: {endpoint}\n  project: {backend_project(project)}\n  ship_on: stop\n")
    (project / ".claude" / "settings.json").write_text(json.dumps({"permissions": {"allow": ["Bash(git status)"]}}))
    return project


def doctor(claude_sessions, project: Path):
    return subprocess.run([str(claude_sessions), "doctor"], cwd=project, capture_output=True, text=True, timeout=120)


def test_install_sh_otlp_gives_the_hooks_a_working_exporter(tmp_path, phoenix):
    """./install.sh --otlp into a fresh virtualenv: doctor passes its OTLP check, and a turn's end
    ships the session from the hooks' own interpreter to Phoenix."""
    venv = tmp_path / "hooks venv"
    project = otlp_project(tmp_path, phoenix.url)
    env = dict(os.environ, CLAUDE_SESSION_TRACKER_VENV=str(venv))
    done = subprocess.run(["bash", str(REPO / "install.sh"), "--otlp", str(project)], env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    assert "Adding the otlp extra" in done.stdout and "otlp: added" not in done.stdout
    assert f"otlp: {venv / 'bin' / 'python'} already has the OTLP exporter" in done.stdout
    checked = doctor(venv / "bin" / "claude-sessions", project)
    assert checked.returncode == 0, checked.stdout
    assert f"ok    otlp: shipments run {venv / 'bin' / 'python'}, which has the OTLP exporter" in checked.stdout

    assert "turn 1" in shipped_turn_names(project, phoenix)

    again = subprocess.run(["bash", str(REPO / "install.sh"), "--otlp", str(project)], env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0 and "Adding the otlp extra" not in again.stdout  # already there: nothing installed twice


def test_install_sh_otlp_refuses_uninstall(tmp_path):
    """--otlp with --uninstall is a usage error (exit 2), and --help documents --otlp."""
    done = install_sh("--otlp", "--uninstall", tmp_path, check=False)
    assert done.returncode == 2 and "--otlp" in done.stderr
    assert "--otlp" in install_sh("--help").stdout


def test_install_otlp_outside_a_tool_install_prints_the_one_command(tmp_path):
    """claude-sessions install --otlp from a checkout's virtualenv (no pipx, no uv) changes nothing
    there, prints the one command that adds the extra, and exits 1; doctor gives the same fix."""
    seed = tmp_path / "seed"
    seed.mkdir()
    install_sh(seed)  # builds the shared hooks virtualenv (no otlp extra) unless a test did already
    project = otlp_project(tmp_path, "http://127.0.0.1:9")
    python = VENV / "bin" / "python"
    if subprocess.run([str(python), "-I", "-c", "import opentelemetry.exporter.otlp.proto.http.trace_exporter"], capture_output=True).returncode == 0:
        pytest.skip("the shared hooks virtualenv already has the otlp extra")
    env = dict(os.environ, PYTHONPATH=str(REPO))  # this checkout's code, whichever checkout built the shared virtualenv
    done = subprocess.run([str(python), "-m", "session_management", "install", "--otlp", str(project)], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert f"otlp: {python} is not in a pipx or uv tool environment, so it is left to you; run:" in done.stdout
    command = done.stdout.splitlines()[-1].strip()
    assert command == f"{python} -m pip install 'opentelemetry-sdk>=1.27' 'opentelemetry-exporter-otlp-proto-http>=1.27'"
    assert "added tracking hooks for 9 events" in done.stdout  # the hooks themselves were installed
    checked = subprocess.run([str(python), "-m", "session_management", "doctor"], cwd=project, env=env, capture_output=True, text=True, timeout=120)
    assert checked.returncode == 1 and command in checked.stdout


def source_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "checkout copy"
    shutil.copytree(REPO, copy, ignore=shutil.ignore_patterns(".git", ".venv*", ".cache", "node_modules", "__pycache__", "*.egg-info", "build"))
    return copy


def tool_runner(tmp_path: Path, name: str) -> Path:
    """A virtualenv holding the real ``name`` (pipx or uv) from PyPI; its bin folder."""
    folder = tmp_path / f"{name}-runner"
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    done = subprocess.run([str(folder / "bin" / "python"), "-m", "pip", "install", *PIP_QUIET, name], capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        if os.environ.get("CI") == "true":
            pytest.fail(f"cannot install {name}: {done.stderr}")
        pytest.skip(f"cannot install {name} from PyPI here")
    return folder / "bin"


@pytest.mark.parametrize("manager", ["pipx", "uv"])
def test_install_otlp_in_a_tool_install_adds_the_extra_with_its_manager(tmp_path, manager, phoenix):
    """Installed with the real pipx (or uv tool), claude-sessions install --otlp adds the extra with
    that manager (pipx inject, uv pip) to the interpreter the hooks run; doctor then passes."""
    runner = tool_runner(tmp_path, manager)
    env = dict(os.environ, PATH=f"{runner}{os.pathsep}{os.environ['PATH']}", PIPX_HOME=str(tmp_path / "pipx"),
               PIPX_BIN_DIR=str(tmp_path / "bin"), UV_TOOL_DIR=str(tmp_path / "uv-tools"), UV_TOOL_BIN_DIR=str(tmp_path / "bin"),
               UV_NATIVE_TLS="1")  # uv trusts the system's CA store, as pip does (not only its bundled roots)
    command = ["pipx", "install", str(source_copy(tmp_path))] if manager == "pipx" else ["uv", "tool", "install", str(source_copy(tmp_path))]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    claude_sessions = tmp_path / "bin" / "claude-sessions"
    project = otlp_project(tmp_path, phoenix.url)
    done = subprocess.run([str(claude_sessions), "install", "--otlp", str(project)], env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    verb = "pipx inject" if manager == "pipx" else "uv pip"
    assert f"({verb})" in done.stdout and "opentelemetry-exporter-otlp-proto-http" in done.stdout
    checked = doctor(claude_sessions, project)
    assert checked.returncode == 0, checked.stdout
    assert "ok    otlp: shipments run" in checked.stdout and "which has the OTLP exporter" in checked.stdout
    assert "turn 1" in shipped_turn_names(project, phoenix)  # from the tool's own interpreter
