"""Parse JSON without importing ``json``: the status line's budget is half an interpreter start.

``import json`` imports ``re`` (and ``enum`` under it), which costs more than starting the
interpreter itself with ``-I -S``. The C scanner ``json`` uses under the hood (``_json``) needs
none of that, so the status line and the files it reads (stdin, the config cache, tallies, prices,
transcript lines) are parsed with it directly: the same parser, the same results as ``json.loads``.
"""

try:
    import _json
except ImportError:  # an interpreter without the C accelerator: the slow import is all there is
    _json = None

_CONSTANTS = {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}
_SPACE = " \t\n\r"


class _Context:
    """The settings ``json.JSONDecoder`` hands the scanner, with its defaults."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    parse_constant = _CONSTANTS.__getitem__


_scan = _json.make_scanner(_Context()) if _json else None


def loads(text):
    """The value of one JSON document (str or UTF-8 bytes); ValueError if it is not one (only then
    is ``json`` imported, for its error message)."""
    if isinstance(text, (bytes, bytearray)):
        text = text.decode("utf-8")
    if _scan is None:
        import json

        return json.loads(text)
    start = len(text) - len(text.lstrip(_SPACE))
    try:
        value, end = _scan(text, start)
    except (StopIteration, SystemError):  # the scanner needs json.decoder loaded to say what is wrong
        value, end = None, -1
    if end < 0 or text[end:].strip(_SPACE):
        import json

        return json.loads(text)  # invalid: raises json's own error (a ValueError) saying where
    return value


def load_file(path: str):
    """A small JSON file's value, or None if it is missing or unreadable (or not JSON): opened in
    binary, without the text layer a view pays for again on each of a hundred small files."""
    try:
        with open(path, "rb") as handle:
            return loads(handle.read())
    except (OSError, ValueError):
        return None
