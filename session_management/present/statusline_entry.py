"""The command Claude Code runs for its status line: ``python -I -S <path of this file>``.

Kept this small because a script is compiled on every run (only imported modules are cached as
bytecode); the work is in ``statusline``. ``-I -S`` as for the hooks (``capture/hook.py``).
"""

import sys

if __name__ == "__main__":
    try:
        sys.path.append(__file__.rsplit("/", 3)[0])  # absolute (Python >= 3.9); not os: see core.fastos
        from session_management.present.statusline import main

        main()
    except BaseException:  # never a traceback, never a failed line (main prints its own)
        pass
    sys.exit(0)
