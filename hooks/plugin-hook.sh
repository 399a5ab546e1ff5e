#!/bin/sh
# Claude Code plugin entry for one tracking hook; $1 is the event name (e.g. Stop).
# Hooks run with the plugin's own virtualenv in $CLAUDE_PLUGIN_DATA, which the first
# SessionStart creates (plugin_setup.py). Until it exists, or if it cannot be made (offline, no
# venv module), they run with python3 from PATH and the library's built-in fallbacks.
root=$(cd "$(dirname "$0")/.." && pwd)
venv="${CLAUDE_PLUGIN_DATA:+$CLAUDE_PLUGIN_DATA/venv}"
if [ -n "$venv" ] && [ ! -x "$venv/bin/python" ] && [ "$1" = "SessionStart" ]; then
  python3 "$root/hooks/plugin_setup.py" "$venv" </dev/null >/dev/null 2>&1 || true
fi
python="$venv/bin/python"
[ -n "$venv" ] && [ -x "$python" ] || python=python3
exec "$python" -I -S "$root/session_management/capture/hook.py" "$1"
