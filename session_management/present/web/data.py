"""What the dashboard shows, read through ``query/``: sessions across projects, one session, its
files (for live updates), search, and usage per day, project and model. Read-only: nothing here
writes a session file; the search index in the user's cache is the one thing brought up to date.

Projects are named in URLs by a key derived from their path (``project_key``), never by the path
itself, so no request can make the server read a directory it was not told to serve.
"""

import hashlib
import os
from datetime import datetime

from ...core.ids import validate_session_id
from ...query import spend
from ...query.cost import Pricer, priced
from ...query.index import read_updated
from ...query.summaries import read_combined, statuses, usage_of
from ...store import catalog, history
from ...query.timeline import decision_records


class NotFound(Exception):
    """An unknown project key or session id: the page answers 404."""


def project_key(project: str) -> str:
    """A short stable name for a project directory, used in URLs instead of its path."""
    return hashlib.sha256(project.encode("utf-8")).hexdigest()[:12]


def runtime_of(project: str) -> str:
    return os.path.join(project, ".claude", "runtime")


class Data:
    """Reads for one dashboard: ``projects`` is called on each request (the catalog can grow while
    the server runs); ``index_path``: where the search index lives (default: the user's cache)."""

    def __init__(self, projects, index_path: str = None):
        self._projects = projects
        self.index_path = index_path
        self._pricer = None  # (the projects it was made for, the pricer)

    def projects(self) -> dict:
        """``{key: project directory}`` of every project served."""
        return {project_key(path): path for path in self._projects()}

    def project(self, key: str) -> str:
        try:
            return self.projects()[key]
        except KeyError:
            raise NotFound(f"no project {key!r} here") from None

    def pricer(self) -> Pricer:
        """One pricer for every project served, with the ``prices:`` of each one's config (a model
        priced in two configs takes one of them), so a page across projects prices alike."""
        projects = tuple(sorted(self.projects().values()))
        known = self._pricer  # one read: requests run in threads
        if known is None or known[0] != projects:
            custom = {}
            for project in projects:
                custom.update(Pricer.for_project(runtime_of(project)).custom)
            known = self._pricer = (projects, Pricer(custom))
        return known[1]

    def _from_index(self, projects, ask):
        """``ask(index)`` once the index is up to date with ``projects``."""
        return read_updated(projects, ask, self.index_path)

    def listing(self, projects, status=None, since: datetime = None) -> list:
        """Sessions newest first, filtered, each with its ``project``, ``requests``, ``tokens`` and
        ``cost_usd``, counted and priced by the index (``query.index.Index.listing``)."""
        return self._from_index(projects, lambda index: index.listing(projects, self.pricer(), status or None, since))

    def summaries(self, projects) -> list:
        """Every session's summary (``query.summaries.summarize``) with its ``project``, from the index."""
        return self._from_index(projects, lambda index: index.summaries(projects))

    def with_cost(self, summary: dict) -> dict:
        """A session's priced usage (tokens by kind and ``cost_usd``, per model and per agent)."""
        return priced(usage_of(summary), self.pricer())

    def session(self, key: str, session_id: str):
        """``(project, data, decisions)`` of one session; NotFound for an unknown key or id."""
        project = self.project(key)
        try:
            validate_session_id(session_id)
        except ValueError:
            raise NotFound("not a session id") from None
        session_dir = os.path.join(runtime_of(project), "sessions")
        imported = history.project_folder(catalog.home(), project)
        status = statuses(session_dir, imported).get(session_id)
        if status is None:
            raise NotFound(f"no session {session_id} in {project}")
        try:
            data = read_combined(session_dir, imported, session_id, status)
        except (KeyError, OSError, ValueError):
            raise NotFound(f"session {session_id} cannot be read") from None
        return project, data, decision_records(runtime_of(project), session_id)

    def session_files(self, key: str, session_id: str) -> list:
        """The files whose changes mean the session changed (live and archived place, file and
        journal), took a decision (its own log), or was imported again (its imported record)."""
        project = self.project(key)
        runtime = runtime_of(project)
        session_dir = os.path.join(runtime, "sessions")
        return [
            os.path.join(folder, f"session_{session_id}.{suffix}")
            for folder in (session_dir, os.path.join(session_dir, "archive")) for suffix in ("json", "journal")
        ] + [os.path.join(runtime, "logs", f"session_{session_id}.log"),
             history.session_path(history.project_folder(catalog.home(), project), session_id)]

    def watched(self, projects=None) -> list:
        """What changes when any session of ``projects`` starts, records an event, is archived or
        ends: each registry, the archive folder (archived files are only ever replaced whole, by a
        rename, which changes the folder), and the files of the sessions not archived."""
        paths = []
        for project in self.projects().values() if projects is None else projects:
            session_dir = os.path.join(runtime_of(project), "sessions")
            paths += [os.path.join(session_dir, "registry.json"), os.path.join(session_dir, "archive")]
            try:
                with os.scandir(session_dir) as found:
                    paths += sorted(item.path for item in found if item.name.endswith((".json", ".journal")) and item.name != "registry.json")
            except OSError:
                continue
        return paths

    def limits(self, projects) -> dict:
        """The quota ledger read back (``query.limits.summary``, the current windows' ``spend`` by
        session, project and model) with every window's samples (``windows``); without
        ``rate_limits`` ever recorded, the 5-hour ``blocks`` of ``projects``' responses."""
        import time

        from ...core.fastos import data_home
        from ...query import limits
        from ..limits import add_spend

        entries, now = limits.read_ledger(data_home()), time.time()
        found = limits.windows(entries)
        report = limits.summary(entries, now, found)
        with_index = lambda read: self._from_index(projects, lambda index: read(index, projects))  # noqa: E731
        if not report["seen"]:
            report["blocks"] = limits.blocks(with_index(limits.activity), now)
        elif report["current"]:
            add_spend(report["current"], with_index, self.pricer(), now)
        return {**report, "windows": found, "now": now}

    def search(self, query: str, projects, action=None, tool=None, since=None, limit: int = 50, sort: str = "newest") -> list:
        """The index's hits (see ``query.index.Index.search``); ValueError for a query with nothing to search for."""
        return self._from_index(projects, lambda index: index.search(query, projects, action or None, tool or None, since, limit, sort))

    def usage(self, projects, since: datetime = None) -> dict:
        """Tokens and cost ``by_day``, ``by_project`` and ``by_model``: ``{name: (tokens, cost or None)}``
        of sessions active since ``since``, days before it left out (``query.spend.charts``)."""
        return self._from_index(projects, lambda index: spend.charts(index, projects, since, self.pricer()))
