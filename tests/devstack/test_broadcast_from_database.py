"""Broadcast from the database (issue 15): ``realtime.send`` and ``realtime.broadcast_changes``.

The path Supabase recommends at scale: a trigger writes into the day-partitioned
``realtime.messages``, Realtime streams it to the topic's subscribers, and a
private topic's subscribers are the ones its RLS policies let in. Driven by the
official realtime-py client.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from lia_desktop.devstack.postgres import PostgresCluster
from tests.devstack.realtime_clients import Inbox, Statuses, realtime_client, user_token
from tests.fixtures import DevstackProcess, DevstackUser

pytestmark = pytest.mark.devstack

PRIVATE = {"config": {"private": True}}


def granted_policy(db: psycopg.Connection, statement: str) -> None:
    """As postgres on hosted: a policy on realtime.messages through supautils' policy_grants."""
    db.execute("select lia_devstack.run_granted_policy_ddl(%s)", (statement,))


@pytest.fixture
def watched_table(devstack: DevstackProcess) -> Iterator[tuple[str, str]]:
    """A table whose row changes a trigger broadcasts to a private topic admins may read."""
    name = f"watched_{secrets.token_hex(3)}"
    topic = f"changes:{name}"
    with psycopg.connect(devstack.db_url, autocommit=True) as db:
        db.execute(f"create table public.{name} (id int primary key, note text)".encode())
        db.execute(
            f"""create function public.{name}_broadcast() returns trigger
            language plpgsql security definer set search_path = '' as $$
            begin
              perform realtime.broadcast_changes(
                'changes:' || tg_table_name, tg_op, tg_op, tg_table_name, tg_table_schema,
                new, old);
              return null;
            end $$""".encode()
        )
        db.execute(
            f"create trigger broadcast after insert or update or delete on public.{name}"
            f" for each row execute function public.{name}_broadcast()".encode()
        )
        granted_policy(
            db,
            f'create policy "admins read {topic}" on realtime.messages for select'
            f" to authenticated using ((select realtime.topic()) = '{topic}'"
            " and extension = 'broadcast' and (select lia_notifier.is_admin()))",
        )
        try:
            yield name, topic
        finally:
            granted_policy(db, f'drop policy "admins read {topic}" on realtime.messages')
            db.execute(f"drop table public.{name}".encode())
            db.execute(f"drop function public.{name}_broadcast()".encode())


async def test_broadcast_changes_reach_the_private_channel_rls_lets_in(
    devstack: DevstackProcess,
    admin_user: DevstackUser,
    customer_user: DevstackUser,
    watched_table: tuple[str, str],
) -> None:
    name, topic = watched_table
    admin_token = user_token(devstack, admin_user.id, admin=True)
    customer_token = user_token(devstack, customer_user.id, admin=False)
    async with (
        realtime_client(devstack, admin_token) as admin,
        realtime_client(devstack, customer_token) as customer,
        realtime_client(devstack, admin_token) as public_admin,
    ):
        refused = Statuses()
        await customer.channel(topic, PRIVATE).subscribe(refused)
        _, error = await refused.reached("CHANNEL_ERROR")
        assert "do not have permissions to read" in str(error)

        inserts, updates, in_public = Inbox(), Inbox(), Inbox()
        joined = Statuses()
        channel = admin.channel(topic, PRIVATE)
        channel.on_broadcast("INSERT", inserts).on_broadcast("UPDATE", updates)
        await channel.subscribe(joined)
        await joined.reached("SUBSCRIBED")
        public_joined = Statuses()
        public = public_admin.channel(topic)  # the same topic, not private: shares nothing
        await public.on_broadcast("INSERT", in_public).subscribe(public_joined)
        await public_joined.reached("SUBSCRIBED")

        with psycopg.connect(devstack.db_url, autocommit=True) as db:
            db.execute(f"insert into public.{name} values (1, 'first')".encode())
            db.execute(f"update public.{name} set note = 'second'".encode())
        inserted = await inserts.wait_for(lambda _: True)
        updated = await updates.wait_for(lambda _: True)
        assert inserted["payload"] == {
            "schema": "public",
            "table": name,
            "operation": "INSERT",
            "record": {"id": 1, "note": "first"},
            "old_record": None,
        }
        assert updated["payload"]["record"] == {"id": 1, "note": "second"}
        assert updated["payload"]["old_record"] == {"id": 1, "note": "first"}
        await asyncio.sleep(0.5)  # anything for the public channel would have come by now
        assert in_public.items == []


async def test_send_to_a_public_topic_reaches_public_subscribers_only(
    devstack: DevstackProcess, admin_user: DevstackUser
) -> None:
    topic = f"room-{secrets.token_hex(3)}"
    async with realtime_client(devstack, user_token(devstack, admin_user.id, admin=True)) as client:
        heard = Inbox()
        joined = Statuses()
        await client.channel(topic).on_broadcast("ping", heard).subscribe(joined)
        await joined.reached("SUBSCRIBED")
        with psycopg.connect(devstack.db_url, autocommit=True) as db:
            db.execute("select realtime.send('{\"n\": 1}', 'ping', %s, true)", (topic,))
            db.execute("select realtime.send('{\"n\": 2}', 'ping', %s, false)", (topic,))
        got = await heard.wait_for(lambda _: True)
        assert got["payload"] == {"n": 2}
        await asyncio.sleep(0.5)
        assert [item["payload"] for item in heard.items] == [{"n": 2}]


def test_messages_are_partitioned_by_day_and_old_days_dropped(devstack: DevstackProcess) -> None:
    today = datetime.now(UTC).date()
    with psycopg.connect(PostgresCluster(devstack.data_dir).conninfo, autocommit=True) as db:
        assert db.execute(
            "select partstrat from pg_partitioned_table where partrelid = 'realtime.messages'::regclass"
        ).fetchone() == ("r",)
        stale = f"messages_{(today - timedelta(days=9)):%Y_%m_%d}"
        db.execute(
            f"create table realtime.{stale} partition of realtime.messages"
            f" for values from ('{today - timedelta(days=9)}') to ('{today - timedelta(days=8)}')".encode()
        )
        db.execute("select lia_devstack.maintain_message_partitions()")
        partitions = {
            row[0]
            for row in db.execute(
                "select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid"
                " where i.inhparent = 'realtime.messages'::regclass"
            ).fetchall()
        }
        with db.transaction(force_rollback=True):
            db.execute("select realtime.send('{}', 'e', 'where-does-it-go')")
            landed = db.execute(
                "select tableoid::regclass::text from realtime.messages"
                " where topic = 'where-does-it-go'"
            ).fetchone()
    expected = {f"messages_{(today + timedelta(days=d)):%Y_%m_%d}" for d in range(-1, 4)}
    assert expected <= partitions
    assert stale not in partitions
    assert landed == (f"realtime.messages_{today:%Y_%m_%d}",)
