"""The test command passes on a fresh machine: every program the tests or benchmarks run is one
that ``.ci/run`` checks for or installs, or one whose absence they cope with."""

import ast
import re

from conftest import REPO

# Programs the code looks for and does without: what it does instead.
OPTIONAL = {"rg": "benchmark 7 compares search with grep -rF where ripgrep is not installed"}
_RUNNERS = {"run", "Popen", "check_output", "check_call", "call"}


def _programs_run() -> dict:
    """``{program or alternatives: file}``: names passed to ``shutil.which`` (a loop over a tuple of
    names counts as one choice among them) and the first word of argv lists given to subprocess."""
    found = {}
    for path in sorted([*REPO.glob("tests/*.py"), *REPO.glob("bench/*.py")]):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        loops = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.For) and isinstance(node.target, ast.Name) and isinstance(node.iter, (ast.Tuple, ast.List)):
                names = tuple(element.value for element in node.iter.elts if isinstance(element, ast.Constant))
                loops[node.target.id] = names
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", None))
            first = node.args[0]
            if name == "which" and isinstance(first, ast.Constant):
                found[(first.value,)] = path.name
            elif name == "which" and isinstance(first, ast.Name) and first.id in loops:
                found[loops[first.id]] = path.name
            elif name in _RUNNERS and isinstance(first, ast.List) and first.elts and isinstance(first.elts[0], ast.Constant):
                found[(first.elts[0].value,)] = path.name
    return found


def _provided_by_ci() -> set:
    """The programs ``.ci/run`` checks for (its ``for tool in …`` list) and the packages it installs."""
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    provided = set()
    for words in re.findall(r"for tool in ([^;]+);", script) + re.findall(r"apt-get install (?:-\S+ )*([^>&|]+)", script):
        provided.update(word for word in words.split() if not word.startswith("-"))
    return provided


def test_every_program_the_tests_run_is_provided_by_ci():
    """A program the tests or benchmarks run is checked or installed by .ci/run, or declared optional."""
    provided = _provided_by_ci() | set(OPTIONAL)
    missing = {alternatives: where for alternatives, where in _programs_run().items() if not provided & set(alternatives)}
    assert not missing, f"run by the tests but neither installed nor checked by .ci/run: {missing}"


def test_the_scan_sees_the_programs_we_know_are_run():
    """The scan is not blind: it finds npm (the real CLI), chromium (the browser tests) and ripgrep."""
    found = {name for alternatives in _programs_run() for name in alternatives}
    assert {"npm", "chromium", "rg", "bash", "git"} <= found
    assert {"npm", "chromium", "bash", "git", "tmux"} <= _provided_by_ci()
