"""The command every tracking hook runs: ``python -I -S <path of this file> EVENT``.

Claude Code pipes the event's JSON to stdin. ``-I -S`` leave out the user's environment and the
``site`` import (most of the interpreter's start-up), so this file puts the directory that holds
the package on ``sys.path`` itself, after the standard library: the same command works from a
checkout and from a tool install (pipx, uv tool), wherever the package was installed.
"""

import os
import sys

if __name__ == "__main__":
    sys.path.append(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from session_management.capture.dispatch import run

    run(sys.argv[1] if len(sys.argv) > 1 else "")
