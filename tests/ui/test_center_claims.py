"""The center and claims (issue 17): who has an item, as painted and as spoken; Mine /
Unclaimed; Claim/Release by button and C; a taken item's answer in the status line."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from lia_desktop.core.models import (
    Claim,
    ClaimBoard,
    ClaimEvent,
    ClaimKey,
    Notification,
    NotificationType,
    Priority,
)
from lia_desktop.ui.app_state import AppState
from lia_desktop.ui.notification_center import CLAIM_ROLE, NotificationCenter

T0 = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
ME = uuid.UUID("00000000-0000-4000-a000-0000000000aa")
ANA = uuid.UUID("00000000-0000-4000-a000-0000000000bb")


def note(id_: int, kind: NotificationType, table: str, priority: Priority) -> Notification:
    return Notification(
        id=id_,
        type=kind,
        priority=priority,
        title=f"title {id_}",
        body=f"body {id_}",
        entity_table=table,
        entity_id=str(id_ * 10),
        action_path=f"/admin/{table}/{id_ * 10}",
        created_at=T0,
    )


FEED = [
    note(1, NotificationType.BOOKING_CREATED, "bookings", Priority.MEDIUM),
    note(2, NotificationType.DISPUTE_OPENED, "disputes", Priority.HIGH),
    note(3, NotificationType.REVIEW_CREATED, "reviews", Priority.HIGH),  # a low rating
    note(4, NotificationType.PROFESSIONAL_APPLIED, "professionals", Priority.MEDIUM),
]
ANAS = Claim(ClaimKey("disputes", 20), ANA, "Ana", T0 - timedelta(minutes=2))
MINE = Claim(ClaimKey("reviews", 30), ME, "Me", T0)
BOARD = ClaimBoard(ME, {ANAS.key: ANAS, MINE.key: MINE})


@pytest.fixture
def state() -> AppState:
    state = AppState()
    state.signed_in_as("admin@lia.test")
    state.publish_feed(FEED, 4)
    state.publish_claims(BOARD)
    return state


@pytest.fixture
def center(qtbot: QtBot, state: AppState) -> NotificationCenter:
    widget = NotificationCenter(relative_time=lambda at: f"{at:%H:%M}", clock=lambda: T0)
    qtbot.addWidget(widget)
    widget.bind(state)
    return widget


def row_of(center: NotificationCenter, notification_id: int) -> int:
    return [n.id for n in center.visible_notifications()].index(notification_id)


def owner(center: NotificationCenter, notification_id: int, role: int = CLAIM_ROLE) -> str:
    return str(center.filter.index(row_of(center, notification_id), 0).data(role))


def go_to(center: NotificationCenter, notification_id: int) -> None:
    center.list.setCurrentIndex(center.filter.index(row_of(center, notification_id), 0))


def test_rows_say_who_has_the_item_as_painted_and_as_spoken(
    state: AppState, center: NotificationCenter
) -> None:
    assert [owner(center, i) for i in (1, 2, 3, 4)] == ["", "Taken by Ana · 2 min", "You", ""]
    spoken = owner(center, 2, Qt.ItemDataRole.AccessibleTextRole)
    assert spoken == "Unread: New dispute, 12:00, Taken by Ana · 2 min"
    state.publish_claims(ClaimBoard(ME, {MINE.key: MINE}))  # Ana released, live
    assert owner(center, 2) == ""


def test_mine_and_unclaimed_show_only_those_and_exclude_each_other(
    state: AppState, center: NotificationCenter
) -> None:
    center.mine_button.click()
    assert [n.id for n in center.visible_notifications()] == [3]
    center.unclaimed_button.click()
    assert not center.mine_button.isChecked()
    assert [n.id for n in center.visible_notifications()] == [4]  # the booking needs no owner
    state.publish_claims(ClaimBoard(ME, {MINE.key: MINE}))  # the dispute is free again
    assert [n.id for n in center.visible_notifications()] == [4, 2]
    center.unclaimed_button.click()
    assert len(center.visible_notifications()) == 4


def test_c_and_the_button_claim_a_free_or_taken_item_and_release_ones_own(
    qtbot: QtBot, center: NotificationCenter
) -> None:
    claimed: list[ClaimKey] = []
    released: list[ClaimKey] = []
    center.claim_requested.connect(claimed.append)
    center.release_requested.connect(released.append)
    center.show()
    center.list.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is center.list)

    go_to(center, 2)  # Ana's: the server will answer who has it
    assert center.claim_button.text() == "Claim"
    qtbot.keyClick(center.list, Qt.Key.Key_C)
    go_to(center, 3)  # mine
    assert center.claim_button.text() == "Release"
    assert center.claim_button.toolTip().endswith("(C)")
    qtbot.keyClick(center.list, Qt.Key.Key_C)
    go_to(center, 4)
    center.claim_button.click()
    go_to(center, 1)  # a booking needs no owner
    assert not center.claim_button.isEnabled()
    qtbot.keyClick(center.list, Qt.Key.Key_C)

    assert claimed == [ClaimKey("disputes", 20), ClaimKey("professionals", 40)]
    assert released == [ClaimKey("reviews", 30)]


def test_a_taken_item_is_answered_in_the_status_line(
    state: AppState, center: NotificationCenter
) -> None:
    state.set_claim_notice("Ana has it · 2 min")
    assert center.claim_status.text() == "Ana has it · 2 min"
    state.sign_out()
    assert center.claim_status.text() == ""


def test_the_current_items_history_is_asked_for_and_shown(
    state: AppState, center: NotificationCenter
) -> None:
    asked: list[ClaimKey] = []
    center.history_requested.connect(asked.append)
    go_to(center, 2)
    go_to(center, 1)  # a booking: no history
    go_to(center, 2)
    assert asked == [ClaimKey("disputes", 20)] * 2
    at = datetime(2026, 11, 24, 10, 2).astimezone()  # local 10:02
    events = [ClaimEvent("claim", "Ana", "Ana", at)]
    center.show_history(ClaimKey("disputes", 30), events)  # an answer for an item left
    assert center.history_label.text() == ""
    center.show_history(ClaimKey("disputes", 20), events)
    assert center.history_label.text() == "Ana claimed 10:02"
    state.publish_claims(ClaimBoard(ME, {MINE.key: MINE}))  # Ana released: asked again
    assert asked == [ClaimKey("disputes", 20)] * 3
    assert center.history_label.text() == ""
