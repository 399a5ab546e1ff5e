"""Capture: Claude Code hook events in, capped and redacted records out, written through the store:
the hook entry (``hook``), the event table (``events``), the dispatcher (``dispatch``), field caps
(``capping``), stored data redacted again with today's rules
(``rescan``, run by ``claude-sessions redact``, never on the hook path), what the person typed, one
reading for the hook, the harvest and the import (``typed``), the transcripts read (``transcript``) and harvested at
turn ends (``harvest``), the running totals kept at each harvest and the opt-in budget warning
(``totals``), the hand-off of OTLP shipments to a detached process (``handoff``), and the import of
Claude Code's transcript stores as sessions (``importer``, never on the hook path), with where those
stores are and whether anything changed since the last import (``transcript_store``).

May import ``core``, ``store`` and the spec's modules; never query, present, install or export. The
hook path's import cost is measured (bench/run.py): keep module-level imports to the standard library.
"""
