"""Spend per session, per project and per day, shaped in one place for every view.

Figures are ``{model: token totals}`` (``core.tokens``), priced at the end by ``price``. This
module serves the status line from the running totals (``store.tally``) in constant time, and
imports neither ``json`` nor genai-prices unless a model's rate is not known yet. It is where
``usage``'s grouping (per day, week, month, session, project) belongs next: its inputs are the
same mappings, from the index instead of the tallies.
"""

from ..core.tokens import add, empty, merge
from ..store import rates, tally as _tally


def of_session(runtime_dir: str, session_id: str, pending=(), today: str = "") -> dict:
    """This session as the hooks counted it, plus what is new since: ``{"by_model", "tool_calls",
    "failures", "tracked", "pending_today"}``. ``pending``: the responses its transcripts hold
    beyond the last harvest (``capture.transcript.read_new``'s), of which ``pending_today`` are
    those dated ``today``. Tool counts are None for a session not counted yet (begun before tallies)."""
    tally = _tally.read_tally(runtime_dir, session_id)
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
    """Today's spend: ``{"project": {model: totals}, "all": {model: totals}}``, the day file's plus
    ``pending_today`` (this session's responses of today not harvested yet)."""
    day = _tally.read_day(cache_dir, today)
    here = merge(merge({}, day["projects"].get(project, {})), pending_today)
    everywhere = merge({}, pending_today)
    for by_model in day["projects"].values():
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
