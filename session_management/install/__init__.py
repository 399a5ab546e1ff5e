"""Install: wire the capture hooks into Claude Code's settings files, or take them out again: the
settings merge (``settings``), ``claude-sessions install`` (``wiring``), and its ``--otlp``: the
OpenTelemetry extra put where the hooks' interpreter finds it (``extras``).

May import ``capture`` (which events exist), ``store``, ``core`` and the spec's modules; never query,
present or export. Standard library only, so uninstalling works without the hooks' virtualenv.
"""
