"""Red team 3 (issue 17): one admin's name of a single 200-character word (no space for the
line to wrap at) made the center ~1550 px wide on an 800 px screen. Names are bounded as
they arrive (core.wire.MAX_ADMIN_NAME_CHARS), so the center fits, the name on duty and on
the row of the item that admin holds."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from lia_desktop.core import wire
from lia_desktop.core.models import ClaimBoard, ClaimKey, ConnectionPhase, ConnectionState
from lia_desktop.ui.app_state import AppState
from lia_desktop.ui.notification_center import NotificationCenter
from tests.ui.test_center_claims import FEED, ME, T0

LONG = "Ana" * 70


def test_a_long_admin_name_leaves_the_center_inside_the_screen(qtbot: QtBot) -> None:
    other = "00000000-0000-4000-8000-0000000000ee"
    entry = wire.parse_duty(
        {"admin": other, "admin_name": LONG, "status": "available", "since": T0.isoformat()}
    )
    held = wire.parse_claim(
        {
            "item_type": FEED[1].entity_table,
            "item_id": int(FEED[1].entity_id),
            "holder": other,
            "holder_name": LONG,
            "since": T0.isoformat(),
        }
    )
    state = AppState()
    state.signed_in_as("admin@lia.test")
    state.publish_connection(ConnectionState(ConnectionPhase.LIVE))
    state.publish_feed(FEED, 4)
    state.publish_claims(
        ClaimBoard(
            ME,
            {ClaimKey(held.key.item_type, held.key.item_id): held},
            {entry.admin: entry},
            present=frozenset({entry.admin}),
        )
    )
    center = NotificationCenter(relative_time=lambda at: f"{at:%H:%M}", clock=lambda: T0)
    qtbot.addWidget(center)
    center.bind(state)
    center.show()
    assert entry.name[:40] in center.on_duty_line.text()
    screen = QApplication.primaryScreen().availableGeometry()
    assert center.minimumSizeHint().width() <= screen.width()
    assert center.width() <= screen.width()
