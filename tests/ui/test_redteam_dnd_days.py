"""Red team (issue 14): the tray says until when do-not-disturb lasts, day included.

"Do not disturb until tomorrow 8:00" chosen at 00:30 ends at 08:00 the day after the coming
one (app.py: now + 1 day at 8:00), 31.5 hours away, and a do-not-disturb set in Settings can
end days ahead; the tooltip and the menu gave only "until 08:00" in every case. An admin
reading "until 08:00" at 09:00 cannot tell that the whole day's disputes stay silent.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from lia_desktop.ui.app_state import AppState
from lia_desktop.ui.tray_icon import TrayController


@pytest.fixture
def bound() -> Iterator[tuple[TrayController, AppState]]:
    tray = TrayController(tray_available=lambda: True, dark_panel=False)
    state = AppState()
    state.signed_in_as("admin@lia.test")
    tray.bind(state, time.monotonic)
    yield tray, state
    state.dispose()
    tray.dispose()


def tooltip_for(bound: tuple[TrayController, AppState], until: datetime) -> str:
    tray, state = bound
    state.set_dnd_until(until)
    return tray.tray.toolTip()


def test_a_do_not_disturb_ending_on_another_day_names_the_day(
    bound: tuple[TrayController, AppState],
) -> None:
    soon = datetime.now().astimezone() + timedelta(minutes=30)
    two_days_later = soon + timedelta(days=2)
    assert "Do not disturb until" in tooltip_for(bound, soon)
    assert tooltip_for(bound, two_days_later) != tooltip_for(bound, soon), (
        "an end two days away reads like one in 30 minutes"
    )
