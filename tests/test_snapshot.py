"""The session file's layout: one field per line, one entry per line, folded by appending bytes;
the same session as a full fold gives, whatever layout the file had before."""

import json

from conftest import read_json
from session_management import SessionManager
from session_management.store import journal as _journal
from session_management.store import snapshot, writer


def entry(n, text="x"):
    return {"action": "tool_use", "timestamp": f"2030-01-01T00:00:{n % 60:02d}.000Z", "details": {"n": n, "out": text * 50 + "\n\"quoted\" ]\n}"}}


def test_the_layout_is_valid_json_with_one_entry_per_line(manager, session_dir):
    """Entries holding newlines, quotes and brackets stay one line each; the whole file parses."""
    session = manager.create_session(session_id="layout")
    for n in range(3):
        session.record_activity("tool_use", entry(n)["details"])
    manager.save_session(session)
    raw = (session_dir / "session_layout.json").read_bytes()
    assert read_json(session_dir / "session_layout.json")["activity_log"][2]["details"]["n"] == 2
    fields, kept, count = snapshot.split(raw)
    assert count == 3 and len(kept.splitlines()) == 3 and fields["session_id"] == "layout"


def test_archiving_folds_by_appending_and_matches_a_full_fold(manager, session_dir):
    """Turn after turn (append, archive, restore), the archived file equals what a full parse-and-fold gives."""
    manager.create_session(session_id="turns")
    expected = []
    for turn in range(4):
        if turn:
            manager.restore_session("turns")
        batch = [entry(turn * 10 + n) for n in range(5)]
        expected += batch
        writer.append(str(session_dir), "turns", batch + [{"_set": {"metadata": {"turn": turn}, "status": "paused"}}])
        manager.archive_session("turns")
        archived = read_json(session_dir / "archive" / "session_turns.json")
        assert archived["activity_log"] == expected and archived["metadata"]["turn"] == turn and archived["status"] == "paused"
        assert snapshot.split((session_dir / "archive" / "session_turns.json").read_bytes())[2] == len(expected)
    assert _journal.read(_journal.journal_path(str(session_dir / "archive"), "turns"))[:2] == (len(expected), [])


def test_a_snapshot_written_by_an_older_version_is_folded_whole_once(manager, session_dir):
    """An indented file (0.1's layout) is not spliced (its lines are no count of entries): it is read
    and rewritten in the new layout, nothing lost or doubled."""
    manager.create_session(session_id="old")
    writer.append(str(session_dir), "old", [entry(0), entry(1)])
    manager.save_session(manager.get_session("old"))
    path = session_dir / "session_old.json"
    path.write_text(json.dumps(json.loads(path.read_text()), indent=2) + "\n")  # as 0.1 wrote it
    assert snapshot.split(path.read_bytes()) is None
    writer.append(str(session_dir), "old", [entry(2)])
    manager.archive_session("old")
    archived = session_dir / "archive" / "session_old.json"
    assert [e["details"]["n"] for e in read_json(archived)["activity_log"]] == [0, 1, 2]
    assert snapshot.split(archived.read_bytes())[2] == 3


def test_a_fold_cut_short_before_the_journal_reset_adds_nothing_twice(manager, session_dir):
    """Snapshot written but journal not reset (a crash between them): the next fold places entries by
    position, so the snapshot's entries are not added again."""
    manager.create_session(session_id="cut")
    writer.append(str(session_dir), "cut", [entry(0), entry(1)])
    journal_before = (session_dir / "session_cut.journal").read_bytes()
    manager.save_session(manager.get_session("cut"))
    (session_dir / "session_cut.journal").write_bytes(journal_before)  # as if the reset never happened
    writer.append(str(session_dir), "cut", [entry(2)])
    manager.archive_session("cut")
    assert [e["details"]["n"] for e in SessionManager(str(session_dir)).get_session("cut").activity_log] == [0, 1, 2]
