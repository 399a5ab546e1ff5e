"""The command Claude Code runs for its status line: ``python -I -S <path of this file>``.

Kept this small because a script is compiled on every run (only imported modules are cached as
bytecode); the work is in ``statusline``. ``-I -S`` as for the hooks (``capture/hook.py``).
It ends with ``posix._exit(0)`` once the line is printed and flushed: the interpreter's teardown
(freeing every module and object one by one) cost a fifth of the refresh, 3 ms, and there is
nothing left to write or close by then.
"""

import sys

if __name__ == "__main__":
    try:
        sys.path.append(__file__.rsplit("/", 3)[0])  # absolute (Python >= 3.9); not os: see core.fastos
        from session_management.present.statusline import main

        main()
    except BaseException:  # never a traceback, never a failed line (main prints its own)
        pass
    import posix  # built in and already loaded

    posix._exit(0)
