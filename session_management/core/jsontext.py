"""JSON text as every stored file holds it: strict (no NaN or Infinity) and readable UTF-8."""

import json


def finite(value):
    """``value`` with NaN and infinities (which JSON cannot hold) replaced by their names as strings."""
    if isinstance(value, float) and (value != value or abs(value) == float("inf")):
        return repr(value).replace("inf", "Infinity").replace("nan", "NaN")
    if isinstance(value, dict):
        return {key: finite(item) for key, item in value.items()}
    if isinstance(value, list):
        return [finite(item) for item in value]
    return value


def to_json(value, indent=None, separators=None) -> str:
    """Strict JSON text (no NaN or Infinity); readable UTF-8 unless the data holds lone surrogates."""
    try:
        text = json.dumps(value, ensure_ascii=False, indent=indent, separators=separators, allow_nan=False)
    except ValueError:
        text = json.dumps(finite(value), ensure_ascii=False, indent=indent, separators=separators, allow_nan=False)
    if not text.isascii():  # O(1); only non-ASCII text can hold a lone surrogate
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            text = json.dumps(finite(value), indent=indent, separators=separators, allow_nan=False)
    return text
