"""Red team (issue 17): the center's "On duty: …" line never makes the window wider than a
screen. It listed every present admin on one unwrapped line, so a team of 15 with ordinary
full names ("Ana María Rodríguez Gómez") asked for a center ~3000 px wide on an 800 px
screen."""

from __future__ import annotations

import uuid

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from lia_desktop.core.models import ClaimBoard, ConnectionPhase, ConnectionState, Duty, DutyEntry
from lia_desktop.ui.app_state import AppState
from lia_desktop.ui.notification_center import NotificationCenter
from tests.ui.test_center_claims import FEED, ME, T0

TEAM_OF_15 = [f"Ana María Rodríguez Gómez {n}" for n in range(15)]


def test_a_big_teams_on_duty_line_fits_the_screen(qtbot: QtBot) -> None:
    names = TEAM_OF_15
    roster = {ME: DutyEntry(ME, "Laura", Duty.AVAILABLE, T0)}
    for n, name in enumerate(names):
        admin = uuid.UUID(int=1000 + n)
        roster[admin] = DutyEntry(admin, name, Duty.AVAILABLE, T0)
    state = AppState()
    state.signed_in_as("admin@lia.test")
    state.publish_feed(FEED, 4)
    state.publish_claims(ClaimBoard(ME, {}, roster))
    state.publish_connection(ConnectionState(ConnectionPhase.LIVE))  # who is on duty is known
    center = NotificationCenter(relative_time=lambda at: f"{at:%H:%M}", clock=lambda: T0)
    qtbot.addWidget(center)
    center.bind(state)
    center.show()
    assert names[0] in center.on_duty_line.text()  # the names are all there, whole
    screen = QApplication.primaryScreen().availableGeometry()
    assert center.minimumSizeHint().width() <= screen.width()
    assert center.width() <= screen.width()
