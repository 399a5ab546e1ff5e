"""Capture: Claude Code hook events in, capped and redacted records out, written through the store.

May import ``core``, ``store`` and the spec's modules; never query, present, install or export. The
hook path's import cost is measured (bench/run.py): keep module-level imports to the standard library.
"""
