"""On duty (issue 17): Available / Away / Off duty in the tray menu, as the server has it,
and who is on duty now in the stats window."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from pytestqt.qtbot import QtBot

from lia_desktop.core.models import ClaimBoard, ConnectionPhase, ConnectionState, Duty, DutyEntry
from lia_desktop.ui.app_state import AppState
from lia_desktop.ui.stats_window import CoreStatsFormat, StatsWindow
from lia_desktop.ui.tray_icon import TrayController

T0 = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
ME = uuid.UUID("00000000-0000-4000-a000-0000000000aa")
ANA = uuid.UUID("00000000-0000-4000-a000-0000000000bb")
DIEGO = uuid.UUID("00000000-0000-4000-a000-0000000000cc")


def team(mine: Duty) -> ClaimBoard:
    return ClaimBoard(
        ME,
        duty={
            ME: DutyEntry(ME, "Laura", mine, T0),
            ANA: DutyEntry(ANA, "Ana", Duty.AVAILABLE, T0),
            DIEGO: DutyEntry(DIEGO, "Diego", Duty.AWAY, T0),
        },
    )


@pytest.fixture
def state() -> AppState:
    state = AppState()
    state.signed_in_as("admin@lia.test")
    return state


@pytest.fixture
def controller(state: AppState) -> Iterator[TrayController]:
    tray = TrayController(tray_available=lambda: True, dark_panel=False)
    tray.bind(state, lambda: 0.0)
    yield tray
    tray.dispose()


def ticked(controller: TrayController) -> list[Duty]:
    return [duty for duty, action in controller.menu.duty_actions.items() if action.isChecked()]


def test_the_tray_menu_sets_duty_and_ticks_the_servers(
    qtbot: QtBot, state: AppState, controller: TrayController
) -> None:
    assert controller.menu.duty_menu.menuAction().isVisible()
    assert ticked(controller) == []  # never set: nothing ticked
    with qtbot.waitSignal(controller.duty_requested, timeout=1000) as asked:
        controller.menu.duty_actions[Duty.AWAY].trigger()
    assert asked.args == [Duty.AWAY]
    state.publish_claims(team(Duty.OFF_DUTY))  # the server's answer decides the tick
    assert ticked(controller) == [Duty.OFF_DUTY]
    state.sign_out()
    assert not controller.menu.duty_menu.menuAction().isVisible()
    assert ticked(controller) == []


def test_the_stats_window_names_who_is_on_duty(qtbot: QtBot, state: AppState) -> None:
    window = StatsWindow(CoreStatsFormat())
    qtbot.addWidget(window)
    window.bind(state)
    state.publish_connection(ConnectionState(ConnectionPhase.LIVE))
    assert window.activity.on_duty.text() == "Nobody"
    state.publish_claims(team(Duty.AVAILABLE))
    assert window.activity.on_duty.text() == "Ana, Diego (away), Laura"  # presence unknown
    assert window.activity.on_duty.accessibleName() == "On duty now: Ana, Diego (away), Laura"
    state.sign_out()
    assert window.activity.on_duty.text() == "Not known while not connected"
