"""Size caps for stored event fields, so megabytes of tool output leave a session file small.

A field over the cap keeps its shape where it can (long strings are cut, with a marker saying
how much was dropped); if it is still too big, it becomes the head of its JSON text. Either way
the record says the field was cut and how big it was.
"""

import json
import re

_MARKER_ROOM = 64  # the "[cut: …]" note must fit inside the cap too
_TOKEN_TAIL = r"[A-Za-z0-9_\-+/=.]+\Z"  # compiled on first use: most hooks cut nothing


def cut_text(text: str, limit: int) -> str:
    """The first ``limit`` characters, without a trailing partial token (half a secret is still a secret)."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    tail = re.search(_TOKEN_TAIL, head)
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


def _utf8_length(text: str) -> int:
    """Bytes of ``text`` in UTF-8, without an encoded copy when it is ASCII (``isascii`` is O(1))."""
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


def _string_bytes(text: str) -> int:
    """Size of ``json.dumps(text, ensure_ascii=False)`` in UTF-8: a string with nothing to escape
    (no quote, backslash or control character) is itself and its quotes, measured without
    encoding it: most strings of a record."""
    if text.isprintable() and '"' not in text and "\\" not in text:
        return _utf8_length(text) + 2
    return _utf8_length(json.dumps(text, ensure_ascii=False))


def _json_bytes(value, depth: int = 0) -> int:
    """Size of ``json.dumps(value, ensure_ascii=False)`` in UTF-8, without building that whole text.

    Only one string's encoding exists at a time, so measuring a 50 MB tool response does not
    hold a second 50 MB copy of it.
    """
    if isinstance(value, str):
        return _string_bytes(value)
    if depth > 50 or not isinstance(value, (dict, list)):
        return _utf8_length(json.dumps(value, ensure_ascii=False))
    if isinstance(value, dict):
        parts = sum(_string_bytes(str(key)) + 2 + _json_bytes(item, depth + 1) for key, item in value.items())
    else:
        parts = sum(_json_bytes(item, depth + 1) for item in value)
    return 2 + parts + 2 * max(len(value) - 1, 0)


def _cut_to_fit(text: str, max_bytes: int) -> str:
    """``text`` cut so that its JSON form (escapes included) fits in ``max_bytes``."""
    room = max(max_bytes - _MARKER_ROOM, 16)
    while True:
        shrunk = cut_text(text, room)
        if _json_bytes(shrunk) <= max_bytes or room <= 16:
            return shrunk
        room //= 2


def cap_fields(details: dict, max_bytes: int) -> dict:
    """Cap every field of ``details`` to about ``max_bytes`` of JSON; note cut fields under ``_truncated``."""
    truncated = {}
    for key, value in list(details.items()):
        if isinstance(value, (int, float, bool)) or value is None:
            continue
        original = _json_bytes(value)
        if original <= max_bytes:
            continue
        if isinstance(value, str):
            shrunk = _cut_to_fit(value, max_bytes)
        else:
            shrunk = _cut_strings(value, max((max_bytes - _MARKER_ROOM) // 4, 16))
            if _json_bytes(shrunk) > max_bytes:
                shrunk = _cut_to_fit(json.dumps(value, ensure_ascii=False), max_bytes)
        details[key] = shrunk
        truncated[key] = {"original_bytes": original}
    if truncated:
        details["_truncated"] = truncated
    return details
