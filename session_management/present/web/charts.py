"""Charts as inline SVG drawn on the server: no script, no library, no network, so the usage page
works offline and under a CSP that allows no inline script. Every label is escaped."""

from html import escape


def columns(points, value_text, colour: str = "#2563eb", label: str = "chart") -> str:
    """Vertical columns, one per ``(label, value)`` in order (days); each says its value on hover."""
    width, height, left, bottom, top = 960, 240, 70, 40, 14
    if not points:
        return '<p class="empty">Nothing recorded in this period.</p>'
    peak = max(value for _, value in points) or 1
    slot = (width - left - 10) / len(points)
    bar = max(min(slot * 0.7, 48), 1)
    every = max(1, round(len(points) / 12))  # at most ~12 axis labels
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="{escape(label)}">']
    parts += _grid(width, height, left, bottom, top, peak, value_text)
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


def _grid(width, height, left, bottom, top, peak, value_text) -> list:
    parts = []
    for step in range(5):
        value = peak * step / 4
        y = height - bottom - (height - bottom - top) * step / 4
        parts.append(f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e2e8f0"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{escape(value_text(value))}</text>')
    return parts
