"""UTC timestamps in the storage format: ISO-8601 with milliseconds and a trailing ``Z``.

Kept free of ``datetime`` so the per-event hook path does not pay for importing it.
"""

import time


def now_iso() -> str:
    """The current UTC time, e.g. ``2025-11-08T10:30:00.123Z``."""
    return format_epoch(time.time())


def format_epoch(seconds: float) -> str:
    """Format seconds since the epoch as an ISO-8601 UTC string ending in ``Z``."""
    whole = int(seconds)
    millis = int((seconds - whole) * 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole)) + ".%03dZ" % millis


def stamp_for_filename() -> str:
    """A compact UTC stamp safe in file names, e.g. ``20251108T103000.123Z``."""
    return now_iso().replace("-", "").replace(":", "")
