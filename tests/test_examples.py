"""The spec's examples run as real scripts against a temp project directory."""

import subprocess

from conftest import PYTHON, REPO, python_env, read_json


def run_example(name, cwd):
    result = subprocess.run(
        [PYTHON, str(REPO / "examples" / name)], cwd=cwd, env=python_env(), capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_basic_usage_example(tmp_path):
    """basic_usage.py creates a session, saves it and writes structured logs."""
    out = run_example("basic_usage.py", tmp_path)
    assert "Session active: True" in out and "Active sessions: 1" in out
    runtime = tmp_path / ".claude" / "runtime"
    [session_file] = (runtime / "sessions").glob("session_*.json")
    data = read_json(session_file)
    assert data["metadata"] == {"user": "alice@example.com"}
    assert data["activity_log"][0]["details"] == {"message": "Hello"}
    log_lines = (runtime / "logs" / "toolkit.log").read_text().splitlines()
    assert len(log_lines) == 2
    assert (runtime / "logs" / f"session_{data['session_id']}.log").exists()


def test_persistent_session_example_continues_across_processes(tmp_path):
    """persistent_session.py run four times keeps one session through save, archive and restore."""
    outputs = [run_example("persistent_session.py", tmp_path) for _ in range(4)]
    assert outputs[0].startswith("Created session")
    assert outputs[1].startswith("Resumed session")
    assert "Archived after the third visit" in outputs[2]
    assert outputs[3].startswith("Restored archived session")
    assert "Visits so far: 4; activity entries: 4" in outputs[3]
    sessions = list((tmp_path / ".claude" / "runtime" / "sessions").glob("session_*.json"))
    assert len(sessions) == 1
