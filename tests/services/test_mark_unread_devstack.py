"""Mark unread across sessions, on the real wire: an admin's other session follows live,
another admin's socket never hears of it (an UPDATE, RLS-checked per subscriber); a session
that was offline learns the reads and unreads it missed when it reconnects."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack

import pytest

from lia_desktop.services.supervisor import ChangeEvent
from tests.fixtures import DevstackProcess
from tests.services.conftest import Marketplace, ServicesApp, services_app

pytestmark = pytest.mark.devstack


def tap_unreads(app: ServicesApp) -> list[int]:
    """Notification ids of the reads taken back that this app's socket delivers (applied or not)."""
    seen: list[int] = []
    deliver = app.sync.on_change

    def on_change(event: ChangeEvent) -> None:
        if event.table == "admin_notification_reads" and event.record.get("read_at") is None:
            seen.append(int(event.record["notification_id"]))
        deliver(event)

    app.sync.on_change = on_change  # type: ignore[method-assign]
    return seen


async def caught_up(app: ServicesApp) -> None:
    await app.until_live()
    await app.recorder.until(lambda: app.sync.catch_ups > 0, 30)


def is_read(app: ServicesApp, notification_id: int) -> bool | None:
    item = app.sync.feed.get(notification_id)
    return None if item is None else item.read


async def test_an_unread_reaches_the_admins_other_session_live_and_no_other_admin(
    devstack: DevstackProcess, market: Marketplace
) -> None:
    admin, other_admin = devstack.create_user(admin=True), devstack.create_user(admin=True)
    async with AsyncExitStack() as stack:
        here = await stack.enter_async_context(services_app(devstack, admin))
        there = await stack.enter_async_context(services_app(devstack, admin))
        other = await stack.enter_async_context(services_app(devstack, other_admin))
        apps = (here, there, other)
        for app in apps:
            await caught_up(app)
        other_unreads = tap_unreads(other)
        there_unreads = tap_unreads(there)

        [notification] = market.notification_for("bookings", market.book())
        for app in apps:
            await app.until_seen({notification})
        await here.sync.mark_read([notification])
        await other.sync.mark_read([notification])
        await there.recorder.until(lambda: is_read(there, notification) is True, 15)
        unread_before = there.sync.feed.unread_count

        await here.sync.mark_unread([notification])  # Space on the read item
        assert is_read(here, notification) is False
        await there.recorder.until(lambda: is_read(there, notification) is False, 15)
        assert there.sync.feed.unread_count == unread_before + 1
        assert await there.session.api.unread_count() == await here.session.api.unread_count()

        # the other admin's socket never heard of it, and kept its own read
        assert notification in there_unreads
        await asyncio.sleep(1.0)
        assert other_unreads == []
        assert is_read(other, notification) is True
        assert await other.session.api.mark_unread([notification]) == 1  # still read on the server


async def test_reads_and_unreads_made_while_a_session_was_offline_show_after_it_reconnects(
    devstack: DevstackProcess, market: Marketplace
) -> None:
    admin = devstack.create_user(admin=True)
    async with AsyncExitStack() as stack:
        here = await stack.enter_async_context(services_app(devstack, admin))
        there = await stack.enter_async_context(services_app(devstack, admin))
        for app in (here, there):
            await caught_up(app)
        read_later, unread_later = (
            market.notification_for("bookings", market.book())[0] for _ in range(2)
        )
        for app in (here, there):
            await app.until_seen({read_later, unread_later})
        await here.sync.mark_read([unread_later])
        await there.recorder.until(lambda: is_read(there, unread_later) is True, 15)

        here.supervisor.stop()  # offline: the read-state events below never reach it
        await asyncio.wait_for(here.task, 30)
        await there.sync.mark_read([read_later])
        await there.sync.mark_unread([unread_later])
        assert (is_read(here, read_later), is_read(here, unread_later)) == (False, True)

        catch_ups = here.sync.catch_ups
        here.task = asyncio.get_running_loop().create_task(here.supervisor.run())
        await here.recorder.until(lambda: here.sync.catch_ups > catch_ups, 30)
        assert (is_read(here, read_later), is_read(here, unread_later)) == (True, False)

        held = sorted(n.id for n in here.sync.feed.items())
        rows = await here.session.api.notifications_after(held[0] - 1, len(held))
        server = {int(r["id"]): bool(r["read"]) for r in rows if int(r["id"]) in held}
        assert set(server) == set(held)
        assert {n.id: n.read for n in here.sync.feed.items()} == server
        assert here.sync.feed.unread_count == await here.session.api.unread_count()
