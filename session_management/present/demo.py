"""``claude-sessions demo``: replay a real Claude Code session through the real hook entry.

The bundled ``demo_events.json`` and ``demo_transcripts.json`` were captured from the Claude
Code CLI by ``tests/capture_demo_events.py`` (paths replaced by placeholders). Each event is fed
to the hook command Claude Code would run, as a separate process, into a fresh temporary project,
with the transcripts written as they stood when it fired, so tokens and cost are recorded too. No
Claude Code account needed, and no checkout: it runs from an installed package too. The hooks and
the commands that show the result run with ``CLAUDE_SESSION_TRACKER_HOME`` set to a folder of the
demo project (``demo_home``), so the user's catalog, index and caches are left exactly as they were.
One demo project at a time is kept in the temporary folder (``demo_project``): a new demo removes the
previous ones, so the report the last demo named stays until the next demo.
"""

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from ..core.timestamps import format_epoch
from ..install.wiring import entry_script


CAPTURED_SESSION_ID = "46eeeec1-6afc-4ef0-ac10-8629231fc9da"


PREFIX = "claude-sessions-demo-"  # the demo projects' names in the temporary folder
MARK = ".claude-sessions-demo"  # the file that proves a folder is a demo project this tool made


@contextmanager
def demo_project():
    """A new demo project in the temporary folder, marked as ours and locked while the demo runs;
    previous demo projects are removed first, but only those proven ours and not in use (``_ours``)."""
    import fcntl

    temp = tempfile.gettempdir()
    for name in sorted(os.listdir(temp)):
        if name.startswith(PREFIX) and _ours(os.path.join(temp, name)):
            shutil.rmtree(os.path.join(temp, name), ignore_errors=True)
    project = Path(tempfile.mkdtemp(prefix=PREFIX))
    with open(project / f"{MARK}.new", "w", encoding="utf-8") as mark:
        fcntl.flock(mark, fcntl.LOCK_SH)  # a demo starting meanwhile leaves this one alone
        mark.write("a claude-sessions demo project: the next demo removes this folder\n")
        mark.flush()
        os.rename(mark.name, project / MARK)  # the mark appears locked already
        yield project


def _ours(path: str) -> bool:
    """Whether ``path`` is a previous demo project of this user, not running: a real folder (no
    link followed) owned by this user, holding our mark as a regular file no demo holds locked."""
    import fcntl

    try:
        folder, mark = os.lstat(path), os.lstat(os.path.join(path, MARK))
        if not (stat.S_ISDIR(folder.st_mode) and stat.S_ISREG(mark.st_mode) and folder.st_uid == mark.st_uid == os.getuid()):
            return False
        with open(os.path.join(path, MARK), "rb", opener=lambda name, flags: os.open(name, flags | os.O_NOFOLLOW)) as handle:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released as it closes
    except OSError:  # gone, not ours, or a demo still running in it
        return False
    return True


def replay(project=None, session_id=None) -> tuple:
    """Record the captured session into ``project`` (default: a new temporary one), under its own
    id or ``session_id``; return ``(project, session_id)``."""
    project = Path(project) if project else Path(tempfile.mkdtemp(prefix=PREFIX))
    home = project / "home"

    def load(name):
        text = Path(__file__).with_name(name).read_text(encoding="utf-8")
        text = text.replace("{project}", str(project)).replace("{home}", str(home))
        return json.loads(text.replace(CAPTURED_SESSION_ID, session_id) if session_id else text)

    events, transcripts = load("demo_events.json"), load("demo_transcripts.json")
    written, since = {}, time.time()  # lines written so far per transcript; when the last cut was
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLAUDE")}
    env["CLAUDE_PROJECT_DIR"] = str(project)
    env["CLAUDE_SESSION_TRACKER_HOME"] = own_home(project)
    print(f"Replaying {len(events)} events of a captured Claude Code session through the hooks into {project}", file=sys.stderr)
    for index, (name, payload) in enumerate(events):
        cut = transcripts["cuts"].get(str(index))
        if cut:  # the transcripts as they stood when this event fired, their new lines dated since the last cut
            since = _write_cut(transcripts["files"], cut, written, since)
        subprocess.run([sys.executable, "-I", "-S", entry_script(), name], input=json.dumps(payload).encode(), env=env, check=True)
        if name == "UserPromptSubmit" and not written:
            since = time.time()  # the first response follows the first prompt
    return project, events[0][1]["session_id"]


def own_home(project) -> str:
    """The demo's own folder for the catalog, the index and the caches, inside its project."""
    return str(Path(project) / "home" / "claude-session-tracker")


@contextmanager
def demo_home(project):
    """While inside, this process keeps its catalog, index and caches in the demo's own folder."""
    before = os.environ.get("CLAUDE_SESSION_TRACKER_HOME")
    os.environ["CLAUDE_SESSION_TRACKER_HOME"] = own_home(project)
    try:
        yield
    finally:
        if before is None:
            del os.environ["CLAUDE_SESSION_TRACKER_HOME"]
        else:
            os.environ["CLAUDE_SESSION_TRACKER_HOME"] = before


_STAMP = re.compile(r'"timestamp":"[0-9T:.-]+Z"')


def _write_cut(files: dict, cut: dict, written: dict, since: float) -> float:
    """Write each transcript up to its line count in ``cut`` (``written`` holds the lines already
    out, per path). Lines new since the previous cut are dated evenly between it and now, in their
    order: the capture ran at another time and pace than the replay."""
    now = time.time()
    lines = {path: files[path].splitlines(keepends=True) for path in cut}
    fresh = [(path, n) for path, count in cut.items() for n in range(len(written.get(path, [])), count)]
    for k, (path, n) in enumerate(fresh):
        stamp = format_epoch(since + (now - since) * (k + 1) / (len(fresh) + 1))
        written.setdefault(path, []).append(_STAMP.sub(f'"timestamp":"{stamp}"', lines[path][n]))
    for path in cut:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text("".join(written.get(path, [])), encoding="utf-8")
    return now
