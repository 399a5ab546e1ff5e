"""The dashboard's /limits page in a real headless Chromium (Playwright, Debian's chromium), served by a real
uvicorn over a project the real hooks recorded and a quota ledger the real status line kept."""

import json
import time

from dashboard_home import Server
from test_dashboard_browser import browser, watched  # noqa: F401 - fixtures
from test_quota import HOUR, past_samples, rate_limits
from test_report_browser import chromium  # noqa: F401 - fixture
from test_statusline import SID, USAGE, hook, payload, project, statusline, transcript  # noqa: F401 - fixtures

HOSTILE_MODEL = "<img src=x onerror=alert('m')>"


def hostile_answer(message_id: str) -> str:
    """A response whose model name is markup (a transcript is attacker-controlled text)."""
    return json.dumps({"type": "assistant", "requestId": f"req_{message_id}", "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
                       "message": {"id": message_id, "model": HOSTILE_MODEL, "content": [{"type": "text", "text": "done"}],
                                   "stop_reason": "end_turn", "usage": USAGE}}) + "\n"


def test_the_limits_page_shows_windows_forecast_past_windows_and_escapes_recorded_text(project, transcript, tmp_path, watched):  # noqa: F811
    """/limits in a browser: the current 5-hour and weekly cards with the forecast, the 5-hour chart with its reset marks,
    the forecast line and a past window's hit, the past-windows table, and a response's model name shown as text, not markup."""
    hook("SessionStart", project, source="startup", transcript_path=str(transcript))
    hook("UserPromptSubmit", project, prompt="go", transcript_path=str(transcript))
    transcript.write_text(hostile_answer("msg_1"))
    hook("Stop", project, transcript_path=str(transcript))
    old, resets = time.time() - HOUR, time.time() + 7 * HOUR
    past_samples(old, (3, 90), (2, 100))  # a window that reset an hour ago, at 100 % before that
    past_samples(resets, (2, 20), (1, 30))
    statusline(project, payload(project, transcript, rate_limits=rate_limits(40, 10, resets, resets + 99 * HOUR)))  # 10 %/h: 100 % in 6 h, before the reset
    with Server([project], tmp_path / "index.sqlite") as server:
        page = watched.page
        page.goto(server.url + "/limits")
        cards = page.locator(".card").all_inner_texts()
        assert any(card.startswith("40%") and "5-hour · resets" in card and "10.0%/h" in card and "(before the reset)" in card for card in cards), cards
        assert any(card.startswith("10%") and "Weekly · resets" in card for card in cards), cards
        chart = page.locator('svg[aria-label="5-hour used"]')
        assert chart.is_visible() and chart.locator("polyline").count() == 2
        assert chart.locator("line.reset").count() == 2 and chart.locator("line.forecast").count() == 1 and chart.locator("circle.hit").count() == 1
        assert page.locator('svg[aria-label="Weekly used"] polyline').count() == 1
        past = page.locator("table tr", has_text="5-hour").all_inner_texts()
        assert len(past) == 1 and "100%" in past[0] and "hit at " in past[0], past
        by_model = page.locator('svg[aria-label="tokens by model"]').first
        assert HOSTILE_MODEL in by_model.text_content() and page.locator("img[src=x]").count() == 0
        assert SID in page.locator('svg[aria-label="tokens by session"]').first.text_content()
