"""A live session's dashboard page in a real Chromium (Playwright, Debian's chromium), served by a real
uvicorn over a session recorded by the real hook script: every part of the page follows new events
without a reload, and the usage charts are ticked at round numbers."""

import json
import math
import os
import re
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from dashboard_home import Server, hook_event
from test_dashboard_browser import FLAGS, Watched
from test_report_browser import chromium, decode_png  # noqa: F401 - chromium is a fixture
from session_management.present.demo import replay as demo_replay
from session_management.present.web.charts import axis_ticks, count_tick, money_tick
from session_management.present.web.data import project_key

LIVE_ID = "f00d0001-0000-0000-0000-000000000001"


def assistant_line(number: int, text: str) -> str:
    """One transcript line as Claude Code writes it: a response of claude-opus-5-5 with its tokens."""
    return json.dumps({
        "type": "assistant", "uuid": f"u-{number}", "requestId": f"req_live{number}", "sessionId": LIVE_ID,
        "timestamp": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
        "message": {"id": f"msg_live{number}", "type": "message", "role": "assistant", "model": "claude-opus-5-5",
                    "content": [{"type": "text", "text": text}], "stop_reason": "end_turn",
                    "usage": {"input_tokens": 1200, "output_tokens": 300, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}},
    }) + "\n"


@pytest.fixture
def live(tmp_path, chromium):  # noqa: F811 - the fixture imported above
    """A project with one live session (a prompt, nothing else yet), the demo session beside it, a
    server over both and a watched page; after the test the page logged no error and opened no dialog."""
    project = tmp_path / "live-project"
    project.mkdir()
    transcript = project / "transcript.jsonl"
    transcript.write_text("")
    hook_event(project, "SessionStart", LIVE_ID, source="startup", transcript_path=str(transcript))
    hook_event(project, "UserPromptSubmit", LIVE_ID, prompt="tidy the build script", transcript_path=str(transcript))
    demo = tmp_path / "demo-project"
    demo.mkdir()
    demo_replay(demo, "f00d0002-0000-0000-0000-000000000002")
    with Server([project, demo], tmp_path / "index.sqlite") as server, sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium, args=FLAGS)
        watched = Watched(browser)
        yield {"project": project, "transcript": transcript, "server": server, "page": watched.page}
        browser.close()
    assert watched.errors == [] and watched.dialogs == []


def test_every_part_of_a_live_session_page_follows_its_events(live):
    """A tool call, a response with tokens and a turn end sent through the hooks redraw the chart,
    the decisions, the cards, the tokens-and-cost table and the tools table, with no reload; a kind
    hidden in the legend stays hidden."""
    page, project = live["page"], live["project"]
    page.goto(f"{live['server'].url}/session/{project_key(str(project))}/{LIVE_ID}")
    page.evaluate("window.loadedOnce = true")
    chart = page.locator("#timeline svg[aria-label=timeline]")
    assert chart.locator("[data-kind=tool]").count() == 0 and chart.locator("[data-kind=decision]").count() == 0
    assert page.locator("#tools").inner_text().endswith("No tool calls.") and page.locator("#usage").inner_text() == ""
    page.locator('.legend input[value="prompt"]').uncheck()
    time.sleep(0.5)  # let the stream connect

    hook_event(project, "PostToolUse", LIVE_ID, tool_name="Bash", tool_input={"command": "make build"},
               tool_response={"stdout": "ok"}, tool_use_id="toolu_live1", duration_ms=1500)
    expect(chart.locator("rect[data-kind=tool]")).to_have_count(1, timeout=10_000)  # the chart follows
    expect(page.locator("#tools tr", has_text="Bash")).to_have_count(1)
    assert page.locator('.legend input[value="prompt"]').is_checked() is False
    assert chart.locator("[data-kind=prompt]").first.get_attribute("class") == "hidden"

    with live["transcript"].open("a") as handle:
        handle.write(assistant_line(1, "The build script is tidy now."))
    hook_event(project, "Stop", LIVE_ID, last_assistant_message="The build script is tidy now.", transcript_path=str(live["transcript"]))
    decision = page.locator("#events details[data-kind=decision]")
    expect(decision).to_have_count(1, timeout=10_000)  # the decisions list follows
    assert "archive session" in decision.inner_text()
    expect(chart.locator("[data-kind=decision]")).to_have_count(1)
    expect(page.locator("#cards .card", has_text="decisions").locator("b")).to_have_text("1")
    expect(page.locator("#usage")).to_contain_text("claude-opus-5-5")  # tokens and cost per model
    expect(page.locator("#cards .card", has_text="tokens").locator("b")).to_have_text("1.5k")
    assert page.locator("#event-count").inner_text() == str(page.locator("#events details").count())
    assert page.evaluate("window.loadedOnce") is True  # the same page: no reload


def tick_value(text: str) -> float:
    number = float(re.sub(r"[$,kM]", "", text))
    return number * (1000 if text.endswith("k") else 1_000_000 if text.endswith("M") else 1)


def test_usage_chart_ticks_are_round_numbers(live):
    """The cost and token columns are ticked from 0 in equal round steps (1, 2 or 5 × 10^k), written as a person would."""
    page = live["page"]
    page.goto(f"{live['server'].url}/usage")
    charts = {"cost per day": r"\$\d+(\.\d{2,})?", "tokens per day": r"\d+(\.\d+)?[kM]?"}
    for label, shape in charts.items():
        ticks = page.locator(f'svg[aria-label="{label}"] text.tick').all_text_contents()
        assert len(ticks) >= 3, (label, ticks)
        assert all(re.fullmatch(shape, tick) for tick in ticks), (label, ticks)
        values = [tick_value(tick) for tick in ticks]
        step = values[1] - values[0]
        assert values[0] == 0 and all(abs(b - a - step) < step * 1e-6 for a, b in zip(values, values[1:])), (label, ticks)
        mantissa = step / 10 ** math.floor(math.log10(step))
        assert round(mantissa, 6) in (1, 2, 5), (label, ticks)
        tallest = max(float(r.get_attribute("height")) for r in page.locator(f'svg[aria-label="{label}"] rect').all())
        assert tallest <= 240 - 40 - 14 + 0.1  # no column above the top tick


@pytest.mark.parametrize("peak, shown", [
    (0.0872, ["$0.00", "$0.02", "$0.04", "$0.06", "$0.08", "$0.10"]),
    (0.0581, ["$0.00", "$0.01", "$0.02", "$0.03", "$0.04", "$0.05", "$0.06"]),
    (1.3, ["$0.00", "$0.50", "$1.00", "$1.50"]),
    (17.2, ["$0", "$5", "$10", "$15", "$20"]),
])
def test_money_ticks_read_as_a_person_would_write_them(peak, shown):
    """The issue's $0.0872 peak is ticked $0.00, $0.02 … $0.10; larger amounts in round dollars."""
    ticks = axis_ticks(peak)
    assert [money_tick(value, ticks[1]) for value in ticks] == shown


def test_count_ticks_are_whole_round_numbers():
    """Token axes step by 10k, 50k, 500k …, never by a fraction of a token."""
    assert [count_tick(v, 0) for v in axis_ticks(48_000, whole=True)] == ["0", "10k", "20k", "30k", "40k", "50k"]
    assert [count_tick(v, 0) for v in axis_ticks(1_234_567, whole=True)] == ["0", "500k", "1M", "1.5M"]
    assert axis_ticks(3, whole=True) == [0, 1, 2, 3]


SHOTS = {"sessions": "/", "session": None, "search": "/search?q=test*", "usage": "/usage"}


def test_readme_screenshots_show_a_plain_project(tmp_path, chromium):  # noqa: F811 - the fixture imported above
    """The screenshots in README.md and docs/dashboard.md are of a demo-like user's projects, ~/projects/shop-api (the demo
    session and a live one) and ~/projects/docs-site: each page names them, never a temporary folder.
    DASHBOARD_SHOTS_DIR keeps the images; DASHBOARD_SHOTS_HOME puts the projects under that home
    (those were made in a private mount namespace with a tmpfs on /home:
    unshare -m sh -c 'mount -t tmpfs none /home && DASHBOARD_SHOTS_HOME=/home/user DASHBOARD_SHOTS_DIR=docs pytest -k readme_screenshots tests/test_dashboard_live.py')."""
    user = Path(os.environ.get("DASHBOARD_SHOTS_HOME") or tmp_path / "user")
    shop, docs = user / "projects" / "shop-api", user / "projects" / "docs-site"
    for project in (shop, docs):
        project.mkdir(parents=True)
    demo_replay(shop, "5a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d")
    demo_replay(docs, "d0c5d0c5-1111-4222-8333-944455556666")
    transcript = shop / "transcript.jsonl"
    transcript.write_text("")
    live_id = "1ce1ce1c-2222-4333-8444-955566667777"
    hook_event(shop, "SessionStart", live_id, source="startup", transcript_path=str(transcript))
    hook_event(shop, "UserPromptSubmit", live_id, prompt="Add pagination to the orders endpoint", transcript_path=str(transcript))
    hook_event(shop, "PostToolUse", live_id, tool_name="Read", tool_input={"file_path": str(shop / "api" / "orders.py")},
               tool_response={"file": "…"}, tool_use_id="toolu_shot1", duration_ms=4)
    keep = os.environ.get("DASHBOARD_SHOTS_DIR")
    SHOTS["session"] = f"/session/{project_key(str(shop))}/5a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d"
    with Server([shop, docs], tmp_path / "index.sqlite") as server, sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium, args=FLAGS)
        watched = Watched(browser)
        page = watched.page
        for name, path in SHOTS.items():
            page.goto(server.url + path)
            html = page.content()
            assert "claude-sessions-demo" not in html and "shop-api" in html, name
            assert name != "session" or f"{shop} · " in page.locator("header").inner_text()  # the project, by its path
            if keep:
                assert str(tmp_path) not in html and "pytest-of" not in html, name
            shot = Path(keep or tmp_path) / f"dashboard-{name}.png"
            page.screenshot(path=str(shot))
            width, height, rows = decode_png(shot.read_bytes())
            assert len({pixel for row in rows[::4] for pixel in row[::4]}) > 20, name  # not blank
        browser.close()
    assert watched.errors == [] and watched.dialogs == []
