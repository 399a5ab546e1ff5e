"""Hand the OTLP shipment to a detached process, so a hook never waits for a network.

With ``otlp:`` configured, the events named by ``ship_on`` start
``python -I -m session_management.export.shipping PROJECT_DIR`` in a session of its own, with
stdin, stdout and stderr on /dev/null, and return at once without waiting for it. ``posix_spawn``
starts it without importing ``subprocess``. The shipping process logs its own failures.
"""

import os
import sys

from .events import TURN_ENDS

SHIPPING_MODULE = "session_management.export.shipping"
# The package's parent directory: what the hook entry puts on sys.path, given to the child too.
_PACKAGE_PARENT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def ships_on(event_name: str, otlp) -> bool:
    """True if this event should start a shipment (``ship_on: stop`` also ships when a session ends,
    which completes its session span)."""
    if not isinstance(otlp, dict):
        return False
    ship_on = otlp.get("ship_on", "stop")
    if event_name == "SessionEnd":
        return ship_on in ("stop", "session_end")
    return ship_on == "stop" and event_name in TURN_ENDS


def start_shipment(project_dir: str) -> int:
    """Start the shipping process for ``project_dir``, detached; return its pid."""
    # Drop '' (the working directory, which -I leaves on sys.path before 3.11) so no project file shadows a module.
    code = (
        f"import sys; sys.path[:] = [p for p in sys.path if p] + [{_PACKAGE_PARENT!r}]; "
        f"import runpy; runpy.run_module({SHIPPING_MODULE!r}, run_name='__main__', alter_sys=True)"
    )
    devnull = os.devnull
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, devnull, os.O_WRONLY, 0),
        (os.POSIX_SPAWN_OPEN, 2, devnull, os.O_WRONLY, 0),
    ]
    return os.posix_spawn(sys.executable, [sys.executable, "-I", "-c", code, project_dir], dict(os.environ), file_actions=actions, setsid=True)
