"""``python -m session_management``: the claude-sessions command line."""

import sys

from .cli import main

sys.exit(main())
