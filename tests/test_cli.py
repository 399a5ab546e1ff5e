"""claude-sessions, through its real entry points, on sessions recorded by the real hooks."""

import json
import logging
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import HOOK_ENTRY, REPO
from session_management.capture.events import ORIGINAL
from session_management.capture import dispatch as _dispatch
from session_management.present import cli

DEMO_EVENTS = json.loads((REPO / "session_management" / "present" / "demo_events.json").read_text())


def replay(project: Path, session_id: str, events=DEMO_EVENTS) -> None:
    """Record a captured Claude Code session into ``project`` through the dispatcher."""
    env = {"CLAUDE_PROJECT_DIR": str(project)}
    for name, payload in events:
        payload = json.loads(json.dumps(payload).replace("{project}", str(project)).replace("{home}", "/home/u"))
        payload["session_id"] = session_id
        _dispatch.handle(name, json.dumps(payload).encode(), env)
    logging.getLogger("session_management").handlers.clear()


@pytest.fixture
def project(tmp_path):
    """A project with three recorded sessions: two complete, one stopped after its first prompt."""
    path = tmp_path / "proj"
    path.mkdir()
    replay(path, "aaaa1111-0000-0000-0000-000000000001")
    replay(path, "aaaa2222-0000-0000-0000-000000000002")
    replay(path, "bbbb3333-0000-0000-0000-000000000003", DEMO_EVENTS[:2])
    return path


@pytest.fixture
def run(project, capsys, monkeypatch):
    """Run claude-sessions in-process from inside the project; returns (exit code, stdout, stderr)."""
    monkeypatch.chdir(project)

    def invoke(*args):
        try:
            code = cli.main([str(a) for a in args])
        except SystemExit as exc:  # argparse usage errors and --help
            code = exc.code
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


def run_module(*args, cwd):
    return subprocess.run([sys.executable, "-m", "session_management", *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=60)


def test_list_shows_every_session_newest_first(run):
    """list prints a table: id prefix, status, times, duration, prompts, tools, failures; newest first."""
    code, out, _ = run("list")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:2] == ["ID", "STATUS"] and "FAILURES" in lines[0]
    assert [line.split()[0] for line in lines[1:]] == ["bbbb3333", "aaaa2222", "aaaa1111"]
    complete = lines[2].split()
    assert complete[1:3] == ["ended", "(archived)"]
    assert complete[-5:-2] == ["2", "6", "1"]  # prompts, tool calls, failures (then tokens, cost)


def test_list_filters_and_json(run):
    """--status, --since, --limit and --json narrow and shape the listing."""
    code, out, _ = run("list", "--status", "active", "--json")
    assert code == 0
    [live] = json.loads(out)
    assert live["session_id"].startswith("bbbb3333") and live["prompts"] == 1
    assert len(json.loads(run("list", "--json", "--limit", "2")[1])) == 2
    assert len(json.loads(run("list", "--json", "--since", "1h")[1])) == 3
    code, _, err = run("list", "--since", "2999-01-01")
    assert code == 1 and "no sessions match" in err
    code, _, err = run("list", "--since", "yesterday")
    assert code == 2 and "--since" in err


def test_list_uses_its_cache_and_notices_changes(run, project):
    """A second listing comes from the summary cache; a session that grew is summarized again."""
    run("list")
    cache = project / ".claude" / "runtime" / "summary-cache.json"
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    replay(project, "bbbb3333-0000-0000-0000-000000000003", DEMO_EVENTS[2:4])
    [live] = json.loads(run("list", "--status", "active", "--json")[1])
    assert live["tool_calls"] == 2


def test_show_prints_a_readable_timeline(run):
    """show accepts a unique prefix and prints prompts, tools with durations, failures, subagents, decisions."""
    code, out, _ = run("show", "aaaa1")
    assert code == 0
    assert out.startswith("Session aaaa1111-0000-0000-0000-000000000001  (ended)")
    assert "2 prompts · 6 tool calls · 1 failure" in out
    for needle in ('prompt     "Find the failing test and fix it"', "tool       Bash  ls  (", "failure    Bash", "subagent   general-purpose started",
                   "decision   archive session", "decision   resume the session from the archive", "turn end", "end        session ended (other)"):
        assert needle in out, needle


def test_show_errors_have_exit_codes(run):
    """An unknown id exits 1, an ambiguous prefix 2, each with one line on stderr."""
    code, out, err = run("show", "zzzz")
    assert (code, out) == (1, "") and err.count("\n") == 1 and "no session matches 'zzzz'" in err
    code, _, err = run("show", "aaaa")
    assert code == 2 and "matches 2 sessions" in err


def test_show_json(run):
    """show --json gives the session in the storage format with its decisions."""
    data = json.loads(run("show", "aaaa2", "--json")[1])
    assert data["session"]["session_id"].startswith("aaaa2222")
    assert {d["details"]["what"].split()[0] for d in data["decisions"]} == {"archive", "resume"}


def test_stats_over_all_and_one(run):
    """stats counts tool calls, failures and time per tool, over every session or one."""
    code, out, _ = run("stats", "--json")
    assert code == 0
    stats = json.loads(out)
    assert stats["sessions"] == 3 and stats["prompts"] == 5 and stats["tool_calls"] == 12 and stats["failures"] == 2
    assert stats["tools"]["Bash"]["calls"] == 6 and stats["tools"]["Bash"]["failures"] == 2
    assert stats["tools"]["Bash"]["total_ms"] > 0
    code, out, _ = run("stats", "aaaa1")
    assert code == 0 and out.startswith("1 session · 2 prompts (2.0 per session) · 6 tool calls · 1 failure (16.7%)\ntokens - · cost - (no response recorded)\n")
    assert "TOOL" in out and "Bash" in out


def test_export_formats(run, tmp_path):
    """export writes JSON, Markdown and self-contained HTML, privately, to a file or stdout."""
    code, out, _ = run("export", "aaaa1")
    assert code == 0 and json.loads(out)["session_id"].startswith("aaaa1111")
    code, out, _ = run("export", "aaaa1", "--format", "markdown")
    assert out.startswith("# Session `aaaa1111") and "| time | +s | kind | what | ms |" in out
    target = tmp_path / "report.html"
    code, _, err = run("export", "aaaa1", "--format", "html", "-o", target)
    assert code == 0 and str(target) in err
    page = target.read_text()
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page and "Find the failing test" in page
    assert "http://" not in page and "https://" not in page and "src=" not in page  # nothing fetched
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_export_escapes_html(run, project, tmp_path):
    """Recorded text is escaped in the HTML report, never interpreted."""
    replay(project, "cccc4444-0000-0000-0000-000000000004", [["UserPromptSubmit", {"prompt": "<script>alert(1)</script>", "cwd": str(project)}]])
    run("export", "cccc4444", "--format", "html", "-o", tmp_path / "x.html")
    page = (tmp_path / "x.html").read_text()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_cleanup_dry_run_then_real(run, project):
    """cleanup --dry-run only reports; cleanup ends idle sessions and prunes old archives; then nothing is left to do."""
    sessions = project / ".claude" / "runtime" / "sessions"
    live = sessions / "session_bbbb3333-0000-0000-0000-000000000003.json"
    data = json.loads(live.read_text())
    data["last_activity"] = "2020-01-01T00:00:00.000Z"
    (sessions / "session_bbbb3333-0000-0000-0000-000000000003.journal").write_text('{"journal": 1, "base": %d}\n' % len(data["activity_log"]))
    live.write_text(json.dumps(data))
    old_archive = sessions / "archive" / "session_aaaa1111-0000-0000-0000-000000000001.json"
    os.utime(old_archive, (time.time() - 40 * 86400,) * 2)
    code, out, _ = run("cleanup", "--dry-run", "--retention-days", "30")
    assert code == 0 and "would end and archive bbbb3333" in out and "would delete aaaa1111" in out
    assert live.exists() and old_archive.exists()
    code, out, _ = run("cleanup", "--retention-days", "30")
    assert code == 0 and "end and archive bbbb3333" in out and "delete aaaa1111" in out and "would" not in out
    assert not live.exists() and not old_archive.exists()
    code, out, _ = run("cleanup")
    assert code == 1 and "nothing to clean up" in out


def test_no_runtime_directory(tmp_path, capsys, monkeypatch):
    """Outside a tracked project the CLI says where it looked and exits 1."""
    monkeypatch.chdir(tmp_path)
    assert cli.main(["list"]) == 1
    assert "no .claude/runtime found" in capsys.readouterr().err
    assert cli.main(["--runtime-dir", str(tmp_path / "nope"), "list"]) == 1


def test_runtime_dir_option_works_anywhere(run, project, tmp_path, monkeypatch):
    """--runtime-dir points the CLI at another project, before or after the command."""
    monkeypatch.chdir(tmp_path)
    runtime = project / ".claude" / "runtime"
    assert run("--runtime-dir", runtime, "list")[0] == 0
    assert run("list", "--runtime-dir", runtime)[0] == 0


def test_runtime_dir_option_takes_a_folder_of_any_name(run, project, tmp_path, monkeypatch):
    """--runtime-dir names the runtime itself, not a project's .claude/runtime: list and stats read it."""
    import shutil

    copy = tmp_path / "runtime-copy"
    shutil.copytree(project / ".claude" / "runtime", copy)
    monkeypatch.chdir(tmp_path)
    code, out, _ = run("--runtime-dir", copy, "list", "--json")
    assert code == 0 and len(json.loads(out)) == 3
    assert json.loads(run("--runtime-dir", copy, "stats", "--json")[1])["sessions"] == 3


def test_module_entry_point_and_help(project):
    """`python -m session_management` is the same CLI; --help lists every command; bad usage exits 2."""
    result = run_module("--help", cwd=project)
    assert result.returncode == 0
    for command in ("list", "show", "tail", "stats", "export", "cleanup", "doctor", "demo", "--runtime-dir"):
        assert command in result.stdout
    result = run_module("list", cwd=project)
    assert result.returncode == 0 and "aaaa1111" in result.stdout
    assert run_module("frobnicate", cwd=project).returncode == 2


def test_tail_follows_a_live_session_until_it_ends(project):
    """tail prints events as hooks record them and exits when the session ends."""
    follower = subprocess.Popen(
        [sys.executable, "-m", "session_management", "tail", "--interval", "0.1", "--timeout", "60"],
        cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        first = follower.stderr.readline()  # it has chosen its session: only now send the rest
        replay(project, "bbbb3333-0000-0000-0000-000000000003", DEMO_EVENTS[2:])
        out, err = follower.communicate(timeout=60)
    finally:
        follower.kill()
    assert follower.returncode == 0, err
    assert first.startswith("following session bbbb3333") and "ended" in err
    actions = [line.split()[1] for line in out.splitlines()]
    assert actions[:2] == ["session_start", "user_input"]
    assert actions[-1] == "session_end" and "tool_failure" in actions


def test_tail_without_a_live_session(tmp_path, capsys, monkeypatch):
    """tail with nothing to follow exits 1 and says how to name a session."""
    replay(tmp_path, "dddd5555-0000-0000-0000-000000000005")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["tail"]) == 1
    assert "no active session to follow" in capsys.readouterr().err


def test_doctor_on_an_installed_project(tmp_path, capsys, monkeypatch):
    """doctor passes on a project wired with the hooks, and names each fix when things are missing."""
    from session_management.install import settings as _install

    project = tmp_path / "p"
    (project / ".claude").mkdir(parents=True)
    monkeypatch.chdir(project)
    assert cli.main(["doctor"]) == 1
    assert "tracking hooks are not wired" in capsys.readouterr().out
    settings = _install.add_ours({}, sys.executable, str(HOOK_ENTRY), sorted(ORIGINAL) + ["StopFailure"])
    (project / ".claude" / "settings.json").write_text(json.dumps(settings))
    code, out = cli.main(["doctor"]), capsys.readouterr().out
    assert code == 0, out  # the StopFailure command's `trap` guard is not mistaken for its interpreter
    (project / ".claude" / "session-tracking.yaml").write_text("archive_on: sometimes\n")
    assert cli.main(["doctor", "--json"]) == 1
    checks = json.loads(capsys.readouterr().out)
    assert any(not c["ok"] and "archive_on" in c["check"] for c in checks)
    del settings["hooks"]["Stop"]
    settings["hooks"]["PostToolUse"].append(settings["hooks"]["PostToolUse"][0])
    [end_hook] = settings["hooks"]["SessionEnd"][0]["hooks"]
    end_hook["command"] = end_hook["command"].replace(str(HOOK_ENTRY), "/gone/hook.py")
    (project / ".claude" / "settings.json").write_text(json.dumps(settings))
    assert cli.main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "missing Stop" in out and "PostToolUse is wired more than once" in out and "/gone/hook.py is missing" in out


def test_doctor_knows_the_plugin_and_how_hooks_were_installed(tmp_path, capsys, monkeypatch):
    """doctor names the install kind of each hook command, accepts the plugin alone, and flags
    the plugin enabled beside installed hooks (every event recorded twice)."""
    from session_management.install import settings as _install

    project = tmp_path / "p"
    (project / ".claude").mkdir(parents=True)
    monkeypatch.chdir(project)
    user_settings = Path.home() / ".claude" / "settings.json"
    user_settings.parent.mkdir(parents=True)
    user_settings.write_text(json.dumps({"enabledPlugins": {"claude-session-tracker@claude-session-tracker": True, "other@x": True}}))
    code, out = cli.main(["doctor"]), capsys.readouterr().out
    assert code == 0, out
    assert f"plugin claude-session-tracker@claude-session-tracker enabled in {user_settings}" in out
    (project / ".claude" / "settings.json").write_text(json.dumps(_install.add_ours({}, sys.executable, str(HOOK_ENTRY), sorted(ORIGINAL))))
    code, out = cli.main(["doctor"]), capsys.readouterr().out
    assert code == 1 and "tracked twice: by the plugin and by hooks in" in out
    assert f"hooks run {sys.executable} with the checkout at {REPO}" in out
    user_settings.write_text("{}")
    legacy = _install.add_ours({}, sys.executable, str(HOOK_ENTRY), sorted(ORIGINAL))
    for event, groups in legacy["hooks"].items():
        groups[0]["hooks"][0]["command"] = f"{sys.executable} -I -S {REPO / 'hooks' / 'stop.py'} {_install.MARKER}"
    (project / ".claude" / "settings.json").write_text(json.dumps(legacy))
    code, out = cli.main(["doctor"]), capsys.readouterr().out
    assert code == 0 and f"per-event scripts of a checkout at {REPO} (wired before 0.2" in out


def test_demo_replays_through_the_real_hooks(tmp_path):
    """demo records the bundled session through the hook scripts, shows it and writes the HTML report."""
    report = tmp_path / "demo.html"
    result = run_module("demo", "-o", report, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Replaying 14 events" in result.stderr
    assert "Find the failing test and fix it" in result.stdout and "subagent" in result.stdout
    assert "8 requests · cost $" in result.stdout and "[subagent" in result.stdout  # the transcripts were replayed too
    assert report.read_text().startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("argv", [("list", "--limit", "0"), ("list", "--limit=-3"), ("search", "word", "--limit", "0"),
                                  ("list", "--frob"), ("search", "word", "--frob"), ("usage", "--frob"), ("show", "abc", "--frob")])
def test_a_usage_error_is_one_line_with_its_commands_usage(tmp_path, argv):
    """A --limit below 1 or an unknown option is one line on stderr naming the command and its usage, exit 2, nothing on stdout."""
    done = run_module(*argv, cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    [line] = done.stderr.splitlines()
    assert line.startswith(f"claude-sessions {argv[0]}: error: ") and f"; usage: claude-sessions {argv[0]} [-h]" in line


def test_demo_to_a_path_that_cannot_be_written_fails_before_any_work(tmp_path):
    """demo -o into a missing folder, or onto a folder, says so in one line and exits 1 before replaying anything."""
    temp = Path(os.environ["TMPDIR"])  # the test's own (conftest)
    for target in (tmp_path / "missing" / "report.html", tmp_path):
        done = subprocess.run([sys.executable, "-m", "session_management", "demo", "-o", str(target)], cwd=tmp_path,
                              capture_output=True, text=True, timeout=60, env={**os.environ, "TMPDIR": str(temp)})
        assert (done.returncode, done.stdout) == (1, "")
        assert done.stderr.startswith(f"claude-sessions: cannot write {target}: ") and len(done.stderr.splitlines()) == 1
    assert list(temp.iterdir()) == []  # no demo project was made


def test_serve_on_a_port_in_use_fails_before_announcing(tmp_path):
    """serve --port on a port another server listens on is one line on stderr and exit 1, with no dashboard URL printed."""
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run_module("serve", "--all-projects", "--port", port, cwd=tmp_path)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == f"claude-sessions: cannot listen on 127.0.0.1:{port}: Address already in use (another server? choose a free one with --port)\n"


def test_uninstall_is_install_uninstall(tmp_path):
    """claude-sessions uninstall PROJECT does what install --uninstall PROJECT does: the same words, the same files left."""
    said, left = [], []
    for name, command in (("one", ("uninstall",)), ("two", ("install", "--uninstall"))):
        project = tmp_path / name
        project.mkdir()
        assert run_module("install", project, cwd=tmp_path).returncode == 0
        done = run_module(*command, project, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        said.append(done.stdout.replace(str(project), "PROJECT"))
        left.append(sorted(str(path.relative_to(project)) for path in project.rglob("*")))
    assert said[0] == said[1] and "removed tracking hooks" in said[0] and left[0] == left[1]
    assert run_module("uninstall", "--global", tmp_path / "one", cwd=tmp_path).returncode == 2  # as install --uninstall --global PROJECT


def test_show_and_export_open_any_listed_session_from_anywhere(tmp_path):
    """show and export ID open a session of another project, or of the imported history, from any folder:
    the current project first, then every project; a prefix matching in two places asks for more characters."""
    from conftest import FIXTURES

    env = {**os.environ, "CLAUDE_CONFIG_DIR": str(FIXTURES / "transcripts-2.1.197")}  # imported history of projects not on disk
    for name, session_id in (("a", "aaaa1111-0000-0000-0000-000000000001"), ("b", "aaaa2222-0000-0000-0000-000000000002"),
                             ("b", "cccc3333-0000-0000-0000-000000000003")):
        (tmp_path / name).mkdir(exist_ok=True)
        replay(tmp_path / name, session_id)
    (tmp_path / "elsewhere").mkdir()

    def claude_sessions(*args, cwd):
        return subprocess.run([sys.executable, "-m", "session_management", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60)

    listed = claude_sessions("list", "--all-projects", cwd=tmp_path / "elsewhere").stdout
    assert "cccc3333" in listed and "f6a92ab2" in listed
    for folder in (tmp_path / "a", tmp_path / "elsewhere"):
        shown = claude_sessions("show", "cccc3333", cwd=folder)
        assert shown.returncode == 0 and shown.stdout.startswith("Session cccc3333-0000-0000-0000-000000000003  (ended)")
        imported = claude_sessions("show", "f6a92ab2", cwd=folder)
        assert imported.returncode == 0 and "imported from Claude Code's transcript" in imported.stdout
        exported = claude_sessions("export", "cccc", "--format", "markdown", cwd=folder)
        assert exported.returncode == 0 and exported.stdout.startswith("# Session `cccc3333-0000-0000-0000-000000000003`")
    here_first = claude_sessions("show", "aaaa", cwd=tmp_path / "a")
    assert here_first.returncode == 0 and here_first.stdout.startswith("Session aaaa1111-")
    both = claude_sessions("show", "aaaa", cwd=tmp_path / "elsewhere")
    assert (both.returncode, both.stdout) == (2, "") and len(both.stderr.splitlines()) == 1
    assert "'aaaa' matches sessions in 2 places" in both.stderr and "give more characters" in both.stderr
