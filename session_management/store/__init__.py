"""Storage internals behind the spec's modules: the per-session journal (``journal``), appending
(``writer``), the session file layout (``snapshot``), the project's configuration (``config``), and the
user's catalog of tracked projects (``catalog``), the running totals the status line reads (``tally``) and
pricing from known rates (``rates``), the layout of the history imported from transcripts (``history``),
which redaction rules stored data was redacted with (``redaction``: the rules' version and its stamp),
and the quota ledger of the 5-hour and weekly limits Claude Code reports (``quota``).

May import ``core`` and the spec's modules (``file_utils``, ``session_manager``); never capture,
query, present, install or export.
"""
