"""Claims and the audit trail (issue 17, migration 20261130000500): one owner per item.

The SQL half runs in rolled-back transactions on the session's migrated cluster; the
race and the refusals go through the devstack's REST API as the app's requests do,
and the live half watches what admins' and a customer's Realtime sockets receive.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import httpx
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
    act_as_postgres,
    new_auth_user,
    rolled_back,
    rpc,
)
from tests.fixtures import DevstackProcess

pytestmark = pytest.mark.devstack

RACERS = 50


def new_dispute(conn: psycopg.Connection[Any]) -> int:
    """A dispute on one of the demo customer's bookings (its notification comes with it)."""
    row = conn.execute(
        "insert into public.disputes (booking_id, opened_by, reason)"
        " select id, customer_id, 'Nobody came' from public.bookings where customer_id = %s"
        " limit 1 returning id",
        (DEMO_CUSTOMER,),
    ).fetchone()
    assert row is not None
    return int(row["id"] if isinstance(row, dict) else row[0])


def audit_rows(conn: psycopg.Connection[Any], dispute: int) -> list[tuple[str, str | None]]:
    rows = conn.execute(
        "select action, after ->> 'holder_name' as to_whom from public.admin_audit"
        " where target_type = 'disputes' and target_id = %s order by id",
        (dispute,),
    ).fetchall()
    return [(r["action"], r["to_whom"]) for r in rows]


def test_first_claim_wins_release_frees_it_and_reassign_hands_it_over(
    migrated_conninfo: str,
) -> None:
    with rolled_back(migrated_conninfo) as conn:
        ana = {**ADMIN_CLAIMS, "sub": new_auth_user(conn, "Ana Ríos", "Bogotá", "admin")}
        luis = {
            **ADMIN_CLAIMS,
            "sub": new_auth_user(conn, "Luis Mora", "Cali", "admin"),
            "aal": "aal2",
        }
        dispute = new_dispute(conn)

        act_as(conn, ana)
        first = rpc(conn, "admin_claim('disputes', %s)", dispute)
        again = rpc(conn, "admin_claim('disputes', %s)", dispute)
        act_as(conn, luis)
        refused = rpc(conn, "admin_claim('disputes', %s)", dispute)
        not_his = rpc(conn, "admin_release('disputes', %s)", dispute)
        act_as(conn, ana)
        released = rpc(conn, "admin_release('disputes', %s)", dispute)
        act_as(conn, luis)
        second = rpc(conn, "admin_claim('disputes', %s)", dispute)
        held = rpc(conn, "admin_claims_held()")
        handed = rpc(conn, "admin_reassign('disputes', %s, %s)", dispute, ana["sub"])
        history = rpc(conn, "admin_item_history('disputes', %s)", dispute)
        act_as_postgres(conn)
        trail = audit_rows(conn, dispute)
        aals = [
            r["actor_aal"]
            for r in conn.execute(
                "select actor_aal from public.admin_audit where target_id = %s order by id",
                (dispute,),
            ).fetchall()
        ]

    assert first["mine"]
    assert first["holder"] == ana["sub"]
    assert first["holder_name"] == "Ana Ríos"
    assert again == first  # a repeat changes nothing (same since)
    assert (refused["holder"], refused["holder_name"], refused["mine"]) == (
        ana["sub"],
        "Ana Ríos",
        False,
    )
    assert refused["since"] == first["since"]
    assert not_his == refused
    assert (released["holder"], released["holder_name"], released["mine"]) == (None, None, False)
    assert second["mine"]
    assert second["holder_name"] == "Luis Mora"
    assert {(c["item_type"], c["item_id"]): c["holder"] for c in held}[
        ("disputes", dispute)
    ] == luis["sub"]
    assert handed["holder"] == ana["sub"]
    assert not handed["mine"]
    assert trail == [
        ("claim", "Ana Ríos"),
        ("release", None),
        ("claim", "Luis Mora"),
        ("reassign", "Ana Ríos"),
    ]
    assert aals == [ana.get("aal"), ana.get("aal"), "aal2", "aal2"]  # as each token said
    assert [(h["action"], h["actor_name"]) for h in history] == [
        ("claim", "Ana Ríos"),
        ("release", "Ana Ríos"),
        ("claim", "Luis Mora"),
        ("reassign", "Luis Mora"),
    ]


def test_only_existing_items_and_admins_take_part(migrated_conninfo: str) -> None:
    with rolled_back(migrated_conninfo) as conn:
        dispute = new_dispute(conn)
        customer_id = DEMO_CUSTOMER
        act_as(conn, ADMIN_CLAIMS)
        with pytest.raises(psycopg.errors.NoDataFound), conn.transaction():
            rpc(conn, "admin_claim('disputes', %s)", 10**12)
        with pytest.raises(psycopg.errors.NoDataFound), conn.transaction():
            rpc(conn, "admin_claim('bookings', %s)", 1)  # bookings need no owner
        with pytest.raises(psycopg.errors.InvalidParameterValue), conn.transaction():
            rpc(conn, "admin_reassign('disputes', %s, %s)", dispute, customer_id)


@pytest.mark.parametrize(
    "claims",
    [CUSTOMER_CLAIMS, ANON_CLAIMS, {**CUSTOMER_CLAIMS, "user_metadata": {"role": "admin"}}],
    ids=["customer", "anon", "user_metadata-admin"],
)
@pytest.mark.parametrize(
    "call",
    [
        "admin_claim('disputes', %s)",
        "admin_release('disputes', %s)",
        "admin_reassign('disputes', %s, '00000000-0000-4000-a000-000000000001')",
        "admin_claims_held()",
        "admin_item_history('disputes', %s)",
    ],
    ids=lambda call: call.split("(")[0],
)
def test_non_admins_are_refused_with_42501(
    migrated_conninfo: str, claims: dict[str, Any], call: str
) -> None:
    with rolled_back(migrated_conninfo) as conn:
        dispute = new_dispute(conn)
        act_as(conn, claims)
        with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
            rpc(conn, call, *([dispute] if "%s" in call else []))
        act_as_postgres(conn)
        touched = conn.execute(
            "select count(*) as n from public.admin_claims where item_id = %s", (dispute,)
        ).fetchone()
    assert touched == {"n": 0}


@pytest.mark.parametrize(
    ("who", "statement", "error"),
    [
        ("authenticated", "update public.admin_audit set action = 'release'", psycopg.errors.InsufficientPrivilege),
        ("authenticated", "delete from public.admin_audit", psycopg.errors.InsufficientPrivilege),
        ("authenticated", "truncate public.admin_audit", psycopg.errors.InsufficientPrivilege),
        ("authenticated", "insert into public.admin_audit (actor, action, target_type, target_id)"
         " values ('00000000-0000-4000-a000-000000000001', 'claim', 'disputes', 1)",
         psycopg.errors.InsufficientPrivilege),
        ("authenticated", "update public.admin_claims set holder = null", psycopg.errors.InsufficientPrivilege),
        ("postgres", "update public.admin_audit set action = 'release'", psycopg.errors.InsufficientPrivilege),
        ("postgres", "delete from public.admin_audit", psycopg.errors.InsufficientPrivilege),
        ("postgres", "truncate public.admin_audit", psycopg.errors.InsufficientPrivilege),
    ],
)  # fmt: skip
def test_the_audit_trail_is_append_only_for_all_but_the_service_role(
    migrated_conninfo: str, who: str, statement: str, error: type[Exception]
) -> None:
    with rolled_back(migrated_conninfo) as conn:
        dispute = new_dispute(conn)
        act_as(conn, ADMIN_CLAIMS)
        rpc(conn, "admin_claim('disputes', %s)", dispute)
        if who == "authenticated":
            act_as(conn, ADMIN_CLAIMS)
        else:
            act_as_postgres(conn)
        with pytest.raises(error), conn.transaction():
            conn.execute(statement.encode())
        act_as(conn, {"role": "service_role"})
        assert conn.execute("delete from public.admin_audit").rowcount >= 1


def test_claims_and_the_audit_are_rls_protected_published_and_closed_to_anon(
    migrated_conninfo: str,
) -> None:
    with rolled_back(migrated_conninfo) as conn:
        rows = conn.execute(
            "select c.relname, c.relrowsecurity,"
            " has_table_privilege('anon', c.oid, 'select') as anon_reads,"
            " exists (select 1 from pg_publication_tables p where p.pubname = 'supabase_realtime'"
            "  and p.schemaname = 'public' and p.tablename = c.relname) as published"
            " from pg_class c where c.oid in ('public.admin_claims'::regclass,"
            " 'public.admin_audit'::regclass) order by c.relname"
        ).fetchall()
        dispute = new_dispute(conn)
        act_as(conn, ADMIN_CLAIMS)
        rpc(conn, "admin_claim('disputes', %s)", dispute)
        seen = {}
        for who, claims in (("admin", ADMIN_CLAIMS), ("customer", CUSTOMER_CLAIMS)):
            act_as(conn, claims)
            seen[who] = [
                conn.execute(f"select count(*) as n from public.{t}".encode()).fetchone()["n"]  # type: ignore[index]
                for t in ("admin_claims", "admin_audit")
            ]
    assert [tuple(r.values()) for r in rows] == [
        ("admin_audit", True, False, False),
        ("admin_claims", True, False, True),
    ]
    assert seen["admin"][0] >= 1
    assert seen["admin"][1] >= 1
    assert seen["customer"] == [0, 0]


# --- through the API, committed -------------------------------------------------------------


def _admins(devstack: DevstackProcess, count: int) -> list[str]:
    """``count`` admin accounts, written as GoTrue writes them (their tokens are signed here)."""
    ids = [str(uuid.uuid4()) for _ in range(count)]
    with psycopg.connect(devstack.db_url, autocommit=True) as db:
        for n, admin in enumerate(ids):
            db.execute(
                "insert into auth.users (instance_id, id, aud, role, email, encrypted_password,"
                " email_confirmed_at, raw_app_meta_data, raw_user_meta_data, created_at,"
                " updated_at) values ('00000000-0000-0000-0000-000000000000', %s,"
                " 'authenticated', 'authenticated', %s, '', now(), %s, %s, now(), now())",
                (
                    admin,
                    f"racer-{admin[:8]}@lia.test",
                    json.dumps({"provider": "email", "role": "admin"}),
                    json.dumps({"full_name": f"Racer {n}"}),
                ),
            )
    return ids


def _committed_dispute(devstack: DevstackProcess) -> int:
    with psycopg.connect(devstack.db_url, autocommit=True) as db:
        row = db.execute(
            "insert into public.disputes (booking_id, reason)"
            " select id, 'Race' from public.bookings limit 1 returning id"
        ).fetchone()
    assert row is not None
    return int(row[0])


async def _call(
    http: httpx.AsyncClient, devstack: DevstackProcess, token: str | None, rpc_name: str, body: Any
) -> httpx.Response:
    headers = {"apikey": devstack.anon_key, "Authorization": f"Bearer {token or devstack.anon_key}"}
    return await http.post(f"{devstack.api_url}/rest/v1/rpc/{rpc_name}", json=body, headers=headers)


def test_fifty_admins_race_for_one_dispute_and_all_learn_the_one_winner(
    devstack_factory: Callable[..., DevstackProcess],
) -> None:
    """On a devstack of its own: the race fills its REST pool, and a full pool of the
    session's devstack takes longer to heal after the backend crashes later tests cause."""
    devstack = devstack_factory()
    admins = _admins(devstack, RACERS)
    dispute = _committed_dispute(devstack)
    tokens = [user_token(devstack, admin, admin=True) for admin in admins]

    async def race() -> list[httpx.Response]:
        async with httpx.AsyncClient(timeout=60) as http:
            start = asyncio.Event()

            async def claim(token: str) -> httpx.Response:
                await start.wait()
                body = {"item_type": "disputes", "item_id": dispute}
                return await _call(http, devstack, token, "admin_claim", body)

            calls = [asyncio.create_task(claim(token)) for token in tokens]
            await asyncio.sleep(0)
            start.set()
            return await asyncio.gather(*calls)

    responses = asyncio.run(race())
    with psycopg.connect(devstack.db_url) as db:
        truth = db.execute(
            "select holder::text, holder_name from public.admin_claims"
            " where item_type = 'disputes' and item_id = %s",
            (dispute,),
        ).fetchone()
        audited = db.execute(
            "select action, actor::text from public.admin_audit"
            " where target_type = 'disputes' and target_id = %s",
            (dispute,),
        ).fetchall()
    answers = [r.json() for r in responses]
    assert [r.status_code for r in responses] == [200] * RACERS
    assert truth is not None
    holder, holder_name = truth
    assert holder in admins
    assert {(a["holder"], a["holder_name"]) for a in answers} == {(holder, holder_name)}
    winners = [admin for admin, a in zip(admins, answers, strict=True) if a["mine"]]
    assert winners == [holder]
    assert audited == [("claim", holder)]


def test_a_customer_and_anon_are_refused_over_the_api(
    devstack: DevstackProcess,
) -> None:
    dispute = _committed_dispute(devstack)
    customer = user_token(devstack, DEMO_CUSTOMER, admin=False)

    async def attempts() -> list[httpx.Response]:
        async with httpx.AsyncClient(timeout=30) as http:
            body = {"item_type": "disputes", "item_id": dispute}
            return [
                await _call(http, devstack, customer, "admin_claim", body),
                await _call(http, devstack, None, "admin_claim", body),
            ]

    as_customer, as_anon = asyncio.run(attempts())
    assert (as_customer.status_code, as_customer.json()["code"]) == (403, "42501")
    assert (as_anon.status_code, as_anon.json()["code"]) == (401, "42501")
    with psycopg.connect(devstack.db_url) as db:
        assert db.execute(
            "select count(*) from public.admin_claims where item_id = %s", (dispute,)
        ).fetchone() == (0,)


async def test_admins_see_a_claim_live_and_a_customer_does_not(
    devstack: DevstackProcess,
) -> None:
    ana, luis = _admins(devstack, 2)
    dispute = _committed_dispute(devstack)
    inboxes = {"admin": Inbox(), "customer": Inbox()}
    tokens = {
        "admin": user_token(devstack, luis, admin=True),
        "customer": user_token(devstack, DEMO_CUSTOMER, admin=False),
    }
    async with (
        realtime_client(devstack, tokens["admin"]) as admin_socket,
        realtime_client(devstack, tokens["customer"]) as customer_socket,
        httpx.AsyncClient(timeout=30) as http,
    ):
        for name, client in (("admin", admin_socket), ("customer", customer_socket)):
            system = Inbox()
            channel = client.channel("claims")
            channel.on_postgres_changes(
                RealtimePostgresChangesListenEvent.All, table="admin_claims", callback=inboxes[name]
            )
            channel.on_system(system)
            await channel.subscribe()
            await system.wait_for(lambda p: p.message == "Subscribed to PostgreSQL")
        token = user_token(devstack, ana, admin=True)
        body = {"item_type": "disputes", "item_id": dispute}
        assert (await _call(http, devstack, token, "admin_claim", body)).status_code == 200
        claimed = await inboxes["admin"].wait_for(
            lambda p: p["data"]["record"]["item_id"] == dispute
        )
        assert (await _call(http, devstack, token, "admin_release", body)).status_code == 200
        released = await inboxes["admin"].wait_for(
            lambda p: (
                p["data"]["record"]["item_id"] == dispute and p["data"]["record"]["holder"] is None
            )
        )
        await asyncio.sleep(1.0)  # time enough for a delivery to the customer, if any
    assert (claimed["data"]["type"], claimed["data"]["record"]["holder"]) == ("INSERT", ana)
    assert released["data"]["type"] == "UPDATE"
    assert inboxes["customer"].items == []


# --- on duty ---------------------------------------------------------------------------------


def test_each_admin_sets_their_own_duty_and_every_admin_reads_the_roster(
    migrated_conninfo: str,
) -> None:
    with rolled_back(migrated_conninfo) as conn:
        ana = {**ADMIN_CLAIMS, "sub": new_auth_user(conn, "Ana Ríos", "Bogotá", "admin")}
        luis = {**ADMIN_CLAIMS, "sub": new_auth_user(conn, "Luis Mora", "Cali", "admin")}
        act_as(conn, ana)
        first = rpc(conn, "admin_set_duty('available')")
        again = rpc(conn, "admin_set_duty('available')")  # no change: same since
        act_as(conn, luis)
        rpc(conn, "admin_set_duty('away')")
        roster = rpc(conn, "admin_duty_roster()")
        with pytest.raises(psycopg.errors.InvalidParameterValue), conn.transaction():
            rpc(conn, "admin_set_duty('asleep')")
        act_as(conn, CUSTOMER_CLAIMS)
        with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
            rpc(conn, "admin_set_duty('available')")
        with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
            rpc(conn, "admin_duty_roster()")
        hidden = conn.execute("select count(*) as n from public.admin_duty").fetchone()
        act_as(conn, ana)
        with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
            conn.execute("update public.admin_duty set status = 'off_duty'")
    assert first == again
    assert (first["admin"], first["admin_name"], first["status"]) == (
        ana["sub"],
        "Ana Ríos",
        "available",
    )
    mine = [
        (r["admin_name"], r["status"]) for r in roster if r["admin"] in (ana["sub"], luis["sub"])
    ]
    assert mine == [("Ana Ríos", "available"), ("Luis Mora", "away")]
    assert hidden == {"n": 0}


def test_the_roster_is_every_admin_and_no_one_else(migrated_conninfo: str) -> None:
    """ "Give to…" lists the roster: an admin who never picked a duty is on it (Available
    since their account was made), one who lost the role and a customer are not."""
    with rolled_back(migrated_conninfo) as conn:
        ana = {**ADMIN_CLAIMS, "sub": new_auth_user(conn, "Ana Ríos", "Bogotá", "admin")}
        quiet = new_auth_user(conn, "Sofía Quiet", "Medellín", "admin", age=timedelta(days=3))
        demoted = new_auth_user(conn, "Pedro Former", "Cali", "admin")
        customer = new_auth_user(conn, "Carla Customer", "Cali")
        banned = new_auth_user(conn, "Bruno Banned", "Cali", "admin")
        deleted = new_auth_user(conn, "Dora Deleted", "Cali", "admin")
        conn.execute(
            "update auth.users set banned_until = now() + interval '1 day' where id = %s",
            (banned,),
        )
        conn.execute("update auth.users set deleted_at = now() where id = %s", (deleted,))
        act_as(conn, {**ADMIN_CLAIMS, "sub": demoted})
        rpc(conn, "admin_set_duty('available')")
        act_as_postgres(conn)
        conn.execute(
            "update auth.users set raw_app_meta_data = raw_app_meta_data - 'role' where id = %s",
            (demoted,),
        )
        created = conn.execute("select created_at from auth.users where id = %s", (quiet,))
        made = created.fetchone()
        dispute = new_dispute(conn)
        act_as(conn, ana)
        roster = {r["admin"]: r for r in rpc(conn, "admin_duty_roster()")}
        for gone in (banned, deleted, demoted):  # nobody off the team is handed an item
            with pytest.raises(psycopg.errors.InvalidParameterValue), conn.transaction():
                rpc(conn, "admin_reassign('disputes', %s, %s)", dispute, gone)
        given = rpc(conn, "admin_reassign('disputes', %s, %s)", dispute, quiet)
    assert made is not None
    assert (roster[quiet]["admin_name"], roster[quiet]["status"]) == ("Sofía Quiet", "available")
    assert datetime.fromisoformat(roster[quiet]["since"]) == made["created_at"]
    assert ana["sub"] in roster
    assert demoted not in roster
    assert customer not in roster
    assert banned not in roster
    assert deleted not in roster
    assert given["holder"] == quiet


def test_held_claims_say_whether_their_item_is_resolved(migrated_conninfo: str) -> None:
    with rolled_back(migrated_conninfo) as conn:
        open_one, resolved = new_dispute(conn), new_dispute(conn)
        conn.execute(
            "update public.disputes set status = 'resolved', resolved_at = now() where id = %s",
            (resolved,),
        )
        act_as(conn, ADMIN_CLAIMS)
        for dispute in (open_one, resolved):
            rpc(conn, "admin_claim('disputes', %s)", dispute)
        held = {c["item_id"]: c["resolved"] for c in rpc(conn, "admin_claims_held()")}
    assert (held[open_one], held[resolved]) == (False, True)
