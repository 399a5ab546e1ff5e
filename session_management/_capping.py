"""Size caps for stored event fields, so megabytes of tool output leave a session file small.

A field over the cap keeps its shape where it can (long strings are cut, with a marker saying
how much was dropped); if it is still too big, it becomes the head of its JSON text. Either way
the record says the field was cut and how big it was.
"""

import json
import re

_MARKER_ROOM = 64  # the "[cut: …]" note must fit inside the cap too
_TOKEN_TAIL = re.compile(r"[A-Za-z0-9_\-+/=.]+\Z")


def cut_text(text: str, limit: int) -> str:
    """The first ``limit`` characters, without a trailing partial token (half a secret is still a secret)."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    tail = _TOKEN_TAIL.search(head)
    if tail and tail.start() > 0 and text[limit : limit + 1].strip():
        head = head[: tail.start()]
    return head + f"… [cut: {len(text) - len(head)} of {len(text)} characters dropped]"


def _cut_strings(value, limit: int, depth: int = 0):
    if isinstance(value, str):
        return cut_text(value, limit)
    if depth > 20:
        return "[cut: nested too deep]"
    if isinstance(value, dict):
        return {key: _cut_strings(item, limit, depth + 1) for key, item in value.items()}
    if isinstance(value, list):
        return [_cut_strings(item, limit, depth + 1) for item in value]
    return value


def cap_fields(details: dict, max_bytes: int) -> dict:
    """Cap every field of ``details`` to about ``max_bytes`` of JSON; note cut fields under ``_truncated``."""
    truncated = {}
    for key, value in list(details.items()):
        if isinstance(value, (int, float, bool)) or value is None:
            continue
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        if len(text) <= max_bytes and len(text.encode("utf-8", "surrogatepass")) <= max_bytes:
            continue
        original = len(text.encode("utf-8", "surrogatepass"))
        room = max(max_bytes - _MARKER_ROOM, 16)
        if isinstance(value, str):
            shrunk = cut_text(value, room)
        else:
            shrunk = _cut_strings(value, max(room // 4, 16))
            if len(json.dumps(shrunk, ensure_ascii=False)) > max_bytes:
                shrunk = cut_text(text, room)
        details[key] = shrunk
        truncated[key] = {"original_bytes": original}
    if truncated:
        details["_truncated"] = truncated
    return details
