#!/usr/bin/env bash
# Install claude-session-tracker's hooks into a project (or globally). Run with --help.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
VENV="${CLAUDE_SESSION_TRACKER_VENV:-$REPO/.venv-hooks}"

usage() {
  cat <<EOF
Usage: ./install.sh [options] [PROJECT_DIR]

Wire claude-session-tracker's hooks into Claude Code, so every session in PROJECT_DIR
(default: the current directory) is recorded under PROJECT_DIR/.claude/runtime/.

What it does:
  1. Creates a virtualenv for the hooks at $VENV
     (once; later runs reuse it) and installs this package with filelock and pyyaml into it.
  2. Merges the hook entries into PROJECT_DIR/.claude/settings.json: every existing setting
     and every hook that is not ours is kept, a timestamped backup is written first, and the
     file is replaced atomically. Running it again changes nothing.
  3. Adds .claude/runtime/ to PROJECT_DIR/.gitignore.

Options:
  --global        wire the hooks into ~/.claude/settings.json instead (every project; data
                  still goes to each project's own .claude/runtime/)
  --uninstall     remove exactly this tool's hook entries (recorded sessions, the virtualenv
                  and .gitignore are left alone)
  --python PATH   Python 3.9+ to build the virtualenv with (default: python3 on PATH)
  -h, --help      show this help

Environment:
  CLAUDE_SESSION_TRACKER_VENV   where to put the virtualenv (default: $REPO/.venv-hooks)

Exit status: 0 on success, 1 if the settings file is invalid or cannot be written (it is then
left untouched), 2 for a usage error.
EOF
}

die() { echo "install.sh: $*" >&2; exit 1; }

project="" global=0 uninstall=0 python="python3"
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --global) global=1 ;;
    --uninstall) uninstall=1 ;;
    --python) [ $# -ge 2 ] || { echo "install.sh: --python needs a path" >&2; exit 2; }; python="$2"; shift ;;
    --python=*) python="${1#--python=}" ;;
    -*) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) [ -z "$project" ] || { echo "install.sh: more than one PROJECT_DIR given" >&2; exit 2; }; project="$1" ;;
  esac
  shift
done

if [ "$global" = 1 ]; then
  [ -z "$project" ] || { echo "install.sh: --global takes no PROJECT_DIR" >&2; exit 2; }
  settings="${HOME:?HOME is not set}/.claude/settings.json"
else
  project="${project:-$PWD}"
  [ -d "$project" ] || die "project directory $project does not exist"
  project="$(cd "$project" && pwd -P)"
  settings="$project/.claude/settings.json"
fi

venv_ready() {
  [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c "import filelock, yaml, session_management" >/dev/null 2>&1
}

if [ "$uninstall" = 1 ]; then
  # Removing needs only the standard library: use the hooks' interpreter if there, else python3.
  runner="$python"; venv_ready && runner="$VENV/bin/python"
  PYTHONPATH="$REPO" "$runner" -m session_management._install remove "$settings"
  echo "Uninstalled. Recorded sessions (.claude/runtime/) and $VENV were left in place."
  exit 0
fi

if ! venv_ready; then
  command -v "$python" >/dev/null 2>&1 || die "$python not found; pass --python PATH"
  "$python" -c 'import sys; sys.exit(sys.version_info < (3, 9))' || die "$python is older than Python 3.9"
  echo "Creating the hooks' virtualenv at $VENV"
  "$python" -m venv "$VENV" || die "could not create a virtualenv with $python (on Debian: apt-get install python3-venv)"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e "$REPO" || die "could not install the package into $VENV"
fi

"$VENV/bin/python" -m session_management._install add "$settings" \
  --python "$VENV/bin/python" --hooks-dir "$REPO/hooks" ${project:+--project "$project"}
echo "Done. Claude Code sessions${project:+ in $project} are now recorded under .claude/runtime/."
echo "Look at them with: $VENV/bin/claude-sessions list   (run inside the project; 'doctor' checks the install)"
