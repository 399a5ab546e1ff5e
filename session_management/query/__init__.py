"""Query: recorded sessions read back — one session from its hook and imported records
(``combined``), per-session summaries and their cache (``summaries``), timelines (``timeline``),
token usage (``usage``), cost (``cost``), spend per session, project and day (``spend``), and the
SQLite FTS5 index across projects behind search and every cross-project view (``index``), with what
it holds as an entry's text and how a query and a snippet are read (``fulltext``), and the subscription
limits read back from the quota ledger: windows, their pace and forecast, 5-hour blocks (``limits``).

May import ``core``, ``store`` and the spec's modules; never capture, present, install or export.
"""
