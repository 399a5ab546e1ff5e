"""The subscription limits read back from the quota ledger (``store.quota``): each 5-hour and weekly
window (named by its reset) with its samples, peak and hit; the current ones with their pace and a
forecast; and, for a user who never had ``rate_limits`` (an API key), 5-hour blocks of activity.

Pure functions over plain values (``windows``, ``summary``, ``blocks``, and ``store.quota``'s ``pace``
and ``forecast``, which the status line runs too), fed by ``read_ledger``: the tests give them series
with known answers.
"""

from ..store import quota
from ..store.quota import forecast, pace  # noqa: F401 (kept there: the status line's forecast loads no more than the ledger)

BLOCK_SECONDS = 5 * 3600


def read_ledger(data_home: str) -> list:
    """The ledger's entries (samples and hits) in the order they were written; torn lines skipped.
    Parsed as one JSON array when every line is whole (half the time of a parse per line: 0.8 s
    against 1.6 s for a year of samples, 100,000 lines), line by line when one is not."""
    import json

    try:
        with open(quota.ledger_path(data_home), "rb") as handle:
            lines = [line for line in handle.read().split(b"\n") if line.strip()]
    except OSError:
        return []
    try:
        parsed = json.loads(b"[" + b",".join(lines) + b"]")
    except (ValueError, RecursionError):
        parsed = [_line(line) for line in lines]
    return [entry for entry in parsed if isinstance(entry, dict) and _is_number(entry.get("t"))]


def _line(line: bytes):
    """One ledger line parsed, or None (torn, damaged)."""
    import json

    try:
        return json.loads(line)
    except (ValueError, RecursionError):
        return None


def windows(entries: list) -> list:
    """Every window the entries name, oldest reset first: ``{"window", "resets_at", "samples":
    [(t, used, session, model)] in written order, "peak", "hit", "hit_at"}``. A window is hit when
    a sample reached 100 % or a limit hit was recorded in it."""
    found = {}
    for entry in entries:
        for name in quota.WINDOWS:
            figures = entry.get(name)
            if isinstance(figures, dict) and _is_number(used := figures.get("used")):
                resets = figures.get("resets_at") if _is_number(figures.get("resets_at")) else None
                window = found.get((name, resets))
                if window is None:
                    window = found[(name, resets)] = _window(name, resets)
                window["samples"].append((entry["t"], used, entry.get("session"), entry.get("model")))
                if used > window["peak"]:
                    window["peak"] = used
                if used >= 100 and window["hit_at"] is None:
                    window["hit"], window["hit_at"] = True, entry["t"]
    for entry in entries:
        if entry.get("hit") in quota.WINDOWS:
            resets = entry.get("resets_at") if _is_number(entry.get("resets_at")) else None
            window = found.get((entry["hit"], resets)) or _latest_before(found, entry["hit"], entry["t"])
            if window is None:
                window = found.setdefault((entry["hit"], resets), _window(entry["hit"], resets))
            window["hit"] = True
            window["hit_at"] = entry["t"] if window["hit_at"] is None else min(window["hit_at"], entry["t"])
    return sorted(found.values(), key=lambda w: (w["resets_at"] or 0, w["window"]))


def _is_number(value) -> bool:
    """A figure the ledger's writer would have written: a number, not a bool (a line edited or
    damaged by hand is read as far as it makes sense, never a crash of ``limits`` or the page)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _window(name: str, resets_at) -> dict:
    return {"window": name, "resets_at": resets_at, "samples": [], "peak": 0, "hit": False, "hit_at": None}


def _latest_before(found: dict, name: str, when: float):
    """The window of kind ``name`` with the latest sample at or before ``when``."""
    best = None
    for window in found.values():
        times = [t for t, *_ in window["samples"] if t <= when]
        if window["window"] == name and times and (best is None or max(times) > best[0]):
            best = (max(times), window)
    return best and best[1]


def summary(entries: list, now: float, found: list = None) -> dict:
    """``{"current": {window name: {...}}, "past": [...], "seen": bool}``: the current window of each
    kind (its reset still ahead of ``now``) with used %, pace and forecast; the others as past.
    ``found``: the entries' ``windows`` when the caller has made them already (the dashboard charts them)."""
    found = windows(entries) if found is None else found
    current = {}
    for window in found:
        if window["samples"] and window["resets_at"] is not None and window["resets_at"] > now:
            if window["window"] not in current or window["resets_at"] > current[window["window"]]["resets_at"]:
                current[window["window"]] = window
    shown = {}
    for name, window in current.items():
        t, used = window["samples"][-1][:2]
        per_hour = pace(window["samples"])
        shown[name] = {"window": name, "used": used, "at": t, "first": list(window["samples"][0][:2]), "resets_at": window["resets_at"], "pace_per_hour": per_hour,
                       "forecast": forecast(used, t, per_hour, window["resets_at"]), "peak": window["peak"], "hit": window["hit"],
                       "hit_at": window["hit_at"], "samples": len(window["samples"])}
    past = [{"window": w["window"], "resets_at": w["resets_at"], "peak": w["peak"], "hit": w["hit"], "hit_at": w["hit_at"], "samples": len(w["samples"])}
            for w in found if all(w is not c for c in current.values())]
    return {"seen": bool(found), "current": shown, "past": past}


def blocks(stamps: list, now: float) -> list:
    """5-hour blocks of activity, as ccusage's ``blocks``: ``stamps`` ``[(t, tokens)]``; a block starts
    at the hour of its first activity and holds what falls in the next 5 hours, a new one starting
    with the first activity after it. ``{"start", "end", "tokens", "responses", "active"}``."""
    found = []
    for t, count in sorted(stamps):
        if not found or t >= found[-1]["end"]:
            start = t - t % 3600
            found.append({"start": start, "end": start + BLOCK_SECONDS, "tokens": 0, "responses": 0, "active": False})
        found[-1]["tokens"] += count
        found[-1]["responses"] += 1
    for block in found:
        block["active"] = block["start"] <= now < block["end"]
    return found


WINDOW_SECONDS = {"five_hour": 5 * 3600, "seven_day": 7 * 86400}


def window_start(window: dict):
    """When a window began: its reset less its length (None without a reset)."""
    return None if window.get("resets_at") is None else window["resets_at"] - WINDOW_SECONDS[window["window"]]


def spend(responses: list, start: float, end: float) -> dict:
    """What the responses ``[(t, project, session, model, usage)]`` between ``start`` and ``end``
    used, ``{"session"|"project"|"model": {key: {model: token totals}}}`` (``core.tokens``)."""
    from ..core import tokens

    found = {"session": {}, "project": {}, "model": {}}
    for t, project, session, model, usage in responses:
        if start <= t < end:
            for by, key in (("session", session), ("project", project), ("model", model)):
                tokens.add(found[by].setdefault(key, {}).setdefault(model, tokens.empty()), usage)
    return found


def tokens_per_percent(first: tuple, last: tuple, responses: list) -> dict:
    """``{model: tokens}`` a percent of a window cost, learned from its samples: each model's tokens
    in the responses ``[(t, project, session, model, usage)]`` between the ``(t, used)`` samples
    ``first`` and ``last``, over the rise between them (with several models, each one's share of a
    percent); {} when the window did not rise."""
    from ..core import tokens

    rise = last[1] - first[1]
    if rise <= 0:
        return {}
    found = {}
    for t, _project, _session, model, usage in responses:
        if first[0] < t <= last[0]:
            found[model] = found.get(model, 0) + tokens.all_tokens(tokens.add(tokens.empty(), usage))
    return {model: round(count / rise) for model, count in found.items()}


def responses_between(index, projects, start: float, end: float) -> list:
    """``(t, project, session, model, usage)`` of each API response recorded in ``projects`` between
    ``start`` and ``end``: the sessions the index says were active then, read whole (once a response)."""
    import os

    from ..claude_session import parse_timestamp
    from ..core.timestamps import format_epoch
    from ..core.tokens import is_request
    from ..store import catalog, history
    from .summaries import read_combined

    marks = ", ".join("?" * len(projects))
    rows = index.db.execute(f"SELECT project, session_id, status FROM sessions WHERE project IN ({marks}) AND last_activity >= ? AND created_at < ?",
                            [*projects, format_epoch(start), format_epoch(end)]).fetchall()
    found, seen = [], set()
    for project, session_id, status in rows:
        try:
            data = read_combined(os.path.join(project, ".claude", "runtime", "sessions"), history.project_folder(catalog.home(), project), session_id, status)
        except (KeyError, OSError, ValueError):
            continue
        for entry in data["activity_log"]:
            details = entry.get("details") if isinstance(entry, dict) and entry.get("action") == "assistant_message" else None
            if not isinstance(details, dict) or not isinstance(details.get("usage"), dict) or not is_request(details.get("model")):
                continue
            key = (details.get("message_id"), details.get("request_id"))
            try:
                moment = parse_timestamp(entry.get("timestamp")).timestamp()
            except ValueError:
                continue
            if key not in seen and start <= moment < end:
                seen.add(key)
                found.append((moment, project, session_id, str(details.get("model")), details["usage"]))
    return found


def activity(index, projects) -> list:
    """``[(t, 1)]`` for every response the index holds in ``projects`` (for ``blocks``)."""
    from ..claude_session import parse_timestamp

    marks = ", ".join("?" * len(projects))
    rows = index.db.execute(f"SELECT e.timestamp FROM entries e JOIN sessions s ON e.session = s.id "
                            f"WHERE e.action = 'assistant_message' AND s.project IN ({marks})", list(projects)).fetchall()
    stamps = []
    for (stamp,) in rows:
        try:
            stamps.append((parse_timestamp(stamp).timestamp(), 1))
        except ValueError:
            continue
    return stamps
