"""At every harvest, bring the running totals up to date (``store.tally``: the session's tally and
today's spend), and at a turn end with ``budget.warn`` say once when a budget was crossed (dollars
per session and day; percent of a 5-hour or weekly window, once per window, from the quota ledger's
last sample: ``store.quota``); and, with ``budget.enforce``, what is over for a new prompt.

Called under the harvest lock, after the harvest's records were appended. The budget warning is
the one thing a hook ever prints (``{"systemMessage": …}``, shown under the answer): opt-in, once
per threshold, priced only from rates already known (no genai-prices import on the hook path).
"""

import time

from ..core.fastos import cache_dir, data_home
from ..store import quota, rates, tally as _tally

_WINDOW_NAMES = {"five_hour": "5-hour", "seven_day": "Weekly"}


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
    if budget.get("five_hour_percent") or budget.get("seven_day_percent"):
        warnings += [f"{name} limit budget reached: {used:g}% used (budget {limit:g}%{_resets(resets)}, claude-session-tracker)."
                     for name, used, limit, resets in quota_over(budget) if quota.mark_once(data_home(), f"{name}:{resets}:{limit}")]
    return tally


def quota_over(budget: dict) -> list:
    """``(window name, used, budget, resets_at)`` for each window of the quota ledger's last sample at
    or over its budget (``five_hour_percent``, ``seven_day_percent``) and not reset since."""
    over = []
    for window, figures in quota.last_figures(data_home()).items():
        limit, used, resets = budget.get(f"{window}_percent"), figures.get("used"), figures.get("resets_at")
        if limit and isinstance(used, (int, float)) and used >= limit and (not isinstance(resets, (int, float)) or resets > time.time()):
            over.append((_WINDOW_NAMES[window], used, limit, resets))
    return over


def _rates_for(by_models, custom: dict) -> dict:
    """The cached rates, after asking genai-prices once for each model with requests in ``by_models``
    that neither the config nor the cache prices yet (the first turn on a fresh machine: a third of a
    second, once per model; a model genai-prices does not know is cached as unknown, never asked again)."""
    cached = rates.read_cache(rates.cache_path(cache_dir())).get("models", {})
    missing = {model for by_model in by_models for model, totals in by_model.items()
               if totals.get("requests") and rates.given(model, custom) is None and model not in cached}
    if missing:
        from ..core.sitepackages import enable_site_packages

        enable_site_packages()
        learned = {model: rates.library_rates(model, cache_dir()) for model in sorted(missing)}
        cached = {**cached, **learned}
    return cached


def _resets(resets) -> str:
    return f", resets {time.strftime('%H:%M', time.localtime(resets))}" if isinstance(resets, (int, float)) else ""


def over_budget(event, session_id: str) -> list:
    """What the budget (``enforce: true``) says is over for a new prompt: the session's cost, today's
    across projects, a window's percent. Priced from known rates only (an unpriced model is never over)."""
    budget, prices = event.config["budget"], event.config["prices"]
    reasons = []
    if budget.get("session"):
        tally = _tally.read_tally(event.runtime_dir, session_id)
        spent = known_spend({"": tally["by_model"]}, prices) if tally else None
        if spent is not None and spent >= budget["session"]:
            reasons.append(f"this session has cost ${spent:.2f} (budget ${budget['session']:.2f})")
    if budget.get("day"):
        spent = known_spend(_tally.read_day(cache_dir(), time.strftime("%Y-%m-%d", time.gmtime()))["projects"], prices)
        if spent is not None and spent >= budget["day"]:
            reasons.append(f"${spent:.2f} spent today across projects (budget ${budget['day']:.2f})")
    reasons += [f"{name} limit {used:g}% used (budget {limit:g}%{_resets(resets)})" for name, used, limit, resets in quota_over(budget)]
    return reasons


def known_spend(by_project: dict, custom: dict):
    """What ``{project: {model: totals}}`` cost at the known rates (learning a new model's once), or
    None if a model with requests has no price."""
    cached = _rates_for(by_project.values(), custom)
    costs = [rates.known_total(by_model, custom, cached) for by_model in by_project.values()]
    return None if None in costs else sum(costs)


def _crossed(warned: list, scope: str, limit: float, by_project: dict, custom: dict) -> list:
    """The warning for a budget crossed and not yet warned of (marked in ``warned``), else []."""
    mark = f"{scope}:{limit}"
    if mark in warned:
        return []
    spent = known_spend(by_project, custom)
    if spent is None or spent < limit:  # None: a model not priced: no warning rather than a wrong one
        return []
    warned.append(mark)
    if scope == "session":
        return [f"Session budget reached: this session has cost ${spent:.2f} (budget ${limit:.2f}, claude-session-tracker)."]
    return [f"Daily budget reached: ${spent:.2f} spent today across projects (budget ${limit:.2f}, claude-session-tracker)."]
