#!/usr/bin/env bash
# Runs a command inside a private desktop: Xvfb + session D-Bus (no service activation)
# + unlocked gnome-keyring + StatusNotifier watcher and tray host + dunst.
# Usage: tests/desktop/run.sh <command...>   (e.g. .venv/bin/python -m pytest tests/desktop)
# Recipe: ../shared/design/desktop-test-recipe.md. Everything it starts is stopped on exit, by PID.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "${XDG_RUNTIME_DIR:-/nonexistent}"; }
trap cleanup EXIT
wait_for() { for _ in $(seq 200); do "$@" >/dev/null 2>&1 && return 0; sleep 0.05; done; echo "timeout: $*" >&2; return 1; }

export XDG_RUNTIME_DIR; XDG_RUNTIME_DIR=$(mktemp -d /tmp/lia-desktop-run.XXXX); chmod 700 "$XDG_RUNTIME_DIR"
export XDG_DATA_HOME=$XDG_RUNTIME_DIR/data XDG_CONFIG_HOME=$XDG_RUNTIME_DIR/config XDG_CACHE_HOME=$XDG_RUNTIME_DIR/cache XDG_STATE_HOME=$XDG_RUNTIME_DIR/state
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_STATE_HOME"

exec {DFD}<> <(:)
Xvfb -displayfd $DFD -screen 0 1280x800x24 -nolisten tcp >"$XDG_RUNTIME_DIR/xvfb.log" 2>&1 & PIDS+=($!)
read -r -t 10 -u $DFD D; exec {DFD}<&-
export DISPLAY=:$D

read -r DBUS_SESSION_BUS_ADDRESS DBUS_PID < <(dbus-daemon --config-file="$HERE/session-bus.conf" --fork --nopidfile --print-address=1 --print-pid=1 | paste -sd' ')
export DBUS_SESSION_BUS_ADDRESS; PIDS+=("$DBUS_PID")

echo -n "ci-only-password" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
wait_for busctl --user status org.freedesktop.secrets
PIDS+=("$(busctl --user --json=short call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus GetConnectionUnixProcessID s org.freedesktop.secrets | python3 -c 'import json,sys;print(json.load(sys.stdin)["data"][0])')")

status-notifier-watcher >"$XDG_RUNTIME_DIR/watcher.log" 2>&1 & PIDS+=($!)
wait_for busctl --user status org.kde.StatusNotifierWatcher
NO_AT_BRIDGE=1 gtk-sni-tray-standalone --bottom --end --size 32 --color '#333333' >"$XDG_RUNTIME_DIR/sni.log" 2>&1 & PIDS+=($!)
wait_for sh -c "busctl --user get-property org.kde.StatusNotifierWatcher /StatusNotifierWatcher org.kde.StatusNotifierWatcher IsStatusNotifierHostRegistered | grep -q true"

export DUNST_PICK_FILE=$XDG_RUNTIME_DIR/dunst-pick
sed "s#@DMENU@#$HERE/dmenu-pick.sh#" "$HERE/dunstrc" > "$XDG_RUNTIME_DIR/dunstrc"
NO_AT_BRIDGE=1 dunst -config "$XDG_RUNTIME_DIR/dunstrc" >"$XDG_RUNTIME_DIR/dunst.log" 2>&1 & PIDS+=($!)
wait_for dunstctl debug

export QT_QPA_PLATFORM=xcb LIA_DESKTOP_SESSION=1
"$@"
