#!/usr/bin/env bash
# Builds dist/LIA Desktop.app and, when a Developer ID identity is given, signs and notarises it.
# Usage: packaging/macos/build_macos.sh
#   env SIGN_IDENTITY="Developer ID Application: LIA (TEAMID)"  NOTARY_PROFILE=<notarytool keychain profile>
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd); cd "$ROOT"
VENV=${VENV:-$ROOT/.venv}
VERSION=$("$VENV/bin/python" -c 'import lia_desktop; print(lia_desktop.__version__)')
"$VENV/bin/pyinstaller" --noconfirm --clean packaging/lia_desktop.spec
APP="dist/LIA Desktop.app"
if [ -n "${SIGN_IDENTITY:-}" ]; then
  codesign --force --deep --options runtime --timestamp \
    --entitlements packaging/macos/entitlements.plist --sign "$SIGN_IDENTITY" "$APP"
  codesign --verify --strict --verbose=2 "$APP"
  ZIP="dist/lia-desktop-$VERSION-macos.zip"
  ditto -c -k --keepParent "$APP" "$ZIP"
  if [ -n "${NOTARY_PROFILE:-}" ]; then
    xcrun notarytool submit "$ZIP" --keychain-profile "$NOTARY_PROFILE" --wait
    xcrun stapler staple "$APP"
    ditto -c -k --keepParent "$APP" "$ZIP"
  fi
  echo "signed: $ZIP"
else
  echo "unsigned: $APP (notifications need a signed app: see packaging/README.md)"
fi
