"""A scripted stand-in for the Anthropic Messages API, for driving the real Claude Code CLI.

Listens on 127.0.0.1 only. The n-th request that offers tools gets the n-th scripted reply,
streamed as server-sent events the way the real API streams them; requests without tools
(titles, summaries) get a short text reply. Every request body is kept for assertions.
"""

import itertools
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def text(message: str) -> dict:
    """A reply that ends the turn with ``message``."""
    return {"content": [{"type": "text", "text": message}], "stop_reason": "end_turn"}


def tools(*calls, say: str = None) -> dict:
    """A reply asking for one or more tool calls: ``("Bash", {"command": "ls"})`` …"""
    content = [{"type": "text", "text": say}] if say else []
    for name, tool_input in calls:
        content.append({"type": "tool_use", "name": name, "input": tool_input})
    return {"content": content, "stop_reason": "tool_use"}


class FakeAnthropic:
    """Serve ``script`` (a list of replies, see ``text`` and ``tools``) until stopped."""

    def __init__(self, script):
        self.script = list(script)
        self.requests = []
        self.turn_requests = 0
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.server.shutdown()
        self.server.server_close()

    def next_reply(self, body: dict) -> dict:
        with self._lock:
            self.requests.append(body)
            if not body.get("tools"):
                return text("Session title")
            index = self.turn_requests
            self.turn_requests += 1
        if index < len(self.script):
            return self.script[index]
        return text("(the script has no more replies)")

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _body(self) -> dict:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b"{}"
                try:
                    return json.loads(raw)
                except ValueError:
                    return {}

            def _json(self, status: int, payload: dict) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                self._json(200, {"ok": True})

            do_HEAD = do_GET

            def do_POST(self):
                body = self._body()
                if self.path.startswith("/v1/messages/count_tokens"):
                    return self._json(200, {"input_tokens": 42})
                if not self.path.startswith("/v1/messages"):
                    return self._json(404, {"type": "error", "error": {"type": "not_found_error", "message": self.path}})
                reply = fake.next_reply(body)
                if body.get("stream"):
                    self._stream(body, reply)
                else:
                    self._json(200, fake.message(body, reply, complete=True))

            def _stream(self, body, reply):
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.send_header("Connection", "close")
                self.end_headers()
                for event, data in fake.events(body, reply):
                    self.wfile.write(f"event: {event}\ndata: {json.dumps(data)}\n\n".encode())
                self.wfile.flush()
                self.close_connection = True

        return Handler

    def _tool_id(self) -> str:
        return f"toolu_fake{next(self._ids):06d}"

    def message(self, body, reply, complete=False) -> dict:
        content = []
        if complete:
            for block in reply["content"]:
                block = dict(block)
                if block["type"] == "tool_use":
                    block["id"] = self._tool_id()
                content.append(block)
        return {
            "id": f"msg_fake{next(self._ids):06d}",
            "type": "message",
            "role": "assistant",
            "model": body.get("model", "claude-fake"),
            "content": content,
            "stop_reason": reply["stop_reason"] if complete else None,
            "stop_sequence": None,
            "usage": {"input_tokens": 10, "output_tokens": 5 if complete else 1},
        }

    def events(self, body, reply):
        yield "message_start", {"type": "message_start", "message": self.message(body, reply)}
        for index, block in enumerate(reply["content"]):
            if block["type"] == "text":
                yield "content_block_start", {"type": "content_block_start", "index": index, "content_block": {"type": "text", "text": ""}}
                yield "content_block_delta", {"type": "content_block_delta", "index": index, "delta": {"type": "text_delta", "text": block["text"]}}
            else:
                start = {"type": "tool_use", "id": self._tool_id(), "name": block["name"], "input": {}}
                yield "content_block_start", {"type": "content_block_start", "index": index, "content_block": start}
                delta = {"type": "input_json_delta", "partial_json": json.dumps(block["input"])}
                yield "content_block_delta", {"type": "content_block_delta", "index": index, "delta": delta}
            yield "content_block_stop", {"type": "content_block_stop", "index": index}
        delta = {"type": "message_delta", "delta": {"stop_reason": reply["stop_reason"], "stop_sequence": None}, "usage": {"output_tokens": 5}}
        yield "message_delta", delta
        yield "message_stop", {"type": "message_stop"}
