"""The status line (`claude-sessions statusline` and the `python -I -S` entry Claude Code runs),
the running totals the hooks keep for it, budgets, and `install --statusline`."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import HOOK_ENTRY, REPO
from session_management.capture.events import ORIGINAL
from session_management.install.settings import ours_by_event

ENTRY = REPO / "session_management" / "present" / "statusline_entry.py"
SID = "5a1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
MODEL = "claude-sonnet-4-5"
PRICES = "prices:\n  claude-sonnet-4-5: {input_mtok: 3, output_mtok: 15, cache_write_mtok: 3.75, cache_read_mtok: 0.3}\n"
USAGE = {"input_tokens": 1000, "output_tokens": 20000, "cache_creation_input_tokens": 30000, "cache_read_input_tokens": 400000}


def now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())


def answer(message_id: str, usage=USAGE) -> str:
    """One response as Claude Code writes it: two content-block lines sharing id, request id and usage."""
    lines = []
    for block in ({"type": "text", "text": f"answer {message_id}"}, {"type": "tool_use", "id": f"toolu_{message_id}", "name": "Bash", "input": {}}):
        lines.append(json.dumps({"type": "assistant", "requestId": f"req_{message_id}", "timestamp": now(),
                                 "message": {"id": message_id, "model": MODEL, "content": [block], "stop_reason": "end_turn", "usage": usage}}))
    return "\n".join(lines) + "\n"


def env_for(project, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE", "COV_", "NO_COLOR"))}
    env.update({"CLAUDE_PROJECT_DIR": str(project), "TERM": "dumb", **extra})
    return env


def hook(name: str, project, **fields) -> bytes:
    """Run the real hook entry; it must exit 0 and print nothing but a budget warning. Returns stdout."""
    payload = {"session_id": SID, "hook_event_name": name, "cwd": str(project), **fields}
    done = subprocess.run([sys.executable, "-I", "-S", str(HOOK_ENTRY), name], input=json.dumps(payload).encode(),
                          capture_output=True, env=env_for(project), timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def statusline(project, stdin: bytes, **extra) -> str:
    """Run the entry Claude Code runs; it must exit 0 with one or two lines and nothing on stderr."""
    done = subprocess.run([sys.executable, "-I", "-S", str(ENTRY)], input=stdin, capture_output=True, env=env_for(project, **extra), timeout=30)
    assert done.returncode == 0
    assert done.stderr == b"", done.stderr
    text = done.stdout.decode("utf-8")
    assert text.endswith("\n") and 1 <= text.count("\n") <= 2 and text.strip(), text
    return text.strip()


def payload(project, transcript, **fields) -> bytes:
    return json.dumps({"session_id": SID, "transcript_path": str(transcript), "cwd": str(project), "model": {"id": MODEL, "display_name": "Sonnet 4.5"},
                       "workspace": {"current_dir": str(project), "project_dir": str(project)}, "version": "2.1.332", **fields}).encode()


@pytest.fixture
def project(tmp_path):
    path = tmp_path / "proj"
    (path / ".claude").mkdir(parents=True)
    (path / ".claude" / "session-tracking.yaml").write_text(PRICES)
    return path


@pytest.fixture
def transcript(tmp_path):
    path = tmp_path / "claude" / f"{SID}.jsonl"
    path.parent.mkdir()
    path.write_text("")
    return path


def show_cost(project) -> float:
    done = subprocess.run([sys.executable, "-m", "session_management", "--runtime-dir", str(project / ".claude" / "runtime"), "show", SID, "--json"],
                          capture_output=True, text=True, cwd=REPO, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["usage"]["cost_usd"]


def a_turn(project, transcript, message_id: str, tools=2, failures=1) -> None:
    hook("UserPromptSubmit", project, prompt="go", transcript_path=str(transcript))
    for n in range(tools):
        hook("PostToolUse", project, tool_name="Bash", tool_input={"command": "ls"}, tool_response={"stdout": "x"}, tool_use_id=f"t{message_id}{n}")
    for n in range(failures):
        hook("PostToolUseFailure", project, tool_name="Bash", tool_input={"command": "false"}, error="Exit code 1", tool_use_id=f"f{message_id}{n}")
    with transcript.open("a") as handle:
        handle.write(answer(message_id))


def test_the_line_shows_this_session_with_what_is_not_harvested_yet_matching_show(project, transcript):
    """After a turn end and mid-way through the next turn, the line has the model, this session's
    tokens and cost (the unharvested response included), its tool calls and failures, today's spend
    here and in all projects; its cost equals `show --json`'s to the cent once the turn ends."""
    hook("SessionStart", project, source="startup", transcript_path=str(transcript), model=MODEL)
    a_turn(project, transcript, "msg_1")
    hook("Stop", project, transcript_path=str(transcript), last_assistant_message="done")
    a_turn(project, transcript, "msg_2", tools=1, failures=0)  # the status line runs before Stop harvests this
    line = statusline(project, payload(project, transcript, rate_limits={"five_hour": {"used_percentage": 23.4}, "seven_day": {"used_percentage": 41}}))
    hook("Stop", project, transcript_path=str(transcript), last_assistant_message="done")
    cost = show_cost(project)
    assert cost > 1
    assert line == f"Sonnet 4.5 · session 902.0k tok ${cost:,.2f} · 4 tools, 1 failed · today ${cost:,.2f} here, ${cost:,.2f} all · 5h 23% 7d 41%"
    assert statusline(project, payload(project, transcript)) == line.replace(" · 5h 23% 7d 41%", "")  # after Stop: the same figures


def test_a_new_session_before_its_first_turn_end_is_read_from_its_transcript(project, transcript):
    """Before any harvest (no running totals yet) the first answer's cost already shows."""
    hook("SessionStart", project, source="startup", transcript_path=str(transcript))
    a_turn(project, transcript, "msg_1", tools=1, failures=0)
    line = statusline(project, payload(project, transcript))
    hook("Stop", project, transcript_path=str(transcript))
    assert f"session 451.0k tok ${show_cost(project):,.2f} · 1 tools" in line


@pytest.mark.parametrize("stdin", [b"", b"not json at all \x00\xff", b'{"session_id": "5a1e2d3c', b"[1, 2, 3]", b'{"session_id": "../../etc/passwd"}', b'{"model": 7}'])
def test_bad_or_missing_input_still_prints_a_line(project, transcript, stdin):
    """Garbage, empty, truncated or hostile stdin: exit 0, a line, no traceback."""
    assert statusline(project, stdin)


def test_an_unknown_session_and_lost_derived_files_still_print_a_line(project, transcript, tmp_path):
    """A session never seen, then deleted running totals, a garbled day file, a deleted and a garbage index: a line each time."""
    assert statusline(project, payload(project, transcript)).startswith("Sonnet 4.5")
    hook("SessionStart", project, source="startup", transcript_path=str(transcript))
    a_turn(project, transcript, "msg_1")
    hook("Stop", project, transcript_path=str(transcript))
    cache = tmp_path / "home" / ".cache" / "claude-session-tracker"
    (cache / "index.sqlite").write_bytes(b"garbage, not SQLite")
    (cache / "spend-today.json").write_text("{")
    for tally in (project / ".claude" / "runtime" / "tallies").iterdir():
        tally.write_text("[")
    line = statusline(project, payload(project, transcript))
    assert line.startswith("Sonnet 4.5") and "today" in line
    (cache / "index.sqlite").unlink()
    hook("Stop", project, transcript_path=str(transcript))  # the running totals are rebuilt from the session
    assert "3 tools, 1 failed" in statusline(project, payload(project, transcript))


def test_a_lost_tally_is_rebuilt_with_the_same_figures(project, transcript):
    """Running totals are derived: deleted, the next turn end counts the whole session again, nothing twice."""
    hook("SessionStart", project, source="startup", transcript_path=str(transcript))
    a_turn(project, transcript, "msg_1")
    hook("Stop", project, transcript_path=str(transcript))
    a_turn(project, transcript, "msg_2")
    hook("Stop", project, transcript_path=str(transcript))
    before = statusline(project, payload(project, transcript))
    for tally in (project / ".claude" / "runtime" / "tallies").iterdir():
        tally.unlink()
    hook("UserPromptSubmit", project, prompt="again")
    hook("Stop", project, transcript_path=str(transcript))
    assert statusline(project, payload(project, transcript)) == before
    assert "6 tools, 2 failed" in before


def test_a_session_kept_live_until_its_end_is_counted_the_same(project, transcript):
    """With archive_on: session_end (no fold at each turn end) the counts are the same."""
    (project / ".claude" / "session-tracking.yaml").write_text(PRICES + "archive_on: session_end\n")
    hook("SessionStart", project, source="startup", transcript_path=str(transcript))
    for turn in ("msg_1", "msg_2"):
        a_turn(project, transcript, turn)
        hook("Stop", project, transcript_path=str(transcript))
    a_turn(project, transcript, "msg_3", tools=1, failures=0)
    line = statusline(project, payload(project, transcript))
    hook("Stop", project, transcript_path=str(transcript))
    assert f"${show_cost(project):,.2f} · 7 tools, 2 failed" in line


def test_today_all_projects_adds_the_imported_history_once(project, tmp_path):
    """Today's spend across projects includes a project without hooks, read from Claude Code's
    transcripts by the last view across projects, and never counts twice a session the hooks
    recorded whose transcript was imported too; another view changes nothing, a new response
    in the project without hooks is added by the next view."""
    store, other = tmp_path / "store", tmp_path / "other"
    other.mkdir()
    hooked = store / "projects" / "-proj" / f"{SID}.jsonl"  # the hooked session's transcript, in the store the import reads
    hooked.parent.mkdir(parents=True)
    hooked.write_text("")
    hook("SessionStart", project, source="startup", transcript_path=str(hooked))
    hook("UserPromptSubmit", project, prompt="go", transcript_path=str(hooked))
    with hooked.open("a") as handle:
        handle.write("".join(json.dumps({**json.loads(line), "cwd": str(project)}) + "\n" for line in answer("msg_1").splitlines()))
    hook("Stop", project, transcript_path=str(hooked))
    unhooked = store / "projects" / "-other" / "0b1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0.jsonl"

    def answer_in_other(message_id: str) -> None:
        with unhooked.open("a") as handle:
            handle.write("".join(json.dumps({**json.loads(line), "cwd": str(other), "sessionId": unhooked.stem}) + "\n"
                                 for line in answer(message_id).splitlines()))

    unhooked.parent.mkdir(parents=True)
    answer_in_other("msg_9")

    def usage_by_project() -> dict:
        done = subprocess.run([sys.executable, "-m", "session_management", "usage", "--by", "project", "--all-projects", "--json"],
                              capture_output=True, text=True, cwd=project, env=env_for(project, CLAUDE_CONFIG_DIR=str(store)), timeout=60)
        assert done.returncode == 0, done.stderr
        return {row["project"]: row["cost_usd"] for row in json.loads(done.stdout)["rows"]}

    line = statusline(project, payload(project, hooked))
    assert line.endswith(f"today ${show_cost(project):,.2f} here, ${show_cost(project):,.2f} all")  # nothing imported yet
    costs = usage_by_project()
    assert set(costs) == {str(project), str(other)} and costs[str(project)] == show_cost(project)
    line = statusline(project, payload(project, hooked))
    assert line.endswith(f"today ${costs[str(project)]:,.2f} here, ${costs[str(project)] + costs[str(other)]:,.2f} all")
    usage_by_project()
    assert statusline(project, payload(project, hooked)) == line
    answer_in_other("msg_8")
    costs = usage_by_project()
    assert statusline(project, payload(project, hooked)).endswith(f"here, ${costs[str(project)] + costs[str(other)]:,.2f} all")
    assert costs[str(other)] > 1  # two responses now


def imports_of_a_refresh(project, transcript, **fields) -> set:
    """The modules one refresh of the session's status line imports (``-X importtime``)."""
    done = subprocess.run([sys.executable, "-I", "-S", "-X", "importtime", str(ENTRY)], input=payload(project, transcript, **fields),
                          capture_output=True, env=env_for(project), timeout=30)
    assert done.returncode == 0
    return {line.split("|")[-1].strip() for line in done.stderr.decode().splitlines()[1:]}


def test_the_status_line_imports_neither_json_nor_re_nor_os(project, transcript):
    """Its whole cost budget is half an interpreter start: json (re, enum) alone would exceed it, os a quarter of it, zlib a tenth."""
    hook("SessionStart", project, source="startup", transcript_path=str(transcript))
    a_turn(project, transcript, "msg_1")
    hook("Stop", project, transcript_path=str(transcript))
    imported = imports_of_a_refresh(project, transcript)
    assert "session_management.store.tally" in imported
    assert not imported & {"json", "re", "enum", "os", "zlib", "genai_prices", "sqlite3", "datetime", "pathlib"}
    limits = {"five_hour": {"used_percentage": 42, "resets_at": 2_000_000_000}, "seven_day": {"used_percentage": 17, "resets_at": 2_000_500_000}}
    with_quota = imports_of_a_refresh(project, transcript, rate_limits=limits)  # a sample recorded, the ledger's tail read
    assert "session_management.store.quota" in with_quota and "session_management.query.limits" not in with_quota
    assert not with_quota & {"json", "re", "enum", "os", "zlib", "genai_prices", "sqlite3", "datetime", "pathlib"}


def test_colours_only_on_a_colour_terminal(project, transcript):
    """NO_COLOR or a dumb terminal: plain text; TERM=xterm-256color: ANSI colours."""
    data = payload(project, transcript)
    assert "\033[" in statusline(project, data, TERM="xterm-256color")
    assert "\033[" not in statusline(project, data, TERM="xterm-256color", NO_COLOR="1")
    assert "\033[" not in statusline(project, data)


def test_the_config_chooses_the_parts(project, transcript):
    """statusline.parts lists what is shown, in the line's order."""
    (project / ".claude" / "session-tracking.yaml").write_text(PRICES + "statusline: {parts: [model, limits]}\n")
    line = statusline(project, payload(project, transcript, rate_limits={"five_hour": {"used_percentage": 5}}))
    assert line == "Sonnet 4.5 · 5h 5%"


def test_over_budget_the_line_says_so(project, transcript):
    """A session and a day over their budget are named plainly."""
    (project / ".claude" / "session-tracking.yaml").write_text(PRICES + "budget: {session: 0.5, day: 1}\n")
    hook("SessionStart", project, source="startup", transcript_path=str(transcript))
    a_turn(project, transcript, "msg_1")
    hook("Stop", project, transcript_path=str(transcript))
    line = statusline(project, payload(project, transcript))
    assert "OVER BUDGET: session $" in line and "of $0.50" in line
    assert "OVER DAILY BUDGET" not in line
    a_turn(project, transcript, "msg_2")
    assert "OVER DAILY BUDGET: $" in statusline(project, payload(project, transcript))


def test_budget_warn_tells_claude_code_once_per_threshold(project, transcript):
    """With budget.warn the turn end that crosses a budget prints one systemMessage; later turn ends print nothing."""
    (project / ".claude" / "session-tracking.yaml").write_text(PRICES + "budget: {session: 0.5, day: 1, warn: true}\n")
    hook("SessionStart", project, source="startup", transcript_path=str(transcript))
    a_turn(project, transcript, "msg_1")
    said = [hook("Stop", project, transcript_path=str(transcript))]
    for turn in ("msg_2", "msg_3"):
        a_turn(project, transcript, turn)
        said.append(hook("Stop", project, transcript_path=str(transcript)))
    first, second, third = (json.loads(out) if out else None for out in said)
    assert list(first) == ["systemMessage"] and first["systemMessage"].startswith("Session budget reached: this session has cost $")
    assert list(second) == ["systemMessage"] and second["systemMessage"].startswith("Daily budget reached: $")
    assert third is None


def test_budget_warnings_are_off_by_default(project, transcript):
    """Without budget.warn, a session far over budget still makes every hook print nothing."""
    (project / ".claude" / "session-tracking.yaml").write_text(PRICES + "budget: {session: 0.01, day: 0.01}\n")
    hook("SessionStart", project, source="startup", transcript_path=str(transcript))
    a_turn(project, transcript, "msg_1")
    assert hook("Stop", project, transcript_path=str(transcript)) == b""
    assert hook("SessionEnd", project, transcript_path=str(transcript), reason="other") == b""


def test_claude_sessions_statusline_prints_the_same_line(project, transcript):
    """The CLI command is the same line as the entry Claude Code runs."""
    hook("SessionStart", project, source="startup", transcript_path=str(transcript))
    a_turn(project, transcript, "msg_1")
    done = subprocess.run([sys.executable, "-m", "session_management", "statusline"], input=payload(project, transcript),
                          capture_output=True, env=env_for(project), cwd=REPO, timeout=60)
    assert done.returncode == 0
    assert done.stdout.decode().strip() == statusline(project, payload(project, transcript))


def cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "session_management", *args], capture_output=True, text=True, cwd=cwd or REPO, timeout=120)


def test_install_statusline_keeps_another_unless_forced_and_uninstall_removes_only_ours(project):
    """install --statusline wires ours; another tool's is kept unless --force (after a backup);
    --uninstall --statusline removes only ours; doctor reports which one runs."""
    settings = project / ".claude" / "settings.json"
    theirs = {"type": "command", "command": "ccusage statusline"}
    settings.write_text(json.dumps({"statusLine": theirs, "model": "opus"}))
    done = cli("install", str(project), "--statusline", "--claude", "/bin/false")
    assert done.returncode == 0 and "kept the statusLine already there (ccusage statusline)" in done.stdout
    first = json.loads(settings.read_text())
    assert first["statusLine"] == theirs and first["model"] == "opus"
    assert sorted(ours_by_event(first)) == sorted(ORIGINAL)  # the hooks are wired even where the status line is not
    assert "status line: another tool's" in cli("doctor", cwd=project).stdout
    assert cli("install", str(project), "--uninstall", "--statusline").returncode == 0
    assert json.loads(settings.read_text())["statusLine"] == theirs
    done = cli("install", str(project), "--statusline", "--force", "--claude", "/bin/false")
    assert done.returncode == 0 and "set the status line (replacing another one)" in done.stdout
    backup = done.stdout.split("the previous file is kept at ")[1].split(")")[0]
    assert json.loads(Path(backup).read_text()).get("statusLine") == theirs
    assert not [name for name in os.listdir(settings.parent) if name.startswith("settings.json.")]
    ours = json.loads(settings.read_text())["statusLine"]
    assert ours["command"].startswith(f"{sys.executable} -I -S {ENTRY} ") and ours["command"].endswith("#claude-session-tracker")
    assert "ok    status line: ours, in project settings" in cli("doctor", cwd=project).stdout
    line = subprocess.run(ours["command"], shell=True, input=b"{}", capture_output=True, cwd=project, timeout=30)
    assert line.returncode == 0 and line.stdout.strip()
    assert cli("install", str(project), "--uninstall", "--statusline").returncode == 0
    after = json.loads(settings.read_text())
    assert "statusLine" not in after and after["model"] == "opus" and after["hooks"]
    cli("install", str(project), "--statusline", "--claude", "/bin/false")
    assert cli("install", str(project), "--uninstall").returncode == 0
    assert json.loads(settings.read_text()) == {"model": "opus"}


def test_doctor_fails_a_broken_status_line(project):
    """Ours pointing at a package that is gone: doctor says it is broken and how to fix it."""
    settings = project / ".claude" / "settings.json"
    cli("install", str(project), "--statusline", "--claude", "/bin/false")
    data = json.loads(settings.read_text())
    data["statusLine"]["command"] = data["statusLine"]["command"].replace(str(ENTRY), "/gone/statusline_entry.py")
    settings.write_text(json.dumps(data))
    done = cli("doctor", cwd=project)
    assert done.returncode == 1 and "status line: ours" in done.stdout and "broken" in done.stdout


def test_a_config_cache_from_before_these_settings_still_works(project, transcript):
    """A config-cache.json written by an earlier version (no statusline: or budget:) still gives running totals and a line."""
    hook("SessionStart", project, source="startup", transcript_path=str(transcript))
    cache = project / ".claude" / "runtime" / "config-cache.json"
    old = json.loads(cache.read_text())
    for key in ("statusline", "budget"):
        del old["config"][key]
    cache.write_text(json.dumps(old))
    a_turn(project, transcript, "msg_1")
    hook("Stop", project, transcript_path=str(transcript))
    assert f"${show_cost(project):,.2f} · 3 tools, 1 failed" in statusline(project, payload(project, transcript))


ZERO_USAGE = {"input_tokens": 0, "output_tokens": 0, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0,
              "server_tool_use": {"web_search_requests": 0, "web_fetch_requests": 0}, "service_tier": None,
              "cache_creation": {"ephemeral_1h_input_tokens": 0, "ephemeral_5m_input_tokens": 0}}
RATE_LIMITED = 'API Error: 429 {"type":"error","error":{"type":"rate_limit_error","message":"This request would exceed your rate limit."}}'


def api_error(uuid: str) -> str:
    """The response Claude Code writes itself when a request fails (here a 429), as 2.1.x writes it:
    model `<synthetic>`, no request id, every token count 0."""
    return json.dumps({"parentUuid": None, "isSidechain": False, "type": "assistant", "uuid": uuid, "timestamp": now(), "sessionId": SID,
                       "message": {"id": uuid, "container": None, "model": "<synthetic>", "role": "assistant", "stop_reason": "stop_sequence",
                                   "stop_sequence": "", "type": "message", "usage": ZERO_USAGE, "content": [{"type": "text", "text": RATE_LIMITED}],
                                   "context_management": None},
                       "isApiErrorMessage": True, "error": "rate_limit", "userType": "external", "version": "2.1.332"}) + "\n"


def a_rate_limited_turn(project, transcript, uuid: str, end: bool = True) -> None:
    """A prompt whose request got a 429: Claude Code writes a `<synthetic>` response and fires StopFailure."""
    hook("UserPromptSubmit", project, prompt="go on", transcript_path=str(transcript))
    with transcript.open("a") as handle:
        handle.write(api_error(uuid))
    if end:
        hook("StopFailure", project, transcript_path=str(transcript), error="rate_limit", last_assistant_message=RATE_LIMITED)


def views(project, *command) -> tuple:
    """``(JSON answer, stderr)`` of a view run in the project, as a person runs it."""
    done = subprocess.run([sys.executable, "-m", "session_management", *command, "--json"], capture_output=True, text=True,
                          cwd=project, env=env_for(project), timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout), done.stderr


def test_an_api_error_s_synthetic_response_is_neither_priced_nor_counted(project, transcript):
    """After a 429 (a `<synthetic>` response), the status line shows a cost, never `$?`, before and after
    StopFailure; list, usage and stats show that cost, one request, no `<synthetic>` model and no "no price known" note."""
    hook("SessionStart", project, source="startup", transcript_path=str(transcript))
    a_turn(project, transcript, "msg_1")
    hook("Stop", project, transcript_path=str(transcript))
    a_rate_limited_turn(project, transcript, "0c6f1e2a-7b3d-4c5e-8f9a-0b1c2d3e4f5a", end=False)
    before = statusline(project, payload(project, transcript))
    hook("StopFailure", project, transcript_path=str(transcript), error="rate_limit", last_assistant_message=RATE_LIMITED)
    after = statusline(project, payload(project, transcript))
    cost = show_cost(project)
    assert cost > 0.5
    for line in (before, after):
        assert "$?" not in line and f"session 451.0k tok ${cost:,.2f}" in line and f"today ${cost:,.2f} here, ${cost:,.2f} all" in line
    (listed, note), (usage, note2), (stats, note3) = (views(project, *command) for command in (["list"], ["usage", "--by", "model"], ["stats"]))
    assert [s["cost_usd"] for s in listed] == [cost] and [s["requests"] for s in listed] == [1]
    assert [(row["model"], row["requests"], row["cost_usd"]) for row in usage["rows"]] == [(MODEL, 1, cost)]
    assert (stats["usage"]["requests"], stats["usage"]["cost_usd"], list(stats["usage"]["by_model"])) == (1, cost, [MODEL])
    assert "no price known" not in note + note2 + note3


def test_an_api_error_does_not_turn_off_budget_warnings(project, transcript):
    """A `<synthetic>` response in the session does not silence budget.warn: the next Stop over budget still warns."""
    (project / ".claude" / "session-tracking.yaml").write_text(PRICES + "budget: {session: 1, warn: true}\n")
    hook("SessionStart", project, source="startup", transcript_path=str(transcript))
    a_turn(project, transcript, "msg_1")
    assert hook("Stop", project, transcript_path=str(transcript)) == b""  # $0.54 of $1
    a_rate_limited_turn(project, transcript, "0c6f1e2a-7b3d-4c5e-8f9a-0b1c2d3e4f5a")
    a_turn(project, transcript, "msg_2")
    said = json.loads(hook("Stop", project, transcript_path=str(transcript)))
    assert said["systemMessage"].startswith(f"Session budget reached: this session has cost ${show_cost(project):,.2f} (budget $1.00")


def test_a_refresh_after_an_api_error_loads_neither_json_nor_the_pricing_code(project, transcript):
    """After a turn that ended in a 429, the status line still prices from the running totals alone: no json, no query.cost, no genai-prices."""
    hook("SessionStart", project, source="startup", transcript_path=str(transcript))
    a_turn(project, transcript, "msg_1")
    hook("Stop", project, transcript_path=str(transcript))
    a_rate_limited_turn(project, transcript, "0c6f1e2a-7b3d-4c5e-8f9a-0b1c2d3e4f5a")
    statusline(project, payload(project, transcript))  # the first refresh since: nothing left to learn
    imported = imports_of_a_refresh(project, transcript)
    assert "session_management.store.rates" in imported
    assert not imported & {"json", "re", "os", "session_management.query.cost", "genai_prices"}


def test_totals_kept_before_synthetic_responses_were_left_out_price_them_at_nothing(project, transcript):
    """A running total an earlier version kept, counting a `<synthetic>` response as a request, still gives a cost: $0 for it, never `$?`."""
    hook("SessionStart", project, source="startup", transcript_path=str(transcript))
    a_turn(project, transcript, "msg_1")
    hook("Stop", project, transcript_path=str(transcript))
    tally = project / ".claude" / "runtime" / "tallies" / f"{SID}.json"
    kept = json.loads(tally.read_text())
    kept["by_model"]["<synthetic>"] = dict.fromkeys(kept["by_model"][MODEL], 0) | {"requests": 1}
    tally.write_text(json.dumps(kept))
    assert f"session 451.0k tok ${show_cost(project):,.2f} · 3 tools" in statusline(project, payload(project, transcript))
