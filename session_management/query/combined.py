"""One session from its two possible sources: the hook record in the project and the record
imported from Claude Code's transcript (``store/history``). A session the hooks recorded only in
part (installed mid-way, or resumed after the install) is shown once: the hook record as it is,
plus what only the transcript holds.

What counts as the same: a response by message id + request id, a tool call by its tool_use_id,
a prompt by its ``prompt_id`` (both sources carry Claude Code's id of the prompt) or, where one
lacks it, by its text and how many times that text was typed before. Other imported records
(turn ends, compactions, subagent starts) are kept only from before the hook record begins: from
then on the hooks saw them first-hand.
"""

from collections import Counter

IMPORTED_STATUS = "imported"  # the registry status of a session known only from its transcript


def combine(hook, imported, elsewhere=()):
    """The session in the storage format, from either source or both (None if neither).
    ``elsewhere``: responses (message id, request id) another session owns (``store/history.
    counted_elsewhere``), dropped from the hook record: a fork's copies of its parent's are counted once."""
    if hook is not None and elsewhere:
        hook = {**hook, "activity_log": [e for e in hook["activity_log"] if not _counted_elsewhere(e, elsewhere)]}
    if imported is None or hook is None:
        return hook or imported
    log = hook["activity_log"]
    responses = {(d.get("message_id"), d.get("request_id")) for d in _details(log, "assistant_message")}
    tools = {d.get("tool_use_id") for d in _details(log, "tool_use", "tool_failure")}
    prompt_ids = {d.get("prompt_id") for d in _details(log, "user_input")} - {None}
    prompt_texts = Counter(d.get("prompt") for d in _details(log, "user_input") if not d.get("prompt_id"))
    begins = hook["created_at"]
    extra = []
    for entry in imported["activity_log"]:
        details, action = entry.get("details") or {}, entry.get("action")
        if action == "assistant_message":
            known = (details.get("message_id"), details.get("request_id")) in responses
        elif action in ("tool_use", "tool_failure"):
            known = details.get("tool_use_id") in tools
        elif action == "user_input":
            known = details.get("prompt_id") in prompt_ids
            if not known and prompt_texts[details.get("prompt")] > 0:
                prompt_texts[details.get("prompt")] -= 1
                known = True
        else:
            known = str(entry.get("timestamp") or "") >= begins
        if not known:
            extra.append(entry)
    if not extra:
        return hook
    merged = sorted([*extra, *log], key=lambda e: (str(e.get("timestamp") or ""), e.get("action") == "turn_end"))
    metadata = {**imported["metadata"], **hook["metadata"]}
    metadata["imported"] = {**imported["metadata"].get("imported", {}), "entries": len(extra)}
    return {**hook, "created_at": min(hook["created_at"], imported["created_at"]),
            "last_activity": max(hook["last_activity"], imported["last_activity"]), "metadata": metadata, "activity_log": merged}


def is_imported(data: dict) -> bool:
    """Whether any of the session came from its transcript rather than from the hooks."""
    return isinstance(data.get("metadata"), dict) and "imported" in data["metadata"]


def _counted_elsewhere(entry, elsewhere) -> bool:
    details = entry.get("details") if isinstance(entry, dict) and isinstance(entry.get("details"), dict) else {}
    return entry.get("action") == "assistant_message" and (details.get("message_id"), details.get("request_id")) in elsewhere


def _details(log, *actions):
    return [e["details"] for e in log if isinstance(e, dict) and e.get("action") in actions and isinstance(e.get("details"), dict)]
