"""Turn what is new in a session's transcripts into ``assistant_message`` records, each API
response once, with its tokens: the main transcript, every subagent's, and late arrivals; and the
person's interrupts (Escape, which fires no hook) into ``interrupted`` records, as the import
reads them (``capture.typed``).

Where each transcript was read up to, the keys of the responses already recorded and the agent
types learnt from SubagentStop are kept in ``.claude/runtime/transcripts/<session id>.json``,
changed only under ``<session id>.lock`` beside it, which the caller holds until the records are
appended. That file is derived: when it is missing or unreadable the keys are rebuilt from the
session's own entries and every transcript is read again, so nothing is counted twice.
"""

import os

from ..core.fastjson import loads
from ..core.timestamps import now_iso
from .transcript import read_new, response_key

STATE_VERSION = 1
_MARK_KEY = "i:"  # an interrupt's key among the seen ones: its line's uuid (a response's holds a "/")


def state_dir(runtime_dir: str) -> str:
    return os.path.join(runtime_dir, "transcripts")


def lock(runtime_dir: str, session_id: str):
    from ..store.journal import FlockLock

    os.makedirs(state_dir(runtime_dir), mode=0o700, exist_ok=True)
    return FlockLock(os.path.join(state_dir(runtime_dir), f"{session_id}.lock"))


def load_state(runtime_dir: str, session_id: str):
    """The harvest state, or None if there is none or it cannot be read (then: rebuild)."""
    try:
        with open(os.path.join(state_dir(runtime_dir), f"{session_id}.json"), "rb") as handle:
            state = loads(handle.read())
    except (OSError, ValueError):
        return None
    if not isinstance(state, dict) or state.get("version") != STATE_VERSION:
        return None
    return state


def rebuilt_state(entries) -> dict:
    """A state knowing the responses already in the session's entries, every transcript unread."""
    seen = [response_key(e["details"].get("message_id"), e["details"].get("request_id")) for e in entries if _is_response(e)]
    seen += [_MARK_KEY + str(e["details"].get("uuid")) for e in entries if _is_record(e, "interrupted")]
    return {"version": STATE_VERSION, "positions": {}, "seen": seen, "agents": {}}


def save_state(runtime_dir: str, session_id: str, state: dict) -> None:
    from ..core.jsontext import to_json
    from ..file_utils import atomic_write

    atomic_write(os.path.join(state_dir(runtime_dir), f"{session_id}.json"), to_json(state, separators=(",", ":")))


def collect(state: dict, found_sources) -> list:
    """New ``assistant_message`` and ``interrupted`` records from the sources; ``state`` is updated in place."""
    seen = set(state["seen"])
    records = []
    for path, agent_id, agent_type in found_sources:
        if agent_id and agent_type:
            state["agents"][agent_id] = agent_type
        marks = []
        responses, state["positions"][path] = read_new(path, state["positions"].get(path, {}), marks)
        for mark in marks:
            if _MARK_KEY + mark["uuid"] not in seen:
                seen.add(_MARK_KEY + mark["uuid"])
                state["seen"].append(_MARK_KEY + mark["uuid"])
                records.append({"action": "interrupted", "timestamp": _when(mark["timestamp"]),
                                "details": {"uuid": mark["uuid"], "for_tool_use": mark["for_tool_use"]}})
        for response in responses:
            key = response_key(response["message_id"], response["request_id"])
            if key in seen:
                continue
            seen.add(key)
            state["seen"].append(key)
            records.append(_record(response, agent_id, state["agents"]))
    return records


def _record(response: dict, agent_id, agents: dict) -> dict:
    details = {key: response[key] for key in ("message_id", "request_id", "model", "stop_reason", "text", "tool_use_ids")}
    agent = response["agent_id"] or agent_id
    if agent:
        details["agent_id"] = agent
        if agents.get(agent):
            details["agent_type"] = agents[agent]
    details["usage"] = response["usage"]
    return {"action": "assistant_message", "timestamp": _when(response["timestamp"]), "details": details}


def _when(stamp) -> str:
    """When a line was written, if the transcript says so in our format; else now, when it is read."""
    return stamp if isinstance(stamp, str) and len(stamp) == 24 and stamp[10] == "T" and stamp.endswith("Z") else now_iso()


def _is_response(entry) -> bool:
    return _is_record(entry, "assistant_message")


def _is_record(entry, action: str) -> bool:
    return isinstance(entry, dict) and entry.get("action") == action and isinstance(entry.get("details"), dict)
