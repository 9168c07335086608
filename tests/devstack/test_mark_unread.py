"""``admin_mark_unread`` (migration 20261124001100): per-admin, admins only, and live.

The SQL half runs on the session's migrated cluster in rolled-back
transactions, like test_schema.py; the realtime half commits on the devstack
and watches what each subscriber's socket receives for the UPDATE (20261130000300).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import psycopg
import pytest
from realtime import RealtimePostgresChangesListenEvent

from tests.devstack.realtime_clients import Inbox, realtime_client, user_token
from tests.devstack.test_schema import (
    ADMIN_CLAIMS,
    ANON_CLAIMS,
    CUSTOMER_CLAIMS,
    DEMO_CUSTOMER,
    act_as,
    new_auth_user,
    rolled_back,
    rpc,
)
from tests.fixtures import DevstackProcess, DevstackUser

pytestmark = pytest.mark.devstack


def three_new_notifications(conn: psycopg.Connection[Any]) -> list[int]:
    for price in (10_000, 20_000, 30_000):
        conn.execute(
            "insert into public.bookings (customer_id, service, total_price_cop)"
            " values (%s, 'Gardening', %s)",
            (DEMO_CUSTOMER, price),
        )
    rows = conn.execute("select id from public.admin_notifications order by id desc limit 3")
    return sorted(r["id"] for r in rows.fetchall())


def test_mark_unread_undoes_only_the_callers_reads_and_the_count_goes_back_up(
    migrated_conninfo: str,
) -> None:
    with rolled_back(migrated_conninfo) as conn:
        other_claims = {**ADMIN_CLAIMS, "sub": new_auth_user(conn, "Diego Vargas", "Cali", "admin")}
        ids = three_new_notifications(conn)
        for claims in (ADMIN_CLAIMS, other_claims):
            act_as(conn, claims)
            assert rpc(conn, "admin_mark_read(%s)", ids) == 3
        act_as(conn, ADMIN_CLAIMS)
        read_count = rpc(conn, "admin_unread_count()")

        # unknown and never-read ids count nothing; a repeat deletes nothing
        assert rpc(conn, "admin_mark_unread(%s)", [ids[0], ids[1], 10**12]) == 2
        assert rpc(conn, "admin_mark_unread(%s)", [ids[0]]) == 0
        assert rpc(conn, "admin_mark_unread(%s)", []) == 0
        assert rpc(conn, "admin_unread_count()") == read_count + 2
        mine = {r["id"]: r["read"] for r in rpc(conn, "admin_notifications_after(%s)", ids[0] - 1)}

        act_as(conn, other_claims)
        theirs = {
            r["id"]: r["read"] for r in rpc(conn, "admin_notifications_after(%s)", ids[0] - 1)
        }
        # and the read can be made again: mark read / mark unread toggle
        act_as(conn, ADMIN_CLAIMS)
        assert rpc(conn, "admin_mark_read(%s)", [ids[0]]) == 1
        assert rpc(conn, "admin_unread_count()") == read_count + 1

    assert mine == {ids[0]: False, ids[1]: False, ids[2]: True}
    assert theirs == {ids[0]: True, ids[1]: True, ids[2]: True}


@pytest.mark.parametrize(
    "claims",
    [CUSTOMER_CLAIMS, ANON_CLAIMS, {**CUSTOMER_CLAIMS, "user_metadata": {"role": "admin"}}],
    ids=["customer", "anon", "user_metadata-admin"],
)
def test_mark_unread_refuses_non_admins_with_42501_and_deletes_nothing(
    migrated_conninfo: str, claims: dict[str, Any]
) -> None:
    with rolled_back(migrated_conninfo) as conn:
        ids = three_new_notifications(conn)
        act_as(conn, ADMIN_CLAIMS)
        rpc(conn, "admin_mark_read(%s)", ids)
        unread = rpc(conn, "admin_unread_count()")
        act_as(conn, claims)
        with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
            rpc(conn, "admin_mark_unread(%s)", ids)
        act_as(conn, ADMIN_CLAIMS)
        assert rpc(conn, "admin_unread_count()") == unread


def test_mark_unread_is_definer_with_a_fixed_search_path_like_the_other_rpcs(
    migrated_conninfo: str,
) -> None:
    with rolled_back(migrated_conninfo) as conn:
        rows = conn.execute(
            "select proname, prosecdef, proconfig from pg_proc"
            " where pronamespace = 'public'::regnamespace"
            " and proname in ('admin_mark_read', 'admin_mark_unread')"
        ).fetchall()
    shape = {r["proname"]: (r["prosecdef"], r["proconfig"]) for r in rows}
    assert shape["admin_mark_unread"] == shape["admin_mark_read"] == (True, ['search_path=""'])


def test_read_rows_are_rls_protected_published_and_closed_to_anon(
    migrated_conninfo: str,
) -> None:
    """A read taken back is an UPDATE (RLS-checked per subscriber), and anon cannot even
    subscribe: before, the DELETE of a read row reached every subscriber, anon included."""
    with rolled_back(migrated_conninfo) as conn:
        table = conn.execute(
            "select c.relrowsecurity,"
            " (select pubupdate from pg_publication where pubname = 'supabase_realtime') as pub,"
            " has_table_privilege('anon', c.oid, 'select') as anon_reads,"
            " (select attnotnull from pg_attribute where attrelid = c.oid"
            "  and attname = 'read_at') as read_at_required"
            " from pg_class c where c.oid = 'public.admin_notification_reads'::regclass"
        ).fetchone()
    assert table == {
        "relrowsecurity": True,
        "pub": True,
        "anon_reads": False,
        "read_at_required": False,
    }


def _rpc_as(db_url: str, admin_id: str, call: str, *args: Any) -> Any:
    """One committed RPC call as ``admin_id`` (what PostgREST does for the admin's request)."""
    claims = {**ADMIN_CLAIMS, "sub": admin_id}
    with psycopg.connect(db_url) as conn:
        conn.execute(
            "select set_config('role', 'authenticated', true),"
            " set_config('request.jwt.claims', %s, true)",
            (json.dumps(claims),),
        )
        row = conn.execute(f"select public.{call}".encode(), args).fetchone()
    assert row is not None
    return row[0]


def _unread(admin_id: str, notification_id: int) -> Any:
    def matches(payload: Any) -> bool:
        data = payload["data"]
        record = data.get("record") or {}
        return bool(
            data["table"] == "admin_notification_reads"
            and data["type"] == "UPDATE"
            and record.get("notification_id") == notification_id
            and record.get("admin_id") == admin_id
            and record.get("read_at") is None
        )

    return matches


async def test_an_unread_reaches_only_the_admins_own_sessions(
    devstack: DevstackProcess, admin_user: DevstackUser
) -> None:
    """Another admin and a customer subscribed to the same table hear nothing of it."""
    other_admin = devstack.create_user(admin=True)
    customer = devstack.create_user(admin=False)
    with psycopg.connect(devstack.db_url, autocommit=True) as db:
        row = db.execute("select max(id) from public.admin_notifications").fetchone()
    assert row is not None
    notification_id = int(row[0])
    _rpc_as(devstack.db_url, admin_user.id, "admin_mark_read(%s)", [notification_id])

    inboxes = {"same admin": Inbox(), "other admin": Inbox(), "customer": Inbox()}
    tokens = {
        "same admin": user_token(devstack, admin_user.id, admin=True),
        "other admin": user_token(devstack, other_admin.id, admin=True),
        "customer": user_token(devstack, customer.id, admin=False),
    }
    async with (
        realtime_client(devstack, tokens["same admin"]) as mine,
        realtime_client(devstack, tokens["other admin"]) as theirs,
        realtime_client(devstack, tokens["customer"]) as customers,
    ):
        for name, client in (
            ("same admin", mine),
            ("other admin", theirs),
            ("customer", customers),
        ):
            system = Inbox()
            channel = client.channel("reads")
            channel.on_postgres_changes(
                RealtimePostgresChangesListenEvent.All,
                table="admin_notification_reads",
                callback=inboxes[name],
            )
            channel.on_system(system)
            await channel.subscribe()
            await system.wait_for(lambda p: p.message == "Subscribed to PostgreSQL")

        assert (
            _rpc_as(devstack.db_url, admin_user.id, "admin_mark_unread(%s)", [notification_id]) == 1
        )
        await inboxes["same admin"].wait_for(_unread(admin_user.id, notification_id))
        await asyncio.sleep(1.0)  # time enough for a delivery to the others, if any
        assert inboxes["other admin"].items == []
        assert inboxes["customer"].items == []
