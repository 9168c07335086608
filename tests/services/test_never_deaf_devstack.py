"""Never deaf: whatever breaks the data path, an urgent dispute committed right after reaches
the app within 30 s, and the phases tell the truth meanwhile (real devstack, real client).

The defense does not depend on the route: the data-path probe compares the server's newest id
with what arrived and rebuilds the socket when they differ (core.liveness). Each route below
is one way the path was seen to break.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import time
from pathlib import Path

import psutil
import psycopg
import pytest

from lia_desktop.core.liveness import ProbePolicy
from lia_desktop.core.models import ConnectionPhase
from lia_desktop.services.sync import FeedState, FeedStateStore
from tests.fixtures import DevstackProcess, DevstackUser
from tests.services.conftest import Marketplace, ServicesApp, services_app

pytestmark = pytest.mark.devstack

#: the defaults (20 s + 5 s) make a test wait; the rule is the same
QUICK_PROBE = ProbePolicy(interval=3.0, grace=1.0)
WITHIN = 30.0


def urgent_dispute(db_url: str, reason: str = "the professional never came") -> list[int]:
    """A dispute, escalated to urgent: its two notifications' ids (opened, escalated)."""
    with psycopg.connect(db_url, autocommit=True) as db:
        row = db.execute(
            "insert into public.disputes (booking_id, reason)"
            " select id, %s from public.bookings order by id desc limit 1 returning id",
            (reason,),
        ).fetchone()
        assert row is not None
        db.execute("update public.disputes set priority = 'urgent' where id = %s", (row[0],))
        ids = db.execute(
            "select id from public.admin_notifications"
            " where entity_table = 'disputes' and entity_id = %s order by id",
            (str(row[0]),),
        ).fetchall()
    return [int(r[0]) for r in ids]


async def reaches(app: ServicesApp, ids: list[int]) -> float:
    """Seconds until every id is in the app's list (the live path or a catch-up)."""
    started = time.monotonic()
    await app.recorder.until(lambda: all(app.sync.feed.get(i) is not None for i in ids), WITHIN)
    return time.monotonic() - started


async def test_a_data_path_deaf_behind_an_open_socket_heals_within_30_s(
    devstack: DevstackProcess, admin_user: DevstackUser
) -> None:
    async with services_app(devstack, admin_user, probe=QUICK_PROBE) as app:
        await app.until_live()
        app.sync.deaf = True  # pings still answered: only the data is lost
        ids = await asyncio.to_thread(urgent_dispute, devstack.db_url)
        await reaches(app, ids)
        assert app.supervisor.generations >= 2  # the socket was rebuilt
        assert app.recorder.phase is not ConnectionPhase.ERROR
        escalated = app.sync.feed.get(ids[-1])
        assert escalated is not None
        assert escalated.title == "Dispute escalated"


async def test_a_dead_realtime_listener_is_a_lost_socket(
    devstack: DevstackProcess, admin_user: DevstackUser
) -> None:
    async with services_app(devstack, admin_user, probe=QUICK_PROBE) as app:
        await app.until_live()
        generation = app.supervisor._generation
        assert generation is not None
        listener = generation.client._listen_task
        assert listener is not None
        listener.cancel()  # what hostile input that raises in its loop amounts to
        ids = await asyncio.to_thread(urgent_dispute, devstack.db_url)
        await reaches(app, ids)
        await app.until_live()
        assert app.supervisor.generations >= 2


async def test_a_cursor_above_the_servers_newest_id_is_reset(
    devstack: DevstackProcess,
    admin_user: DevstackUser,
    feed_dir: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A restore or reset: the cursor file (same URL, same admin) says more than the server has."""
    FeedStateStore.for_admin(devstack.api_url, admin_user.id, feed_dir).save(FeedState(10**6))
    with caplog.at_level(logging.WARNING):
        async with services_app(devstack, admin_user, data_dir=feed_dir) as app:
            await app.until_live()
            ids = await asyncio.to_thread(urgent_dispute, devstack.db_url)
            await reaches(app, ids)
            assert app.sync.feed.cursor == ids[-1]
    assert "database was reset or restored" in caplog.text


async def test_an_oversized_record_is_fetched_whole_through_the_rpc(
    devstack: DevstackProcess, admin_user: DevstackUser
) -> None:
    async with services_app(devstack, admin_user) as app:
        await app.until_live()
        huge = "a customer wrote a great deal " * 40_000  # 1.2 MB in the record's metadata
        ids = await asyncio.to_thread(urgent_dispute, devstack.db_url, huge)
        await reaches(app, ids)
        opened = app.sync.feed.get(ids[0])
        assert opened is not None
        assert opened.body.startswith("Booking #")
        assert app.sync.feed.cursor >= ids[-1]  # nothing skipped for good


def postgres_backends(devstack: DevstackProcess) -> list[int]:
    """The client backends of *this* devstack's cluster (children of its postmaster), never
    another cluster's on the machine."""
    postmaster = int((devstack.data_dir / "pgdata" / "postmaster.pid").read_text().split()[0])
    return [
        child.pid
        for child in psutil.Process(postmaster).children()
        if "[local]" in " ".join(child.cmdline()) and "walsender" not in " ".join(child.cmdline())
    ]


async def test_a_crashed_postgres_backend_loses_nothing(
    devstack: DevstackProcess, admin_user: DevstackUser, market: Marketplace
) -> None:
    """kill -9 of one backend makes PostgreSQL restart them all (and change capture with them)."""
    async with services_app(devstack, admin_user, probe=QUICK_PROBE) as app:
        await app.until_live()
        backends = postgres_backends(devstack)
        assert backends
        os.kill(backends[0], signal.SIGKILL)
        await asyncio.sleep(1.0)
        ids: list[int] = []
        for _ in range(60):  # the server refuses commits while it recovers
            try:
                ids = await asyncio.to_thread(urgent_dispute, devstack.db_url)
                break
            except psycopg.OperationalError:
                await asyncio.sleep(0.5)
        assert ids
        await reaches(app, ids)


@pytest.mark.slow
async def test_a_server_stopped_for_60_s_shows_reconnecting_then_delivers(
    devstack: DevstackProcess, admin_user: DevstackUser
) -> None:
    async with services_app(devstack, admin_user, probe=QUICK_PROBE) as app:
        await app.until_live()
        assert devstack.pid is not None
        os.kill(devstack.pid, signal.SIGSTOP)
        try:
            await app.recorder.until(
                lambda: (
                    app.recorder.phase in (ConnectionPhase.RECONNECTING, ConnectionPhase.OFFLINE)
                ),
                15,
            )  # the phase tells the truth while the server is frozen
            ids = await asyncio.to_thread(urgent_dispute, devstack.db_url)  # its database runs
            await asyncio.sleep(60)
        finally:
            os.kill(devstack.pid, signal.SIGCONT)
        await reaches(app, ids)
        await app.until_live()
