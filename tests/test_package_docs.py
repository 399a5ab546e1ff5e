"""Each package's opening docstring says what it holds today: every module it has, named, and no promise of later."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "session_management"
PACKAGES = sorted(init.parent for init in PACKAGE.rglob("__init__.py") if init.parent != PACKAGE and "__pycache__" not in init.parts)


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_package_docstring_names_what_it_holds(package):
    """The docstring names every module and subpackage (as ``name``) and speaks of nothing to come."""
    doc = ast.get_docstring(ast.parse((package / "__init__.py").read_text(encoding="utf-8")))
    assert doc, f"{package} has no docstring"
    held = {p.stem for p in package.glob("*.py") if p.stem != "__init__"} | {p.name for p in package.iterdir() if (p / "__init__.py").is_file()}
    assert {name for name in held if f"``{name}``" not in doc} == set()
    assert not any(word in doc.lower() for word in ("will live", "(soon)", " soon", "to come", "later"))
