"""``claude-sessions serve``: a live local dashboard of the recorded sessions (Starlette, served by
uvicorn): routes (``app``), reads (``data``), HTML (``pages``), SVG charts (``charts``), server-sent
events (``live``), the Host/token/headers middleware (``guard``). Imported only by that command: the
CLI's other commands, and the hooks, never load it."""


def listen(host: str, port: int):
    """A socket bound to ``host:port`` for ``serve``, taken before any other work, so that a port in
    use is an OSError at once, not a line from uvicorn after the dashboard's address was announced."""
    import socket

    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn: a port left in TIME_WAIT is free
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def serve(projects, sock, host: str = "127.0.0.1", port: int = 8765, token: str = None, open_browser: bool = False) -> None:
    """Serve the dashboard over ``projects`` (called per request) on ``sock`` (from ``listen(host,
    port)``) until interrupted."""
    import threading
    import webbrowser

    import uvicorn

    from .app import build_app
    from .data import Data
    from .guard import allowed_hosts

    app = build_app(Data(projects), allowed_hosts(host, port), token)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    url = f"http://{f'[{shown}]' if ':' in shown else shown}:{port}/" + (f"?token={token}" if token else "")
    print(f"claude-sessions dashboard on {url}  (Ctrl+C to stop)", flush=True)
    if open_browser:
        threading.Timer(0.8, webbrowser.open, [url]).start()
    try:
        uvicorn.Server(uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=1)).run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn stops gracefully, then raises the Ctrl+C again
        pass
