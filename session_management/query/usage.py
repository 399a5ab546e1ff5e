"""Tokens of a session, from its ``assistant_message`` entries: each API response counted once
(message id + request id, the larger usage kept, as ccusage does), summed per model and per agent;
the responses Claude Code made up (``core.tokens.is_request``) are not counted."""

from ..core.tokens import MAIN, TOKEN_KEYS, add, empty, is_request


def responses(entries, with_time: bool = False) -> list:
    """The details of each distinct response, in the order first recorded (``with_time``: as
    ``(entry timestamp, details)`` pairs)."""
    found, times = {}, {}
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("action") != "assistant_message":
            continue
        details = entry.get("details")
        if not isinstance(details, dict) or not isinstance(details.get("usage"), dict) or not is_request(details.get("model")):
            continue  # a made-up response (an API error) recorded before they were left out: no request
        key = (details.get("message_id"), details.get("request_id"))
        if key not in found or _size(details["usage"]) > _size(found[key]["usage"]):
            found[key] = details
            times.setdefault(key, entry.get("timestamp"))
    return [(times[key], details) for key, details in found.items()] if with_time else list(found.values())


def summarize(entries) -> dict:
    """A session's tokens: ``{totals…, "by_model": {model: totals}, "by_agent": {agent id or "main":
    totals}, "cells": {agent: {model: totals}}, "days": {YYYY-MM-DD: {model: totals}}}``; cells and
    days keep the model apart so every figure can be priced."""
    result = empty() | {"by_model": {}, "by_agent": {}, "cells": {}, "days": {}}
    for timestamp, details in responses(entries, with_time=True):
        model, agent, usage = str(details.get("model") or "unknown"), str(details.get("agent_id") or MAIN), details["usage"]
        day = str(timestamp or "")[:10] or "unknown"
        add(result, usage)
        add(result["by_model"].setdefault(model, empty()), usage)
        add(result["by_agent"].setdefault(agent, empty()), usage)
        add(result["cells"].setdefault(agent, {}).setdefault(model, empty()), usage)
        add(result["days"].setdefault(day, {}).setdefault(model, empty()), usage)
    return result


def per_turn(entries) -> dict:
    """``{index of each turn-ending entry: {model: totals}}``: the responses recorded since the
    previous turn end (they are appended just before the entry that ends their turn)."""
    turns, current, seen = {}, {}, set()
    for index, entry in enumerate(entries):
        action = entry.get("action") if isinstance(entry, dict) else None
        if action == "assistant_message" and isinstance(entry.get("details"), dict) and isinstance(entry["details"].get("usage"), dict):
            details = entry["details"]
            key = (details.get("message_id"), details.get("request_id"))
            if key not in seen and is_request(details.get("model")):
                seen.add(key)
                add(current.setdefault(str(details.get("model") or "unknown"), empty()), details["usage"])
        elif action in ("turn_end", "stop_failure") and current:
            turns[index], current = current, {}
    return turns


def total_of(by_model: dict) -> dict:
    """The totals of ``{model: totals}`` over every model."""
    total = empty()
    for totals in by_model.values():
        for key, value in totals.items():
            total[key] += value
    return total


def _size(usage: dict) -> int:
    return sum(usage.get(key, 0) for key in TOKEN_KEYS if isinstance(usage.get(key), int))
