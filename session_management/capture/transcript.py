"""Read the assistant's side of a conversation, and its tokens, from a Claude Code transcript.

No hook payload carries token usage; the transcript does. It is JSON lines: an API response is
written as one ``"type": "assistant"`` line per content block, the lines sharing ``message.id`` and
``requestId`` and repeating the response's final usage. Reading is incremental: it starts at a
remembered byte offset, stops before a last line still being written, skips lines that are not
JSON, and starts over when the file shrank or was rewritten (the caller drops what it has seen).
Responses Claude Code made up itself (model ``<synthetic>``: API errors, interrupts) are not API
responses and are left out (``core.tokens.is_request``).
"""

from ..core import fastos  # fastos and fastjson, not os and json: the status line reads transcripts too
from ..core.fastjson import loads
from ..core.tokens import SPLIT_KEYS, TOKEN_KEYS, is_request

_HEAD_BYTES = 512  # a rewritten file is told by its first bytes changing
# capture.typed.INTERRUPTED, spelled here so that the status line, which reads no marks, does not
# load typed: the cheap test for the one user line the harvest reads.
_MARK = b"[Request interrupted by user"
_SIDECHAIN = b'"isSidechain":true'
# CRC-32 (zlib's) of the first bytes, a byte at a time from this table: 0.1 ms for 512 bytes, where
# loading zlib (a shared library in many builds) costs the status line 0.6 ms of its start.
_CRC_TABLE = (
    0x00000000, 0x77073096, 0xEE0E612C, 0x990951BA, 0x076DC419, 0x706AF48F, 0xE963A535, 0x9E6495A3,
    0x0EDB8832, 0x79DCB8A4, 0xE0D5E91E, 0x97D2D988, 0x09B64C2B, 0x7EB17CBD, 0xE7B82D07, 0x90BF1D91,
    0x1DB71064, 0x6AB020F2, 0xF3B97148, 0x84BE41DE, 0x1ADAD47D, 0x6DDDE4EB, 0xF4D4B551, 0x83D385C7,
    0x136C9856, 0x646BA8C0, 0xFD62F97A, 0x8A65C9EC, 0x14015C4F, 0x63066CD9, 0xFA0F3D63, 0x8D080DF5,
    0x3B6E20C8, 0x4C69105E, 0xD56041E4, 0xA2677172, 0x3C03E4D1, 0x4B04D447, 0xD20D85FD, 0xA50AB56B,
    0x35B5A8FA, 0x42B2986C, 0xDBBBC9D6, 0xACBCF940, 0x32D86CE3, 0x45DF5C75, 0xDCD60DCF, 0xABD13D59,
    0x26D930AC, 0x51DE003A, 0xC8D75180, 0xBFD06116, 0x21B4F4B5, 0x56B3C423, 0xCFBA9599, 0xB8BDA50F,
    0x2802B89E, 0x5F058808, 0xC60CD9B2, 0xB10BE924, 0x2F6F7C87, 0x58684C11, 0xC1611DAB, 0xB6662D3D,
    0x76DC4190, 0x01DB7106, 0x98D220BC, 0xEFD5102A, 0x71B18589, 0x06B6B51F, 0x9FBFE4A5, 0xE8B8D433,
    0x7807C9A2, 0x0F00F934, 0x9609A88E, 0xE10E9818, 0x7F6A0DBB, 0x086D3D2D, 0x91646C97, 0xE6635C01,
    0x6B6B51F4, 0x1C6C6162, 0x856530D8, 0xF262004E, 0x6C0695ED, 0x1B01A57B, 0x8208F4C1, 0xF50FC457,
    0x65B0D9C6, 0x12B7E950, 0x8BBEB8EA, 0xFCB9887C, 0x62DD1DDF, 0x15DA2D49, 0x8CD37CF3, 0xFBD44C65,
    0x4DB26158, 0x3AB551CE, 0xA3BC0074, 0xD4BB30E2, 0x4ADFA541, 0x3DD895D7, 0xA4D1C46D, 0xD3D6F4FB,
    0x4369E96A, 0x346ED9FC, 0xAD678846, 0xDA60B8D0, 0x44042D73, 0x33031DE5, 0xAA0A4C5F, 0xDD0D7CC9,
    0x5005713C, 0x270241AA, 0xBE0B1010, 0xC90C2086, 0x5768B525, 0x206F85B3, 0xB966D409, 0xCE61E49F,
    0x5EDEF90E, 0x29D9C998, 0xB0D09822, 0xC7D7A8B4, 0x59B33D17, 0x2EB40D81, 0xB7BD5C3B, 0xC0BA6CAD,
    0xEDB88320, 0x9ABFB3B6, 0x03B6E20C, 0x74B1D29A, 0xEAD54739, 0x9DD277AF, 0x04DB2615, 0x73DC1683,
    0xE3630B12, 0x94643B84, 0x0D6D6A3E, 0x7A6A5AA8, 0xE40ECF0B, 0x9309FF9D, 0x0A00AE27, 0x7D079EB1,
    0xF00F9344, 0x8708A3D2, 0x1E01F268, 0x6906C2FE, 0xF762575D, 0x806567CB, 0x196C3671, 0x6E6B06E7,
    0xFED41B76, 0x89D32BE0, 0x10DA7A5A, 0x67DD4ACC, 0xF9B9DF6F, 0x8EBEEFF9, 0x17B7BE43, 0x60B08ED5,
    0xD6D6A3E8, 0xA1D1937E, 0x38D8C2C4, 0x4FDFF252, 0xD1BB67F1, 0xA6BC5767, 0x3FB506DD, 0x48B2364B,
    0xD80D2BDA, 0xAF0A1B4C, 0x36034AF6, 0x41047A60, 0xDF60EFC3, 0xA867DF55, 0x316E8EEF, 0x4669BE79,
    0xCB61B38C, 0xBC66831A, 0x256FD2A0, 0x5268E236, 0xCC0C7795, 0xBB0B4703, 0x220216B9, 0x5505262F,
    0xC5BA3BBE, 0xB2BD0B28, 0x2BB45A92, 0x5CB36A04, 0xC2D7FFA7, 0xB5D0CF31, 0x2CD99E8B, 0x5BDEAE1D,
    0x9B64C2B0, 0xEC63F226, 0x756AA39C, 0x026D930A, 0x9C0906A9, 0xEB0E363F, 0x72076785, 0x05005713,
    0x95BF4A82, 0xE2B87A14, 0x7BB12BAE, 0x0CB61B38, 0x92D28E9B, 0xE5D5BE0D, 0x7CDCEFB7, 0x0BDBDF21,
    0x86D3D2D4, 0xF1D4E242, 0x68DDB3F8, 0x1FDA836E, 0x81BE16CD, 0xF6B9265B, 0x6FB077E1, 0x18B74777,
    0x88085AE6, 0xFF0F6A70, 0x66063BCA, 0x11010B5C, 0x8F659EFF, 0xF862AE69, 0x616BFFD3, 0x166CCF45,
    0xA00AE278, 0xD70DD2EE, 0x4E048354, 0x3903B3C2, 0xA7672661, 0xD06016F7, 0x4969474D, 0x3E6E77DB,
    0xAED16A4A, 0xD9D65ADC, 0x40DF0B66, 0x37D83BF0, 0xA9BCAE53, 0xDEBB9EC5, 0x47B2CF7F, 0x30B5FFE9,
    0xBDBDF21C, 0xCABAC28A, 0x53B39330, 0x24B4A3A6, 0xBAD03605, 0xCDD70693, 0x54DE5729, 0x23D967BF,
    0xB3667A2E, 0xC4614AB8, 0x5D681B02, 0x2A6F2B94, 0xB40BBE37, 0xC30C8EA1, 0x5A05DF1B, 0x2D02EF8D,
)


def crc32(data: bytes) -> int:
    """``zlib.crc32(data)``, without zlib (the positions stored so far hold its values)."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc = _CRC_TABLE[(crc ^ byte) & 0xFF] ^ crc >> 8
    return crc ^ 0xFFFFFFFF


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
            head_len = position.get("head_len", 0)
            known = crc32(head[:head_len])
            if offset > size or known != position.get("head", 0):
                offset, chains = 0, {}  # shrank or rewritten: read it all again
            handle.seek(offset)
            data = handle.read(size - offset)
    except OSError:
        return [], position
    end = data.rfind(b"\n") + 1  # a last line without its newline may still be being written
    found = {"offset": offset + end, "head": known if head_len == len(head) else crc32(head), "head_len": len(head)}
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
        agent = None
        if sidechain and isinstance(record, dict) and record.get("isSidechain"):
            from .typed import sidechain_of  # 1.0.x transcripts only

            agent = sidechain_of(record, chains)
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
    from .typed import INTERRUPT, read_line

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
