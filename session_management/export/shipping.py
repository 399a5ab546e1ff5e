"""Ship a project's sessions to an OTLP endpoint: what is new since the last shipment, and only that.

The shipment position (per endpoint, per session: entries covered, session span sent, and the
session files' size and mtime when read) lives in ``.claude/runtime/otlp-shipped.json``. It is
read and written under ``otlp-shipped.lock`` and advances only after the backend accepted the
spans, so a backend that is down, slow or refusing loses nothing: the next shipment sends it.

``python -I -m session_management.export.shipping PROJECT_DIR`` is what the hooks start, detached,
when ``otlp:`` is configured: it ships the project's new spans and logs failures to
``logs/toolkit.log``, never to a terminal.
"""

import json
import os
import sys
from dataclasses import dataclass, field

from ..file_utils import atomic_write, dumps, set_aside
from ..query.summaries import read_combined, session_sources, statuses
from ..store import catalog, history
from ..query.timeline import decision_records
from ..store import config as _config
from . import traces

STATE_NAME = "otlp-shipped.json"
LOCK_NAME = "otlp-shipped.lock"
STATE_VERSION = 1
BATCH_SPANS = 512  # spans per request: well under collectors' usual 4 MiB limits at capped field sizes
LOCK_TIMEOUT = 300.0  # a shipment waits this long for another one to finish


@dataclass
class Target:
    """Where spans go and how they are described there."""

    endpoint: str  # the full traces URL (see otlp.traces_endpoint)
    headers: dict = field(default_factory=dict)
    timeout: float = 10.0


@dataclass
class Outcome:
    sessions: int = 0  # sessions with something sent
    spans: int = 0
    read: int = 0  # sessions read (the others had not changed since their last shipment)


def project_resource(project_dir: str, otlp: dict) -> dict:
    """Resource attributes: the service, the Phoenix project, and (unless ``identity: false``) host, user, path."""
    name = os.path.basename(os.path.normpath(project_dir)) or "project"
    attributes = {
        "service.name": "claude-code",
        "openinference.project.name": otlp.get("project") or name,
        "claude_code.project.name": name,
    }
    if otlp.get("identity", True):
        import getpass
        import socket

        attributes["host.name"] = socket.gethostname()
        try:
            attributes["user.name"] = getpass.getuser()
        except (KeyError, OSError):
            pass
        attributes["claude_code.project.path"] = project_dir
    attributes.update({str(k): str(v) for k, v in (otlp.get("resource_attributes") or {}).items()})
    return attributes


def project_otlp(project_dir: str) -> dict:
    """The project's ``otlp:`` settings (empty if none)."""
    runtime = os.path.join(project_dir, ".claude", "runtime")
    config, _problems = _config.load(os.path.join(project_dir, ".claude"), runtime)
    return config.get("otlp") or {}


def ship(project_dir: str, sender, target: Target, options, session_ids=None, since=None, again=False, progress=None, resource=None) -> Outcome:
    """Send what ``target`` has not received of the project's sessions (all, or ``session_ids``; with
    ``since`` only those active since that ISO timestamp); ``again`` sends everything anew.
    Raises ``otlp.DeliveryError`` after saving what was delivered before the failure."""
    from filelock import FileLock, Timeout

    runtime = os.path.join(project_dir, ".claude", "runtime")
    session_dir = os.path.join(runtime, "sessions")
    imported = history.project_folder(catalog.home(), project_dir)
    state_dir = runtime if os.path.isdir(runtime) else imported  # never a new file in a project without hooks
    resource = sender.resource(resource or project_resource(project_dir, project_otlp(project_dir)))
    outcome = Outcome()
    try:
        lock = FileLock(os.path.join(state_dir, LOCK_NAME), timeout=LOCK_TIMEOUT)
        lock.acquire()
    except Timeout:
        raise TimeoutError(f"another shipment of {project_dir} held {LOCK_NAME} for {LOCK_TIMEOUT:.0f} s") from None
    try:
        state = _load_state(state_dir)
        shipped = state["endpoints"].setdefault(target.endpoint, {})
        found = statuses(session_dir, imported)
        wanted = list(session_ids) if session_ids is not None else sorted(found)
        batch, pending = [], {}

        def flush():
            sender.send(batch, resource)
            outcome.sessions += sum(1 for record in pending.values() if record.pop("_sent"))
            shipped.update(pending)
            _save_state(state_dir, state)
            outcome.spans += len(batch)
            batch.clear()
            pending.clear()

        for number, session_id in enumerate(wanted, 1):
            status = found.get(session_id, "?")
            fingerprint = session_sources(session_dir, imported, session_id, status)
            record = {} if again else shipped.get(session_id) or {}
            if record.get("fingerprint") == fingerprint:
                continue
            try:
                data = read_combined(session_dir, imported, session_id, status)
            except (KeyError, OSError, ValueError):
                continue
            outcome.read += 1
            if since and str(data.get("last_activity", "")) < since:
                continue
            done, root_sent = record.get("entries", 0), record.get("root", False)
            decisions = decision_records(runtime, session_id) if data.get("status") == "ended" and not root_sent else ()
            spans, covered, root_sent = traces.session_spans(data, options, done, root_sent, decisions)
            pending[session_id] = {"entries": covered, "root": root_sent, "fingerprint": fingerprint, "_sent": bool(spans)}
            batch.extend(spans)
            if len(batch) >= BATCH_SPANS:
                flush()
            if progress:
                progress(number, len(wanted), outcome.spans + len(batch))
        flush()
    finally:
        lock.release()
    return outcome


def _load_state(runtime: str) -> dict:
    """The shipment positions; a corrupt file is set aside (everything is sent again: same ids)."""
    path = os.path.join(runtime, STATE_NAME)
    try:
        with open(path, encoding="utf-8") as handle:
            state = json.load(handle)
        if isinstance(state, dict) and state.get("version") == STATE_VERSION and isinstance(state.get("endpoints"), dict):
            return state
    except FileNotFoundError:
        return {"version": STATE_VERSION, "endpoints": {}}
    except (OSError, ValueError):
        pass
    set_aside(path)
    return {"version": STATE_VERSION, "endpoints": {}}


def _save_state(runtime: str, state: dict) -> None:
    atomic_write(os.path.join(runtime, STATE_NAME), dumps(state))


def target_for(otlp: dict, endpoint=None, headers=None, timeout=None) -> Target:
    """The target from explicit values over the project's ``otlp:`` settings over the OTEL_* variables."""
    from .otlp import traces_endpoint

    merged = dict(otlp.get("headers") or {})
    merged.update(headers or {})
    return Target(traces_endpoint(endpoint or otlp.get("endpoint")), merged, float(timeout or otlp.get("timeout") or 10.0))


def ship_project(project_dir: str) -> None:
    """What the detached process does: ship everything new with the project's settings; log the outcome."""
    from ..toolkit_logger import ToolkitLogger
    from .otlp import DeliveryError, MissingExporter, Sender

    runtime = os.path.join(project_dir, ".claude", "runtime")
    config, _problems = _config.load(os.path.join(project_dir, ".claude"), runtime)
    logger = ToolkitLogger("session_management", os.path.join(runtime, "logs", "toolkit.log"), config["log_max_bytes"], config["log_backup_count"])
    otlp = config.get("otlp") or {}
    target = target_for(otlp)
    try:
        sender = Sender(target.endpoint, target.headers, target.timeout)
    except MissingExporter as exc:
        logger.log_error(f"otlp shipment skipped: {exc}")
        return
    try:
        outcome = ship(project_dir, sender, target, traces.Options.from_config(otlp))
    except (DeliveryError, TimeoutError, OSError) as exc:
        logger.log_error(f"otlp shipment failed, to be retried at the next one: {exc}")
        return
    finally:
        sender.close()
    if outcome.spans:
        details = {"endpoint": target.endpoint, "sessions": outcome.sessions, "spans": outcome.spans}
        logger.logger.info("otlp: shipped %d spans of %d sessions", outcome.spans, outcome.sessions, extra={"event": "otlp_shipped", "session_id": None, "details": details})


if __name__ == "__main__":  # started by the hooks, detached: nothing may reach a terminal
    try:
        ship_project(sys.argv[1])
    except Exception as exc:  # last resort: the log, as the hooks do
        from ..toolkit_logger import ToolkitLogger

        ToolkitLogger("session_management", os.path.join(sys.argv[1], ".claude", "runtime", "logs", "toolkit.log")).log_error(f"otlp shipment failed: {exc}", exc)
