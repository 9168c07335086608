"""DesktopApp against the real devstack, driven by the keyboard alone: the admin opens the
notification center from the tray and never touches the mouse. Every step is checked
against the database's read rows and the URLs the app hands to the desktop."""

from __future__ import annotations

import psycopg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from lia_desktop.app import DEFAULT_WEB_ADMIN_URL
from lia_desktop.core.models import NotificationType
from tests.app.conftest import AppFactory, Runner, insert_bookings, until
from tests.app.test_sign_in_and_live import signed_in
from tests.desktop.test_hostile_text import OpenedUrls
from tests.fixtures import DevstackProcess

pytestmark = pytest.mark.devstack

PLAIN = Qt.KeyboardModifier.NoModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier


def press(key: Qt.Key, modifier: Qt.KeyboardModifier = PLAIN) -> None:
    """A key pressed where the keyboard focus is."""
    focused = QApplication.focusWidget()
    assert focused is not None, "nothing has the keyboard focus"
    QTest.keyClick(focused, key, modifier)


def tab_to(target: QWidget, modifier: Qt.KeyboardModifier) -> None:
    """Tab (or Shift+Tab) until ``target`` has the focus, a bounded number of times."""
    for _ in range(12):
        if QApplication.focusWidget() is target:
            return
        press(Qt.Key.Key_Tab, modifier)
    raise AssertionError(f"Tab never reached {target}")


def open_disputes(devstack: DevstackProcess, count: int) -> None:
    """``count`` disputes on the newest bookings, each a ``dispute_opened`` notification."""
    with psycopg.connect(devstack.db_url, autocommit=True) as db:
        db.execute(
            "insert into public.disputes (booking_id, reason) "
            "select id, 'The professional did not come' from public.bookings "
            "order by id desc limit %s",
            (count,),
        )


def test_the_admin_works_through_the_center_with_the_keyboard_only(
    run: Runner, make_app: AppFactory, devstack: DevstackProcess
) -> None:
    admin = devstack.create_user(admin=True)
    browser = OpenedUrls()
    for scheme in ("http", "https"):
        QDesktopServices.setUrlHandler(scheme, browser, "open")

    async def scenario() -> None:
        app = await signed_in(make_app, devstack, admin)  # everything read on the server
        insert_bookings(devstack, 3)
        open_disputes(devstack, 2)
        await until(lambda: app.tray.badge == "5")
        disputes = sorted(devstack.unread_ids(admin.id))[3:]  # after the three bookings

        app.tray.notifications_requested.emit()  # the tray's left click
        center = app.center
        assert center is not None
        await until(lambda: QApplication.activeWindow() is center)
        assert QApplication.focusWidget() is center.list
        newest = center.visible_notifications()[center.list.currentIndex().row()]
        assert newest.id == disputes[-1]
        assert newest.type == NotificationType.DISPUTE_OPENED

        press(Qt.Key.Key_Return)  # opens the dispute in the web admin, and reads it
        await until(lambda: disputes[-1] not in devstack.unread_ids(admin.id))
        assert browser.urls == [f"{DEFAULT_WEB_ADMIN_URL}{newest.action_path}"]

        press(Qt.Key.Key_Down)
        press(Qt.Key.Key_Space)
        await until(lambda: disputes[0] not in devstack.unread_ids(admin.id))
        press(Qt.Key.Key_Space)  # and back: still to deal with
        await until(lambda: disputes[0] in devstack.unread_ids(admin.id))

        chip = center.chips[NotificationType.BOOKING_CREATED]
        tab_to(chip, SHIFT)
        press(Qt.Key.Key_Space)
        assert center.unread_label.text() == "3 unread of the chosen types"
        tab_to(center.list, PLAIN)
        press(Qt.Key.Key_A, ALT)  # "Mark all shown read": the bookings, not the dispute
        await until(lambda: devstack.unread_ids(admin.id) == {disputes[0]})
        await until(lambda: app.tray.badge == "1")

        tab_to(chip, SHIFT)
        press(Qt.Key.Key_Space)
        press(Qt.Key.Key_H, ALT)  # Hide read
        await until(lambda: [n.id for n in center.visible_notifications()] == [disputes[0]])
        press(Qt.Key.Key_Escape)
        assert not center.isVisible()
        await make_app.stop(app)

    try:
        run(scenario())
    finally:
        for scheme in ("http", "https"):
            QDesktopServices.unsetUrlHandler(scheme)
