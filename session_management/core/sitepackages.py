"""Hooks run as ``python -I -S``: skipping ``site`` saves most of the interpreter's start-up.

The few paths that need third-party packages (filelock, pyyaml) call this first to add the
interpreter's site-packages. It is a no-op in a normal interpreter.
"""

import sys


def enable_site_packages() -> None:
    if sys.flags.no_site and "site" not in sys.modules:
        import site

        site.main()
