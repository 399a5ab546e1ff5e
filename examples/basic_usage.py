"""The spec's example: create, record, save, retrieve, list, and log a session.

Run it from a project directory: it writes under ./.claude/runtime/.
"""

from session_management import SessionManager, ToolkitLogger

# Create manager
manager = SessionManager(".claude/runtime/sessions")

# Create new session
session = manager.create_session(timeout_seconds=3600)
print(f"Created session: {session.session_id}")

# Record activity
session.record_activity("user_input", {"message": "Hello"})

# Set and get metadata
session.set_metadata("user", "alice@example.com")
user = session.get_metadata("user")

# Save session
manager.save_session(session)

# Later: retrieve session
retrieved = manager.get_session(session.session_id)
print(f"Session active: {retrieved.is_active()}")

# List all active sessions
active_sessions = manager.list_sessions(status="active")
print(f"Active sessions: {len(active_sessions)}")

# Logging
logger = ToolkitLogger(__name__, ".claude/runtime/logs/toolkit.log")
logger.log_session_event(session.session_id, "completed")
logger.log_decision(
    what="Archive session",
    why="Session timeout reached",
    alternatives="Extend timeout, delete session",
)
