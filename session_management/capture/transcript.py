"""Read the assistant's side of a conversation, and its tokens, from a Claude Code transcript.

No hook payload carries token usage; the transcript does. It is JSON lines: an API response is
written as one ``"type": "assistant"`` line per content block, the lines sharing ``message.id`` and
``requestId`` and repeating the response's final usage. Reading is incremental: it starts at a
remembered byte offset, stops before a last line still being written, skips lines that are not
JSON, and starts over when the file shrank or was rewritten (the caller drops what it has seen).
Responses Claude Code made up itself (model ``<synthetic>``: API errors, interrupts) are not API
responses and are left out (``core.tokens.is_request``).
"""

import zlib

from ..core import fastos  # fastos and fastjson, not os and json: the status line reads transcripts too
from ..core.fastjson import loads
from ..core.tokens import SPLIT_KEYS, TOKEN_KEYS, is_request
from .typed import INTERRUPT, INTERRUPTED, read_line, sidechain_of

_HEAD_BYTES = 512  # a rewritten file is told by its first bytes changing
_MARK = INTERRUPTED.encode()  # cheap test for the one user line the harvest reads
_SIDECHAIN = b'"isSidechain":true'


def response_key(message_id, request_id) -> str:
    """How one API response is identified (as ccusage does): message id and request id."""
    return f"{message_id}/{request_id}"


def read_new(path: str, position: dict, marks: list = None) -> tuple:
    """``(responses, position)``: responses that start after ``position`` (``{"offset", "head",
    "head_len"}``, empty for a file never read), in transcript order, and where to continue.
    With ``marks``, the person's interrupts (Escape) read there are added to it: ``{"uuid",
    "for_tool_use", "timestamp"}``, as ``capture.typed`` reads them.

    Each response: ``message_id``, ``request_id``, ``model``, ``stop_reason``, ``text``,
    ``tool_use_ids``, ``agent_id`` (from the line's ``agentId``; for a 1.0.x sidechain in the main
    file, its chain's, kept in the position as ``chains``), ``timestamp`` and ``usage``.
    A missing or unreadable file gives no responses and leaves the position as it was.
    """
    try:
        with open(path, "rb") as handle:
            head = handle.read(_HEAD_BYTES)
            size = fastos.fstat(handle.fileno()).st_size
            offset, chains = position.get("offset", 0), dict(position.get("chains") or {})
            if offset > size or zlib.crc32(head[: position.get("head_len", 0)]) != position.get("head", 0):
                offset, chains = 0, {}  # shrank or rewritten: read it all again
            handle.seek(offset)
            data = handle.read(size - offset)
    except OSError:
        return [], position
    end = data.rfind(b"\n") + 1  # a last line without its newline may still be being written
    found = {"offset": offset + end, "head": zlib.crc32(head), "head_len": len(head)}
    responses = _parse(data[:end], marks, chains)
    if chains:
        found["chains"] = chains
    return responses, found


def _parse(data: bytes, marks: list, chains: dict) -> list:
    grouped, blocks_seen = {}, {}
    for line in data.split(b"\n"):
        if marks is not None and _MARK in line:
            _interrupt(line, marks)
            continue
        sidechain = _SIDECHAIN in line and b'"agentId"' not in line  # 1.0.x: a subagent's line inside the main file
        if b'"assistant"' not in line and not sidechain:  # cheap skip of user, attachment and bookkeeping lines
            continue
        try:
            record = loads(line)
        except ValueError:
            continue
        agent = sidechain_of(record, chains) if sidechain and isinstance(record, dict) and record.get("isSidechain") else None
        if not isinstance(record, dict) or record.get("type") != "assistant":
            continue
        message = record.get("message")
        if not isinstance(message, dict) or not isinstance(message.get("id"), str) or not is_request(message.get("model")):
            continue  # not a response, or one Claude Code made up (an API error): as the import skips it
        key = response_key(message["id"], record.get("requestId"))
        response = grouped.get(key)
        if response is None:
            response = grouped[key] = {
                "message_id": message["id"],
                "request_id": record.get("requestId"),
                "model": message.get("model"),
                "stop_reason": message.get("stop_reason"),
                "text": "",
                "tool_use_ids": [],
                "agent_id": record.get("agentId") or agent if record.get("isSidechain") else None,
                "timestamp": record.get("timestamp"),
                "usage": {},
            }
            blocks_seen[key] = set()
        _merge(response, message, blocks_seen[key])
    return list(grouped.values())


def _interrupt(line: bytes, marks: list) -> None:
    try:
        record = loads(line)
    except ValueError:
        return
    found = read_line(record) if isinstance(record, dict) and record.get("type") == "user" else None
    if found and found[0] == INTERRUPT and isinstance(record.get("uuid"), str):
        marks.append({"uuid": record["uuid"], "for_tool_use": found[1]["for_tool_use"], "timestamp": record.get("timestamp")})


def _merge(response: dict, message: dict, blocks_seen: set) -> None:
    """Fold one content-block line into its response: text and tool ids add up (a line written
    twice counts once); of the usages seen, the larger is kept (the lines repeat one final usage)."""
    content = message.get("content")
    for block in content if isinstance(content, list) else ():
        if not isinstance(block, dict) or repr(block) in blocks_seen:
            continue
        blocks_seen.add(repr(block))
        if block.get("type") == "text" and isinstance(block.get("text"), str):
            response["text"] = f"{response['text']}\n{block['text']}" if response["text"] else block["text"]
        elif block.get("type") == "tool_use" and block.get("id"):
            response["tool_use_ids"].append(block["id"])
    response["stop_reason"] = message.get("stop_reason") or response["stop_reason"]
    usage = usage_from(message.get("usage"))
    if usage_size(usage) >= usage_size(response["usage"]):
        response["usage"] = usage


def usage_size(usage: dict) -> int:
    """All the tokens of a usage: of two readings of one response, the larger is the final one."""
    return sum(usage.get(key, 0) for key in TOKEN_KEYS)


def usage_from(raw) -> dict:
    """The token counts of a message's ``usage`` (well-typed ones only), with the cache-write split."""
    if not isinstance(raw, dict):
        return {}
    usage = {key: raw[key] for key in TOKEN_KEYS if isinstance(raw.get(key), int) and not isinstance(raw.get(key), bool)}
    split = raw.get("cache_creation")
    if isinstance(split, dict):
        split = {key: split[key] for key in SPLIT_KEYS if isinstance(split.get(key), int) and not isinstance(split.get(key), bool)}
        if split:
            usage["cache_creation"] = split
    return usage


def sources(event_name: str, payload: dict) -> list:
    """``[(path, agent_id, agent_type)]`` to read for one event: at SubagentStop the subagent's
    transcript; otherwise the main one and every subagent transcript beside it."""
    if event_name == "SubagentStop":
        path = payload.get("agent_transcript_path")
        return [(path, payload.get("agent_id"), payload.get("agent_type"))] if _usable(path) else []
    main = payload.get("transcript_path")
    if not _usable(main):
        return []
    found = [(main, None, None)]
    folder = fastos.join(main[: -len(".jsonl")], "subagents")
    try:
        names = sorted(fastos.listdir(folder))
    except OSError:
        names = []
    for name in names:
        if name.startswith("agent-") and name.endswith(".jsonl"):
            found.append((fastos.join(folder, name), name[len("agent-") : -len(".jsonl")], None))
    return found


def _usable(path) -> bool:
    return isinstance(path, str) and fastos.isabs(path) and path.endswith(".jsonl")
