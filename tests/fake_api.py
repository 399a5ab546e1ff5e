"""A scripted stand-in for the Anthropic Messages API, for driving the real Claude Code CLI.

Listens on 127.0.0.1 only. The n-th request that offers tools gets the n-th scripted reply,
streamed as server-sent events the way the real API streams them; requests without tools
(titles, summaries) get a short text reply. Every request body is kept for assertions.
"""

import itertools
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def text(message: str, usage: dict = None, model: str = None, pause: float = 0) -> dict:
    """A reply that ends the turn with ``message`` (``usage``: the token counts it reports;
    ``model``: the model it says answered, default the one asked for; ``pause``: seconds the
    stream stalls after its first words, as a slow reply does, so a person can interrupt it)."""
    return {"content": [{"type": "text", "text": message}], "stop_reason": "end_turn", "usage": usage, "model": model, "pause": pause}


def tools(*calls, say: str = None, usage: dict = None, model: str = None) -> dict:
    """A reply asking for one or more tool calls: ``("Bash", {"command": "ls"})`` …"""
    content = [{"type": "text", "text": say}] if say else []
    for name, tool_input in calls:
        content.append({"type": "tool_use", "name": name, "input": tool_input})
    return {"content": content, "stop_reason": "tool_use", "usage": usage, "model": model}


def failure(status: int = 500, kind: str = "api_error") -> dict:
    """A reply that is an HTTP error (500: server_error, 429: rate_limit, 401: authentication)."""
    return {"status": status, "error": {"type": "error", "error": {"type": kind, "message": f"fake {status}"}}}


def unified_limits(five_hour: float, seven_day: float, five_resets: int, seven_resets: int, status: str = "allowed") -> dict:
    """The headers the API sends a subscription login: utilizations as fractions, resets as epochs."""
    return {"anthropic-ratelimit-unified-status": status, "anthropic-ratelimit-unified-representative-claim": "five_hour",
            "anthropic-ratelimit-unified-reset": str(five_resets),
            "anthropic-ratelimit-unified-5h-utilization": str(five_hour), "anthropic-ratelimit-unified-5h-reset": str(five_resets),
            "anthropic-ratelimit-unified-5h-status": status,
            "anthropic-ratelimit-unified-7d-utilization": str(seven_day), "anthropic-ratelimit-unified-7d-reset": str(seven_resets),
            "anthropic-ratelimit-unified-7d-status": "allowed"}


def _first_user_text(body: dict) -> str:
    messages = body.get("messages") or [{}]
    content = messages[0].get("content", "")
    if isinstance(content, list):
        content = " ".join(block.get("text", "") for block in content if isinstance(block, dict))
    return content if isinstance(content, str) else ""


class FakeAnthropic:
    """Serve ``script`` (a list of replies, see ``text`` and ``tools``) until stopped."""

    def __init__(self, script, routes: dict = None, limits=None):
        """``routes``: ``{text: replies}`` for conversations whose first user message contains
        ``text`` (a subagent's prompt): they run beside the main one, in any order. ``limits``:
        ``limits(turn requests so far)`` gives the ``anthropic-ratelimit-unified-*`` headers every
        Messages response carries (see ``unified_limits``), as the API sends a subscriber."""
        self.limits = limits
        self.script = list(script)
        self.routes = {marker: list(replies) for marker, replies in (routes or {}).items()}
        self.requests = []
        self.turn_requests = 0
        self._ids = itertools.count(1)
        self._tag = secrets.token_hex(4)  # ids unique across servers, as the real API's are across a history
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
            first = _first_user_text(body)
            for marker, replies in self.routes.items():
                if marker in first:
                    return replies.pop(0) if replies else text("(the route has no more replies)")
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

            def _limits(self) -> None:
                for name, value in (fake.limits(fake.turn_requests) if fake.limits and self.path.startswith("/v1/messages") else {}).items():
                    self.send_header(name, value)

            def _json(self, status: int, payload: dict) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self._limits()
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
                if "status" in reply:
                    return self._json(reply["status"], reply["error"])
                if body.get("stream"):
                    self._stream(body, reply)
                else:
                    self._json(200, fake.message(body, reply, complete=True))

            def _stream(self, body, reply):
                self.send_response(200)
                self._limits()
                self.send_header("request-id", f"req_fake{fake._tag}{next(fake._ids):06d}")
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.send_header("Connection", "close")
                self.end_headers()
                self.close_connection = True
                paused = False
                try:
                    for event, data in fake.events(body, reply):
                        self.wfile.write(f"event: {event}\ndata: {json.dumps(data)}\n\n".encode())
                        if event == "content_block_delta" and reply.get("pause") and not paused:
                            self.wfile.flush()
                            time.sleep(reply["pause"])
                            paused = True
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):  # the client gave up on a slow reply (Escape)
                    pass

        return Handler

    def _tool_id(self) -> str:
        return f"toolu_fake{self._tag}{next(self._ids):06d}"

    def message(self, body, reply, complete=False) -> dict:
        content = []
        if complete:
            for block in reply["content"]:
                block = dict(block)
                if block["type"] == "tool_use":
                    block["id"] = self._tool_id()
                content.append(block)
        return {
            "id": f"msg_fake{self._tag}{next(self._ids):06d}",
            "type": "message",
            "role": "assistant",
            "model": reply.get("model") or body.get("model", "claude-fake"),
            "content": content,
            "stop_reason": reply["stop_reason"] if complete else None,
            "stop_sequence": None,
            "usage": self.usage(reply, complete),
        }

    @staticmethod
    def usage(reply, final: bool) -> dict:
        """The reply's usage: ``message_start`` carries the input side and 1 output token, the
        final ``message_delta`` the output count, as the real API streams it."""
        usage = dict(reply.get("usage") or {"input_tokens": 10, "output_tokens": 5})
        if not final:
            usage["output_tokens"] = 1
        return usage

    def events(self, body, reply):
        yield "message_start", {"type": "message_start", "message": self.message(body, reply)}
        for index, block in enumerate(reply["content"]):
            if block["type"] == "text":
                yield "content_block_start", {"type": "content_block_start", "index": index, "content_block": {"type": "text", "text": ""}}
                parts = block["text"].split(" ", 1) if reply.get("pause") else [block["text"]]  # a slow reply: its first word, then a stall
                for n, part in enumerate(parts):
                    words = part + (" " if n + 1 < len(parts) else "")
                    yield "content_block_delta", {"type": "content_block_delta", "index": index, "delta": {"type": "text_delta", "text": words}}
            else:
                start = {"type": "tool_use", "id": self._tool_id(), "name": block["name"], "input": {}}
                yield "content_block_start", {"type": "content_block_start", "index": index, "content_block": start}
                delta = {"type": "input_json_delta", "partial_json": json.dumps(block["input"])}
                yield "content_block_delta", {"type": "content_block_delta", "index": index, "delta": delta}
            yield "content_block_stop", {"type": "content_block_stop", "index": index}
        delta = {"type": "message_delta", "delta": {"stop_reason": reply["stop_reason"], "stop_sequence": None}, "usage": self.usage(reply, True)}
        yield "message_delta", delta
        yield "message_stop", {"type": "message_stop"}
