"""Give to… in the center (issue 17): the button and G open a menu of the other admins on
the duty roster (on duty first, away and off duty marked), keyboard-driven like the rest
of the center; choosing one asks for the reassignment; the menu speaks to screen readers."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QAccessibleInterface
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from lia_desktop.core.models import ClaimBoard, ClaimKey, Duty, DutyEntry
from lia_desktop.ui.app_state import AppState
from lia_desktop.ui.notification_center import NotificationCenter
from tests.ui.conftest import OFFSCREEN_NOISE
from tests.ui.test_center_claims import ANA, ANAS, FEED, ME, MINE, T0, go_to

#: the offscreen platform's words for a popup menu's raise and keyboard grab (an item's own
#: mark: pytest-qt reads the closest one, so the conftest's noise is repeated)
POPUP = pytest.mark.qt_log_ignore(
    OFFSCREEN_NOISE, r"This plugin does not support (raise\(\)|grabbing the keyboard)"
)

LUIS = uuid.UUID("00000000-0000-4000-a000-0000000000cc")
PEDRO = uuid.UUID("00000000-0000-4000-a000-0000000000dd")
ROSTER = {
    ME: DutyEntry(ME, "Laura", Duty.AVAILABLE, T0),
    ANA: DutyEntry(ANA, "Ana", Duty.AWAY, T0),
    LUIS: DutyEntry(LUIS, "Luis", Duty.AVAILABLE, T0),
    PEDRO: DutyEntry(PEDRO, "Pedro", Duty.OFF_DUTY, T0),
}
BOARD = ClaimBoard(ME, {ANAS.key: ANAS, MINE.key: MINE}, ROSTER)
Given = tuple[ClaimKey, DutyEntry]


@pytest.fixture
def state() -> AppState:
    state = AppState()
    state.signed_in_as("admin@lia.test")
    state.publish_feed(FEED, 4)
    state.publish_claims(BOARD)
    return state


@pytest.fixture
def center(qtbot: QtBot, state: AppState) -> Iterator[NotificationCenter]:
    widget = NotificationCenter(relative_time=lambda at: f"{at:%H:%M}", clock=lambda: T0)
    qtbot.addWidget(widget)
    widget.bind(state)
    widget.show()
    widget.list.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget.list)
    yield widget
    widget.give_menu.close()


def entries(center: NotificationCenter) -> list[tuple[str, bool]]:
    return [(a.text(), a.isEnabled()) for a in center.give_menu.actions()]


def test_the_button_says_what_it_does_and_its_key(center: NotificationCenter) -> None:
    go_to(center, 2)
    assert center.give_button.text() == "Give to…"
    assert center.give_button.toolTip() == "Hand this item to another admin (G)"
    assert center.give_button.accessibleDescription() == center.give_button.toolTip()
    assert center.give_button.isEnabled()
    go_to(center, 1)  # a booking needs no owner: nobody to give it to
    assert not center.give_button.isEnabled()


@POPUP
def test_the_button_lists_the_other_admins_on_duty_first_and_marks_the_rest(
    qtbot: QtBot, center: NotificationCenter
) -> None:
    given: list[Given] = []
    center.reassign_requested.connect(lambda key, to: given.append((key, to)))
    go_to(center, 3)  # mine: the others are Luis (available), Ana (away), Pedro (off duty)
    center.give_button.click()
    qtbot.waitUntil(center.give_menu.isVisible)
    assert entries(center) == [("Luis", True), ("Ana · away", True), ("Pedro · off duty", True)]
    center.give_menu.actions()[2].trigger()
    assert given == [(MINE.key, ROSTER[PEDRO])]


@POPUP
def test_the_holder_is_not_offered_their_own_item(qtbot: QtBot, center: NotificationCenter) -> None:
    go_to(center, 2)  # Ana holds it: she is not offered, this admin never is
    center.give_button.click()
    qtbot.waitUntil(center.give_menu.isVisible)
    assert [text for text, _ in entries(center)] == ["Luis", "Pedro · off duty"]


@POPUP
def test_g_opens_the_menu_and_arrows_and_enter_choose(
    qtbot: QtBot, center: NotificationCenter
) -> None:
    given: list[Given] = []
    center.reassign_requested.connect(lambda key, to: given.append((key, to)))
    go_to(center, 4)  # an application nobody holds
    qtbot.keyClick(center.list, Qt.Key.Key_G)
    qtbot.waitUntil(center.give_menu.isVisible)
    assert center.give_menu.activeAction() is center.give_menu.actions()[0]  # Enter is ready
    qtbot.keyClick(center.give_menu, Qt.Key.Key_Down)
    qtbot.keyClick(center.give_menu, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not center.give_menu.isVisible())
    assert given == [(ClaimKey("professionals", 40), ROSTER[ANA])]


@POPUP
def test_g_on_an_item_without_an_owner_or_esc_gives_nothing(
    qtbot: QtBot, center: NotificationCenter
) -> None:
    given: list[Given] = []
    center.reassign_requested.connect(lambda key, to: given.append((key, to)))
    go_to(center, 1)  # a booking
    qtbot.keyClick(center.list, Qt.Key.Key_G)
    assert not center.give_menu.isVisible()
    go_to(center, 2)
    qtbot.keyClick(center.list, Qt.Key.Key_G)
    qtbot.waitUntil(center.give_menu.isVisible)
    qtbot.keyClick(center.give_menu, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not center.give_menu.isVisible())
    assert given == []


@POPUP
def test_the_menu_follows_the_roster_as_it_is_when_opened(
    qtbot: QtBot, state: AppState, center: NotificationCenter
) -> None:
    go_to(center, 4)
    state.publish_claims(ClaimBoard(ME, {}, {ME: ROSTER[ME]}))  # nobody else on the roster
    center.give_button.click()
    qtbot.waitUntil(center.give_menu.isVisible)
    assert entries(center) == [("No other admin on the team yet", False)]
    center.give_menu.close()
    back = {**ROSTER, LUIS: DutyEntry(LUIS, "Luis", Duty.AWAY, T0)}  # Luis stepped away, live
    state.publish_claims(ClaimBoard(ME, {}, back))
    center.give_button.click()
    qtbot.waitUntil(center.give_menu.isVisible)
    assert [text for text, _ in entries(center)] == [
        "Ana · away",
        "Luis · away",
        "Pedro · off duty",
    ]


def _menu_items(interface: QAccessibleInterface) -> Iterator[QAccessibleInterface]:
    for i in range(interface.childCount()):
        child = interface.child(i)
        if child is not None and child.isValid():
            if child.role() is QAccessible.Role.MenuItem:
                yield child
            yield from _menu_items(child)


@POPUP
def test_a_screen_reader_hears_the_menu_and_each_admin(
    qtbot: QtBot, center: NotificationCenter
) -> None:
    go_to(center, 3)
    qtbot.keyClick(center.list, Qt.Key.Key_G)
    qtbot.waitUntil(center.give_menu.isVisible)
    menu = QAccessible.queryAccessibleInterface(center.give_menu)
    assert menu is not None
    assert menu.text(QAccessible.Text.Name) == "Give to"
    assert "off-duty" in menu.text(QAccessible.Text.Description)
    names = [item.text(QAccessible.Text.Name) for item in _menu_items(menu)]
    assert names == ["Luis", "Ana · away", "Pedro · off duty"]
