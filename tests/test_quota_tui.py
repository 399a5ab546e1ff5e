"""The quota ledger from the real Claude Code TUI (2.1.332; 2.1.197 too for the samples) made a subscriber, in tmux, against the
fake API sending the `anthropic-ratelimit-unified-*` headers."""

import json
import shutil
import subprocess
import sys
import time

import pytest

from claude_cli import CLAUDE_CODE_OLD_VERSION, CLAUDE_CODE_VERSION, ClaudeProject, claude_binary
from conftest import REPO
from fake_api import FakeAnthropic, failure, text, unified_limits
from test_statusline_tui import Tmux, status_row

pytestmark = pytest.mark.e2e


def subscriber_tui(tmp_path, project: ClaudeProject, name: str, subscriber: bool = True) -> Tmux:
    """The TUI in ``project`` logged in as a Max subscriber (an OAuth token, no API key; else with the
    project's API key), our status line installed."""
    done = subprocess.run([sys.executable, "-m", "session_management", "install", str(project.dir), "--statusline", "--claude", str(project.binary)],
                          capture_output=True, text=True, cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stderr
    (project.home / ".claude").mkdir(exist_ok=True)
    (project.home / ".claude" / "settings.json").write_text(json.dumps({"tui": "default"}))  # no fullscreen-renderer dialog
    env = project.env()
    if subscriber:
        del env["ANTHROPIC_API_KEY"]
        env.update(CLAUDE_CODE_OAUTH_TOKEN="sk-ant-oat01-fake-not-secret", CLAUDE_CODE_SUBSCRIPTION_TYPE="max")
    script = tmp_path / "claude.sh"
    exports = "".join(f"export {key}={json.dumps(value)}\n" for key, value in env.items() if key.isidentifier())
    script.write_text(f"{exports}cd {json.dumps(str(project.dir))}\nexec {json.dumps(str(project.binary))}\n")
    return Tmux(f"{name}-{tmp_path.name}", f"bash {script}")


def ledger_lines(project: ClaudeProject) -> list:
    path = project.home / ".local" / "share" / "claude-session-tracker" / "quota" / "ledger.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines() if line] if path.exists() else []


def wait(predicate, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.3)
    raise AssertionError(f"not within {timeout} s")


def first_turn(tui: Tmux, project: ClaudeProject) -> None:
    """Wait for the TUI, send "first", wait for its answer and its sample in the ledger."""
    tui.wait_for(lambda screen: "today $" in screen)
    tui.type("first")
    tui.wait_for(lambda screen: "First answer" in screen)
    wait(lambda: len(ledger_lines(project)) >= 1)


@pytest.mark.parametrize("version", [CLAUDE_CODE_VERSION, CLAUDE_CODE_OLD_VERSION])
def test_the_ledger_holds_each_turns_figures_once(tmp_path, version):
    """Two turns whose responses carry 10 %/5 % then 20 %/6 %: the ledger holds those two samples, once each, with
    the resets the API sent; the line under the prompt shows the second; `limits` reads them."""
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    five_resets, seven_resets = int(time.time()) + 3 * 3600, int(time.time()) + 100 * 3600
    figures = {0: (0.10, 0.05), 1: (0.10, 0.05), 2: (0.20, 0.06)}  # by turn requests so far: the start-up probe, turn 1, turn 2

    def limits(turns: int) -> dict:
        return unified_limits(*figures[min(turns, 2)], five_resets, seven_resets)

    with FakeAnthropic([text("First answer"), text("Second answer")], limits=limits) as api:
        project = ClaudeProject(tmp_path, claude_binary(version), api.url)
        tui = subscriber_tui(tmp_path, project, "quota")
        try:
            first_turn(tui, project)
            tui.type("second")
            screen = tui.wait_for(lambda screen: "Second answer" in screen and "5h 20%" in status_row(screen))
            wait(lambda: len(ledger_lines(project)) >= 2)
            time.sleep(2)  # the refreshes after the Stop hook, if any
        finally:
            tui.close()
    samples = ledger_lines(project)
    assert [(s["five_hour"]["used"], s["seven_day"]["used"]) for s in samples] == [(10, 5), (20, 6)], samples
    assert {(s["five_hour"]["resets_at"], s["seven_day"]["resets_at"]) for s in samples} == {(five_resets, seven_resets)}
    assert "5h 20% 7d 6%" in status_row(screen)
    done = subprocess.run([sys.executable, "-m", "session_management", "limits", "--json"], capture_output=True, text=True, cwd=REPO, env=project.env(), timeout=60)
    report = json.loads(done.stdout)
    assert report["current"]["five_hour"]["used"] == 20 and report["current"]["five_hour"]["samples"] == 2


@pytest.mark.parametrize("version", [CLAUDE_CODE_VERSION, CLAUDE_CODE_OLD_VERSION])
def test_limits_forecasts_from_the_series_the_tui_recorded(tmp_path, version):
    """Three turns half a minute apart whose responses carry 10/20/30 % of the 5-hour window and 5/6/7 % of the week: the ledger
    holds each once, `limits --json` gives the pace and the forecast those samples imply (before both resets), and the line
    under the prompt says when each window reaches 100 %."""
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    five_resets, seven_resets = int(time.time()) + 3 * 3600, int(time.time()) + 100 * 3600

    def limits(turns: int) -> dict:
        turn = min(max(turns, 1), 3)
        return unified_limits(turn / 10, (4 + turn) / 100, five_resets, seven_resets)

    with FakeAnthropic([text("First answer"), text("Second answer"), text("Third answer")], limits=limits) as api:
        project = ClaudeProject(tmp_path, claude_binary(version), api.url)
        tui = subscriber_tui(tmp_path, project, "quota-series")
        try:
            first_turn(tui, project)
            started = ledger_lines(project)[0]["t"]
            for turn, (prompt, answer) in enumerate((("second", "Second answer"), ("third", "Third answer")), start=1):
                time.sleep(max(0.0, started + 33 * turn - time.time()))  # the pace needs samples a minute apart or more
                tui.type(prompt)
                tui.wait_for(lambda screen: answer in screen)
                wait(lambda: len(ledger_lines(project)) >= turn + 1)
            screen = tui.wait_for(lambda screen: "5h 30% → 100% at" in status_row(screen))
            time.sleep(1)  # the refreshes after the Stop hook, if any
        finally:
            tui.close()
    samples = ledger_lines(project)
    assert [(s["five_hour"]["used"], s["seven_day"]["used"]) for s in samples] == [(10, 5), (20, 6), (30, 7)], samples
    done = subprocess.run([sys.executable, "-m", "session_management", "limits", "--json"], capture_output=True, text=True, cwd=REPO, env=project.env(), timeout=60)
    current = json.loads(done.stdout)["current"]
    first, last = samples[0], samples[-1]
    for name, resets in (("five_hour", five_resets), ("seven_day", seven_resets)):
        pace = (last[name]["used"] - first[name]["used"]) / (last["t"] - first["t"]) * 3600  # steady: the same rise at every step
        reach = last["t"] + (100 - last[name]["used"]) / pace * 3600
        window = current[name]
        assert (window["used"], window["resets_at"], window["samples"], window["at"]) == (last[name]["used"], resets, 3, last["t"])
        assert window["pace_per_hour"] == pytest.approx(pace) and window["forecast"]["at"] == pytest.approx(reach)
        assert window["forecast"]["before_reset"] and reach < resets
        label = "5h" if name == "five_hour" else "7d"
        said = status_row(screen).partition(f"{label} {last[name]['used']:g}% → 100% at ")[2][:5]
        assert said in {time.strftime("%H:%M", time.localtime(reach + shift)) for shift in (-60, 0, 60)}, status_row(screen)


@pytest.mark.parametrize("version", [CLAUDE_CODE_VERSION, CLAUDE_CODE_OLD_VERSION])
def test_a_429_at_the_limit_is_a_recorded_hit(tmp_path, version):
    """The second turn meets a 429 with `rejected` and the 5-hour window at 100 %: the ledger holds a hit in that window
    with the message the TUI showed ("5-hour limit"; 2.1.197: "session limit"), and `limits` calls the window hit. 2.1.332
    runs the status line again with the 100 %, so that sample is there too; 2.1.197 does not, and the hit alone marks it."""
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    five_resets, seven_resets = int(time.time()) + 3 * 3600, int(time.time()) + 100 * 3600

    def limits(turns: int) -> dict:
        return unified_limits(0.5, 0.2, five_resets, seven_resets) if turns < 2 else unified_limits(1.0, 0.2, five_resets, seven_resets, "rejected")

    with FakeAnthropic([text("First answer")] + [failure(429, "rate_limit_error")] * 10, limits=limits) as api:
        project = ClaudeProject(tmp_path, claude_binary(version), api.url)
        tui = subscriber_tui(tmp_path, project, "quota-429")
        try:
            first_turn(tui, project)
            tui.type("second")
            tui.wait_for(lambda screen: "limit" in screen.split("second", 1)[-1], timeout=90)
            wait(lambda: any("hit" in line for line in ledger_lines(project)))
            if version == CLAUDE_CODE_VERSION:  # its status line's run with the 100 % may come after the StopFailure hook
                wait(lambda: any(entry.get("five_hour", {}).get("used") == 100 for entry in ledger_lines(project)))
        finally:
            tui.close()
    entries = ledger_lines(project)
    [hit] = [entry for entry in entries if "hit" in entry]
    said = "5-hour limit" if version == CLAUDE_CODE_VERSION else "session limit"
    assert (hit["hit"], hit["resets_at"]) == ("five_hour", five_resets) and said in hit["message"], hit
    assert [entry["five_hour"]["used"] for entry in entries if "five_hour" in entry] == ([50, 100] if version == CLAUDE_CODE_VERSION else [50])
    done = subprocess.run([sys.executable, "-m", "session_management", "limits", "--json"], capture_output=True, text=True, cwd=REPO, env=project.env(), timeout=60)
    window = json.loads(done.stdout)["current"]["five_hour"]
    assert window["hit"] and window["hit_at"] == hit["t"]


@pytest.mark.parametrize("version", [CLAUDE_CODE_VERSION, CLAUDE_CODE_OLD_VERSION])
def test_an_enforced_budget_blocks_the_next_prompt_in_the_tui_and_an_override_goes_through(tmp_path, version):
    """five_hour_percent 15 with enforce: after a turn at 20 % the next prompt is blocked (no request made), the reason
    on screen; "budget override …" then gets its answer. Both releases show the reason in full; 2.1.332 also flashes it,
    cut, beside the status line, and puts the blocked prompt back in the input box, where 2.1.197 leaves the box empty."""
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    five_resets, seven_resets = int(time.time()) + 3 * 3600, int(time.time()) + 100 * 3600
    with FakeAnthropic([text("First answer"), text("Overridden answer")], limits=lambda turns: unified_limits(0.2, 0.05, five_resets, seven_resets)) as api:
        project = ClaudeProject(tmp_path, claude_binary(version), api.url)
        (project.dir / ".claude" / "session-tracking.yaml").write_text("budget: {five_hour_percent: 15, enforce: true}\n")
        tui = subscriber_tui(tmp_path, project, "quota-enforce")
        try:
            first_turn(tui, project)
            tui.type("second")
            blocked = tui.wait_for(lambda screen: "(budget 15%" in " ".join(screen.split()))
            requests = api.turn_requests
            subprocess.run([*tui.base, "send-keys", "-t", "main", "C-u"], check=True)  # 2.1.332 puts the blocked prompt back in the box
            tui.wait_for(lambda screen: "❯ second" not in screen.split("Original prompt: second")[-1])
            tui.type("budget override: third")
            tui.wait_for(lambda screen: "Overridden answer" in screen)
        finally:
            tui.close()
    assert "Over budget (claude-session-tracker): 5-hour limit 20% used (budget 15%" in " ".join(blocked.split())
    assert requests == 1


@pytest.mark.parametrize("version", [CLAUDE_CODE_VERSION, CLAUDE_CODE_OLD_VERSION])
def test_with_an_api_key_nothing_is_recorded_and_limits_shows_blocks(tmp_path, version):
    """An API-key login (the fake sends the headers all the same): no rate_limits, no ledger; `limits` says so and shows the turn's block."""
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    resets = int(time.time()) + 3 * 3600
    with FakeAnthropic([text("First answer")], limits=lambda turns: unified_limits(0.3, 0.1, resets, resets + 99 * 3600)) as api:
        project = ClaudeProject(tmp_path, claude_binary(version), api.url)
        trust = json.loads((project.home / ".claude.json").read_text())
        trust["customApiKeyResponses"] = {"approved": [project.env()["ANTHROPIC_API_KEY"][-20:]], "rejected": []}
        (project.home / ".claude.json").write_text(json.dumps(trust))
        tui = subscriber_tui(tmp_path, project, "quota-key", subscriber=False)
        try:
            tui.wait_for(lambda screen: "today $" in screen)
            tui.type("first")
            screen = tui.wait_for(lambda screen: "First answer" in screen and "session " in status_row(screen))
            wait(lambda: (project.runtime / "tallies").is_dir())  # the Stop hook ran
            time.sleep(1)
        finally:
            tui.close()
    assert "5h" not in status_row(screen) and ledger_lines(project) == []
    done = subprocess.run([sys.executable, "-m", "session_management", "limits"], capture_output=True, text=True, cwd=REPO, env=project.env(), timeout=120)
    assert done.stdout.startswith("no rate_limits recorded") and "responses  (now)" in done.stdout, done.stdout + done.stderr
