"""A session that outlives the process: run it twice and the second run continues the first.

The first run creates a session and stores its id in
.claude/runtime/example_session_id; later runs load it, record another visit and archive it
on the third visit, showing save -> load -> archive -> restore across processes.
"""

from pathlib import Path

from session_management import SessionManager

manager = SessionManager(".claude/runtime/sessions")
id_file = Path(".claude/runtime/example_session_id")

if id_file.exists():
    session_id = id_file.read_text().strip()
    if session_id in manager.list_sessions(status="archived"):
        session = manager.restore_session(session_id)
        print(f"Restored archived session {session_id}")
    else:
        session = manager.get_session(session_id)
        print(f"Resumed session {session_id}")
else:
    session = manager.create_session(timeout_seconds=3600)
    session.set_metadata("purpose", "persistent example")
    id_file.write_text(session.session_id)
    print(f"Created session {session.session_id}")

visits = session.get_metadata("visits", 0) + 1
session.set_metadata("visits", visits)
session.record_activity("visit", {"number": visits})
manager.save_session(session)
print(f"Visits so far: {visits}; activity entries: {len(session.activity_log)}")

if visits % 3 == 0:
    manager.archive_session(session.session_id)
    print("Archived after the third visit")
