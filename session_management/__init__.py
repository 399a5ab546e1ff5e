"""Session tracking for Claude Code: sessions, their persistence, and structured logs.

Names are imported on first use (PEP 562), so ``import session_management`` stays cheap for the
hooks, which run as a fresh process on every Claude Code event.
"""

__all__ = [
    "ClaudeSession",
    "SessionManager",
    "ToolkitLogger",
    "save_with_retry",
    "load_with_retry",
]

_HOMES = {
    "ClaudeSession": "claude_session",
    "SessionManager": "session_manager",
    "ToolkitLogger": "toolkit_logger",
    "save_with_retry": "file_utils",
    "load_with_retry": "file_utils",
    "create_session_dir": "file_utils",
    "load_session_registry": "file_utils",
}

__version__ = "0.2.0"


def __getattr__(name):
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_HOMES))
