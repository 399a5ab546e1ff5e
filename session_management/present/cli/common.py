"""What every command shares: its one-line errors (``CliError``), finding the project and its
runtime, a session by id or prefix, the imported history brought up to date, the scope across
projects and the index read for it, tables and figures, JSON out, and writing a file asked for.
Imports at module level only what every command needs; the rest inside the function that needs it.
"""

from __future__ import annotations  # annotations name Path without importing pathlib (a search needs none)

import os
import sys

from ..formats import since_moment
from .options import Option


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
        from ...store import catalog, history

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

                from ..doctor import our_commands

                try:
                    if our_commands(Path(path)):
                        return folder
                except (OSError, ValueError):
                    pass
        if os.path.dirname(folder) == folder:
            return None
        folder = os.path.dirname(folder)


def manager_for(runtime_dir: Path):
    from ...session_manager import SessionManager

    return SessionManager(str(runtime_dir / "sessions"))


def resolve_id(runtime_dir, prefix: str):
    """``(full id, registry status)`` from an id or a unique prefix of one, among the project's
    sessions, its imported history included (``imported`` for a session known only from its transcript)."""
    session_id, (_, status) = _resolve(_sessions_of(runtime_dir), prefix)
    return session_id, status


def _sessions_of(runtime_dir) -> dict:
    """``{session id: (runtime dir, status)}``: one project's sessions, its imported history included."""
    from pathlib import Path

    from ...query.summaries import statuses
    from ...store import catalog, history

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
    from ...query.summaries import read_combined
    from ...query.timeline import decision_records
    from ...store import catalog, history

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
    from ...capture.transcript_store import stores, summary, unchanged_files
    from ...core.fastos import data_home

    folders, home = folders or stores(), data_home()
    if since_ns is None and not dry_run:
        files = unchanged_files(home, folders)
        if files is not None:
            return summary(folders, files)
    import sqlite3

    from ...capture.importer import Importer

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
    from ...query.cost import Pricer

    return Pricer.for_project(runtime)


def unpriced_note(pricer) -> None:
    if pricer.unpriced:
        print(f"no price known for {', '.join(sorted(pricer.unpriced))}: its cost is shown as n/a (set prices: in the config)", file=sys.stderr)


def emit_json(value) -> None:
    import json  # here, not at the top: json brings re, and a refresh with nothing new needs neither

    print(json.dumps(value, indent=2, ensure_ascii=False))


def scope(args) -> list:
    """The project directories a command looks at: ``--project``, every one in the catalog or
    with imported history (``--all-projects``), or the project around the current directory. The
    imported history is brought up to date first."""
    from ...store import catalog, history

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
    from ...store import catalog, history

    return sorted(set(catalog.existing(catalog.home())) | set(history.projects(catalog.home())))


def across_projects(args) -> bool:
    """Whether the command looks beyond the current project (``--all-projects``, ``--project``)."""
    return bool(getattr(args, "all_projects", False) or getattr(args, "project", None))


def from_index(projects, read):
    """``read(index)``, the index first brought up to date with ``projects`` (progress on a terminal)."""
    from ...query.index import read_updated

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
    from ...store import catalog

    return (f"nothing tracked yet: no project in the catalog ({catalog.home()}) has recorded a session; "
            "a project is added when a Claude Code session starts in it")


def summaries_in_scope(args):
    """``(summaries, where)``: across projects, every session's summary from the index, each with
    its ``project``; else the current project's (from its own summary cache)."""
    if across_projects(args):
        projects = scope(args)
        return from_index(projects, lambda index: index.summaries(projects)), where(projects)
    from ...query.summaries import all_summaries

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
    from ...query.cost import Pricer

    try:
        return pricer_for(view_runtime(args.runtime_dir))
    except CliError:
        return Pricer({})


def project_namer():
    """A function showing a project's path as a person would type it: ``~/work/app``."""
    home = os.path.expanduser("~")
    return lambda path: "~" + path[len(home):] if path == home or path.startswith(home + os.sep) else path


def write_output(text: str, output) -> None:
    if output in (None, "-"):
        sys.stdout.write(text)
        return
    from ...file_utils import atomic_write

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


def scope_options(verb: str) -> tuple:
    """``--all-projects`` and ``--project``, as every command that can look beyond this project takes them."""
    return (Option("--all-projects", action="store_true", help=f"{verb} every project in the catalog (see: projects), from the search index"),
            Option("--project", metavar="DIR", help=f"{verb} this project"))
