"""Never deaf (issue 12), server side: Realtime loses no committed change to a database failure.

A kill -9 of one PostgreSQL backend makes the postmaster restart every backend
(the walsender, the RLS check and join connections included). The devstack's
change capture resumes from its permanent slot, delivery retries the batch
that failed, and the subscriber gets every change committed during and after
the crash exactly once, without resubscribing. What truly cannot be recovered
(the slot itself lost) reaches the subscriber as a ``postgres_changes`` system
error, shaped as hosted Realtime sends it.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import psutil
import psycopg
import pytest
import websockets
from aiohttp import web
from aiohttp.test_utils import TestServer

from lia_desktop.devstack.realtime import RealtimeService, delivery
from tests.devstack.realtime_clients import Inbox, realtime_client, user_token
from tests.fixtures import DevstackProcess, DevstackUser

pytestmark = pytest.mark.devstack

SUBSCRIBED = "Subscribed to PostgreSQL"
#: "within a few seconds" of the server taking commits again
ARRIVAL_S = 10.0


def cluster_backends(devstack: DevstackProcess, *, walsender: bool) -> list[int]:
    """Backends of *this* devstack's cluster (children of its postmaster), never another's."""
    postmaster = int((devstack.data_dir / "pgdata" / "postmaster.pid").read_text().split()[0])
    found = []
    for child in psutil.Process(postmaster).children():
        try:
            cmdline = " ".join(child.cmdline())
        except psutil.Error:  # exited meanwhile (a zombie until the postmaster reaps it)
            continue
        if "[local]" in cmdline and ("walsender" in cmdline) == walsender:
            found.append(child.pid)
    return found


class Bookings(threading.Thread):
    """``count`` bookings, each retried until it commits (the server refuses while it recovers)."""

    def __init__(self, db_url: str, count: int) -> None:
        super().__init__(daemon=True)
        self.db_url, self.count = db_url, count
        self.ids: list[int] = []
        self.refused = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        conn: psycopg.Connection[Any] | None = None
        try:
            while len(self.ids) < self.count:
                try:
                    if conn is None or conn.closed:
                        conn = psycopg.connect(self.db_url, autocommit=True, connect_timeout=2)
                    row = conn.execute(
                        "insert into bookings (customer_id, professional_id, service, status,"
                        " total_price_cop, scheduled_at) select"
                        " (select id from users where role = 'customer' limit 1),"
                        " (select id from professionals where status = 'approved' limit 1),"
                        " 'Plumbing', 'pending', 180000, now() + interval '1 day' returning id"
                    ).fetchone()
                    assert row is not None
                    self.ids.append(int(row[0]))
                except psycopg.OperationalError:
                    self.refused += 1
                    if conn is not None:
                        conn.close()
                    time.sleep(0.05)
        except BaseException as err:  # reported by the test
            self.error = err
        finally:
            if conn is not None:
                conn.close()


def notification_ids(db_url: str, bookings: list[int]) -> set[int]:
    with psycopg.connect(db_url) as conn:
        rows = conn.execute(
            "select id from public.admin_notifications where entity_table = 'bookings'"
            " and entity_id = any(%s::text[])",
            ([str(b) for b in bookings],),
        ).fetchall()
    return {int(r[0]) for r in rows}


@pytest.mark.parametrize("victim", ["client backend", "walsender"])
async def test_a_crashed_backend_loses_no_change_and_sends_none_twice(
    devstack: DevstackProcess, admin_user: DevstackUser, victim: str
) -> None:
    token = user_token(devstack, admin_user.id, admin=True)
    async with realtime_client(devstack, token) as client:
        inbox, system = Inbox(), Inbox()
        channel = client.channel("never-deaf")
        channel.on_postgres_changes("INSERT", table="admin_notifications", callback=inbox)
        channel.on_system(system)
        await channel.subscribe()
        await system.wait_for(lambda p: p.message == SUBSCRIBED)

        def received() -> Counter[int]:
            return Counter(int(p["data"]["record"]["id"]) for p in inbox.items)

        before = Bookings(devstack.db_url, 1)
        await asyncio.to_thread(before.run)
        control = notification_ids(devstack.db_url, before.ids)
        await inbox.wait_for(lambda _: control <= set(received()))  # it listens

        targets = cluster_backends(devstack, walsender=victim == "walsender")
        assert targets, f"no {victim} in this devstack's cluster"
        os.kill(targets[0], signal.SIGKILL)
        during = Bookings(devstack.db_url, 20)  # at once: the first ones meet the crash
        during.start()
        await asyncio.to_thread(during.join, 60)
        assert during.error is None
        assert len(during.ids) == 20
        expected = notification_ids(devstack.db_url, during.ids)
        assert len(expected) == 20

        await inbox.wait_for(lambda _: expected <= set(received()), ARRIVAL_S)
        await asyncio.sleep(1.0)  # room for a duplicate to show up
        counts = received()
        assert {i: n for i, n in counts.items() if n > 1} == {}
        assert set(counts) == control | expected
        # no resubscription, no error: the same join heard it all
        assert [p.status for p in system.items] == ["ok"]
        assert channel.state.value == "joined"


# ----------------------------------------------------------- an in-process service


@asynccontextmanager
async def service_on(devstack: DevstackProcess) -> AsyncIterator[tuple[RealtimeService, str]]:
    """A RealtimeService of this test process on the devstack's database, and its ws URL."""
    service = RealtimeService(devstack.db_url, devstack.jwt_secret)
    app = web.Application()
    service.add_routes(app)
    await service.start()
    try:
        async with TestServer(app, host="127.0.0.1") as server:
            base = str(server.make_url("")).rstrip("/").replace("http://", "ws://")
            yield service, f"{base}/realtime/v1/websocket?apikey={devstack.anon_key}&vsn=1.0.0"
    finally:
        await service.stop()


async def join_notifications(
    ws: websockets.ClientConnection, token: str, topic: str = "realtime:feed"
) -> None:
    await ws.send(
        json.dumps(
            {
                "topic": topic,
                "event": "phx_join",
                "payload": {
                    "access_token": token,
                    "config": {
                        "postgres_changes": [
                            {"event": "INSERT", "schema": "public", "table": "admin_notifications"}
                        ]
                    },
                },
                "ref": topic,
                "join_ref": topic,
            }
        )
    )
    joined = await next_frame(ws, lambda f: f["event"] == "phx_reply" and f["ref"] == topic)
    assert joined["payload"]["status"] == "ok"
    system = await next_frame(ws, lambda f: f["event"] in ("system", "phx_reply"))
    assert system["event"] == "system", system
    assert system["payload"]["message"] == SUBSCRIBED


async def next_frame(ws: websockets.ClientConnection, predicate: Any) -> dict[str, Any]:
    async with asyncio.timeout(ARRIVAL_S):
        while True:
            frame = json.loads(await ws.recv())
            if predicate(frame):
                return frame  # type: ignore[no-any-return]


def is_notification(frame: dict[str, Any], ids: set[int]) -> bool:
    if frame["event"] != "postgres_changes":
        return False
    return int(frame["payload"]["data"]["record"]["id"]) in ids


async def book(devstack: DevstackProcess) -> set[int]:
    bookings = Bookings(devstack.db_url, 1)
    await asyncio.to_thread(bookings.run)
    return notification_ids(devstack.db_url, bookings.ids)


async def test_a_batch_whose_rls_connection_died_is_retried_not_dropped(
    devstack: DevstackProcess, admin_user: DevstackUser
) -> None:
    token = user_token(devstack, admin_user.id, admin=True)
    async with service_on(devstack) as (service, endpoint), websockets.connect(endpoint) as ws:
        await join_notifications(ws, token)
        first = await book(devstack)
        await next_frame(ws, lambda f: is_notification(f, first))  # the RLS connection is open
        rls_conn = service.dispatcher._db._conn
        assert rls_conn is not None
        with psycopg.connect(devstack.db_url, autocommit=True) as admin:
            admin.execute("select pg_terminate_backend(%s, 5000)", (rls_conn.info.backend_pid,))
        second = await book(devstack)  # its RLS check meets the dead connection first
        frame = await next_frame(ws, lambda f: is_notification(f, second) or f["event"] == "system")
        assert frame["event"] == "postgres_changes"


@pytest.mark.expect_errors(r"replication slot .* was lost")
async def test_a_lost_slot_tells_each_subscriber_with_a_system_error(
    devstack: DevstackProcess, admin_user: DevstackUser
) -> None:
    token = user_token(devstack, admin_user.id, admin=True)
    async with service_on(devstack) as (service, endpoint), websockets.connect(endpoint) as ws:
        await join_notifications(ws, token)
        slot = service.capture.slot_name
        with psycopg.connect(devstack.db_url, autocommit=True) as admin:
            # the walsender gone and its slot dropped before capture reconnects (0.1 s)
            admin.execute(
                "select pg_terminate_backend(active_pid, 5000) from pg_replication_slots"
                " where slot_name = %s",
                (slot,),
            )
            admin.execute("select pg_drop_replication_slot(%s)", (slot,))
        frame = await next_frame(ws, lambda f: f["event"] == "system")
        assert frame["topic"] == "realtime:feed"
        assert frame["payload"]["status"] == "error"
        assert frame["payload"]["extension"] == "postgres_changes"
        assert set(frame["payload"]) == {"channel", "extension", "message", "status"}
        assert service.capture.losses == 1
        later = await book(devstack)  # and it listens again
        await next_frame(ws, lambda f: is_notification(f, later))


async def test_a_leftover_slot_of_a_dead_process_is_dropped_at_start(
    devstack: DevstackProcess,
) -> None:
    dead = await asyncio.create_subprocess_exec("true")
    await dead.wait()
    leftover = f"lia_realtime_{dead.pid}_1"
    query = "select count(*) from pg_replication_slots where slot_name = %s"
    with psycopg.connect(devstack.db_url, autocommit=True) as admin:
        admin.execute("select pg_create_logical_replication_slot(%s, 'pgoutput')", (leftover,))
        async with service_on(devstack) as (service, _endpoint):
            assert admin.execute(query, (leftover,)).fetchone() == (0,)
            assert admin.execute(query, (service.capture.slot_name,)).fetchone() == (1,)
        assert admin.execute(query, (service.capture.slot_name,)).fetchone() == (0,)


async def test_a_join_whose_control_connection_died_still_subscribes(
    devstack: DevstackProcess, admin_user: DevstackUser
) -> None:
    token = user_token(devstack, admin_user.id, admin=True)
    async with service_on(devstack) as (service, endpoint), websockets.connect(endpoint) as ws:
        await join_notifications(ws, token)  # the control connection is open
        control = service.control._conn
        assert control is not None
        with psycopg.connect(devstack.db_url, autocommit=True) as admin:
            admin.execute("select pg_terminate_backend(%s, 5000)", (control.info.backend_pid,))
        # a second join on the same socket: ok, then subscribed (never an error after the ok)
        await join_notifications(ws, token, topic="realtime:again")
        later = await book(devstack)
        await next_frame(ws, lambda f: is_notification(f, later) and f["topic"] == "realtime:again")


@pytest.mark.expect_errors(r"gave up a batch")
async def test_a_batch_that_keeps_failing_ends_in_a_system_error_and_delivery_goes_on(
    devstack: DevstackProcess, admin_user: DevstackUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = user_token(devstack, admin_user.id, admin=True)
    monkeypatch.setattr(delivery, "RETRY_FOR_S", 0.5)
    async with service_on(devstack) as (service, endpoint), websockets.connect(endpoint) as ws:
        await join_notifications(ws, token)
        deliver = service.dispatcher.deliver

        async def failing(batch: list[Any]) -> None:
            raise psycopg.OperationalError("the database is gone")

        monkeypatch.setattr(service.dispatcher, "deliver", failing)
        await book(devstack)
        frame = await next_frame(ws, lambda f: f["event"] == "system")
        assert frame["payload"]["status"] == "error"
        assert frame["payload"]["extension"] == "postgres_changes"
        monkeypatch.setattr(service.dispatcher, "deliver", deliver)
        later = await book(devstack)
        await next_frame(ws, lambda f: is_notification(f, later))
