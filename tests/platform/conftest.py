"""A private D-Bus daemon for the platform tests: it stands in for the system bus (logind's
sleep signals) and for the session bus (the screen lockers' signals)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

BUS_CONF = Path(__file__).resolve().parent.parent / "desktop" / "session-bus.conf"


@pytest.fixture
def private_bus() -> Iterator[str]:
    """A dbus-daemon of our own (no service activation), stopped by its PID."""
    if shutil.which("dbus-daemon") is None:
        pytest.skip("dbus-daemon is not installed")
    out = subprocess.run(
        [
            "dbus-daemon",
            f"--config-file={BUS_CONF}",
            "--fork",
            "--nopidfile",
            "--print-address=1",
            "--print-pid=1",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    address, pid = out[0], int(out[1])
    try:
        yield address
    finally:
        os.kill(pid, signal.SIGTERM)
