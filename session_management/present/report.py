"""Session exports: Markdown, and one self-contained HTML file (no network, works offline)."""

import html
import json

from ..query.summaries import summarize
from .formats import all_tokens, cost_text, duration_text, tokens_text
from ..query.timeline import rows as timeline_rows

LANES = ["prompt", "assistant", "tool", "failure", "subagent", "decision", "turn end", "start", "end", "compaction", "interrupt", "command"]
COLOURS = {
    "prompt": "#2563eb", "tool": "#059669", "failure": "#dc2626", "subagent": "#7c3aed", "decision": "#d97706",
    "turn end": "#475569", "assistant": "#0891b2", "start": "#0f766e", "end": "#0f766e", "compaction": "#db2777",
    "interrupt": "#ea580c", "command": "#64748b",
}


def kind_class(kind: str) -> str:
    """The CSS class colouring a kind (a class, not a style attribute: the dashboard's CSP allows no inline style)."""
    return f"k{LANES.index(kind)}" if kind in LANES else "kx"


def usage_rows(spent: dict) -> list:
    """``(group, name, requests, input, output, cache write, cache read, cost)`` rows of a priced
    usage, the figures as text as every view shows them."""
    def row(group, name, t):
        tokens = (t["input_tokens"], t["output_tokens"], t["cache_creation_input_tokens"], t["cache_read_input_tokens"])
        return (group, name, str(t["requests"]), *map(tokens_text, tokens), "n/a (no price known)" if t["cost_usd"] is None else cost_text(t["cost_usd"]))

    return [row(group[3:], name, t) for group in ("by_model", "by_agent") for name, t in spent[group].items()] + [row("all", "total", spent)]


USAGE_HEADERS = ("per", "name", "requests", "input", "output", "cache write", "cache read", "cost")


def markdown(data: dict, decisions=(), spent: dict = None) -> str:
    """The session as Markdown; ``spent``: its priced usage (``query.cost.priced``), if any."""
    summary = summarize(data, data["status"])
    lines = [
        f"# Session `{data['session_id']}`",
        "",
        f"- **Status:** {data['status']}",
        f"- **Started:** {data['created_at']} · **last activity:** {data['last_activity']} · **duration:** {duration_text(summary['duration_seconds'])}",
        f"- **Prompts:** {summary['prompts']} · **tool calls:** {summary['tool_calls']} · **failures:** {summary['failures']} · **subagents:** {summary['subagents']}",
    ]
    for key in ("cwd", "source", "model", "end_reason"):
        if data["metadata"].get(key):
            lines.append(f"- **{key}:** `{data['metadata'][key]}`")
    lines += ["", "## Timeline", "", "| time | +s | kind | what | ms |", "|---|---:|---|---|---:|"]
    for row in timeline_rows(data, decisions):
        text = row["text"].replace("|", "\\|").replace("\n", " ")
        duration = "" if row["duration_ms"] is None else f"{row['duration_ms']:.0f}"
        lines.append(f"| {row['at'][11:23]} | {row['offset']:.1f} | {row['kind']} | {text} | {duration} |")
    if spent and spent["requests"]:
        lines += ["", "## Tokens and cost", "", "| " + " | ".join(USAGE_HEADERS) + " |", "|---|---|---:|---:|---:|---:|---:|---:|"]
        lines += ["| " + " | ".join(str(cell).replace("|", "\\|") for cell in row) + " |" for row in usage_rows(spent)]
    if summary["tools"]:
        lines += ["", "## Tools", "", "| tool | calls | failures | total ms |", "|---|---:|---:|---:|"]
        for name, (calls, failures, total) in sorted(summary["tools"].items(), key=lambda item: -item[1][0]):
            lines.append(f"| {name} | {calls} | {failures} | {total:.0f} |")
    return "\n".join(lines) + "\n"


CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#0f172a;background:#f8fafc}
header{padding:20px 28px;background:#0f172a;color:#f8fafc}
header h1{margin:0 0 6px;font-size:18px;font-weight:600}
header .meta{color:#cbd5e1;font-size:13px}
main{padding:20px 28px;max-width:1200px}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin-bottom:18px}
.card{background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:10px 14px;min-width:110px}
.card b{display:block;font-size:20px}
.card span{color:#64748b;font-size:12px}
section{background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:14px 16px;margin-bottom:18px}
h2{font-size:15px;margin:0 0 10px}
svg text{font-size:11px;fill:#475569}
.legend label{margin-right:12px;font-size:12px;cursor:pointer}
.swatch{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:4px;vertical-align:middle}
details{border-top:1px solid #f1f5f9;padding:4px 0}
summary{cursor:pointer;list-style:none;display:grid;grid-template-columns:92px 64px 86px 1fr 70px;gap:8px;align-items:baseline}
summary::-webkit-details-marker{display:none}
.t{color:#64748b;font-family:ui-monospace,Menlo,monospace;font-size:12px}
.kind{font-size:11px;font-weight:600;border-radius:4px;padding:1px 6px;color:#fff;text-align:center}
.ms{text-align:right;color:#64748b;font-size:12px}
pre{background:#f8fafc;border:1px solid #e2e8f0;border-radius:6px;padding:8px;overflow:auto;max-height:360px;font-size:12px;white-space:pre-wrap;word-break:break-word}
table{border-collapse:collapse}td,th{padding:3px 12px 3px 0;text-align:left}td.n{text-align:right}
.hidden{display:none}
.kx{background:#334155}
details.sub{margin-left:28px;border-left:3px solid #ddd6fe;padding-left:8px}
.spent{color:#64748b;font-size:12px;margin-left:8px}
""" + "".join(f".{kind_class(kind)}{{background:{colour}}}\n" for kind, colour in COLOURS.items())

LEGEND_JS = """
document.querySelectorAll('.legend input').forEach(function (box) {
  box.addEventListener('change', function () {
    document.querySelectorAll('[data-kind="' + box.value + '"]').forEach(function (el) {
      el.classList.toggle('hidden', !box.checked);
    });
  });
});
"""


def timeline_svg(rows, total_seconds: float) -> str:
    """The time-axis chart: one lane per kind, tools as bars ending when they finished, the rest as dots."""
    width, left, lane_height = 1000, 90, 22
    lanes = [lane for lane in LANES if any(row["kind"] == lane for row in rows)]
    height = 30 + lane_height * len(lanes)
    span = max(total_seconds, 1e-3)
    x = lambda seconds: left + (width - left - 10) * min(max(seconds / span, 0.0), 1.0)
    parts = [f'<svg viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="timeline">']
    for index, lane in enumerate(lanes):
        y = 10 + index * lane_height
        parts.append(f'<text x="0" y="{y + 14}">{html.escape(lane)}</text>')
        parts.append(f'<line x1="{left}" x2="{width - 10}" y1="{y + 10}" y2="{y + 10}" stroke="#e2e8f0"/>')
    for tick in range(6):
        seconds = span * tick / 5
        tx = x(seconds)
        parts.append(f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="6" y2="{height - 16}" stroke="#f1f5f9"/>')
        label = f"{seconds:.1f}s" if span < 10 else duration_text(seconds)
        parts.append(f'<text x="{tx:.1f}" y="{height - 2}" text-anchor="middle">+{label}</text>')
    for row in rows:
        if row["kind"] not in lanes:
            continue
        y = 10 + lanes.index(row["kind"]) * lane_height
        colour = COLOURS.get(row["kind"], "#334155")
        title = html.escape(f"+{row['offset']:.1f}s {row['kind']}: {row['text']}")
        start = x(row["offset"])
        kind = html.escape(row["kind"])
        if row["duration_ms"]:  # a tool's event arrives when it finished: the bar ends there
            end, start = start, x(row["offset"] - row["duration_ms"] / 1000)
            parts.append(f'<rect data-kind="{kind}" x="{start:.1f}" y="{y + 4}" width="{max(end - start, 3):.1f}" height="12" rx="2" fill="{colour}"><title>{title}</title></rect>')
        else:
            parts.append(f'<circle data-kind="{kind}" cx="{start:.1f}" cy="{y + 10}" r="5" fill="{colour}"><title>{title}</title></circle>')
    parts.append("</svg>")
    return "".join(parts)


def legend(rows) -> str:
    """Check boxes that show or hide each kind present in ``rows`` (``LEGEND_JS`` wires them)."""
    return "".join(
        f'<label><input type="checkbox" value="{html.escape(kind)}" checked><span class="swatch {kind_class(kind)}"></span>{html.escape(kind)}</label>'
        for kind in LANES if any(row["kind"] == kind for row in rows)
    )


def event_item(row: dict, spent_text: str = "") -> str:
    """One timeline row with its details on demand; a subagent's rows are set in under it;
    ``spent_text``: the tokens and cost of the turn it ends, if any. Every recorded text is escaped."""
    esc = html.escape
    duration = "" if row["duration_ms"] is None else f"{row['duration_ms']:.0f} ms"
    body = esc(json.dumps(row["details"], indent=2, ensure_ascii=False))
    nested = " sub" if row["details"].get("agent_id") and row["action"] != "subagent_start" else ""
    anchor = f' id="e{row["order"]}"' if row["action"] != "decision" else ""
    spent = f'<span class="spent">{esc(spent_text)}</span>' if spent_text else ""
    return (
        f'<details{anchor} class="ev{nested}" data-kind="{esc(row["kind"])}"><summary><span class="t">{esc(row["at"][11:23])}</span>'
        f'<span class="t">+{row["offset"]:.1f}s</span>'
        f'<span class="kind {kind_class(row["kind"])}">{esc(row["kind"])}</span>'
        f'<span>{esc(row["text"])}{spent}</span><span class="ms">{duration}</span></summary><pre>{body}</pre></details>'
    )


def cards(data: dict, summary: dict, decisions=(), spent: dict = None) -> str:
    """The summary cards: status, duration, counts, and tokens and cost when there were responses."""
    found = [
        ("status", data["status"]), ("duration", duration_text(summary["duration_seconds"])), ("prompts", summary["prompts"]),
        ("tool calls", summary["tool_calls"]), ("failures", summary["failures"]), ("subagents", summary["subagents"]),
        ("decisions", len(decisions)),
    ]
    if spent and spent["requests"]:
        found += [("tokens", tokens_text(all_tokens(spent))), ("cost", cost_text(spent["cost_usd"]))]  # as list and usage show them
    return "".join(f'<div class="card"><b>{html.escape(str(value))}</b><span>{html.escape(label)}</span></div>' for label, value in found)


def meta_line(data: dict) -> str:
    """Start → last activity, then cwd, source, model and end reason where recorded; escaped."""
    esc = html.escape
    meta = " · ".join(f"{esc(key)}: {esc(str(data['metadata'][key]))}" for key in ("cwd", "source", "model", "end_reason") if data["metadata"].get(key))
    return f"{esc(data['created_at'])} → {esc(data['last_activity'])}{' · ' + meta if meta else ''}"


def usage_section(spent: dict = None) -> str:
    """Tokens and cost per model and per agent, as a table section ('' without responses)."""
    if not spent or not spent["requests"]:
        return ""
    body = "".join("<tr>" + "".join(f"<td{' class=n' if 2 <= column <= 6 else ''}>{html.escape(cell)}</td>" for column, cell in enumerate(row)) + "</tr>"
                   for row in usage_rows(spent))  # columns 2 to 6: requests and tokens, right-aligned
    return f"<section><h2>Tokens and cost</h2><table><tr>{''.join(f'<th>{h}</th>' for h in USAGE_HEADERS)}</tr>{body}</table></section>"


def tools_section(summary: dict) -> str:
    """Calls, failures and total time per tool, busiest first."""
    rows = "".join(
        f"<tr><td>{html.escape(name)}</td><td class=n>{calls}</td><td class=n>{failures}</td><td class=n>{total_ms:.0f}</td></tr>"
        for name, (calls, failures, total_ms) in sorted(summary["tools"].items(), key=lambda item: -item[1][0])
    )
    table = f"<table><tr><th>tool</th><th>calls</th><th>failures</th><th>total ms</th></tr>{rows}</table>" if rows else "<p>No tool calls.</p>"
    return f"<section><h2>Tools</h2>{table}</section>"


def timeline_section(rows: list, summary: dict) -> str:
    """The legend and the time-axis chart of every row."""
    total = max([summary["duration_seconds"]] + [row["offset"] for row in rows])
    return f'<section><h2>Timeline</h2><div class="legend">{legend(rows)}</div>{timeline_svg(rows, total)}</section>'


def html_report(data: dict, decisions=(), spent: dict = None) -> str:
    """One HTML file: summary cards, a time-axis chart, the timeline with details on demand, tool
    table, and tokens and cost per model and per agent (``spent``, as for ``markdown``)."""
    summary = summarize(data, data["status"])
    rows = timeline_rows(data, decisions)
    esc = html.escape
    items = [event_item(row) for row in rows]
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Session {esc(data['session_id'])}</title><style>{CSS}</style></head>
<body><header><h1>Claude Code session {esc(data['session_id'])}</h1>
<div class="meta">{meta_line(data)}</div></header>
<main><div class="cards">{cards(data, summary, decisions, spent)}</div>
{timeline_section(rows, summary)}
<section><h2>Events ({len(rows)})</h2>{''.join(items) or '<p>No events recorded.</p>'}</section>
{usage_section(spent)}
{tools_section(summary)}
</main><script>{LEGEND_JS}</script></body></html>
"""
