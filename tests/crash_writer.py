"""Writer for the crash test: records numbered entries forever and acknowledges each on stdout.

Usage: python crash_writer.py SESSION_DIR FIRST_SEQ
"ready" is printed once it is set up; an "ack N" line only after entry N is committed, so the
parent knows which entries must survive a SIGKILL. The mix of operations covers every write path: journal
appends, merged saves, archive (fold and move) and restore.
"""

import sys

from session_management import SessionManager
from session_management.store import writer

session_dir, seq = sys.argv[1], int(sys.argv[2])
manager = SessionManager(session_dir)
sys.stdout.write("ready\n")  # started: the parent's kill timer runs from here, not from the interpreter's start
sys.stdout.flush()
while True:
    if seq % 5 == 0:
        try:
            session = manager.get_session("crashy")
        except KeyError:
            session = manager.create_session(session_id="crashy")
        if not session.is_active():
            session = manager.restore_session("crashy")
        session.record_activity("saved", {"seq": seq})
        manager.save_session(session)
    else:
        writer.append(session_dir, "crashy", [{"action": "appended", "timestamp": "2030-01-01T00:00:00.000Z", "details": {"seq": seq}}])
    sys.stdout.write(f"ack {seq}\n")
    sys.stdout.flush()
    if seq % 7 == 0:
        manager.archive_session("crashy")
    seq += 1
