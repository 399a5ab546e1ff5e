"""``claude-sessions limits``: the 5-hour and weekly windows from the quota ledger (``query.limits``),
or, where Claude Code never sent ``rate_limits`` (an API key), 5-hour blocks of activity."""

import time

from ..query import limits as _limits

NAMES = {"five_hour": "5-hour", "seven_day": "weekly"}


def local(t) -> str:
    """An epoch as local time, to the minute."""
    return "?" if t is None else time.strftime("%Y-%m-%d %H:%M", time.localtime(t))


def run(args, data_home: str, activity) -> int:
    """Print the limits (``--json``: as JSON); ``activity()``: ``[(t, responses)]`` for the blocks."""
    now = time.time()
    report = _limits.summary(_limits.read_ledger(data_home), now)
    if not report["seen"]:
        report["blocks"] = _limits.blocks(activity(), now)
    if args.json:
        import json

        print(json.dumps(report, indent=2))
        return 0
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
    if report["past"]:
        print("\npast windows:")
        for window in report["past"][-20:]:
            hit = f"hit at {local(window['hit_at'])}" if window["hit"] else "not hit"
            print(f"  {NAMES[window['window']]:<8} reset {local(window['resets_at'])}  peak {window['peak']:g}%  {hit}")
    return 0
