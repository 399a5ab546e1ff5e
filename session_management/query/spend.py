"""Spend per session, per project, per day and per model, shaped in one place for every view.

Figures are ``{model: token totals}`` (``core.tokens``), priced at the end. The status line's come
from the running totals (``store.tally``) in constant time; ``usage``'s, ``stats``' and the
dashboard's from the sessions' summaries (one project) or from the index's token rows (across
projects, added up by SQLite: no summary decoded). Both give ``(key, model, totals)`` cells that
``grouped`` adds up the same way. Cheap to import for the status line: neither ``json`` nor
genai-prices is imported unless a model's rate is not known yet.
"""

from ..core.tokens import MAIN, add, all_tokens, empty, merge
from ..store import rates, tally as _tally


def of_session(runtime_dir: str, session_id: str, tally, pending=(), today: str = "") -> dict:
    """This session as the hooks counted it, plus what is new since: ``{"by_model", "tool_calls",
    "failures", "tracked", "pending_today"}``. ``tally``: its running totals as ``store.tally.read_tally``
    gave them (the caller has read them to find ``pending``). ``pending``: the responses its transcripts
    hold beyond the last harvest (``capture.transcript.read_new``'s), of which ``pending_today`` are
    those dated ``today``. Tool counts are None for a session not counted yet (begun before tallies)."""
    base = tally or _tally.new_tally()
    by_model = merge({}, base["by_model"])
    calls = failures = None
    counted = _tally.scan_journal(f"{runtime_dir}/sessions", session_id, base["mark"])
    if counted is not None and (tally is not None or counted[2]["base"] == 0):  # untallied: only a journal holding it all
        calls, failures = base["tool_calls"] + counted[0], base["failures"] + counted[1]
    elif tally is not None:
        calls, failures = base["tool_calls"], base["failures"]
    pending_today = {}
    for response in pending:
        if response["usage"]:
            model = str(response["model"] or "unknown")
            add(by_model.setdefault(model, empty()), response["usage"])
            if str(response["timestamp"])[:10] == today:
                add(pending_today.setdefault(model, empty()), response["usage"])
    return {"by_model": by_model, "tool_calls": calls, "failures": failures, "tracked": tally is not None, "pending_today": pending_today}


def of_today(cache_dir: str, project: str, today: str, pending_today: dict) -> dict:
    """Today's spend: ``{"project": {model: totals}, "all": {model: totals}}``, the day file's (what
    the hooks harvested, and the imported history as of the last import) plus ``pending_today``
    (this session's responses of today not harvested yet)."""
    day = _tally.read_day(cache_dir, today)
    here = merge(merge(merge({}, day["projects"].get(project, {})), day["imported"].get(project, {})), pending_today)
    everywhere = merge({}, pending_today)
    for by_model in (*day["projects"].values(), *day["imported"].values()):
        merge(everywhere, by_model)
    return {"project": here, "all": everywhere}


class Prices:
    """Prices ``{model: totals}`` from the config's ``prices:`` and the rates cache; a model in
    neither is asked of genai-prices once (``query.cost``, slow: it imports the library)."""

    def __init__(self, custom: dict, cache_dir: str):
        self.custom = custom or {}
        self.cached = rates.read_cache(rates.cache_path(cache_dir)).get("models", {})

    def price(self, by_model: dict):
        """USD, or None if a model with requests has no known price."""
        total = rates.known_total(by_model, self.custom, self.cached)
        if total is None:
            from ..core.sitepackages import enable_site_packages

            enable_site_packages()
            from .cost import Pricer

            total = Pricer(self.custom).total(by_model)
        return total


# -- usage, stats and the dashboard ---------------------------------------------------------


def cells(summaries, by: str, since=None, project: str = None):
    """``(key, model, totals)`` of each session's usage for ``usage --by`` (days not yet folded
    into weeks or months): sessions active since ``since`` (an aware datetime), and for a grouping
    by time only the days from then. ``project``: the key of summaries that carry none."""
    first_day = since.strftime("%Y-%m-%d") if since else None
    if since:
        from ..claude_session import parse_timestamp
    for summary in summaries:
        usage = summary.get("usage")
        if not usage or (since and parse_timestamp(summary["last_activity"]) < since):
            continue
        if by in ("day", "week", "month"):
            for day, models in usage["days"].items():
                if not first_day or day == "unknown" or day >= first_day:
                    yield from ((day, model, totals) for model, totals in models.items())
        elif by == "agent":
            for agent, models in usage["cells"].items():
                key = agent if agent == MAIN else f"{agent} ({summary['session_id'][:8]})"
                yield from ((key, model, totals) for model, totals in models.items())
        else:
            key = summary["session_id"] if by == "session" else summary.get("project") or project
            yield from ((model if by == "model" else key, model, totals) for model, totals in usage["by_model"].items())


def cells_in_index(index, projects, by: str, since=None, from_since_day: bool = None):
    """``cells`` of ``projects``' sessions, added up by the index (``query.index.Index.spend``);
    ``from_since_day``: leave out the days before ``since`` (default: in a grouping by time, as ``cells`` does)."""
    if from_since_day is None:
        from_since_day = by in ("day", "week", "month")
    return index.spend(projects, "day" if by in ("week", "month") else by, since, from_since_day)


def grouped(found, by: str) -> dict:
    """``{key: {model: totals}}`` of ``cells``, days folded into ``by``'s periods."""
    groups = {}
    for key, model, totals in found:
        merge(groups.setdefault(period(key, by), {}), {model: totals})
    return groups


def period(day: str, by: str) -> str:
    """The day, ISO week (2026-W48) or month (2026-11) a YYYY-MM-DD falls in; other keys as they are."""
    if by in ("week", "month") and day != "unknown":
        if by == "month":
            return day[:7]
        from datetime import date

        year, week, _ = date.fromisoformat(day).isocalendar()
        return f"{year}-W{week:02d}"
    return day


def usage_report(groups: dict, by: str, pricer) -> dict:
    """``usage``'s answer: ``{"by", "rows" (key order, each with its totals and cost_usd),
    "totals", "by_model"}``; ``pricer``: a ``query.cost.Pricer``."""
    from .cost import priced
    from .usage import total_of

    everything, rows = {}, []
    for key in sorted(groups):
        merge(everything, groups[key])
        rows.append({by: key, **total_of(groups[key]), "cost_usd": pricer.total(groups[key])})
    totals = {**total_of(everything), "cost_usd": pricer.total(everything)}
    return {"by": by, "rows": rows, "totals": totals, "by_model": priced({"by_model": everything, "cells": {}}, pricer)["by_model"]}


def charts(index, projects, since, pricer) -> dict:
    """The dashboard's usage: tokens and cost ``by_day``, ``by_project`` and ``by_model``, each
    ``{key: (tokens, cost or None)}`` in key order, of sessions active since ``since`` and days from then."""
    from .usage import total_of

    def figures(models):
        return all_tokens(total_of(models)), pricer.total(models)

    return {f"by_{by}": {key: figures(models) for key, models in sorted(grouped(cells_in_index(index, projects, by, since, from_since_day=True), by).items())}
            for by in ("day", "project", "model")}


def added_up(summaries) -> dict:
    """The usage of several sessions added up, by model and by agent and model (``query.cost.priced``'s input)."""
    by_model, agents = {}, {}
    for summary in summaries:
        usage = summary.get("usage")
        if usage:
            merge(by_model, usage["by_model"])
            for agent, models in usage["cells"].items():
                merge(agents.setdefault(agent, {}), models)
    return {"by_model": by_model, "cells": agents}


def stats(summaries, pricer, by_project: bool) -> dict:
    """``stats``' answer: sessions, prompts, tool calls and failures, per tool, the priced usage,
    and with ``by_project`` each project's figures, busiest first."""
    from .cost import priced

    tools = {}
    for summary in summaries:
        for name, (calls, failures, total_ms) in summary["tools"].items():
            counted = tools.setdefault(name, [0, 0, 0.0])
            counted[0] += calls
            counted[1] += failures
            counted[2] += total_ms
    prompts, calls, failures = (sum(s[key] for s in summaries) for key in ("prompts", "tool_calls", "failures"))
    result = {
        "sessions": len(summaries),
        "prompts": prompts,
        "prompts_per_session": round(prompts / len(summaries), 2) if summaries else 0.0,
        "tool_calls": calls,
        "failures": failures,
        "failure_rate": round(failures / calls, 4) if calls else 0.0,
        "tools": {
            name: {"calls": c, "failures": f, "failure_rate": round(f / c, 4) if c else 0.0, "total_ms": round(t), "mean_ms": round(t / c, 1) if c else 0.0}
            for name, (c, f, t) in sorted(tools.items(), key=lambda item: -item[1][0])
        },
        "usage": priced(added_up(summaries), pricer),
    }
    if by_project:
        result["projects"] = per_project(summaries, pricer)
    return result


def per_project(summaries, pricer) -> dict:
    """Sessions, prompts, tool calls, failures, tokens and cost of each project, busiest first."""
    from .cost import priced

    projects = {}
    for summary in summaries:
        projects.setdefault(summary["project"], []).append(summary)
    found = {}
    for path, group in sorted(projects.items(), key=lambda item: -len(item[1])):
        spent = priced(added_up(group), pricer)
        found[path] = {"sessions": len(group), **{key: sum(s[key] for s in group) for key in ("prompts", "tool_calls", "failures")},
                       "requests": spent["requests"], "tokens": all_tokens(spent), "cost_usd": spent["cost_usd"]}
    return found
