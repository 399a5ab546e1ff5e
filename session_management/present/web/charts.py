"""Charts as inline SVG drawn on the server: no script, no library, no network, so the usage page
works offline and under a CSP that allows no inline script. Every label is escaped."""

import math
from html import escape


def columns(points, value_text, colour: str = "#2563eb", label: str = "chart", money: bool = False) -> str:
    """Vertical columns, one per ``(label, value)`` in order (days); each says its value on hover; the
    axis is ticked at round numbers (dollars when ``money``, else counts)."""
    width, height, left, bottom, top = 960, 240, 70, 40, 14
    if not points:
        return '<p class="empty">Nothing recorded in this period.</p>'
    ticks = axis_ticks(max(value for _, value in points), whole=not money)
    peak = ticks[-1]
    slot = (width - left - 10) / len(points)
    bar = max(min(slot * 0.7, 48), 1)
    every = max(1, round(len(points) / 12))  # at most ~12 axis labels
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="{escape(label)}">']
    parts += _grid(width, height, left, bottom, top, ticks, money_tick if money else count_tick)
    for n, (name, value) in enumerate(points):
        x = left + slot * n + (slot - bar) / 2
        tall = (height - bottom - top) * value / peak
        parts.append(
            f'<rect x="{x:.1f}" y="{height - bottom - tall:.1f}" width="{bar:.1f}" height="{max(tall, 0.5):.1f}" rx="2" fill="{colour}">'
            f"<title>{escape(str(name))}: {escape(value_text(value))}</title></rect>"
        )
        if n % every == 0:
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{height - bottom + 16}" text-anchor="middle">{escape(str(name))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def bars(items, value_text, colour: str = "#059669", label: str = "chart") -> str:
    """Horizontal bars, largest first, each labelled with its name and value."""
    items = sorted(items, key=lambda item: -item[1])
    if not items:
        return '<p class="empty">Nothing recorded in this period.</p>'
    width, row, left, right = 960, 26, 260, 120
    peak = max(value for _, value in items) or 1
    height = row * len(items) + 8
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="{escape(label)}">']
    for n, (name, value) in enumerate(items):
        y = 4 + n * row
        long = (width - left - right) * value / peak
        shown = name if len(name) <= 38 else "…" + name[-37:]
        parts.append(f'<text x="{left - 8}" y="{y + 16}" text-anchor="end">{escape(shown)}<title>{escape(name)}</title></text>')
        parts.append(f'<rect x="{left}" y="{y + 3}" width="{max(long, 1):.1f}" height="{row - 8}" rx="3" fill="{colour}"><title>{escape(name)}: {escape(value_text(value))}</title></rect>')
        parts.append(f'<text x="{left + long + 6:.1f}" y="{y + 16}">{escape(value_text(value))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def series(windows, now: float, forecasts: dict, label: str = "chart") -> str:
    """Used percent over time: one line per window (``query.limits.windows``, oldest first), a dashed
    mark at each reset, a red dot where it was hit, and a dotted line from the last sample to 100 %
    where ``forecasts`` (``{resets_at: forecast}``) says the pace gets there."""
    width, height, left, bottom, top = 960, 240, 50, 30, 14
    points = [(t, used) for window in windows for t, used, *_ in window["samples"]]
    if not points:
        return '<p class="empty">Nothing recorded.</p>'
    ends = [w["resets_at"] for w in windows if w["resets_at"]] + [f["at"] for f in forecasts.values() if f]
    first, last = min(t for t, _ in points), max([now, *ends, *(t for t, _ in points)])
    span = max(last - first, 1.0)
    x = lambda t: left + (width - left - 10) * (t - first) / span  # noqa: E731
    y = lambda used: height - bottom - (height - bottom - top) * min(max(used, 0), 100) / 100  # noqa: E731
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="{escape(label)}">']
    parts += _grid(width, height, left, bottom, top, [0, 25, 50, 75, 100], lambda value, step: f"{value:g}%")
    for window in windows:
        line = " ".join(f"{x(t):.1f},{y(used):.1f}" for t, used, *_ in window["samples"])
        if line:
            parts.append(f'<polyline points="{line}" fill="none" stroke="#2563eb" stroke-width="2"><title>peak {window["peak"]:g}%</title></polyline>')
        if window["resets_at"]:
            parts.append(f'<line class="reset" x1="{x(window["resets_at"]):.1f}" x2="{x(window["resets_at"]):.1f}" y1="{top}" y2="{height - bottom}" '
                         f'stroke="#94a3b8" stroke-dasharray="4 4"><title>reset {escape(_clock(window["resets_at"]))}</title></line>')
        if window["hit_at"] is not None:
            parts.append(f'<circle class="hit" cx="{x(window["hit_at"]):.1f}" cy="{y(100):.1f}" r="5" fill="#dc2626"><title>hit {escape(_clock(window["hit_at"]))}</title></circle>')
        reach = forecasts.get(window["resets_at"])
        if reach and window["samples"]:
            t, used = window["samples"][-1][:2]
            parts.append(f'<line class="forecast" x1="{x(t):.1f}" y1="{y(used):.1f}" x2="{x(reach["at"]):.1f}" y2="{y(100):.1f}" stroke="#d97706" '
                         f'stroke-dasharray="2 4" stroke-width="2"><title>100 % at {escape(_clock(reach["at"]))}</title></line>')
    parts.append(f'<text x="{left}" y="{height - 8}">{escape(_clock(first))}</text><text x="{width - 10}" y="{height - 8}" text-anchor="end">{escape(_clock(last))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _clock(t: float) -> str:
    import time

    return time.strftime("%Y-%m-%d %H:%M", time.localtime(t))


def axis_ticks(peak: float, whole: bool = False, most: int = 6) -> list:
    """Ticks from 0 to the first round number at or above ``peak``, at a step a person would pick
    (1, 2 or 5 times a power of ten; at least 1 when ``whole``), at most ``most`` steps."""
    if peak <= 0:
        peak = 1.0
    power = 10 ** math.floor(math.log10(peak / most))
    step = next(factor * power for factor in (1, 2, 5, 10) if peak / (factor * power) <= most)
    if whole:
        step = max(step, 1)
    count = math.ceil(peak / step - 1e-9)
    return [round(step * n, 12) for n in range(count + 1)]


def money_tick(value: float, step: float) -> str:
    """A tick in dollars with the decimals its step needs, cents at least below a dollar: $0.02, $0.50, $0.005, $10."""
    decimals = max(2 if step < 1 else 0, -math.floor(math.log10(step) + 1e-9)) if step else 2
    return f"${value:,.{decimals}f}"


def count_tick(value: float, step: float) -> str:
    """A count tick: 500, 10k, 2.5M."""
    for size, unit in ((1_000_000, "M"), (1000, "k")):
        if value >= size:
            return f"{round(value / size, 9):g}{unit}"
    return f"{round(value, 9):g}"


def _grid(width, height, left, bottom, top, ticks, tick_text) -> list:
    parts = []
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 0
    for n, value in enumerate(ticks):
        y = height - bottom - (height - bottom - top) * value / ticks[-1]
        parts.append(f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e2e8f0"/>')
        parts.append(f'<text class="tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{escape(tick_text(value, step))}</text>')
    return parts
