"""Who is on duty now (issue 17) in the stats window and the notification center: the
roster's duty kept to the admins connected to the admins' presence channel."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from pytestqt.qtbot import QtBot

from lia_desktop.core.models import (
    ClaimBoard,
    ConnectionPhase,
    ConnectionState,
    Duty,
    DutyEntry,
)
from lia_desktop.ui.app_state import AppState
from lia_desktop.ui.notification_center import NotificationCenter
from lia_desktop.ui.stats_window import CoreStatsFormat, StatsWindow

T0 = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
ME, ANA, LUIS = (uuid.UUID(int=n) for n in (1, 2, 3))
TEAM = ClaimBoard(
    ME,
    duty={
        ME: DutyEntry(ME, "Laura", Duty.OFF_DUTY, T0),
        ANA: DutyEntry(ANA, "Ana", Duty.AVAILABLE, T0),
        LUIS: DutyEntry(LUIS, "Luis", Duty.AWAY, T0),
    },
    present=frozenset({ME, ANA, LUIS}),
)


@pytest.fixture
def state() -> AppState:
    state = AppState()
    state.signed_in_as("admin@lia.test")
    state.publish_connection(ConnectionState(ConnectionPhase.LIVE))
    return state


def test_both_windows_name_the_present_admins_on_duty_and_follow_changes(
    qtbot: QtBot, state: AppState
) -> None:
    stats = StatsWindow(CoreStatsFormat())
    center = NotificationCenter(relative_time=lambda at: f"{at:%H:%M}", clock=lambda: T0)
    qtbot.addWidget(stats)
    qtbot.addWidget(center)
    stats.bind(state)
    center.bind(state)
    assert center.on_duty_line.text() == "Nobody is on duty"

    with qtbot.waitSignal(state.on_duty_changed, timeout=1000):
        state.publish_claims(TEAM)
    assert stats.activity.on_duty.text() == "Ana, Luis (away)"
    assert center.on_duty_line.text() == "On duty: Ana, Luis (away)"

    state.publish_claims(replace(TEAM, present=frozenset({ME, LUIS})))  # Ana's app went away
    assert stats.activity.on_duty.text() == "Luis (away)"
    assert center.on_duty_line.text() == "On duty: Luis (away)"

    ana_off = {**TEAM.duty, ANA: DutyEntry(ANA, "Ana", Duty.OFF_DUTY, T0)}
    with (  # a new board, the same people: no new on-duty signal
        qtbot.assertNotEmitted(state.on_duty_changed),
        qtbot.waitSignal(state.claims_changed, timeout=1000),
    ):
        state.publish_claims(replace(TEAM, present=frozenset({ME, LUIS}), duty=ana_off))
    state.publish_claims(replace(TEAM, present=frozenset({ME})))
    assert stats.activity.on_duty.text() == "Nobody"
    assert center.on_duty_line.text() == "Nobody is on duty"


def test_the_center_has_no_duty_line_while_signed_out(qtbot: QtBot, state: AppState) -> None:
    center = NotificationCenter(relative_time=lambda at: f"{at:%H:%M}", clock=lambda: T0)
    qtbot.addWidget(center)
    center.bind(state)
    center.show()
    state.publish_claims(TEAM)
    assert center.on_duty_line.isVisible()
    state.sign_out()
    assert not center.on_duty_line.isVisible()
    assert state.on_duty is None


def test_offline_the_windows_say_who_is_on_duty_is_not_known(qtbot: QtBot, state: AppState) -> None:
    """The presence last seen cannot tell who left while this app was offline."""
    stats = StatsWindow(CoreStatsFormat())
    center = NotificationCenter(relative_time=lambda at: f"{at:%H:%M}", clock=lambda: T0)
    qtbot.addWidget(stats)
    qtbot.addWidget(center)
    stats.bind(state)
    center.bind(state)
    state.publish_claims(TEAM)
    assert center.on_duty_line.text() == "On duty: Ana, Luis (away)"
    state.publish_connection(ConnectionState(ConnectionPhase.RECONNECTING, attempt=1))
    assert center.on_duty_line.text() == "On duty: not known while not connected"
    assert stats.activity.on_duty.text() == "Not known while not connected"
    state.publish_connection(ConnectionState(ConnectionPhase.LIVE))
    assert stats.activity.on_duty.text() == "Ana, Luis (away)"
