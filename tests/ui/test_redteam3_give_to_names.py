"""Red team (issue 17): an admin's display name is shown in "Give to…" exactly as written.

QMenu reads ``&`` in an entry's text as a mnemonic marker: "R&D Ana" showed as "RD Ana"
with the D underlined, a screen reader heard "RD Ana", and pressing D in the open menu
handed the item to her at once. Names are plain text everywhere (core.text)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from lia_desktop.core.models import ClaimBoard, ClaimKey, Duty, DutyEntry
from lia_desktop.ui.app_state import AppState
from lia_desktop.ui.notification_center import NotificationCenter
from tests.ui.test_center_claims import FEED, ME, T0, go_to
from tests.ui.test_center_give_to import POPUP, _menu_items

RND = uuid.UUID("00000000-0000-4000-a000-0000000000ee")
TOM = uuid.UUID("00000000-0000-4000-a000-0000000000ef")
ROSTER = {
    ME: DutyEntry(ME, "Laura", Duty.AVAILABLE, T0),
    RND: DutyEntry(RND, "R&D Ana", Duty.AVAILABLE, T0),
    TOM: DutyEntry(TOM, "Tom && Jerry", Duty.AWAY, T0),
}


@pytest.fixture
def center(qtbot: QtBot) -> Iterator[NotificationCenter]:
    state = AppState()
    state.signed_in_as("admin@lia.test")
    state.publish_feed(FEED, 4)
    state.publish_claims(ClaimBoard(ME, {}, ROSTER))
    widget = NotificationCenter(relative_time=lambda at: f"{at:%H:%M}", clock=lambda: T0)
    qtbot.addWidget(widget)
    widget.bind(state)
    widget.show()
    widget.list.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget.list)
    yield widget
    widget.give_menu.close()


@POPUP
def test_names_with_ampersands_read_as_written_and_no_letter_gives_the_item_away(
    qtbot: QtBot, center: NotificationCenter
) -> None:
    given: list[tuple[ClaimKey, DutyEntry]] = []
    center.reassign_requested.connect(lambda key, to: given.append((key, to)))
    go_to(center, 4)  # an application nobody holds
    qtbot.keyClick(center.list, Qt.Key.Key_G)
    qtbot.waitUntil(center.give_menu.isVisible)
    menu = QAccessible.queryAccessibleInterface(center.give_menu)
    assert menu is not None
    names = [item.text(QAccessible.Text.Name) for item in _menu_items(menu)]
    assert names == ["R&D Ana", "Tom && Jerry · away"]
    qtbot.keyClick(center.give_menu, Qt.Key.Key_D)  # no mnemonic: D chooses nobody
    assert given == []
    qtbot.keyClick(center.give_menu, Qt.Key.Key_Return)  # Enter still gives it to the first
    assert given == [(ClaimKey("professionals", 40), ROSTER[RND])]
