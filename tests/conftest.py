"""Root test configuration: headless Qt unless a desktop run says otherwise."""

import os

pytest_plugins = ["tests.fixtures", "tests.logfail"]

# Must happen before any QApplication exists; tests/desktop/run.sh sets xcb.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
