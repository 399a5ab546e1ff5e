"""Present: what a person runs and reads — the claude-sessions CLI, reports, doctor and demo.

The top of the stack: may import every other stage; nothing imports it but ``__main__``.
"""
