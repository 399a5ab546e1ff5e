#!/usr/bin/env bash
# Install claude-session-tracker's hooks into a project (or globally) from this checkout.
# Run with --help. Installed as a tool instead (pipx, uv tool), run: claude-sessions install
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
     (once; later runs reuse it) and installs this checkout into it (editable, with filelock
     and pyyaml): the hooks run this checkout's code, so keep it where it is.
  2. Runs that virtualenv's 'claude-sessions install', which merges the hook entries into
     PROJECT_DIR/.claude/settings.json and says what it changed: every existing setting and
     every hook that is not ours is kept, the previous file is kept as one backup in
     ~/.local/share/claude-session-tracker/settings-backups/ (nothing new in the project), and
     the file is replaced atomically. Running it again changes nothing.
  3. Adds .claude/runtime/ to PROJECT_DIR/.gitignore.

Options:
  --global        wire the hooks into ~/.claude/settings.json instead (every project; data
                  still goes to each project's own .claude/runtime/)
  --uninstall     remove exactly this tool's hook entries (recorded sessions, the virtualenv
                  and .gitignore are left alone)
  --python PATH   Python 3.11+ to build the virtualenv with (default: the first of python3,
                  python3.14 ... python3.11 on PATH that is 3.11 or newer, else uv's Python)
  --claude PATH   the Claude Code CLI whose version decides which events are wired
                  (default: claude on PATH; without one, the nine events every release sends)
  --otlp          also install the otlp extra (the OpenTelemetry SDK and its OTLP/HTTP exporter)
                  into the virtualenv, so the hooks can send sessions to OpenTelemetry (otlp: in
                  .claude/session-tracking.yaml, or claude-sessions export --otlp)
  -h, --help      show this help

Environment:
  CLAUDE_SESSION_TRACKER_VENV   where to put the virtualenv (default: $REPO/.venv-hooks)

Exit status: 0 on success, 1 if the settings file is invalid or cannot be written (it is then
left untouched) or the virtualenv or the otlp extra cannot be installed, 2 for a usage error.
EOF
}

die() { echo "install.sh: $*" >&2; exit 1; }

args=() python="" uninstall=0 otlp=0
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --global) args+=(--global) ;;
    --uninstall) uninstall=1; args+=(--uninstall) ;;
    --python) [ $# -ge 2 ] || { echo "install.sh: --python needs a path" >&2; exit 2; }; python="$2"; shift ;;
    --claude) [ $# -ge 2 ] || { echo "install.sh: --claude needs a path" >&2; exit 2; }; args+=(--claude "$2"); shift ;;
    --otlp) otlp=1 ;;
    --python=*) python="${1#--python=}" ;;
    -*) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) args+=("$1") ;;
  esac
  shift
done

is_new_enough() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; }

find_python() {
  # genai-prices needs Python 3.11+: take the first interpreter that is new enough.
  local candidate
  for candidate in python3 python3.14 python3.13 python3.12 python3.11; do
    if command -v "$candidate" >/dev/null 2>&1 && is_new_enough "$candidate"; then command -v "$candidate"; return; fi
  done
  if command -v uv >/dev/null 2>&1; then
    candidate=$(uv python find '>=3.11' 2>/dev/null) && is_new_enough "$candidate" && { echo "$candidate"; return; }
  fi
  return 1
}

venv_ready() {
  # Ready when it imports the dependencies and this checkout's package (a virtualenv shared through
  # CLAUDE_SESSION_TRACKER_VENV may still run another checkout's: it is then pointed here again).
  [ -x "$VENV/bin/python" ] && [ "$("$VENV/bin/python" -I -c "import os, filelock, yaml, genai_prices, session_management as p; print(os.path.dirname(os.path.dirname(os.path.realpath(p.__file__))))" 2>/dev/null)" = "$REPO" ]
}

if [ "$uninstall" = 1 ] && [ "$otlp" = 1 ]; then
  echo "install.sh: --otlp adds the OpenTelemetry exporter when installing; it does not go with --uninstall" >&2; exit 2
fi

choose_python() {
  # --python PATH if given (checked), else the first new enough one found; dies saying what to install.
  if [ -n "$python" ]; then
    command -v "$python" >/dev/null 2>&1 || die "$python not found; pass --python PATH"
    is_new_enough "$python" || die "$python is $("$python" -c 'import platform; print(platform.python_version())' 2>/dev/null || echo 'not a working Python'); claude-session-tracker needs Python 3.11 or newer"
  else
    python=$(find_python) || die "needs Python 3.11 or newer, and none is on PATH (python3 is $(python3 -c 'import platform; print(platform.python_version())' 2>/dev/null || echo missing)): install one (python.org, 'brew install python@3.13', 'apt-get install python3.11', 'uv python install 3.13') or pass --python PATH"
  fi
}

if [ "$uninstall" = 1 ]; then
  # Removing needs only the standard library: use the hooks' interpreter if there, else a 3.11+.
  if venv_ready; then python="$VENV/bin/python"; else choose_python; fi
  PYTHONPATH="$REPO" exec "$python" -m session_management install ${args[@]+"${args[@]}"}
fi

if ! venv_ready; then
  choose_python
  echo "Creating the hooks' virtualenv at $VENV with $python (or bringing it up to date)"
  if [ -x "$VENV/bin/python" ] && ! is_new_enough "$VENV/bin/python"; then
    "$python" -m venv --clear "$VENV" || die "could not rebuild the virtualenv at $VENV with $python"
  fi
  [ -x "$VENV/bin/python" ] || "$python" -m venv "$VENV" || die "could not create a virtualenv with $python (on Debian: apt-get install python3-venv)"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e "$REPO" || die "could not install the package into $VENV"
fi

if [ "$otlp" = 1 ]; then
  if ! "$VENV/bin/python" -I -c "import opentelemetry.exporter.otlp.proto.http.trace_exporter" >/dev/null 2>&1; then
    echo "Adding the otlp extra (OpenTelemetry SDK, OTLP/HTTP exporter) to $VENV"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e "$REPO[otlp]" || die "could not install the otlp extra into $VENV"
  fi
  args+=(--otlp)  # claude-sessions install then confirms the hooks' interpreter imports it
fi

"$VENV/bin/python" -m session_management install ${args[@]+"${args[@]}"}
echo "Look at them with: $VENV/bin/claude-sessions list   (run inside the project; 'doctor' checks the install)"
