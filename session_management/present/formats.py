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


def since_moment(text: str):
    """``2h``, ``3d``, ``45m``, ``1w`` ago, or an ISO date/time (UTC), as an aware datetime;
    ValueError for anything else."""
    from datetime import datetime, timedelta, timezone

    units = {"m": 60, "h": 3600, "d": 86400, "w": 604800}
    if text[:-1].isdigit() and text[-1:] in units:
        return datetime.now(timezone.utc) - timedelta(seconds=int(text[:-1]) * units[text[-1]])
    moment = datetime.fromisoformat(text.rstrip("Z"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
