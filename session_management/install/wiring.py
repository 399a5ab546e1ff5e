"""``claude-sessions install`` (and ``install.sh``, which calls it): wire the running interpreter
and package into a Claude Code settings file, or take our hooks out again.

The hooks run the interpreter this code runs on, with the entry script of the package this code
was loaded from: a checkout (``pip install -e``) or site-packages (``pipx`` / ``uv tool install``),
so an installed tool needs nothing of the checkout it was built from.
"""

import os
import sys
from pathlib import Path

from .settings import add_ours, ensure_gitignored, read_settings, remove_ours, write_settings


def entry_script() -> str:
    """The hook entry of this package (``capture/hook.py``), wherever the package lives."""
    return os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "capture", "hook.py")


def settings_file(project_dir, global_: bool) -> Path:
    """``~/.claude/settings.json`` for ``--global``, else the project's ``.claude/settings.json``."""
    if global_:
        return Path.home() / ".claude" / "settings.json"
    return Path(project_dir) / ".claude" / "settings.json"


def install(project_dir=None, global_: bool = False, uninstall: bool = False, python: str = None) -> list:
    """Change the settings file; return what to tell the user, a line each.

    Raises ``ValueError`` for arguments that do not go together, ``NotADirectoryError`` for a
    missing project, ``SettingsError`` or ``OSError`` when the settings file cannot be used; in
    every failure the file is left as it was.
    """
    if global_ and project_dir:
        raise ValueError("--global takes no PROJECT_DIR")
    project = None
    if not global_:
        project = Path(project_dir or os.getcwd()).expanduser()
        if not project.is_dir():
            raise NotADirectoryError(f"project directory {project} does not exist")
        project = project.resolve()
    path = str(settings_file(project, global_))
    before = read_settings(path)
    if uninstall:
        after = remove_ours(before)
    else:
        # Not resolved: a virtualenv's python is a symlink whose target lacks the venv's packages.
        after = add_ours(before, os.path.abspath(python or sys.executable), entry_script())
    backup = write_settings(path, before, after)
    verb = "removed from" if uninstall else "wired into"
    if backup is None:
        lines = [f"{path}: already up to date, nothing changed"]
    else:
        lines = [f"{path}: tracking hooks {verb} it" + (f" (backup: {backup})" if backup else " (new file)")]
    if not uninstall and project is not None and ensure_gitignored(str(project)):
        lines.append(f"{project / '.gitignore'}: added .claude/runtime/")
    if uninstall:
        lines.append("Recorded sessions (.claude/runtime/) were left in place.")
    else:
        where = f"in {project}" if project else "in every project"
        lines.append(f"Claude Code sessions {where} are now recorded under .claude/runtime/ (hooks run {entry_script()}).")
    return lines
