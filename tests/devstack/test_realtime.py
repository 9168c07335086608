"""Acceptance: the devstack's Realtime endpoint as the unchanged realtime-py 2.34.1 client sees it.

The same scenarios run through supabase-js (vsn 2.0.0) in tests/js/conformance.test.mjs.

Every change is made with plain SQL on the devstack's database and must come
back through pgoutput decoding, the RLS checks and the websocket. "Receives
nothing" is always proven against a later event the same subscriber does
receive (delivery is in commit order), never by waiting for a timeout.
"""

from __future__ import annotations

import asyncio
import re
import secrets
from collections.abc import AsyncIterator
from typing import Any

import psycopg
import pytest
from realtime.types import RealtimeAcknowledgementStatus

from tests.devstack.realtime_clients import (
    Inbox,
    Statuses,
    new_booking,
    one,
    realtime_client,
    user_token,
)
from tests.fixtures import DevstackProcess, DevstackUser

pytestmark = pytest.mark.devstack

ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00$")
COMMIT_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


@pytest.fixture
async def db(devstack: DevstackProcess) -> AsyncIterator[psycopg.AsyncConnection[Any]]:
    async with await psycopg.AsyncConnection.connect(devstack.db_url, autocommit=True) as conn:
        yield conn


def change(table: str, kind: str, row_id: int | None = None) -> Any:
    def matches(payload: Any) -> bool:
        data = payload["data"]
        if data["table"] != table or data["type"] != kind:
            return False
        row = data.get("record") or data.get("old_record") or {}
        return row_id is None or row.get("id") == row_id

    return matches


async def subscribed(system: Inbox) -> None:
    await system.wait_for(lambda p: p.message == "Subscribed to PostgreSQL")


async def test_one_channel_with_six_tables_gets_insert_update_delete_shapes(
    devstack: DevstackProcess, admin_user: DevstackUser, db: psycopg.AsyncConnection[Any]
) -> None:
    async with realtime_client(devstack, user_token(devstack, admin_user.id, admin=True)) as client:
        inbox, system = Inbox(), Inbox()
        channel = client.channel("db")
        for table in ("bookings", "disputes", "reviews", "professionals", "users"):
            channel.on_postgres_changes("*", table=table, callback=inbox)
        channel.on_postgres_changes(
            "INSERT", table="admin_notifications", filter="id=gt.0", callback=inbox
        )
        channel.on_system(system)
        await channel.subscribe()
        await subscribed(system)

        booking = await new_booking(db)
        inserted = (await inbox.wait_for(change("bookings", "INSERT", booking)))["data"]
        assert COMMIT_TIMESTAMP.match(inserted["commit_timestamp"])
        assert inserted["schema"] == "public"
        assert inserted["errors"] is None
        assert "old_record" not in inserted
        assert {"name": "total_price_cop", "type": "int8"} in inserted["columns"]
        assert {"name": "customer_id", "type": "uuid"} in inserted["columns"]
        record = inserted["record"]
        assert record["total_price_cop"] == 180_000
        assert record["status"] == "pending"
        assert ISO_UTC.match(record["created_at"]), record["created_at"]
        notification = await inbox.wait_for(change("admin_notifications", "INSERT"))
        assert notification["data"]["record"]["entity_id"] == str(booking)

        await db.execute("update bookings set status = 'confirmed' where id = %s", (booking,))
        updated = (await inbox.wait_for(change("bookings", "UPDATE", booking)))["data"]
        assert updated["record"]["status"] == "confirmed"
        assert updated["old_record"] == {"id": booking}

        await db.execute(
            "insert into reviews (booking_id, rating, comment) values (%s, 5, 'Great')", (booking,)
        )
        customer = await one(db, "select customer_id from bookings where id = %s", booking)
        await db.execute(
            "insert into disputes (booking_id, opened_by, reason) values (%s, %s, 'Late')",
            (booking, customer),
        )
        await db.execute(
            "insert into professionals (full_name, specialty, city, status)"
            " values ('Nueva Pro', 'Electrician', 'Cali', 'pending')"
        )
        await asyncio.to_thread(devstack.create_user)
        for table in ("reviews", "disputes", "professionals", "users"):
            await inbox.wait_for(change(table, "INSERT"))

        await db.execute("delete from reviews where booking_id = %s", (booking,))
        await db.execute("delete from disputes where booking_id = %s", (booking,))
        await db.execute("delete from bookings where id = %s", (booking,))
        deleted = (await inbox.wait_for(change("bookings", "DELETE", booking)))["data"]
        assert "record" not in deleted
        assert deleted["old_record"] == {"id": booking}  # RLS table: primary key only


async def test_filters_and_a_second_channel_on_the_same_socket(
    devstack: DevstackProcess, admin_user: DevstackUser, db: psycopg.AsyncConnection[Any]
) -> None:
    async with realtime_client(devstack, user_token(devstack, admin_user.id, admin=True)) as client:
        pending, expensive, professionals = Inbox(), Inbox(), Inbox()
        system_a, system_b = Inbox(), Inbox()
        bookings = client.channel("pending-bookings")
        bookings.on_postgres_changes(
            "INSERT", table="bookings", filter="status=eq.pending", callback=pending
        )
        # typed: 100000 > 99999 as numbers, although "100000" < "99999" as text
        bookings.on_postgres_changes(
            "INSERT", table="bookings", filter="total_price_cop=gt.99999", callback=expensive
        )
        bookings.on_system(system_a)
        pros = client.channel("professionals")
        pros.on_postgres_changes("*", table="professionals", callback=professionals)
        pros.on_system(system_b)
        await bookings.subscribe()
        await pros.subscribe()
        await subscribed(system_a)
        await subscribed(system_b)

        confirmed_cheap = await new_booking(db, status="confirmed", price=5_000)
        pending_dear = await new_booking(db, status="pending", price=100_000)
        got = await pending.wait_for(change("bookings", "INSERT", pending_dear))
        assert len(got["ids"]) == 2  # both bindings of the channel matched the row
        await expensive.wait_for(change("bookings", "INSERT", pending_dear))
        for inbox in (pending, expensive):
            assert not any(change("bookings", "INSERT", confirmed_cheap)(p) for p in inbox.items)
        assert professionals.items == []

        await bookings.unsubscribe()
        await db.execute(
            "insert into professionals (full_name, specialty, city, status)"
            " values ('Otra Pro', 'Plumbing', 'Bogotá', 'pending')"
        )
        await professionals.wait_for(change("professionals", "INSERT"))


async def test_rls_admin_sees_booking_customer_only_own_anon_only_deletes(
    devstack: DevstackProcess,
    admin_user: DevstackUser,
    customer_user: DevstackUser,
    db: psycopg.AsyncConnection[Any],
) -> None:
    inboxes = {"admin": Inbox(), "customer": Inbox(), "anon": Inbox()}
    tokens = {
        "admin": user_token(devstack, admin_user.id, admin=True),
        "customer": user_token(devstack, customer_user.id, admin=False),
        "anon": None,
    }
    async with (
        realtime_client(devstack, tokens["admin"]) as admin,
        realtime_client(devstack, tokens["customer"]) as customer,
        realtime_client(devstack, tokens["anon"]) as anon,
    ):
        for name, client in (("admin", admin), ("customer", customer), ("anon", anon)):
            system = Inbox()
            channel = client.channel("rls")
            channel.on_postgres_changes("*", table="bookings", callback=inboxes[name])
            channel.on_system(system)
            await channel.subscribe()
            await subscribed(system)

        others = await new_booking(db)
        await inboxes["admin"].wait_for(change("bookings", "INSERT", others))
        own = await new_booking(db, customer_id=customer_user.id)
        await inboxes["admin"].wait_for(change("bookings", "INSERT", own))
        await db.execute("delete from bookings where id = %s", (others,))

        await inboxes["customer"].wait_for(change("bookings", "INSERT", own))
        for name in ("customer", "anon"):
            gone = await inboxes[name].wait_for(change("bookings", "DELETE", others))
            assert gone["data"]["old_record"] == {"id": others}
        assert not any(change("bookings", "INSERT", others)(p) for p in inboxes["customer"].items)
        assert not any(change("bookings", "INSERT")(p) for p in inboxes["anon"].items)


async def test_private_presence_channel_is_for_admins_only(
    devstack: DevstackProcess, admin_user: DevstackUser, customer_user: DevstackUser
) -> None:
    private = {"config": {"private": True, "presence": {"key": "", "enabled": True}}}
    refused = (
        "Unauthorized: You do not have permissions to read from this Channel topic: online_users"
    )
    for token in (user_token(devstack, customer_user.id, admin=False), None):
        async with realtime_client(devstack, token) as client:
            statuses = Statuses()
            await client.channel("online_users", private).subscribe(statuses)
            _, error = await statuses.reached("CHANNEL_ERROR")
            assert refused in str(error)
    async with realtime_client(devstack, user_token(devstack, admin_user.id, admin=True)) as client:
        statuses = Statuses()
        await client.channel("online_users", private).subscribe(statuses)
        await statuses.reached("SUBSCRIBED")


async def test_presence_join_leave_and_sessions_per_meta(
    devstack: DevstackProcess, admin_user: DevstackUser
) -> None:
    token = user_token(devstack, admin_user.id, admin=True)
    key = f"admin-{admin_user.id[:8]}"
    options = {"config": {"private": True, "presence": {"key": key, "enabled": True}}}
    async with (
        realtime_client(devstack, token) as first,
        realtime_client(devstack, token) as second,
    ):
        joins, leaves = Inbox(), Inbox()
        watcher = first.channel("online_users", options)
        watcher.on_presence_join(joins)
        watcher.on_presence_leave(leaves)
        await watcher.subscribe()
        await watcher.track({"status": "online", "device": "laptop"})

        other = second.channel("online_users", options)
        other.on_presence_sync(lambda: None)
        await other.subscribe()
        await other.track({"status": "online", "device": "desktop"})

        await joins.wait_for(lambda j: any(m.get("device") == "desktop" for m in j[2]))
        state = watcher.presence_state()
        assert len(state[key]) == 2  # two sessions of one admin: two metas under one key
        refs = {meta["presence_ref"] for meta in state[key]}
        assert len(refs) == 2

        assert second._ws_connection is not None
        second._ws_connection.transport.abort()  # a killed socket: no leave, no close frame
        await leaves.wait_for(lambda left: any(m.get("device") == "desktop" for m in left[2]))
        assert [m["device"] for m in watcher.presence_state()[key]] == ["laptop"]


async def test_refreshed_token_keeps_receiving_expired_token_gets_closed(
    devstack: DevstackProcess, admin_user: DevstackUser, db: psycopg.AsyncConnection[Any]
) -> None:
    ttl = 6  # the refresh below must land before this, even on a loaded 2-core machine
    async with (
        realtime_client(devstack, user_token(devstack, admin_user.id, admin=True, ttl=ttl)) as kept,
        realtime_client(
            devstack, user_token(devstack, admin_user.id, admin=True, ttl=ttl)
        ) as lapsed,
    ):
        changes, system, statuses = Inbox(), Inbox(), Statuses()
        live = kept.channel("refreshed")
        live.on_postgres_changes("INSERT", table="bookings", callback=changes)
        live.on_system(system)
        await live.subscribe()
        await subscribed(system)
        await kept.set_auth(user_token(devstack, admin_user.id, admin=True, ttl=600))
        await system.wait_for(
            lambda p: p.message == "Subscribed to PostgreSQL" and len(system.items) > 1
        )
        doomed = lapsed.channel("lapsing")
        doomed.on_postgres_changes("INSERT", table="bookings", callback=lambda _: None)
        await doomed.subscribe(statuses)

        _, error = await statuses.reached("CHANNEL_ERROR", within=ttl + 5)
        assert "Token has expired" in str(error)
        await statuses.reached("CLOSED")
        booking = await new_booking(db)
        await changes.wait_for(change("bookings", "INSERT", booking))


def presence_options(key: str) -> dict[str, Any]:
    return {"config": {"private": True, "presence": {"key": key, "enabled": True}}}


async def test_two_admins_see_each_other_join_sync_and_leave_on_the_private_channel(
    devstack: DevstackProcess, admin_user: DevstackUser
) -> None:
    other_admin = await asyncio.to_thread(devstack.create_user, admin=True)
    async with (
        realtime_client(devstack, user_token(devstack, admin_user.id, admin=True)) as first,
        realtime_client(devstack, user_token(devstack, other_admin.id, admin=True)) as second,
    ):
        joins, leaves, syncs = Inbox(), Inbox(), Inbox()
        watcher = first.channel("online_users", presence_options("a-admin"))
        watcher.on_presence_join(joins)
        watcher.on_presence_leave(leaves)
        watcher.on_presence_sync(lambda: syncs(dict(watcher.presence_state())))
        await watcher.subscribe()
        await watcher.track({"status": "online"})
        other = second.channel("online_users", presence_options("b-admin"))
        await other.subscribe()
        await other.track({"status": "online"})

        await joins.wait_for(lambda joined: joined[0] == "b-admin")
        both = await syncs.wait_for(lambda state: {"a-admin", "b-admin"} <= state.keys())
        assert both["b-admin"][0]["status"] == "online"
        await other.unsubscribe()
        await leaves.wait_for(lambda left: left[0] == "b-admin")
        await syncs.wait_for(lambda state: "a-admin" in state and "b-admin" not in state)


async def test_broadcast_between_two_clients_with_ack(devstack: DevstackProcess) -> None:
    topic = f"room-{secrets.token_hex(3)}"
    async with realtime_client(devstack) as alice, realtime_client(devstack) as bob:
        at_alice, at_bob, acks = Inbox(), Inbox(), Inbox()
        listener = bob.channel(topic)
        listener.on_broadcast("cursor", at_bob)
        await listener.subscribe()
        speaker = alice.channel(topic, {"config": {"broadcast": {"ack": True, "self": False}}})
        speaker.on_broadcast("cursor", at_alice)
        await speaker.subscribe()

        sent = await speaker.push(
            "broadcast", {"type": "broadcast", "event": "cursor", "payload": {"x": 42}}
        )
        sent.receive(RealtimeAcknowledgementStatus.Ok, acks)
        got = await at_bob.wait_for(lambda broadcast: broadcast["payload"] == {"x": 42})
        assert got == {"event": "cursor", "payload": {"x": 42}}  # realtime-py keeps these keys
        await acks.wait_for(lambda _: True)

        await listener.send_broadcast("cursor", {"x": 7})
        await at_alice.wait_for(lambda broadcast: broadcast["payload"] == {"x": 7})
        # alice's own broadcast would have reached her first: "self" is off
        assert [b["payload"] for b in at_alice.items] == [{"x": 7}]
