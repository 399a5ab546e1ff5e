"""The HTML report in a real headless Chromium: it renders, logs no console errors, and is not blank."""

import os
import shutil
import struct
import subprocess
import zlib
from collections import Counter

import pytest

from test_cli import replay
from session_management.present import cli

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--enable-logging=stderr", "--v=0",
]


@pytest.fixture(scope="module")
def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    if os.environ.get("CI") == "true":
        pytest.fail("chromium is required under CI=true (.ci/run installs Debian's chromium)")
    pytest.skip("no chromium on this machine (apt-get install chromium)")


@pytest.fixture
def report(tmp_path):
    project = tmp_path / "proj"
    project.mkdir()
    replay(project, "eeee6666-0000-0000-0000-000000000006")
    target = tmp_path / "report.html"
    assert cli.main(["--runtime-dir", str(project / ".claude" / "runtime"), "export", "eeee6666", "--format", "html", "-o", str(target)]) == 0
    return target


def browse(chromium, tmp_path, page, *action):
    result = subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *action, page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result


def console_messages(stderr: str) -> list:
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


def test_report_renders_without_console_errors(chromium, report, tmp_path):
    """After its script ran, the DOM holds the chart and every event, and the console stayed silent."""
    result = browse(chromium, tmp_path, report, "--dump-dom")
    assert console_messages(result.stderr) == []
    dom = result.stdout
    assert "<svg" in dom and dom.count("<details") == 19
    assert "Find the failing test and fix it" in dom


def test_console_check_catches_a_broken_page(chromium, tmp_path):
    """The console check is real: a page with a script error is caught."""
    broken = tmp_path / "broken.html"
    broken.write_text("<!DOCTYPE html><html><body><script>notDefined();</script></body></html>")
    result = browse(chromium, tmp_path, broken, "--dump-dom")
    assert any("Uncaught ReferenceError" in line for line in console_messages(result.stderr))


def decode_png(data: bytes):
    """(width, height, rows of (r, g, b) tuples) of an 8-bit RGB or RGBA PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, idat = 8, b""
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        body = data[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        position += 12 + length
    assert depth == 8 and colour in (2, 6), (depth, colour)
    channels = 4 if colour == 6 else 3
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        offset = y * (stride + 1)
        kind, line = raw[offset], bytearray(raw[offset + 1 : offset + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                predictor = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + predictor) & 0xFF
        rows.append([tuple(line[x * channels : x * channels + 3]) for x in range(width)])
        previous = line
    return width, height, rows


def test_screenshot_is_not_blank(chromium, report, tmp_path):
    """A screenshot shows the dark header, the coloured timeline and the red failure: not a blank page."""
    shot = tmp_path / "shot.png"
    browse(chromium, tmp_path, report, f"--screenshot={shot}", "--window-size=800,700")
    width, height, rows = decode_png(shot.read_bytes())
    pixels = [pixel for row in rows[::3] for pixel in row[::3]]
    colours = set(pixels)
    background = Counter(pixels).most_common(1)[0][0]
    assert len(colours) > 50
    assert sum(1 for pixel in pixels if pixel != background) > len(pixels) * 0.1
    assert (15, 23, 42) in colours, "the header (#0f172a) is missing"
    assert (220, 38, 38) in colours, "the failure colour (#dc2626) is missing"
