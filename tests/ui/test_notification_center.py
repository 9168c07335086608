"""Notification center: order, unread, filters, requests emitted, keyboard."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from pytestqt.qtbot import QtBot

from lia_desktop.core.models import Notification, NotificationType, Priority
from lia_desktop.ui.notification_center import NotificationCenter

T0 = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def note(
    id_: int, kind: NotificationType = NotificationType.BOOKING_CREATED, read: bool = False
) -> Notification:
    return Notification(
        id=id_,
        type=kind,
        priority=Priority.MEDIUM,
        title=f"title {id_}",
        body=f"body {id_}",
        entity_table="bookings",
        entity_id=str(id_),
        action_path=f"/admin/bookings/{id_}",
        created_at=T0 + timedelta(minutes=id_),
        read=read,
    )


FEED = [
    note(1, read=True),
    note(2, NotificationType.DISPUTE_OPENED),
    note(3, NotificationType.REVIEW_CREATED),
    note(4),
]


@pytest.fixture
def center(qtbot: QtBot) -> NotificationCenter:
    widget = NotificationCenter(relative_time=lambda at: f"{at:%H:%M}")
    qtbot.addWidget(widget)
    widget.set_notifications(FEED)
    return widget


def ids(center: NotificationCenter) -> list[int]:
    return [n.id for n in center.visible_notifications()]


def test_newest_first_with_unread_count(center: NotificationCenter) -> None:
    assert ids(center) == [4, 3, 2, 1]
    assert center.unread_label.text() == "3 unread"


def test_live_update_inserts_on_top_and_keeps_the_current_row(
    center: NotificationCenter,
) -> None:
    center.list.setCurrentIndex(center.filter.index(2, 0))  # id 2
    center.set_notifications([*FEED, note(5), note(6)])
    assert ids(center) == [6, 5, 4, 3, 2, 1]
    assert center.list.currentIndex().data(Qt.ItemDataRole.DisplayRole) == "title 2"


def test_read_state_change_is_shown(center: NotificationCenter) -> None:
    center.set_notifications([replace(n, read=True) for n in FEED])
    assert center.unread_label.text() == ""
    assert not center.mark_all_button.isEnabled()
    assert all(n.read for n in center.visible_notifications())


def test_filter_chips_by_type(center: NotificationCenter) -> None:
    center.chips[NotificationType.DISPUTE_OPENED].click()
    assert ids(center) == [2]
    center.chips[NotificationType.REVIEW_CREATED].click()
    assert ids(center) == [3, 2]
    center.chips[NotificationType.DISPUTE_OPENED].click()
    center.chips[NotificationType.REVIEW_CREATED].click()
    assert ids(center) == [4, 3, 2, 1]


def test_filter_with_no_match_shows_the_empty_state(center: NotificationCenter) -> None:
    center.chips[NotificationType.USER_SIGNED_UP].click()
    assert center.stack.currentWidget() is center.empty


def test_mark_read_emits_selected_unread_ids(qtbot: QtBot, center: NotificationCenter) -> None:
    selection = center.list.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select
    for row in (0, 3):  # id 4 unread, id 1 already read
        selection.select(center.filter.index(row, 0), flags)
    with qtbot.waitSignal(center.mark_read_requested, timeout=1000) as blocker:
        center.mark_read_button.click()
    assert blocker.args == [[4]]


def test_mark_all_read_up_to_the_newest_id(qtbot: QtBot, center: NotificationCenter) -> None:
    center.chips[NotificationType.DISPUTE_OPENED].click()  # a filter does not narrow "all"
    with qtbot.waitSignal(center.mark_all_read_requested, timeout=1000) as blocker:
        center.mark_all_button.click()
    assert blocker.args == [4]


def test_clear_is_a_request(qtbot: QtBot, center: NotificationCenter) -> None:
    with qtbot.waitSignal(center.clear_requested, timeout=1000):
        center.clear_button.click()
    assert ids(center) == [4, 3, 2, 1]  # the list changes only when the feed does


def test_keyboard_arrows_enter_space(qtbot: QtBot, center: NotificationCenter) -> None:
    center.show()
    qtbot.waitExposed(center)
    center.list.setFocus()
    assert center.list.currentIndex().row() == 0
    qtbot.keyClick(center.list, Qt.Key.Key_Down)
    qtbot.keyClick(center.list, Qt.Key.Key_Down)
    with qtbot.waitSignal(center.open_requested, timeout=1000) as opened:
        qtbot.keyClick(center.list, Qt.Key.Key_Return)
    assert opened.args[0].id == 2
    with qtbot.waitSignal(center.mark_read_requested, timeout=1000) as marked:
        qtbot.keyClick(center.list, Qt.Key.Key_Space)
    assert marked.args == [[2]]
    qtbot.keyClick(center.list, Qt.Key.Key_Down)  # id 1 is read: Space asks for unread
    with qtbot.waitSignal(center.mark_unread_requested, timeout=1000) as unmarked:
        qtbot.keyClick(center.list, Qt.Key.Key_Space)
    assert unmarked.args == [[1]]


def test_relative_time_refresh_runs_only_while_visible(
    qtbot: QtBot, center: NotificationCenter
) -> None:
    center.show()
    qtbot.waitExposed(center)
    assert center.relative_time_clock.isActive()
    center.hide()
    assert not center.relative_time_clock.isActive()


def test_signed_out_the_center_holds_nothing_and_says_why(center: NotificationCenter) -> None:
    center.show_signed_out()
    assert center.visible_notifications() == []
    assert center.stack.currentWidget() is center.empty
    assert center.empty.text() == "Signed out. Sign in to see notifications."
    assert not center.mark_all_button.isEnabled()
    center.set_notifications(FEED)
    assert len(center.visible_notifications()) == len(FEED)
    center.set_notifications([])
    assert center.empty.text() == "You're all caught up."
