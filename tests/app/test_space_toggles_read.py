"""DesktopApp against the real devstack: Space in the notification center toggles read
(ui-guide), and taking a read back reaches the server and raises the badge."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from lia_desktop.ui.notification_center import NotificationCenter
from tests.app.conftest import AppFactory, Runner, insert_bookings, read_rows, until
from tests.app.test_sign_in_and_live import signed_in
from tests.fixtures import DevstackProcess

pytestmark = pytest.mark.devstack


def press_space_on(center: NotificationCenter, row: int) -> int:
    """Select the row and press Space, as the admin would; returns its notification id."""
    index = center.filter.index(row, 0)
    center.list.setCurrentIndex(index)
    QTest.keyClick(center.list, Qt.Key.Key_Space)
    return int(center.visible_notifications()[row].id)


def test_space_on_a_read_item_makes_it_unread_on_the_server_and_the_badge_goes_up(
    run: Runner, make_app: AppFactory, devstack: DevstackProcess
) -> None:
    admin = devstack.create_user(admin=True)

    async def scenario() -> None:
        app = await signed_in(make_app, devstack, admin)  # everything read on the server
        insert_bookings(devstack, 1)
        await until(lambda: app.tray.badge == "1")
        app.tray.notifications_requested.emit()
        center = app.center
        assert center is not None
        older = center.visible_notifications()[1]
        assert older.read
        assert older.id in read_rows(devstack, admin.id)

        assert press_space_on(center, 1) == older.id
        await until(lambda: app.tray.badge == "2")
        await until(lambda: older.id not in read_rows(devstack, admin.id))
        assert not center.visible_notifications()[1].read
        assert "— 2 unread" in app.tray.tray.toolTip()

        press_space_on(center, 1)  # and back: Space toggles
        await until(lambda: app.tray.badge == "1")
        await until(lambda: older.id in read_rows(devstack, admin.id))
        assert center.visible_notifications()[1].read
        await make_app.stop(app)

    run(scenario())
