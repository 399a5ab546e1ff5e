"""The quota ledger: the 5-hour and weekly limits Claude Code reports to the status line, kept.

In the user's data home (``core.fastos.data_home``), under ``quota/``:

- ``ledger.jsonl``: one line per sample, appended whole by a single ``O_APPEND`` write (newline
  first, as the journal's records: a torn line stays on its own and is skipped):
  ``{"t": epoch seconds, "session", "model", "five_hour": {"used", "resets_at"}, "seven_day": {…}}``
  (a window only when sent), and one per limit hit (a ``StopFailure`` with ``"error": "rate_limit"``):
  ``{"t", "session", "hit": window, "resets_at", "message"}``. Each window is named by its
  ``resets_at``, so a sample belongs to exactly one window.
  A refresh reads the ledger's last 4 KB (one ``pread``), compares its figures with the last
  sample's there and appends only when one changed: a sample costs the same with 10 lines in the
  ledger as with a million.
- ``warned``: the quota budgets already warned of, one ``window:resets_at:percent`` a line (``mark_once``).
- ``ledger.lock``: taken (``lockf``, from the built-in ``posix``) only to append a changed sample, a
  hit or a warning mark.

The status line calls ``record_sample``, which hands back those last 4 KB for its forecast
(``entries``, ``pace``, ``forecast``: here rather than in ``query.limits``, one module fewer to
load): no ``json``, no ``os``, no ``fcntl`` (see ``core.fastjson`` and ``core.fastos``); the lines
are made here from numbers and checked names.
"""

import posix

from ..core import fastos

FOLDER = "quota"
LEDGER = "ledger.jsonl"
WARNED = "warned"
WINDOWS = ("five_hour", "seven_day")
PACE_SAMPLES = 12  # the pace is taken over a window's last samples
MIN_PACE_SPAN = 60.0  # seconds: two samples closer than this say nothing of a pace
MAX_GAP = 5 * 3600.0  # a gap between samples longer than a 5-hour window: a sleep or a clock jump, not a pace
TAIL_BYTES = 4096  # the status line's forecast reads the ledger's last samples: about twenty
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:[]/ @")


def folder(data_home: str) -> str:
    return fastos.join(data_home, FOLDER)


def ledger_path(data_home: str) -> str:
    return fastos.join(folder(data_home), LEDGER)


def _number(value):
    """A finite, non-negative number as JSON text, or None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1e12:
        return None
    return repr(int(value)) if value == int(value) else repr(round(float(value), 3))


def _name(value) -> str:
    """A model or session name safe inside a JSON string without escaping (others' characters dropped)."""
    return "".join(c for c in value[:120] if c in _NAME_CHARS) if isinstance(value, str) else ""


def figures(rate_limits) -> str:
    """The windows of a status line's ``rate_limits`` as the JSON members a sample holds
    (``"five_hour":{"used":42,"resets_at":…}``), or "" when none carries a used percentage."""
    parts = []
    for window in WINDOWS:
        found = rate_limits.get(window) if isinstance(rate_limits, dict) else None
        used = _number(found.get("used_percentage")) if isinstance(found, dict) else None
        if used is not None:
            resets = _number(int(found["resets_at"])) if _number(found.get("resets_at")) else None  # whole seconds
            parts.append(f'"{window}":{{"used":{used},"resets_at":{resets or "null"}}}')
    return ",".join(parts)


def record_sample(data_home: str, now: float, session_id: str, model, rate_limits) -> bytes:
    """Append a sample of ``rate_limits`` to the ledger if a figure differs from the last sample's;
    returns the ledger's last bytes, the sample included (for ``entries``)."""
    members = figures(rate_limits)
    if not members:
        return b""
    path, ending = ledger_path(data_home), b"," + members.encode() + b"}"
    tail = _tail(path)
    if _last_sample(tail).endswith(ending):
        return tail
    line = f'\n{{"t":{now:.3f},"session":"{_name(session_id)}","model":"{_name(model)}",{members}}}'.encode()
    with _Lock(folder(data_home)):
        tail = _tail(path)
        if _last_sample(tail).endswith(ending):  # another refresh wrote it meanwhile
            return tail
        _append(path, line)
    return tail + line


def _last_sample(tail: bytes) -> bytes:
    """The last sample's line in the ledger's ``tail`` (hits left out), or b""."""
    for line in reversed(tail.split(b"\n")):
        if line.startswith(b'{"t":') and b'"hit":' not in line:
            return line
    return b""


def record_hit(data_home: str, now: float, session_id: str, message) -> str:
    """Append a limit hit (a ``StopFailure`` with ``rate_limit``) to the ledger: the window its
    message names ("5-hour"/"session", "weekly"), else the fullest one of the last sample; returns it."""
    last = last_figures(data_home)
    text = message if isinstance(message, str) else ""
    lowered = text.lower()
    if "week" in lowered or "7-day" in lowered:
        window = "seven_day"
    elif "5-hour" in lowered or "session limit" in lowered or not last:
        window = "five_hour"
    else:
        window = max(last, key=lambda name: (last[name].get("used") or 0, name == "five_hour"))
    resets = (last.get(window) or {}).get("resets_at")
    if not isinstance(resets, int) or resets <= now:  # no sample of this window yet: the reset the TUI printed
        resets = reset_in_message(text, now)
    from ..core.jsontext import to_json

    line = to_json({"t": round(now, 3), "session": _name(session_id), "hit": window, "resets_at": resets if isinstance(resets, int) else None,
                    "message": text[:300]}, separators=(",", ":"))
    with _Lock(folder(data_home)):
        _append(ledger_path(data_home), ("\n" + line).encode())
    return window


def reset_in_message(text: str, now: float):
    """The epoch of the reset Claude Code names in its limit message ("resets 1:30pm (UTC)",
    "resets Dec 9, 3pm (Europe/Paris)"): the first such moment after ``now``; None if unreadable."""
    import re
    from datetime import datetime, timedelta, timezone

    found = re.search(r"resets (?:([A-Z][a-z]{2}) (\d{1,2}), )?(\d{1,2})(?::(\d{2}))?\s*([ap]m) \(([^)]+)\)", text or "")
    if not found:
        return None
    month, day, hour, minute, half, zone = found.groups()
    try:
        from zoneinfo import ZoneInfo

        tz = timezone.utc if zone == "UTC" else ZoneInfo(zone)
        start = datetime.fromtimestamp(now, tz)
        moment = start.replace(hour=int(hour) % 12 + (12 if half == "pm" else 0), minute=int(minute or 0), second=0, microsecond=0)
        if month:
            moment = moment.replace(month=datetime.strptime(month, "%b").month, day=int(day))
            if moment <= start:
                moment = moment.replace(year=moment.year + 1)
        elif moment <= start:
            moment += timedelta(days=1)
    except (ValueError, KeyError, ImportError, OSError):
        return None
    return int(moment.timestamp())


def _tail(path: str, size: int = TAIL_BYTES) -> bytes:
    """The whole lines in the last ``size`` bytes of ``path`` (b"" if it is missing): one read,
    however long the file. The line the read cuts is left out: its end may look like JSON, and a
    line that does not parse would make ``core.fastjson`` import ``json`` for its error."""
    try:
        fd = posix.open(path, posix.O_RDONLY)
    except OSError:
        return b""
    try:
        start = max(0, posix.fstat(fd).st_size - size)
        data = posix.pread(fd, size, start)
    finally:
        posix.close(fd)
    if start:
        cut = data.find(b"\n")
        data = data[cut:] if cut >= 0 else b""
    return data


def entries(tail: bytes) -> list:
    """The entries whole in the ledger's ``tail`` (see ``record_sample``), oldest first."""
    from ..core.fastjson import loads

    found = []
    for line in tail.split(b"\n"):
        try:
            entry = loads(line) if line.startswith(b'{"t":') and line.endswith(b"}") else None  # a torn line: skipped without a parse
        except ValueError:
            continue
        if isinstance(entry, dict) and isinstance(entry.get("t"), (int, float)):
            found.append(entry)
    return found


def last_figures(data_home: str) -> dict:
    """The last sample's windows, ``{window: {"used", "resets_at"}}``, or {} (never sampled, unreadable)."""
    found = entries(_last_sample(_tail(ledger_path(data_home))))
    return {name: figures for name, figures in found[0].items() if name in WINDOWS and isinstance(figures, dict)} if found else {}


def mark_once(data_home: str, mark: str) -> bool:
    """Note ``mark`` in ``quota/warned`` (a line each), under the ledger's lock; False if it was already there."""
    path = fastos.join(folder(data_home), WARNED)
    with _Lock(folder(data_home)):
        try:
            with open(path, "rb") as handle:
                if mark.encode() in handle.read().split(b"\n"):
                    return False
        except FileNotFoundError:
            pass
        _append(path, b"\n" + mark.encode())
    return True


def pace(samples: list):
    """Percent per hour over the last samples ``[(t, used, …)]`` (written order): the rise over the
    time between consecutive samples, leaving out pairs whose clock went back or jumped ahead more
    than a window; None when they span under a minute."""
    recent = samples[-PACE_SAMPLES:]
    rise = span = 0.0
    for (t0, used0, *_), (t1, used1, *_) in zip(recent, recent[1:]):
        if 0 < t1 - t0 <= MAX_GAP:
            rise += used1 - used0
            span += t1 - t0
    return rise / span * 3600 if span >= MIN_PACE_SPAN else None


def forecast(used: float, at: float, per_hour, resets_at):
    """When, at ``per_hour`` from ``used`` % at time ``at``, the window reaches 100 %, and whether
    that is before its reset: ``{"at", "before_reset"}``, or None (no pace, not rising, already there)."""
    if per_hour is None or per_hour <= 0 or used >= 100:
        return None
    reach = at + (100 - used) / per_hour * 3600
    return {"at": reach, "before_reset": resets_at is None or reach < resets_at}


def _append(path: str, line: bytes) -> None:
    """One ``O_APPEND`` write of ``line`` (newline first)."""
    fd = posix.open(path, posix.O_WRONLY | posix.O_APPEND | posix.O_CREAT, 0o600)
    try:
        posix.write(fd, line)
    finally:
        posix.close(fd)


class _Lock:
    """``ledger.lock``, the folder made first (private)."""

    def __init__(self, directory: str):
        self.directory = directory

    def __enter__(self):
        if not fastos.isdir(self.directory):
            _makedirs(self.directory)
        self.fd = posix.open(fastos.join(self.directory, "ledger.lock"), posix.O_RDWR | posix.O_CREAT, 0o600)
        posix.lockf(self.fd, posix.F_LOCK, 0)  # waits; the kernel drops it with the process
        return self

    def __exit__(self, *exc):
        posix.close(self.fd)  # closing drops the lock


def _makedirs(path: str) -> None:
    parent = fastos.dirname(path)
    if parent and parent != path and not fastos.isdir(parent):
        _makedirs(parent)
    try:
        posix.mkdir(path, 0o700)
    except FileExistsError:
        pass
