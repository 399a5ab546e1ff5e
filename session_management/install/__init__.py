"""Install: wire the capture hooks into Claude Code's settings files, or take them out again: the
settings merge (``settings``) and ``claude-sessions install`` (``wiring``).

May import ``capture`` (which events exist), ``store``, ``core`` and the spec's modules; never query,
present or export. Standard library only, so uninstalling works without the hooks' virtualenv.
"""
