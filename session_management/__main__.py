"""``python -m session_management``: the claude-sessions command line."""

import sys

from .present.cli import main

sys.exit(main())
