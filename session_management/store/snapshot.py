"""The session file's layout: top-level fields one per line, then each activity entry on a line
of its own. Readable (``jq``, ``grep``, a diff), written by the C JSON encoder (``indent=`` makes
``json`` fall back to its pure-Python encoder, twice as slow), and foldable without parsing: the
journal's new entries are appended to the entries' bytes, which are copied as they are, so the
end of a turn costs little more at entry 5,000 than at entry 10.

A file in any other layout (written by hand, or by an older version) is still valid JSON and is
read and rewritten the slow way, once.
"""

import json

from ..core.jsontext import to_json

_OPEN = b',\n  "activity_log": [\n    '
_SEP = b",\n    "
_CLOSE = b"\n  ]\n}\n"
_EMPTY = b',\n  "activity_log": []\n}\n'


def encode(data: dict, entries=None, kept: bytes = b"") -> bytes:
    """The file for ``data``: its ``activity_log`` (or ``entries``, after the ``kept`` bytes of
    entries already encoded, when folding) as one entry per line, every other field before it."""
    if entries is None:
        entries = data["activity_log"]
    head = ",\n".join(f"  {to_json(key)}: {to_json(value)}" for key, value in data.items() if key != "activity_log")
    parts = ([kept] if kept else []) + [to_json(entry).encode("utf-8") for entry in entries]
    if not parts:
        return b"{\n" + head.encode("utf-8") + _EMPTY
    return b"{\n" + head.encode("utf-8") + _OPEN + _SEP.join(parts) + _CLOSE


def split(raw: bytes):
    """``(fields, entries bytes, entry count)`` of a file in this layout, or None. The fields are
    parsed (they are small); the entries are not: no entry line holds a raw newline."""
    if raw.endswith(_EMPTY):
        head, kept, count = raw[: -len(_EMPTY)], b"", 0
    else:
        start = raw.find(_OPEN)
        if start < 0 or not raw.endswith(_CLOSE):
            return None
        head, kept = raw[:start], raw[start + len(_OPEN) : -len(_CLOSE)]
        count = kept.count(b"\n") + 1
        if not kept.startswith(b"{") or kept.count(_SEP + b"{") != count - 1:
            return None  # not one object per line (an older, indented file): no safe count
    try:
        fields = json.loads(head + b"\n}")
    except ValueError:
        return None
    return (fields, kept, count) if isinstance(fields, dict) and "activity_log" not in fields else None
