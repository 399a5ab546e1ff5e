"""Defensive file operations: atomic writes, retries, missing files, JSON, concurrent writers."""

import json
import multiprocessing
import os
import stat

import pytest

from session_management import load_with_retry, save_with_retry
from session_management.file_utils import create_session_dir, load_session_registry


def leftovers(directory):
    return [p.name for p in directory.iterdir() if p.name.endswith(".tmp")]


def test_save_succeeds_on_first_try(tmp_path):
    """A plain save writes the content, privately, with no temp file left."""
    target = tmp_path / "out.json"
    save_with_retry(str(target), '{"ok": true}')
    assert target.read_text() == '{"ok": true}'
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert leftovers(tmp_path) == []


def test_save_replaces_existing_content(tmp_path):
    """Saving over a file replaces it whole."""
    target = tmp_path / "out.txt"
    save_with_retry(str(target), "a much longer first version")
    save_with_retry(str(target), "short")
    assert target.read_text() == "short"


def test_save_retries_on_failure(tmp_path):
    """A transient failure (the directory appears later) is retried until it works."""
    directory = tmp_path / "late"
    target = directory / "out.txt"
    ctx = multiprocessing.get_context("fork")
    helper = ctx.Process(target=_make_dir_later, args=(str(directory), 0.15))
    helper.start()
    save_with_retry(str(target), "eventually", max_retries=20, retry_delay=0.05)
    helper.join()
    assert target.read_text() == "eventually"


def _make_dir_later(path, delay):
    import time

    time.sleep(delay)
    os.mkdir(path)


def test_save_gives_up_after_max_retries(tmp_path):
    """When every attempt fails, IOError says how many attempts were made; no temp file remains."""
    target = tmp_path / "missing-dir" / "out.txt"
    with pytest.raises(IOError, match="after 3 attempt"):
        save_with_retry(str(target), "x", max_retries=2, retry_delay=0.01)
    assert not target.exists()
    assert leftovers(tmp_path) == []


def test_save_fails_fast_on_permanent_errors(tmp_path):
    """A directory in the way is not retried: the error comes after one attempt."""
    (tmp_path / "dir").mkdir()
    with pytest.raises(IOError, match="after 1 attempt:"):
        save_with_retry(str(tmp_path / "dir"), "x", max_retries=5, retry_delay=1)
    assert leftovers(tmp_path) == []


def test_load_handles_missing_files(tmp_path):
    """Loading a missing file returns None instead of raising."""
    assert load_with_retry(str(tmp_path / "nothing.json")) is None


def test_load_reads_what_save_wrote(tmp_path):
    """load_with_retry returns the text saved, including non-ASCII."""
    save_with_retry(str(tmp_path / "t.txt"), "héllo ✓")
    assert load_with_retry(str(tmp_path / "t.txt")) == "héllo ✓"


def test_load_of_a_directory_raises_ioerror(tmp_path):
    """An unreadable path (a directory) is an IOError, not None."""
    with pytest.raises(IOError):
        load_with_retry(str(tmp_path), max_retries=1, retry_delay=0.01)


def test_json_encoding_round_trip(tmp_path):
    """JSON saved through the helpers decodes to the same data, unicode and nesting included."""
    data = {"sessions": {"abc": {"note": "naïve ☃", "n": [1, 2.5, None, True]}}}
    save_with_retry(str(tmp_path / "r.json"), json.dumps(data))
    assert load_session_registry(str(tmp_path / "r.json")) == data


def test_registry_loader_rejects_malformed_json(tmp_path):
    """Malformed registry JSON is a ValueError; a missing registry is empty."""
    assert load_session_registry(str(tmp_path / "none.json")) == {"sessions": {}}
    (tmp_path / "bad.json").write_text("{oops")
    with pytest.raises(ValueError):
        load_session_registry(str(tmp_path / "bad.json"))
    (tmp_path / "shape.json").write_text('{"sessions": []}')
    with pytest.raises(ValueError):
        load_session_registry(str(tmp_path / "shape.json"))


def test_create_session_dir_builds_the_structure(tmp_path):
    """create_session_dir makes the directory and archive/, both 0700."""
    path = create_session_dir(str(tmp_path / "a" / "sessions"))
    assert path.is_dir() and (path / "archive").is_dir()
    assert stat.S_IMODE(path.stat().st_mode) == 0o700


def test_create_session_dir_raises_ioerror_when_blocked(tmp_path):
    """A file in the way makes create_session_dir raise IOError."""
    (tmp_path / "f").write_text("x")
    with pytest.raises(IOError):
        create_session_dir(str(tmp_path / "f" / "sessions"))


def _writer(path, letter, barrier):
    barrier.wait()
    for _ in range(50):
        save_with_retry(path, json.dumps({"writer": letter, "payload": letter * 20000}))


def test_concurrent_writes_dont_corrupt_data(tmp_path):
    """Eight processes overwriting one file leave it as one writer's complete content, no temp files."""
    target = str(tmp_path / "shared.json")
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(8)
    workers = [ctx.Process(target=_writer, args=(target, letter, barrier)) for letter in "abcdefgh"]
    for worker in workers:
        worker.start()
    seen = 0
    while any(worker.is_alive() for worker in workers):
        text = load_with_retry(target)
        if text is not None:
            data = json.loads(text)  # never half a file
            assert data["payload"] == data["writer"] * 20000
            seen += 1
    for worker in workers:
        worker.join()
        assert worker.exitcode == 0
    data = json.loads(load_with_retry(target))
    assert data["payload"] == data["writer"] * 20000
    assert leftovers(tmp_path) == []


def test_dead_writers_temp_files_are_swept(tmp_path):
    """A temp file left by a process that died mid-write is removed by the next save."""
    stale = tmp_path / ".out.txt.999999999.1.tmp"
    stale.write_text("half")
    save_with_retry(str(tmp_path / "out.txt"), "whole")
    assert leftovers(tmp_path) == []
