#!/usr/bin/env bash
# Builds the Linux bundle: PyInstaller one-folder app, an AppDir around it (.desktop, icons,
# AppStream metainfo) and a tarball of that AppDir with install.sh for ~/.local.
# Usage: packaging/build_linux.sh   (env: VENV=.venv, DIST=dist, LIA_FROZEN_ENTRY=module)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENV=${VENV:-$ROOT/.venv}
DIST=${DIST:-$ROOT/dist}
WORK=${WORK:-$ROOT/build/pyinstaller}
cd "$ROOT"

VERSION=$("$VENV/bin/python" -c 'import lia_desktop; print(lia_desktop.__version__)')
ARCH=$(uname -m)
"$VENV/bin/pyinstaller" --noconfirm --clean --log-level WARN \
  --distpath "$DIST" --workpath "$WORK" packaging/lia_desktop.spec

APPDIR=$DIST/LIA_Desktop.AppDir
rm -rf "$APPDIR"
mkdir -p "$APPDIR/usr/lib" "$APPDIR/usr/bin" "$APPDIR/usr/share/applications" \
  "$APPDIR/usr/share/metainfo" "$APPDIR/usr/share/icons/hicolor/scalable/apps"
cp -a "$DIST/lia-desktop" "$APPDIR/usr/lib/lia-desktop"
ln -s ../lib/lia-desktop/lia-desktop "$APPDIR/usr/bin/lia-desktop"
cp resources/lia-desktop.desktop "$APPDIR/usr/share/applications/"
cp resources/com.lia.desktop.metainfo.xml "$APPDIR/usr/share/metainfo/"
cp resources/icons/lia-desktop.svg "$APPDIR/usr/share/icons/hicolor/scalable/apps/"
for png in resources/icons/lia-desktop-*.png; do
  size=${png##*-}; size=${size%.png}
  mkdir -p "$APPDIR/usr/share/icons/hicolor/${size}x${size}/apps"
  cp "$png" "$APPDIR/usr/share/icons/hicolor/${size}x${size}/apps/lia-desktop.png"
done
# AppDir top level, as appimagetool expects it.
cp resources/lia-desktop.desktop resources/icons/lia-desktop.svg "$APPDIR/"
cat > "$APPDIR/AppRun" <<'RUN'
#!/bin/sh
HERE=$(dirname "$(readlink -f "$0")")
exec "$HERE/usr/lib/lia-desktop/lia-desktop" "$@"
RUN
chmod +x "$APPDIR/AppRun"
cp packaging/linux/install.sh "$APPDIR/install.sh"

TARBALL=$DIST/lia-desktop-$VERSION-linux-$ARCH.tar.gz
tar -C "$DIST" -czf "$TARBALL" "$(basename "$APPDIR")"
echo "bundle:  $DIST/lia-desktop ($(du -sh "$DIST/lia-desktop" | cut -f1))"
echo "AppDir:  $APPDIR"
echo "tarball: $TARBALL ($(du -sh "$TARBALL" | cut -f1))"
