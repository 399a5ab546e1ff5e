"""Appending records to a session: the journal's fast path when the session is live, else the manager.

Kept apart from ``journal`` so the journal's format and fast path never import ``SessionManager``
(which imports ``journal``): the cheap path stays cheap and the imports stay one-way.
"""

from . import journal


def append(session_dir: str, session_id: str, records: list, timeout_seconds: int = 3600, metadata: dict = None, manager=None, is_repeat=None) -> str:
    """Append records to a session, by the fast path when it is live; see ``SessionManager.append_records``.

    Returns ``"appended"``, ``"repeat"`` (nothing written, see ``append_if_live``), or what the
    slow path had to do (``restored``, ``repaired``, ``created``). ``manager`` is a callable giving
    the SessionManager for the slow path (default: a plain one). The id must already be
    validated: it names files.
    """
    payload = b"".join(journal.encode_record(record) for record in records)
    try:
        done = journal.append_if_live(session_dir, session_id, payload, is_repeat=is_repeat)
        if done:
            return done
    except FileNotFoundError:  # no sessions directory yet
        pass
    if manager is None:
        from ..session_manager import SessionManager

        manager = lambda: SessionManager(session_dir)  # noqa: E731
    return manager().append_records(session_id, records, timeout_seconds, metadata, is_repeat)
