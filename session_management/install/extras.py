"""``claude-sessions install --otlp``: put the ``otlp`` extra (the OpenTelemetry SDK and its OTLP/HTTP
exporter) into the interpreter the hooks run, so their shipments can send.

A tool install is changed with its own manager, which keeps the extra through upgrades where it can:
``pipx inject`` for pipx, ``uv pip install --python`` for ``uv tool``. Any other environment (a
checkout's virtualenv, a plain ``pip install``) belongs to the user: the one command to run is
printed instead (``install.sh --otlp`` runs it for its own virtualenv).
"""

import json
import os
import shlex
import shutil
import subprocess
from importlib import metadata

DISTRIBUTION = "claude-session-tracker"
EXPORTER_MODULE = "opentelemetry.exporter.otlp.proto.http.trace_exporter"
# What pyproject.toml's otlp extra lists, for a package run from a checkout with no metadata.
FALLBACK_REQUIREMENTS = ["opentelemetry-sdk>=1.27", "opentelemetry-exporter-otlp-proto-http>=1.27"]


def has_exporter(python: str) -> bool:
    """Whether ``python`` can import the OTLP/HTTP exporter the shipments use."""
    return subprocess.run([python, "-I", "-c", f"import {EXPORTER_MODULE}"], capture_output=True).returncode == 0


def requirements(extra: str = "otlp") -> list:
    """The extra's requirements, from the installed package's metadata."""
    try:
        declared = metadata.requires(DISTRIBUTION) or []
    except metadata.PackageNotFoundError:
        return list(FALLBACK_REQUIREMENTS)
    found = []
    for line in declared:
        requirement, _, marker = line.partition(";")
        if f'extra == "{extra}"' in marker.replace("'", '"'):
            found.append(requirement.strip())
    return found or list(FALLBACK_REQUIREMENTS)


def tool_manager(prefix: str):
    """``("pipx", package)`` or ``("uv", None)`` when the environment at ``prefix`` was made by that
    tool (pipx leaves ``pipx_metadata.json`` in it, uv ``uv-receipt.toml``), else None."""
    marker = os.path.join(prefix, "pipx_metadata.json")
    if os.path.isfile(marker):
        try:
            with open(marker, encoding="utf-8") as handle:
                package = json.load(handle)["main_package"]["package"]
        except (OSError, ValueError, KeyError, TypeError):
            package = DISTRIBUTION
        return "pipx", package
    if os.path.isfile(os.path.join(prefix, "uv-receipt.toml")):
        return "uv", None
    return None


def manual_command(python: str, needed: list) -> str:
    return " ".join([shlex.quote(python), "-m", "pip", "install", *map(shlex.quote, needed)])


def add_otlp(python: str, prefix: str) -> tuple:
    """``(ok, lines)``: the extra made importable by ``python`` (whose environment is at ``prefix``),
    or why not and the one command that does it."""
    if has_exporter(python):
        return True, [f"otlp: {python} already has the OTLP exporter"]
    needed = requirements()
    manager = tool_manager(prefix)
    if manager is None:
        return False, [f"otlp: {python} is not in a pipx or uv tool environment, so it is left to you; run:",
                       f"  {manual_command(python, needed)}"]
    name, package = manager
    command = ["pipx", "inject", package, *needed] if name == "pipx" else ["uv", "pip", "install", "--python", python, *needed]
    if shutil.which(command[0]) is None:
        return False, [f"otlp: {command[0]} is not on PATH; run:", f"  {' '.join(map(shlex.quote, command))}"]
    done = subprocess.run(command, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if done.returncode != 0 or not has_exporter(python):
        last = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        return False, [f"otlp: {' '.join(command[:2])} failed ({last[0]}); run:", f"  {manual_command(python, needed)}"]
    return True, [f"otlp: added {', '.join(needed)} to {python} ({' '.join(command[:2])})"]
