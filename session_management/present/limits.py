"""``claude-sessions limits``: the 5-hour and weekly windows from the quota ledger (``query.limits``)
with what each current one's responses used, by session, project and model; or, where Claude Code
never sent ``rate_limits`` (an API key), 5-hour blocks of activity."""

import os
import sys
import time

from ..query import limits as _limits
from .formats import all_tokens, cost_text, tokens_text

NAMES = {"five_hour": "5-hour", "seven_day": "weekly"}
TOP = 3  # sessions, projects and models named under a window


def local(t) -> str:
    """An epoch as local time, to the minute."""
    return "?" if t is None else time.strftime("%Y-%m-%d %H:%M", time.localtime(t))


def run(args, data_home: str, with_index, pricer) -> int:
    """Print the limits (``--json``: as JSON). ``with_index(read)``: ``read(index, projects)`` over
    every project with the index brought up to date (``read(None, [])`` when there is none)."""
    now = time.time()
    report = _limits.summary(_limits.read_ledger(data_home), now)
    if not report["seen"]:
        report["blocks"] = _limits.blocks(with_index(lambda index, projects: _limits.activity(index, projects) if index else []), now)
    elif report["current"]:
        add_spend(report["current"], with_index, pricer, now)
    if args.json:
        import json

        print(json.dumps(report, indent=2))
        return 0
    if not report["seen"] and not report["blocks"]:
        print("nothing to show yet: no rate_limits recorded (a subscription login's status line sends them) and no response in any tracked project",
              file=sys.stderr)
        return 1
    if not report["seen"]:
        print("no rate_limits recorded: Claude Code sends them to the status line only for a subscription login "
              "(install --statusline, then a subscriber's turn); 5-hour blocks of activity instead:")
        for block in report["blocks"][-12:]:
            print(f"  {local(block['start'])} – {local(block['end'])[11:]}  {block['responses']:>5} responses" + ("  (now)" if block["active"] else ""))
        return 0
    for name in ("five_hour", "seven_day"):
        window = report["current"].get(name)
        if window is None:
            print(f"{NAMES[name]:<8} no current window recorded")
            continue
        pace = "pace ?" if window["pace_per_hour"] is None else f"pace {window['pace_per_hour']:.1f}%/h"
        said = f"{NAMES[name]:<8} {window['used']:g}% used · resets {local(window['resets_at'])} · {pace}"
        reach = window["forecast"]
        if reach:
            said += f" · 100% at {local(reach['at'])}" + (" (before the reset)" if reach["before_reset"] else " (after the reset)")
        print(said)
        if window.get("tokens_per_percent"):
            print("  1% took   " + " · ".join(f"{model} {tokens_text(count)} tok" for model, count in window["tokens_per_percent"].items()))
        for by, rows in window.get("spend", {}).items():
            if rows:
                named = [f"{os.path.basename(row['key']) if by == 'project' else row['key'][:30]} {tokens_text(row['tokens'])} tok {cost_text(row['cost_usd'])}" for row in rows[:TOP]]
                print(f"  by {by:<8} " + " · ".join(named) + (f" · {len(rows) - TOP} more" if len(rows) > TOP else ""))
    if report["past"]:
        print("\npast windows:")
        for window in report["past"][-20:]:
            hit = f"hit at {local(window['hit_at'])}" if window["hit"] else "not hit"
            print(f"  {NAMES[window['window']]:<8} reset {local(window['resets_at'])}  peak {window['peak']:g}%  {hit}")
    return 0


def add_spend(current: dict, with_index, pricer, now: float) -> None:
    """Each current window's ``spend``: ``{"session"|"project"|"model": [{"key", "tokens", "cost_usd"}]}``, most tokens first."""
    starts = {name: _limits.window_start(window) for name, window in current.items()}
    earliest = min(start for start in starts.values() if start is not None)
    responses = with_index(lambda index, projects: _limits.responses_between(index, projects, earliest, now) if index else [])
    for name, window in current.items():
        used = _limits.spend(responses, starts[name], now)
        window["tokens_per_percent"] = _limits.tokens_per_percent(window["first"], (window["at"], window["used"]), responses)
        window["spend"] = {by: sorted(({"key": key, "tokens": sum(all_tokens(t) for t in models.values()), "cost_usd": pricer.total(models)}
                                       for key, models in groups.items()), key=lambda row: -row["tokens"]) for by, groups in used.items()}
