"""A session as a timeline of readable rows: what `show`, and the Markdown and HTML reports, print."""

import json
import os

from ..claude_session import parse_timestamp
from ..core.tokens import is_request, text as tokens_text

KINDS = {
    "session_start": "start",
    "user_input": "prompt",
    "tool_use": "tool",
    "tool_failure": "failure",
    "subagent_start": "subagent",
    "subagent_stop": "subagent",
    "compaction": "compaction",
    "turn_end": "turn end",
    "session_end": "end",
    "assistant_message": "assistant",
    "stop_failure": "failure",
    "interrupted": "interrupt",
    "task_notification": "notice",
    "local_command": "command",
    "user_prompt_expansion": "expansion",
}
# Which input field says best what a tool call did.
_TOOL_SUBJECT = ("command", "file_path", "notebook_path", "pattern", "url", "query", "description", "prompt", "path")


def one_line(text, limit: int = 100) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def tool_subject(tool_input) -> str:
    if isinstance(tool_input, dict):
        for key in _TOOL_SUBJECT:
            if isinstance(tool_input.get(key), str) and tool_input[key]:
                return tool_input[key]
        for value in tool_input.values():
            if isinstance(value, str) and value:
                return value
    return "" if tool_input is None else json.dumps(tool_input)[:200]


def describe(entry: dict) -> str:
    """One line saying what an entry was."""
    action = entry.get("action")
    details = entry.get("details") if isinstance(entry.get("details"), dict) else {}
    if action == "session_start":
        return f"session started ({details.get('source', '?')})"
    if action == "user_input":
        return json.dumps(one_line(details.get("prompt", ""), 120), ensure_ascii=False)
    if action in ("tool_use", "tool_failure"):
        text = f"{details.get('tool_name', '?')}  {one_line(tool_subject(details.get('tool_input')), 90)}"
        if action == "tool_failure":
            text += f"  → {one_line(details.get('error', ''), 80)}"
        if details.get("agent_id"):
            text += f"  [subagent {details['agent_id']}]"
        return text
    if action in ("subagent_start", "subagent_stop"):
        verb = "started" if action == "subagent_start" else "stopped"
        return f"{details.get('agent_type', '?')} {verb} ({details.get('agent_id', '?')})"
    if action == "compaction":
        return f"context compaction ({details.get('trigger', '?')})"
    if action == "local_command":
        return f"{one_line(details.get('prompt', ''), 100)}  (run by Claude Code itself, not sent to Claude)"
    if action == "user_prompt_expansion":  # UserPromptExpansion: the command's text went to Claude, not the person's
        source = f", {details['command_source']}" if details.get("command_source") else ""
        return f"{one_line(details.get('prompt', ''), 100)}  expanded ({details.get('expansion_type', '?')}{source}; not a prompt)"
    if action == "task_notification":
        return "a background task's notice (not typed): " + json.dumps(one_line(details.get("prompt", ""), 100), ensure_ascii=False)
    if action == "interrupted":
        return "interrupted by the person (Escape) " + ("during a tool call" if details.get("for_tool_use") else "while Claude answered")
    if action == "turn_end":
        return json.dumps(one_line(details.get("last_assistant_message") or "", 120), ensure_ascii=False)
    if action == "assistant_message":
        usage = details.get("usage") if isinstance(details.get("usage"), dict) else {}
        tokens = sum(v for k, v in usage.items() if k.endswith("_tokens") and isinstance(v, int))
        calls = len(details.get("tool_use_ids") or [])
        said = json.dumps(one_line(details.get("text") or "", 90), ensure_ascii=False) if details.get("text") else f"{calls} tool call{'' if calls == 1 else 's'}"
        agent = f"  [subagent {details['agent_id']}]" if details.get("agent_id") else ""
        if not is_request(details.get("model")):  # recorded by harvests before they were left out
            return f"{said}  (written by Claude Code itself, not an API request){agent}"
        return f"{said}  ({details.get('model', '?')}, {tokens_text(tokens)} tokens){agent}"
    if action == "post_model_switch":
        return f"model switched from {details.get('from_model', '?')} to {details.get('to_model', '?')} ({details.get('source', '?')})"
    if action == "stop_failure":
        said = one_line(details.get("last_assistant_message") or "", 100) if details.get("error") == "rate_limit" else ""
        hit = f"usage limit hit {json.dumps(said, ensure_ascii=False)}: " if said else ""
        return f"{hit}turn ended by an API error ({details.get('error', '?')})"
    if action == "session_end":
        return f"session ended ({details.get('reason', '?')})"
    return one_line(json.dumps(details, ensure_ascii=False), 120)


def decision_records(runtime_dir: str, session_id: str) -> list:
    """The decision records of one session, from its own log (rotated copies are not read)."""
    path = os.path.join(runtime_dir, "logs", f"session_{session_id}.log")
    records = []
    try:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                try:
                    record = json.loads(line)
                except ValueError:
                    continue
                if isinstance(record, dict) and record.get("event") == "decision" and isinstance(record.get("details"), dict):
                    records.append(record)
    except OSError:
        pass
    return records


def rows(data: dict, decisions=()) -> list:
    """Timeline rows, oldest first: dicts with at, offset, kind, text, duration_ms, details."""
    start = parse_timestamp(data["created_at"])
    result = []
    for index, entry in enumerate(data["activity_log"]):
        details = entry.get("details") if isinstance(entry.get("details"), dict) else {}
        duration = details.get("duration_ms") if isinstance(details.get("duration_ms"), (int, float)) else None
        result.append({
            "at": entry.get("timestamp", data["created_at"]),
            "kind": KINDS.get(entry.get("action"), str(entry.get("action"))),
            "action": entry.get("action"),
            "text": describe(entry),
            "duration_ms": duration,
            "details": details,
            "order": index,
        })
    for index, record in enumerate(decisions):
        what, why = record["details"].get("what", ""), record["details"].get("why", "")
        result.append({
            "at": record.get("timestamp", data["created_at"]),
            "kind": "decision",
            "action": "decision",
            "text": f"{what} — {why}",
            "duration_ms": None,
            "details": record["details"],
            "order": len(data["activity_log"]) + index,
        })
    for row in result:
        try:
            # the first entry's timestamp can precede created_at by the time it took to create the record
            row["offset"] = max((parse_timestamp(row["at"]) - start).total_seconds(), 0.0)
        except (ValueError, TypeError):
            row["offset"] = 0.0
    result.sort(key=lambda row: (row["offset"], row["order"]))
    return result
