"""A recorded session as the spans of one OpenTelemetry trace: pure data, no OpenTelemetry import.

One trace per session. Its ids are derived from the session id and each entry's position in
the ``activity_log`` (sha256), so the same session always maps to the same ids and sending it
again never makes a second copy in a backend that keys spans by id. A span is produced only
once it is complete: a turn when its ``turn_end`` (or the next prompt) is recorded, the session
span when the session has ended. ``session_spans`` returns the spans new since ``done`` entries
(what an earlier shipment covered) and how far the new ones reach.

Attributes follow the OpenTelemetry GenAI semantic conventions (``gen_ai.*``) and carry the
OpenInference span kinds and fields (``openinference.span.kind``, ``llm.*``, ``input.value``)
that LLM-trace backends such as Phoenix render natively.
"""

import hashlib
import json
from dataclasses import dataclass, field

from ..claude_session import parse_timestamp
from ..core.redact import Redactor
from ..core.tokens import is_request

TURN_ENDS = ("turn_end", "stop_failure")
_TOOL_ACTIONS = ("tool_use", "tool_failure")
# Entries that make spans, or belong inside one, so they open a turn even without a prompt.
_TURN_ACTIONS = (*_TOOL_ACTIONS, "assistant_message", "subagent_start", "subagent_stop")
# Keys never repeated in span events: in the span already, or noise.
_EVENT_SKIP = ("cwd", "prompt_id", "permission_mode", "effort", "session_crons", "background_tasks")
PROVIDER = "anthropic"


@dataclass
class Options:
    """What leaves the machine besides structure, timing and tokens."""

    prompts: bool = True  # the user's prompts
    responses: bool = True  # the assistant's text
    tool_inputs: bool = True
    tool_outputs: bool = True  # tool output and error text

    @classmethod
    def from_config(cls, otlp: dict) -> "Options":
        return cls(**{name: bool(otlp.get(name, True)) for name in ("prompts", "responses", "tool_inputs", "tool_outputs")})

    def withheld(self) -> set:
        """Detail keys whose text the options leave out (in span events and attributes alike)."""
        keys = set()
        if not self.prompts:
            keys |= {"prompt", "expanded_prompt", "custom_instructions"}
        if not self.responses:
            keys |= {"last_assistant_message", "text", "message", "summary", "compact_summary"}
        if not self.tool_inputs:
            keys |= {"tool_input", "permission_suggestions"}
        if not self.tool_outputs:
            keys |= {"tool_response", "error"}
        return keys


@dataclass
class SpanData:
    """One span, ready to be handed to an OpenTelemetry exporter."""

    name: str
    span_id: int
    parent_id: object  # int, or None for the session span
    start_ns: int
    end_ns: int
    attributes: dict
    events: list = field(default_factory=list)  # (name, time_ns, attributes)
    error: object = None  # None, or the error status's description
    trace_id: int = 0


def trace_id(session_id: str) -> int:
    return _digest(f"trace/{session_id}", 16)


def span_id(session_id: str, what: str) -> int:
    return _digest(f"span/{session_id}/{what}", 8)


def _digest(text: str, size: int) -> int:
    value = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:size], "big")
    return value or 1  # an all-zero id is invalid; sha256 makes this practically unreachable


def _ns(stamp, fallback: int) -> int:
    try:
        moment = parse_timestamp(stamp)
    except (ValueError, TypeError):
        return fallback
    return int(moment.timestamp() * 1_000_000) * 1000


def _details(entry) -> dict:
    details = entry.get("details") if isinstance(entry, dict) else None
    return details if isinstance(details, dict) else {}


def _text(value) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _number(value) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


class _Turn:
    """A run of entries: from a prompt to its turn end (or the next prompt)."""

    def __init__(self, first: int):
        self.first = first
        self.positions = []
        self.complete = False


def split_turns(entries: list) -> tuple:
    """``(turns, outside)``: the turns, and the positions of entries outside any turn (session events)."""
    turns, outside, current = [], [], None
    for position, entry in enumerate(entries):
        action = entry.get("action") if isinstance(entry, dict) else None
        if action == "user_input" and current is not None:
            current.complete = True  # a new prompt ends the turn before it (an interrupted turn)
            current = None
        if current is None and (action == "user_input" or action in _TURN_ACTIONS):
            current = _Turn(position)
            turns.append(current)
        if current is None:
            outside.append(position)
            continue
        current.positions.append(position)
        if action in TURN_ENDS:
            current.complete = True
            current = None
    return turns, outside


def session_spans(data: dict, options: Options, done: int = 0, root_sent: bool = False, decisions=()) -> tuple:
    """``(spans, covered, root_sent)``: the complete spans of ``data`` (a session in the storage
    format) not covered by the first ``done`` entries, and the new shipment position."""
    builder = _Builder(data, options)
    entries = builder.entries
    ended = data.get("status") == "ended"
    turns, outside = split_turns(entries)
    spans, covered = [], done
    for number, turn in enumerate(turns, 1):
        if turn.first < done or not (turn.complete or ended):
            continue
        spans.extend(builder.turn(turn, number))
        covered = max(covered, turn.positions[-1] + 1)
    if ended and not root_sent:
        spans.append(builder.root(outside, decisions, spans))
        root_sent, covered = True, len(entries)
    for span in spans:
        span.trace_id = builder.trace
    return spans, covered, root_sent


class _Builder:
    """Turns one session's entries into spans."""

    def __init__(self, data: dict, options: Options):
        self.session_id = str(data["session_id"])
        self.data = data
        redact = Redactor()  # today's rules, whatever rules the session was stored with: a backend is shared
        self.entries = [redact(entry) if isinstance(entry, dict) else {} for entry in data.get("activity_log") or []]
        self.options = options
        self.withheld = options.withheld()
        self.trace = trace_id(self.session_id)
        self.root_id = span_id(self.session_id, "session")
        self.common = {"session.id": self.session_id, "gen_ai.conversation.id": self.session_id}
        self.times = []
        last = _ns(data.get("created_at"), 0)
        for entry in self.entries:  # an entry without a readable time takes the one before it
            last = _ns(entry.get("timestamp"), last)
            self.times.append(last)

    def _span(self, name, what, parent, start, end, attributes, **extra) -> SpanData:
        return SpanData(name, span_id(self.session_id, what), parent, min(start, end), end, {**self.common, **attributes}, **extra)

    def event(self, position: int) -> tuple:
        entry = self.entries[position]
        attributes = {"claude_code.entry.position": position}
        for key, value in _details(entry).items():
            if key in _EVENT_SKIP or key.startswith("_") or value is None:
                continue
            attributes[f"claude_code.{key}"] = "[withheld]" if key in self.withheld else (value if isinstance(value, (str, bool, int, float)) else _text(value))
        return (str(entry.get("action") or "entry"), self.times[position], attributes)

    def turn(self, turn: _Turn, number: int) -> list:
        positions = turn.positions
        start = self.times[positions[0]]
        end = max(self.times[p] for p in positions)
        turn_id = span_id(self.session_id, f"turn/{turn.first}")
        first, last = self.entries[positions[0]], self.entries[positions[-1]]
        attributes = {"openinference.span.kind": "CHAIN", "claude_code.turn": number}
        if first.get("action") == "user_input" and self.options.prompts and isinstance(_details(first).get("prompt"), str):
            attributes["input.value"] = _details(first)["prompt"]
        if last.get("action") in TURN_ENDS and self.options.responses and isinstance(_details(last).get("last_assistant_message"), str):
            attributes["output.value"] = _details(last)["last_assistant_message"]
        error, events = None, []
        if last.get("action") == "stop_failure":  # OpenTelemetry's exception event: backends list it as the turn's error
            error = str(_details(last).get("error") or "the turn ended with an API error")
            said = _details(last).get("last_assistant_message") if self.options.responses else None
            events.append(("exception", self.times[positions[-1]], {"exception.type": error, "exception.message": str(said or error)}))
        spans = []
        agents = self._subagents(positions)
        handed = self._handed(positions)
        for position in positions:
            entry, details = self.entries[position], _details(self.entries[position])
            action = entry.get("action")
            agent = details.get("agent_id") if isinstance(details.get("agent_id"), str) else None
            parent = agents[agent][0] if agent in agents else turn_id
            at = self.times[position]
            if action in _TOOL_ACTIONS:
                spans.append(self.tool(position, parent))
            elif action == "assistant_message":
                if not is_request(details.get("model")):
                    continue  # Claude Code's own message (an API error), recorded by older harvests: no request, no LLM span
                asked = details.get("tool_use_ids") if isinstance(details.get("tool_use_ids"), list) else ()
                before = [t for t, call in handed.get(agent, ()) if t < at and (call is None or call not in asked)]
                spans.append(self.response(position, parent, max(before) if before else at))
            elif action not in ("user_input", "subagent_start", "subagent_stop", *TURN_ENDS):
                events.append(self.event(position))
        for agent, (agent_span, first_pos, stop_pos) in agents.items():
            children = [s.end_ns for s in spans if s.parent_id == agent_span]
            agent_end = self.times[stop_pos] if stop_pos is not None else max(children, default=end)
            details = _details(self.entries[first_pos])
            spans.append(SpanData(
                f"invoke_agent {details.get('agent_type') or 'subagent'}", agent_span, self._agent_parent(positions, agent, turn_id),
                self.times[first_pos], max(agent_end, self.times[first_pos]),
                {**self.common, "openinference.span.kind": "AGENT", "gen_ai.operation.name": "invoke_agent",
                 "gen_ai.agent.id": agent, "gen_ai.agent.name": str(details.get("agent_type") or "subagent"), "agent.name": str(details.get("agent_type") or "subagent")},
            ))
        spans.append(SpanData(f"turn {number}", turn_id, self.root_id, start, max(end, start), {**self.common, **attributes}, events, error))
        return spans

    def _handed(self, positions) -> dict:
        """agent id (None: the main agent) -> (time, tool call id or None) of what its model was handed:
        the prompt or the subagent's start, tool results, its own earlier responses. A response
        started after the last of them (not counting the tool calls it asked for itself)."""
        handed = {}
        for position in positions:
            entry, details = self.entries[position], _details(self.entries[position])
            agent = details.get("agent_id") if isinstance(details.get("agent_id"), str) else None
            if entry.get("action") in ("user_input", "subagent_start", "assistant_message", *_TOOL_ACTIONS):
                call = details.get("tool_use_id") if entry.get("action") in _TOOL_ACTIONS else None
                handed.setdefault(agent, []).append((self.times[position], call))
        return handed

    def _subagents(self, positions) -> dict:
        """agent id -> [its span id, position of its start, position of its stop or None]."""
        agents = {}
        for position in positions:
            entry, details = self.entries[position], _details(self.entries[position])
            agent = details.get("agent_id")
            if entry.get("action") == "subagent_start" and isinstance(agent, str) and agent not in agents:
                agents[agent] = [span_id(self.session_id, f"agent/{position}"), position, None]
            elif entry.get("action") == "subagent_stop" and agent in agents and agents[agent][2] is None:
                agents[agent][2] = position
        return agents

    def _agent_parent(self, positions, agent, turn_id) -> int:
        """The Agent tool call that ran this subagent (its response names the agent), else the turn."""
        for position in positions:
            entry, details = self.entries[position], _details(self.entries[position])
            response = details.get("tool_response")
            if entry.get("action") == "tool_use" and isinstance(response, dict) and response.get("agentId") == agent and not details.get("agent_id"):
                return span_id(self.session_id, f"entry/{position}")
        return turn_id

    def tool(self, position: int, parent: int) -> SpanData:
        details = _details(self.entries[position])
        name = str(details.get("tool_name") or "?")
        end = self.times[position]
        duration = details.get("duration_ms")
        start = end - int(duration * 1_000_000) if isinstance(duration, (int, float)) and not isinstance(duration, bool) and duration > 0 else end
        attributes = {"openinference.span.kind": "TOOL", "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": name, "tool.name": name}
        if isinstance(details.get("tool_use_id"), str):
            attributes["gen_ai.tool.call.id"] = attributes["tool.id"] = details["tool_use_id"]
        if self.options.tool_inputs and "tool_input" in details:
            attributes["input.value"] = _text(details["tool_input"])
        error = None
        if self.entries[position].get("action") == "tool_failure":
            attributes["error.type"] = "tool_failure"
            error = _text(details.get("error") or "the tool failed") if self.options.tool_outputs else "the tool failed"
            if self.options.tool_outputs and "error" in details:
                attributes["output.value"] = _text(details["error"])
        elif self.options.tool_outputs and "tool_response" in details:
            attributes["output.value"] = _text(details["tool_response"])
        return self._span(f"execute_tool {name}", f"entry/{position}", parent, start, end, attributes, error=error)

    def response(self, position: int, parent: int, start: int) -> SpanData:
        details = _details(self.entries[position])
        model = str(details.get("model") or "unknown")
        usage = details.get("usage") if isinstance(details.get("usage"), dict) else {}
        fresh, output = _number(usage.get("input_tokens")), _number(usage.get("output_tokens"))
        cache_write, cache_read = _number(usage.get("cache_creation_input_tokens")), _number(usage.get("cache_read_input_tokens"))
        prompt = fresh + cache_write + cache_read  # both conventions count cached input as input
        attributes = {
            "openinference.span.kind": "LLM",
            "gen_ai.operation.name": "chat",
            "gen_ai.provider.name": PROVIDER,
            "gen_ai.request.model": model,
            "gen_ai.response.model": model,
            "gen_ai.usage.input_tokens": prompt,
            "gen_ai.usage.output_tokens": output,
            "gen_ai.usage.cache_read.input_tokens": cache_read,
            "gen_ai.usage.cache_creation.input_tokens": cache_write,
            "llm.provider": PROVIDER,
            "llm.system": PROVIDER,
            "llm.model_name": model,
            "llm.token_count.prompt": prompt,
            "llm.token_count.completion": output,
            "llm.token_count.total": prompt + output,
            "llm.token_count.prompt_details.cache_read": cache_read,
            "llm.token_count.prompt_details.cache_write": cache_write,
        }
        if isinstance(details.get("message_id"), str):
            attributes["gen_ai.response.id"] = details["message_id"]
        if isinstance(details.get("stop_reason"), str):
            attributes["gen_ai.response.finish_reasons"] = [details["stop_reason"]]
        if self.options.responses and isinstance(details.get("text"), str) and details["text"]:
            attributes["output.value"] = details["text"]
        if isinstance(details.get("agent_id"), str):
            attributes["gen_ai.agent.id"] = details["agent_id"]
        return self._span(f"chat {model}", f"entry/{position}", parent, start, self.times[position], attributes)

    def root(self, outside: list, decisions, spans: list) -> SpanData:
        metadata = self.data.get("metadata") if isinstance(self.data.get("metadata"), dict) else {}
        start = _ns(self.data.get("created_at"), self.times[0] if self.times else 0)
        end = max([_ns(self.data.get("last_activity"), start), *self.times, *(s.end_ns for s in spans)])
        attributes = {"openinference.span.kind": "AGENT", "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "claude-code", "agent.name": "claude-code"}
        for key in ("model", "source", "end_reason"):
            if isinstance(metadata.get(key), str):
                attributes[f"claude_code.{key}"] = metadata[key]
        if isinstance(metadata.get("model"), str):
            attributes["gen_ai.request.model"] = metadata["model"]
        events = [self.event(position) for position in outside]
        for record in decisions:
            details = record.get("details") or {}
            events.append(("decision", _ns(record.get("timestamp"), start), {f"claude_code.decision.{k}": str(v) for k, v in details.items() if v is not None}))
        events.sort(key=lambda event: event[1])
        return SpanData(f"claude-code session {self.session_id[:8]}", self.root_id, None, start, max(end, start), {**self.common, **attributes}, events)
