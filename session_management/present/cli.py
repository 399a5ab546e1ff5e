"""claude-sessions: install the tracking hooks, and look at the sessions they record under .claude/runtime/.

Exit status: 0 ok, 1 not found or nothing to do, 2 usage error. Errors are one line on stderr. An
empty answer (nothing tracked yet, nothing matches) is one line on stderr and exit 1; with ``--json``
it is the empty result on stdout and exit 0.
"""

from __future__ import annotations  # annotations name Path without importing pathlib (see quick_args)

import os
import sys

from .. import __version__
from .formats import NO_RESPONSE, all_tokens, cost_text, duration_text, plural, since_moment, spent_cost_text, spent_tokens_text, tokens_text


class CliError(Exception):
    """A user-facing failure: its message is printed as one line, its code is the exit status."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


# -- locating data --------------------------------------------------------------------------


def find_runtime_dir(explicit=None, start=None) -> Path:
    """``--runtime-dir``, else the nearest ``.claude/runtime`` at or above the working directory."""
    from pathlib import Path

    return Path(runtime_path(explicit, start))


def runtime_path(explicit=None, start=None) -> str:
    """``find_runtime_dir`` as a string, found with ``os.path`` alone: a search needs no pathlib."""
    if explicit:
        path = os.path.expanduser(explicit)
        if not os.path.isdir(path):
            raise CliError(f"runtime directory {path} does not exist")
        return os.path.realpath(path)
    here = folder = os.path.realpath(start or os.getcwd())
    while True:
        candidate = os.path.join(folder, ".claude", "runtime")
        if os.path.isdir(candidate):
            return candidate
        if os.path.dirname(folder) == folder:
            raise CliError(f"no .claude/runtime found in {here} or above; run inside a tracked project or pass --runtime-dir")
        folder = os.path.dirname(folder)


def view_runtime(explicit=None) -> str:
    """The runtime directory a view of the current project reads: ``runtime_path``'s, else the
    ``.claude/runtime`` (absent) of the nearest folder at or above the working directory that has
    imported history (brought up to date first: the view shows that history alone) or whose own
    settings wire our hooks (installed, no session yet: the view says so). Neither: the one-line
    error of ``runtime_path``."""
    try:
        return runtime_path(explicit)
    except CliError:
        if explicit:
            raise
        from ..store import catalog, history

        refresh_history()
        here = os.path.realpath(os.getcwd())
        found = [folder for folder in (history.project_at(catalog.home(), here), wired_project(here)) if folder]
        if not found:
            raise
        return os.path.join(max(found, key=len), ".claude", "runtime")  # both are at or above here: the longer is the nearer


def wired_project(start: str):
    """The nearest folder at or above ``start`` (the home folder aside: its settings are the
    user's) whose own ``.claude/settings.json`` or ``settings.local.json`` wires our hooks, or None.
    Only a settings file found loads the reading of one (views across projects pass here outside
    any project, and their start-up stays as it was)."""
    home, folder = os.path.realpath(os.path.expanduser("~")), start
    while True:
        for name in ("settings.json", "settings.local.json"):
            path = os.path.join(folder, ".claude", name)
            if folder != home and os.path.isfile(path):
                from pathlib import Path

                from .doctor import our_commands

                try:
                    if our_commands(Path(path)):
                        return folder
                except (OSError, ValueError):
                    pass
        if os.path.dirname(folder) == folder:
            return None
        folder = os.path.dirname(folder)


def manager_for(runtime_dir: Path):
    from ..session_manager import SessionManager

    return SessionManager(str(runtime_dir / "sessions"))


def resolve_id(runtime_dir, prefix: str):
    """``(full id, registry status)`` from an id or a unique prefix of one, among the project's
    sessions, its imported history included (``imported`` for a session known only from its transcript)."""
    session_id, (_, status) = _resolve(_sessions_of(runtime_dir), prefix)
    return session_id, status


def _sessions_of(runtime_dir) -> dict:
    """``{session id: (runtime dir, status)}``: one project's sessions, its imported history included."""
    from pathlib import Path

    from ..query.summaries import statuses
    from ..store import catalog, history

    imported = history.project_folder(catalog.home(), str(Path(runtime_dir).parent.parent))
    return {sid: (Path(runtime_dir), status) for sid, status in statuses(Path(runtime_dir) / "sessions", imported).items()}


def _resolve(sessions: dict, prefix: str):
    if prefix in sessions:
        return prefix, sessions[prefix]
    matches = [sid for sid in sessions if sid.startswith(prefix)]
    if not matches:
        raise CliError(f"no session matches {prefix!r}")
    if len(matches) > 1:
        raise CliError(f"{prefix!r} matches {len(matches)} sessions ({shown(sorted(matches))}); give more characters", 2)
    return matches[0], sessions[matches[0]]


def shown(names: list) -> str:
    return ", ".join(names[:5]) + ("…" if len(names) > 5 else "")


def find_session(runtime_dir, prefix: str):
    """``(full id, (runtime dir, status))`` of the session an id or prefix names: in the current
    project first (``runtime_dir``; None outside any), else in every project of the catalog and of
    the imported history, as ``list --all-projects`` shows them. A prefix that matches sessions in
    two places (two sessions, or one id in two projects) is a usage error that asks for more."""
    if runtime_dir is not None:
        here = _sessions_of(runtime_dir)
        if any(sid.startswith(prefix) for sid in here):
            return _resolve(here, prefix)
    matches = [(sid, place) for project in every_project()
               for sid, place in _sessions_of(os.path.join(project, ".claude", "runtime")).items() if sid.startswith(prefix)]
    if not matches:
        raise CliError(f"no session matches {prefix!r}")
    if len(matches) > 1:
        name = project_namer()
        places = sorted(f"{sid[:12]} in {name(str(runtime.parent.parent))}" for sid, (runtime, _) in matches)
        raise CliError(f"{prefix!r} matches sessions in {len(matches)} places ({shown(places)}); give more characters, "
                       "or run it inside the project you mean", 2)
    return matches[0]


def runtime_or_none(args):
    """The current project's runtime directory (``view_runtime``'s), or None outside any tracked
    project (then an id is looked up in every project)."""
    try:
        return view_runtime(args.runtime_dir)
    except CliError:
        if args.runtime_dir:
            raise
        return None


def load_session(runtime_dir, prefix: str):
    """``(data, decisions)`` of one session (hook record and imported history as one)."""
    from ..query.summaries import read_combined
    from ..query.timeline import decision_records
    from ..store import catalog, history

    refresh_history()  # runtime below: a Path, from _sessions_of
    session_id, (runtime, status) = find_session(runtime_dir, prefix)
    imported = history.project_folder(catalog.home(), str(runtime.parent.parent))
    try:
        data = read_combined(runtime / "sessions", imported, session_id, status)
    except KeyError:
        raise CliError(f"session {session_id} is in the registry but its file is missing") from None
    except OSError as exc:
        raise CliError(str(exc)) from None
    return data, decision_records(str(runtime), session_id) if runtime.is_dir() else []


_REFRESH_EVERY = 2.0  # seconds: the dashboard asks for its projects several times a request
_last_refresh = [float("-inf")]


def refresh_history():
    """Bring the history imported from Claude Code's transcripts up to date (only what is new is
    read); a problem is one line on stderr, never the end of the view."""
    import time

    if time.monotonic() - _last_refresh[0] < _REFRESH_EVERY:
        return
    _last_refresh[0] = time.monotonic()
    try:
        import_transcripts()
    except CliError as exc:
        print(f"claude-sessions: {exc}; showing what was imported before", file=sys.stderr)


def import_transcripts(folders=None, since_ns=None, dry_run=False, written=None) -> dict:
    """Import what is new in Claude Code's transcript stores (``folders``, else the default ones)
    into the user's data home; returns the import's summary. When no file changed since the last
    import (most runs) the importer is not even loaded: the listing that import left answers
    (``capture/transcript_store.unchanged_files``). ``written(projects)`` is told of each batch written."""
    from ..capture.transcript_store import stores, summary, unchanged_files
    from ..core.fastos import data_home

    folders, home = folders or stores(), data_home()
    if since_ns is None and not dry_run:
        files = unchanged_files(home, folders)
        if files is not None:
            return summary(folders, files)
    import sqlite3

    from ..capture.importer import Importer

    try:
        return Importer(home, folders, since_ns, dry_run, progress_printer("importing transcripts", "files"), written).run()
    except (OSError, sqlite3.Error) as exc:
        raise CliError(f"cannot import into {home}: {exc}") from None


def parse_since(text: str):
    """``2h``, ``3d``, ``45m``, ``1w``, or an ISO date/time (UTC)."""
    try:
        return since_moment(text)
    except ValueError:
        raise CliError(f"--since {text!r}: use e.g. 2h, 3d, 1w or 2025-11-08 or 2025-11-08T10:30", 2) from None


def positive_int(text: str) -> int:
    """A count such as ``--limit``: a whole number of at least 1 (ValueError otherwise, which
    ``quick_args`` leaves to argparse, and argparse reports as a usage error)."""
    number = int(text)
    if number < 1:
        raise ValueError(text)
    return number


# -- output helpers -------------------------------------------------------------------------


def short_time(stamp: str) -> str:
    return stamp[:16].replace("T", " ") if stamp else ""


def table(headers, rows) -> str:
    """Columns padded to their widest cell, numbers right-aligned, no trailing spaces."""
    return table_of_columns(headers, list(zip(*rows)) if rows else [()] * len(headers))


def table_of_columns(headers, columns) -> str:
    """``table`` from its columns: one format string for every row, so a table of 10,000 rows is
    formatted in C, not cell by cell."""
    kinds = [set(map(type, column)) for column in columns]
    numeric = [bool(types) and types <= {int, float} for types in kinds]
    cells = [column if types <= {str} else list(map(str, column)) for types, column in zip(kinds, columns)]
    widths = [max(len(str(h)), max(map(len, texts), default=0)) for h, texts in zip(headers, cells)]
    specs = [f"{{:{'>' if num else '<'}{width}}}" for num, width in zip(numeric, widths)]
    if not numeric[-1]:
        specs[-1] = "{}"  # the last column left-aligned: no padding after it
    line = "  ".join(specs).format
    return "\n".join([line(*map(str, headers)), *map(line, *cells)])


def pricer_for(runtime: Path):
    """A pricer with the project's own ``prices:`` from its config."""
    from ..query.cost import Pricer

    return Pricer.for_project(runtime)


def unpriced_note(pricer) -> None:
    if pricer.unpriced:
        print(f"no price known for {', '.join(sorted(pricer.unpriced))}: its cost is shown as n/a (set prices: in the config)", file=sys.stderr)


def emit_json(value) -> None:
    import json  # here, not at the top: json brings re, and a refresh with nothing new needs neither

    print(json.dumps(value, indent=2, ensure_ascii=False))


# -- commands -------------------------------------------------------------------------------

LIST_STATUSES = ("active", "paused", "ended", "archived", "imported")  # what list --status accepts
SEARCH_SORTS = ("newest", "relevance")  # search --sort (query.index.SORTS, named here without importing SQLite)
USAGE_GROUPS = ("day", "week", "month", "session", "project", "model", "agent")  # usage --by


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
        from ..claude_session import parse_timestamp

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
    from ..query.cost import priced
    from ..query.summaries import usage_of

    spent = priced(usage_of(summary), pricer)
    return {**summary, "usage": spent, "requests": spent["requests"], "tokens": all_tokens(spent), "cost_usd": spent["cost_usd"]}


def cmd_show(args) -> int:
    from ..query.cost import priced
    from ..query.summaries import summarize, usage_of
    from ..query.timeline import rows as timeline_rows
    from ..query.usage import per_turn, total_of

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
    from ..query.combined import is_imported

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


def cmd_stats(args) -> int:
    from ..query import spend
    from ..query.summaries import summarize

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


def cmd_projects(args) -> int:
    """The projects in the user's catalog: sessions and last activity, or that they are missing."""
    from ..query.cost import Pricer
    from ..store import catalog

    from ..store import history

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


def scope(args) -> list:
    """The project directories a command looks at: ``--project``, every one in the catalog or
    with imported history (``--all-projects``), or the project around the current directory. The
    imported history is brought up to date first."""
    from ..store import catalog, history

    refresh_history()
    if getattr(args, "project", None):
        project = os.path.realpath(os.path.expanduser(args.project))
        if not os.path.isdir(os.path.join(project, ".claude", "runtime")) and project not in history.projects(catalog.home()):
            raise CliError(f"{project} has no .claude/runtime and no imported history: not a tracked project")
        return [project]
    if getattr(args, "all_projects", False):
        projects = every_project()
        try:
            here = os.path.dirname(os.path.dirname(runtime_path(args.runtime_dir)))
        except CliError:
            here = None
        return sorted(set(projects) | ({here} if here else set()))
    return [os.path.dirname(os.path.dirname(view_runtime(args.runtime_dir)))]


def every_project() -> list:
    """The catalog's projects still on disk, and every project with imported history (on disk or not)."""
    from ..store import catalog, history

    return sorted(set(catalog.existing(catalog.home())) | set(history.projects(catalog.home())))


def across_projects(args) -> bool:
    """Whether the command looks beyond the current project (``--all-projects``, ``--project``)."""
    return bool(getattr(args, "all_projects", False) or getattr(args, "project", None))


def from_index(projects, read):
    """``read(index)``, the index first brought up to date with ``projects`` (progress on a terminal)."""
    from ..query.index import read_updated

    return read_updated(projects, read, progress=progress_printer("indexing"))


def where(projects) -> str:
    """How an empty answer names the projects looked at; empty when there were none."""
    return ANY_PROJECT if len(projects) > 1 else "".join(projects)


ANY_PROJECT = "any tracked project"


def nothing_recorded(what: str, where_from: str, period: bool = False) -> str:
    """The one line an empty answer prints: no ``what`` recorded in ``where_from`` (in the period
    asked for; else yet, in a project tracked but not used yet, right after ``install``), or, with
    no project to look at (an empty catalog, right after ``install --global``), that nothing is
    tracked yet."""
    if period or where_from == ANY_PROJECT:
        return f"no {what} recorded in {where_from}" + (" in that period" if period else "")
    if where_from:
        return f"no {what} recorded in {where_from} yet (it is tracked: the next Claude Code session there will be recorded)"
    from ..store import catalog

    return (f"nothing tracked yet: no project in the catalog ({catalog.home()}) has recorded a session; "
            "a project is added when a Claude Code session starts in it")


def summaries_in_scope(args):
    """``(summaries, where)``: across projects, every session's summary from the index, each with
    its ``project``; else the current project's (from its own summary cache)."""
    if across_projects(args):
        projects = scope(args)
        return from_index(projects, lambda index: index.summaries(projects)), where(projects)
    from ..query.summaries import all_summaries

    runtime = view_runtime(args.runtime_dir)
    refresh_history()
    return all_summaries(runtime), runtime if os.path.isdir(runtime) else os.path.dirname(os.path.dirname(runtime))


def progress_printer(what: str, unit: str = "sessions"):
    """A ``progress(done, total)`` that keeps one line on a terminal's stderr up to date, for long
    work such as a first index build (from its start, then ten times a second at most); silent when stderr is not a
    terminal or the work is small."""
    if not sys.stderr.isatty():
        return None
    import time

    shown = [float("-inf")]

    def progress(done: int, total: int) -> None:
        if total >= 200 and (done == total or time.monotonic() - shown[0] >= 0.1):
            shown[0] = time.monotonic()
            print(f"\r{what}: {done}/{total} {unit}", end="\n" if done == total else "", file=sys.stderr, flush=True)

    return progress


def pricer_in_scope(args):
    """The current project's pricer (its ``prices:``), or the default one outside any project."""
    from ..query.cost import Pricer

    try:
        return pricer_for(view_runtime(args.runtime_dir))
    except CliError:
        return Pricer({})


def project_namer():
    """A function showing a project's path as a person would type it: ``~/work/app``."""
    home = os.path.expanduser("~")
    return lambda path: "~" + path[len(home):] if path == home or path.startswith(home + os.sep) else path


def cmd_import(args) -> int:
    """Read Claude Code's transcripts into the user's data home: every session, from before the hooks too."""
    from ..capture.transcript_store import stores
    from ..core.fastos import data_home

    since = parse_since(args.since).timestamp() if args.since else None
    folders = stores(explicit=args.config_dir)
    missing = [folder for folder in args.config_dir if not os.path.isdir(os.path.expanduser(folder))]
    if missing:
        raise CliError(f"--config-dir {missing[0]}: no such directory", 2)
    follower = []  # a second process indexing each batch as it is written, started at the first

    def written(projects):
        from ..query.index import Follower

        follower[:] = follower or [Follower()]
        follower[0].send(projects)

    done = import_transcripts(folders, int(since * 1e9) if since else None, args.dry_run, None if args.dry_run else written)
    for process in follower:
        process.close()
    # What was read is indexed now, so the next view answers at once instead of building the index first.
    indexed = update_index() if done["files_read"] and not args.dry_run else None
    if args.json:
        emit_json({**done, "dry_run": args.dry_run, "home": data_home(), "indexed": indexed})
        return 0
    skipped = {reason: count for reason, count in done["skipped"].items() if count}
    would = "would import" if args.dry_run else "imported"
    print(f"{would}: {plural(done['sessions_new'], 'new session')}, {plural(done['sessions_updated'], 'session')} updated, "
          f"{plural(done['responses'], 'response')}; {done['files_read']} of {plural(done['files'], 'transcript file')} read "
          f"({done['files_unchanged']} unchanged) from {', '.join(folders)}")
    if skipped:
        print("lines skipped: " + ", ".join(f"{count} {reason.replace('_', ' ')}" for reason, count in sorted(skipped.items())))
    if indexed:
        print(f"index up to date: {plural(indexed['sessions_read'] + indexed['sessions_unchanged'], 'session')}")
    if not done["files"]:
        print(f"no Claude Code transcripts found in {', '.join(folders)} (set --config-dir or CLAUDE_CONFIG_DIR)", file=sys.stderr)
    return 0


def update_index(rebuild: bool = False) -> dict:
    """Bring the search index up to date with every tracked project (progress on a terminal); its counts and ``index`` path."""
    from ..query.index import Index

    index = Index(rebuild=rebuild)
    try:
        done = index.update(every_project(), progress_printer("indexing"))
    finally:
        index.close()
    return {**done, "index": index.path}


def cmd_index(args) -> int:
    """Bring the search index up to date with every tracked project (or rebuild it)."""
    refresh_history()
    done = update_index(args.rebuild)
    if args.json:
        emit_json(done)
    else:
        print(f"{done['index']}: {plural(done['projects'], 'project')}, {plural(done['sessions_read'], 'session')} read "
              f"({plural(done['entries_added'], 'entry', 'entries')}), {done['sessions_unchanged']} unchanged, {done['sessions_removed']} removed")
    return 0


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


def cmd_usage(args) -> int:
    """ccusage-style: tokens and cost grouped by day, week, month, session, model or agent; totals last.
    Across projects the index adds the tokens up; in one project, its sessions' summaries."""
    from ..query import spend

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


def write_output(text: str, output) -> None:
    if output in (None, "-"):
        sys.stdout.write(text)
        return
    from ..file_utils import atomic_write

    try:
        atomic_write(output, text)
    except OSError as exc:
        raise cannot_write(output, exc) from None
    print(f"wrote {output}", file=sys.stderr)


def check_writable(output: str) -> None:
    """Fail before any work when ``output`` cannot be written: its folder must take a new file (as
    ``write_output``'s temporary one) and it must not be a folder itself."""
    import errno
    import tempfile

    try:
        if os.path.isdir(output):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
        tempfile.TemporaryFile(dir=os.path.dirname(os.path.abspath(output))).close()
    except OSError as exc:
        raise cannot_write(output, exc) from None


def cannot_write(output: str, exc: OSError) -> CliError:
    return CliError(f"cannot write {output}: {exc.strerror or exc}")


def cmd_export(args) -> int:
    from .report import html_report, markdown
    from ..query.cost import priced
    from ..query.usage import summarize

    if args.otlp:
        return cmd_export_otlp(args)
    if len(args.id) != 1 or args.all or args.since or args.all_projects:
        raise CliError("export --format writes one session: give exactly one ID (--all, --since and --all-projects go with --otlp)", 2)
    from ..core.redact import Redactor

    data, decisions = load_session(runtime_or_none(args), args.id[0])
    redact = Redactor()  # today's rules, whatever rules the session was stored with
    data = {key: redact(value) if key in ("metadata", "activity_log") else value for key, value in data.items()}
    if args.format == "json":
        import json

        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    else:
        spent = priced(summarize(data["activity_log"]), pricer_in_scope(args))
        text = (markdown if args.format == "markdown" else html_report)(data, decisions, spent)
    write_output(text, args.output)
    return 0


def cmd_export_otlp(args) -> int:
    """Send sessions as OpenTelemetry traces: what the endpoint has not received yet (``--again``: all)."""
    from ..claude_session import format_timestamp
    from ..export import shipping
    from ..export.otlp import DeliveryError, MissingExporter, Sender
    from ..export.traces import Options

    if sum((bool(args.id), bool(args.since), args.all)) != 1:
        raise CliError("export --otlp: name the sessions: ID …, --since WHEN or --all", 2)
    if args.id and args.all_projects:
        raise CliError("export --otlp: session ids name sessions of this project; use --all or --since with --all-projects", 2)
    headers = {}
    for header in args.header:
        key, sep, value = header.partition("=")
        if not sep or not key.strip():
            raise CliError(f"--header {header!r}: use KEY=VALUE", 2)
        headers[key.strip()] = value
    since = format_timestamp(parse_since(args.since)) if args.since else None
    senders, total, sessions = {}, 0, 0
    try:
        for project in scope(args):
            otlp = shipping.project_otlp(project)
            target = shipping.target_for(otlp, args.endpoint, headers, args.timeout)
            options = Options.from_config(otlp)
            for switch in ("prompts", "responses", "tool_inputs", "tool_outputs"):
                if getattr(args, f"no_{switch}"):
                    setattr(options, switch, False)
            ids = [resolve_id(find_runtime_dir(os.path.join(project, ".claude", "runtime")), prefix)[0] for prefix in args.id] if args.id else None
            key = (target.endpoint, tuple(sorted(target.headers.items())), target.timeout)
            if key not in senders:
                senders[key] = Sender(target.endpoint, target.headers, target.timeout)
            outcome = shipping.ship(project, senders[key], target, options, ids, since, args.again, export_progress(project))
            total += outcome.spans
            sessions += outcome.sessions
    except MissingExporter as exc:
        raise CliError(str(exc)) from None
    except (DeliveryError, TimeoutError) as exc:
        raise CliError(f"{exc}; what was not delivered is sent by the next export") from None
    except OSError as exc:  # the shipment position could not be written: the next export sends again
        raise CliError(f"cannot record what was sent: {exc}") from None
    finally:
        for sender in senders.values():
            sender.close()
        if sys.stderr.isatty():
            print(file=sys.stderr)
    if not senders:
        print(f"nothing to send ({nothing_recorded('sessions', '')})")
        return 0
    where = ", ".join(sorted({key[0] for key in senders}))
    print(f"sent {plural(total, 'span')} of {plural(sessions, 'session')} to {where}" if total else f"nothing new to send to {where}")
    return 0


def export_progress(project: str):
    """A progress line on a terminal's stderr: sessions read of all, spans sent."""
    if not sys.stderr.isatty():
        return None

    def show(number: int, count: int, spans: int) -> None:
        print(f"\r{os.path.basename(project)}: {number}/{plural(count, 'session')}, {plural(spans, 'span')}", end="", file=sys.stderr, flush=True)

    return show


def add_export_otlp_arguments(sub) -> None:
    group = sub.add_argument_group("OpenTelemetry", "--otlp sends sessions as traces over OTLP/HTTP (needs the otlp extra)")
    group.add_argument("--otlp", action="store_true", help="send to an OTLP endpoint what it has not received yet, instead of writing a file")
    group.add_argument("--all", action="store_true", help="every session of the project")
    group.add_argument("--since", metavar="WHEN", help="sessions active since WHEN: 2h, 3d, 1w or an ISO date (UTC)")
    group.add_argument("--all-projects", action="store_true", help="every project in the catalog (see: projects)")
    group.add_argument("--endpoint", metavar="URL", help="OTLP/HTTP base URL or …/v1/traces (default: otlp.endpoint, else OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT, else http://localhost:4318)")
    group.add_argument("--header", action="append", default=[], metavar="KEY=VALUE", help="an HTTP header to send (repeatable; also otlp.headers, OTEL_EXPORTER_OTLP_HEADERS)")
    group.add_argument("--timeout", type=float, metavar="S", help="give up on the endpoint after S seconds (default 10)")
    group.add_argument("--again", action="store_true", help="send everything again, not only what is new (same ids: no duplicates where spans are keyed by id)")
    for switch, what in (("prompts", "the prompts"), ("responses", "the assistant's text"), ("tool-inputs", "tool inputs"), ("tool-outputs", "tool outputs and errors")):
        group.add_argument(f"--no-{switch}", action="store_true", help=f"leave out {what}")


def cmd_tail(args) -> int:
    import time

    from ..query.summaries import all_summaries, files_fingerprint
    from ..query.timeline import describe

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


def cmd_serve(args) -> int:
    """The live dashboard; its web stack is imported here only, so other commands never pay for it."""
    try:
        from .web import listen, serve
        from .web.guard import LOOPBACK
    except ImportError as exc:
        raise CliError(f"the dashboard needs starlette and uvicorn, which this installation lacks ({exc}): install it again "
                       "(./install.sh from a checkout; pipx install --force or uv tool install --reinstall with the checkout's path)") from None

    token = args.token or os.environ.get("CLAUDE_SESSIONS_TOKEN") or None
    if args.host not in LOOPBACK and not token:
        raise CliError(f"--host {args.host} serves other machines: give a --token (or CLAUDE_SESSIONS_TOKEN) that every request must carry", 2)
    if token is not None and (len(token) < 16 or not token.replace("-", "").replace("_", "").isalnum()):
        raise CliError("--token: at least 16 letters, digits, '-' or '_' (e.g. python3 -c 'import secrets; print(secrets.token_urlsafe())')", 2)
    try:
        sock = listen(args.host, args.port)  # before any work: a port in use is said at once
    except OSError as exc:
        raise CliError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc} (another server? choose a free one with --port)") from None
    with sock:
        projects = scope(args)  # fail now, not at the first request, outside a tracked project
        from_index(projects, lambda index: None)  # a first build before the first page, its progress on the terminal
        serve(lambda: scope(args), sock, args.host, args.port, token, args.open)
    return 0


def cmd_cleanup(args) -> int:
    from ..store import config as _config

    runtime = find_runtime_dir(args.runtime_dir)
    manager = manager_for(runtime)
    retention = args.retention_days
    if retention is None:
        config, _problems = _config.load(str(runtime.parent), str(runtime))
        retention = config["retention_days"]
    would = "would " if args.dry_run else ""
    actions = [f"{would}end and archive {sid} (idle past its timeout)" for sid in manager.cleanup_expired(dry_run=args.dry_run)]
    if retention:
        pruned = manager.prune_archived(retention * 86400, dry_run=args.dry_run)
        actions += [f"{would}delete {sid} (archived over {retention:g} days ago)" for sid in pruned]
    if not actions:
        print("nothing to clean up" + ("" if retention else " (no retention_days set: archives are kept)"))
        return 1
    print("\n".join(actions))
    return 0


def cmd_doctor(args) -> int:
    from .doctor import run_checks

    problems = run_checks(args.runtime_dir, args.json)
    return 1 if problems else 0


def cmd_redact(args) -> int:
    """Redact every stored session, log and imported session again with today's rules; the index is rebuilt."""
    from ..capture import rescan
    from ..query import index
    from ..store import catalog, redaction

    write = not args.check
    try:  # the project around the working directory, even if the catalog never listed it
        here = {os.path.dirname(os.path.dirname(runtime_path(args.runtime_dir)))}
    except CliError:
        here = set()
    projects = sorted(set(catalog.existing(catalog.home())) | here)
    changed = []
    for project in projects:
        runtime = os.path.join(project, ".claude", "runtime")
        if os.path.isdir(runtime):
            changed += rescan.runtime(runtime, rescan.project_redactor(project), write)
    changed += rescan.imported(catalog.home(), write=write)
    cache = os.path.dirname(index.location())
    stale_index = os.path.exists(index.location()) and (changed or redaction.stamped(cache) < redaction.RULES_VERSION)
    if write and stale_index:
        for suffix in ("", "-wal", "-shm"):
            try:
                os.remove(index.location() + suffix)
            except FileNotFoundError:
                pass
    if write and os.path.isdir(cache):
        redaction.stamp(cache)
    verb = "would redact" if args.check else "redacted"
    for path in changed:
        print(f"{verb} {path}")
    if stale_index:
        print(f"{'would rebuild' if args.check else 'removed, to be rebuilt'}: the search index {index.location()}")
    print(f"{len(changed)} file(s) held what today's rules (version {redaction.RULES_VERSION}) redact" + ("" if changed else ": nothing to do"))
    return 1 if args.check and (changed or stale_index) else 0


def cmd_install(args) -> int:
    from ..install.settings import SettingsError
    from ..install.wiring import install

    if args.otlp and args.uninstall:
        raise CliError("--otlp adds the OpenTelemetry exporter when installing; it does not go with --uninstall", 2)
    try:
        lines = install(args.project_dir, args.global_, args.uninstall, claude=args.claude, statusline=args.statusline, force=args.force)
    except ValueError as exc:
        raise CliError(str(exc), 2) from None
    except (NotADirectoryError, SettingsError) as exc:
        raise CliError(str(exc)) from None
    except OSError as exc:
        raise CliError(f"cannot write the settings file: {exc}") from None
    ready = True
    if args.otlp:
        from ..install.extras import add_otlp

        ready, more = add_otlp(sys.executable, sys.prefix)  # the interpreter the hooks were just wired to
        lines += more
    print("\n".join(lines))
    return 0 if ready else 1


def cmd_limits(args) -> int:
    from ..core.fastos import data_home
    from .limits import run

    def with_index(read):  # every project's records, as the views across projects read them
        refresh_history()
        projects = every_project()
        return from_index(projects, lambda index: read(index, projects)) if projects else read(None, [])

    return run(args, data_home(), with_index, pricer_in_scope(args))


def cmd_statusline(args) -> int:
    from .statusline import main as statusline_main

    return statusline_main()


def cmd_demo(args) -> int:
    from .demo import demo_home, demo_project, replay

    if args.output:
        check_writable(args.output)
    with demo_project() as project:  # the previous demo's project is removed: one at a time
        project, session_id = replay(project)
        runtime = str(project / ".claude" / "runtime")
        print(file=sys.stderr)
        report = args.output or str(project / "session-report.html")
        with demo_home(project):  # the user's catalog, index and caches stay as they were
            main(["--runtime-dir", runtime, "show", session_id])
            main(["--runtime-dir", runtime, "export", session_id, "--format", "html", "-o", report])
    program = sys.argv[0] if os.path.basename(sys.argv[0]) == "claude-sessions" else f"{sys.executable} -m session_management"
    print(f"\nThe demo project stays in {project} until the next demo; look around with:\n  {program} --runtime-dir {runtime} list", file=sys.stderr)
    return 0


# -- entry point ----------------------------------------------------------------------------


def build_parser():
    import argparse

    class Parser(argparse.ArgumentParser):
        def error(self, message):
            """A usage error in one line, as every error is: the message, then this command's usage."""
            self.exit(2, f"{self.prog}: error: {message}; {' '.join(self.format_usage().split())}\n")

    def at_least_one(text):
        try:
            return positive_int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r}: give a whole number, 1 or more") from None

    parser = Parser(
        prog="claude-sessions",
        description="Record Claude Code sessions under .claude/runtime/ (install), look at them (list, show, tail, stats, usage), across projects (search, projects, serve), and send them elsewhere (export).",
        epilog="Exit status: 0 ok, 1 not found or nothing to do, 2 usage error. An empty answer (nothing tracked yet, "
        "nothing matches) says so in one line on stderr and exits 1; with --json it prints the empty result and exits 0.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--runtime-dir", metavar="DIR", help="the .claude/runtime directory to read (default: the nearest one above the current directory)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    parser.command_parsers = commands.choices  # parse_args shows an unknown option with its command's usage

    def command(name, help_text, func):
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(func=func)
        sub.add_argument("--runtime-dir", metavar="DIR", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        return sub

    def add_scope(sub, verb):
        sub.add_argument("--all-projects", action="store_true", help=f"{verb} every project in the catalog (see: projects), from the search index")
        sub.add_argument("--project", metavar="DIR", help=f"{verb} this project")

    sub = command("list", "sessions, newest first: status, times, prompts, tool calls, failures", cmd_list)
    add_scope(sub, "list the sessions of")
    sub.add_argument("--status", choices=LIST_STATUSES, help="only sessions with this status (imported: known only from Claude Code's transcript)")
    sub.add_argument("--since", metavar="WHEN", help="only sessions active since WHEN: 2h, 3d, 1w or an ISO date (UTC)")
    sub.add_argument("--limit", type=at_least_one, metavar="N", help="at most N sessions")
    sub.add_argument("--json", action="store_true", help="print JSON")

    sub = command("show", "one session as a timeline (an id or a unique prefix of one)", cmd_show)
    sub.add_argument("id")
    sub.add_argument("--json", action="store_true", help="print the session and its decisions as JSON")

    sub = command("tail", "follow a session as events arrive (default: the most recent one not ended)", cmd_tail)
    sub.add_argument("id", nargs="?")
    sub.add_argument("--interval", type=float, default=0.5, help="seconds between checks (default 0.5)")
    sub.add_argument("--timeout", type=float, help="stop after this many seconds")

    sub = command("stats", "tool use, failure rate, time per tool, prompts per session (one session or all)", cmd_stats)
    sub.add_argument("id", nargs="?")
    add_scope(sub, "count")
    sub.add_argument("--json", action="store_true", help="print JSON")

    sub = command("projects", "every project tracked on this machine: sessions, last activity, or missing (the user's catalog)", cmd_projects)
    sub.add_argument("--json", action="store_true", help="print JSON")

    sub = command("search", "full-text search of prompts, answers, tool inputs and outputs, and errors", cmd_search)
    sub.formatter_class = argparse.RawDescriptionHelpFormatter
    sub.epilog = """\
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
    sub.add_argument("query", nargs="+", help="words, \"phrases\" or parts of them (all must match)")
    add_scope(sub, "search")
    sub.add_argument("--action", help="only entries with this action (user_input, tool_use, assistant_message, …)")
    sub.add_argument("--tool", help="only entries of this tool (Bash, Read, …)")
    sub.add_argument("--since", metavar="WHEN", help="only entries since WHEN: 2h, 3d, 1w or an ISO date (UTC)")
    sub.add_argument("--sort", choices=SEARCH_SORTS, default="newest", help="newest first (default), or most relevant first (BM25)")
    sub.add_argument("--limit", type=at_least_one, default=20, metavar="N", help="at most N hits (default 20)")
    sub.add_argument("--json", action="store_true", help="print JSON (full ids, and each hit's position in its activity_log)")

    sub = command("import", "read Claude Code's own transcripts into the history: every session on this machine, from before the hooks too (the views across projects do this by themselves)", cmd_import)
    sub.add_argument("--config-dir", action="append", default=[], metavar="DIR", help="a Claude Code config folder to read (repeatable; default: every folder in $CLAUDE_CONFIG_DIR, else ~/.config/claude and ~/.claude)")
    sub.add_argument("--since", metavar="WHEN", help="only transcripts written since WHEN: 2h, 3d, 1w or an ISO date (UTC)")
    sub.add_argument("--dry-run", action="store_true", help="read and count, write nothing")
    sub.add_argument("--json", action="store_true", help="print a summary as JSON: files read, sessions new and updated, responses, lines skipped by reason")

    sub = command("index", "bring the search index up to date with every tracked project (it is derived: --rebuild starts over)", cmd_index)
    sub.add_argument("--rebuild", action="store_true", help="delete the index and build it again from the session files")
    sub.add_argument("--json", action="store_true", help="print what was done as JSON")

    sub = command("usage", "tokens and cost, ccusage-style: per day, week, month, session, project, model or agent, totals last", cmd_usage)
    sub.add_argument("--by", choices=USAGE_GROUPS, default="day", help="how to group (default: day)")
    add_scope(sub, "add up")
    sub.add_argument("--since", metavar="WHEN", help="only usage since WHEN: 2h, 3d, 1w or an ISO date (UTC)")
    sub.add_argument("--json", action="store_true", help="print JSON")

    sub = command("serve", "a live local dashboard: sessions across projects, each session's timeline, search, usage charts", cmd_serve)
    sub.add_argument("--port", type=int, default=8765, help="default 8765")
    sub.add_argument("--all-projects", action="store_true", help="every project in the catalog (see: projects), not just this one")
    sub.add_argument("--project", metavar="DIR", help="serve this project")
    sub.add_argument("--open", action="store_true", help="open it in the browser")
    sub.add_argument("--host", default="127.0.0.1", help="the interface to listen on (default 127.0.0.1; any other needs --token)")
    sub.add_argument("--token", help="a secret every request must carry (?token= once, then a cookie; or Authorization: Bearer); default $CLAUDE_SESSIONS_TOKEN")

    sub = command("export", "write one session as JSON, Markdown or a self-contained HTML report; or send sessions as OpenTelemetry traces (--otlp)", cmd_export)
    sub.add_argument("id", nargs="*", metavar="ID", help="a session id or unique prefix (one with --format; any number with --otlp)")
    sub.add_argument("--format", choices=("json", "markdown", "html"), default="json", help="default: json")
    sub.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    add_export_otlp_arguments(sub)

    sub = command("limits", "the 5-hour and weekly limits: used, reset, pace and forecast, past windows (or 5-hour blocks without a subscription)", cmd_limits)
    sub.add_argument("--json", action="store_true", help="print JSON")

    sub = command("cleanup", "end sessions idle past their timeout; delete archives older than the retention period", cmd_cleanup)
    sub.add_argument("--dry-run", action="store_true", help="say what would be done, change nothing")
    sub.add_argument("--retention-days", type=float, metavar="DAYS", help="delete archives older than this (default: retention_days from the config)")

    sub = command("redact", "redact every recorded session, log and imported session again with today's rules (rewritten whole, atomically); the search index is rebuilt", cmd_redact)
    sub.add_argument("--check", action="store_true", help="only list what today's rules would redact (exit 1 if anything)")

    sub = command("doctor", "check an installation: hooks wired, commands runnable, runtime writable, config valid", cmd_doctor)
    sub.add_argument("--json", action="store_true", help="print the checks as JSON")

    def add_install_target(sub, verb):
        sub.add_argument("project_dir", nargs="?", metavar="PROJECT_DIR", help=f"the project to {verb} (default: the current directory)")
        sub.add_argument("--global", dest="global_", action="store_true", help=f"{verb} every project: ~/.claude/settings.json instead (each project recorded in its own .claude/runtime/)")

    sub = command("install", "wire the tracking hooks into a project's .claude/settings.json (this interpreter and package run them)", cmd_install)
    add_install_target(sub, "track")
    sub.add_argument("--uninstall", action="store_true", help="remove exactly this tool's hook entries (recorded sessions are kept); also: claude-sessions uninstall")
    sub.add_argument("--claude", metavar="PATH", help="the Claude Code CLI whose --version decides which events are wired (default: claude on PATH)")
    sub.add_argument("--otlp", action="store_true", help="also give the hooks' interpreter the otlp extra (OpenTelemetry export): "
                     "with pipx inject or uv pip for a pipx/uv tool install; otherwise it prints the one command to run (exit 1)")
    sub.add_argument("--statusline", action="store_true", help="also make `claude-sessions statusline` Claude Code's status line (with --uninstall: remove only it)")
    sub.add_argument("--force", action="store_true", help="with --statusline: replace a status line another tool set (the settings file is backed up first)")

    sub = command("uninstall", "take exactly this tool's hook entries out of a project's settings (install --uninstall; recorded sessions are kept)", cmd_install)
    add_install_target(sub, "stop tracking")
    sub.add_argument("--statusline", action="store_true", help="remove only our status line")
    sub.set_defaults(uninstall=True, otlp=False, claude=None, force=False)

    command("statusline", "Claude Code's status line: reads its JSON on stdin, prints model, this session's tokens, cost and tool calls, today's spend, limits, budget", cmd_statusline)

    sub = command("demo", "replay a recorded Claude Code session through the real hooks and show the result", cmd_demo)
    sub.add_argument("-o", "--output", metavar="FILE", help="where to write the HTML report (default: session-report.html in the demo project)")
    return parser


# The commands read without argparse (see quick_args): each option with the value it takes, and the defaults.
QUICK_OPTIONS = {
    "search": {"--all-projects": bool, "--project": str, "--action": str, "--tool": str, "--since": str,
               "--limit": positive_int, "--sort": SEARCH_SORTS, "--json": bool, "--runtime-dir": str},
    "list": {"--all-projects": bool, "--project": str, "--status": LIST_STATUSES,
             "--since": str, "--limit": positive_int, "--json": bool, "--runtime-dir": str},
    "usage": {"--by": USAGE_GROUPS, "--all-projects": bool,
              "--project": str, "--since": str, "--json": bool, "--runtime-dir": str},
    "import": {"--json": bool},
}
QUICK_DEFAULTS = {
    "search": {"all_projects": False, "project": None, "action": None, "tool": None, "since": None,
               "limit": 20, "sort": "newest", "json": False, "runtime_dir": None},
    "list": {"all_projects": False, "project": None, "status": None, "since": None, "limit": None, "json": False, "runtime_dir": None},
    "usage": {"by": "day", "all_projects": False, "project": None, "since": None, "json": False, "runtime_dir": None},
    "import": {"config_dir": [], "since": None, "dry_run": False, "json": False, "runtime_dir": None},
}


def quick_args(argv):
    """The arguments of a plain ``search``, ``list``, ``usage`` or ``import`` command line, read
    without building the whole parser (importing argparse and building every command's parser is a
    third of a search's start-up, more than usage across projects takes to answer, and most of an
    import that finds nothing new); None for anything else (help, a mistake, another command),
    which argparse then reads."""
    command = argv[0] if argv else None
    options = QUICK_OPTIONS.get(command)
    if options is None:
        return None
    values, words = dict(QUICK_DEFAULTS[command]), []
    items, words_only = iter(argv[1:]), False
    for item in items:
        if words_only or not item.startswith("-"):
            words.append(item)
            continue
        if item == "--":
            words_only = True
            continue
        name, has_value, value = item.partition("=")
        kind = options.get(name)
        if kind is None or (kind is bool and has_value):
            return None
        if kind is not bool and not has_value:
            value = next(items, None)
            if value is None:
                return None
        try:
            value = True if kind is bool else kind(value) if callable(kind) else value
        except ValueError:
            return None
        if isinstance(kind, tuple) and value not in kind:
            return None
        values[name[2:].replace("-", "_")] = value
    if command == "search":
        if not words:
            return None
        values["query"] = words
    elif words or words_only:
        return None  # only a search takes words: argparse says so
    from types import SimpleNamespace

    commands = {"search": cmd_search, "list": cmd_list, "usage": cmd_usage, "import": cmd_import}
    return SimpleNamespace(**values, func=commands[command], command=command)


def parse_args(argv):
    """argparse's reading of ``argv``; an unknown option is a usage error shown with the usage of
    the command it was given to, not the top level's."""
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        parser.command_parsers[args.command].error(f"unrecognized arguments: {' '.join(unknown)}")
    return args


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = quick_args(argv) or parse_args(argv)
    try:
        return args.func(args)
    except CliError as exc:
        print(f"claude-sessions: {exc}", file=sys.stderr)
        return exc.code
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
