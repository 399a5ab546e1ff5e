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
