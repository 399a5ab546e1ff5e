"""Present: what a person runs and reads — the claude-sessions CLI (``cli``, one module per family of commands), how figures read
(``formats``), the Markdown/HTML report (``report``), ``limits``, ``doctor``, ``demo``, the dashboard (``web``) and Claude Code's status line (``statusline``,
run as ``statusline_entry``).

The top of the stack: may import every other stage; nothing imports it but ``__main__``.
"""
