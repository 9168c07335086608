"""The server contract of supabase/migrations, proved on a real PostgreSQL.

Every test that changes data runs in a transaction that is rolled back, so
the seeded database stays as the seed left it (except the commit-order test,
which must commit and cleans up after itself).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg.rows import dict_row

from lia_desktop.core.models import NotificationType, Priority
from lia_desktop.devstack.database import (
    MigrationError,
    PrepareReport,
    apply_scaffold,
    default_migrations_dir,
    default_seed_file,
    prepare_database,
    split_statements,
)

pytestmark = pytest.mark.devstack

DEMO_ADMIN = "00000000-0000-4000-a000-000000000001"
DEMO_CUSTOMER = "00000000-0000-4000-a000-000000000002"
ADMIN_CLAIMS = {"sub": DEMO_ADMIN, "role": "authenticated", "app_metadata": {"role": "admin"}}
CUSTOMER_CLAIMS = {"sub": DEMO_CUSTOMER, "role": "authenticated", "app_metadata": {}}
ANON_CLAIMS = {"role": "anon"}
COUNTERS = ("total_bookings", "pending_bookings", "total_users", "total_revenue_cop")
MIGRATIONS = sorted(p.name for p in default_migrations_dir().glob("*.sql"))


@contextmanager
def rolled_back(conninfo: str) -> Iterator[psycopg.Connection[dict[str, Any]]]:
    """A connection whose whole work is undone at the end."""
    with (
        psycopg.connect(conninfo, row_factory=dict_row) as conn,
        conn.transaction(force_rollback=True),
    ):
        yield conn


def act_as(conn: psycopg.Connection[Any], claims: dict[str, Any]) -> None:
    """What PostgREST does per request: transaction-local role and JWT claims."""
    conn.execute(
        "select set_config('role', %s, true), set_config('request.jwt.claims', %s, true)",
        (claims["role"], json.dumps(claims)),
    )


def act_as_postgres(conn: psycopg.Connection[Any]) -> None:
    conn.execute("reset role")
    conn.execute("select set_config('request.jwt.claims', '', true)")


def rpc(conn: psycopg.Connection[Any], call: str, *args: Any) -> Any:
    row = conn.execute(f"select public.{call} as result".encode(), args).fetchone()
    assert row is not None
    return row["result"]


def new_auth_user(
    conn: psycopg.Connection[Any], full_name: str, city: str | None, role: str | None = None
) -> str:
    """An account as GoTrue creates it; the profile comes from the auth.users trigger."""
    user_id = str(uuid.uuid4())
    app_meta: dict[str, Any] = {"provider": "email", "providers": ["email"]}
    if role:
        app_meta["role"] = role
    conn.execute(
        "insert into auth.users (instance_id, id, aud, role, email, encrypted_password,"
        " email_confirmed_at, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)"
        " values ('00000000-0000-0000-0000-000000000000', %s, 'authenticated', 'authenticated',"
        " %s, '', now(), %s, %s, now(), now())",
        (
            user_id,
            f"{user_id[:8]}@example.co",
            json.dumps(app_meta),
            json.dumps({"full_name": full_name, "city": city}),
        ),
    )
    return user_id


def notifications_for(
    conn: psycopg.Connection[dict[str, Any]], entity_table: str, entity_id: object
) -> list[dict[str, Any]]:
    return conn.execute(
        "select * from public.admin_notifications where entity_table = %s and entity_id = %s"
        " order by id",
        (entity_table, str(entity_id)),
    ).fetchall()


def counters(conn: psycopg.Connection[dict[str, Any]]) -> dict[str, tuple[int, int]]:
    rows = conn.execute("select metric, value, seq from public.admin_stats_counters").fetchall()
    return {r["metric"]: (r["value"], r["seq"]) for r in rows}


def ground_truth(conn: psycopg.Connection[dict[str, Any]]) -> dict[str, int]:
    row = conn.execute(
        "select (select count(*) from public.bookings) as total_bookings,"
        " (select count(*) from public.bookings where status = 'pending') as pending_bookings,"
        " (select count(*) from public.users) as total_users,"
        " (select coalesce(sum(total_price_cop), 0) from public.bookings"
        "   where status = 'completed') as total_revenue_cop,"
        " (select count(*) from public.bookings"
        "   where created_at > now() - interval '24 hours') as bookings_24h,"
        " (select count(*) from public.professionals"
        "   where created_at > now() - interval '30 days') as new_professionals_30d"
    ).fetchone()
    assert row is not None
    return {k: int(v) for k, v in row.items()}


# --- migrations and the runner ----------------------------------------------------------


def test_split_statements_respects_quotes_comments_and_dollar_bodies() -> None:
    script = """
    -- a comment; not a statement
    create function f() returns text language sql as $body$ select 'a;b' $body$;
    /* block; /* nested; */ still comment */
    select 'it''s; fine', "odd;name" from t;
    do $$ begin perform 1; end $$;
    -- trailing comment only
    """
    statements = split_statements(script)
    assert len(statements) == 3
    assert statements[0].endswith("$body$ select 'a;b' $body$")
    assert "'it''s; fine'" in statements[1]
    assert statements[2].startswith("do $$")


def test_migrations_apply_once_and_a_second_run_is_a_no_op(fresh_database: str) -> None:
    first = prepare_database(
        fresh_database, migrations_dir=default_migrations_dir(), seed_file=None
    )
    second = prepare_database(
        fresh_database, migrations_dir=default_migrations_dir(), seed_file=None
    )
    assert list(first.applied_migrations) == MIGRATIONS
    assert second.applied_migrations == ()
    assert list(second.already_applied) == MIGRATIONS
    assert not first.seeded
    with psycopg.connect(fresh_database) as conn:
        recorded = conn.execute(
            "select version || '_' || name || '.sql', cardinality(statements)"
            " from supabase_migrations.schema_migrations order by version"
        ).fetchall()
    assert [r[0] for r in recorded] == MIGRATIONS
    assert all(count > 0 for _, count in recorded)


def test_migrations_and_seed_run_unchanged_on_a_plain_scaffolded_database(
    fresh_database: str,
) -> None:
    """As ``psql -f`` would run them: whole files, no runner, no splitting."""
    with psycopg.connect(fresh_database, autocommit=True) as conn:
        apply_scaffold(conn)
        for path in sorted(default_migrations_dir().glob("*.sql")):
            conn.execute(path.read_bytes())
        conn.execute(default_seed_file().read_bytes())
        conn.execute(default_seed_file().read_bytes())  # a second seed run changes nothing
        bookings = conn.execute("select count(*) from public.bookings").fetchone()
        admins = conn.execute("select count(*) from public.users where role = 'admin'").fetchone()
    assert bookings is not None
    assert bookings[0] >= 200
    assert admins == (1,)


def test_seed_is_recorded_and_applied_once(migrated_conninfo: str) -> None:
    report = prepare_database(
        migrated_conninfo,
        migrations_dir=default_migrations_dir(),
        seed_file=default_seed_file(),
    )
    assert report == PrepareReport((), tuple(MIGRATIONS), False)
    with psycopg.connect(migrated_conninfo) as conn:
        row = conn.execute("select path from supabase_migrations.seed_files").fetchall()
    assert row == [("supabase/seed.sql",)]


def test_a_failing_migration_is_named_and_rolled_back(fresh_database: str, tmp_path: Path) -> None:
    (tmp_path / "20260101000000_good.sql").write_text("create table public.good (id int);")
    (tmp_path / "20260102000000_bad.sql").write_text(
        "create table public.half (id int);\nselect * from public.missing_table;"
    )
    with pytest.raises(MigrationError, match=r"20260102000000_bad\.sql.*missing_table") as err:
        prepare_database(fresh_database, migrations_dir=tmp_path, seed_file=None)
    assert "42P01" in str(err.value)
    with psycopg.connect(fresh_database) as conn:
        versions = conn.execute(
            "select version from supabase_migrations.schema_migrations"
        ).fetchall()
        half = conn.execute("select to_regclass('public.half')").fetchone()
    assert versions == [("20260101000000",)]
    assert half == (None,)


# --- counters and stats -------------------------------------------------------------------

STATUSES = ("pending", "confirmed", "in_progress", "completed", "cancelled")
PRICES = st.integers(min_value=0, max_value=5_000_000)

booking_ops = st.one_of(
    st.tuples(st.just("insert"), st.sampled_from(STATUSES), PRICES),
    st.tuples(
        st.just("insert_many"), st.lists(st.tuples(st.sampled_from(STATUSES), PRICES), max_size=4)
    ),
    st.tuples(st.just("set_status"), st.integers(0, 50), st.sampled_from(STATUSES)),
    st.tuples(st.just("set_price"), st.integers(0, 50), PRICES),
    st.tuples(
        st.just("complete_all_pending"),
    ),
    st.tuples(st.just("delete"), st.integers(0, 50)),
    st.tuples(
        st.just("sign_up"),
    ),
    st.tuples(st.just("delete_user"), st.integers(0, 50)),
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(booking_ops, min_size=1, max_size=12))
def test_counters_equal_sql_ground_truth_after_any_mix_of_changes(
    migrated_conninfo: str, ops: list[tuple[Any, ...]]
) -> None:
    with rolled_back(migrated_conninfo) as conn:
        before = counters(conn)
        users = [DEMO_CUSTOMER]
        bookings: list[int] = []

        def pick(items: list[Any], index: int) -> Any:
            return items[index % len(items)] if items else None

        for op in ops:
            kind = op[0]
            if kind == "insert":
                row = conn.execute(
                    "insert into public.bookings (customer_id, service, status, total_price_cop)"
                    " values (%s, 'Plumbing', %s, %s) returning id",
                    (pick(users, len(bookings)), op[1], op[2]),
                ).fetchone()
                assert row is not None
                bookings.append(row["id"])
            elif kind == "insert_many" and op[1]:
                rows = conn.execute(
                    "insert into public.bookings (customer_id, service, status, total_price_cop)"
                    " select %s, 'Painting', s, p from unnest(%s::text[], %s::bigint[]) as t(s, p)"
                    " returning id",
                    (pick(users, 0), [s for s, _ in op[1]], [p for _, p in op[1]]),
                ).fetchall()
                bookings.extend(r["id"] for r in rows)
            elif kind == "set_status" and bookings:
                conn.execute(
                    "update public.bookings set status = %s where id = %s",
                    (op[2], pick(bookings, op[1])),
                )
            elif kind == "set_price" and bookings:
                conn.execute(
                    "update public.bookings set total_price_cop = %s where id = %s",
                    (op[2], pick(bookings, op[1])),
                )
            elif kind == "complete_all_pending":
                conn.execute(
                    "update public.bookings set status = 'completed'"
                    " where id = any(%s) and status = 'pending'",
                    (bookings,),
                )
            elif kind == "delete" and bookings:
                conn.execute("delete from public.bookings where id = %s", (pick(bookings, op[1]),))
            elif kind == "sign_up":
                users.append(new_auth_user(conn, "Test Customer", "Cali"))
            elif kind == "delete_user" and len(users) > 1:
                # deleting the account cascades to the profile and its bookings
                victim = users.pop(1 + op[1] % (len(users) - 1))
                conn.execute("delete from auth.users where id = %s", (victim,))

        after = counters(conn)
        truth = ground_truth(conn)
        for metric in COUNTERS:
            assert after[metric][0] == truth[metric], metric
            # a changed value always comes with a newer seq (a client never drops it)
            if after[metric][0] != before[metric][0]:
                assert after[metric][1] > before[metric][1], metric

        act_as(conn, ADMIN_CLAIMS)
        stats = rpc(conn, "admin_dashboard_stats()")
        for figure in (*COUNTERS, "bookings_24h", "new_professionals_30d"):
            assert stats[figure] == truth[figure], figure
        assert stats["counter_seq"] == {m: after[m][1] for m in COUNTERS}


def test_dashboard_stats_windows_buckets_and_trends(migrated_conninfo: str) -> None:
    with rolled_back(migrated_conninfo) as conn:
        conn.execute(
            "insert into public.bookings (customer_id, service, status, total_price_cop, created_at)"
            " select %s, 'Plumbing', 'completed', 100000, now() - make_interval(hours => h)"
            " from unnest(array[1, 1, 5, 30, 40]) as h",
            (DEMO_CUSTOMER,),
        )
        truth = ground_truth(conn)
        window = conn.execute(
            "select count(*) filter (where created_at > now() - interval '24 hours') as cur,"
            " count(*) filter (where created_at <= now() - interval '24 hours'"
            "   and created_at > now() - interval '48 hours') as prev from public.bookings"
        ).fetchone()
        assert window is not None
        act_as(conn, ADMIN_CLAIMS)
        stats = rpc(conn, "admin_dashboard_stats()")
        cursor = conn.execute("select max(id) as m from public.admin_notifications").fetchone()

    assert stats["bookings_24h"] == truth["bookings_24h"]
    assert sum(n for _, n in stats["bookings_recent"]) == truth["bookings_24h"]
    assert all(minute % 60 == 0 for minute, _ in stats["bookings_recent"])
    assert [m for m, _ in stats["bookings_recent"]] == sorted(
        m for m, _ in stats["bookings_recent"]
    )
    assert sum(n for _, n in stats["professionals_recent"]) == truth["new_professionals_30d"]
    expected_trend = round((window["cur"] - window["prev"]) * 100 / window["prev"], 1)
    assert stats["trends"]["bookings_24h"] == pytest.approx(expected_trend)
    assert set(stats["trends"]) == {*COUNTERS, "bookings_24h", "new_professionals_30d"}
    assert cursor is not None
    assert stats["cursor"] == cursor["m"]
    server_time = datetime.fromisoformat(stats["server_time"])
    assert abs(server_time - datetime.now(UTC)) < timedelta(minutes=5)


# --- notification triggers ------------------------------------------------------------------


def test_each_trigger_writes_the_expected_notification(migrated_conninfo: str) -> None:
    with rolled_back(migrated_conninfo) as conn:
        pro = conn.execute(
            "insert into public.professionals (full_name, specialty, city, status)"
            " values ('Carlos Ruiz', 'Plumbing', 'Bogotá', 'approved') returning id"
        ).fetchone()
        assert pro is not None
        assert notifications_for(conn, "professionals", pro["id"]) == []  # not an application

        applicant = conn.execute(
            "insert into public.professionals (full_name, specialty, city, status)"
            " values ('María Torres', 'Electrician', 'Medellín', 'pending')"
            " returning id, created_at"
        ).fetchone()
        assert applicant is not None
        booking = conn.execute(
            "insert into public.bookings (customer_id, professional_id, service, status,"
            " total_price_cop, scheduled_at) values (%s, %s, 'Plumbing', 'pending', 180000,"
            " '2026-11-25 19:00+00') returning id, created_at",
            (DEMO_CUSTOMER, pro["id"]),
        ).fetchone()
        assert booking is not None
        conn.execute(
            "update public.bookings set status = 'cancelled' where id = %s", (booking["id"],)
        )
        conn.execute(
            "update public.bookings set status = 'cancelled' where id = %s", (booking["id"],)
        )
        dispute = conn.execute(
            "insert into public.disputes (booking_id, opened_by, reason, priority)"
            " values (%s, %s, 'Work left unfinished', 'medium') returning id",
            (booking["id"], DEMO_CUSTOMER),
        ).fetchone()
        assert dispute is not None
        conn.execute("update public.disputes set priority = 'high' where id = %s", (dispute["id"],))
        conn.execute(
            "update public.disputes set priority = 'urgent' where id = %s", (dispute["id"],)
        )
        low = conn.execute(
            "insert into public.reviews (booking_id, rating, comment)"
            " values (%s, 2, 'Arrived late and left a mess.') returning id",
            (booking["id"],),
        ).fetchone()
        other = conn.execute(
            "insert into public.bookings (customer_id, service, status, total_price_cop)"
            " values (%s, 'Gardening', 'completed', 90000) returning id",
            (DEMO_CUSTOMER,),
        ).fetchone()
        assert low is not None
        assert other is not None
        good = conn.execute(
            "insert into public.reviews (booking_id, rating) values (%s, 5) returning id",
            (other["id"],),
        ).fetchone()
        assert good is not None
        user_id = new_auth_user(conn, "Valentina Ospina", "Pereira")

        got = {
            "booking": notifications_for(conn, "bookings", booking["id"]),
            "dispute": notifications_for(conn, "disputes", dispute["id"]),
            "applicant": notifications_for(conn, "professionals", applicant["id"]),
            "low": notifications_for(conn, "reviews", low["id"]),
            "good": notifications_for(conn, "reviews", good["id"]),
            "user": notifications_for(conn, "users", user_id),
        }

    def shape(n: dict[str, Any]) -> tuple[str, str, str, str, str]:
        return (n["type"], n["priority"], n["title"], n["body"], n["action_path"])

    b, d = booking["id"], dispute["id"]
    assert [shape(n) for n in got["booking"]] == [
        ("booking_created", "medium", "New booking",
         "Ana Gómez booked Plumbing with Carlos Ruiz · $ 180.000", f"/admin/bookings/{b}"),
        ("booking_cancelled", "medium", "Booking cancelled",
         "Ana Gómez · Plumbing with Carlos Ruiz · 25 Nov 14:00", f"/admin/bookings/{b}"),
    ]  # fmt: skip
    assert [shape(n) for n in got["dispute"]] == [
        ("dispute_opened", "high", "New dispute", f"Booking #{b} · Work left unfinished",
         f"/admin/disputes/{d}"),
        ("dispute_escalated", "urgent", "Dispute escalated",
         f"Booking #{b} · Work left unfinished", f"/admin/disputes/{d}"),
    ]  # fmt: skip
    assert [shape(n) for n in got["applicant"]] == [
        ("professional_applied", "medium", "New professional application",
         "María Torres applied as Electrician (Medellín)", f"/admin/professionals/{applicant['id']}"),
    ]  # fmt: skip
    assert [shape(n) for n in got["low"]] == [
        ("review_created", "high", "Low rating", "2★ for Carlos Ruiz: Arrived late and left a mess.",
         f"/admin/reviews/{low['id']}"),
    ]  # fmt: skip
    assert [shape(n) for n in got["good"]] == [
        ("review_created", "low", "New review", "5★ for Gardening", f"/admin/reviews/{good['id']}"),
    ]
    assert [shape(n) for n in got["user"]] == [
        (
            "user_signed_up",
            "low",
            "New sign-up",
            "Valentina Ospina, Pereira",
            f"/admin/users/{user_id}",
        ),
    ]
    # the wire values are the app's enums, and metadata carries what the app ages by
    for notes in got.values():
        for n in notes:
            NotificationType(n["type"])
            Priority.parse(n["priority"])
            assert "created_at" in n["metadata"]
    created = datetime.fromisoformat(got["booking"][0]["metadata"]["created_at"])
    assert created == booking["created_at"]
    assert got["booking"][0]["metadata"]["total_price_cop"] == 180000
    assert got["applicant"][0]["metadata"]["created_at"] is not None


def test_notification_ids_increase_and_the_cursor_follows(migrated_conninfo: str) -> None:
    with rolled_back(migrated_conninfo) as conn:
        act_as(conn, ADMIN_CLAIMS)
        start = rpc(conn, "admin_dashboard_stats()")["cursor"]
        act_as_postgres(conn)
        for price in (50_000, 60_000, 70_000):
            conn.execute(
                "insert into public.bookings (customer_id, service, total_price_cop)"
                " values (%s, 'Locksmith', %s)",
                (DEMO_CUSTOMER, price),
            )
        act_as(conn, ADMIN_CLAIMS)
        rows = rpc(conn, "admin_notifications_after(%s)", start)
        assert rpc(conn, "admin_dashboard_stats()")["cursor"] == rows[-1]["id"]
        assert rpc(conn, "admin_notifications_after(%s, %s)", start, 2) == rows[:2]
        assert rpc(conn, "admin_notifications_after(%s)", rows[-1]["id"]) == []
    ids = [r["id"] for r in rows]
    assert len(ids) == 3
    assert ids == sorted(ids)
    assert ids[0] > start
    assert [r["metadata"]["total_price_cop"] for r in rows] == [50_000, 60_000, 70_000]
    assert {k for k in rows[0]} >= {
        "id", "type", "priority", "title", "body", "entity_table", "entity_id",
        "action_path", "created_at", "metadata", "read",
    }  # fmt: skip


def test_notification_writers_are_serialised_until_commit(migrated_conninfo: str) -> None:
    """The advisory lock makes ids commit-ordered: a second writer waits for the first's commit."""
    insert = (
        "insert into public.bookings (customer_id, service, total_price_cop)"
        " values (%s, 'Carpentry', 1000) returning id"
    )
    first = psycopg.connect(migrated_conninfo)
    second = psycopg.connect(migrated_conninfo)
    try:
        first.execute(insert, (DEMO_CUSTOMER,))
        second.execute("set lock_timeout = '200ms'")
        with pytest.raises(psycopg.errors.LockNotAvailable):
            second.execute(insert, (DEMO_CUSTOMER,))
        second.rollback()
        first.commit()
        second.execute(insert, (DEMO_CUSTOMER,))
        second.commit()
        ids = first.execute(
            "select n.id from public.admin_notifications n where n.entity_table = 'bookings'"
            " and n.entity_id::bigint in (select id from public.bookings where service = 'Carpentry'"
            " and total_price_cop = 1000) order by n.id"
        ).fetchall()
        assert len(ids) == 2
    finally:
        first.rollback()
        first.execute(
            "delete from public.bookings where service = 'Carpentry' and total_price_cop = 1000"
        )
        first.commit()
        first.close()
        second.close()


# --- read state and permissions ---------------------------------------------------------------


def test_read_state_is_per_admin(migrated_conninfo: str) -> None:
    with rolled_back(migrated_conninfo) as conn:
        other_admin = new_auth_user(conn, "Diego Vargas", "Cali", role="admin")
        other_claims = {**ADMIN_CLAIMS, "sub": other_admin}
        for price in (10_000, 20_000, 30_000):
            conn.execute(
                "insert into public.bookings (customer_id, service, total_price_cop)"
                " values (%s, 'Gardening', %s)",
                (DEMO_CUSTOMER, price),
            )
        newest = conn.execute("select max(id) as m from public.admin_notifications").fetchone()
        assert newest is not None
        top = newest["m"]

        act_as(conn, ADMIN_CLAIMS)
        unread_before = rpc(conn, "admin_unread_count()")
        assert rpc(conn, "admin_mark_read(%s)", [top, top - 1, 10**12]) == 2
        assert rpc(conn, "admin_mark_read(%s)", [top]) == 0
        assert rpc(conn, "admin_unread_count()") == unread_before - 2
        mine = {r["id"]: r["read"] for r in rpc(conn, "admin_notifications_after(%s)", top - 3)}
        own_rows = conn.execute(
            "select distinct admin_id::text as a from public.admin_notification_reads"
        ).fetchall()

        act_as(conn, other_claims)
        theirs = {r["id"]: r["read"] for r in rpc(conn, "admin_notifications_after(%s)", top - 3)}
        other_unread = rpc(conn, "admin_unread_count()")
        marked = rpc(conn, "admin_mark_all_read(%s)", top - 1)
        assert rpc(conn, "admin_unread_count()") == other_unread - marked == 1
        act_as(conn, ADMIN_CLAIMS)
        assert rpc(conn, "admin_unread_count()") == unread_before - 2

    assert mine == {top - 2: False, top - 1: True, top: True}
    assert theirs == {top - 2: False, top - 1: False, top: False}
    assert own_rows == [{"a": DEMO_ADMIN}]  # RLS: an admin reads only own read state


ADMIN_RPCS = [
    ("admin_dashboard_stats()", ()),
    ("admin_notifications_after(%s, %s)", (0, 5)),
    ("admin_mark_read(%s)", ([1],)),
    ("admin_mark_all_read(%s)", (1,)),
    ("admin_unread_count()", ()),
]


@pytest.mark.parametrize(("call", "args"), ADMIN_RPCS, ids=[c.split("(")[0] for c, _ in ADMIN_RPCS])
def test_admin_rpcs_refuse_non_admins_and_anon(
    migrated_conninfo: str, call: str, args: tuple[Any, ...]
) -> None:
    with rolled_back(migrated_conninfo) as conn:
        act_as(conn, ADMIN_CLAIMS)
        rpc(conn, call, *args)  # an admin may
    for claims in (
        CUSTOMER_CLAIMS,
        ANON_CLAIMS,
        {**CUSTOMER_CLAIMS, "user_metadata": {"role": "admin"}},
    ):
        with rolled_back(migrated_conninfo) as conn:
            act_as(conn, claims)
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                rpc(conn, call, *args)


def test_row_level_security_admin_reads_all_customer_own_anon_nothing(
    migrated_conninfo: str,
) -> None:
    tables = (
        "users", "professionals", "bookings", "reviews", "disputes",
        "admin_notifications", "admin_stats_counters",
    )  # fmt: skip
    counts: dict[str, dict[str, int]] = {}
    with rolled_back(migrated_conninfo) as conn:
        for who, claims in (
            ("admin", ADMIN_CLAIMS),
            ("customer", CUSTOMER_CLAIMS),
            ("anon", ANON_CLAIMS),
        ):
            act_as(conn, claims)
            counts[who] = {
                t: conn.execute(f"select count(*) as n from public.{t}".encode()).fetchone()["n"]  # type: ignore[index]
                for t in tables
            }
            act_as_postgres(conn)
        truth = {
            t: conn.execute(f"select count(*) as n from public.{t}".encode()).fetchone()["n"]  # type: ignore[index]
            for t in tables
        }
        own = conn.execute(
            "select count(*) as n from public.bookings where customer_id = %s", (DEMO_CUSTOMER,)
        ).fetchone()
        rls_off = conn.execute(
            "select relname from pg_class where relnamespace = 'public'::regnamespace"
            " and relkind = 'r' and not relrowsecurity"
        ).fetchall()
    assert own is not None
    assert own["n"] >= 3
    assert counts["admin"] == truth
    assert counts["customer"]["users"] == 1
    assert counts["customer"]["bookings"] == own["n"]
    assert counts["customer"]["admin_notifications"] == 0
    assert counts["customer"]["admin_stats_counters"] == 0
    assert all(n == 0 for n in counts["anon"].values())
    assert rls_off == []


def test_publication_carries_the_contract_tables(migrated_conninfo: str) -> None:
    with psycopg.connect(migrated_conninfo) as conn:
        rows = conn.execute(
            "select tablename from pg_publication_tables where pubname = 'supabase_realtime'"
            " and schemaname = 'public'"
        ).fetchall()
    assert {r[0] for r in rows} >= {
        "users", "professionals", "bookings", "reviews", "disputes",
        "admin_notifications", "admin_stats_counters", "admin_notification_reads",
    }  # fmt: skip


def test_changes_that_leave_a_figure_alone_publish_no_counter_event(migrated_conninfo: str) -> None:
    with rolled_back(migrated_conninfo) as conn:
        booking = conn.execute(
            "insert into public.bookings (customer_id, service, status, total_price_cop)"
            " values (%s, 'Painting', 'confirmed', 400000) returning id",
            (DEMO_CUSTOMER,),
        ).fetchone()
        assert booking is not None
        before = counters(conn)
        conn.execute(
            "update public.bookings set total_price_cop = 450000, status = 'in_progress'"
            " where id = %s",
            (booking["id"],),
        )
        assert counters(conn) == before
        conn.execute(
            "update public.bookings set status = 'completed' where id = %s", (booking["id"],)
        )
        after = counters(conn)
    changed = {m for m in COUNTERS if after[m] != before[m]}
    assert changed == {"total_revenue_cop"}
    assert after["total_revenue_cop"][0] == before["total_revenue_cop"][0] + 450000
