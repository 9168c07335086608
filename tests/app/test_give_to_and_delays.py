"""DesktopApp against the real devstack (issue 17): "Give to…" in the center hands the
dispute to another admin in the database, with its audit row, and the center says so in
its status line, row and history; a refusal is worded there too. A shorter reminder delay
saved in Settings makes an overdue claim remind at once, without signing in again."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from lia_desktop.app import DesktopApp
from lia_desktop.core.models import ClaimKey, Toast
from lia_desktop.ui.notification_center import CLAIM_ROLE, NotificationCenter
from tests.app.conftest import OFFSCREEN_RAISE, AppFactory, Runner, until
from tests.app.test_sign_in_and_live import signed_in
from tests.fixtures import DevstackProcess, DevstackUser
from tests.ui.conftest import OFFSCREEN_NOISE

pytestmark = pytest.mark.devstack
#: the offscreen platform cannot grab the keyboard for the Give to… popup
POPUP = pytest.mark.qt_log_ignore(
    OFFSCREEN_NOISE, OFFSCREEN_RAISE, r"This plugin does not support grabbing the keyboard"
)


def open_dispute(devstack: DevstackProcess) -> tuple[int, int]:
    """A new dispute on a seeded booking: (dispute id, its notification id)."""
    with psycopg.connect(devstack.db_url, autocommit=True) as db:
        row = db.execute(
            "insert into public.disputes (booking_id, opened_by, reason, priority)"
            " select b.id, b.customer_id, 'The plumber never came', 'high'"
            " from public.bookings b order by b.id limit 1 returning id"
        ).fetchone()
        assert row is not None
        notification = db.execute(
            "select id from public.admin_notifications"
            " where entity_table = 'disputes' and entity_id = %s",
            (str(row[0]),),
        ).fetchone()
    assert notification is not None
    return int(row[0]), int(notification[0])


def name_of(devstack: DevstackProcess, admin: DevstackUser) -> str:
    with psycopg.connect(devstack.db_url) as db:
        row = db.execute("select full_name from public.users where id = %s", (admin.id,)).fetchone()
    assert row is not None
    return str(row[0])


def on_duty(devstack: DevstackProcess, admin: DevstackUser) -> None:
    """``admin`` said Available (as admin_set_duty writes it), so the roster lists them."""
    with psycopg.connect(devstack.db_url, autocommit=True) as db:
        db.execute(
            "insert into public.admin_duty (admin_id, admin_name, status)"
            " select id, full_name, 'available' from public.users where id = %s",
            (admin.id,),
        )


def holder(devstack: DevstackProcess, dispute: int) -> str | None:
    with psycopg.connect(devstack.db_url) as db:
        row = db.execute(
            "select holder::text from public.admin_claims"
            " where item_type = 'disputes' and item_id = %s",
            (dispute,),
        ).fetchone()
    return None if row is None else row[0]


def audit(devstack: DevstackProcess, dispute: int) -> list[tuple[str, str, str | None]]:
    """The dispute's audit rows: action, who acted, who holds it after."""
    with psycopg.connect(devstack.db_url) as db:
        rows = db.execute(
            "select action, actor::text, after ->> 'holder' from public.admin_audit"
            " where target_type = 'disputes' and target_id = %s order by id",
            (dispute,),
        ).fetchall()
    return [(r[0], r[1], r[2]) for r in rows]


async def current_row(app: DesktopApp, notification_id: int) -> NotificationCenter:
    """The center open on ``notification_id``'s row, the list focused as the admin has it."""
    app.show_notifications()
    center = app.center
    assert center is not None
    await until(lambda: notification_id in [n.id for n in center.visible_notifications()])
    row = [n.id for n in center.visible_notifications()].index(notification_id)
    center.list.setCurrentIndex(center.filter.index(row, 0))
    center.list.setFocus()
    return center


def press(widget: object, key: Qt.Key, text: str = "") -> None:
    event = QKeyEvent(QEvent.Type.KeyPress, key, Qt.KeyboardModifier.NoModifier, text)
    QApplication.sendEvent(widget, event)  # type: ignore[arg-type]


async def give_with_the_keyboard(center: NotificationCenter, to_name: str) -> None:
    """G, arrows down to ``to_name``'s entry, Enter: as an admin does it without a mouse."""
    press(center.list, Qt.Key.Key_G, "g")
    await until(center.give_menu.isVisible)
    names = [action.text() for action in center.give_menu.actions()]
    assert to_name in names  # other tests' admins may be on the roster too
    for _ in range(names.index(to_name)):
        press(center.give_menu, Qt.Key.Key_Down)
    assert center.give_menu.activeAction().text() == to_name
    press(center.give_menu, Qt.Key.Key_Return)


@POPUP
def test_give_to_hands_the_dispute_over_in_the_database_and_says_so(
    run: Runner, make_app: AppFactory, devstack: DevstackProcess
) -> None:
    admin = devstack.create_user(admin=True)
    luis = devstack.create_user(admin=True)
    luis_name = name_of(devstack, luis)
    on_duty(devstack, luis)

    async def scenario() -> None:
        app = await signed_in(make_app, devstack, admin)
        await until(lambda: luis_name in [e.name for e in app.state.claims.duty.values()])
        dispute, notification_id = open_dispute(devstack)
        center = await current_row(app, notification_id)

        await give_with_the_keyboard(center, luis_name)
        await until(lambda: holder(devstack, dispute) == luis.id)
        assert audit(devstack, dispute) == [("reassign", admin.id, luis.id)]
        await until(lambda: center.claim_status.text() == f"{luis_name} has it · now")
        row = [n.id for n in center.visible_notifications()].index(notification_id)
        owner = center.filter.index(row, 0).data(CLAIM_ROLE)
        assert owner == f"Taken by {luis_name} · now"
        me = name_of(devstack, admin)
        await until(lambda: f"{me} gave it to {luis_name}" in center.history_label.text())
        await make_app.stop(app)

    run(scenario())


@POPUP
def test_a_refused_give_to_is_worded_in_the_status_line(
    run: Runner, make_app: AppFactory, devstack: DevstackProcess
) -> None:
    admin = devstack.create_user(admin=True)
    gone = devstack.create_user(admin=True)
    gone_name = name_of(devstack, gone)
    on_duty(devstack, gone)

    async def scenario() -> None:
        app = await signed_in(make_app, devstack, admin)
        await until(lambda: gone_name in [e.name for e in app.state.claims.duty.values()])
        dispute, notification_id = open_dispute(devstack)
        center = await current_row(app, notification_id)
        with psycopg.connect(devstack.db_url, autocommit=True) as db:  # no longer an admin
            db.execute(
                'update auth.users set raw_app_meta_data = \'{"role": "customer"}\' where id = %s',
                (gone.id,),
            )

        await give_with_the_keyboard(center, gone_name)
        wanted = f"Not given: {gone_name} is no longer an admin."
        await until(lambda: center.claim_status.text() == wanted)
        assert holder(devstack, dispute) is None
        assert audit(devstack, dispute) == []
        assert center.isVisible()  # no dialog took its place
        await make_app.stop(app)

    run(scenario())


def test_a_shorter_reminder_delay_in_settings_reminds_of_an_overdue_claim_at_once(
    run: Runner, make_app: AppFactory, devstack: DevstackProcess
) -> None:
    admin = devstack.create_user(admin=True)

    async def scenario() -> None:
        app = await signed_in(make_app, devstack, admin)
        toasts: list[Toast] = []
        app.state.toast_requested.connect(toasts.append)
        dispute, notification_id = open_dispute(devstack)
        await current_row(app, notification_id)
        # this admin claimed it 20 minutes ago: due a reminder at 30 (the default), not yet
        with psycopg.connect(devstack.db_url, autocommit=True) as db:
            db.execute(
                "insert into public.admin_claims (item_type, item_id, holder, holder_name, since)"
                " select 'disputes', %s, id, full_name, now() - interval '20 minutes'"
                " from public.users where id = %s",
                (dispute, admin.id),
            )
        key = ClaimKey("disputes", dispute)
        await until(lambda: key in app.state.claims.held)
        since = app.state.claims.held[key].since
        assert datetime.now(UTC) - since > timedelta(minutes=19)
        await asyncio.sleep(1.0)  # a reminder due now would be toasted by then
        assert not [t for t in toasts if t.title.startswith("Still yours")]

        app.show_settings()
        dialog = app.settings_dialog
        assert dialog is not None
        assert dialog.remind_after.value() == 30
        dialog.remind_after.setValue(15)
        dialog.save_button.click()
        await until(lambda: app.settings_dialog is None)
        assert app.settings is not None
        assert app.settings.follow_up().remind_after == timedelta(minutes=15)
        await until(lambda: [t for t in toasts if t.title.startswith("Still yours")])
        reminder = next(t for t in toasts if t.title.startswith("Still yours"))
        assert reminder.notification_ids == (notification_id,)
        await make_app.stop(app)

    run(scenario())
