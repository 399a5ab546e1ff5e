"""The dashboard's front door, as one ASGI middleware: refuse a ``Host`` the server does not serve
(DNS rebinding: a web page whose name resolves to 127.0.0.1 must not read your sessions), ask for
the token when one is set, and put the security headers on every answer.

The token can come as ``Authorization: Bearer T``, as a ``claude_sessions_token`` cookie, or once
as ``?token=T``: then the cookie is set (HttpOnly, SameSite=Strict) and the browser is sent to the
same address without the token, so it does not stay in the address bar or the history.
"""

import hmac
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import PlainTextResponse, RedirectResponse

COOKIE = "claude_sessions_token"
HEADERS = {
    # Scripts and styles only from the server's own /static/: recorded text can never run.
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def allowed_hosts(host: str, port: int):
    """The ``Host`` values a browser sends for this server; None (any) when bound to every
    interface, where the required token is what keeps others out."""
    if host in ("0.0.0.0", "::", ""):
        return None
    names = {host, *LOOPBACK} if host not in LOOPBACK else set(LOOPBACK)
    return {f"[{name}]:{port}" if ":" in name else f"{name}:{port}" for name in names}


class Guard:
    """Wraps the app: Host check, token check, security headers (see the module docstring)."""

    def __init__(self, app, hosts, token: str = None):
        self.app, self.hosts, self.token = app, hosts, token

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        response = self._refusal(scope)
        send = self._with_headers(send)
        if response is not None:
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _refusal(self, scope):
        """The answer to a request that must not reach the app, or None."""
        headers = Headers(scope=scope)
        if self.hosts is not None and headers.get("host") not in self.hosts:
            return PlainTextResponse("unknown Host header: open this dashboard by the address it was started on", 400)
        if not self.token:
            return None
        offered = [headers.get("authorization", "").removeprefix("Bearer ").strip()]
        offered += [part.split("=", 1)[1] for part in headers.get("cookie", "").split("; ") if part.startswith(COOKIE + "=")]
        if any(hmac.compare_digest(value.encode(), self.token.encode()) for value in offered if value):
            return None
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        given = [value for name, value in query if name == "token"]
        if given and hmac.compare_digest(given[-1].encode(), self.token.encode()):
            rest = urlencode([(name, value) for name, value in query if name != "token"])
            redirect = RedirectResponse(scope["path"] + (f"?{rest}" if rest else ""), 303)
            redirect.set_cookie(COOKIE, self.token, httponly=True, samesite="strict", path="/")
            return redirect
        return PlainTextResponse("a token is required: open the address claude-sessions serve printed (…?token=…)", 401)

    @staticmethod
    def _with_headers(send):
        async def sending(message):
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers[name] = value
            await send(message)
        return sending
