"""What the dashboard shows, read through ``query/``: sessions across projects, one session, its
files (for live updates), search, and usage per day, project and model. Read-only: nothing here
writes a session file; the search index in the user's cache is the one thing brought up to date.

Projects are named in URLs by a key derived from their path (``project_key``), never by the path
itself, so no request can make the server read a directory it was not told to serve.
"""

import hashlib
import os
from datetime import datetime, timezone

from ...core.ids import validate_session_id
from ...query.cost import Pricer, priced
from ...query.index import Index
from ...query.summaries import files_fingerprint, read_registry, read_session, usage_of
from ...query.timeline import decision_records
from ...query.usage import merge, total_of
from ..formats import all_tokens


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
        self._pricers = {}
        self._answers = {}  # projects -> (fingerprint of their watched files, summaries)

    def projects(self) -> dict:
        """``{key: project directory}`` of every project served."""
        return {project_key(path): path for path in self._projects()}

    def project(self, key: str) -> str:
        try:
            return self.projects()[key]
        except KeyError:
            raise NotFound(f"no project {key!r} here") from None

    def pricer(self, project: str) -> Pricer:
        """The project's pricer (its own ``prices:``), kept so prices are computed once per server."""
        if project not in self._pricers:
            self._pricers[project] = Pricer.for_project(runtime_of(project))
        return self._pricers[project]

    def summaries(self, projects=None) -> list:
        """Every session's summary (``query.summaries.summarize``) with its ``project``, from the
        search index, brought up to date first (only sessions whose files changed are read). While
        no watched file changed (``watched``), the last answer is given again without asking the index."""
        from ...query.summaries import all_summaries  # TEMPORARY until Index.summaries lands on main

        projects = list(self.projects().values()) if projects is None else list(projects)
        stamp = files_fingerprint(self.watched(projects))
        known = self._answers.get(tuple(projects))
        if known and known[0] == stamp:
            return list(known[1])
        found = [dict(s, project=p) for p in projects if os.path.isdir(os.path.join(runtime_of(p), "sessions")) for s in all_summaries(runtime_of(p))]
        self._answers[tuple(projects)] = (stamp, found)
        return list(found)

    def with_cost(self, summary: dict) -> dict:
        """The summary's priced usage (tokens and ``cost_usd``), for the rows people see."""
        return priced(usage_of(summary), self.pricer(summary["project"]))

    def session(self, key: str, session_id: str):
        """``(project, data, decisions)`` of one session; NotFound for an unknown key or id."""
        project = self.project(key)
        try:
            validate_session_id(session_id)
        except ValueError:
            raise NotFound("not a session id") from None
        session_dir = os.path.join(runtime_of(project), "sessions")
        entry = read_registry(session_dir).get(session_id) if os.path.isdir(session_dir) else None
        if entry is None:
            raise NotFound(f"no session {session_id} in {project}")
        try:
            data = read_session(session_dir, session_id, entry.get("status") == "archived")
        except (KeyError, OSError, ValueError):
            raise NotFound(f"session {session_id} cannot be read") from None
        return project, data, decision_records(runtime_of(project), session_id)

    def session_files(self, key: str, session_id: str) -> list:
        """The files whose changes mean the session changed (live and archived place, file and journal)."""
        session_dir = os.path.join(runtime_of(self.project(key)), "sessions")
        return [
            os.path.join(folder, f"session_{session_id}.{suffix}")
            for folder in (session_dir, os.path.join(session_dir, "archive")) for suffix in ("json", "journal")
        ]

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

    def search(self, query: str, projects, action=None, tool=None, since=None, limit: int = 50) -> list:
        """The index's hits (see ``query.index.Index.search``); ValueError for a query it cannot parse."""
        index = Index(self.index_path)
        try:
            index.update(projects)
            return index.search(query, projects, action or None, tool or None, since, limit)
        finally:
            index.close()

    def usage(self, projects, since: datetime = None) -> dict:
        """Tokens and cost ``by_day``, ``by_project`` and ``by_model``: ``{name: (tokens, cost or None)}``,
        each priced with its project's prices; days before ``since`` are left out."""
        first_day = since.strftime("%Y-%m-%d") if since else None
        days, by_project, by_model = {}, {}, {}
        for summary in self.summaries(projects):
            usage = usage_of(summary)
            if not usage["requests"] or (since and _last_activity(summary) < since):
                continue
            project = summary["project"]
            for day, models in usage["days"].items():
                if first_day and day != "unknown" and day < first_day:
                    continue
                merge(days.setdefault(day, {}).setdefault(project, {}), models)
                merge(by_project.setdefault(project, {}), models)
                for model, totals in models.items():
                    merge(by_model.setdefault(model, {}).setdefault(project, {}), {model: totals})
        return {"by_day": self._priced(days), "by_project": {name: self._figures({name: models}) for name, models in by_project.items()}, "by_model": self._priced(by_model)}

    def _priced(self, groups: dict) -> dict:
        return {name: self._figures(per_project) for name, per_project in sorted(groups.items())}

    def _figures(self, per_project: dict) -> tuple:
        """``(tokens, cost)`` of ``{project: {model: totals}}``; cost None if any model is unpriced."""
        tokens, costs = 0, []
        for project, models in per_project.items():
            tokens += all_tokens(total_of(models))
            costs.append(self.pricer(project).total(models))
        return tokens, None if None in costs else round(sum(costs), 6)


def _last_activity(summary: dict) -> datetime:
    return datetime.fromisoformat(summary["last_activity"].rstrip("Z")).replace(tzinfo=timezone.utc)
