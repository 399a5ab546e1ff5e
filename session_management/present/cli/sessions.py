"""The sessions of a project, or of several: ``list``, ``show``, ``tail``, ``stats``, ``projects``."""

import os
import sys

from ..formats import NO_RESPONSE, all_tokens, cost_text, duration_text, plural, spent_cost_text, spent_tokens_text, tokens_text
from .common import (CliError, across_projects, emit_json, find_runtime_dir, from_index, load_session, manager_for, nothing_recorded, parse_since,
                     pricer_in_scope, project_namer, refresh_history, resolve_id, runtime_or_none, scope, scope_options, short_time, summaries_in_scope,
                     table, table_of_columns, unpriced_note, where)
from .options import Option, command, positive_int


LIST_STATUSES = ("active", "paused", "ended", "archived", "imported")  # what list --status accepts


@command("list", "sessions, newest first: status, times, prompts, tool calls, failures",
         *scope_options("list the sessions of"),
         Option("--status", choices=LIST_STATUSES, help="only sessions with this status (imported: known only from Claude Code's transcript)"),
         Option("--since", metavar="WHEN", help="only sessions active since WHEN: 2h, 3d, 1w or an ISO date (UTC)"),
         Option("--limit", type=positive_int, metavar="N", help="at most N sessions"),
         Option("--json", action="store_true", help="print JSON"))
def cmd_list(args) -> int:
    pricer = pricer_in_scope(args)
    since = parse_since(args.since) if args.since else None
    if across_projects(args) and not args.json:  # filtered, counted, priced and cut to the minute by the index
        projects = scope(args)
        cells = from_index(projects, lambda index: index.listing_cells(projects, pricer, args.status, since, args.limit))
        return print_listing(cells, where(projects), args, pricer)
    sessions, where_from = summaries_in_scope(args)
    sessions = [with_spending(s, pricer) for s in sessions]
    if args.status:
        sessions = [s for s in sessions if s["status"] == args.status or s["session_status"] == args.status]
    if since:
        from ...claude_session import parse_timestamp

        sessions = [s for s in sessions if parse_timestamp(s["last_activity"]) >= since]
    sessions.sort(key=lambda s: s["created_at"], reverse=True)
    sessions = sessions[: args.limit]
    if args.json:
        emit_json(sessions)
        return 0
    marks = {"archived": " (archived)", "imported": " (imported)"}
    cells = [(None, s["session_id"][:8], s["session_status"] + marks.get(s["status"], ""), short_time(s["created_at"]), short_time(s["last_activity"]),
              s["duration_seconds"], s["prompts"], s["tool_calls"], s["failures"], s["requests"], s["tokens"], s["cost_usd"]) for s in sessions]
    return print_listing(cells, where_from, args, pricer)


def print_listing(cells, where_from: str, args, pricer) -> int:
    """The sessions table from ``cells``, tuples as ``Index.listing_cells`` gives them (with None for
    the project in one project's own list): only the figures are formatted here, column by column,
    each project's name once."""
    if not cells:
        print("no sessions match" if (args.status or args.since) and where_from else nothing_recorded("sessions", where_from), file=sys.stderr)
        return 1
    projects, ids, statuses, started, last, seconds, prompts, tools, failures, requests, tokens, costs = zip(*cells)
    columns = [ids, statuses, started, last, list(map(duration_text, seconds)), prompts, tools, failures,
               list(map(spent_tokens_text, requests, tokens)), list(map(spent_cost_text, requests, costs))]
    headers = ("ID", "STATUS", "STARTED (UTC)", "LAST ACTIVITY", "DURATION", "PROMPTS", "TOOLS", "FAILURES", "TOKENS", "COST")
    if projects[0] is not None:
        name = project_namer()
        names = {path: name(path) for path in set(projects)}
        headers, columns = ("PROJECT", *headers), [list(map(names.__getitem__, projects)), *columns]
    print(table_of_columns(headers, columns))
    unpriced_note(pricer)
    return 0


def with_spending(summary: dict, pricer) -> dict:
    """A summary with its usage priced, and the ``requests``, ``tokens`` and ``cost_usd`` a list shows."""
    from ...query.cost import priced
    from ...query.summaries import usage_of

    spent = priced(usage_of(summary), pricer)
    return {**summary, "usage": spent, "requests": spent["requests"], "tokens": all_tokens(spent), "cost_usd": spent["cost_usd"]}


@command("show", "one session as a timeline (an id or a unique prefix of one)",
         Option("id"),
         Option("--json", action="store_true", help="print the session and its decisions as JSON"))
def cmd_show(args) -> int:
    from ...query.cost import priced
    from ...query.summaries import summarize, usage_of
    from ...query.timeline import rows as timeline_rows
    from ...query.usage import per_turn, total_of

    runtime = runtime_or_none(args)
    data, decisions = load_session(runtime, args.id)
    summary = summarize(data, data["status"])
    pricer = pricer_in_scope(args)
    spent = priced(usage_of(summary), pricer)
    if args.json:
        emit_json({"session": data, "decisions": decisions, "usage": spent})
        return 0
    print(f"Session {data['session_id']}  ({data['status']})")
    print(
        f"started {data['created_at']} · last activity {data['last_activity']} · {duration_text(summary['duration_seconds'])} · "
        f"{plural(summary['prompts'], 'prompt')} · {plural(summary['tool_calls'], 'tool call')} · {plural(summary['failures'], 'failure')}"
    )
    meta = [f"{key} {data['metadata'][key]}" for key in ("cwd", "source", "model", "end_reason") if data["metadata"].get(key)]
    if meta:
        print(" · ".join(meta))
    from ...query.combined import is_imported

    if is_imported(data):
        print(imported_note(data))
    if spent["requests"]:
        print(usage_line(spent))
    print()
    turns = per_turn(data["activity_log"])
    for row in timeline_rows(data, decisions):
        duration = f"  ({row['duration_ms']:.0f} ms)" if row["duration_ms"] is not None else ""
        turn = turns.get(row["order"]) if row["action"] != "decision" else None
        spent_in_turn = f"  [{tokens_text(all_tokens(total_of(turn)))} tokens, {cost_text(pricer.total(turn))}]" if turn else ""
        print(f"{row['at'][11:23]}  +{row['offset']:7.1f}s  {row['kind']:<10} {row['text']}{duration}{spent_in_turn}")
    unpriced_note(pricer)
    return 0


def imported_note(data: dict) -> str:
    """What a session read (wholly or partly) from Claude Code's transcript lacks."""
    imported = data["metadata"].get("imported") or {}
    if "entries" in imported:
        return f"{plural(imported['entries'], 'record')} imported from Claude Code's transcript (from before the hooks recorded it): they carry no decisions and no hook-only fields"
    return "imported from Claude Code's transcript: no hooks recorded it, so it has no decisions, no session start/end and no hook-only fields"


def usage_line(spent: dict) -> str:
    """One line of a priced usage: tokens by kind, requests, cost, and cost per model."""
    models = " · ".join(f"{model} {cost_text(t['cost_usd'])}" for model, t in spent["by_model"].items())
    return (
        f"tokens {tokens_text(spent['input_tokens'])} in · {tokens_text(spent['output_tokens'])} out · "
        f"{tokens_text(spent['cache_creation_input_tokens'])} cache write · {tokens_text(spent['cache_read_input_tokens'])} cache read · "
        f"{plural(spent['requests'], 'request')} · cost {cost_text(spent['cost_usd'])} ({models})"
    )


@command("tail", "follow a session as events arrive (default: the most recent one not ended)",
         Option("id", nargs="?"),
         Option("--interval", type=float, default=0.5, help="seconds between checks (default 0.5)"),
         Option("--timeout", type=float, help="stop after this many seconds"))
def cmd_tail(args) -> int:
    import time

    from ...query.summaries import all_summaries, files_fingerprint
    from ...query.timeline import describe

    runtime = find_runtime_dir(args.runtime_dir)
    manager = manager_for(runtime)
    if args.id:
        session_id = resolve_id(runtime, args.id)[0]
    else:
        candidates = [s for s in all_summaries(runtime) if s["session_status"] != "ended"]
        if not candidates:
            raise CliError("no active session to follow; name one: claude-sessions tail ID")
        session_id = max(candidates, key=lambda s: s["last_activity"])["session_id"]
    print(f"following session {session_id} (Ctrl+C to stop)", file=sys.stderr, flush=True)
    printed, last_fingerprint = 0, None
    deadline = time.monotonic() + args.timeout if args.timeout else None
    try:
        while True:
            fingerprint = files_fingerprint(
                [folder / f"session_{session_id}.{suffix}" for folder in (manager.session_dir, manager.archive_dir) for suffix in ("json", "journal")]
            )
            if fingerprint != last_fingerprint:
                last_fingerprint = fingerprint
                try:
                    session = manager.get_session(session_id)
                except (KeyError, OSError):
                    session = None
                if session is not None:
                    for entry in session.activity_log[printed:]:
                        print(f"{entry.get('timestamp', '')[11:23]}  {entry.get('action', '?'):<14} {describe(entry)}", flush=True)
                    printed = len(session.activity_log)
                    if session.status == "ended":
                        print(f"session {session_id} ended", file=sys.stderr)
                        return 0
            if deadline and time.monotonic() > deadline:
                return 0
            time.sleep(args.interval)
    except KeyboardInterrupt:
        return 130


@command("stats", "tool use, failure rate, time per tool, prompts per session (one session or all)",
         Option("id", nargs="?"),
         *scope_options("count"),
         Option("--json", action="store_true", help="print JSON"))
def cmd_stats(args) -> int:
    from ...query import spend
    from ...query.summaries import summarize

    if args.id:
        data, _ = load_session(runtime_or_none(args), args.id)
        summaries = [summarize(data, data["status"])]
    else:
        summaries, where = summaries_in_scope(args)
        if not summaries and not args.json:
            print(nothing_recorded("sessions", where), file=sys.stderr)
            return 1
    pricer = pricer_in_scope(args)
    result = spend.stats(summaries, pricer, by_project=across_projects(args) and not args.id)
    prompts, calls, failures, spent = result["prompts"], result["tool_calls"], result["failures"], result["usage"]
    if args.json:
        emit_json(result)
        return 0
    print(
        f"{plural(result['sessions'], 'session')} · {plural(prompts, 'prompt')} ({result['prompts_per_session']} per session) · "
        f"{plural(calls, 'tool call')} · {plural(failures, 'failure')} ({result['failure_rate']:.1%})"
    )
    print(usage_line(spent) if spent["requests"] else f"tokens {NO_RESPONSE} · cost {NO_RESPONSE} (no response recorded)")
    if spent["requests"]:
        agents = [(agent, t["requests"], tokens_text(all_tokens(t)), cost_text(t["cost_usd"])) for agent, t in spent["by_agent"].items()]
        if len(agents) > 1:
            print()
            print(table(("AGENT", "REQUESTS", "TOKENS", "COST"), agents))
    if "projects" in result:
        print()
        name = project_namer()
        rows = [(name(path), p["sessions"], p["prompts"], p["tool_calls"], p["failures"], spent_tokens_text(p["requests"], p["tokens"]),
                 spent_cost_text(p["requests"], p["cost_usd"])) for path, p in result["projects"].items()]
        print(table(("PROJECT", "SESSIONS", "PROMPTS", "TOOLS", "FAILURES", "TOKENS", "COST"), rows))
    if result["tools"]:
        print()
        rows = [(name, t["calls"], t["failures"], f"{t['failure_rate']:.1%}", round(t["total_ms"] / 1000, 1), t["mean_ms"]) for name, t in result["tools"].items()]
        print(table(("TOOL", "CALLS", "FAILURES", "FAIL RATE", "TOTAL S", "MEAN MS"), rows))
    unpriced_note(pricer)
    return 0


@command("projects", "every project tracked on this machine: sessions, last activity, or missing (the user's catalog)",
         Option("--json", action="store_true", help="print JSON"))
def cmd_projects(args) -> int:
    """The projects in the user's catalog: sessions and last activity, or that they are missing."""
    from ...query.cost import Pricer
    from ...store import catalog

    from ...store import history

    folder = catalog.home()
    refresh_history()
    known = catalog.read(folder)
    for path in history.projects(folder):
        known.setdefault(path, {"added": None, "imported": True})
    present = [path for path in known if os.path.isdir(path) or history.session_ids(history.project_folder(folder, path))]
    sessions = {}
    for session in from_index(present, lambda index: index.listing(present, Pricer())):
        sessions.setdefault(session["project"], []).append(session["last_activity"])
    found = [
        {"path": path, "exists": os.path.isdir(path), "sessions": len(sessions.get(path, ())),
         "last_activity": max(sessions.get(path, ()), default=None), "added": info.get("added")}
        for path, info in sorted(known.items())
    ]
    if args.json:
        emit_json(found)
        return 0
    if not found:
        print(nothing_recorded("projects", ""), file=sys.stderr)
        return 1
    rows = [(p["path"] + ("" if p["exists"] else "  (missing)"), p["sessions"] if p["path"] in present else "-", short_time(p["last_activity"] or "") or "-") for p in found]
    print(table(("PROJECT", "SESSIONS", "LAST ACTIVITY (UTC)"), rows))
    return 0
