"""Notification center: order, unread, filters, requests emitted, keyboard first, what a
screen reader hears on a row, and rows that stay put when live updates arrive."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from lia_desktop.core.models import Notification, NotificationType, Priority
from lia_desktop.ui.app_state import AppState
from lia_desktop.ui.notification_center import NotificationCenter

T0 = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def note(
    id_: int,
    kind: NotificationType = NotificationType.BOOKING_CREATED,
    read: bool = False,
    priority: Priority = Priority.MEDIUM,
) -> Notification:
    return Notification(
        id=id_,
        type=kind,
        priority=priority,
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


def opened(qtbot: QtBot, center: NotificationCenter) -> None:
    """Show the center as the tray's click does, and wait until it is the active window
    (keyboard shortcuts such as Alt+H only reach the active window)."""
    center.show()
    center.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is center)


def current_id(center: NotificationCenter) -> int:
    index = center.list.currentIndex()
    assert index.isValid()
    return int(center.visible_notifications()[index.row()].id)


def selected_ids(center: NotificationCenter) -> list[int]:
    indexes = center.list.selectionModel().selectedIndexes()
    return sorted(int(center.visible_notifications()[index.row()].id) for index in indexes)


def press(
    qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    """A key pressed where the keyboard focus is, as the admin's keyboard does."""
    focused = QApplication.focusWidget()
    assert focused is not None
    qtbot.keyClick(focused, key, modifier)


def test_newest_first_with_unread_count(center: NotificationCenter) -> None:
    assert ids(center) == [4, 3, 2, 1]
    assert center.unread_label.text() == "3 unread"


def test_live_update_inserts_on_top_and_keeps_the_current_row(
    center: NotificationCenter,
) -> None:
    center.list.setCurrentIndex(center.filter.index(2, 0))  # id 2
    center.set_notifications([*FEED, note(5), note(6)])
    assert ids(center) == [6, 5, 4, 3, 2, 1]
    assert current_id(center) == 2
    assert center.list.currentIndex().data(Qt.ItemDataRole.DisplayRole) == "New dispute"


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
    assert center.mark_all_button.text() == "Mark &all read"
    with qtbot.waitSignal(center.mark_all_read_requested, timeout=1000) as blocker:
        center.mark_all_button.click()
    assert blocker.args == [4]


def test_with_types_chosen_count_and_mark_all_read_cover_only_those_types(
    qtbot: QtBot, center: NotificationCenter
) -> None:
    center.set_notifications([*FEED, note(5, NotificationType.DISPUTE_OPENED, read=True)])
    center.chips[NotificationType.DISPUTE_OPENED].click()
    assert center.unread_label.text() == "1 unread of the chosen types"
    assert center.mark_all_button.text() == "Mark &all shown read"
    with (
        qtbot.assertNotEmitted(center.mark_all_read_requested),
        qtbot.waitSignal(center.mark_read_requested, timeout=1000) as blocker,
    ):
        center.mark_all_button.click()
    assert blocker.args == [[2]]  # not the bookings and review, and not the read dispute again
    center.chips[NotificationType.DISPUTE_OPENED].click()
    assert center.unread_label.text() == "3 unread"


def test_hide_read_shows_only_unread_and_keeps_the_history(center: NotificationCenter) -> None:
    center.hide_read_button.click()
    assert ids(center) == [4, 3, 2]
    center.set_notifications([replace(n, read=n.id != 3) for n in FEED])  # read elsewhere
    assert ids(center) == [3]
    center.hide_read_button.click()
    assert ids(center) == [4, 3, 2, 1]


def test_hide_read_with_everything_read_says_caught_up(center: NotificationCenter) -> None:
    center.set_notifications([replace(n, read=True) for n in FEED])
    center.hide_read_button.click()
    assert center.stack.currentWidget() is center.empty
    assert center.empty.text() == "You're all caught up."


def test_keyboard_arrows_enter_space(qtbot: QtBot, center: NotificationCenter) -> None:
    center.show()
    qtbot.waitExposed(center)
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


@pytest.mark.parametrize(
    ("feed", "first"),
    [
        (FEED, 4),
        ([note(1), note(2, read=True), note(3), note(4, read=True)], 3),
        ([replace(n, read=True) for n in FEED], 4),
    ],
    ids=["newest is unread", "newest unread below read ones", "all read: the newest"],
)
def test_opens_with_the_list_focused_on_the_newest_unread(
    qtbot: QtBot, center: NotificationCenter, feed: list[Notification], first: int
) -> None:
    center.set_notifications(feed)
    opened(qtbot, center)
    assert QApplication.focusWidget() is center.list
    assert current_id(center) == first
    assert selected_ids(center) == [first]


def test_reopening_goes_back_to_the_newest_unread(qtbot: QtBot, center: NotificationCenter) -> None:
    opened(qtbot, center)
    press(qtbot, Qt.Key.Key_End)
    assert current_id(center) == 1
    press(qtbot, Qt.Key.Key_Escape)
    assert not center.isVisible()
    opened(qtbot, center)
    assert current_id(center) == 4


def test_tab_reaches_the_chips_which_do_not_take_the_first_focus(
    qtbot: QtBot, center: NotificationCenter
) -> None:
    opened(qtbot, center)
    reached: list[QWidget | None] = []
    for _ in range(len(center.chips) + 1):
        press(qtbot, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
        reached.append(QApplication.focusWidget())
    assert reached == [center.hide_read_button, *reversed(center.chips.values())]
    press(qtbot, Qt.Key.Key_Space)  # on the first chip: Bookings
    assert ids(center) == [4, 1]
    press(qtbot, Qt.Key.Key_Tab)
    press(qtbot, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget() is center.chips[NotificationType.BOOKING_CREATED]


def test_every_advertised_key_is_in_the_footer(center: NotificationCenter) -> None:
    hint = center.keys_hint.text()
    for key in ("↑ ↓", "Home", "End", "Enter", "Space", "Ctrl+A", "Alt+H", "Alt+A", "Esc"):
        assert key in hint
    assert center.list.accessibleDescription() == hint
    assert center.hide_read_button.toolTip().endswith("(Alt+H)")
    assert center.mark_all_button.toolTip().endswith("(Alt+A)")
    assert center.mark_all_button.accessibleDescription() == center.mark_all_button.toolTip()


def test_space_on_a_selection_marks_it_read_then_all_of_it_unread(
    qtbot: QtBot, center: NotificationCenter
) -> None:
    opened(qtbot, center)
    press(qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    with qtbot.waitSignal(center.mark_read_requested, timeout=1000) as marked:
        press(qtbot, Qt.Key.Key_Space)
    assert sorted(marked.args[0]) == [2, 3, 4]  # the read one is not sent again
    center.set_notifications([replace(n, read=True) for n in FEED])
    with qtbot.waitSignal(center.mark_unread_requested, timeout=1000) as unmarked:
        press(qtbot, Qt.Key.Key_Space)
    assert sorted(unmarked.args[0]) == [1, 2, 3, 4]


def test_hide_read_on_a_row_just_read_moves_to_the_next_row(
    qtbot: QtBot, center: NotificationCenter
) -> None:
    opened(qtbot, center)
    press(qtbot, Qt.Key.Key_H, Qt.KeyboardModifier.AltModifier)  # the button's mnemonic
    qtbot.waitUntil(center.hide_read_button.isChecked)
    assert ids(center) == [4, 3, 2]
    press(qtbot, Qt.Key.Key_Down)
    center.set_notifications([replace(n, read=n.id in (1, 3)) for n in FEED])  # Space's echo
    assert ids(center) == [4, 2]
    assert current_id(center) == 2


def test_rows_tell_a_screen_reader_read_state_title_time_and_body(
    center: NotificationCenter,
) -> None:
    center.set_notifications(
        [*FEED, note(5, NotificationType.DISPUTE_ESCALATED, priority=Priority.URGENT)]
    )
    spoken = [
        (
            center.filter.index(row, 0).data(Qt.ItemDataRole.AccessibleTextRole),
            center.filter.index(row, 0).data(Qt.ItemDataRole.AccessibleDescriptionRole),
        )
        for row in range(center.filter.rowCount())
    ]
    # titles composed from type and priority (core.compose); no metadata: the server's body
    assert spoken == [
        ("Unread, urgent: Dispute escalated, 12:05", "body 5"),
        ("Unread: New booking, 12:04", "body 4"),
        ("Unread: New review, 12:03", "body 3"),
        ("Unread: New dispute, 12:02", "body 2"),
        ("Read: New booking, 12:01", "body 1"),
    ]


MANY = [note(i, read=i % 3 == 0) for i in range(1, 41)]


def test_new_items_on_top_leave_the_current_row_where_it_is_on_screen(
    qtbot: QtBot, center: NotificationCenter
) -> None:
    center.set_notifications(MANY)
    opened(qtbot, center)
    for _ in range(15):
        press(qtbot, Qt.Key.Key_Down)
    assert current_id(center) == 25
    bar = center.list.verticalScrollBar()
    assert bar.value() > 0  # scrolled: the row is not at the top of the list
    top = center.list.visualRect(center.list.currentIndex()).top()
    # Three new on top, the two oldest (read) evicted at the bottom.
    with qtbot.assertNotEmitted(center.model.modelReset):
        center.set_notifications([*MANY[2:], note(41), note(42), note(43)])
    assert ids(center)[:4] == [43, 42, 41, 40]
    assert current_id(center) == 25
    assert selected_ids(center) == [25]
    assert center.list.visualRect(center.list.currentIndex()).top() == top


def test_new_items_at_the_top_of_the_list_do_not_push_the_newest_down(
    qtbot: QtBot, center: NotificationCenter
) -> None:
    center.set_notifications(MANY)
    opened(qtbot, center)
    assert current_id(center) == 40
    assert center.list.visualRect(center.list.currentIndex()).top() == 0
    center.set_notifications([*MANY, note(41)])
    assert current_id(center) == 40
    assert center.list.visualRect(center.list.currentIndex()).top() == 0
    assert center.unread_label.text() == "28 unread"  # the new one is counted, a row up


class ReadState:
    """The services' side of the center, as the app wires it: a request changes the read
    state, and the new feed comes back through AppState (the center never edits its list)."""

    def __init__(self, state: AppState, feed: list[Notification]) -> None:
        self._state = state
        self.items = {n.id: n for n in feed}
        self.opened: list[int] = []

    def serve(self, center: NotificationCenter) -> None:
        center.mark_read_requested.connect(lambda ids: self._set(ids, read=True))
        center.mark_unread_requested.connect(lambda ids: self._set(ids, read=False))
        center.mark_all_read_requested.connect(
            lambda up_to: self._set([i for i in self.items if i <= up_to], read=True)
        )
        center.open_requested.connect(self._open)
        self._publish()

    def read_ids(self) -> list[int]:
        return sorted(i for i, n in self.items.items() if n.read)

    def _open(self, notification: Notification) -> None:
        self.opened.append(notification.id)  # the app opens its link, then marks it read
        self._set([notification.id], read=True)

    def _set(self, ids: list[int], *, read: bool) -> None:
        for i in ids:
            self.items[i] = replace(self.items[i], read=read)
        self._publish()

    def _publish(self) -> None:
        items = list(self.items.values())
        self._state.publish_feed(items, sum(not n.read for n in items))


def focus_on(qtbot: QtBot, target: QWidget, key: Qt.Key, modifier: Qt.KeyboardModifier) -> None:
    """Press Tab (or Shift+Tab) until ``target`` has the focus, as the admin would."""
    for _ in range(12):
        if QApplication.focusWidget() is target:
            return
        press(qtbot, key, modifier)
    raise AssertionError(f"{target} is not reachable with {key} {modifier}")


def test_a_keyboard_only_walk_through_the_center(qtbot: QtBot) -> None:
    kinds = NotificationType
    state = AppState()
    state.signed_in_as("admin@lia.test")
    server = ReadState(
        state,
        [
            note(1, read=True),
            note(2, kinds.DISPUTE_OPENED),
            note(3, kinds.REVIEW_CREATED),
            note(4),
            note(5, kinds.DISPUTE_OPENED),
            note(6, kinds.USER_SIGNED_UP, read=True),
            note(7),
        ],
    )
    center = NotificationCenter(relative_time=lambda at: f"{at:%H:%M}")
    qtbot.addWidget(center)
    center.bind(state)
    server.serve(center)
    tab, back = Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier
    plain = Qt.KeyboardModifier.NoModifier

    opened(qtbot, center)
    assert current_id(center) == 7
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Space)  # a read sign-up back to unread
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Space)  # the dispute read
    assert server.read_ids() == [1, 5]
    assert current_id(center) == 5
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Return)
    assert server.opened == [4]
    assert server.read_ids() == [1, 4, 5]
    press(qtbot, Qt.Key.Key_End)
    assert current_id(center) == 1
    press(qtbot, Qt.Key.Key_Home)
    assert current_id(center) == 7

    disputes = center.chips[kinds.DISPUTE_OPENED]
    focus_on(qtbot, disputes, tab, back)
    press(qtbot, Qt.Key.Key_Space)
    assert ids(center) == [5, 2]
    assert center.unread_label.text() == "1 unread of the chosen types"
    focus_on(qtbot, center.list, tab, plain)
    press(qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)  # Mark all shown read
    qtbot.waitUntil(lambda: server.read_ids() == [1, 2, 4, 5])  # only the disputes
    focus_on(qtbot, disputes, tab, back)
    press(qtbot, Qt.Key.Key_Space)
    assert center.unread_label.text() == "3 unread"

    press(qtbot, Qt.Key.Key_H, Qt.KeyboardModifier.AltModifier)  # Hide read
    qtbot.waitUntil(lambda: ids(center) == [7, 6, 3])
    focus_on(qtbot, center.list, tab, plain)
    press(qtbot, Qt.Key.Key_Escape)
    assert not center.isVisible()
