"""``search``: full-text search of what the sessions recorded, through the index."""

import sys

from .common import CliError, emit_json, from_index, nothing_recorded, parse_since, project_namer, scope, scope_options, short_time
from .options import Option, command, positive_int


SEARCH_SORTS = ("newest", "relevance")  # search --sort (query.index.SORTS, named here without importing SQLite)


SEARCH_HELP = """\
What matches: a term of three characters or more matches any part of the text,
inside identifiers (UserBy finds getUserById), paths (main.py), error messages,
flags, and Japanese or Chinese text; a shorter one matches a whole word (go, v2;
go* as a prefix). Every term must match; "a phrase" matches as written (in a
shell, inside single quotes: '"tests failed"').

A query that starts with a dash goes after --:
  claude-sessions search -- --no-verify

Order: newest first by default, because you usually look for where you last saw
something, and it answers at once however common the word. --sort relevance ranks
by BM25 (how often, and in how short an entry, the terms appear), which scores
every match first: slower for a word found everywhere."""


@command("search", "full-text search of prompts, answers, tool inputs and outputs, and errors",
         Option("query", nargs="+", help="words, \"phrases\" or parts of them (all must match)"),
         *scope_options("search"),
         Option("--action", help="only entries with this action (user_input, tool_use, assistant_message, …)"),
         Option("--tool", help="only entries of this tool (Bash, Read, …)"),
         Option("--since", metavar="WHEN", help="only entries since WHEN: 2h, 3d, 1w or an ISO date (UTC)"),
         Option("--sort", choices=SEARCH_SORTS, default="newest", help="newest first (default), or most relevant first (BM25)"),
         Option("--limit", type=positive_int, default=20, metavar="N", help="at most N hits (default 20)"),
         Option("--json", action="store_true", help="print JSON (full ids, and each hit's position in its activity_log)"),
         epilog=SEARCH_HELP)
def cmd_search(args) -> int:
    """Full-text search over prompts, answers, tool calls and errors, newest first or by relevance."""
    projects = scope(args)
    since = parse_since(args.since) if args.since else None
    query = " ".join(args.query)
    try:
        hits = from_index(projects, lambda index: index.search(query, projects, args.action, args.tool, since, args.limit, args.sort))
    except ValueError as exc:
        raise CliError(str(exc), 2) from None
    if args.json:
        emit_json(hits)
        return 0
    if not hits:
        print(f"nothing matches {query!r}" if projects else nothing_recorded("sessions", ""), file=sys.stderr)
        return 1
    many, name = len(projects) > 1, project_namer()
    lines = []
    for hit in hits:
        where = f"{name(hit['project'])}  " if many else ""
        tool = f" {hit['tool']}" if hit["tool"] else ""
        lines.append(f"{where}{hit['session_id'][:8]}  {short_time(hit['timestamp'] or '')}  {hit['action']}{tool}  #{hit['position']}")
        lines += ["    " + line for line in hit["snippet"].split("\n")]
    print("\n".join(lines))
    return 0
