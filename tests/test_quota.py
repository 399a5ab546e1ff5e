"""The quota ledger the status line keeps from Claude Code's `rate_limits`, `claude-sessions limits`,
its forecasts on series with known answers, and limit hits."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from conftest import REPO
from session_management.present.formats import cost_text
from session_management.query import limits
from test_statusline import PRICES, SID, a_turn, hook, imports_of_a_refresh, payload, project, statusline, transcript  # noqa: F401 (fixtures)

HOUR = 3600.0


def ledger() -> Path:
    return Path(os.environ["HOME"]) / ".local" / "share" / "claude-session-tracker" / "quota" / "ledger.jsonl"


def lines() -> list:
    return [json.loads(line) for line in ledger().read_text().splitlines() if line] if ledger().exists() else []


def rate_limits(five: float, week: float, five_resets: float, week_resets: float) -> dict:
    return {"five_hour": {"used_percentage": five, "resets_at": five_resets}, "seven_day": {"used_percentage": week, "resets_at": week_resets}}


def cli(*args) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "session_management", *args], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stderr
    return done


def test_each_changed_figure_is_one_sample_and_a_repeat_none(project, transcript):
    """Three refreshes with the same figures make one line; a changed figure another; a refresh without rate_limits none."""
    figures = rate_limits(42, 17.5, 2_000_000_000, 2_000_500_000)
    for _ in range(3):
        assert "5h 42% 7d 18%" in statusline(project, payload(project, transcript, rate_limits=figures))
    statusline(project, payload(project, transcript))
    figures["five_hour"]["used_percentage"] = 43
    statusline(project, payload(project, transcript, rate_limits=figures))
    found = lines()
    assert [(line["five_hour"]["used"], line["seven_day"]["used"]) for line in found] == [(42, 17.5), (43, 17.5)]
    assert {line["session"] for line in found} == {SID} and {line["model"] for line in found} == {"claude-sonnet-4-5"}
    assert {line["five_hour"]["resets_at"] for line in found} == {2_000_000_000}


def test_a_refresh_without_rate_limits_loads_no_quota_code(project, transcript):
    """No rate_limits (an API key): neither the ledger nor the forecast is loaded, and nothing is written."""
    statusline(project, payload(project, transcript))  # the project's settings parsed and cached once
    assert not {"session_management.store.quota", "session_management.query.limits"} & imports_of_a_refresh(project, transcript)
    assert not ledger().exists()


def test_steady_pace_forecasts_the_hour_it_runs_out():
    """10 % an hour from 20 % at t=0: 80 % at t=6 h, 100 % at t=8 h, before a reset at 9 h."""
    series = [{"t": h * HOUR, "five_hour": {"used": 20 + 10 * h, "resets_at": 9 * HOUR}} for h in range(7)]
    window = limits.summary(series, now=6 * HOUR)["current"]["five_hour"]
    assert window["pace_per_hour"] == 10
    assert window["forecast"] == {"at": 8 * HOUR, "before_reset": True}
    late = limits.summary([{**s, "five_hour": {**s["five_hour"], "resets_at": 7 * HOUR}} for s in series], now=6 * HOUR)
    assert late["current"]["five_hour"]["forecast"]["before_reset"] is False


def test_a_reset_mid_series_starts_a_new_window_with_its_own_pace():
    """A window at 90 % resets; the new one's pace counts only its own samples, the old one is past with its peak."""
    old = [{"t": h * HOUR, "five_hour": {"used": 70 + 10 * h, "resets_at": 3 * HOUR}} for h in range(3)]
    new = [{"t": (3 + h) * HOUR, "five_hour": {"used": 5 * h, "resets_at": 8 * HOUR}} for h in range(3)]
    report = limits.summary(old + new, now=5 * HOUR)
    assert report["current"]["five_hour"]["pace_per_hour"] == 5 and report["current"]["five_hour"]["used"] == 10
    assert [(w["resets_at"], w["peak"], w["hit"]) for w in report["past"]] == [(3 * HOUR, 90, False)]


def test_two_sessions_at_once_make_one_account_wide_pace():
    """Two sessions' samples interleave in one window: the pace is the account's, not each session's."""
    series = [{"t": m * 600.0, "session": "ab"[m % 2], "five_hour": {"used": 10 + m, "resets_at": 5 * HOUR}} for m in range(12)]
    assert limits.summary(series, now=7000)["current"]["five_hour"]["pace_per_hour"] == 6


def test_a_clock_jump_does_not_bend_the_pace():
    """The clock goes back two hours mid-series, and later jumps a day ahead: those pairs are left out, the pace stays 10 %/h."""
    series = [{"t": h * HOUR, "five_hour": {"used": 10 * h, "resets_at": 99 * HOUR}} for h in range(4)]
    series += [{"t": (h - 2) * HOUR, "five_hour": {"used": 10 * h, "resets_at": 99 * HOUR}} for h in range(4, 7)]
    series.append({"t": 30 * HOUR, "five_hour": {"used": 61, "resets_at": 99 * HOUR}})
    assert limits.pace([(s["t"], s["five_hour"]["used"]) for s in series]) == 10


def test_a_ledger_line_with_text_for_a_reset_does_not_break_limits():
    """A line damaged by hand (a reset, a used figure and a hit's reset given as text): `limits` still answers from the sound samples."""
    resets = int(time.time() + 3 * HOUR)
    ledger().parent.mkdir(parents=True)
    ledger().write_text(json.dumps({"t": time.time() - HOUR, "five_hour": {"used": 10, "resets_at": "<b>soon</b>"}}) + "\n"
                        + json.dumps({"t": time.time() - HOUR, "five_hour": {"used": "ten", "resets_at": resets}}) + "\n"
                        + json.dumps({"t": time.time() - 60, "five_hour": {"used": 30, "resets_at": resets}}) + "\n"
                        + json.dumps({"t": time.time(), "hit": "seven_day", "resets_at": "later"}) + "\n")
    report = json.loads(cli("limits", "--json").stdout)
    assert (report["current"]["five_hour"]["used"], report["current"]["five_hour"]["samples"]) == (30, 1)
    assert cli("limits").stdout.startswith("5-hour   30% used")


def test_a_torn_line_mid_ledger_costs_that_line_only(tmp_path):
    """A sample cut off by a crash mid-write, then whole ones after it: read_ledger skips the torn one and keeps the rest in order."""
    folder = tmp_path / "quota"
    folder.mkdir()
    whole = [json.dumps({"t": float(n), "five_hour": {"used": n, "resets_at": 99}}) for n in range(4)]
    (folder / "ledger.jsonl").write_text("\n".join([whole[0], whole[1][:20], whole[2], whole[3]]) + "\n")
    assert [entry["t"] for entry in limits.read_ledger(str(tmp_path))] == [0.0, 2.0, 3.0]


def test_a_window_that_reached_100_is_hit_and_a_recorded_hit_marks_its_window():
    """A sample at 100 % marks its window hit at that time; a limit hit without figures marks the window of the last sample before it."""
    series = [{"t": 0.0, "five_hour": {"used": 90, "resets_at": HOUR}}, {"t": 60.0, "five_hour": {"used": 100, "resets_at": HOUR}},
              {"t": 2 * HOUR, "five_hour": {"used": 50, "resets_at": 5 * HOUR}}, {"t": 2.5 * HOUR, "hit": "five_hour", "resets_at": None}]
    found = limits.windows(series)
    assert [(w["resets_at"], w["hit"], w["hit_at"]) for w in found] == [(HOUR, True, 60.0), (5 * HOUR, True, 2.5 * HOUR)]


def test_blocks_start_at_the_hour_of_the_first_activity():
    """Activity at 9:10, 11:00, 14:05 and 15:00 makes two blocks: 9:00-14:00 and 14:00-19:00."""
    stamps = [(9 * HOUR + 600, 1), (11 * HOUR, 1), (14 * HOUR + 300, 1), (15 * HOUR, 1)]
    found = limits.blocks(stamps, now=15 * HOUR)
    assert [(b["start"], b["end"], b["responses"], b["active"]) for b in found] == [(9 * HOUR, 14 * HOUR, 2, False), (14 * HOUR, 19 * HOUR, 2, True)]


def test_limits_shows_the_recorded_windows_with_pace_and_forecast(project, transcript):
    """`limits` reads what the status line recorded: used, reset, and (with a pace) the forecast; --json the same figures."""
    resets = time.time() + 4 * HOUR
    for used in (30, 31):
        statusline(project, payload(project, transcript, rate_limits=rate_limits(used, 12, resets, resets + 100 * HOUR)))
    report = json.loads(cli("limits", "--json").stdout)
    assert report["seen"] and report["current"]["five_hour"]["used"] == 31 and report["current"]["seven_day"]["used"] == 12
    assert report["current"]["five_hour"]["samples"] == 2
    text = cli("limits").stdout
    assert "5-hour   31% used · resets " in text and "weekly   12% used" in text


def test_without_rate_limits_limits_says_so_and_shows_blocks(project, transcript):
    """An API-key user: nothing in the ledger, and `limits` names why and shows the 5-hour blocks of recorded responses."""
    hook("SessionStart", project, source="startup", transcript_path=str(transcript))
    transcript.write_text(json.dumps({"type": "assistant", "requestId": "req_1", "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
                                      "message": {"id": "msg_1", "model": "claude-sonnet-4-5", "content": [{"type": "text", "text": "hi"}],
                                                  "usage": {"input_tokens": 1, "output_tokens": 1}}}) + "\n")
    hook("Stop", project, transcript_path=str(transcript))
    statusline(project, payload(project, transcript))
    assert not ledger().exists()
    text = cli("limits").stdout
    assert text.startswith("no rate_limits recorded") and "1 responses  (now)" in text
    assert json.loads(cli("limits", "--json").stdout)["blocks"][-1]["responses"] == 1


def show_text(project) -> str:
    return cli("--runtime-dir", str(project / ".claude" / "runtime"), "show", SID).stdout


def test_a_stop_failure_at_the_limit_is_a_hit_in_the_ledger_and_in_show(project, transcript):
    """StopFailure with error rate_limit: the ledger records a hit in the window of the last sample, `limits` calls it hit, `show` names it."""
    resets = time.time() + 3 * HOUR
    hook("SessionStart", project, source="startup", transcript_path=str(transcript))
    statusline(project, payload(project, transcript, rate_limits=rate_limits(97, 40, resets, resets + 90 * HOUR)))
    said = "You've hit your 5-hour limit · resets 1:30pm (UTC)"
    assert hook("StopFailure", project, transcript_path=str(transcript), error="rate_limit", last_assistant_message=said) == b""
    hit = lines()[-1]
    assert (hit["hit"], hit["resets_at"], hit["session"], hit["message"]) == ("five_hour", int(resets), SID, said)
    window = json.loads(cli("limits", "--json").stdout)["current"]["five_hour"]
    assert window["hit"] and window["hit_at"] == hit["t"] and window["used"] == 97
    assert f'usage limit hit "{said}": turn ended by an API error (rate_limit)' in show_text(project)


def test_other_api_errors_are_no_limit_hit(project, transcript):
    """A StopFailure for another error (overloaded) leaves the ledger alone."""
    hook("SessionStart", project, source="startup", transcript_path=str(transcript))
    hook("StopFailure", project, transcript_path=str(transcript), error="server_error", last_assistant_message="API Error: 529 overloaded")
    assert not ledger().exists()
    assert "turn ended by an API error (server_error)" in show_text(project)


def past_samples(five_resets: float, *hours_and_used) -> None:
    """Samples already in the ledger, ``(hours ago, used %)`` of the 5-hour window resetting at ``five_resets``."""
    ledger().parent.mkdir(parents=True, exist_ok=True)
    with ledger().open("a") as handle:
        for ago, used in hours_and_used:
            handle.write(json.dumps({"t": time.time() - ago * HOUR, "session": "other", "model": "m", "five_hour": {"used": used, "resets_at": int(five_resets)}}) + "\n")


def test_the_line_forecasts_when_the_pace_reaches_the_limit_before_the_reset(project, transcript):
    """10 %/h from 40 %: 100 % in six hours; with the reset in seven the line says when, in colour; with the reset in five it says nothing more."""
    soon, later = time.time() + 5 * HOUR, time.time() + 7 * HOUR
    past_samples(later, (2, 20), (1, 30))
    line = statusline(project, payload(project, transcript, rate_limits=rate_limits(40, 10, later, later + 99 * HOUR)), TERM="xterm-256color")
    assert "\033[33m5h 40% → 100% at " in line and line.count("→") == 1
    ledger().unlink()
    past_samples(soon, (2, 20), (1, 30))
    line = statusline(project, payload(project, transcript, rate_limits=rate_limits(40, 10, soon, soon + 99 * HOUR)))
    assert line.endswith("5h 40% 7d 10%")


def test_nothing_about_limits_without_rate_limits_and_red_near_the_limit(project, transcript):
    """No rate_limits: no limits part at all; 95 % used: bold red."""
    assert "5h" not in statusline(project, payload(project, transcript)) and "%" not in statusline(project, payload(project, transcript))
    line = statusline(project, payload(project, transcript, rate_limits=rate_limits(95, 10, time.time() + HOUR, time.time() + 99 * HOUR)), TERM="xterm-256color")
    assert "\033[1;31m5h 95%\033[0m 7d 10%" in line


def budget(project, text: str) -> None:
    (project / ".claude" / "session-tracking.yaml").write_text(PRICES + f"budget: {text}\n")


def test_a_quota_budget_warns_once_per_window_at_a_turn_end(project, transcript):
    """five_hour_percent 80 with warn: the turn end after a sample at 85 % says so once; the next window over it says so again."""
    budget(project, "{five_hour_percent: 80, warn: true}")
    hook("SessionStart", project, source="startup", transcript_path=str(transcript))
    first, second = time.time() + HOUR, time.time() + 6 * HOUR
    statusline(project, payload(project, transcript, rate_limits=rate_limits(85, 10, first, first + 99 * HOUR)))
    said = json.loads(hook("Stop", project, transcript_path=str(transcript)))["systemMessage"]
    assert said.startswith("5-hour limit budget reached: 85% used (budget 80%, resets ")
    statusline(project, payload(project, transcript, rate_limits=rate_limits(90, 10, first, first + 99 * HOUR)))
    assert hook("Stop", project, transcript_path=str(transcript)) == b""
    statusline(project, payload(project, transcript, rate_limits=rate_limits(81, 10, second, first + 99 * HOUR)))
    assert json.loads(hook("Stop", project, transcript_path=str(transcript)))["systemMessage"].startswith("5-hour limit budget reached: 81% used")


def test_an_enforced_budget_blocks_the_next_prompt_and_an_override_goes_through(project, transcript):
    """enforce: true over a window's budget: UserPromptSubmit prints the block decision with how to go on; "budget override …" passes; tool calls and turn ends never block."""
    budget(project, "{seven_day_percent: 50, enforce: true}")
    hook("SessionStart", project, source="startup", transcript_path=str(transcript))
    assert hook("UserPromptSubmit", project, prompt="go", transcript_path=str(transcript)) == b""
    statusline(project, payload(project, transcript, rate_limits=rate_limits(10, 55, time.time() + HOUR, time.time() + 99 * HOUR)))
    said = json.loads(hook("UserPromptSubmit", project, prompt="go on", transcript_path=str(transcript)))
    assert said["decision"] == "block" and said["reason"].startswith("Over budget (claude-session-tracker): Weekly limit 55% used (budget 50%, resets ")
    assert '"budget override"' in said["reason"] and "raise the budget" in said["reason"]
    assert hook("UserPromptSubmit", project, prompt="Budget override: go on", transcript_path=str(transcript)) == b""
    assert hook("PostToolUse", project, tool_name="Bash", tool_input={"command": "ls"}, tool_response={"stdout": "x"}, tool_use_id="t1") == b""
    assert hook("Stop", project, transcript_path=str(transcript)) == b""


def test_a_quota_budget_never_blocks_without_enforce(project, transcript):
    """Over a window's budget without enforce (the default), every prompt goes through and nothing is printed."""
    budget(project, "{five_hour_percent: 10}")
    hook("SessionStart", project, source="startup", transcript_path=str(transcript))
    statusline(project, payload(project, transcript, rate_limits=rate_limits(99, 99, time.time() + HOUR, time.time() + 99 * HOUR)))
    assert hook("UserPromptSubmit", project, prompt="go", transcript_path=str(transcript)) == b""
    assert hook("Stop", project, transcript_path=str(transcript)) == b""


def test_an_enforced_session_budget_in_dollars_blocks_too(project, transcript):
    """enforce with a session budget of $0.50: after a turn costing more, the next prompt is blocked, naming the cost."""
    budget(project, "{session: 0.5, enforce: true}")
    hook("SessionStart", project, source="startup", transcript_path=str(transcript))
    a_turn(project, transcript, "msg_1")
    hook("Stop", project, transcript_path=str(transcript))
    said = json.loads(hook("UserPromptSubmit", project, prompt="more", transcript_path=str(transcript)))
    assert said["decision"] == "block" and "this session has cost $" in said["reason"] and "(budget $0.50)" in said["reason"]


def test_a_budget_warns_from_the_first_turn_on_a_fresh_machine(project, transcript):
    """No prices: in the config and an empty rates cache: the first turn end over budget learns the model's price and warns."""
    cache = Path(os.environ["HOME"]) / ".cache" / "claude-session-tracker" / "prices-cache.json"
    (project / ".claude" / "session-tracking.yaml").write_text("budget: {session: 0.25, warn: true}\n")
    hook("SessionStart", project, source="startup", transcript_path=str(transcript))
    a_turn(project, transcript, "msg_1")
    assert not cache.exists()
    said = json.loads(hook("Stop", project, transcript_path=str(transcript)))["systemMessage"]
    assert said.startswith("Session budget reached: this session has cost $0.54 (budget $0.25")
    assert "claude-sonnet-4-5" in json.loads(cache.read_text())["models"]


def test_spend_is_split_by_session_project_and_model_within_the_window():
    """Responses of two sessions in two projects: those inside the window add up per session, project and model; one before it is left out."""
    usage = {"input_tokens": 10, "output_tokens": 5}
    responses = [(100.0, "/p/a", "s1", "opus", usage), (200.0, "/p/a", "s1", "sonnet", usage), (300.0, "/p/b", "s2", "sonnet", usage),
                 (50.0, "/p/b", "s2", "sonnet", usage)]
    found = limits.spend(responses, start=60.0, end=400.0)
    assert {key: sum(t["requests"] for t in models.values()) for key, models in found["session"].items()} == {"s1": 2, "s2": 1}
    assert {key: sum(t["input_tokens"] for t in models.values()) for key, models in found["project"].items()} == {"/p/a": 20, "/p/b": 10}
    assert {key: models[key]["output_tokens"] for key, models in found["model"].items()} == {"opus": 5, "sonnet": 10}


def test_limits_names_what_used_the_current_window(project, transcript):
    """A recorded turn inside the 5-hour window: `limits --json` gives its session, project and model with the tokens and cost `show` gives;
    after a second turn, what a percent took."""
    hook("SessionStart", project, source="startup", transcript_path=str(transcript))
    a_turn(project, transcript, "msg_1")
    hook("Stop", project, transcript_path=str(transcript))
    resets = time.time() + 4 * HOUR
    statusline(project, payload(project, transcript, rate_limits=rate_limits(30, 12, resets, resets + 100 * HOUR)))
    runtime = ["--runtime-dir", str(project / ".claude" / "runtime")]
    spent = json.loads(cli(*runtime, "limits", "--json").stdout)["current"]["five_hour"]["spend"]
    cost = json.loads(cli(*runtime, "show", SID, "--json").stdout)["usage"]["cost_usd"]
    assert spent["session"] == [{"key": SID, "tokens": 451000, "cost_usd": cost}]
    assert spent["project"] == [{"key": str(project), "tokens": 451000, "cost_usd": cost}]
    assert [row["key"] for row in spent["model"]] == ["claude-sonnet-4-5"]
    assert f"by session  {SID[:30]} 451.0k tok {cost_text(cost)}" in cli(*runtime, "limits").stdout
    statusline(project, payload(project, transcript, rate_limits=rate_limits(31, 12, resets, resets + 100 * HOUR)))
    time.sleep(1)  # the transcript's times are whole seconds: msg_2's must fall after the window's first sample
    a_turn(project, transcript, "msg_2")
    hook("Stop", project, transcript_path=str(transcript))
    statusline(project, payload(project, transcript, rate_limits=rate_limits(41, 12, resets, resets + 100 * HOUR)))
    learned = json.loads(cli(*runtime, "limits", "--json").stdout)["current"]["five_hour"]["tokens_per_percent"]
    assert learned == {"claude-sonnet-4-5": 41000}  # msg_2's 451,000 tokens over the window's rise from its first sample, 30 %, to 41 %
    assert "1% took   claude-sonnet-4-5 41.0k tok" in cli(*runtime, "limits").stdout


def test_the_reset_the_tui_printed_is_read_when_no_sample_names_it():
    """"resets 1:30pm (UTC)" at 14:00 UTC is tomorrow's 13:30; "resets Dec 9, 3pm (Europe/Paris)" is 14:00 UTC that day; other text, nothing."""
    from datetime import datetime, timezone

    from session_management.store.quota import reset_in_message

    now = datetime(2026, 12, 7, 14, 0, tzinfo=timezone.utc).timestamp()
    at = lambda *moment: datetime(*moment, tzinfo=timezone.utc).timestamp()  # noqa: E731
    assert reset_in_message("You've hit your 5-hour limit · resets 1:30pm (UTC)", now) == at(2026, 12, 8, 13, 30)
    assert reset_in_message("You've hit your weekly limit · resets Dec 9, 3pm (Europe/Paris)", now) == at(2026, 12, 9, 14, 0)
    assert reset_in_message("API Error: 429 rate_limit_error", now) is None


def test_a_hit_before_any_sample_keeps_the_reset_from_its_message(project, transcript):
    """A StopFailure at the limit with no sample in the ledger (the status line not installed): the hit's reset is the one its message names."""
    hook("SessionStart", project, source="startup", transcript_path=str(transcript))
    hook("StopFailure", project, transcript_path=str(transcript), error="rate_limit", last_assistant_message="You've hit your 5-hour limit · resets 1:30pm (UTC)")
    [hit] = lines()
    assert hit["hit"] == "five_hour" and time.gmtime(hit["resets_at"])[3:5] == (13, 30) and 0 < hit["resets_at"] - time.time() <= 24 * HOUR


def dashboard(project):
    """The dashboard app over ``project``, through Starlette's test client."""
    from starlette.testclient import TestClient

    from session_management.present.web.app import build_app
    from session_management.present.web.data import Data
    from session_management.present.web.guard import allowed_hosts

    data = Data(lambda: [str(project)], str(project.parent / "index.sqlite"))
    return TestClient(build_app(data, allowed_hosts("127.0.0.1", 8765)), base_url="http://127.0.0.1:8765")


def test_the_dashboard_limits_page_charts_windows_resets_hits_and_the_forecast(project, transcript):
    """/limits: a card for the current 5-hour window with its forecast, its series with the reset mark and the forecast line, a past window hit, the tokens by session."""
    hook("SessionStart", project, source="startup", transcript_path=str(transcript))
    a_turn(project, transcript, "msg_1")
    hook("Stop", project, transcript_path=str(transcript))
    old, resets = time.time() - HOUR, time.time() + 7 * HOUR
    past_samples(old, (3, 90), (2, 100))
    past_samples(resets, (2, 20), (1, 30))
    statusline(project, payload(project, transcript, rate_limits=rate_limits(40, 10, resets, resets + 99 * HOUR)))
    page = dashboard(project).get("/limits").text
    assert '<div class="card"><b>40%</b><span>5-hour · resets ' in page and "(before the reset)" in page
    assert page.count('class="reset"') >= 2 and page.count('class="forecast"') == 1 and page.count('class="hit"') == 1
    assert "tokens by session" in page and SID in page and "Past windows" in page and "hit at " in page


def test_the_dashboard_limits_page_without_rate_limits_shows_blocks(project, transcript):
    """/limits with nothing in the ledger says why and charts the 5-hour blocks of the recorded responses."""
    hook("SessionStart", project, source="startup", transcript_path=str(transcript))
    a_turn(project, transcript, "msg_1")
    hook("Stop", project, transcript_path=str(transcript))
    page = dashboard(project).get("/limits").text
    assert "No rate_limits recorded" in page and 'aria-label="responses per 5-hour block"' in page


def test_refreshes_at_once_with_the_same_figures_record_one_sample(project, transcript):
    """Eight status-line processes started together with the same new figures append one sample between them (the ledger's lock)."""
    statusline(project, payload(project, transcript))  # the project's settings parsed and cached once
    data = payload(project, transcript, rate_limits=rate_limits(55, 21, 2_000_000_000, 2_000_500_000))
    entry = str(REPO / "session_management" / "present" / "statusline_entry.py")
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("CLAUDE")}, "CLAUDE_PROJECT_DIR": str(project)}
    running = [subprocess.Popen([sys.executable, "-I", "-S", entry], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, env=env) for _ in range(8)]
    for process in running:
        process.communicate(data, timeout=60)
    assert [(line["five_hour"]["used"], line["seven_day"]["used"]) for line in lines()] == [(55, 21)]


def test_a_tail_cut_inside_a_line_loads_no_json(project, transcript):
    """The ledger's last 4 KB starting inside a line, at a nested object that looks like JSON: the refresh still imports no `json` and forecasts from the whole lines."""
    resets = int(time.time()) + 12 * HOUR  # 6 %/h from 40 %: 100 % in ten hours
    whole = "".join("\n" + json.dumps({"t": time.time() - (20 - n) * 600, "session": "s", "model": "m", "five_hour": {"used": 20 + n, "resets_at": resets}},
                                      separators=(",", ":")) for n in range(20))
    fragment = '{"used":1,"resets_at":2000000000}}'
    padding = 4096 - len(fragment) - len(whole)
    assert padding > 0
    ledger().parent.mkdir(parents=True, exist_ok=True)
    ledger().write_text('{"t":1,"session":"' + "x" * 50 + '","model":"m","five_hour":' + fragment + whole.replace('"session":"s"', '"session":"' + "s" * (1 + padding) + '"', 1))
    assert ledger().read_bytes()[-4096:].startswith(fragment.encode())
    statusline(project, payload(project, transcript))  # the project's settings parsed and cached once
    imported = imports_of_a_refresh(project, transcript, rate_limits=rate_limits(40, 10, resets, resets + 99 * HOUR))
    assert "session_management.store.quota" in imported and not imported & {"json", "re", "enum"}
    assert "5h 40% → 100% at " in statusline(project, payload(project, transcript, rate_limits=rate_limits(40, 10, resets, resets + 99 * HOUR)))


def test_what_a_percent_cost_is_learned_from_the_samples():
    """From 20 % to 30 % between two samples, 50k opus and 10k haiku tokens: a percent took 5k of opus and 1k of haiku; outside the samples nothing counts."""
    usage = lambda count: {"input_tokens": count, "output_tokens": 0}  # noqa: E731
    responses = [(50.0, "/p", "s", "opus", usage(50_000)), (60.0, "/p", "s", "haiku", usage(10_000)), (5.0, "/p", "s", "opus", usage(999))]
    assert limits.tokens_per_percent((10.0, 20), (100.0, 30), responses) == {"opus": 5000, "haiku": 1000}
    assert limits.tokens_per_percent((10.0, 30), (100.0, 30), responses) == {}


def test_limits_on_a_fresh_machine_says_so_in_one_line(tmp_path):
    """Nothing recorded anywhere: `limits` says so in one line on stderr and exits 1; `--json` prints the empty result and exits 0."""
    done = subprocess.run([sys.executable, "-m", "session_management", "limits"], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert (done.returncode, done.stdout) == (1, "") and done.stderr.startswith("nothing to show yet: no rate_limits recorded") and len(done.stderr.splitlines()) == 1
    assert json.loads(cli("limits", "--json").stdout) == {"seen": False, "current": {}, "past": [], "blocks": []}
