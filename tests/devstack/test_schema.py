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
    DEMO_MARKETPLACE_FILE,
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
# an admin after the second factor: a database seeded before the aal2 switch keeps it on
ADMIN_CLAIMS = {
    "sub": DEMO_ADMIN,
    "role": "authenticated",
    "aal": "aal2",
    "app_metadata": {"role": "admin"},
}
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
    conn: psycopg.Connection[Any],
    full_name: str,
    city: str | None,
    role: str | None = None,
    age: timedelta = timedelta(0),
) -> str:
    """An account as GoTrue creates it (``age`` before now); the profile comes from its trigger."""
    user_id = str(uuid.uuid4())
    app_meta: dict[str, Any] = {"provider": "email", "providers": ["email"]}
    if role:
        app_meta["role"] = role
    conn.execute(
        "insert into auth.users (instance_id, id, aud, role, email, encrypted_password,"
        " email_confirmed_at, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)"
        " values ('00000000-0000-0000-0000-000000000000', %s, 'authenticated', 'authenticated',"
        " %s, '', now(), %s, %s, now() - %s, now())",
        (
            user_id,
            f"{user_id[:8]}@example.co",
            json.dumps(app_meta),
            json.dumps({"full_name": full_name, "city": city}),
            age,
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


#: Daily bucket metric -> (base table, aggregate over that table's rows).
BUCKET_FIGURES = {
    "bookings_created": ("bookings", "count(*)"),
    "pending_bookings": ("bookings", "count(*) filter (where status = 'pending')"),
    "completed_revenue_cop": (
        "bookings",
        "coalesce(sum(total_price_cop) filter (where status = 'completed'), 0)",
    ),
    "users_created": ("users", "count(*)"),
    "professionals_created": ("professionals", "count(*)"),
}
#: Trend key of admin_dashboard_stats() -> the bucket metric its 30 d periods sum.
MONTH_TRENDS = {
    "total_bookings": "bookings_created",
    "pending_bookings": "pending_bookings",
    "total_revenue_cop": "completed_revenue_cop",
    "total_users": "users_created",
    "new_professionals_30d": "professionals_created",
}


def daily_buckets(conn: psycopg.Connection[dict[str, Any]]) -> dict[tuple[str, str], int]:
    """admin_stats_daily without zero rows (a bucket that dropped to 0 may keep its row)."""
    rows = conn.execute(
        "select day::text as day, metric, value from public.admin_stats_daily where value <> 0"
    ).fetchall()
    return {(r["day"], r["metric"]): r["value"] for r in rows}


def daily_buckets_truth(conn: psycopg.Connection[dict[str, Any]]) -> dict[tuple[str, str], int]:
    """Per UTC day of created_at, straight from the base tables."""
    query = " union all ".join(
        f"select ((created_at at time zone 'UTC')::date)::text as day, '{metric}' as metric,"
        f" {aggregate} as value from public.{table} group by 1"
        for metric, (table, aggregate) in BUCKET_FIGURES.items()
    )
    rows = conn.execute(query.encode()).fetchall()
    return {(r["day"], r["metric"]): int(r["value"]) for r in rows if r["value"] != 0}


def created_after_truth(conn: psycopg.Connection[dict[str, Any]], at: datetime) -> dict[str, int]:
    """Each bucket figure over the rows created after ``at``, from the base tables."""
    out: dict[str, int] = {}
    for metric, (table, aggregate) in BUCKET_FIGURES.items():
        row = conn.execute(
            f"select {aggregate} as v from public.{table} where created_at > %s".encode(), (at,)
        ).fetchone()
        assert row is not None
        out[metric] = int(row["v"])
    return out


def month_trends_truth(conn: psycopg.Connection[dict[str, Any]]) -> dict[str, float | None]:
    """Rows created in the last 30 d vs the 30 d before, as percent (one decimal, null base)."""
    out: dict[str, float | None] = {}
    for key, metric in MONTH_TRENDS.items():
        table, aggregate = BUCKET_FIGURES[metric]
        row = conn.execute(
            f"select private.percent_change("
            f" (select {aggregate} from public.{table}"
            f"   where created_at > now() - interval '30 days'),"
            f" (select {aggregate} from public.{table}"
            f"   where created_at > now() - interval '60 days'"
            f"     and created_at <= now() - interval '30 days')) as v".encode()
        ).fetchone()
        assert row is not None
        out[key] = None if row["v"] is None else float(row["v"])
    return out


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
        conn.execute(DEMO_MARKETPLACE_FILE.read_bytes())
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
PRO_STATUSES = ("pending", "approved", "rejected", "suspended")
PRICES = st.integers(min_value=0, max_value=5_000_000)
DAY = timedelta(days=1)
MICROSECOND = timedelta(microseconds=1)
#: How long before now() a row was created: anywhere in the last 70 days (both trend
#: periods and beyond), a little in the future, or exactly on a period edge.
AGES = st.one_of(
    st.integers(0, 70 * 86_400_000_000).map(lambda us: timedelta(microseconds=us)),
    st.integers(-3_600_000_000, 0).map(lambda us: timedelta(microseconds=us)),
    st.sampled_from([30 * DAY, 60 * DAY, DAY, 2 * DAY]).flatmap(
        lambda edge: st.sampled_from([edge - MICROSECOND, edge, edge + MICROSECOND])
    ),
)

booking_ops = st.one_of(
    st.tuples(st.just("insert"), st.sampled_from(STATUSES), PRICES, AGES),
    st.tuples(
        st.just("insert_many"),
        st.lists(st.tuples(st.sampled_from(STATUSES), PRICES, AGES), max_size=4),
    ),
    st.tuples(st.just("set_status"), st.integers(0, 50), st.sampled_from(STATUSES)),
    st.tuples(st.just("set_price"), st.integers(0, 50), PRICES),
    st.tuples(st.just("set_created_at"), st.integers(0, 50), AGES),
    st.tuples(
        st.just("complete_all_pending"),
    ),
    st.tuples(st.just("delete"), st.integers(0, 50)),
    st.tuples(st.just("sign_up"), AGES),
    st.tuples(st.just("move_user"), st.integers(0, 50), AGES),
    st.tuples(st.just("delete_user"), st.integers(0, 50)),
    st.tuples(st.just("add_professional"), st.sampled_from(PRO_STATUSES), AGES),
    st.tuples(st.just("delete_professional"), st.integers(0, 50)),
    st.tuples(
        st.just("truncate_bookings"),
    ),
)


def apply_ops(conn: psycopg.Connection[dict[str, Any]], ops: list[tuple[Any, ...]]) -> None:
    """Run a scripted mix of marketplace changes, each as one statement."""
    users = [DEMO_CUSTOMER]
    bookings: list[int] = []
    professionals: list[int] = []

    def pick(items: list[Any], index: int) -> Any:
        return items[index % len(items)]

    for op in ops:
        kind = op[0]
        if kind == "insert":
            row = conn.execute(
                "insert into public.bookings (customer_id, service, status, total_price_cop,"
                " created_at) values (%s, 'Plumbing', %s, %s, now() - %s) returning id",
                (pick(users, len(bookings)), op[1], op[2], op[3]),
            ).fetchone()
            assert row is not None
            bookings.append(row["id"])
        elif kind == "insert_many" and op[1]:
            rows = conn.execute(
                "insert into public.bookings (customer_id, service, status, total_price_cop,"
                " created_at) select %s, 'Painting', s, p, now() - a"
                " from unnest(%s::text[], %s::bigint[], %s::interval[]) as t(s, p, a)"
                " returning id",
                (
                    pick(users, 0),
                    [s for s, _, _ in op[1]],
                    [p for _, p, _ in op[1]],
                    [a for _, _, a in op[1]],
                ),
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
        elif kind == "set_created_at" and bookings:
            conn.execute(
                "update public.bookings set created_at = now() - %s where id = %s",
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
            users.append(new_auth_user(conn, "Test Customer", "Cali", age=op[1]))
        elif kind == "move_user":
            conn.execute(
                "update public.users set created_at = now() - %s where id = %s",
                (op[2], pick(users, op[1])),
            )
        elif kind == "delete_user" and len(users) > 1:
            # deleting the account cascades to the profile and its bookings
            victim = users.pop(1 + op[1] % (len(users) - 1))
            conn.execute("delete from auth.users where id = %s", (victim,))
        elif kind == "add_professional":
            row = conn.execute(
                "insert into public.professionals (full_name, specialty, city, status, created_at)"
                " values ('Jorge Patiño', 'Locksmith', 'Cali', %s, now() - %s) returning id",
                (op[1], op[2]),
            ).fetchone()
            assert row is not None
            professionals.append(row["id"])
        elif kind == "delete_professional" and professionals:
            conn.execute(
                "delete from public.professionals where id = %s", (pick(professionals, op[1]),)
            )
        elif kind == "truncate_bookings":
            conn.execute("truncate public.bookings cascade")
            bookings.clear()


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(booking_ops, min_size=1, max_size=12), probe=AGES)
def test_counters_and_daily_buckets_equal_sql_ground_truth_after_any_mix_of_changes(
    migrated_conninfo: str, ops: list[tuple[Any, ...]], probe: timedelta
) -> None:
    with rolled_back(migrated_conninfo) as conn:
        before = counters(conn)
        apply_ops(conn, ops)

        after = counters(conn)
        truth = ground_truth(conn)
        for metric in COUNTERS:
            assert after[metric][0] == truth[metric], metric
            # a changed value always comes with a newer seq (a client never drops it)
            if after[metric][0] != before[metric][0]:
                assert after[metric][1] > before[metric][1], metric
        assert daily_buckets(conn) == daily_buckets_truth(conn)
        # any instant, whichever side of its UTC day's noon it falls on
        row = conn.execute("select now() - %s as at", (probe,)).fetchone()
        assert row is not None
        created_after = conn.execute(
            "select * from private.admin_stats_created_after(%s)", (row["at"],)
        ).fetchone()
        assert created_after == created_after_truth(conn, row["at"])
        trends = month_trends_truth(conn)

        act_as(conn, ADMIN_CLAIMS)
        stats = rpc(conn, "admin_dashboard_stats()")
    for figure in (*COUNTERS, "bookings_24h", "new_professionals_30d"):
        assert stats[figure] == truth[figure], figure
    assert stats["counter_seq"] == {m: after[m][1] for m in COUNTERS}
    assert {k: stats["trends"][k] for k in MONTH_TRENDS} == trends


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


def test_recent_buckets_are_epoch_aligned_in_any_session_time_zone(migrated_conninfo: str) -> None:
    """Clients bucket by epoch; a session at UTC+05:30 must not shift the server's hours."""
    with rolled_back(migrated_conninfo) as conn:
        conn.execute("set local timezone = 'Asia/Kolkata'")
        conn.execute(
            "insert into public.professionals (full_name, specialty, status, created_at)"
            " values ('Luisa Mejía', 'Painting', 'pending', now() - interval '3 hours')"
        )
        conn.execute(
            "insert into public.bookings (customer_id, service, total_price_cop, created_at)"
            " values (%s, 'Painting', 300000, now() - interval '2 hours')",
            (DEMO_CUSTOMER,),
        )
        act_as(conn, ADMIN_CLAIMS)
        stats = rpc(conn, "admin_dashboard_stats()")
    assert stats["professionals_recent"]
    assert all(hour % 3600 == 0 for hour, _ in stats["professionals_recent"])
    assert stats["bookings_recent"]
    assert all(minute % 60 == 0 for minute, _ in stats["bookings_recent"])


DAILY_BUCKETS_MIGRATION = "20261124001000_stats_daily_buckets.sql"


def test_daily_buckets_migration_backfills_ground_truth_from_existing_rows(
    fresh_database: str, tmp_path: Path
) -> None:
    """As on a hosted project that already had data: seed first, then the bucket migration."""
    earlier = tmp_path / "earlier"
    earlier.mkdir()
    for name in MIGRATIONS[: MIGRATIONS.index(DAILY_BUCKETS_MIGRATION)]:
        (earlier / name).write_bytes((default_migrations_dir() / name).read_bytes())
    prepare_database(fresh_database, migrations_dir=earlier, seed_file=default_seed_file())
    with psycopg.connect(fresh_database, row_factory=dict_row) as conn:
        assert conn.execute("select to_regclass('public.admin_stats_daily') as t").fetchone() == {
            "t": None
        }
    report = prepare_database(
        fresh_database, migrations_dir=default_migrations_dir(), seed_file=None
    )
    assert DAILY_BUCKETS_MIGRATION in report.applied_migrations
    with rolled_back(fresh_database) as conn:
        buckets = daily_buckets(conn)
        assert buckets == daily_buckets_truth(conn)
        trends = month_trends_truth(conn)
        act_as(conn, ADMIN_CLAIMS)
        stats = rpc(conn, "admin_dashboard_stats()")
    assert {metric for _, metric in buckets} == set(BUCKET_FIGURES)
    assert {k: stats["trends"][k] for k in MONTH_TRENDS} == trends
    assert trends["total_bookings"] is not None  # the seed spans both periods


# --- notification triggers ------------------------------------------------------------------


def test_each_trigger_writes_the_expected_notification(migrated_conninfo: str) -> None:
    with rolled_back(migrated_conninfo) as conn:
        pro = conn.execute(
            "insert into public.professionals (full_name, specialty, city, status)"
            " values ('Carlos Ruiz', 'Plumbing', 'Bogotá', 'approved') returning id"
        ).fetchone()
        assert pro is not None

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
            "approved": notifications_for(conn, "professionals", pro["id"]),
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
    # added already approved: not an application, but announced (quietly) so that a
    # client's live new_professionals_30d counts it
    assert [shape(n) for n in got["approved"]] == [
        ("professional_applied", "low", "New professional",
         "Carlos Ruiz added as Plumbing (Bogotá) · approved", f"/admin/professionals/{pro['id']}"),
    ]  # fmt: skip
    assert got["approved"][0]["metadata"]["status"] == "approved"
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
    ("admin_notifications_before(%s, %s, %s)", (None, 5, True)),
]


def test_pages_before_an_id_walk_the_unread_backlog_and_the_history_newest_first(
    migrated_conninfo: str,
) -> None:
    with rolled_back(migrated_conninfo) as conn:
        for price in range(1, 8):
            conn.execute(
                "insert into public.bookings (customer_id, service, total_price_cop)"
                " values (%s, 'Gardening', %s)",
                (DEMO_CUSTOMER, price),
            )
        act_as(conn, ADMIN_CLAIMS)
        newest = rpc(conn, "admin_notifications_before(null, 3)")
        top = newest[0]["id"]
        assert [r["id"] for r in newest] == [top, top - 1, top - 2]
        # the facts a body is composed from in the admin's language (issue 14's leftover)
        assert newest[0]["metadata"]["service"] == "Gardening"
        assert newest[0]["metadata"]["total_price_cop"] == 7
        rpc(conn, "admin_mark_read(%s)", [top - 1, top - 3])

        unread: list[int] = []
        before = None
        while page := rpc(conn, "admin_notifications_before(%s, %s, true)", before, 2):
            assert all(not r["read"] for r in page)
            unread += [r["id"] for r in page]
            before = page[-1]["id"]
        assert unread == sorted(unread, reverse=True)
        assert len(unread) == rpc(conn, "admin_unread_count()")
        assert top - 1 not in unread
        assert top - 3 not in unread
        history = rpc(conn, "admin_notifications_before(%s, 5)", top + 1)
        assert [(r["id"], r["read"]) for r in history[:4]] == [
            (top, False), (top - 1, True), (top - 2, False), (top - 3, True),
        ]  # fmt: skip
        assert rpc(conn, "admin_notifications_before(%s, 0)", top) == []
        plan = conn.execute(
            "explain select 1 from public.admin_notifications a where a.id < 100"
            " order by a.id desc limit 10"
        ).fetchall()
        assert "Index" in str(plan)


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
        "admin_notifications", "admin_stats_counters", "admin_stats_daily",
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
    assert counts["customer"]["admin_stats_daily"] == 0
    assert counts["admin"]["admin_stats_daily"] > 0
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
