"""Away while the screen is locked (issue 17) on a real desktop: the test is the screen locker.

It owns ``org.freedesktop.ScreenSaver`` on the desktop's session bus (tests/desktop/run.sh)
and says ``ActiveChanged(true)``: within a second the admin's row in ``public.admin_duty`` is
'away' and the tray menu ticks Away; ``ActiveChanged(false)`` makes the row 'available' again
and a quiet toast in dunst says when the admin was away. An admin who picks Off duty while
locked (from another device: a second session of theirs calls ``admin_set_duty``) stays off
duty after the unlock, with no toast. Sleep likewise, from logind's ``PrepareForSleep`` (a
stand-in logind on a private bus): the Away is in the database before the app lets the
computer sleep (it holds logind's delay lock until then). The SQL row is the truth each step
is checked against.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import AsyncIterator
from typing import Any

import psycopg
import pytest
from dbus_fast import Message
from dbus_fast.aio import MessageBus

from lia_desktop.app import DesktopApp
from lia_desktop.core.models import Duty
from lia_desktop.services.auth import AuthSession
from lia_desktop.services.away import LOCK_GRACE
from tests.app.conftest import AppFactory, Runner, until
from tests.app.test_sign_in_and_live import signed_in
from tests.desktop.demo import dunst_history, dunstctl, new_toasts
from tests.desktop.test_sleep_and_clock import logind_bus  # noqa: F401 (fixture)
from tests.desktop.test_tray_and_toasts import wait_for
from tests.fixtures import DevstackProcess, DevstackUser
from tests.platform.test_sleep_delay import logind_on, prepare_for_sleep

pytestmark = pytest.mark.devstack  # desktop + skip elsewhere: tests/desktop/conftest.py

#: the bound the test holds the app to: the team sees the admin Away within a second of
#: the lock's grace (a shorter lock changes nothing the team sees)
AWAY_WITHIN_S = LOCK_GRACE + 1.0
#: after an unlock that must change nothing, how long to watch for a change
SETTLE_S = 2.0
LOCKER = "org.freedesktop.ScreenSaver"
LOCKER_PATH = "/org/freedesktop/ScreenSaver"
BACK_TITLE = "You are Available again"


def duty_row(devstack: DevstackProcess, admin: DevstackUser) -> str | None:
    """The admin's ``admin_duty.status`` in the database; None before they set one."""
    with psycopg.connect(devstack.db_url) as db:
        row = db.execute(
            "select status from public.admin_duty where admin_id = %s", (admin.id,)
        ).fetchone()
    return None if row is None else str(row[0])


class ScreenLocker:
    """The desktop's screen locker, as far as the app can tell: the owner of its bus name."""

    def __init__(self, bus: MessageBus) -> None:
        self._bus = bus

    async def active_changed(self, locked: bool) -> None:
        await self._bus.send(
            Message.new_signal(LOCKER_PATH, LOCKER, "ActiveChanged", "b", [locked])
        )


@contextlib.asynccontextmanager
async def screen_locker() -> AsyncIterator[ScreenLocker]:
    bus = await MessageBus(bus_address=os.environ["DBUS_SESSION_BUS_ADDRESS"]).connect()
    try:
        await bus.request_name(LOCKER)
        yield ScreenLocker(bus)
    finally:
        bus.disconnect()


async def row_becomes(devstack: DevstackProcess, admin: DevstackUser, status: str) -> float:
    """Seconds until the admin's row reads ``status`` (polled every 20 ms)."""
    start = time.monotonic()
    async with asyncio.timeout(10.0):
        while await asyncio.to_thread(duty_row, devstack, admin) != status:  # noqa: ASYNC110
            await asyncio.sleep(0.02)
    return time.monotonic() - start


async def toasts_titled(title: str, before: set[int]) -> list[dict[str, Any]]:
    toasts = await asyncio.to_thread(new_toasts, before)
    return [t for t in toasts if t["summary"]["data"] == title]


def ticked(app: DesktopApp) -> Duty | None:
    """The duty the tray menu ticks."""
    ticks = [duty for duty, action in app.tray.menu.duty_actions.items() if action.isChecked()]
    assert len(ticks) <= 1
    return ticks[0] if ticks else None


async def available(app: DesktopApp, devstack: DevstackProcess, admin: DevstackUser) -> None:
    """The admin picks Available from the tray menu."""
    app.tray.menu.duty_actions[Duty.AVAILABLE].trigger()
    await row_becomes(devstack, admin, "available")
    await until(lambda: ticked(app) is Duty.AVAILABLE)


def test_locking_sets_away_within_a_second_and_unlocking_sets_available_with_a_toast(
    run: Runner, make_app: AppFactory, devstack: DevstackProcess
) -> None:
    admin = devstack.create_user(admin=True)

    async def scenario() -> None:
        app = await signed_in(make_app, devstack, admin)
        await until(lambda: app._screen_lock._bus is not None)  # subscribed on the session bus
        await available(app, devstack, admin)
        await asyncio.to_thread(dunstctl, "close-all")
        before = {e["id"]["data"] for e in await asyncio.to_thread(dunst_history)}
        async with screen_locker() as locker:
            await locker.active_changed(True)  # a glance away: shorter than the grace
            await asyncio.sleep(LOCK_GRACE / 5)
            await locker.active_changed(False)
            await asyncio.sleep(LOCK_GRACE)
            assert await asyncio.to_thread(duty_row, devstack, admin) == "available"
            assert ticked(app) is Duty.AVAILABLE

            await locker.active_changed(True)
            took = await row_becomes(devstack, admin, "away")
            print(f"admin_duty 'away' {took * 1000:.0f} ms after ActiveChanged(true)")
            assert LOCK_GRACE - 0.5 <= took < AWAY_WITHIN_S  # timed from after the signal went
            await until(lambda: ticked(app) is Duty.AWAY)

            await locker.active_changed(False)
            took = await row_becomes(devstack, admin, "available")
            print(f"admin_duty 'available' {took * 1000:.0f} ms after ActiveChanged(false)")
            await until(lambda: ticked(app) is Duty.AVAILABLE)
            toasts = await wait_for(lambda: toasts_titled(BACK_TITLE, before))
            body = str(toasts[0]["body"]["data"])
            assert body.startswith("You were Away while your screen was locked, ")
        await make_app.stop(app)

    run(scenario(), timeout=120)


def test_off_duty_picked_on_another_device_while_locked_is_not_flipped_back(
    run: Runner, make_app: AppFactory, devstack: DevstackProcess
) -> None:
    admin = devstack.create_user(admin=True)

    async def scenario() -> None:
        app = await signed_in(make_app, devstack, admin)
        await until(lambda: app._screen_lock._bus is not None)
        await available(app, devstack, admin)
        await asyncio.to_thread(dunstctl, "close-all")
        before = {e["id"]["data"] for e in await asyncio.to_thread(dunst_history)}
        async with screen_locker() as locker:
            await locker.active_changed(True)
            await row_becomes(devstack, admin, "away")
            phone = await AuthSession.open(devstack.api_url, devstack.anon_key, persist=False)
            try:
                await phone.sign_in(admin.email, admin.password)
                await phone.api.set_duty("off_duty")
            finally:
                await phone.close()
            await until(lambda: ticked(app) is Duty.OFF_DUTY)  # the roster the app holds

            await locker.active_changed(False)
            await asyncio.sleep(SETTLE_S)
            assert await asyncio.to_thread(duty_row, devstack, admin) == "off_duty"
            assert ticked(app) is Duty.OFF_DUTY
            assert await toasts_titled(BACK_TITLE, before) == []
        await make_app.stop(app)

    run(scenario(), timeout=120)


def test_with_the_setting_unticked_a_lock_changes_nothing(
    run: Runner, make_app: AppFactory, devstack: DevstackProcess
) -> None:
    admin = devstack.create_user(admin=True)

    async def scenario() -> None:
        app = await signed_in(make_app, devstack, admin)
        await until(lambda: app._screen_lock._bus is not None)
        await available(app, devstack, admin)
        app.show_settings()
        dialog = app.settings_dialog
        assert dialog is not None
        assert dialog.away_when_locked.isChecked()  # on unless the admin turns it off
        dialog.away_when_locked.setChecked(False)
        dialog.save_button.click()
        await until(lambda: app.settings_dialog is None)
        assert app.settings is not None
        assert not app.settings.away_when_locked
        async with screen_locker() as locker:
            await locker.active_changed(True)
            await asyncio.sleep(SETTLE_S)
            assert await asyncio.to_thread(duty_row, devstack, admin) == "available"
            assert ticked(app) is Duty.AVAILABLE
            await locker.active_changed(False)
        await make_app.stop(app)

    run(scenario(), timeout=120)


def test_the_away_is_on_the_server_before_the_computer_sleeps_and_waking_undoes_it(
    run: Runner,
    make_app: AppFactory,
    devstack: DevstackProcess,
    logind_bus: str,  # noqa: F811
) -> None:
    admin = devstack.create_user(admin=True)

    async def scenario() -> None:
        bus, logind = await logind_on(logind_bus)
        try:
            app = await signed_in(make_app, devstack, admin)
            await until(lambda: app._sleep_watcher._delay_lock is not None)
            logind.close_sent()
            await available(app, devstack, admin)
            await asyncio.to_thread(dunstctl, "close-all")
            before = {e["id"]["data"] for e in await asyncio.to_thread(dunst_history)}
            await prepare_for_sleep(bus, True)
            await until(lambda: logind.released(logind.locks[0]))  # logind may sleep now...
            assert await asyncio.to_thread(duty_row, devstack, admin) == "away"  # ...told
            await prepare_for_sleep(bus, False)
            await row_becomes(devstack, admin, "available")
            toasts = await wait_for(lambda: toasts_titled(BACK_TITLE, before))
            body = str(toasts[0]["body"]["data"])
            assert body.startswith("You were Away while your computer was asleep, ")
            await until(lambda: len(logind.locks) == 2)  # a new lock for the next sleep
            await make_app.stop(app)
        finally:
            bus.disconnect()
            logind.close()

    run(scenario(), timeout=120)
