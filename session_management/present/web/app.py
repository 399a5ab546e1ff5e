"""The dashboard as a Starlette app: one route per page, each reading through ``data.Data`` and
rendering with ``pages``; live streams from ``live``; the ``guard`` in front of everything."""

import math
from importlib import resources

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from ...query.summaries import summarize
from ...query.timeline import rows as timeline_rows
from ...query.usage import per_turn, total_of
from ..formats import all_tokens, cost_text, since_moment, tokens_text
from ..report import CSS, LEGEND_JS, cards, event_item, timeline_section, tools_section, usage_section
from .live import list_stream, session_stream
from .pages import error_page, limits_page, search_page, session_page, session_rows, sessions_page, usage_page
from .data import Data, NotFound, project_key
from .guard import Guard

SESSIONS_PER_PAGE = 100
EVENTS_PER_PAGE = 200


def _static(name: str) -> str:
    return resources.files(__package__).joinpath("static", name).read_text(encoding="utf-8")


def _filters(request, *names) -> dict:
    return {name: request.query_params.get(name, "").strip() for name in names}


def _page_number(request, pages: int, default: int = 1) -> int:
    try:
        number = int(request.query_params.get("page", default))
    except ValueError:
        number = default
    return min(max(number, 1), max(pages, 1))


def _since(text: str):
    """The moment a ``since`` filter names, or None; a bad value is a 400."""
    if not text:
        return None
    try:
        return since_moment(text)
    except ValueError:
        raise HTTPException(400, f"since={text!r}: use e.g. 2h, 3d, 1w or 2025-11-08") from None


def _scoped(data: Data, key: str) -> list:
    """The projects a filter names: one (by key) or every one served."""
    return [data.project(key)] if key else list(data.projects().values())


def build_app(data: Data, hosts, token: str = None) -> Guard:
    """The dashboard over ``data``; ``hosts``: the Host values it answers (see ``guard.allowed_hosts``)."""
    style, script, icon = CSS + _static("dashboard.css"), LEGEND_JS + _static("app.js"), _static("icon.svg")

    def sessions(request):
        filters = _filters(request, "project", "status", "since")
        found = data.listing(_scoped(data, filters["project"]), filters["status"], _since(filters["since"]))
        count = max(math.ceil(len(found) / SESSIONS_PER_PAGE), 1)
        page = _page_number(request, count)
        shown = [dict(s, key=project_key(s["project"])) for s in found[(page - 1) * SESSIONS_PER_PAGE : page * SESSIONS_PER_PAGE]]
        if request.query_params.get("fragment") == "rows":
            return HTMLResponse(session_rows(shown))
        return HTMLResponse(sessions_page(shown, len(found), data.projects(), filters, page, count))

    def session(request):
        key, session_id = request.path_params["key"], request.path_params["session_id"]
        project, record, decisions = data.session(key, session_id)
        summary = summarize(record, record["status"])
        pricer = data.pricer()
        spent = data.with_cost(summary)
        rows = timeline_rows(record, decisions)
        count = max(math.ceil(len(rows) / EVENTS_PER_PAGE), 1)
        # Pages are cut from the newest end, so the last page (the default: where live events
        # arrive) is full and the first holds what is left over.
        newer = lambda n: (len(rows) - 1 - n) // EVENTS_PER_PAGE  # noqa: E731 - pages after the one holding row n
        default = count
        if request.query_params.get("at", "").isdigit():
            at = int(request.query_params["at"])
            default = next((count - newer(n) for n, row in enumerate(rows) if row["order"] == at and row["action"] != "decision"), count)
        page = _page_number(request, count, default)
        stream = f"/live/session/{key}/{session_id}?after={len(record['activity_log'])}&decided={len(decisions)}" if page == count else ""
        end = len(rows) - (count - page) * EVENTS_PER_PAGE
        shown = rows[max(end - EVENTS_PER_PAGE, 0) : end]
        turns = {order: _turn_text(models, pricer) for order, models in per_turn(record["activity_log"]).items()}
        return HTMLResponse(session_page(project, record, summary, decisions, spent, rows, shown, turns, page, count, stream))

    def session_live(request):
        key, session_id = request.path_params["key"], request.path_params["session_id"]
        _project, _record, known = data.session(key, session_id)  # 404 unless it exists
        def number(name, default):
            text = request.query_params.get(name, "")
            return int(text) if text.isdigit() else default
        shown = [number("after", 0), number("decided", len(known))]  # entries and decisions the page shows

        def new_rows(shown):
            """The entries and decisions past ``shown``, and every part of the page drawn again: its
            cards, its time-axis chart, its tokens and cost, its tools."""
            _project, record, decisions = data.session(key, session_id)
            pricer = data.pricer()
            entries = record["activity_log"]
            turns = per_turn(entries)
            rows = timeline_rows(record, decisions)
            fresh = [row for row in rows if (row["order"] - len(entries) >= shown[1] if row["action"] == "decision" else row["order"] >= shown[0])]
            html = "".join(event_item(row, _turn_text(turns[row["order"]], pricer) if row["order"] in turns and row["action"] != "decision" else "") for row in fresh)
            summary = summarize(record, record["status"])
            spent = data.with_cost(summary)
            return {"html": html, "shown": [len(entries), len(decisions)], "status": record["status"],
                    "cards": cards(record, summary, decisions, spent), "timeline": timeline_section(rows, summary),
                    "usage": usage_section(spent), "tools": tools_section(summary)}

        return session_stream(lambda: data.session_files(key, session_id), new_rows, shown)

    def sessions_live(request):
        return list_stream(data.watched)

    def search(request):
        filters = _filters(request, "project", "action", "tool", "since", "limit", "sort")
        query = request.query_params.get("q", "").strip()
        hits, error = None, ""
        if query:
            since = _since(filters["since"])
            limit = min(int(filters["limit"]), 500) if filters["limit"].isdigit() else 50
            try:
                hits = data.search(query, _scoped(data, filters["project"]), filters["action"], filters["tool"], since, limit,
                                   "relevance" if filters["sort"] == "relevance" else "newest")
            except ValueError as exc:
                error = str(exc)
            for hit in hits or ():
                hit["key"] = project_key(hit["project"])
        return HTMLResponse(search_page(query, filters, data.projects(), hits, error))

    def usage(request):
        filters = _filters(request, "project", "since")
        found = data.usage(_scoped(data, filters["project"]), _since(filters["since"]))
        return HTMLResponse(usage_page(found, data.projects(), filters))

    def limits(request):
        return HTMLResponse(limits_page(data.limits(list(data.projects().values()))))

    def static(request):
        name = request.path_params["name"]
        if name == "app.js":
            return Response(script, media_type="text/javascript")
        if name == "style.css":
            return Response(style, media_type="text/css")
        if name == "icon.svg":
            return Response(icon, media_type="image/svg+xml")
        raise HTTPException(404, "no such file")

    def not_found(request, exc):
        return HTMLResponse(error_page(404, str(exc)), 404)

    def http_error(request, exc):
        return HTMLResponse(error_page(exc.status_code, exc.detail), exc.status_code)

    app = Starlette(
        routes=[
            Route("/", sessions),
            Route("/session/{key:str}/{session_id:str}", session),
            Route("/live/session/{key:str}/{session_id:str}", session_live),
            Route("/live/sessions", sessions_live),
            Route("/search", search),
            Route("/usage", usage),
            Route("/limits", limits),
            Route("/static/{name:str}", static),
        ],
        exception_handlers={NotFound: not_found, HTTPException: http_error},
    )
    return Guard(app, hosts, token)


def _turn_text(models: dict, pricer) -> str:
    return f"{tokens_text(all_tokens(total_of(models)))} tokens · {cost_text(pricer.total(models))}"

