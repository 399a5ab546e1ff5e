"""The transcript reader: each API response once, incremental, and unbothered by every kind of
malformed, growing, shrinking or rewritten file."""

import json

from session_management.capture.transcript import read_new

USAGE = {"input_tokens": 3, "output_tokens": 40, "cache_creation_input_tokens": 1200, "cache_read_input_tokens": 9000,
         "cache_creation": {"ephemeral_5m_input_tokens": 200, "ephemeral_1h_input_tokens": 1000}, "service_tier": "standard"}


def line(message_id, request_id, block, usage=USAGE, stop="tool_use", agent=None, model="claude-sonnet-4-5"):
    record = {"type": "assistant", "requestId": request_id, "timestamp": "2026-11-27T10:00:00.000Z",
              "message": {"id": message_id, "model": model, "content": [block], "stop_reason": stop, "usage": usage}}
    if agent:
        record.update(isSidechain=True, agentId=agent)
    return json.dumps(record) + "\n"


def user(text="hi"):
    return json.dumps({"type": "user", "message": {"role": "user", "content": text}}) + "\n"


def test_one_response_written_as_several_lines_counts_once(tmp_path):
    """Text and tool-use lines of one response become one response: text joined, tool ids listed, usage once."""
    path = tmp_path / "t.jsonl"
    path.write_text(user() + line("msg_1", "req_1", {"type": "text", "text": "Looking."}) + line("msg_1", "req_1", {"type": "tool_use", "id": "toolu_a", "name": "Bash", "input": {}})
                    + line("msg_1", "req_1", {"type": "tool_use", "id": "toolu_b", "name": "Read", "input": {}}) + user() + line("msg_2", "req_2", {"type": "text", "text": "Done."}, stop="end_turn"))
    responses, position = read_new(str(path), {})
    assert [(r["message_id"], r["text"], r["tool_use_ids"], r["stop_reason"]) for r in responses] == [
        ("msg_1", "Looking.", ["toolu_a", "toolu_b"], "tool_use"), ("msg_2", "Done.", [], "end_turn")]
    assert responses[0]["usage"] == {"input_tokens": 3, "output_tokens": 40, "cache_creation_input_tokens": 1200, "cache_read_input_tokens": 9000,
                                     "cache_creation": {"ephemeral_5m_input_tokens": 200, "ephemeral_1h_input_tokens": 1000}}
    assert responses[0]["model"] == "claude-sonnet-4-5" and responses[0]["request_id"] == "req_1" and responses[0]["agent_id"] is None
    assert position["offset"] == path.stat().st_size


def test_reading_again_returns_only_what_is_new(tmp_path):
    """From the returned position, a second read sees nothing; after the file grows, only the new response."""
    path = tmp_path / "t.jsonl"
    path.write_text(line("msg_1", "req_1", {"type": "text", "text": "one"}))
    first, position = read_new(str(path), {})
    assert len(first) == 1 and read_new(str(path), position)[0] == []
    with path.open("a") as handle:
        handle.write(line("msg_2", "req_2", {"type": "text", "text": "two"}))
    assert [r["text"] for r in read_new(str(path), position)[0]] == ["two"]


def test_a_line_still_being_written_is_left_for_next_time(tmp_path):
    """A last line without its newline is not read (nor skipped): the next read takes it whole."""
    path = tmp_path / "t.jsonl"
    whole = line("msg_1", "req_1", {"type": "text", "text": "one"}) + line("msg_2", "req_2", {"type": "text", "text": "two"})
    path.write_text(whole[:-30])
    responses, position = read_new(str(path), {})
    assert [r["text"] for r in responses] == ["one"]
    path.write_text(whole)
    assert [r["text"] for r in read_new(str(path), position)[0]] == ["two"]


def test_lines_that_are_not_json_or_not_responses_are_skipped(tmp_path):
    """Garbage, non-objects, assistant lines without an id or with odd usage: skipped or tolerated, never fatal."""
    path = tmp_path / "t.jsonl"
    odd = json.dumps({"type": "assistant", "message": {"content": "assistant"}}) + "\n"
    bad_usage = line("msg_3", "req_3", {"type": "text", "text": "x"}, usage={"input_tokens": "many", "output_tokens": True})
    path.write_text('{"assistant": tru\n' + '"assistant"\n' + "[1, 2]\n" + odd + "\x00\xff\n" + line("msg_1", "req_1", "not a block") + bad_usage)
    responses, _ = read_new(str(path), {})
    assert [(r["message_id"], r["text"], r["usage"]) for r in responses] == [("msg_1", "", USAGE_NO_TIER()), ("msg_3", "x", {})]


def USAGE_NO_TIER():
    return {k: v for k, v in USAGE.items() if k != "service_tier"}


def test_missing_file_changes_nothing(tmp_path):
    """A transcript that is not there (deleted, not yet written) gives nothing and keeps the position."""
    position = {"offset": 120, "head": 5, "head_len": 10}
    assert read_new(str(tmp_path / "gone.jsonl"), position) == ([], position)


def test_a_file_that_shrank_or_was_rewritten_is_read_again_from_the_start(tmp_path):
    """Shorter than the position, or different in its first bytes: everything is returned again (the caller dedupes)."""
    path = tmp_path / "t.jsonl"
    path.write_text(line("msg_1", "req_1", {"type": "text", "text": "one"}) + line("msg_2", "req_2", {"type": "text", "text": "two"}))
    _, position = read_new(str(path), {})
    path.write_text(line("msg_9", "req_9", {"type": "text", "text": "new"}))
    assert [r["text"] for r in read_new(str(path), position)[0]] == ["new"]
    path.write_text(line("msg_8", "req_8", {"type": "text", "text": "other"}) + line("msg_2", "req_2", {"type": "text", "text": "two"}) * 3)
    assert [r["text"] for r in read_new(str(path), position)[0]] == ["other", "two"]


def test_subagent_lines_carry_their_agent_and_the_larger_usage_wins(tmp_path):
    """Sidechain lines name their agent; of differing usages repeated for one response, the larger is kept."""
    path = tmp_path / "agent-a1.jsonl"
    small = {"input_tokens": 5, "output_tokens": 1}
    big = {"input_tokens": 5, "output_tokens": 77}
    path.write_text(line("msg_1", "req_1", {"type": "text", "text": "a"}, usage=small, agent="a1") + line("msg_1", "req_1", {"type": "text", "text": "b"}, usage=big, agent="a1"))
    [response] = read_new(str(path), {})[0]
    assert response["agent_id"] == "a1" and response["usage"] == big and response["text"] == "a\nb"


def test_positions_kept_with_zlibs_checksum_still_continue_where_they_were(tmp_path):
    """A position stored by an earlier version (zlib.crc32 of the head) reads on from its offset; the reader's checksum is zlib's for heads of every length."""
    import os
    import zlib

    from session_management.capture.transcript import crc32

    assert all(crc32(data) == zlib.crc32(data) for data in [b"", *(os.urandom(size) for size in range(1, 513, 7))])
    path = tmp_path / "t.jsonl"
    path.write_text(line("msg_1", "req_1", {"type": "text", "text": "one"}))
    head = path.read_bytes()[:512]
    stored = {"offset": path.stat().st_size, "head": zlib.crc32(head), "head_len": len(head)}
    with path.open("a") as handle:
        handle.write(line("msg_2", "req_2", {"type": "text", "text": "two"}))
    responses, position = read_new(str(path), stored)
    assert [r["text"] for r in responses] == ["two"] and position["head"] == zlib.crc32(path.read_bytes()[:512])
