"""claude-sessions import: Claude Code's own transcripts (a store the real 2.1.197 CLI wrote, kept
under tests/fixtures) become sessions in the user's data home, once, whatever the input."""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, python_env

from session_management.capture.importer import Importer
from session_management.capture.transcript_store import stores
from session_management.query.combined import combine
from session_management.query.usage import summarize
from session_management.store import catalog, history

STORE = FIXTURES / "transcripts-2.1.197"
# What ccusage 20.0.24 reports for that store (`ccusage claude session --json --offline`), per session:
# input, output, cache write, cache read. The fork (92a8…) sorts before its parent (a427…) and so
# owns the responses both files hold; the parent's zeroed copy in the fork claims nothing.
CCUSAGE = {
    "f6a92ab2-25e9-4ee8-a3f3-601ad225478a": (74, 114, 7000, 7000),
    "a427a655-c3a4-413a-8b3d-dc75bde28b6d": (36, 66, 4000, 8100),
    "2d359f45-4759-45bb-88b9-f60bbb146ed6": (69, 99, 700, 1500),
    "92a8c92d-c0ef-475b-9526-cb0c0a4a9463": (31, 51, 0, 8700),
}
ALPHA = "/nonexistent/claude-history/alpha project"  # the projects' paths as the transcripts give them


@pytest.fixture
def store(tmp_path):
    """A private copy of the fixture store, to add to and break."""
    copy = tmp_path / "claude-config"
    shutil.copytree(STORE, copy)
    return copy


def run_import(store, **options) -> dict:
    return Importer(catalog.home(), [str(store)], **options).run()


def imported_sessions() -> dict:
    """``{session id: data}`` of every imported session."""
    found = {}
    for folder in history.projects(catalog.home()).values():
        for session_id in history.session_ids(folder):
            found[session_id] = history.read(folder, session_id)
    return found


def token_counts(data) -> tuple:
    usage = summarize(data["activity_log"])
    return usage["input_tokens"], usage["output_tokens"], usage["cache_creation_input_tokens"], usage["cache_read_input_tokens"]


def cli(*args, env=None, check=True, cwd=None):
    done = subprocess.run([sys.executable, "-m", "session_management", *args], capture_output=True, text=True,
                          env={**python_env(), **(env or {})}, timeout=120, cwd=cwd)
    assert done.returncode == 0 or not check, done.stderr
    return done


def moved_projects(store, tmp_path) -> Path:
    """The folder the store's projects now say they ran in (``<it>/alpha project``, ``<it>/beta``),
    instead of the fixture's paths that do not exist."""
    work = Path(os.path.realpath(tmp_path)) / "work"
    for path in store.rglob("*.jsonl"):
        path.write_bytes(path.read_bytes().replace(b"/nonexistent/claude-history", str(work).encode()))
    return work


def line(kind: str, session_id: str, uuid: str, **fields) -> bytes:
    record = {"type": kind, "sessionId": session_id, "uuid": uuid, "timestamp": "2026-11-02T10:00:00.000Z", "cwd": "/tmp/bad-project", **fields}
    return (json.dumps(record, separators=(",", ":")) + "\n").encode()


def test_tokens_per_session_equal_ccusage(store):
    """Each session's tokens equal ccusage's, the fork's copied responses counted once, in the file that sorts first."""
    run_import(store)
    assert {sid: token_counts(data) for sid, data in imported_sessions().items()} == CCUSAGE


def test_the_fixture_figures_are_ccusage_s(store):
    """The figures above are what ccusage 20.0.24 itself reports for the store."""
    from claude_cli import ccusage

    assert {s["sessionId"]: (s["inputTokens"], s["outputTokens"], s["cacheCreationTokens"], s["cacheReadTokens"])
            for s in ccusage(store, "session")["sessions"]} == CCUSAGE


def test_what_each_session_holds(store):
    """Typed prompts only, tool calls paired with results (a failure with its error), the subagent's
    start and its own records, the compaction with its summary, turn ends; metadata marked imported."""
    run_import(store)
    sessions = imported_sessions()
    parent = sessions["a427a655-c3a4-413a-8b3d-dc75bde28b6d"]
    assert [e["details"]["prompt"] for e in parent["activity_log"] if e["action"] == "user_input"] == [
        "remember quetzalcoatlus and my key [REDACTED:anthropic-key]"]
    failure = next(e["details"] for e in parent["activity_log"] if e["action"] == "tool_failure")
    assert failure["tool_name"] == "Bash" and "Exit code 3" in failure["error"] and failure["duration_ms"] >= 0
    tool = next(e["details"] for e in parent["activity_log"] if e["action"] == "tool_use")
    assert tool["tool_input"] == {"command": "echo alpha-one"} and tool["tool_response"]["stdout"] == "alpha-one"
    fork = sessions["92a8c92d-c0ef-475b-9526-cb0c0a4a9463"]
    compaction = next(e["details"] for e in fork["activity_log"] if e["action"] == "compaction")
    assert compaction["trigger"] == "manual" and compaction["compact_summary"].startswith("This session is being continued")
    assert [e["details"]["prompt"] for e in fork["activity_log"] if e["action"] == "user_input"] == ["go on please", "try another way"]
    assert [e["details"]["prompt"] for e in fork["activity_log"] if e["action"] == "local_command"] == ["/compact"]
    beta = sessions["f6a92ab2-25e9-4ee8-a3f3-601ad225478a"]
    start = next(e["details"] for e in beta["activity_log"] if e["action"] == "subagent_start")
    assert start["agent_type"] == "general-purpose" and start["prompt"] == "count the files please"
    stop = next(e for e in beta["activity_log"] if e["action"] == "subagent_stop")
    assert stop["details"]["agent_id"] == start["agent_id"] and stop["details"]["agent_type"] == "general-purpose"
    agent_times = [e["timestamp"] for e in beta["activity_log"] if (e.get("details") or {}).get("agent_id") == start["agent_id"]]
    assert stop["timestamp"] == max(agent_times)
    calls = {(e["details"]["tool_name"], e["details"].get("agent_id")) for e in beta["activity_log"] if e["action"] == "tool_use"}
    assert calls == {("Agent", None), ("Bash", start["agent_id"])}
    assert [e["action"] for e in beta["activity_log"]].count("turn_end") == 1
    assert beta["metadata"]["imported"]["from"] == "claude-code-transcript"
    assert beta["metadata"]["claude_code_version"] == "2.1.197" and beta["metadata"]["cwd"].endswith("beta")
    assert set(history.projects(catalog.home())) == {ALPHA, "/nonexistent/claude-history/beta"}


def test_a_second_import_changes_nothing(store):
    """Importing again reads no file and rewrites no session; a file read again from the start
    (rewritten in place) merges by key, doubling nothing."""
    first = run_import(store)
    assert (first["sessions_new"], first["files_read"]) == (4, 5)
    files = {p: p.read_bytes() for p in Path(history.root(catalog.home())).rglob("session_*.json")}
    again = run_import(store)
    assert (again["files_read"], again["files_unchanged"], again["sessions_new"], again["sessions_updated"]) == (0, 5, 0, 0)
    main = next(store.glob("projects/*/a427a655-*.jsonl"))
    main.write_bytes(main.read_bytes())  # same bytes, new mtime: read again from its position
    os.utime(main, ns=(0, 0))
    run_import(store)
    assert {p: p.read_bytes() for p in Path(history.root(catalog.home())).rglob("session_*.json")} == files


def test_bad_input_is_counted_not_fatal(store, tmp_path):
    """Malformed lines, bytes that are not UTF-8, a multi-megabyte line, a line type from a newer
    release, a last line still being written and an unreadable file: each counted by reason, the
    rest imported (a prompt ending in half an emoji too), secrets redacted, exit 0."""
    session_id = "0badf00d-0000-4000-8000-000000000001"
    folder = store / "projects" / "-tmp-bad-project"
    folder.mkdir()
    image = {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "A" * 5_000_000}}
    aws, bearer = "AKIA" + "Q3ZRTW7LMB4XKJ2D", "Bearer " + "mF9xB5f4Jq7sLk2Pq8Vn3Xz1"  # random-looking: AWS's EXAMPLE key is a placeholder
    response = {"id": "msg_bad1", "model": "claude-x", "content": [{"type": "text", "text": f"key {aws} and {bearer}"}],
                "stop_reason": "end_turn", "usage": {"input_tokens": 3, "output_tokens": 4}}
    (folder / f"{session_id}.jsonl").write_bytes(b"".join([
        line("user", session_id, "u1", message={"role": "user", "content": "first prompt"}),
        b'{"type":"user","message":{"content":\n',
        b'\xff\xfe not utf-8 at all\n',
        line("user", session_id, "u2", message={"role": "user", "content": [{"type": "text", "text": "look at this"}, image]}),
        line("user", session_id, "u5", message={"role": "user", "content": "cut \ud83d"}),  # JavaScript writes a lone surrogate's escape
        line("hologram", session_id, "u3", beam=True),
        line("assistant", session_id, "a1", requestId="req_bad1", message=response),
        line("user", session_id, "u4", message={"role": "user", "content": "still being typ"}).rstrip(b"\n"),
    ]))
    (folder / "0badf00d-0000-4000-8000-000000000002.jsonl").symlink_to(tmp_path / "gone")
    done = cli("import", "--config-dir", str(store), "--json")
    summary = json.loads(done.stdout)
    assert summary["skipped"] == {"malformed": 1, "not_utf8": 1, "unknown_type": 1, "unreadable": 1, "waiting_for_newline": 1}
    assert summary["sessions_new"] == 5
    bad = imported_sessions()[session_id]
    assert [e["details"]["prompt"] for e in bad["activity_log"] if e["action"] == "user_input"] == ["first prompt", "look at this", "cut \ud83d"]
    text = Path(history.session_path(history.project_folder(catalog.home(), "/tmp/bad-project"), session_id)).read_text()
    assert aws not in text and "mF9xB5f4Jq7sLk2Pq8Vn3Xz1" not in text and len(text) < 100_000
    with open(folder / f"{session_id}.jsonl", "ab") as handle:
        handle.write(b"\n")  # the last line is finished: the next import takes it, once
    cli("import", "--config-dir", str(store))
    cli("import", "--config-dir", str(store))
    bad = imported_sessions()[session_id]
    assert [e["details"]["prompt"] for e in bad["activity_log"] if e["action"] == "user_input"] == ["first prompt", "look at this", "cut \ud83d", "still being typ"]
    plain = cli("import", "--config-dir", str(store))
    assert "0 new sessions" in plain.stdout and "1 unreadable" in plain.stdout


def test_lines_skipped_unparsed_are_only_bookkeeping(store):
    """Attachment and bookkeeping lines are passed over without parsing; a prompt that quotes their
    shapes is still a prompt."""
    session_id = "0badf00d-0000-4000-8000-0000000000a1"
    folder = store / "projects" / "-tmp-quoting"
    folder.mkdir()
    quoted = '{"parentUuid":null,"isSidechain":false,"attachment":{"type":"date"}} and {"type":"mode"}'
    head = {"parentUuid": None, "isSidechain": False, "attachment": {"type": "date", "date": "2026-11-02"}, "type": "attachment"}
    (folder / f"{session_id}.jsonl").write_bytes(b"".join([
        (json.dumps(head, separators=(",", ":")) + "\n").encode(),
        b'{"type":"mode","mode":"normal","sessionId":"x"}\n',
        (json.dumps({"parentUuid": None, "isSidechain": False, "message": {"role": "user", "content": quoted}, "type": "user",
                     "uuid": "q1", "timestamp": "2026-11-02T10:00:00.000Z", "cwd": "/tmp/quoting"}, separators=(",", ":")) + "\n").encode(),
    ]))
    summary = run_import(store)
    assert sum(summary["skipped"].values()) == 0
    assert [e["details"]["prompt"] for e in imported_sessions()[session_id]["activity_log"]] == [quoted]


def test_a_lost_or_corrupt_state_doubles_nothing(store):
    """The import state is bookkeeping: corrupt, it is set aside; lost, every transcript is read
    again and merged by key, so no record is doubled."""
    run_import(store)
    state = Path(history.root(catalog.home())) / "state.sqlite"
    state.write_bytes(b"not a database at all" * 100)
    again = run_import(store)
    assert again["files_read"] == 5 and again["sessions_new"] == 0
    assert list(state.parent.glob("state.sqlite.*.corrupt"))
    state.unlink()
    run_import(store)
    assert {sid: token_counts(data) for sid, data in imported_sessions().items()} == CCUSAGE


def test_an_unreadable_imported_session_file_is_set_aside_not_overwritten(store):
    """A session file damaged on disk is kept beside as ``.corrupt`` when its transcript is read
    again, and the session is imported whole again; the CLI says so."""
    run_import(store)
    record = next(Path(history.root(catalog.home())).rglob("session_a427a655-*.json"))
    record.write_bytes(b'{"session_id": "a427a655-c3a4-413a-8b3d-dc75bde28b6d", "activity_log": [')
    (Path(history.root(catalog.home())) / "state.sqlite").unlink()  # every transcript read again from the start
    again = run_import(store)
    kept = list(record.parent.glob(record.name + ".*.corrupt"))
    assert [Path(path) for path in again["set_aside"]] == kept
    assert kept[0].read_bytes().endswith(b'"activity_log": [')
    assert token_counts(imported_sessions()["a427a655-c3a4-413a-8b3d-dc75bde28b6d"]) == CCUSAGE["a427a655-c3a4-413a-8b3d-dc75bde28b6d"]


def test_a_fork_that_sorts_first_takes_the_copies_from_its_parent(store):
    """Ownership moves when an earlier-sorting file holding the same response appears later: the
    parent loses it, the newcomer gains it, the total stays the same."""
    fork = next(store.glob("projects/*/92a8c92d-*.jsonl"))
    kept = fork.read_bytes()
    fork.unlink()
    run_import(store)
    before = imported_sessions()
    assert token_counts(before["a427a655-c3a4-413a-8b3d-dc75bde28b6d"]) == (51, 91, 4000, 12400)  # its resumed turn too
    fork.write_bytes(kept)
    run_import(store)
    after = imported_sessions()
    assert {sid: token_counts(data) for sid, data in after.items()} == CCUSAGE


def test_responses_counted_elsewhere_are_listed_in_the_record_and_an_older_file_of_them_is_folded_in(store):
    """A first import writes one file per session (the responses another session owns are listed in
    the record, not a file beside it); a history from a release that kept them in a file of their
    own counts them alike, and once the session is imported again they move into its record."""
    parent, fork = "a427a655-c3a4-413a-8b3d-dc75bde28b6d", "92a8c92d-c0ef-475b-9526-cb0c0a4a9463"
    run_import(store)
    folder = history.projects(catalog.home())[ALPHA]
    assert sorted(os.listdir(history.session_dir(folder))) == sorted(f"session_{sid}.json" for sid in history.session_ids(folder))
    record = history.read(folder, parent)
    counted = history.counted_elsewhere(folder, parent, record)
    assert counted and counted == history.listed_elsewhere(record) and not history.listed_elsewhere(history.read(folder, fork))
    del record["metadata"]["imported"]["counted_elsewhere"]  # as an older release wrote it
    Path(history.session_path(folder, parent)).write_text(json.dumps(record))
    Path(history.elsewhere_path(folder, parent)).write_text(json.dumps(sorted(counted)))
    assert history.counted_elsewhere(folder, parent, history.read(folder, parent)) == counted
    transcript = next(store.glob(f"projects/*/{parent}.jsonl"))
    with open(transcript, "ab") as handle:
        handle.write(line("user", parent, "u-later", message={"role": "user", "content": "one more thing"}))
    run_import(store)
    assert not os.path.exists(history.elsewhere_path(folder, parent))
    assert history.listed_elsewhere(history.read(folder, parent)) == counted
    assert {sid: token_counts(data) for sid, data in imported_sessions().items()} == CCUSAGE


def test_two_imports_at_once_double_nothing(store):
    """Two import processes started together: every response is recorded once."""
    command = [sys.executable, "-m", "session_management", "import", "--config-dir", str(store), "--json"]
    processes = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=python_env()) for _ in range(2)]
    results = [json.loads(p.communicate(timeout=120)[0]) for p in processes]
    assert sorted(r["sessions_new"] for r in results) == [0, 4]
    assert {sid: token_counts(data) for sid, data in imported_sessions().items()} == CCUSAGE
    for data in imported_sessions().values():
        keys = [(e["details"]["message_id"], e["details"]["request_id"]) for e in data["activity_log"] if e["action"] == "assistant_message"]
        assert len(keys) == len(set(keys))


def test_two_views_started_together_import_once(store):
    """Two `usage --all-projects` started at once on a history never imported: both answer with
    ccusage's totals, and the sessions hold each response once."""
    command = [sys.executable, "-m", "session_management", "usage", "--all-projects", "--by", "session", "--json"]
    env = {**python_env(), "CLAUDE_CONFIG_DIR": str(store)}
    processes = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) for _ in range(2)]
    answers = [json.loads(p.communicate(timeout=120)[0]) for p in processes]
    for answer in answers:
        rows = {row["session"]: (row["input_tokens"], row["output_tokens"], row["cache_creation_input_tokens"], row["cache_read_input_tokens"])
                for row in answer["rows"]}
        assert rows == CCUSAGE
    assert {sid: token_counts(data) for sid, data in imported_sessions().items()} == CCUSAGE


def test_dry_run_and_since_write_nothing(store):
    """--dry-run counts what it would import and writes nothing; --since skips older transcripts."""
    done = json.loads(cli("import", "--config-dir", str(store), "--dry-run", "--json").stdout)
    assert done["sessions_new"] == 4 and done["dry_run"] is True
    assert not os.path.exists(history.root(catalog.home()))
    later = json.loads(cli("import", "--config-dir", str(store), "--since", "2099-01-01", "--json").stdout)
    assert later["files_read"] == 0 and not imported_sessions()


def on_terminal(*args, env) -> tuple:
    """``(stdout, what the command wrote to its stderr)``, its stderr a terminal (a pty), as a person runs it."""
    import pty

    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "session_management", *args], stdout=subprocess.PIPE, stderr=follower, env={**python_env(), **env})
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # EIO: the command closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    out = process.stdout.read().decode()
    assert process.wait(timeout=120) == 0, seen
    return out, seen.decode().replace("\r\n", "\n")


def test_a_first_import_on_a_terminal_shows_its_progress_and_leaves_the_index_up_to_date(tmp_path):
    """A few hundred transcripts: a first view on a terminal shows how far the import and the index got; import shows its own and
    leaves the index up to date, so the view after it shows none; a pipe gets no progress."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from bench_import import clone_store

    files, sessions, _ = clone_store(STORE, tmp_path / "many", 6)  # copies of the fixture with fresh ids and project paths

    def env(home):
        return {"CLAUDE_CONFIG_DIR": str(tmp_path / "many"), "CLAUDE_SESSION_TRACKER_HOME": str(tmp_path / home)}

    terminal = on_terminal("usage", "--all-projects", env=env("viewed"))[1]
    assert f"importing transcripts: 0/{files} files" in terminal and f"importing transcripts: {files}/{files} files\n" in terminal
    assert f"indexing: {sessions}/{sessions} sessions\n" in terminal
    out, terminal = on_terminal("import", env=env("imported"))
    assert f"importing transcripts: {files}/{files} files\n" in terminal and f"index up to date: {sessions} sessions" in out
    assert on_terminal("usage", "--all-projects", env=env("imported"))[1] == ""  # nothing left to import or index: no progress line
    assert json.loads(cli("index", "--json", env=env("imported")).stdout)["sessions_read"] == 0
    piped = cli("import", "--json", env=env("piped"))
    indexed = json.loads(piped.stdout)["indexed"]
    assert piped.stderr == "" and indexed["sessions_read"] + indexed["sessions_unchanged"] == sessions


def test_an_import_of_today_s_transcripts_reaches_the_status_line_s_day_file(tmp_path):
    """Responses dated today that only an import knows of (no hook saw them) are in today's spend the
    status line reads as soon as ``import`` ends, also when an earlier import today found none."""
    import re

    home, today = tmp_path / "home", time.strftime("%Y-%m-%d", time.gmtime())
    older, new = tmp_path / "older", tmp_path / "new"
    for copy, kept in ((older, "*beta"), (new, "*alpha-project")):  # the beta project's session, then alpha's three
        shutil.copytree(STORE, copy)
        for folder in (copy / "projects").iterdir():
            if not folder.match(kept):
                shutil.rmtree(folder)
    for path in new.rglob("*.jsonl"):
        path.write_text(re.sub(r'"timestamp":"\d{4}-\d\d-\d\d', f'"timestamp":"{today}', path.read_text()))
    cli("import", env={"CLAUDE_SESSION_TRACKER_HOME": str(home), "CLAUDE_CONFIG_DIR": str(older)})
    cli("import", env={"CLAUDE_SESSION_TRACKER_HOME": str(home), "CLAUDE_CONFIG_DIR": str(new)})
    day = json.loads((home / "spend-today.json").read_text())
    totals = [totals for models in day["imported"].values() for totals in models.values()]
    alpha = [CCUSAGE[sid] for sid in CCUSAGE if next(new.glob(f"projects/*/{sid}.jsonl"), None)]
    assert day["day"] == today and len(alpha) == 3
    assert (sum(t["input_tokens"] for t in totals), sum(t["output_tokens"] for t in totals)) == (sum(c[0] for c in alpha), sum(c[1] for c in alpha))


def test_where_transcripts_are_looked_for(monkeypatch, tmp_path):
    """Every folder in $CLAUDE_CONFIG_DIR (comma-separated), else ~/.config/claude and ~/.claude."""
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", f"{tmp_path}/a, {tmp_path}/b")
    assert stores() == [f"{tmp_path}/a", f"{tmp_path}/b"]
    monkeypatch.delenv("CLAUDE_CONFIG_DIR")
    home = os.path.expanduser("~")
    assert stores() == [f"{home}/.config/claude", f"{home}/.claude"]
    assert cli("import", "--config-dir", str(tmp_path / "nowhere"), check=False).returncode == 2


def test_a_hook_record_and_its_transcript_make_one_session():
    """Combined, a session keeps its hook records and gains only what they lack: the prompt, response
    and tool call the hooks saw are not repeated; the turn from before the install is added."""
    def entry(action, at, **details):
        return {"action": action, "timestamp": f"2026-11-02T10:00:0{at}.000Z", "details": details}

    imported = {"session_id": "s", "created_at": "2026-11-02T10:00:00.000Z", "last_activity": "2026-11-02T10:00:07.000Z", "status": "ended",
                "timeout_seconds": 3600, "metadata": {"imported": {"from": "claude-code-transcript"}, "git_branch": "main"}, "activity_log": [
                    entry("user_input", 0, prompt="before", prompt_id="p0"), entry("assistant_message", 1, message_id="m0", request_id="r0", usage={"input_tokens": 5}),
                    entry("turn_end", 1, message_id="m0", request_id="r0"),
                    entry("user_input", 5, prompt="after", prompt_id="p1"), entry("tool_use", 6, tool_use_id="t1", tool_name="Bash"),
                    entry("assistant_message", 7, message_id="m1", request_id="r1", usage={"input_tokens": 7}), entry("turn_end", 7, message_id="m1", request_id="r1")]}
    hook = {"session_id": "s", "created_at": "2026-11-02T10:00:04.000Z", "last_activity": "2026-11-02T10:00:08.000Z", "status": "ended",
            "timeout_seconds": 3600, "metadata": {"source": "resume"}, "activity_log": [
                entry("session_start", 4, source="resume"), entry("user_input", 5, prompt="after", prompt_id="p1"),
                entry("tool_use", 6, tool_use_id="t1", tool_name="Bash", duration_ms=12),
                entry("assistant_message", 7, message_id="m1", request_id="r1", usage={"input_tokens": 7}), entry("turn_end", 8)]}
    both = combine(hook, imported)
    assert [e["action"] for e in both["activity_log"]] == [
        "user_input", "assistant_message", "turn_end", "session_start", "user_input", "tool_use", "assistant_message", "turn_end"]
    assert both["created_at"] == imported["created_at"] and both["metadata"]["source"] == "resume"
    assert both["metadata"]["imported"]["entries"] == 3 and summarize(both["activity_log"])["input_tokens"] == 12
    assert combine(hook, None) is hook and combine(None, imported) is imported


def test_the_dashboard_shows_imported_sessions(store, tmp_path):
    """serve: imported sessions are rows of their project's table, and each has its own page with its prompts."""
    from starlette.testclient import TestClient

    from session_management.present.web.app import build_app
    from session_management.present.web.data import Data, project_key
    from session_management.present.web.guard import allowed_hosts

    run_import(store)
    projects = sorted(history.projects(catalog.home()))
    client = TestClient(build_app(Data(lambda: projects, str(tmp_path / "index.sqlite")), allowed_hosts("127.0.0.1", 8765), None),
                        base_url="http://127.0.0.1:8765")
    page = client.get("/").text
    assert page.count('<tr class="st-') == len(CCUSAGE)
    parent = "a427a655-c3a4-413a-8b3d-dc75bde28b6d"
    link = f"/session/{project_key(ALPHA)}/{parent}"
    assert f'href="{link}"' in page
    assert "remember quetzalcoatlus and my key [REDACTED:anthropic-key]" in client.get(link).text


def test_export_otlp_sends_an_imported_project_without_writing_into_it(store, phoenix):
    """export --otlp of projects known only from their transcripts: a real Phoenix receives each
    session as a trace with the transcript's tokens; the shipment state stays in the data home."""
    from session_management.export.traces import Options, session_spans

    run_import(store)
    beta = "/nonexistent/claude-history/beta"
    session_id = "f6a92ab2-25e9-4ee8-a3f3-601ad225478a"
    expected, _, _ = session_spans(imported_sessions()[session_id], Options())
    done = cli("export", "--otlp", "--all", "--all-projects", "--endpoint", phoenix.url, env={"CLAUDE_CONFIG_DIR": str(store)})
    assert "spans of 4 sessions" in done.stdout
    spans = phoenix.wait_for_spans("beta", len(expected))
    llm = [s for s in spans if s["span_kind"] == "LLM"]
    assert sum(s["attributes"]["llm.token_count.completion"] for s in llm) == CCUSAGE[session_id][1]
    assert {s["attributes"]["session.id"] for s in spans} == {session_id}
    assert os.path.exists(os.path.join(history.project_folder(catalog.home(), beta), "otlp-shipped.json"))
    assert not os.path.exists(beta)


def test_inside_a_project_without_hooks_the_views_show_its_imported_history(store, tmp_path):
    """In a project whose owner never installed the hooks, plain list, show, stats, usage and search
    answer from its imported history and write nothing into it; a folder with neither is one line, exit 1."""
    work = moved_projects(store, tmp_path)
    beta, alpha = work / "beta", work / "alpha project"
    for folder in (beta / "src", alpha):
        folder.mkdir(parents=True)
    env = {"CLAUDE_CONFIG_DIR": str(store)}
    beta_id = "f6a92ab2-25e9-4ee8-a3f3-601ad225478a"
    listed = json.loads(cli("list", "--json", cwd=beta / "src", env=env).stdout)
    assert [s["session_id"] for s in listed] == [beta_id] and listed[0]["status"] == "imported"
    assert beta_id[:8] in cli("list", cwd=beta, env=env).stdout
    shown = cli("show", beta_id[:8], cwd=beta, env=env).stdout
    assert "imported from Claude Code's transcript" in shown and "subagent" in shown
    stats = json.loads(cli("stats", "--json", cwd=beta, env=env).stdout)
    assert (stats["sessions"], stats["tool_calls"]) == (1, 2)
    usage = json.loads(cli("usage", "--by", "session", "--json", cwd=beta, env=env).stdout)
    assert {row["session"]: (row["input_tokens"], row["output_tokens"], row["cache_creation_input_tokens"], row["cache_read_input_tokens"])
            for row in usage["rows"]} == {beta_id: CCUSAGE[beta_id]}
    hits = json.loads(cli("search", "quetzalcoatlus", "--json", cwd=alpha, env=env).stdout)
    assert hits and {hit["project"] for hit in hits} == {str(alpha)}
    assert not cli("search", "quetzalcoatlus", "--json", cwd=beta, env=env).stdout.strip("[]\n ")
    assert sorted(p.name for p in work.rglob("*")) == ["alpha project", "beta", "src"]  # nothing written into either
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = cli("list", cwd=elsewhere, env=env, check=False)
    assert done.returncode == 1 and done.stderr.count("\n") == 1 and "no .claude/runtime found" in done.stderr


def test_a_refresh_with_nothing_new_sees_every_change(store):
    """With nothing new, an import answers from the last import's listing without loading the
    importer; a line appended, a session, a subagents folder or an agent's file added, a file
    removed or the state deleted are each still read, and nothing doubles."""
    moment = [time.time() - 3600]

    def settle():  # the folders this test changed, dated in the past as a store's settle (each time a new date)
        moment[0] -= 60
        for folder in [store, *store.rglob("*")]:
            if folder.is_dir() and folder.stat().st_mtime > time.time() - 600:
                os.utime(folder, (moment[0], moment[0]))

    def refresh() -> dict:
        code = ("import json, sys; from session_management.present.cli import main; main(['import', '--json'])\n"
                "print(json.dumps('session_management.capture.importer' in sys.modules))")
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                              env={**python_env(), "CLAUDE_CONFIG_DIR": str(store)}, timeout=120)
        summary, loaded = done.stdout.rstrip("\n").rsplit("\n", 1)
        return {**json.loads(summary), "importer_loaded": json.loads(loaded)}

    settle()
    assert refresh()["files_read"] == 5
    quiet = refresh()
    assert (quiet["files"], quiet["files_read"], quiet["files_unchanged"], quiet["importer_loaded"]) == (5, 0, 5, False)
    beta_id = "f6a92ab2-25e9-4ee8-a3f3-601ad225478a"
    beta = store / "projects" / "-nonexistent-claude-history-beta"
    with open(beta / f"{beta_id}.jsonl", "ab") as handle:
        handle.write(line("user", beta_id, "appended-1", cwd="/nonexistent/claude-history/beta", message={"role": "user", "content": "one more thing"}))
    new_id, agent = "0ddba11a-0000-4000-8000-000000000001", "agent-b00000000000000001.jsonl"
    changes = [
        lambda: None,  # the append above
        lambda: (beta / f"{new_id}.jsonl").write_bytes(line("user", new_id, "n1", cwd="/nonexistent/claude-history/beta", message={"role": "user", "content": "new session"})),
        lambda: (beta / new_id).mkdir(),
        lambda: (beta / new_id / "subagents").mkdir(),
        lambda: (beta / new_id / "subagents" / agent).write_bytes(line("user", new_id, "s1", message={"role": "user", "content": "an agent's task"})),
        lambda: (beta / beta_id / "subagents" / agent).write_bytes(line("user", beta_id, "s2", message={"role": "user", "content": "another agent's task"})),
    ]
    for number, change in enumerate(changes):
        change()
        settle()
        seen = refresh()
        assert seen["importer_loaded"] and seen["files_read"] == (0 if number in (2, 3) else 1), number
        assert refresh()["importer_loaded"] is False, number
    prompts = [e["details"]["prompt"] for e in imported_sessions()[beta_id]["activity_log"] if e["action"] == "user_input"]
    assert prompts.count("one more thing") == 1
    (beta / new_id / "subagents" / agent).unlink()
    settle()
    assert refresh()["files"] == 7 and refresh()["importer_loaded"] is False
    listing = Path(history.root(catalog.home()), "listing.txt")
    listing.write_text(listing.read_text() + "not a line it writes\n")
    assert refresh()["importer_loaded"] and refresh()["importer_loaded"] is False  # a damaged listing: imported, written again
    os.unlink(Path(history.root(catalog.home()), "state.sqlite"))
    again = refresh()
    assert again["importer_loaded"] and again["files_read"] == 7 and again["sessions_new"] == 0
    assert {sid: token_counts(imported_sessions()[sid]) for sid in CCUSAGE} == CCUSAGE


def test_an_imported_project_s_config_caps_and_redacts_as_its_hooks_would(store, tmp_path):
    """A project's own session-tracking.yaml (field cap, extra redaction patterns) applies to its
    imported sessions as to its hook records, and reading it writes nothing into the project."""
    work = moved_projects(store, tmp_path)
    alpha = work / "alpha project"
    (alpha / ".claude").mkdir(parents=True)
    (alpha / ".claude" / "session-tracking.yaml").write_text("max_field_bytes: 300\nredact_patterns: ['quetzal[a-z]+']\n")
    run_import(store)
    sessions = imported_sessions()
    parent = sessions["a427a655-c3a4-413a-8b3d-dc75bde28b6d"]
    prompts = [e["details"]["prompt"] for e in parent["activity_log"] if e["action"] == "user_input"]
    assert prompts == ["remember [REDACTED:custom] and my key [REDACTED:anthropic-key]"]
    compaction = next(e["details"] for e in sessions["92a8c92d-c0ef-475b-9526-cb0c0a4a9463"]["activity_log"] if e["action"] == "compaction")
    assert compaction["_truncated"]["compact_summary"]["original_bytes"] > 700 and len(compaction["compact_summary"].encode()) < 400
    beta = sessions["f6a92ab2-25e9-4ee8-a3f3-601ad225478a"]  # no config of its own: the defaults
    assert not any("_truncated" in e["details"] for e in beta["activity_log"])
    assert sorted(p.name for p in alpha.rglob("*")) == [".claude", "session-tracking.yaml"]


def test_a_fork_and_its_parent_both_hook_recorded_count_each_response_once(store, tmp_path):
    """A parent and its --fork-session both recorded by the hooks (each turn-end harvest read its
    whole transcript, the fork's copies of its parent's responses included): each response is counted
    once, in the session whose transcript owns it, so every session's tokens are still ccusage's."""
    from session_management.capture.transcript import read_new

    work = moved_projects(store, tmp_path)
    sessions = work / "alpha project" / ".claude" / "runtime" / "sessions"
    (sessions / "archive").mkdir(parents=True)
    registry = {}
    for session_id in ("a427a655-c3a4-413a-8b3d-dc75bde28b6d", "92a8c92d-c0ef-475b-9526-cb0c0a4a9463"):
        responses = read_new(str(next(store.glob(f"projects/*/{session_id}.jsonl"))), {})[0]
        log = [{"action": "assistant_message", "timestamp": r["timestamp"], "details": {
            **{key: r[key] for key in ("message_id", "request_id", "model", "stop_reason", "text", "tool_use_ids")}, "usage": r["usage"]}}
            for r in responses]
        data = {"session_id": session_id, "created_at": log[0]["timestamp"], "last_activity": log[-1]["timestamp"], "status": "ended",
                "timeout_seconds": 3600, "metadata": {"source": "startup"}, "activity_log": log}
        (sessions / "archive" / f"session_{session_id}.json").write_text(json.dumps(data))
        (sessions / "archive" / f"session_{session_id}.journal").write_text('{"journal": 1, "base": %d}\n' % len(log))
        registry[session_id] = {"created_at": data["created_at"], "status": "archived", "timeout_seconds": 3600}
    (sessions / "registry.json").write_text(json.dumps({"sessions": registry}))
    both = sum(len(read_new(str(p), {})[0]) for p in store.glob("projects/*alpha*/[a9]*.jsonl"))
    assert both > len({(r["message_id"], r["request_id"]) for p in store.glob("projects/*alpha*/[a9]*.jsonl") for r in read_new(str(p), {})[0]})
    rows = cli("usage", "--all-projects", "--by", "session", "--json", env={"CLAUDE_CONFIG_DIR": str(store)}).stdout
    assert {row["session"]: (row["input_tokens"], row["output_tokens"], row["cache_creation_input_tokens"], row["cache_read_input_tokens"])
            for row in json.loads(rows)["rows"]} == CCUSAGE


def test_a_synthetic_response_is_no_request_imported_or_harvested(store):
    """A `<synthetic>` response (Claude Code's own, for a 429) is left out alike by the import and by the
    hook harvest's reader: list, usage and stats across projects give the same requests and costs with
    it as without, every cost known, no `<synthetic>` model and no "no price known" note."""
    from session_management.capture.transcript import read_new

    env = {"CLAUDE_CONFIG_DIR": str(store)}

    def figures() -> tuple:
        answers = [cli(*command, "--all-projects", "--json", env=env) for command in (["list"], ["usage", "--by", "model"], ["stats"])]
        assert not any("no price known" in done.stderr for done in answers)
        listed, usage, stats = (json.loads(done.stdout) for done in answers)
        return ({s["session_id"]: (s["requests"], s["cost_usd"]) for s in listed}, {row["model"]: (row["requests"], row["cost_usd"]) for row in usage["rows"]},
                (stats["usage"]["requests"], stats["usage"]["cost_usd"], sorted(stats["usage"]["by_model"])))

    before = figures()
    beta = next(store.glob("projects/*beta/*.jsonl"))
    error = {"parentUuid": None, "isSidechain": False, "type": "assistant", "uuid": "0c6f1e2a-7b3d-4c5e-8f9a-0b1c2d3e4f5a", "timestamp": "2026-12-03T13:30:00.000Z",
             "message": {"id": "0c6f1e2a-7b3d-4c5e-8f9a-0b1c2d3e4f5a", "container": None, "model": "<synthetic>", "role": "assistant", "stop_reason": "stop_sequence",
                         "stop_sequence": "", "type": "message", "content": [{"type": "text", "text": "API Error: 429 rate_limit_error"}],
                         "usage": {"input_tokens": 0, "output_tokens": 0, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}},
             "isApiErrorMessage": True, "error": "rate_limit", "cwd": ALPHA.replace("alpha project", "beta"), "sessionId": beta.stem, "version": "2.1.332"}
    with beta.open("a") as handle:
        handle.write(json.dumps(error, separators=(",", ":")) + "\n")
    after = figures()
    assert after == before and "<synthetic>" not in after[1] and None not in {cost for _requests, cost in after[0].values()}
    assert "<synthetic>" not in {response["model"] for path in store.glob("projects/*/*.jsonl") for response in read_new(str(path), {})[0]}


def test_a_project_s_imported_folder_keeps_its_name():
    """A project's imported folder is named by its path's SHA-256 as hashlib computes it, whichever
    implementation the view loads: a different name would leave the history already imported behind."""
    import hashlib

    for project in ["/home/me/app", "/srv/ünïcode proj", "/tmp/" + chr(0xDC80)]:
        digest = hashlib.sha256(project.encode("utf-8", "surrogatepass")).hexdigest()[:12]
        assert os.path.basename(history.project_folder("/data", project)).endswith("-" + digest)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=8), st.recursive(
    st.none() | st.booleans() | st.integers(-2**63, 2**63 - 1) | st.floats(allow_nan=False) | st.text(max_size=300),
    lambda inner: st.lists(inner, max_size=6) | st.dictionaries(st.text(max_size=8), inner, max_size=6), max_leaves=40), max_size=5),
    st.integers(64, 4096))
def test_a_record_the_import_leaves_uncapped_is_one_the_hooks_would_not_cap(details, cap):
    """The import skips measuring a record whose compact text is at most half the cap: no field of
    such a record is ever over the cap as the hooks measure it, so it is stored as they store it."""
    from session_management.capture.capping import cap_fields
    from session_management.capture.importer import _within

    if _within(details, cap):
        assert cap_fields(json.loads(json.dumps(details)), cap) == details
