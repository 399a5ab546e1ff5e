"""The dashboard's HTML, rendered on the server. Recorded text (prompts, tool output, paths, model
names) is attacker-controlled, so every value goes through ``html.escape`` — the same rule and the
same timeline parts as the HTML report — and pages carry no inline script or style (the CSP)."""

import os
from html import escape
from urllib.parse import urlencode

from ..formats import cost_text, duration_text, plural, spent_cost_text, spent_tokens_text, tokens_text
from ..report import cards, event_item, meta_line, timeline_section, tools_section, usage_section
from .charts import bars, columns, series

NAV = (("/", "Sessions"), ("/search", "Search"), ("/usage", "Usage"), ("/limits", "Limits"))
STATUSES = ("active", "paused", "ended", "archived")
PERIODS = (("", "any time"), ("1h", "last hour"), ("24h", "last 24 hours"), ("7d", "last 7 days"), ("30d", "last 30 days"))


def layout(title: str, active: str, body: str, subtitle: str = "") -> str:
    links = "".join(f'<a href="{href}"{" class=on" if href == active else ""}>{name}</a>' for href, name in NAV)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">'
        f'<title>{escape(title)} · claude-sessions</title><link rel="icon" href="/static/icon.svg"><link rel="stylesheet" href="/static/style.css">'
        '<script src="/static/app.js" defer></script></head>'
        f'<body><header><nav>{links}</nav><h1>{escape(title)}</h1><div class="meta">{subtitle}</div></header><main>{body}</main></body></html>'
    )


def error_page(status: int, message: str) -> str:
    return layout(f"{status}", "", f"<section><p>{escape(message)}</p></section>")


def _options(choices, selected) -> str:
    return "".join(f'<option value="{escape(value)}"{" selected" if value == selected else ""}>{escape(label)}</option>' for value, label in choices)


def _project_choices(projects: dict) -> list:
    return [("", "all projects")] + [(key, os.path.basename(path) or path) for key, path in sorted(projects.items(), key=lambda item: item[1])]


def _pager(base: str, params: dict, page: int, pages: int) -> str:
    if pages <= 1:
        return ""
    def link(number, text):
        return f'<a href="{base}?{escape(urlencode({**params, "page": number}))}">{text}</a>'
    older = link(page - 1, "← previous") if page > 1 else ""
    newer = link(page + 1, "next →") if page < pages else ""
    return f'<p class="pager">{older} page {page} of {pages} {newer}</p>'


def session_href(key: str, session_id: str, position: int = None) -> str:
    if position is None:
        return f"/session/{key}/{escape(session_id)}"
    return f"/session/{key}/{escape(session_id)}?at={position}#e{position}"


# -- sessions ---------------------------------------------------------------------------------


NOTHING_TRACKED = "Nothing tracked yet: a project shows here once a Claude Code session starts in it."


def session_rows(rows, empty: str = "No sessions match.") -> str:
    """The table body: ``rows`` as ``Index.listing`` gives them, with the ``key`` of their project."""
    if not rows:
        return f'<tr><td colspan="11" class="empty">{escape(empty)}</td></tr>'
    cells = []
    for s in rows:
        status = s["session_status"] + (" (archived)" if s["status"] == "archived" else "")
        cells.append(
            f'<tr class="st-{escape(s["session_status"])}"><td title="{escape(s["project"])}">{escape(os.path.basename(s["project"]))}</td>'
            f'<td><a href="{session_href(s["key"], s["session_id"])}" title="{escape(s["session_id"])}">{escape(s["session_id"][:8])}</a></td>'
            f'<td>{escape(status)}</td><td>{escape(_when(s["created_at"]))}</td><td>{escape(_when(s["last_activity"]))}</td>'
            f'<td class=n>{duration_text(s["duration_seconds"])}</td><td class=n>{s["prompts"]}</td><td class=n>{s["tool_calls"]}</td>'
            f'<td class=n>{s["failures"]}</td><td class=n>{spent_tokens_text(s["requests"], s["tokens"])}</td>'
            f'<td class=n>{escape(spent_cost_text(s["requests"], s["cost_usd"]))}</td></tr>'
        )
    return "".join(cells)


def sessions_page(rows, total: int, projects: dict, filters: dict, page: int, pages: int) -> str:
    form = (
        '<form class="filters" method="get" action="/">'
        f'<select name="project">{_options(_project_choices(projects), filters["project"])}</select>'
        f'<select name="status">{_options([("", "any status")] + [(s, s) for s in STATUSES], filters["status"])}</select>'
        f'<select name="since">{_options(PERIODS, filters["since"])}</select><button>Filter</button></form>'
    )
    headers = "".join(f"<th>{name}</th>" for name in ("project", "id", "status", "started (UTC)", "last activity", "duration", "prompts", "tools", "failures", "tokens", "cost"))
    params = {name: value for name, value in filters.items() if value}
    query = escape(urlencode({**params, "page": page, "fragment": "rows"}))
    body = (
        f'<section>{form}<p class="count">{plural(total, "session")}</p>'
        f'<table class="sessions"><thead><tr>{headers}</tr></thead>'
        f'<tbody id="rows" data-live="/live/sessions" data-refresh="/?{query}">{session_rows(rows, "No sessions match." if projects else NOTHING_TRACKED)}</tbody></table>'
        f'{_pager("/", params, page, pages)}</section>'
    )
    return layout("Sessions", "/", body, f"{plural(len(projects), 'project')} · newest first · active sessions update live")


def _when(stamp: str) -> str:
    return stamp[:19].replace("T", " ") if stamp else ""


# -- one session ------------------------------------------------------------------------------


def session_page(project: str, data: dict, summary: dict, decisions: list, spent: dict, rows: list, shown: list,
                 turns_spent: dict, page: int, pages: int, stream: str = "") -> str:
    """The report's parts: cards, the time-axis chart of every row, the events of this page (with
    tokens and cost per turn), usage and tools; ``stream``: the live URL when this page shows the newest events."""
    items = "".join(event_item(row, turns_spent.get(row["order"], "") if row["action"] != "decision" else "") for row in shown)
    live = f' data-stream="{escape(stream)}"' if stream else ""
    pager = _event_pager(page, pages)
    body = (
        f'<div class="cards" id="cards">{cards(data, summary, decisions, spent)}</div><div id="timeline">{timeline_section(rows, summary)}</div>'
        f'<section><h2>Events (<span id="event-count">{len(rows)}</span>)</h2>{pager}'
        f'<div id="events"{live}>{items or "<p>No events recorded.</p>"}</div>{pager}</section>'
        f'<div id="usage">{usage_section(spent)}</div><div id="tools">{tools_section(summary)}</div>'
    )
    return layout(f"Session {data['session_id']}", "", body, f"{escape(project)} · {meta_line(data)}")


def _event_pager(page: int, pages: int) -> str:
    if pages <= 1:
        return ""
    older = f'<a href="?page={page - 1}">← older</a>' if page > 1 else ""
    newer = f'<a href="?page={page + 1}">newer →</a>' if page < pages else ""
    return f'<p class="pager">{older} events page {page} of {pages} {newer}</p>'


# -- search -----------------------------------------------------------------------------------


def search_page(query: str, filters: dict, projects: dict, hits, error: str = "") -> str:
    form = (
        '<form class="filters" method="get" action="/search">'
        f'<input type="search" name="q" value="{escape(query)}" placeholder="words, parts of words, &quot;a phrase&quot;" autofocus>'
        f'<select name="project">{_options(_project_choices(projects), filters["project"])}</select>'
        f'<input name="action" value="{escape(filters["action"])}" placeholder="action (tool_use, user_input…)">'
        f'<input name="tool" value="{escape(filters["tool"])}" placeholder="tool (Bash, Read…)">'
        f'<select name="since">{_options(PERIODS, filters["since"])}</select>'
        f'<select name="limit">{_options([(n, f"{n} hits") for n in ("20", "50", "200", "500")], filters["limit"] or "50")}</select>'
        f'<select name="sort">{_options([("newest", "newest first"), ("relevance", "most relevant first")], filters["sort"] or "newest")}</select>'
        '<button>Search</button></form>'
    )
    if error:
        results = f'<p class="error">{escape(error)}</p>'
    elif hits is None:
        results = ""
    elif not hits:
        results = f"<p>Nothing matches {escape(query)}.</p>"
    else:
        items = []
        for hit in hits:
            snippet = escape(hit["snippet"]).replace("«", "<mark>").replace("»", "</mark>")  # its lines kept (pre-wrap)
            items.append(
                f'<li><a href="{session_href(hit["key"], hit["session_id"], hit["position"])}">'
                f'{escape(os.path.basename(hit["project"]))} · {escape(hit["session_id"][:8])} #{hit["position"]}</a> '
                f'<span class="t">{escape(_when(hit["timestamp"] or ""))}</span> <b>{escape(hit["action"] or "")}</b> {escape(hit["tool"] or "")}'
                f'<div class="snippet">{snippet}</div></li>'
            )
        results = f'<p class="count">{plural(len(hits), "hit")}, {"most relevant" if filters["sort"] == "relevance" else "newest"} first</p><ol class="hits">{"".join(items)}</ol>'
    return layout("Search", "/search", f"<section>{form}{results}</section>", "prompts, answers, tool calls, outputs and errors")


# -- usage ------------------------------------------------------------------------------------


def usage_page(usage: dict, projects: dict, filters: dict) -> str:
    form = (
        '<form class="filters" method="get" action="/usage">'
        f'<select name="project">{_options(_project_choices(projects), filters["project"])}</select>'
        f'<select name="since">{_options(PERIODS, filters["since"])}</select><button>Show</button></form>'
    )
    money = cost_text
    count = lambda value: tokens_text(int(value))  # noqa: E731
    def cost_points(groups, name=lambda key: key):
        return [(name(key), cost or 0.0) for key, (_tokens, cost) in groups.items()]
    def token_points(groups, name=lambda key: key):
        return [(name(key), tokens) for key, (tokens, _cost) in groups.items()]
    unpriced = sorted(key for key, (_tokens, cost) in usage["by_model"].items() if cost is None)
    note = f'<p class="note">No price known for {escape(", ".join(unpriced))}: counted as $0 in the cost charts (set prices: in the config).</p>' if unpriced else ""
    total_tokens = sum(tokens for tokens, _cost in usage["by_project"].values())
    costs = [cost for _tokens, cost in usage["by_project"].values()]
    total_cost = None if None in costs else sum(costs)
    cards = f'<div class="cards"><div class="card"><b>{tokens_text(total_tokens)}</b><span>tokens</span></div><div class="card"><b>{escape(cost_text(total_cost))}</b><span>cost</span></div></div>'
    body = (
        f"<section>{form}</section>{cards}{note}"
        f'<section><h2>Cost per day</h2>{columns(cost_points(usage["by_day"]), money, label="cost per day", money=True)}</section>'
        f'<section><h2>Tokens per day</h2>{columns(token_points(usage["by_day"]), count, "#0891b2", label="tokens per day")}</section>'
        f'<section><h2>Cost per project</h2>{bars(cost_points(usage["by_project"], os.path.basename), money, label="cost per project")}</section>'
        f'<section><h2>Cost per model</h2>{bars(cost_points(usage["by_model"]), money, "#7c3aed", label="cost per model")}</section>'
        f'<section><h2>Tokens per model</h2>{bars(token_points(usage["by_model"]), count, "#d97706", label="tokens per model")}</section>'
    )
    return layout("Usage", "/usage", body, "tokens and cost per day, project and model (UTC days)")


LIMIT_NAMES = {"five_hour": "5-hour", "seven_day": "Weekly"}


def limits_page(found: dict) -> str:
    """The 5-hour and weekly windows: cards for the current ones, each kind's recent windows charted
    with their resets, hits and forecast, what the current ones' responses used, and past windows."""
    from ..limits import local

    if not found["seen"]:
        points = [(local(block["start"])[5:], block["responses"]) for block in found["blocks"][-30:]]
        body = ('<section><p class="note">No rate_limits recorded: Claude Code sends them to the status line only for a subscription '
                'login (install --statusline). 5-hour blocks of activity instead.</p>'
                f'<h2>Responses per 5-hour block</h2>{columns(points, str, label="responses per 5-hour block")}</section>')
        return layout("Limits", "/limits", body, "5-hour blocks of activity")
    cards, sections = [], []
    for name, recent in (("five_hour", 6), ("seven_day", 3)):
        current = found["current"].get(name)
        if current:
            pace = "pace ?" if current["pace_per_hour"] is None else f"{current['pace_per_hour']:.1f}%/h"
            reach = current["forecast"]
            when = f"100% at {local(reach['at'])}" + (" (before the reset)" if reach["before_reset"] else "") if reach else "no forecast"
            cards.append(f'<div class="card"><b>{current["used"]:g}%</b><span>{LIMIT_NAMES[name]} · resets {escape(local(current["resets_at"]))} · '
                         f'{escape(pace)} · {escape(when)}</span></div>')
        windows = [w for w in found["windows"] if w["window"] == name][-recent:]
        forecasts = {current["resets_at"]: current["forecast"]} if current and current["forecast"] else {}
        sections.append(f"<section><h2>{LIMIT_NAMES[name]} windows</h2>{series(windows, found['now'], forecasts, f'{LIMIT_NAMES[name]} used')}</section>")
        for by, rows in (current or {}).get("spend", {}).items():
            shown = [(os.path.basename(row["key"]) if by == "project" else row["key"], row["tokens"]) for row in rows[:10]]
            sections.append(f"<section><h2>{LIMIT_NAMES[name]} window: tokens by {by}</h2>{bars(shown, lambda value: tokens_text(int(value)), label=f'tokens by {by}')}</section>")
    past = "".join(f"<tr><td>{LIMIT_NAMES[w['window']]}</td><td>{escape(local(w['resets_at']))}</td><td>{w['peak']:g}%</td>"
                   f"<td>{escape('hit at ' + local(w['hit_at'])) if w['hit'] else 'not hit'}</td></tr>" for w in reversed(found["past"][-30:]))
    table = f"<section><h2>Past windows</h2><table><tr><th>window</th><th>reset</th><th>peak</th><th>hit</th></tr>{past}</table></section>" if past else ""
    body = f'<div class="cards">{"".join(cards)}</div>' + "".join(sections) + table
    return layout("Limits", "/limits", body, "the 5-hour and weekly limits Claude Code reported (local time)")

