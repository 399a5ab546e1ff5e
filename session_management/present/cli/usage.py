"""``usage``: tokens and cost grouped by day, week, month, session, project, model or agent."""

import os
import sys

from ..formats import all_tokens, cost_text, tokens_text
from .common import (across_projects, emit_json, from_index, nothing_recorded, parse_since, pricer_in_scope, project_namer, scope, scope_options,
                     summaries_in_scope, table, unpriced_note, view_runtime, where)
from .options import Option, command


USAGE_GROUPS = ("day", "week", "month", "session", "project", "model", "agent")  # usage --by


@command("usage", "tokens and cost, ccusage-style: per day, week, month, session, project, model or agent, totals last",
         Option("--by", choices=USAGE_GROUPS, default="day", help="how to group (default: day)"),
         *scope_options("add up"),
         Option("--since", metavar="WHEN", help="only usage since WHEN: 2h, 3d, 1w or an ISO date (UTC)"),
         Option("--json", action="store_true", help="print JSON"))
def cmd_usage(args) -> int:
    """ccusage-style: tokens and cost grouped by day, week, month, session, model or agent; totals last.
    Across projects the index adds the tokens up; in one project, its sessions' summaries."""
    from ...query import spend

    since = parse_since(args.since) if args.since else None
    if across_projects(args):
        projects = scope(args)
        groups = from_index(projects, lambda index: spend.grouped(spend.cells_in_index(index, projects, args.by, since), args.by))
        where_from = where(projects)
    else:
        summaries, where_from = summaries_in_scope(args)
        here = os.path.dirname(os.path.dirname(view_runtime(args.runtime_dir))) if args.by == "project" else None
        groups = spend.grouped(spend.cells(summaries, args.by, since, here), args.by)
    pricer = pricer_in_scope(args)
    report = spend.usage_report(groups, args.by, pricer)
    if args.json:
        emit_json(report)
        return 0
    if not report["rows"]:
        print(nothing_recorded("token usage", where_from, period=bool(since and where_from)), file=sys.stderr)
        return 1
    def cells(label, t):
        counts = (t["input_tokens"], t["output_tokens"], t["cache_creation_input_tokens"], t["cache_read_input_tokens"], all_tokens(t))
        return (label, t["requests"], *map(tokens_text, counts), cost_text(t["cost_usd"]))
    label = project_namer() if args.by == "project" else (lambda key: key[:40])
    lines = [cells(label(row[args.by]), row) for row in report["rows"]] + [cells("TOTAL", report["totals"])]
    print(table((args.by.upper(), "REQUESTS", "INPUT", "OUTPUT", "CACHE WRITE", "CACHE READ", "TOTAL TOKENS", "COST"), lines))
    unpriced_note(pricer)
    return 0
