"""The dashboard in a real headless Chromium (Playwright driving Debian's chromium, no browser
download), served by a real uvicorn on 127.0.0.1 over sessions recorded by the real hooks."""

import re
import time
from collections import Counter

import pytest
from playwright.sync_api import expect, sync_playwright  # the test extra: never skipped for lack of it

from dashboard_home import LIVE_ID, LONG_ID, XSS_ID, Server, build_home, hook_event
from test_report_browser import chromium, decode_png  # noqa: F401 - chromium is a fixture
from session_management.present.web.data import project_key

FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return build_home(tmp_path_factory.mktemp("dashboard-browser"))


@pytest.fixture(scope="module")
def server(home):
    with Server([home["alpha"], home["beta"]], home["root"] / "index.sqlite") as running:
        yield running


@pytest.fixture(scope="module")
def browser(chromium):  # noqa: F811 - the fixture imported above
    with sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=chromium, args=FLAGS)
        yield launched
        launched.close()


class Watched:
    """A page whose console errors, script errors, dialogs and requests are all kept."""

    def __init__(self, browser):
        self.page = browser.new_page(viewport={"width": 1100, "height": 760})
        self.errors, self.dialogs, self.requests = [], [], []
        self.page.on("console", lambda message: self.errors.append(message.text) if message.type == "error" else None)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        self.page.on("request", lambda request: self.requests.append(request.url))


@pytest.fixture
def watched(browser):
    """A fresh page; after the test it must have logged no error and opened no dialog."""
    found = Watched(browser)
    yield found
    found.page.close()
    assert found.errors == [] and found.dialogs == []


def session_url(server, project, session_id) -> str:
    return f"{server.url}/session/{project_key(str(project))}/{session_id}"


def test_sessions_page_lists_both_projects_and_opens_one(server, home, watched):
    """The sessions table shows the sessions of both projects; clicking one opens its timeline."""
    page = watched.page
    page.goto(server.url + "/")
    rows = page.locator("#rows tr")
    assert rows.count() == 5
    projects = {text.strip() for text in page.locator("#rows tr td:first-child").all_inner_texts()}
    assert projects == {home["alpha"].name, "beta"}
    page.locator(f'a[title="{home["demo_id"]}"]').click()
    page.wait_for_url(re.compile(r"/session/"))
    assert page.locator("#events details").count() >= 19
    assert page.locator("#events summary", has_text="Find the failing test and fix it").first.is_visible()
    assert page.locator("svg[aria-label=timeline] rect").count() > 0


def test_timeline_details_and_legend_work(server, home, watched):
    """An event opens to its recorded details, and the report's legend hides a kind (its script reused)."""
    page = watched.page
    page.goto(session_url(server, home["alpha"], home["demo_id"]))
    failure = page.locator('#events details[data-kind="failure"]').first
    failure.locator("summary").click()
    assert "2 tests failed" in failure.locator("pre").inner_text()
    page.locator('.legend input[value="tool"]').uncheck()
    assert page.locator('#events details[data-kind="tool"]').first.is_hidden()


def test_new_event_appears_live_without_reload(server, home, watched, record_property):
    """An event sent through the real hook script shows on the open session page, and the sessions
    list's row of that session updates, with no reload; the delay is recorded."""
    page = watched.page
    page.goto(session_url(server, home["beta"], LIVE_ID))
    page.evaluate("window.loadedOnce = true")
    tool_calls = page.locator("#cards .card", has_text="tool calls").locator("b")
    calls_before = int(tool_calls.inner_text())
    marker = "echo live-marker-7f3a"
    time.sleep(0.5)  # let the stream connect
    hook_event(home["beta"], "PostToolUse", LIVE_ID, tool_name="Bash", tool_input={"command": marker}, tool_response={"stdout": "ok"}, tool_use_id="toolu_live1", duration_ms=3)
    recorded = time.monotonic()
    page.locator("#events summary", has_text=marker).wait_for(timeout=10_000)
    delay = time.monotonic() - recorded
    record_property("live_event_delay_ms", round(delay * 1000))
    print(f"\nlive event delay: {delay * 1000:.0f} ms (hook exited -> visible in the page)")
    expect(tool_calls).to_have_text(str(calls_before + 1))  # the cards follow too
    assert page.evaluate("window.loadedOnce") is True  # the same page: no reload

    page.goto(server.url + "/?status=active")
    row = page.locator(f'#rows tr:has(a[title="{LIVE_ID}"])')
    prompts_before = int(row.locator("td").nth(6).inner_text())
    hook_event(home["beta"], "UserPromptSubmit", LIVE_ID, prompt="one more prompt")
    expect(row.locator("td").nth(6)).to_have_text(str(prompts_before + 1), timeout=10_000)


def test_search_and_follow_a_hit(server, home, watched):
    """Searching finds the failing command; its hit opens the session at that event."""
    page = watched.page
    page.goto(server.url + "/search")
    page.fill("input[name=q]", "failed")
    page.press("input[name=q]", "Enter")
    page.wait_for_url(re.compile(r"q=failed"))
    hits = page.locator("ol.hits li a")
    assert hits.count() >= 1
    assert page.locator("ol.hits mark").first.inner_text().lower() == "failed"
    hits.first.click()
    page.wait_for_url(re.compile(r"#e\d+$"))
    anchor = page.url.rsplit("#", 1)[1]
    target = page.locator(f"#{anchor}")
    assert target.count() == 1 and target.is_visible()
    assert "failed" in target.inner_text()


def test_usage_page_draws_svg_charts(server, watched):
    """The usage page draws its five charts as SVG with bars of real size, the demo's two models named."""
    page = watched.page
    page.goto(server.url + "/usage")
    charts = page.locator("svg.chart")
    assert charts.count() == 5
    for n in range(5):
        box = charts.nth(n).locator("rect").first.bounding_box()
        assert box and box["width"] > 0 and box["height"] > 0
    text = page.locator("main").inner_text()
    assert "claude-opus" in text and "claude-haiku" in text


def test_script_payloads_run_nothing(server, home, watched):
    """A prompt, a tool output and an answer holding <script> and onerror= payloads show as text and run nothing."""
    page = watched.page
    page.goto(session_url(server, home["beta"], XSS_ID))
    for details in page.locator("#events details").all():
        details.locator("summary").click()
    assert page.locator("#events summary", has_text="<script>alert('prompt')</script>").first.is_visible()
    assert "onerror=alert(document.cookie)" in page.locator("#events").inner_text()
    page.goto(server.url + "/search?q=fetched")
    assert "<script>alert('output')</script>" in page.locator("ol.hits").inner_text()
    page.goto(server.url + "/")
    page.wait_for_timeout(300)
    assert page.locator("img").count() == 0 and page.evaluate("document.scripts.length") == 1
    # watched asserts no dialog opened and no console error at teardown


def test_no_request_leaves_the_machine(server, home, watched):
    """Every request any page makes (styles, script, icon, live streams, fetches) goes to the server on 127.0.0.1."""
    page = watched.page
    for path in ("/", f"/session/{project_key(str(home['alpha']))}/{home['demo_id']}", "/search?q=tests", "/usage"):
        page.goto(server.url + path)
        page.wait_for_timeout(200)
    assert len(watched.requests) >= 12
    assert [url for url in watched.requests if not url.startswith(server.url + "/")] == []


def test_long_session_page_renders_paginated(server, home, watched, record_property):
    """A 5,000-event session opens on its newest 200 events and pages back to the first; load times recorded."""
    page = watched.page
    started = time.monotonic()
    page.goto(session_url(server, home["beta"], LONG_ID))
    loaded = time.monotonic() - started
    assert page.locator("#events details").count() == 200
    assert page.locator("#event-count").inner_text().startswith("50")
    assert page.locator("#events summary", has_text="step 4999").last.is_visible()
    record_property("long_session_load_ms", round(loaded * 1000))
    print(f"\n5,000-event session page: {loaded * 1000:.0f} ms to load (200 events shown)")
    page.locator("p.pager a", has_text="older").first.click()
    page.wait_for_url(re.compile(r"page=\d+"))
    assert page.locator("#events details").count() == 200


def test_screenshots_are_not_blank(server, home, watched, tmp_path):
    """A screenshot of each page shows the dark header and coloured content: none is blank. (The
    README's images come from test_dashboard_live.py::test_readme_screenshots_show_a_plain_project.)"""
    page = watched.page
    pages = {
        "sessions": "/",
        "session": f"/session/{project_key(str(home['alpha']))}/{home['demo_id']}",
        "search": "/search?q=test*",
        "usage": "/usage",
    }
    for name, path in pages.items():
        page.goto(server.url + path)
        shot = tmp_path / f"dashboard-{name}.png"
        page.screenshot(path=str(shot))
        width, height, rows = decode_png(shot.read_bytes())
        pixels = [pixel for row in rows[::4] for pixel in row[::4]]
        colours = set(pixels)
        background = Counter(pixels).most_common(1)[0][0]
        assert len(colours) > 20, name
        assert sum(1 for pixel in pixels if pixel != background) > len(pixels) * 0.05, name
        assert (15, 23, 42) in colours, f"{name}: the header (#0f172a) is missing"
