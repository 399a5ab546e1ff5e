"""At every harvest, bring the running totals up to date (``store.tally``: the session's tally and
today's spend), and at a turn end with ``budget.warn`` say once when a budget was crossed.

Called under the harvest lock, after the harvest's records were appended. The budget warning is
the one thing a hook ever prints (``{"systemMessage": …}``, shown under the answer): opt-in, once
per threshold, priced only from rates already known (no genai-prices import on the hook path).
"""

import time

from ..core.fastos import cache_dir
from ..store import rates, tally as _tally


def keep(event, session_id: str, found: list, positions: dict) -> dict:
    """Update and write the session's tally and today's spend with the responses ``found``; returns
    the tally. A tally missing or behind the journal is rebuilt from the whole session (derived)."""
    old = _tally.read_tally(event.runtime_dir, session_id)
    tally = old or _tally.new_tally()
    counted = _tally.scan_journal(event.session_dir, session_id, tally["mark"])
    if counted is None:
        try:
            entries = event.manager().get_session(session_id).activity_log
        except (KeyError, OSError):
            entries = []
        tally = _tally.rebuilt(entries, _tally.journal_mark(event.session_dir, session_id, len(entries)))
        tally["warned"] = old["warned"] if old else []
    else:
        calls, failures, tally["mark"] = counted
        tally["tool_calls"] += calls
        tally["failures"] += failures
        _tally.add_responses(tally, [record["details"] for record in found])
    tally["positions"] = positions
    today = time.strftime("%Y-%m-%d", time.gmtime())
    budget = event.config["budget"] if event.name == "Stop" and event.config["budget"].get("warn") else {}
    warnings = event.system_messages
    if budget.get("session"):
        warnings += _crossed(tally["warned"], "session", budget["session"], {"": tally["by_model"]}, event.config["prices"])
    day_check = (lambda day: _crossed(day["warned"], today, budget["day"], day["projects"], event.config["prices"])) if budget.get("day") else None
    _tally.write_json(_tally.tally_path(event.runtime_dir, session_id), tally)
    warnings += _tally.add_to_day(cache_dir(), event.project_dir, [(r["timestamp"], r["details"]) for r in found], today, day_check) or []
    return tally


def _crossed(warned: list, scope: str, limit: float, by_project: dict, custom: dict) -> list:
    """The warning for a budget crossed and not yet warned of (marked in ``warned``), else []."""
    mark = f"{scope}:{limit}"
    if mark in warned:
        return []
    cached = rates.read_cache(rates.cache_path(cache_dir())).get("models", {})
    spent = 0.0
    for by_model in by_project.values():
        cost = rates.known_total(by_model, custom, cached)
        if cost is None:
            return []  # a model not priced yet: no warning rather than a wrong one
        spent += cost
    if spent < limit:
        return []
    warned.append(mark)
    if scope == "session":
        return [f"Session budget reached: this session has cost ${spent:.2f} (budget ${limit:.2f}, claude-session-tracker)."]
    return [f"Daily budget reached: ${spent:.2f} spent today across projects (budget ${limit:.2f}, claude-session-tracker)."]
