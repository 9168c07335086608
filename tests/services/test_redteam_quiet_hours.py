"""Red team (issue 14): quiet hours are the admin's wall-clock hours, not UTC's.

Settings store quiet hours as local times ("22:00-07:00" on the admin's clock) and
``ToastRules.in_quiet_hours`` reads ``now.time()``; the feed's decisions must therefore be
taken with a local ``now``. An admin in Bogotá (UTC-5) whose quiet hours begin at 22:00
must still get the toast of a dispute opened at 19:30 local (00:30 UTC).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from datetime import time as clock
from pathlib import Path

import pytest

from lia_desktop.core.attention import ToastRules
from lia_desktop.services import sync as sync_module
from lia_desktop.services.supervisor import ChangeEvent
from tests.services.test_sync import TableServer, make, row, told

#: 19:30 in Bogotá: two and a half hours before the admin's quiet hours begin
EVENING_IN_BOGOTA = datetime(2026, 12, 1, 0, 30, tzinfo=UTC)


@pytest.fixture
def bogota(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The machine's clock in Bogotá, at 19:30 local."""
    previous = os.environ.get("TZ")
    monkeypatch.setenv("TZ", "America/Bogota")
    time.tzset()
    monkeypatch.setattr(sync_module, "_now", lambda: EVENING_IN_BOGOTA)
    yield
    if previous is None:
        monkeypatch.delenv("TZ")
    else:
        monkeypatch.setenv("TZ", previous)
    time.tzset()


async def test_a_dispute_before_local_quiet_hours_toasts(tmp_path: Path, bogota: None) -> None:
    assert EVENING_IN_BOGOTA.astimezone().hour == 19
    server = TableServer()
    sync, recorder = make(
        tmp_path, server, rules=ToastRules(quiet_start=clock(22, 0), quiet_end=clock(7, 0))
    )
    await sync.catch_up()  # a project with no notification yet
    dispute = row(1) | {"type": "dispute_opened", "priority": "high"}
    sync.on_change(ChangeEvent("admin_notifications", "INSERT", dispute, {}, "2026-12-01T00:30Z"))
    await told()
    assert recorder.toasts == 1, "the dispute was silenced as if 19:30 were inside 22:00-07:00"
