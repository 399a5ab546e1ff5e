"""Tokens and cost as people read them: show, list, stats, usage and the reports, over sessions
recorded through the dispatcher from real-shaped transcripts; prices from genai-prices or the config."""

import json
import logging

import pytest

from session_management.capture import dispatch as _dispatch
from session_management.present import cli

SONNET = "claude-sonnet-4-5"


def usage(i, o, write_5m=0, write_1h=0, read=0):
    return {"input_tokens": i, "output_tokens": o, "cache_creation_input_tokens": write_5m + write_1h, "cache_read_input_tokens": read,
            "cache_creation": {"ephemeral_5m_input_tokens": write_5m, "ephemeral_1h_input_tokens": write_1h}}


def line(message_id, text, model, use, day="2026-11-20", agent=None):
    record = {"type": "assistant", "requestId": f"req_{message_id}", "timestamp": f"{day}T10:00:00.000Z",
              "message": {"id": message_id, "model": model, "content": [{"type": "text", "text": text}], "stop_reason": "end_turn", "usage": use}}
    if agent:
        record.update(isSidechain=True, agentId=agent)
    return json.dumps(record) + "\n"


def record(project, session_id, transcript_lines, subagent_lines=()):
    """One session: a prompt and a turn end whose transcript holds the given responses."""
    transcript = project / "transcripts" / f"{session_id}.jsonl"
    transcript.parent.mkdir(exist_ok=True)
    transcript.write_text("".join(transcript_lines))
    if subagent_lines:
        folder = project / "transcripts" / session_id / "subagents"
        folder.mkdir(parents=True)
        (folder / "agent-sub1.jsonl").write_text("".join(subagent_lines))
    env = {"CLAUDE_PROJECT_DIR": str(project)}
    for name, fields in (("SessionStart", {"source": "startup"}), ("UserPromptSubmit", {"prompt": "go"}), ("Stop", {}), ("SessionEnd", {"reason": "other"})):
        payload = dict(fields, session_id=session_id, hook_event_name=name, transcript_path=str(transcript))
        _dispatch.handle(name, json.dumps(payload).encode(), env)
    logging.getLogger("session_management").handlers.clear()


@pytest.fixture
def project(tmp_path, monkeypatch):
    path = tmp_path / "proj"
    path.mkdir()
    record(path, "aaaa0001", [line("m1", "one", SONNET, usage(3, 100, write_5m=2000)), line("m2", "two", SONNET, usage(2, 50, read=2000), day="2026-11-21")],
           [line("s1", "sub", "claude-haiku-4-5", usage(10, 20, write_1h=1000), agent="sub1")])
    record(path, "bbbb0002", [line("m3", "three", "my-private-model", usage(1000, 1000), day="2026-11-21")])
    monkeypatch.chdir(path)
    return path


def run(capsys, *args):
    code = cli.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_show_json_carries_tokens_and_cost_per_model_and_agent(project, capsys):
    """show --json adds usage: totals, requests and cost, by model and by agent (subagent apart from main)."""
    code, out, _ = run(capsys, "show", "aaaa0001", "--json")
    spent = json.loads(out)["usage"]
    assert code == 0 and spent["requests"] == 3
    assert (spent["input_tokens"], spent["output_tokens"], spent["cache_creation_input_tokens"], spent["cache_read_input_tokens"]) == (15, 170, 3000, 2000)
    assert spent["by_agent"]["sub1"]["requests"] == 1 and spent["by_agent"]["main"]["output_tokens"] == 150
    # Sonnet 4.5: $3/M in, $15/M out, $3.75/M 5-minute writes, $0.30/M reads
    assert spent["by_model"][SONNET]["cost_usd"] == pytest.approx((5 * 3 + 150 * 15 + 2000 * 3.75 + 2000 * 0.30) / 1e6)
    # the 1-hour write is priced as such (Haiku 4.5: $1/M in, $5/M out, $2/M 1-hour writes)
    assert spent["by_model"]["claude-haiku-4-5"]["cost_usd"] == pytest.approx((10 * 1 + 20 * 5 + 1000 * 2) / 1e6)
    assert spent["cost_usd"] == pytest.approx(spent["by_model"][SONNET]["cost_usd"] + spent["by_model"]["claude-haiku-4-5"]["cost_usd"])


def test_an_unknown_model_shows_no_cost_and_says_so(project, capsys):
    """A model no price is known for gets n/a, never a made-up number, and a note on stderr."""
    code, out, err = run(capsys, "show", "bbbb0002")
    assert code == 0 and "cost n/a" in out and "no price known for my-private-model" in err
    assert json.loads(run(capsys, "show", "bbbb0002", "--json")[1])["usage"]["cost_usd"] is None


def test_prices_from_the_config_price_private_models(project, capsys):
    """prices: in the config gives a model its price per million tokens."""
    (project / ".claude" / "session-tracking.yaml").write_text("prices:\n  my-private-model: {input_mtok: 2, output_mtok: 10}\n")
    spent = json.loads(run(capsys, "show", "bbbb0002", "--json")[1])["usage"]
    assert spent["cost_usd"] == pytest.approx((1000 * 2 + 1000 * 10) / 1e6)


def test_list_and_stats_show_tokens_and_cost(project, capsys):
    """list has TOKENS and COST columns; stats sums usage over sessions and lists agents."""
    code, out, _ = run(capsys, "list")
    header, *rows = out.splitlines()
    assert header.split()[-2:] == ["TOKENS", "COST"] and rows[1].split()[-2:] == ["5.2k", "$0.0125"]
    code, out, _ = run(capsys, "stats", "--json")
    stats = json.loads(out)
    assert stats["usage"]["requests"] == 4 and stats["usage"]["cost_usd"] is None  # one model is unpriced
    code, out, _ = run(capsys, "stats")
    assert "4 requests" in out and "sub1" in out


def test_usage_groups_by_day_model_agent_session_and_month(project, capsys):
    """usage is a ccusage-style table with totals last; --json gives the same rows."""
    code, out, _ = run(capsys, "usage")
    lines = out.splitlines()
    assert [line.split()[0] for line in lines[1:]] == ["2026-11-20", "2026-11-21", "TOTAL"]
    assert lines[-1].split()[1:7] == ["4", "1.0k", "1.2k", "3.0k", "2.0k", "7.2k"]  # tokens read as in list
    by_model = json.loads(run(capsys, "usage", "--by", "model", "--json")[1])
    assert [row["model"] for row in by_model["rows"]] == ["claude-haiku-4-5", SONNET, "my-private-model"]
    assert by_model["totals"]["requests"] == 4 and by_model["by_model"]["my-private-model"]["cost_usd"] is None
    agents = json.loads(run(capsys, "usage", "--by", "agent", "--json")[1])["rows"]
    assert {row["agent"]: row["requests"] for row in agents} == {"main": 3, "sub1 (aaaa0001)": 1}
    sessions = json.loads(run(capsys, "usage", "--by", "session", "--json")[1])["rows"]
    assert [(row["session"], row["requests"]) for row in sessions] == [("aaaa0001", 3), ("bbbb0002", 1)]
    assert [row["month"] for row in json.loads(run(capsys, "usage", "--by", "month", "--json")[1])["rows"]] == ["2026-11"]
    assert [row["week"] for row in json.loads(run(capsys, "usage", "--by", "week", "--json")[1])["rows"]] == ["2026-W47"]
    assert run(capsys, "usage", "--since", "2099-01-01")[0] == 1


def test_reports_show_tokens_and_cost(project, capsys, tmp_path):
    """The Markdown and HTML reports carry a tokens-and-cost table per model and per agent."""
    run(capsys, "export", "aaaa0001", "--format", "markdown", "-o", tmp_path / "r.md")
    text = (tmp_path / "r.md").read_text()
    assert "## Tokens and cost" in text and "| agent | sub1 | 1 |" in text
    run(capsys, "export", "aaaa0001", "--format", "html", "-o", tmp_path / "r.html")
    page = (tmp_path / "r.html").read_text()
    assert "<h2>Tokens and cost</h2>" in page and "claude-haiku-4-5" in page


def test_show_prints_the_conversation_and_cost_per_turn(project, capsys):
    """The timeline has the assistant's responses and, at each turn end, what the turn cost."""
    code, out, _ = run(capsys, "show", "aaaa0001")
    assert code == 0 and '"one"  (claude-sonnet-4-5, 2.1k tokens)' in out
    [turn] = [row for row in out.splitlines() if " turn end " in row]
    assert "[5.2k tokens, $0.0125]" in turn


def test_a_synthetic_response_an_earlier_version_recorded_is_no_request(project, capsys):
    """A `<synthetic>` response (Claude Code's own for a 429, 0 tokens) that an earlier harvest recorded changes no figure: no request, no model, no n/a, no note."""
    from session_management.store import writer

    before = json.loads(run(capsys, "show", "aaaa0001", "--json")[1])["usage"]
    made_up = {"message_id": "0c6f1e2a-7b3d-4c5e-8f9a-0b1c2d3e4f5a", "request_id": None, "model": "<synthetic>", "stop_reason": "stop_sequence",
               "text": "API Error: 429 rate_limit_error", "tool_use_ids": [], "usage": usage(0, 0)}
    writer.append(str(project / ".claude" / "runtime" / "sessions"), "aaaa0001", [
        {"action": "user_input", "timestamp": "2026-11-21T10:00:04.000Z", "details": {"prompt": "again"}},
        {"action": "assistant_message", "timestamp": "2026-11-21T10:00:05.000Z", "details": made_up},
        {"action": "stop_failure", "timestamp": "2026-11-21T10:00:05.000Z", "details": {"error": "rate_limit"}}])
    code, out, err = run(capsys, "show", "aaaa0001", "--json")
    assert code == 0 and json.loads(out)["usage"] == before and "no price known" not in err
    code, out, err = run(capsys, "show", "aaaa0001")
    [failure] = [row for row in out.splitlines() if " failure " in row]
    assert failure.endswith("turn ended by an API error (rate_limit)") and "no price known" not in err  # no turn figure: it made no request


def test_all_projects_lists_counts_and_adds_up_every_project(project, tmp_path, capsys):
    """--all-projects: list, stats and usage answer for every tracked project, naming each one; the default stays this project."""
    other = tmp_path / "other"
    other.mkdir()
    record(other, "cccc0003", [line("m9", "nine", SONNET, usage(5, 5))])
    listed = json.loads(run(capsys, "list", "--all-projects", "--json")[1])
    assert sorted((s["project"], s["session_id"], s["requests"]) for s in listed) == [
        (str(other), "cccc0003", 1), (str(project), "aaaa0001", 3), (str(project), "bbbb0002", 1)]
    code, out, _ = run(capsys, "list", "--all-projects")
    header, *rows = out.splitlines()
    assert header.split()[0] == "PROJECT" and len(rows) == 3 and rows[0].startswith(str(other))
    assert rows[0].split()[-2:] == ["10", "$0.0001"] and rows[2].split()[-2:] == ["5.2k", "$0.0125"]  # priced by the index
    stats = json.loads(run(capsys, "stats", "--all-projects", "--json")[1])
    assert {path: (p["sessions"], p["tokens"]) for path, p in stats["projects"].items()} == {str(project): (2, 7185), str(other): (1, 10)}
    assert stats["usage"]["requests"] == 5
    rows = json.loads(run(capsys, "usage", "--by", "project", "--all-projects", "--json")[1])["rows"]
    assert {row["project"]: row["requests"] for row in rows} == {str(project): 4, str(other): 1}
    assert len(json.loads(run(capsys, "list", "--json")[1])) == 2


def test_model_rates_are_kept_so_later_commands_skip_importing_genai_prices(tmp_path):
    """The first price asks genai-prices and keeps the rates in the user's cache; the next process reads them without importing it."""
    import subprocess
    import sys

    from conftest import python_env

    probe = ("import sys; from session_management.query.cost import Pricer; "
             "print(Pricer().rates('claude-sonnet-4-5')['output_mtok'], 'genai_prices' in sys.modules)")
    outputs = [subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=python_env()).stdout.split() for _ in range(2)]
    assert outputs == [["15.0", "True"], ["15.0", "False"]]
    assert (tmp_path / "home" / ".cache" / "claude-session-tracker" / "prices-cache.json").exists()


def test_usage_across_projects_adds_up_in_the_index_exactly_as_in_the_project(project, capsys):
    """usage --project (tokens added up by the index's GROUP BY) answers exactly as usage inside the
    project (from its sessions' summaries), for every grouping, with and without --since."""
    for by in ("day", "week", "month", "session", "project", "model", "agent"):
        for since in ([], ["--since", "2026-11-21"]):
            here = json.loads(run(capsys, "usage", "--by", by, *since, "--json")[1])
            indexed = json.loads(run(capsys, "usage", "--by", by, *since, "--project", project, "--json")[1])
            assert indexed == here and here["rows"], (by, since)
    days = json.loads(run(capsys, "usage", "--since", "2026-11-21", "--all-projects", "--json")[1])["rows"]
    assert [(row["day"], row["requests"]) for row in days] == [("2026-11-21", 2)]  # the day before --since left out


def test_usage_across_projects_counts_a_new_session_and_no_row_for_one_without_responses(project, capsys):
    """The index's token rows follow the sessions: a session recorded after the index was built is
    counted, a session with no response adds no row, subagents stay apart per session."""
    before = json.loads(run(capsys, "usage", "--by", "model", "--all-projects", "--json")[1])["totals"]["requests"]
    record(project, "dddd0004", [line("m7", "seven", SONNET, usage(1, 1), day="2026-11-22")])
    record(project, "eeee0005", [])
    sessions = json.loads(run(capsys, "usage", "--by", "session", "--all-projects", "--json")[1])["rows"]
    assert [row["session"] for row in sessions] == ["aaaa0001", "bbbb0002", "dddd0004"]
    assert sum(row["requests"] for row in sessions) == before + 1
    agents = {row["agent"] for row in json.loads(run(capsys, "usage", "--by", "agent", "--all-projects", "--json")[1])["rows"]}
    assert agents == {"main", "sub1 (aaaa0001)"}


def test_figures_read_alike_in_list_usage_and_stats(project, tmp_path):
    """Through the real entry point: a session's tokens read the same in list and usage --by session; a
    session with no response shows - for tokens and cost in list and in stats, never 0; counts of one are singular."""
    import subprocess
    import sys

    record(project, "cccc0003", [])  # a prompt and a turn end, no response in its transcript

    def claude_sessions(*args):
        done = subprocess.run([sys.executable, "-m", "session_management", *args], cwd=project, capture_output=True, text=True, timeout=60)
        return done.stdout.splitlines()

    listed = {row.split()[0]: row.split() for row in claude_sessions("list")[1:]}
    used = {row.split()[0]: row.split() for row in claude_sessions("usage", "--by", "session")[1:]}
    assert listed["aaaa0001"][-2] == used["aaaa0001"][-2] == "5.2k"  # TOKENS, TOTAL TOKENS
    assert listed["cccc0003"][-2:] == ["-", "-"] and "cccc0003" not in used
    stats = claude_sessions("stats", "cccc0003")
    assert stats[:2] == ["1 session · 1 prompt (1.0 per session) · 0 tool calls · 0 failures (0.0%)", "tokens - · cost - (no response recorded)"]
    other = tmp_path / "silent"
    other.mkdir()
    record(other, "dddd0004", [])
    projects = {row.split()[0]: row.split() for row in claude_sessions("stats", "--all-projects") if row.startswith(str(tmp_path))}
    assert projects[str(other)][-2:] == ["-", "-"] and projects[str(project)][-2:] == ["7.2k", "n/a"]  # n/a: a model with no price
