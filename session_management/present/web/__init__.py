"""``claude-sessions serve``: a live local dashboard of the recorded sessions (Starlette, served by
uvicorn): routes (``app``), reads (``data``), HTML (``pages``), SVG charts (``charts``), server-sent
events (``live``), the Host/token/headers middleware (``guard``). Imported only by that command: the
CLI's other commands, and the hooks, never load it."""


def serve(projects, host: str = "127.0.0.1", port: int = 8765, token: str = None, open_browser: bool = False) -> None:
    """Serve the dashboard over ``projects`` (called per request) until interrupted."""
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
        uvicorn.run(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=1)
    except KeyboardInterrupt:  # uvicorn stops gracefully, then raises the Ctrl+C again
        pass
