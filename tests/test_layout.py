"""The package's shape: stages import one way (present -> query/capture -> store -> core), no cycles,
and the hook path loads only what capturing needs."""

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import HOOK_ENTRY, REPO

PACKAGE = REPO / "session_management"
SPEC_MODULES = {"claude_session", "session_manager", "toolkit_logger", "file_utils"}
# A stage may import its own modules and those of lower rank; stages of equal rank stay apart.
RANK = {"core": 0, "store": 1, "capture": 2, "query": 2, "install": 3, "export": 3, "present": 4}


def module_names():
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(REPO).with_suffix("").parts
        yield ".".join(parts[:-1] if parts[-1] == "__init__" else parts), path


def stage(module: str):
    """The stage a module belongs to; None for the package's facade and ``__main__``."""
    parts = module.split(".")[1:]
    if not parts or parts == ["__main__"]:
        return None
    return "store" if parts[0] in SPEC_MODULES else parts[0]


def imports_of(module: str, path: Path, known: set) -> set:
    """Every module of ours that ``path`` imports, at module level or inside a function."""
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {name for name in found if name in known and name != module}


def graph():
    modules = dict(module_names())
    return {name: imports_of(name, path, set(modules)) for name, path in modules.items()}


def test_every_module_belongs_to_a_stage():
    """Outside the spec's own modules, every module sits in one of the stage folders."""
    assert {stage(name) for name in graph()} - {None} == set(RANK)


def test_imports_go_one_way():
    """No stage imports a higher one or a sibling of its rank (e.g. capture never imports query)."""
    wrong = []
    for importer, imported in graph().items():
        for target in imported:
            a, b = stage(importer), stage(target)
            if a and b and a != b and RANK[a] <= RANK[b]:
                wrong.append(f"{importer} ({a}) imports {target} ({b})")
    assert wrong == []


def test_no_import_cycles():
    """Following imports, lazy ones included, never leads back to where it started."""
    edges, done, path = graph(), set(), []

    def visit(name):
        if name in path:
            raise AssertionError("import cycle: " + " -> ".join(path[path.index(name):] + [name]))
        if name in done:
            return
        path.append(name)
        for target in sorted(edges[name]):
            visit(target)
        path.pop()
        done.add(name)

    for name in sorted(edges):
        visit(name)


def test_the_hook_path_loads_only_capture_store_and_core(tmp_path):
    """A hook process, live-session append and turn-end archive alike, imports no query, present,
    install or export module, and none of the view libraries."""
    # As Claude Code runs it: without this test run's coverage start-up, which imports sqlite3.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE", "COV_", "COVERAGE_"))}
    env["CLAUDE_PROJECT_DIR"] = str(tmp_path)
    loaded = set()
    for event, fields in (("SessionStart", {"source": "startup"}), ("PostToolUse", {"tool_name": "Bash", "tool_response": {"stdout": "x"}}), ("Stop", {})):
        payload = dict(fields, session_id="layout", hook_event_name=event)
        done = subprocess.run([sys.executable, "-I", "-S", "-X", "importtime", str(HOOK_ENTRY), event], input=json.dumps(payload).encode(), capture_output=True, env=env)
        assert done.returncode == 0 and done.stdout == b""
        loaded |= {line.rsplit("|", 1)[-1].strip() for line in done.stderr.decode().splitlines() if line.startswith("import time:")}
    ours = {name for name in loaded if name.startswith("session_management.")}
    assert "session_management.capture.dispatch" in ours and "session_management.store.journal" in ours
    assert {stage(name) for name in ours} <= {"capture", "store", "core"}
    assert loaded & {"sqlite3", "starlette", "uvicorn", "opentelemetry", "genai_prices", "html", "argparse"} == set()



@pytest.mark.parametrize("argv, family", [(["search", "word"], "search"), (["list", "--json"], "sessions"), (["usage", "--all-projects"], "usage"), (["import", "--json"], "history")])
def test_a_hot_command_starts_without_argparse_or_other_command_families(tmp_path, argv, family):
    """A plain search, list, usage or import line loads neither argparse nor any command family but its own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COV_", "COVERAGE_"))}
    env.update(CLAUDE_SESSION_TRACKER_HOME=str(tmp_path / "home"), CLAUDE_CONFIG_DIR=str(tmp_path))  # no project, no transcripts
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "session_management", *argv], capture_output=True, text=True, env=env, cwd=tmp_path)
    loaded = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    families = {name.rsplit(".", 1)[-1] for name in loaded if name.startswith("session_management.present.cli.")} - {"common", "options"}
    assert "argparse" not in loaded and families == {family}
