"""install.sh on temp projects, through the real script: merge, idempotence, uninstall, refusal, global."""

import json
import os
import stat
import subprocess
import sys

import pytest

from conftest import HOOK_ENTRY, REPO

VENV = REPO / ".cache" / "hook-venv-e2e"  # shared with the end-to-end test: built once, reused


def install(*args, home=None, check=True):
    env = dict(os.environ, CLAUDE_SESSION_TRACKER_VENV=str(VENV))
    if home is not None:
        env["HOME"] = str(home)
    result = subprocess.run(["bash", str(REPO / "install.sh"), *map(str, args)], env=env, capture_output=True, text=True, timeout=600)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def our_commands_in(settings):
    return [h["command"] for groups in settings.get("hooks", {}).values() for g in groups for h in g["hooks"] if "claude-session-tracker" in h["command"]]


def our_commands(settings_file):
    return our_commands_in(json.loads(settings_file.read_text()))


@pytest.fixture
def project(tmp_path):
    path = tmp_path / "my project"
    path.mkdir()
    return path


def test_fresh_project_gets_every_hook(project):
    """A project without settings gets all nine hooks, with quoted absolute paths, and a .gitignore line."""
    result = install(project)
    settings_file = project / ".claude" / "settings.json"
    settings = json.loads(settings_file.read_text())
    assert set(settings["hooks"]) == {
        "SessionStart", "UserPromptSubmit", "PostToolUse", "PostToolUseFailure", "SubagentStart",
        "SubagentStop", "PreCompact", "Stop", "SessionEnd",
    }
    assert settings["hooks"]["PostToolUse"][0]["matcher"] == "*"
    for command in our_commands(settings_file):
        assert command.startswith(str(VENV / "bin" / "python") + " -I -S ")
        assert str(HOOK_ENTRY) in command
    assert ".claude/runtime/" in (project / ".gitignore").read_text().splitlines()
    assert "new file" in result.stdout


def test_a_shared_virtualenv_is_pointed_at_the_checkout_that_installs(project, tmp_path):
    """Two checkouts sharing CLAUDE_SESSION_TRACKER_VENV: each install.sh makes the hooks run its own code."""
    other = tmp_path / "other checkout"
    files = subprocess.run(["git", "-C", str(REPO), "ls-files", "-z"], capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, files):
        if (REPO / name).is_file():
            (other / name).parent.mkdir(parents=True, exist_ok=True)
            (other / name).write_bytes((REPO / name).read_bytes())
    install(project)  # the shared venv runs REPO's package
    env = dict(os.environ, CLAUDE_SESSION_TRACKER_VENV=str(VENV))
    done = subprocess.run(["bash", str(other / "install.sh"), str(project)], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    where = [str(VENV / "bin" / "python"), "-I", "-c", "import session_management as p; print(p.__file__)"]
    assert subprocess.run(where, capture_output=True, text=True, cwd=tmp_path).stdout.startswith(str(other))
    install(project)  # and back: the next test runs this checkout's code
    assert subprocess.run(where, capture_output=True, text=True, cwd=tmp_path).stdout.startswith(str(REPO))


def test_existing_settings_and_other_hooks_are_kept(project, tmp_path):
    """Other tools' hooks and unrelated settings survive, and the one backup of the old file is
    kept in the user's data folder, not beside the settings."""
    (project / ".claude").mkdir()
    original = {
        "model": "opus",
        "permissions": {"allow": ["Bash(ls:*)"]},
        "hooks": {"PostToolUse": [{"matcher": "Edit", "hooks": [{"type": "command", "command": "prettier --write"}]}]},
    }
    settings_file = project / ".claude" / "settings.json"
    settings_file.write_text(json.dumps(original))
    os.chmod(settings_file, 0o640)
    home = tmp_path / "home"
    result = install(project, home=home)
    settings = json.loads(settings_file.read_text())
    assert settings["model"] == "opus" and settings["permissions"] == original["permissions"]
    assert settings["hooks"]["PostToolUse"][0] == original["hooks"]["PostToolUse"][0]
    assert len(settings["hooks"]["PostToolUse"]) == 2
    [backup] = (home / ".local" / "share" / "claude-session-tracker" / "settings-backups").glob("*-settings.json")
    assert json.loads(backup.read_text()) == original and str(backup) in result.stdout
    assert os.listdir(project / ".claude") == ["settings.json"]
    assert stat.S_IMODE(settings_file.stat().st_mode) == 0o640


def test_second_run_changes_nothing(project):
    """Running install twice leaves the settings byte for byte as the first run wrote them."""
    install(project)
    settings_file = project / ".claude" / "settings.json"
    first = settings_file.read_bytes()
    result = install(project)
    assert settings_file.read_bytes() == first
    assert "nothing changed" in result.stdout
    assert not list((project / ".claude").glob("*.bak"))
    assert (project / ".gitignore").read_text().count(".claude/runtime/") == 1


def test_uninstall_removes_exactly_ours(project):
    """--uninstall takes out our hooks and leaves the rest as it was."""
    (project / ".claude").mkdir()
    other = {"matcher": "Edit", "hooks": [{"type": "command", "command": "prettier --write"}]}
    settings_file = project / ".claude" / "settings.json"
    settings_file.write_text(json.dumps({"model": "opus", "hooks": {"PostToolUse": [other]}}))
    install(project)
    install("--uninstall", project)
    assert json.loads(settings_file.read_text()) == {"model": "opus", "hooks": {"PostToolUse": [other]}}
    install("--uninstall", project)
    assert json.loads(settings_file.read_text()) == {"model": "opus", "hooks": {"PostToolUse": [other]}}


def test_invalid_settings_are_refused_and_left_untouched(project):
    """A settings.json that is not JSON stops the install with a clear message and is not changed."""
    (project / ".claude").mkdir()
    settings_file = project / ".claude" / "settings.json"
    settings_file.write_text('{"hooks": {oops')
    result = install(project, check=False)
    assert result.returncode == 1
    assert "not valid JSON" in result.stderr and str(settings_file) in result.stderr
    assert settings_file.read_text() == '{"hooks": {oops'
    assert not list((project / ".claude").glob("*.bak"))


def test_global_install_targets_the_home_settings(tmp_path):
    """--global wires ~/.claude/settings.json and touches no project; uninstall removes the file it
    had created."""
    home = tmp_path / "global-home"
    home.mkdir()
    install("--global", home=home)
    assert len(our_commands(home / ".claude" / "settings.json")) == 9
    install("--global", "--uninstall", home=home)
    assert not (home / ".claude" / "settings.json").exists()


def test_help_and_usage_errors():
    """--help explains the options; an unknown option is a usage error (exit 2)."""
    result = install("--help")
    for word in ("--global", "--uninstall", "--python", "PROJECT_DIR", "settings.json", ".gitignore"):
        assert word in result.stdout
    assert install("--bogus", check=False).returncode == 2
    assert install("/no/such/dir", check=False).returncode == 1


def test_this_repo_tracks_itself():
    """The repo's own .claude/settings.json wires every hook to the package's entry script."""
    from session_management.capture.events import to_wire

    settings = json.loads((REPO / ".claude" / "settings.json").read_text())
    assert list(settings["hooks"]) == to_wire((2, 1, 332), {})
    for event, [group] in settings["hooks"].items():
        command = group["hooks"][0]["command"]
        assert command.endswith(f'/session_management/capture/hook.py" {event} || exit 1 #claude-session-tracker') and HOOK_ENTRY.exists()


def test_install_command_in_process(tmp_path, capsys):
    """claude-sessions install: add, re-add, remove, and refusal of a non-object "hooks" or a missing project."""
    from session_management.install import settings as _install
    from session_management.present import cli

    project = tmp_path / "p"
    project.mkdir()
    settings_file = project / ".claude" / "settings.json"
    assert cli.main(["install", str(project)]) == 0
    assert len(our_commands(settings_file)) == 9
    assert all(f"{sys.executable} -I -S {HOOK_ENTRY} " in command for command in our_commands(settings_file))
    assert cli.main(["install", str(project)]) == 0
    assert "nothing changed" in capsys.readouterr().out
    assert cli.main(["install", "--uninstall", str(project)]) == 0
    assert not settings_file.exists()  # install had created it, and it held nothing else
    settings_file.write_text('{"hooks": []}')
    assert cli.main(["install", "--uninstall", str(project)]) == 1
    assert '"hooks" is not an object' in capsys.readouterr().err
    settings_file.write_text("[1]")
    assert cli.main(["install", str(project)]) == 1
    assert settings_file.read_text() == "[1]"
    assert cli.main(["install", str(tmp_path / "missing")]) == 1
    assert cli.main(["install", "--global", str(project)]) == 2
    quoted = _install.add_ours({}, "/new py", "/h/hook.py", ["Stop"])
    assert all(command.startswith("'/new py' -I -S /h/hook.py ") for command in our_commands_in(quoted))


def test_gitignore_line_is_added_once(tmp_path):
    """ensure_gitignored appends after a missing final newline and never twice."""
    from session_management.install.settings import ensure_gitignored

    (tmp_path / ".gitignore").write_text("node_modules")
    assert ensure_gitignored(str(tmp_path)) is True
    assert ensure_gitignored(str(tmp_path)) is False
    assert (tmp_path / ".gitignore").read_text().splitlines()[0] == "node_modules"
    assert (tmp_path / ".gitignore").read_text().count(".claude/runtime/") == 1


def test_plugin_files_match_the_installer():
    """hooks/hooks.json wires what an install for Claude Code 2.1.197 would (a plugin cannot ask
    the CLI's version), through plugin-hook.sh; the manifests are valid."""
    from session_management.capture.events import matcher_and_timeout, to_wire

    manifest = json.loads((REPO / ".claude-plugin" / "plugin.json").read_text())
    assert manifest["name"] == "claude-session-tracker"
    market = json.loads((REPO / ".claude-plugin" / "marketplace.json").read_text())
    assert [p["name"] for p in market["plugins"]] == [manifest["name"]] and market["plugins"][0]["source"] == "./"
    hooks = json.loads((REPO / "hooks" / "hooks.json").read_text())["hooks"]
    assert list(hooks) == to_wire((2, 1, 197), {})
    for event, [group] in hooks.items():
        assert group.get("matcher") == matcher_and_timeout(event)[0]
        guard = "trap '' TERM HUP INT; " if event == "StopFailure" else ""
        assert group["hooks"][0]["command"] == f'{guard}sh "${{CLAUDE_PLUGIN_ROOT}}/hooks/plugin-hook.sh" {event}'


def test_hooks_work_without_filelock_and_yaml(tmp_path):
    """A plugin hook before its virtualenv exists (no filelock, no pyyaml) still records, with built-in locks."""
    (tmp_path / ".claude").mkdir()
    (tmp_path / ".claude" / "session-tracking.yaml").write_text("timeout_seconds: 60\n")
    code = (
        "import sys; sys.modules['filelock'] = None; sys.modules['yaml'] = None; "
        f"sys.path.insert(0, {str(REPO)!r}); from session_management.capture.dispatch import run; run(sys.argv[1])"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLAUDE")}
    env["CLAUDE_PROJECT_DIR"] = str(tmp_path)
    for event, payload in (("SessionStart", {"source": "startup"}), ("UserPromptSubmit", {"prompt": "hi"}), ("Stop", {})):
        payload = dict(payload, session_id="nolibs")
        done = subprocess.run([sys.executable, "-I", "-S", "-c", code, event], input=json.dumps(payload).encode(), env=env, capture_output=True)
        assert done.returncode == 0 and done.stdout == b"", done.stderr
    archived = json.loads((tmp_path / ".claude" / "runtime" / "sessions" / "archive" / "session_nolibs.json").read_text())
    assert [e["action"] for e in archived["activity_log"]] == ["session_start", "user_input", "turn_end"]
    log = (tmp_path / ".claude" / "runtime" / "logs" / "toolkit.log").read_text()
    assert "pyyaml is not installed" in log
