"""Session id validation, kept apart so the hook path can check ids without importing more."""

MAX_SESSION_ID_LENGTH = 128
# Letters, digits, '.', '_' and '-' only, starting with a letter or digit: an id can never be
# a path separator, '..', a control character or an absolute path, so it cannot steer a file path.
# A set, not a regular expression: the status line checks ids and cannot afford to import ``re``.
_ALNUM = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
_ALLOWED = _ALNUM | frozenset("._-")


def validate_session_id(session_id) -> str:
    """Return ``session_id`` if it is safe to use in a file name, else raise ValueError."""
    if not isinstance(session_id, str) or not session_id:
        raise ValueError("session_id must be a non-empty string")
    if len(session_id) > MAX_SESSION_ID_LENGTH:
        raise ValueError(f"session_id is longer than {MAX_SESSION_ID_LENGTH} characters")
    if session_id[0] not in _ALNUM or not _ALLOWED.issuperset(session_id) or ".." in session_id:
        raise ValueError(
            f"invalid session_id {session_id[:40]!r}: use letters, digits, '.', '_' and '-' (no '..'), "
            "starting with a letter or digit"
        )
    return session_id
