"""Install into the settings files people already have: any valid object, other tools' hooks,
someone else's status line, a settings.local.json beside, in a project and in ~/.claude."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from session_management.capture.events import ALL_EVENTS, ORIGINAL
from session_management.install.settings import MARKER, ours_by_event, remove_ours
from session_management.install.wiring import install

WIRED = sorted(ORIGINAL)  # no claude on PATH: the nine events every release sends
ENTRY_POINT = Path(sys.executable).with_name("claude-sessions")


def claude_sessions(*args, home, cwd=None, check=True):
    """The ``claude-sessions`` console script, in a process of its own, with ``HOME`` at ``home``."""
    command = [str(ENTRY_POINT)] if ENTRY_POINT.exists() else [sys.executable, "-m", "session_management"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE", "XDG_"))}
    env["HOME"] = str(home)
    done = subprocess.run([*command, *map(str, args)], capture_output=True, text=True, env=env, cwd=cwd, timeout=120)
    assert done.returncode == 0 or not check, done.stderr
    return done


def without_empty_hooks(settings: dict) -> dict:
    """``settings`` with empty event lists and an empty ``hooks`` dropped: they run nothing, and
    uninstall cannot tell an empty list it found from one it emptied."""
    hooks = {event: groups for event, groups in (settings.get("hooks") or {}).items() if groups != []}
    rest = {key: value for key, value in settings.items() if key != "hooks"}
    return dict(rest, hooks=hooks) if hooks else rest


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)
foreign_hook = st.fixed_dictionaries(
    {"type": st.just("command"), "command": st.text(min_size=1, max_size=20).filter(lambda c: not c.rstrip().endswith(MARKER))},
    optional={"timeout": st.integers(1, 600)},
)
foreign_group = st.fixed_dictionaries({"hooks": st.lists(foreign_hook, min_size=1, max_size=2)}, optional={"matcher": st.sampled_from(["*", "Edit", "Bash|Write", ""])})
foreign_hooks = st.dictionaries(st.sampled_from(WIRED + list(ALL_EVENTS[:6]) + ["SomeFutureEvent"]), st.lists(foreign_group, max_size=3), max_size=5)
settings_objects = st.dictionaries(
    st.text(max_size=10).filter(lambda key: key not in ("hooks", "statusLine")), json_values, max_size=4
).flatmap(lambda rest: st.fixed_dictionaries(
    {},
    optional={
        "hooks": foreign_hooks,
        "statusLine": st.fixed_dictionaries({"type": st.just("command"), "command": st.text(min_size=1, max_size=12)}),
        "$schema": st.just("https://json.schemastore.org/claude-code-settings.json"),
    },
).map(lambda known: {**rest, **known}))
indents = st.sampled_from([2, 4, "\t", None])


def write(path: Path, settings: dict, indent) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(settings, indent=indent, ensure_ascii=False) + "\n")


@pytest.mark.parametrize("where", ["project", "global"])
@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(original=settings_objects, indent=indents, local=st.one_of(st.none(), settings_objects))
def test_install_twice_uninstall_reinstall_on_any_settings(tmp_path, where, original, indent, local):
    """Install wires every event into any settings object and keeps the rest (other tools' groups
    first, in their order); a second install writes nothing; uninstall gives back what was there;
    install after uninstall wires again; a settings.local.json beside is never touched."""
    project = tmp_path / "project"
    project.mkdir(exist_ok=True)
    target = Path.home() / ".claude" / "settings.json" if where == "global" else project / ".claude" / "settings.json"
    write(target, original, indent)
    local_file = target.with_name("settings.local.json")
    if local is None:
        local_file.unlink(missing_ok=True)
    else:
        write(local_file, local, 2)
    local_bytes = local_file.read_bytes() if local is not None else None
    run = (lambda **kw: install(global_=True, **kw)) if where == "global" else (lambda **kw: install(str(project), **kw))

    run()
    installed = json.loads(target.read_text())
    assert sorted(ours_by_event(installed)) == WIRED and all(len(commands) == 1 for commands in ours_by_event(installed).values())
    assert {k: v for k, v in installed.items() if k != "hooks"} == {k: v for k, v in original.items() if k != "hooks"}
    for event, groups in installed["hooks"].items():
        theirs = [group for group in groups if not ours_by_event({"hooks": {event: [group]}})]
        assert theirs == (original.get("hooks") or {}).get(event, [])
        assert groups[: len(theirs)] == theirs
    if indent is not None and original:  # "{}" shows no indentation to keep
        assert target.read_text().splitlines()[1].startswith(" " * indent if isinstance(indent, int) else indent)

    first = target.read_bytes()
    assert any(line.endswith("already up to date, nothing changed") for line in run())
    assert target.read_bytes() == first

    run(uninstall=True)
    assert without_empty_hooks(json.loads(target.read_text())) == without_empty_hooks(original)

    run()
    assert sorted(ours_by_event(json.loads(target.read_text()))) == WIRED
    assert (local_file.read_bytes() if local is not None else None) == local_bytes
    assert sorted(os.listdir(target.parent)) == sorted(["settings.json"] + (["settings.local.json"] if local is not None else []))


def test_remove_ours_changes_nothing_it_is_given():
    """The merge functions return new objects: the settings they read stay as read (the bug that
    made every install into a file without "hooks" report "nothing changed")."""
    from session_management.install.settings import add_ours

    original = {"permissions": {"allow": ["Bash"]}}
    add_ours(original, "/py", "/hook.py", ["Stop"])
    remove_ours(original)
    assert original == {"permissions": {"allow": ["Bash"]}}


REAL_FILES = {
    "empty object": {},
    "only permissions": {"permissions": {"allow": ["Bash(npm test:*)"], "deny": ["Read(.env)"]}},
    "model and env": {"model": "opus", "env": {"BASH_DEFAULT_TIMEOUT_MS": "60000"}},
    "someone else's status line": {"statusLine": {"type": "command", "command": "~/.claude/statusline.sh"}},
    "a $schema": {"$schema": "https://json.schemastore.org/claude-code-settings.json", "includeCoAuthoredBy": False},
}


@pytest.mark.parametrize("name", sorted(REAL_FILES))
def test_claude_sessions_install_wires_settings_without_hooks(tmp_path, name):
    """`claude-sessions install` into a settings.json without "hooks" wires every event, says what
    it added, keeps every other key, and puts no backup file into .claude/."""
    project = tmp_path / "project"
    settings_file = project / ".claude" / "settings.json"
    write(settings_file, REAL_FILES[name], 4)
    done = claude_sessions("install", project, home=tmp_path / "home")
    installed = json.loads(settings_file.read_text())
    assert sorted(ours_by_event(installed)) == WIRED
    assert {k: v for k, v in installed.items() if k != "hooks"} == REAL_FILES[name]
    assert "added tracking hooks for 9 events" in done.stdout and "nothing changed" not in done.stdout
    assert os.listdir(settings_file.parent) == ["settings.json"]


def test_install_uninstall_install_round_trip_leaves_one_backup_outside_the_project(tmp_path):
    """install → uninstall → install wires again each time, every run says what it did, and the one
    backup of the previous file is in the user's data folder, not in the project's .claude/."""
    home, project = tmp_path / "home", tmp_path / "project"
    settings_file = project / ".claude" / "settings.json"
    write(settings_file, {"permissions": {"allow": ["Bash"]}}, 2)
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    outputs = [claude_sessions(*args, project, home=home).stdout for args in (["install"], ["install", "--uninstall"], ["install"])]
    assert "added tracking hooks" in outputs[0] and "removed tracking hooks" in outputs[1] and "added tracking hooks" in outputs[2]
    assert "kept 1 other setting as it was" in outputs[0]
    assert sorted(ours_by_event(json.loads(settings_file.read_text()))) == WIRED
    untracked = subprocess.run(["git", "-C", str(project), "status", "--porcelain", "--untracked-files=all"], capture_output=True, text=True).stdout
    assert untracked.split() == ["??", ".claude/settings.json", "??", ".gitignore"]
    [backup] = (home / ".local" / "share" / "claude-session-tracker" / "settings-backups").glob("project-*-settings.json")
    assert str(backup) in outputs[2] and json.loads(backup.read_text()) == {"permissions": {"allow": ["Bash"]}}
    assert oct(backup.stat().st_mode & 0o777) == "0o600"


def test_global_install_into_an_existing_home_settings(tmp_path):
    """`install --global` wires ~/.claude/settings.json that already holds settings, and
    `uninstall --global` leaves exactly them."""
    home = tmp_path / "home"
    original = {"model": "sonnet", "permissions": {"defaultMode": "acceptEdits"}, "feedbackSurveyState": {"lastShownTime": 1}}
    settings_file = home / ".claude" / "settings.json"
    write(settings_file, original, 2)
    claude_sessions("install", "--global", home=home)
    assert sorted(ours_by_event(json.loads(settings_file.read_text()))) == WIRED
    claude_sessions("install", "--uninstall", "--global", home=home)
    assert json.loads(settings_file.read_text()) == original


def test_a_settings_file_install_created_is_removed_by_uninstall(tmp_path):
    """A settings.json that install created and that holds nothing but ours is removed on uninstall;
    an empty one the user had stays."""
    home, mine, theirs = tmp_path / "home", tmp_path / "mine", tmp_path / "theirs"
    mine.mkdir()
    write(theirs / ".claude" / "settings.json", {}, 2)
    for project in (mine, theirs):
        claude_sessions("install", project, home=home)
        claude_sessions("install", "--uninstall", project, home=home)
    assert not (mine / ".claude" / "settings.json").exists()
    assert json.loads((theirs / ".claude" / "settings.json").read_text()) == {}
    again = claude_sessions("install", "--uninstall", mine, home=home)
    assert "no tracking hooks of ours there, nothing changed" in again.stdout and not (mine / ".claude" / "settings.json").exists()


def test_a_symlinked_settings_file_stays_a_link(tmp_path):
    """A settings.json that is a symlink into a dotfiles folder is written through the link."""
    home = tmp_path / "home"
    dotfiles = tmp_path / "dotfiles" / "claude-settings.json"
    write(dotfiles, {"model": "opus"}, 2)
    (home / ".claude").mkdir(parents=True)
    (home / ".claude" / "settings.json").symlink_to(dotfiles)
    claude_sessions("install", "--global", home=home)
    assert (home / ".claude" / "settings.json").is_symlink()
    assert sorted(ours_by_event(json.loads(dotfiles.read_text()))) == WIRED


def test_disabled_hooks_are_reported(tmp_path):
    """Install says so when a settings file beside turns every hook off (disableAllHooks)."""
    project = tmp_path / "project"
    write(project / ".claude" / "settings.local.json", {"disableAllHooks": True}, 2)
    done = claude_sessions("install", project, home=tmp_path / "home")
    assert "disableAllHooks" in done.stdout and "settings.local.json" in done.stdout
