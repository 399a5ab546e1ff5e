"""Present: what a person runs and reads — the claude-sessions CLI (``cli``), how figures read
(``formats``), the Markdown/HTML report (``report``), ``doctor``, ``demo`` and the dashboard (``web``).

The top of the stack: may import every other stage; nothing imports it but ``__main__``.
"""
