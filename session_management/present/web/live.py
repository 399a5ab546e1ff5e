"""Live updates as server-sent events, driven by the session files changing.

Each stream polls ``os.stat`` of the files that change when a session does (its file and journal,
live and archived; for the sessions list, each registry and the sessions not archived) every
``POLL_SECONDS``: a handful of stats, cheap next to the hooks' own work, and the same on every
platform (no inotify). When they change it reads the session again and sends what is new.
"""

import asyncio
import json

from starlette.concurrency import run_in_threadpool
from starlette.responses import StreamingResponse

from ...query.summaries import files_fingerprint

POLL_SECONDS = 0.2
KEEPALIVE_SECONDS = 15.0


def message(event: str, data: dict) -> str:
    """One SSE message; JSON keeps it on one ``data:`` line whatever the text holds."""
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


async def changes(paths, first=None):
    """Yield whenever the files named by ``paths()`` change (None between changes, as a keepalive)."""
    last, quiet = first, 0.0
    while True:
        now = files_fingerprint(paths())
        if now != last:
            last, quiet = now, 0.0
            yield now
        elif quiet >= KEEPALIVE_SECONDS:
            quiet = 0.0
            yield None
        await asyncio.sleep(POLL_SECONDS)
        quiet += POLL_SECONDS


def stream(events) -> StreamingResponse:
    return StreamingResponse(events, media_type="text/event-stream", headers={"X-Accel-Buffering": "no"})


def session_stream(paths, new_rows, shown: list) -> StreamingResponse:
    """What is new in one session: ``new_rows(shown)`` returns ``{"shown": [entries, decisions] now,
    "html": the events and decisions past ``shown``, and the page's other parts redrawn}``, run off
    the event loop; sent as a ``rows`` message whenever an entry or a decision was added."""

    async def events():
        nonlocal shown
        async for change in changes(paths):
            if change is None:
                yield ": keepalive\n\n"
                continue
            update = await run_in_threadpool(new_rows, shown)
            if update["shown"] != shown:
                shown = update["shown"]
                yield message("rows", update)
    return stream(events())


def list_stream(paths) -> StreamingResponse:
    """A ``changed`` message whenever any served session starts, records an event, or ends."""

    async def events():
        async for change in changes(paths, first=files_fingerprint(paths())):
            yield ": keepalive\n\n" if change is None else message("changed", {})
    return stream(events())
