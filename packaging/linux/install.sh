#!/bin/sh
# Installs (or with --uninstall removes) LIA Desktop for the current user under ~/.local,
# from the unpacked LIA_Desktop.AppDir this script sits in. No root needed.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
DATA=${XDG_DATA_HOME:-$HOME/.local/share}
LIB=$HOME/.local/lib/lia-desktop
BIN=$HOME/.local/bin/lia-desktop
if [ "${1:-}" = "--uninstall" ]; then
  rm -rf "$LIB" "$BIN" "$DATA/applications/lia-desktop.desktop" "$DATA/metainfo/com.lia.desktop.metainfo.xml"
  find "$DATA/icons/hicolor" -name 'lia-desktop.*' -delete 2>/dev/null || true
  echo "LIA Desktop removed (launch at login, if on: lia-desktop autostart off before uninstalling)"
  exit 0
fi
rm -rf "$LIB"; mkdir -p "$(dirname "$LIB")" "$(dirname "$BIN")"
cp -a "$HERE/usr/lib/lia-desktop" "$LIB"
ln -sf "$LIB/lia-desktop" "$BIN"
cp -a "$HERE/usr/share/." "$DATA/"
command -v update-desktop-database >/dev/null && update-desktop-database "$DATA/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$DATA/icons/hicolor" || true
echo "LIA Desktop installed: $BIN (menu entry: LIA Desktop)"
