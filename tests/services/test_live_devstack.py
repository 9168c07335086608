"""Acceptance of the services layer against the real devstack: live path, one socket, sleep.

Every notification is caused by plain SQL on the devstack's database and must
reach the feed through pgoutput, Realtime, the websocket, the supervisor and
Sync; every figure is compared with SQL ground truth.
"""

from __future__ import annotations

import asyncio
import gc

import pytest
from websockets.asyncio.client import ClientConnection
from websockets.protocol import State

from lia_desktop.core.models import ConnectionPhase
from tests.fixtures import DevstackProcess, DevstackUser
from tests.services.conftest import Marketplace, assert_stats_exact, services_app

pytestmark = pytest.mark.devstack


def open_websockets() -> int:
    """Websockets open in this process right now (the supervisor's, and any leaked one)."""
    return sum(
        1 for o in gc.get_objects() if isinstance(o, ClientConnection) and o.state is State.OPEN
    )


async def test_live_booking_reaches_the_feed_once_with_a_toast_and_stats_match_sql(
    devstack: DevstackProcess, admin_user: DevstackUser, market: Marketplace
) -> None:
    booked_on_live: list[int] = []

    async with services_app(devstack, admin_user) as app:
        # LIVE must mean "subscribed": a booking committed the instant LIVE is announced
        # has to arrive as a live event, not only through the catch-up.
        recorder = app.recorder
        announce = recorder.connection_changed

        def on_connection(state: object) -> None:
            announce(state)  # type: ignore[arg-type]
            if recorder.phase is ConnectionPhase.LIVE and not booked_on_live:
                booked_on_live.append(market.book())

        recorder.connection_changed = on_connection  # type: ignore[method-assign]
        await app.until_live()
        [first_live_id] = market.notification_for("bookings", booked_on_live[0])
        await recorder.until(lambda: first_live_id in app.sync.live_ids, 15)
        assert [s.phase for s in recorder.states][:2] == [
            ConnectionPhase.CONNECTING,
            ConnectionPhase.LIVE,
        ]
        assert app.sync.subscribed_in == [ConnectionPhase.LIVE]
        await recorder.until(lambda: app.sync.catch_ups == 1, 15)
        await recorder.until(lambda: app.sync.feed.get(first_live_id) is not None, 15)

        # A first run: the cursor starts at the server's newest id and nothing old is
        # toasted; the server's whole unread backlog is listed (unread items are never
        # evicted) and the badge is the server's count for this admin.
        committed = market.notification_ids()
        assert app.sync.feed.cursor == committed[-1]
        assert not app.sync.feed.seen_above
        server_unread = await app.session.api.unread_count()
        assert app.sync.feed.unread_count == server_unread
        unread_ids = {n.id for n in app.sync.feed.items() if not n.read}
        assert len(unread_ids) == server_unread
        assert unread_ids <= set(committed)
        assert len(set(recorder.added)) == len(recorder.added)

        added_before, toasts_before = len(recorder.added), len(recorder.toasts)
        booking = market.book(status="completed", price=230_000)
        [notification_id] = market.notification_for("bookings", booking)
        await app.until_seen({notification_id}, 15)
        await recorder.until(lambda: len(recorder.toasts) > toasts_before, 5)

        assert recorder.added[added_before:] == [notification_id]
        [toast] = recorder.toasts[toasts_before:]
        assert toast.notification_ids == (notification_id,)
        assert toast.title == "New booking"
        assert "$ 230.000" in toast.body
        assert app.sync.feed.cursor == notification_id
        assert app.sync.feed.get(notification_id) is not None

        # the counter events of the same commit: exact figures, revenue included
        await recorder.until(
            lambda: (
                recorder.stats is not None
                and recorder.stats.total_bookings == market.counters()["total_bookings"]
                and recorder.stats.total_revenue_cop == market.counters()["total_revenue_cop"]
            ),
            10,
        )
        assert_stats_exact(recorder.stats, market)
        assert app.supervisor.generations == 1
        assert open_websockets() == 1


async def test_exactly_one_websocket_per_running_supervisor(
    devstack: DevstackProcess, admin_user: DevstackUser, market: Marketplace
) -> None:
    assert open_websockets() == 0
    async with services_app(devstack, admin_user) as app:
        await app.until_live()
        # steady state: several heartbeats and a few live events later, still one socket
        for _ in range(3):
            booking = market.book()
            await app.until_seen(set(market.notification_for("bookings", booking)))
            await asyncio.sleep(1.0)
            assert open_websockets() == 1
        assert app.supervisor.generations == 1
    assert open_websockets() == 0
