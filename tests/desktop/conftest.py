"""Tests of the app on a real desktop: they run inside ``tests/desktop/run.sh`` (Xvfb, private
session bus, gnome-keyring, SNI tray host, dunst) and skip themselves anywhere else. They reuse
the app tests' fixtures (private dirs, qasync loop, app factory, leak checks)."""

from __future__ import annotations

import os

import pytest

from tests.app.conftest import (  # noqa: F401 (fixtures, found by pytest through this module)
    _fail_on_active_timers,
    _fail_on_leaked_widgets,
    aloop,
    make_app,
    private_dirs,
    run,
    settings_store,
)

ON_PRIVATE_DESKTOP = (
    os.environ.get("LIA_DESKTOP_SESSION") == "1" and os.environ.get("QT_QPA_PLATFORM") == "xcb"
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = os.path.dirname(__file__)
    skip = pytest.mark.skipif(
        not ON_PRIVATE_DESKTOP, reason="needs the private desktop of tests/desktop/run.sh"
    )
    for item in items:
        if str(item.path).startswith(here):
            item.add_marker(pytest.mark.desktop)
            item.add_marker(skip)
