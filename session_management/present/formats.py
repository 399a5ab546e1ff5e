"""How figures read and times are given in every view (CLI, reports, dashboard): durations,
token counts, costs, and "since when" filters."""

from ..core.tokens import all_tokens, text as tokens_text  # noqa: F401 (every view's; in core for the status line and query)


def duration_text(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


def cost_text(cost) -> str:
    return "n/a" if cost is None else f"${cost:,.4f}" if cost < 1 else f"${cost:,.2f}"


NO_RESPONSE = "-"  # the tokens and cost of what recorded no response: nothing to count, which 0 would not say


def spent_tokens_text(requests: int, tokens: int) -> str:
    """Tokens as every view shows them, or ``NO_RESPONSE`` when no request was recorded."""
    return tokens_text(tokens) if requests else NO_RESPONSE


def spent_cost_text(requests: int, cost) -> str:
    """Cost as every view shows it, or ``NO_RESPONSE`` when no request was recorded."""
    return cost_text(cost) if requests else NO_RESPONSE


def plural(count: int, noun: str, nouns: str = None) -> str:
    """``1 tool call``, ``2 tool calls``: a count with its noun, singular for one (``nouns``: the
    plural, where it is not the noun with an s)."""
    return f"{count} {noun if count == 1 else nouns or noun + 's'}"


def since_moment(text: str):
    """``2h``, ``3d``, ``45m``, ``1w`` ago, or an ISO date/time (UTC), as an aware datetime;
    ValueError for anything else."""
    from datetime import datetime, timedelta, timezone

    units = {"m": 60, "h": 3600, "d": 86400, "w": 604800}
    if text[:-1].isdigit() and text[-1:] in units:
        return datetime.now(timezone.utc) - timedelta(seconds=int(text[:-1]) * units[text[-1]])
    moment = datetime.fromisoformat(text.rstrip("Z"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
