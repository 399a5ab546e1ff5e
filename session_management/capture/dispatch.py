"""The hook dispatcher: one Claude Code event in, journal records and log lines out.

Every hook script calls ``run(event)``. It never raises, never writes to stdout (Claude Code
turns hook stdout into model context or parses it as hook JSON), never waits forever on stdin,
and always lets the process exit 0. Problems go to ``.claude/runtime/logs/toolkit.log``.

The common path (a prompt or a tool call in a live session) imports only the standard library
modules it needs and appends one journal line; archiving, restoring and logging load the rest.
"""

import json
import os
import sys
import time

from . import capping as _capping
from .events import HARVEST_EVENTS, TURN_ENDS, action_for
from ..store import config as _config, writer
from ..core.ids import validate_session_id
from ..core.timestamps import format_epoch, now_iso

STDIN_TIMEOUT = 10.0
REPEAT_WINDOW_SECONDS = 30
MAX_STDIN_BYTES = 256 * 1024 * 1024

# Payload keys not repeated in every entry: the id is the session's, the transcript path and
# event name are in the session metadata or the action.
_NOT_IN_DETAILS = ("session_id", "hook_event_name", "transcript_path")
# SessionStart keys kept as session metadata (with whatever else the event carries).
_START_METADATA_SKIP = ("session_id", "hook_event_name")


class Event:
    """Where one event's data goes, and the settings that apply there."""

    def __init__(self, name: str, payload: dict, project_dir: str, system_messages: list = None):
        self.name = name
        self.payload = payload
        self.project_dir = project_dir
        self.runtime_dir = os.path.join(project_dir, ".claude", "runtime")
        self.session_dir = os.path.join(self.runtime_dir, "sessions")
        self.config, self.config_problems = _config.load(os.path.join(project_dir, ".claude"), self.runtime_dir)
        self._logger = None
        self._redactor = None
        self.system_messages = [] if system_messages is None else system_messages  # budget warnings (capture.totals)

    @property
    def redactor(self):
        if self._redactor is None:
            from ..core.redact import Redactor

            self._redactor = Redactor(self.config["redact"], self.config["redact_patterns"], self.config["redact_off"])
        return self._redactor

    @property
    def logger(self):
        if self._logger is None:
            from ..toolkit_logger import ToolkitLogger

            self._logger = ToolkitLogger(
                "session_management",
                os.path.join(self.runtime_dir, "logs", "toolkit.log"),
                max_bytes=self.config["log_max_bytes"],
                backup_count=self.config["log_backup_count"],
                redact=self.redactor,
            )
        return self._logger

    def report_lost_log_records(self) -> None:
        """Say on stderr what could not be logged: the log is where problems go, unless it is the problem."""
        handler = self._logger and self._logger.handler
        if handler and handler.failures:
            _stderr(
                f"session tracking: {handler.failures} log record{'' if handler.failures == 1 else 's'} could not be written to {handler.log_file} "
                f"({handler.last_error}); the last one: {handler.last_lost}"
            )

    def manager(self):
        """A SessionManager, with the log configured first so whatever it reports lands in the log."""
        _ = self.logger
        from ..session_manager import SessionManager

        return SessionManager(self.session_dir, lock_timeout=5.0)


def run(event_name: str) -> None:
    """Entry point of every hook script: handle one event from stdin, fail open. The only things
    ever printed are an opt-in budget warning at a turn end (``budget.warn``, see ``capture.totals``)
    and, with ``budget.enforce``, a UserPromptSubmit's block decision."""
    real_stdout = _silence_stdout()
    messages = []
    try:
        handle(event_name, None, os.environ, messages)
    except BaseException as exc:  # fail open, whatever happened
        _last_resort(event_name, exc)
    finally:
        if real_stdout is not None:
            _tell_claude(real_stdout, messages)
            os.close(real_stdout)


def _tell_claude(fd: int, messages: list) -> None:
    """Print ``{"systemMessage": …}``, which Claude Code shows the person under the answer; or a block
    decision (a dict among ``messages``: an enforced budget, see ``_enforce_budget``)."""
    if messages:
        decisions = [message for message in messages if isinstance(message, dict)]
        try:
            os.write(fd, (json.dumps(decisions[0] if decisions else {"systemMessage": " ".join(messages)}) + "\n").encode("utf-8"))
        except OSError:
            pass


def handle(event_name: str, raw, env, system_messages: list = None) -> str:
    """Record one event (``raw`` bytes, or None to read stdin); return what was done.
    Budget warnings for the person are added to ``system_messages``."""
    if raw is None:
        raw = _read_stdin()  # read here, so this frame holds the only reference and can drop it
    project_dir = env.get("CLAUDE_PROJECT_DIR") or ""
    try:
        # Decode, then drop the bytes, then parse: a 50 MB event is held twice at most, not three times.
        text = raw.decode("utf-8")
        del raw
        payload = json.loads(text)
        del text
    except (ValueError, RecursionError) as exc:
        payload = None
        problem = f"{event_name} hook: input is not JSON ({type(exc).__name__}: {str(exc)[:200]}); event dropped"
    else:
        problem = None
        if not isinstance(payload, dict):
            problem = f"{event_name} hook: input is a JSON {type(payload).__name__}, not an object; event dropped"
            payload = None
    if not event_name:  # a hook command without its event name: trust the payload's
        event_name = str((payload or {}).get("hook_event_name") or "UnnamedEvent")[:100]
    if not project_dir and payload is not None and isinstance(payload.get("cwd"), str):
        project_dir = payload["cwd"]
    if not project_dir or not os.path.isabs(project_dir) or not os.path.isdir(project_dir):
        _stderr(f"session tracking: no usable project directory ({project_dir[:200]!r}); {event_name} event dropped")
        return "dropped"
    event = Event(event_name, payload, project_dir, system_messages)
    try:
        return _dispatch_event(event, problem)
    finally:
        event.report_lost_log_records()


def _dispatch_event(event: Event, problem) -> str:
    """Validate the session id, then record the event; every problem is logged, none raised."""
    if event.config_problems and event.name == "SessionStart":
        for config_problem in event.config_problems:
            event.logger.log_error(f"settings: {config_problem}")
    if not problem:
        try:
            session_id = validate_session_id(event.payload.get("session_id"))
        except ValueError as exc:
            problem = f"{event.name} hook: {exc}; event dropped"
    if problem:
        event.logger.log_error(problem)
        event.logger.log_decision(
            what=f"drop the {event.name} event",
            why=problem,
            alternatives="record it under a made-up session (would put data where nobody looks, or let input pick file names)",
        )
        return "dropped"
    try:
        return _record(event, session_id)
    except Exception as exc:
        event.logger.log_error(f"{event.name} hook for session {session_id} failed: {exc}", exc, session_id)
        return "failed"


def _record(event: Event, session_id: str) -> str:
    name, payload, config = event.name, event.payload, event.config
    details = {key: value for key, value in payload.items() if key not in _NOT_IN_DETAILS}
    _capping.cap_fields(details, config["max_field_bytes"])
    records = [{"action": action_for(name), "timestamp": now_iso(), "details": details}]
    if name == "UserPromptSubmit":
        _as_typed(records[0])
    elif name == "PreCompact" and payload.get("trigger") == "manual":
        records.insert(0, _compact_command(details, records[0]["timestamp"]))
    metadata = None
    if name == "SessionStart":
        metadata = {key: value for key, value in payload.items() if key not in _START_METADATA_SKIP}
        _capping.cap_fields(metadata, config["max_field_bytes"])
        metadata.pop("_truncated", None)
        records.append({"_set": {"metadata": metadata}})
    elif name == "SessionEnd":
        records.append({"_set": {"status": "ended", "metadata": {"end_reason": payload.get("reason")}}})
    elif name == "PostModelSwitch" and isinstance(payload.get("to_model"), str):
        records.append({"_set": {"metadata": {"model": payload["to_model"][:200]}}})
    turn_end = name in TURN_ENDS
    archive = name == "SessionEnd" or (turn_end and config["archive_on"] == "stop")
    if turn_end and archive:
        records.append({"_set": {"status": "paused"}})
    records = event.redactor(records)
    if metadata is not None:
        metadata = records[1]["_set"]["metadata"]  # the redacted copy
    is_repeat = _repeat_check(payload) if name == "SessionStart" else None
    if name in HARVEST_EVENTS:
        from .transcript import sources

        outcome = _append_with_harvest(event, session_id, records, sources(name, payload))
    else:
        outcome = writer.append(event.session_dir, session_id, records, config["timeout_seconds"], metadata, event.manager, is_repeat)
    _log_outcome(event, session_id, outcome)
    if outcome == "repeat":
        return outcome
    if name == "StopFailure" and payload.get("error") == "rate_limit":
        _record_limit_hit(event, session_id)
    if name == "UserPromptSubmit" and config["budget"].get("enforce"):
        _enforce_budget(event, session_id)
    if archive:
        event.manager().archive_session(session_id)
        ended = {"SessionEnd": "the session ended", "StopFailure": "an API error ended the turn; archive_on: stop"}
        event.logger.log_decision(
            what=f"archive session {session_id}",
            why=f"{name} event ({ended.get(name, 'the turn ended; archive_on: stop')})",
            alternatives="keep it live until SessionEnd (archive_on: session_end)" if turn_end else None,
            session_id=session_id,
        )
    if name == "SessionStart":
        _housekeeping(event)
    if config.get("otlp"):
        _hand_off_shipment(event, session_id)
    return outcome


def _compact_command(details: dict, timestamp: str) -> dict:
    """``/compact`` as the person typed it, read as the import reads its echo: a ``local_command``
    (the CLI runs it itself and fires no ``UserPromptSubmit``), not a prompt. Only ``PreCompact``
    says it was typed (``trigger: manual``), its arguments in ``custom_instructions``."""
    from .typed import read_text

    args = details.get("custom_instructions")
    _, said = read_text(f"/compact {args if isinstance(args, str) else ''}".rstrip())
    return {"action": "local_command", "timestamp": timestamp, "details": said}


OVERRIDE = "budget override"  # a prompt starting so goes through an enforced budget


def _as_typed(record: dict) -> None:
    """A prompt as ``capture.typed`` reads it, as the import does: a slash command keeps its name and
    arguments apart; what the CLI sent itself (a background task's ``<task-notification>``, other
    injected text) is no prompt."""
    from .typed import COMMAND, INTERRUPT, NOTICES, read_text

    prompt = record["details"].get("prompt")
    found = read_text(prompt)
    if found is None:
        if isinstance(prompt, str) and prompt.strip():  # observed: only a background task's notice
            record["action"] = "task_notification" if prompt.lstrip().startswith(NOTICES) else "injected_prompt"
    elif found[0] == INTERRUPT:
        record["action"] = "interrupted"
    elif found[0] == COMMAND:
        record["details"].update({key: value for key, value in found[1].items() if key != "prompt"})


def _enforce_budget(event: Event, session_id: str) -> None:
    """``budget.enforce``: a new prompt over a budget is blocked (Claude Code's block decision), unless
    it starts with ``OVERRIDE``. Fail-open: an error of the check lets the prompt through."""
    prompt = event.payload.get("prompt")
    if isinstance(prompt, str) and prompt.lstrip().lower().startswith(OVERRIDE):
        event.logger.log_decision(what="let a prompt through the enforced budget", why=f"it starts with {OVERRIDE!r}", session_id=session_id)
        return
    from .totals import over_budget

    try:
        reasons = over_budget(event, session_id)
    except Exception as exc:
        event.logger.log_error(f"cannot check the enforced budget, the prompt goes through: {exc}", exc, session_id)
        return
    if reasons:
        why = "; ".join(reasons)
        event.system_messages.append({"decision": "block", "reason": (
            f"Over budget (claude-session-tracker): {why}. To go on, raise the budget in .claude/session-tracking.yaml, "
            f"or send the prompt again starting with \"{OVERRIDE}\" to let that one through.")})
        event.logger.log_decision(what="block the prompt", why=f"budget.enforce: {why}", alternatives=f"let it through (a prompt starting with {OVERRIDE!r})",
                                  session_id=session_id)


def _record_limit_hit(event: Event, session_id: str) -> None:
    """A turn stopped by a usage limit: a hit in the user's quota ledger (``store.quota``), beside the session's record."""
    from ..core.fastos import data_home
    from ..store import quota

    try:
        window = quota.record_hit(data_home(), time.time(), session_id, event.payload.get("last_assistant_message"))
    except Exception as exc:  # the ledger is a view's convenience: never the session's record
        event.logger.log_error(f"cannot record the limit hit in the quota ledger: {exc}", exc, session_id)
        return
    event.logger.log_session_event(session_id, "limit_hit", {"window": window})


def _hand_off_shipment(event: Event, session_id: str) -> None:
    """With ``otlp:`` configured, start the detached shipment this event calls for; never wait for it."""
    from .handoff import ships_on, start_shipment

    if not ships_on(event.name, event.config["otlp"]):
        return
    try:
        start_shipment(event.project_dir)
    except OSError as exc:
        event.logger.log_error(f"cannot start the otlp shipment: {exc}", exc, session_id)


def _append_with_harvest(event: Event, session_id: str, records: list, transcripts: list, if_found: list = ()):
    """Append ``records`` after the responses new in ``transcripts`` (and ``if_found`` if there
    were any), holding the harvest lock until all are written, so concurrent harvests never record
    one twice. Returns the append's outcome, or None if there was nothing to append."""
    from . import harvest

    with harvest.lock(event.runtime_dir, session_id):
        state = harvest.load_state(event.runtime_dir, session_id)
        if state is None:
            state = _rebuild_harvest_state(event, session_id)
        found = harvest.collect(state, transcripts)
        for record in found:
            _capping.cap_fields(record["details"], event.config["max_field_bytes"])
        outcome = None
        if found:
            records = event.redactor(found) + records + list(if_found)
        if records:
            outcome = writer.append(event.session_dir, session_id, records, event.config["timeout_seconds"], None, event.manager)
        _keep_totals(event, session_id, found, state["positions"])
        harvest.save_state(event.runtime_dir, session_id, state)
    return outcome


def _keep_totals(event: Event, session_id: str, found: list, positions: dict) -> None:
    """The running totals the status line reads; a failure costs the status line, never the record."""
    from . import totals

    try:
        totals.keep(event, session_id, found, positions)
    except Exception as exc:
        event.logger.log_error(f"cannot update the running totals of session {session_id}: {exc}", exc, session_id)


def _rebuild_harvest_state(event: Event, session_id: str) -> dict:
    """No harvest state (a first turn, or the file was lost): learn the recorded responses from the session."""
    from . import harvest

    try:
        entries = event.manager().get_session(session_id).activity_log
    except (KeyError, OSError):
        entries = []
    state = harvest.rebuilt_state(entries)
    if state["seen"]:
        event.logger.log_decision(
            what="rebuild the transcript harvest state from the session",
            why=f"its state file was missing or unreadable; the session already records {len(state['seen'])} responses",
            alternatives="start over without it (would record those responses again)",
            session_id=session_id,
        )
    return state


def _harvest_left_behind(event: Event, manager, session_id: str) -> None:
    """A session ended by its timeout never had its last turn's transcript read: read it now."""
    from .transcript import sources

    try:
        transcript = manager.get_session(session_id).metadata.get("transcript_path")
    except (KeyError, OSError):
        return
    if _append_with_harvest(event, session_id, [], sources("SessionEnd", {"transcript_path": transcript}), [{"_set": {"status": "ended"}}]):
        manager.archive_session(session_id)


def _repeat_check(payload: dict):
    """Some Claude Code releases fire SessionStart twice on --resume: the second, arriving right
    after a session_start of the same source with nothing in between, is the same event."""
    source = payload.get("source")
    since = format_epoch(time.time() - REPEAT_WINDOW_SECONDS)

    def is_repeat(entry) -> bool:
        return (
            isinstance(entry, dict)
            and entry.get("action") == "session_start"
            and isinstance(entry.get("details"), dict)
            and entry["details"].get("source") == source
            and str(entry.get("timestamp", "")) >= since
        )

    return is_repeat


def _log_outcome(event: Event, session_id: str, outcome: str) -> None:
    if event.name == "SessionStart" and outcome in ("appended", "created"):
        event.logger.log_session_event(session_id, "session_start", {"source": event.payload.get("source"), "outcome": outcome})
        return
    if outcome == "appended":
        return
    if outcome == "repeat":
        event.logger.log_decision(
            what="skip the repeated SessionStart",
            why=f"a SessionStart ({event.payload.get('source')}) was recorded for this session less than {REPEAT_WINDOW_SECONDS} s ago with nothing after it",
            alternatives="record it again (one start, counted twice)",
            session_id=session_id,
        )
        return
    continues = "it is marked ended and archived again" if event.name == "SessionEnd" else "the conversation continues"
    why = {
        "restored": f"a {event.name} event arrived for the archived session: {continues}",
        "created": f"first event seen for this session was {event.name}",
        "repaired": "the session file had no journal (an earlier process died mid-write)",
    }[outcome]
    what = {"restored": "resume the session from the archive", "created": "create the session", "repaired": "rebuild the journal"}
    alternatives = {
        "restored": "start a new session record (would split one Claude Code session in two)",
        "created": "drop events until a SessionStart arrives (would lose them)",
        "repaired": None,
    }
    event.logger.log_decision(what=what[outcome], why=why, alternatives=alternatives[outcome], session_id=session_id)


def _stamp_new_runtime(event: Event) -> None:
    """A project recorded for the first time holds nothing redacted by older rules: say so
    (``store/redaction``), unless sessions of another are already there."""
    from ..store import redaction

    names = os.listdir(event.session_dir) if os.path.isdir(event.session_dir) else []
    others = [name for name in names if name.startswith("session_") and event.payload["session_id"] not in name]
    if not others and os.path.isdir(event.runtime_dir) and not redaction.stamped(event.runtime_dir):
        redaction.stamp(event.runtime_dir)


def _housekeeping(event: Event) -> None:
    """At session start: list the project in the user's catalog, end sessions left active past
    their timeout, prune old archives."""
    from ..store import catalog

    try:
        if catalog.add(catalog.home(), event.project_dir):
            event.logger.log_session_event(event.payload["session_id"], "project_cataloged", {"catalog": catalog.home()})
            _stamp_new_runtime(event)
    except OSError as exc:  # the catalog is a convenience: a read-only home must not stop tracking
        event.logger.log_error(f"cannot add {event.project_dir} to the projects catalog in {catalog.home()}: {exc}")
    manager = event.manager()
    for expired in manager.cleanup_expired():
        event.logger.log_decision(
            what=f"end and archive session {expired}",
            why="no activity within its timeout (its SessionEnd never arrived)",
            alternatives="leave it active",
            session_id=expired,
        )
        _harvest_left_behind(event, manager, expired)
    retention = event.config["retention_days"]
    if retention:
        for pruned in manager.prune_archived(retention * 86400):
            event.logger.log_decision(
                what=f"delete archived session {pruned}",
                why=f"archived more than retention_days={retention} days ago",
                alternatives="keep it (set retention_days: null)",
            )


def _read_stdin(timeout: float = STDIN_TIMEOUT) -> bytes:
    """All of stdin, or an error if it is not closed within ``timeout`` (never hang a session)."""
    import select
    import time

    try:
        if os.isatty(0):
            return b""
    except OSError:
        return b""
    data = bytearray()  # grown in place: a list of chunks joined at the end would hold the event twice
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        try:
            ready, _, _ = select.select([0], [], [], max(remaining, 0))
        except (OSError, ValueError):
            return b""
        if not ready:
            raise TimeoutError(f"stdin was not closed within {timeout} s")
        chunk = os.read(0, 1 << 20)
        if not chunk:
            return data
        data += chunk
        if len(data) > MAX_STDIN_BYTES:
            raise ValueError(f"event larger than {MAX_STDIN_BYTES} bytes")


def _silence_stdout():
    """Point fd 1 at /dev/null so nothing can reach Claude Code's context; return the old fd."""
    try:
        sys.stdout.flush()
        saved = os.dup(1)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)
        return saved
    except OSError:
        return None


def _last_resort(event_name: str, exc: BaseException) -> None:
    """Log a failure that happened before an Event existed; stderr if there is nowhere else."""
    message = f"{event_name} hook failed: {type(exc).__name__}: {exc}"
    project_dir = os.environ.get("CLAUDE_PROJECT_DIR")
    if project_dir and os.path.isdir(project_dir):
        try:
            from ..toolkit_logger import ToolkitLogger

            ToolkitLogger("session_management", os.path.join(project_dir, ".claude", "runtime", "logs", "toolkit.log")).log_error(
                message, exc if isinstance(exc, Exception) else None
            )
            return
        except Exception:
            pass
    _stderr(message)


def _stderr(message: str) -> None:
    try:
        sys.stderr.write(message + "\n")
        sys.stderr.flush()
    except Exception:
        pass
