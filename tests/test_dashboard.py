"""claude-sessions serve: the dashboard's pages, headers, id checks, Host and token rules, through
Starlette's TestClient and through the real server started by the CLI (the browser tests are in
test_dashboard_browser.py)."""

import http.client
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from conftest import python_env
from dashboard_home import LIVE_ID, LONG_ID, XSS_ID, build_home, free_port, hook_event
from session_management.present import cli
from session_management.present.web.app import build_app
from session_management.present.web.data import Data, project_key
from session_management.present.web.guard import COOKIE, allowed_hosts

BASE = "http://127.0.0.1:8765"
TOKEN = "s3cret-token-for-tests-0123456789"


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return build_home(tmp_path_factory.mktemp("dashboard"))


def client_for(home, token=None, hosts=None) -> TestClient:
    data = Data(lambda: [str(home["alpha"]), str(home["beta"])], str(home["root"] / "index.sqlite"))
    return TestClient(build_app(data, hosts or allowed_hosts("127.0.0.1", 8765), token), base_url=BASE, follow_redirects=False)


@pytest.fixture(scope="module")
def client(home):
    return client_for(home)


def test_sessions_page_lists_every_project_newest_first(client, home):
    """The sessions table holds the sessions of both projects, each linking to its own page."""
    page = client.get("/").text
    assert page.count('<tr class="st-') == 5
    for session_id, project in ((home["demo_id"], home["alpha"]), (LIVE_ID, home["beta"]), (LONG_ID, home["beta"])):
        assert f'href="/session/{project_key(str(project))}/{session_id}"' in page
    started = re.findall(r"<td>(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)</td><td>", page)
    assert started == sorted(started, reverse=True)
    assert "$0.1162" in page  # the demo session's cost, priced per model


def test_sessions_filters(client, home):
    """Filtering by project, status and time keeps only the matching rows; a bad time is a 400."""
    alpha = project_key(str(home["alpha"]))
    assert client.get("/", params={"project": alpha}).text.count('<tr class="st-') == 1
    active = client.get("/", params={"status": "active"}).text
    assert active.count('<tr class="st-') == 1 and LIVE_ID in active
    assert client.get("/", params={"since": "1h"}).text.count('<tr class="st-') == 5
    assert client.get("/", params={"since": "2000-01-01"}).text.count('<tr class="st-') == 5
    assert client.get("/", params={"since": "next tuesday"}).status_code == 400
    fragment = client.get("/", params={"status": "active", "fragment": "rows"}).text
    assert fragment.startswith("<tr") and "<html" not in fragment


def test_session_page_shows_the_timeline_with_tokens_per_turn(client, home):
    """One session: the report's chart and events, a subagent's tool set in under it, tokens and cost per turn."""
    page = client.get(f"/session/{project_key(str(home['alpha']))}/{home['demo_id']}").text
    assert "<svg" in page and "Find the failing test and fix it" in page
    assert re.search(r'class="ev sub" data-kind="tool">.*?Grep', page)
    assert re.search(r'class="spent">[\d.]+k tokens · \$0\.\d{4}</span>', page)
    assert "Tokens and cost" in page and "claude-haiku" in page


def test_long_session_is_paginated(client, home):
    """A 5,000-event session shows 200 events a page, the newest page first, and follows ?page= and ?at=."""
    base = f"/session/{project_key(str(home['beta']))}/{LONG_ID}"
    newest = client.get(base).text
    assert newest.count("<details") == 200 and "Bash  step 4999</span>" in newest and "older" in newest
    first = client.get(base, params={"page": 1}).text
    assert "Bash  step 0</span>" in first and "Bash  step 4999</span>" not in first
    assert 'data-stream=' not in first  # only the newest page follows the live session
    at = client.get(base, params={"at": 2500}).text
    assert 'id="e2500"' in at
    assert client.get(base, params={"page": "x"}).status_code == 200


def test_recorded_text_is_escaped(client, home):
    """Script payloads from a prompt, a tool output and an answer reach the page as text, never as markup."""
    page = client.get(f"/session/{project_key(str(home['beta']))}/{XSS_ID}").text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#x27;prompt&#x27;)&lt;/script&gt;" in page
    assert "onerror=alert(document.cookie)" in page.replace("&lt;", "<")  # present, as text


def test_security_headers_and_no_cors(client):
    """Every answer carries a CSP without inline script or style, nosniff, and no CORS header even when asked."""
    for path in ("/", "/usage", "/search?q=x", "/static/app.js", "/nowhere"):
        answer = client.get(path, headers={"Origin": "http://evil.example"})
        csp = answer.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "default-src 'none'" in csp
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert not any(name.lower().startswith("access-control") for name in answer.headers)
    assert client.get("/static/app.js").headers["content-type"].startswith("text/javascript")
    assert client.post("/").status_code == 405


@pytest.mark.parametrize("path", [
    "/session/{key}/..%2F..%2Fetc%2Fpasswd",
    "/session/{key}/../registry",
    "/session/{key}/a%00b",
    "/session/000000000000/{sid}",
    "/session/{key}/ffff0000-0000-0000-0000-000000000000",
    "/live/session/{key}/..%2Fx",
    "/static/..%2F__init__.py",
])
def test_ids_in_urls_are_validated(client, home, path):
    """A path-like or unknown session id or project key is a 404: no path tricks reach the files."""
    answer = client.get(path.format(key=project_key(str(home["beta"])), sid=LIVE_ID))
    assert answer.status_code == 404
    assert "root:" not in answer.text


def test_foreign_host_is_refused(client):
    """A Host header other than the served address (DNS rebinding) is refused before any page runs."""
    assert client.get("/", headers={"Host": "evil.example:8765"}).status_code == 400
    assert client.get("/", headers={"Host": "127.0.0.1:9999"}).status_code == 400
    assert client.get("/", headers={"Host": "localhost:8765"}).status_code == 200


def test_allowed_hosts():
    """Loopback answers its loopback names; another interface adds its own; every interface leaves it to the token."""
    assert allowed_hosts("127.0.0.1", 80) == {"127.0.0.1:80", "localhost:80", "[::1]:80"}
    assert "192.168.1.5:80" in allowed_hosts("192.168.1.5", 80)
    assert allowed_hosts("0.0.0.0", 80) is None


def test_token_is_required_when_set(home):
    """With a token: nothing without it; ?token= once sets a cookie and drops it from the address; the cookie or a bearer header then work."""
    client = client_for(home, TOKEN)
    assert client.get("/").status_code == 401
    assert client.get("/", params={"token": "wrong"}).status_code == 401
    answer = client.get("/usage", params={"token": TOKEN, "since": "7d"})
    assert answer.status_code == 303 and answer.headers["location"] == "/usage?since=7d"
    assert f"{COOKIE}=" in answer.headers["set-cookie"] and "httponly" in answer.headers["set-cookie"].lower()
    assert client.get("/usage").status_code == 200  # the cookie jar holds it now
    bare = client_for(home, TOKEN)
    assert bare.get("/", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    assert bare.get("/", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_search_shows_tool_output_as_its_lines_and_sorts_by_relevance(client):
    """A file name inside a tool's output is found and shown as the lines a person saw (no JSON
    escapes), the match marked; sort=relevance gives the same hits, most relevant first, and says so."""
    newest = client.get("/search", params={"q": "parse.py"}).text
    assert "notes.md\n<mark>parse.py</mark>" in newest and "\\n" not in newest
    assert '<select name="sort">' in newest and re.search(r'"count">\d+ hits, newest first', newest)
    ranked = client.get("/search", params={"q": "parse.py", "sort": "relevance"}).text
    assert re.search(r'"count">\d+ hits, most relevant first', ranked) and '<option value="relevance" selected>' in ranked
    hits = lambda page: sorted(re.findall(r'<li><a href="([^"]+)"', page))  # noqa: E731
    assert hits(ranked) == hits(newest) and len(hits(newest)) >= 2


def test_search_links_to_the_hit(client, home):
    """Search finds a prompt across projects and links to its place in its session; filters narrow it."""
    page = client.get("/search", params={"q": "failing"}).text
    links = re.findall(r'href="(/session/[0-9a-f]{12}/[^"?]+\?at=\d+#e\d+)"', page)
    assert links, page
    assert client.get("/search", params={"q": "failing", "action": "tool_use"}).text.count("<li>") < page.count("<li>")
    assert "Nothing matches" in client.get("/search", params={"q": "zzzunfindable"}).text
    assert client.get("/search", params={"q": "failing", "limit": "1"}).text.count("<li>") == 1
    assert "<mark>" in page
    target = client.get(links[0].split("#")[0])
    assert target.status_code == 200 and f'id="{links[0].split("#")[1]}"' in target.text


def test_usage_page_draws_charts(client, home):
    """Usage: cost and tokens per day, per project and per model, as inline SVG with the demo's two models."""
    page = client.get("/usage").text
    assert page.count('<svg class="chart"') == 5
    assert "claude-opus" in page and "claude-haiku" in page and "$0.1162" in page
    empty = client.get("/usage", params={"project": project_key(str(home["beta"]))}).text
    assert "Nothing recorded in this period" in empty


def test_serve_refuses_another_interface_without_a_token(capsys):
    """--host other than loopback without --token is a usage error, and a weak token is refused."""
    assert cli.main(["serve", "--host", "0.0.0.0"]) == 2
    assert "--token" in capsys.readouterr().err
    assert cli.main(["serve", "--host", "0.0.0.0", "--token", "short"]) == 2


def test_serve_command_runs_the_real_server(home):
    """`claude-sessions serve --project` indexes first, starts uvicorn on 127.0.0.1, answers the sessions page, refuses a foreign Host."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "session_management", "serve", "--project", str(home["beta"]), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=python_env(),
    )
    try:
        assert f"http://127.0.0.1:{port}/" in server.stdout.readline()
        with sqlite3.connect(Path(os.environ["HOME"]) / ".cache" / "claude-session-tracker" / "index.sqlite") as db:
            assert db.execute("SELECT count(*) FROM sessions").fetchone()[0] > 0  # built before the first request
        status = None
        for _ in range(100):
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                connection.request("GET", "/")
                answer = connection.getresponse()
                status, body = answer.status, answer.read().decode()
                break
            except ConnectionRefusedError:
                time.sleep(0.1)
        assert status == 200 and LIVE_ID in body
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/", headers={"Host": f"rebound.example:{port}"})
        assert connection.getresponse().status == 400
    finally:
        server.send_signal(signal.SIGINT)
        code = server.wait(15)
    assert code == 0, server.stderr.read()  # Ctrl+C stops it quietly


def test_live_stream_sends_new_events(home):
    """The session stream sends an event recorded after the page was drawn (read through a real server)."""
    from dashboard_home import Server

    beta = home["beta"]
    with Server([beta], home["root"] / "index-live.sqlite") as server:
        key = project_key(str(beta))
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=20)
        connection.request("GET", f"/live/session/{key}/{LIVE_ID}?after=2")
        answer = connection.getresponse()
        assert answer.getheader("content-type").startswith("text/event-stream")
        hook_event(beta, "UserPromptSubmit", LIVE_ID, prompt="streamed-prompt-marker")
        seen = ""
        while "streamed-prompt-marker" not in seen:
            line = answer.fp.readline().decode()
            assert line, "the stream ended"
            seen += line
        assert "event: rows" in seen
        connection.close()
