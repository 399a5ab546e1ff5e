"""Claude Code's status line: ``claude-sessions statusline``, and ``python -I -S statusline_entry.py``.

Claude Code writes a JSON object on stdin (session id, transcript path, workspace, model, rate
limits…) after each answer and runs this again; whatever it prints is the line under the prompt.
It shows the model, this session's tokens and cost, its tool calls and failures, today's spend in
this project and in all, the 5-hour and 7-day limits when sent (kept in the quota ledger,
``store.quota``), and a plain "over budget".

Fast and flat: the figures come from the running totals the hooks keep (``store.tally``), plus
what the session's journal and transcripts hold beyond them (read, never written), so a refresh
costs the same at 10 events as at 5,000, and for 10 sessions as for 10,000. Nothing here imports
``json``, ``re`` or genai-prices (see ``core.fastjson``). It never fails the line: any problem
leaves out the part it touched, and the exit status is 0.
"""

import sys
import time

from ..core import fastos  # not os: see core.fastos

DEADLINE_SECONDS = 3  # a stdin never closed, a hung disk: the parts made by then are printed
MAX_STDIN_BYTES = 1 << 20
MAX_UNHARVESTED_BYTES = 8 << 20  # a transcript never harvested (a session begun before the hooks): skip it
SEPARATOR = " · "
_STYLES = {"model": "36", "cost": "32", "dim": "2", "failed": "31", "over": "1;31", "warn": "33"}


def read_stdin() -> bytes:
    """What Claude Code wrote (it closes stdin; a terminal gives nothing), at most 1 MiB."""
    data = b""
    try:
        if fastos.isatty(0):
            return b""
        while len(data) <= MAX_STDIN_BYTES:
            chunk = fastos.read(0, 65536)
            if not chunk:
                break
            data += chunk
    except OSError:
        pass
    return data


def _out_of_time(signum, frame):
    raise TimeoutError(f"no line within {DEADLINE_SECONDS} s")


def parse(raw: bytes) -> dict:
    """The status-line JSON, or {} if it is missing, truncated or not an object."""
    from ..core.fastjson import loads

    try:
        payload = loads(raw)
    except (ValueError, RecursionError):
        return {}
    return payload if isinstance(payload, dict) else {}


def _get(payload: dict, *keys):
    for key in keys:
        payload = payload.get(key) if isinstance(payload, dict) else None
    return payload


def use_color(setting: str, env) -> bool:
    """Colours on a colour terminal: stdout is a pipe here, so decide by ``NO_COLOR`` and ``TERM``."""
    if setting in ("always", "never"):
        return setting == "always"
    return not env.get("NO_COLOR") and env.get("TERM", "dumb") not in ("", "dumb")


def money(cost) -> str:
    return "$?" if cost is None else f"${cost:,.2f}"


class Line:
    """The parts of the line, each added only if its figures could be had."""

    def __init__(self, color: bool):
        self.color = color
        self.parts = []

    def paint(self, text: str, style: str) -> str:
        return f"\033[{_STYLES[style]}m{text}\033[0m" if self.color else text

    def add(self, text: str) -> None:
        if text:
            self.parts.append(text)

    def text(self) -> str:
        return self.paint(SEPARATOR, "dim").join(self.parts)


def pending_responses(runtime_dir: str, session_id: str, tally, transcript: str) -> list:
    """Details of the responses the session's transcripts hold beyond the last harvest."""
    from ..capture.transcript import read_new, response_key, sources

    positions = (tally or {}).get("positions", {})
    if tally is None and fastos.exists(fastos.join(runtime_dir, "transcripts", f"{session_id}.json")):
        return []  # harvested before tallies existed: its counts come with the next harvest
    recent = set((tally or {}).get("recent", ()))
    found = []
    for path, _agent, _type in sources("Stop", {"transcript_path": transcript}):
        position = positions.get(path, {})
        try:
            if not position and fastos.getsize(path) > MAX_UNHARVESTED_BYTES:
                continue
        except OSError:
            continue
        for response in read_new(path, position)[0]:
            key = response_key(response["message_id"], response["request_id"])
            if key not in recent:
                recent.add(key)
                found.append(response)
    return found


def build(payload: dict, env, line: Line) -> None:
    """Add the parts of the status line for one refresh to ``line``; those whose data cannot be
    read are left out (an exception leaves the parts added before it)."""
    from ..core.ids import validate_session_id
    from ..core.tokens import TOKEN_KEYS, text as tokens_text
    from ..query import spend
    from ..store import config as _config, tally as _tally

    project = env.get("CLAUDE_PROJECT_DIR") or _get(payload, "workspace", "project_dir") or payload.get("cwd") or ""
    runtime = fastos.join(str(project), ".claude", "runtime")
    config = _config.DEFAULTS
    if project and fastos.isabs(project):
        config = _config.load(fastos.join(project, ".claude"), runtime)[0]
    settings = config["statusline"]
    parts = settings.get("parts") or _config.STATUSLINE_PARTS
    line.color = use_color(settings.get("color", "auto"), env)
    model = _get(payload, "model", "display_name") or _get(payload, "model", "id")
    if "model" in parts and isinstance(model, str):
        line.add(line.paint(model[:40], "model"))
    try:
        session_id = validate_session_id(payload.get("session_id") or env.get("CLAUDE_CODE_SESSION_ID"))
    except ValueError:
        session_id = None
    ledger_tail = _record_quota(payload, env, session_id)
    prices = spend.Prices(config["prices"], fastos.cache_dir(env))
    budget = config["budget"]
    today = time.strftime("%Y-%m-%d", time.gmtime())
    session, over = None, []
    if session_id and fastos.isdir(runtime):
        tally = _tally.read_tally(runtime, session_id)
        transcript = payload.get("transcript_path")
        pending = pending_responses(runtime, session_id, tally, transcript) if isinstance(transcript, str) else []
        session = spend.of_session(runtime, session_id, tally, pending, today)
        cost = prices.price(session["by_model"])
        if "session" in parts and (session["tracked"] or session["by_model"]):
            count = sum(totals[key] for totals in session["by_model"].values() for key in TOKEN_KEYS)
            line.add(f"session {tokens_text(count)} tok " + line.paint(money(cost), "cost"))
        if "tools" in parts and session["tool_calls"] is not None:
            failed = session["failures"]
            line.add(f"{session['tool_calls']} tools" + (", " + line.paint(f"{failed} failed", "failed") if failed else ""))
        if budget.get("session") and cost is not None and cost >= budget["session"]:
            over.append(f"OVER BUDGET: session {money(cost)} of {money(budget['session'])}")
    if "today" in parts or budget.get("day"):
        figures = spend.of_today(fastos.cache_dir(env), str(project), today, session["pending_today"] if session else {})
        here, everywhere = prices.price(figures["project"]), prices.price(figures["all"])
        if "today" in parts:
            here_text = line.paint(money(here), "cost") + " here, " if project else ""
            line.add("today " + here_text + line.paint(money(everywhere), "cost") + " all")
        if budget.get("day") and everywhere is not None and everywhere >= budget["day"]:
            over.append(f"OVER DAILY BUDGET: {money(everywhere)} of {money(budget['day'])}")
    if "limits" in parts:
        line.add(limits_text(payload, ledger_tail, line))
    if "budget" in parts:
        for text in over:
            line.add(line.paint(text, "over"))


def limits_text(payload: dict, ledger_tail: bytes, line: Line) -> str:
    """"5h 42% 7d 17%", each window coloured at 70 % and 90 %, and "→ 100% at 14:20" after one whose
    pace over the ledger's last samples (``ledger_tail``) reaches the limit before its reset."""
    if not isinstance(payload.get("rate_limits"), dict):
        return ""
    from ..store.quota import entries, forecast, pace

    recent = None
    said = []
    for label, key in (("5h", "five_hour"), ("7d", "seven_day")):
        used = _get(payload, "rate_limits", key, "used_percentage")
        if not isinstance(used, (int, float)) or isinstance(used, bool):
            continue
        resets = _get(payload, "rate_limits", key, "resets_at")
        reach = None
        if isinstance(resets, (int, float)) and not isinstance(resets, bool) and used < 100:  # a window to forecast
            recent = entries(ledger_tail) if recent is None else recent
            samples = [(entry["t"], entry[key]["used"]) for entry in recent
                       if isinstance(entry.get(key), dict) and entry[key].get("resets_at") == int(resets) and isinstance(entry[key].get("used"), (int, float))]
            reach = forecast(used, time.time(), pace(samples), resets)
        text = f"{label} {used:.0f}%"
        if reach and reach["before_reset"]:
            text += " → 100% at " + time.strftime("%H:%M", time.localtime(reach["at"]))
        style = "over" if used >= 90 else "warn" if used >= 70 or (reach and reach["before_reset"]) else None
        said.append(line.paint(text, style) if style else text)
    return " ".join(said)


def _record_quota(payload: dict, env, session_id) -> bytes:
    """Keep the ``rate_limits`` figures in the quota ledger (``store.quota``); returns its last bytes
    for the forecast. A failure costs the ledger a sample and the line its forecast, nothing more."""
    if not isinstance(payload.get("rate_limits"), dict):
        return b""
    from ..store import quota

    try:
        return quota.record_sample(fastos.data_home(env), time.time(), session_id or "", _get(payload, "model", "id"), payload["rate_limits"])
    except OSError:
        return b""


def main(env=None) -> int:
    """Print the line; never fail it: whatever went wrong, what could be had is printed, exit 0.
    ``env``: the environment's."""
    import _signal  # built in and already loaded (``signal`` would import ``enum``)

    env = fastos.environ() if env is None else env
    line = Line(use_color("auto", env))
    try:
        _signal.signal(_signal.SIGALRM, _out_of_time)
        _signal.alarm(DEADLINE_SECONDS)
        build(parse(read_stdin()), env, line)
    except Exception as exc:  # never a traceback on the screen: the parts made so far, then a hint
        line.add(f"claude-sessions: {type(exc).__name__}")
    finally:
        _signal.alarm(0)
    try:
        sys.stdout.buffer.write((line.text() or "claude-sessions").encode("utf-8", "replace") + b"\n")
        sys.stdout.flush()
    except (OSError, ValueError):
        pass
    return 0

