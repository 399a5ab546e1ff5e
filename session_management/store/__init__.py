"""Storage internals behind the spec's modules: the per-session journal, appending, the config.

May import ``core`` and the spec's modules (``file_utils``, ``session_manager``); never capture,
query, present, install or export.
"""
