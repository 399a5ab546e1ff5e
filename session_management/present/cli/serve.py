"""``serve``: the live dashboard (``present/web``), imported only when it runs."""

import os

from .common import CliError, from_index, scope
from .options import Option, command


@command("serve", "a live local dashboard: sessions across projects, each session's timeline, search, usage charts",
         Option("--port", type=int, default=8765, help="default 8765"),
         Option("--all-projects", action="store_true", help="every project in the catalog (see: projects), not just this one"),
         Option("--project", metavar="DIR", help="serve this project"),
         Option("--open", action="store_true", help="open it in the browser"),
         Option("--host", default="127.0.0.1", help="the interface to listen on (default 127.0.0.1; any other needs --token)"),
         Option("--token", help="a secret every request must carry (?token= once, then a cookie; or Authorization: Bearer); default $CLAUDE_SESSIONS_TOKEN"))
def cmd_serve(args) -> int:
    """The live dashboard; its web stack is imported here only, so other commands never pay for it."""
    try:
        from ..web import listen, serve
        from ..web.guard import LOOPBACK
    except ImportError as exc:
        raise CliError(f"the dashboard needs starlette and uvicorn, which this installation lacks ({exc}): install it again "
                       "(./install.sh from a checkout; pipx install --force or uv tool install --reinstall with the checkout's path)") from None

    token = args.token or os.environ.get("CLAUDE_SESSIONS_TOKEN") or None
    if args.host not in LOOPBACK and not token:
        raise CliError(f"--host {args.host} serves other machines: give a --token (or CLAUDE_SESSIONS_TOKEN) that every request must carry", 2)
    if token is not None and (len(token) < 16 or not token.replace("-", "").replace("_", "").isalnum()):
        raise CliError("--token: at least 16 letters, digits, '-' or '_' (e.g. python3 -c 'import secrets; print(secrets.token_urlsafe())')", 2)
    try:
        sock = listen(args.host, args.port)  # before any work: a port in use is said at once
    except OSError as exc:
        raise CliError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc} (another server? choose a free one with --port)") from None
    with sock:
        projects = scope(args)  # fail now, not at the first request, outside a tracked project
        from_index(projects, lambda index: None)  # a first build before the first page, its progress on the terminal
        serve(lambda: scope(args), sock, args.host, args.port, token, args.open)
    return 0
