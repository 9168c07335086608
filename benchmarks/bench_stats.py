"""admin_dashboard_stats() against the seed plan's query set, at 10k, 100k and 1M bookings.

Prints one JSON object. The seed plan (useRealtimeDashboardStats) issues five
PostgREST queries: exact counts of bookings, users and pending bookings, the
professionals created in the last 30 days (rows downloaded), and every
completed booking's price (rows downloaded, summed on the client). Both run
here on the same database, as role ``authenticated`` with an admin's JWT
claims, the way PostgREST runs them (so RLS applies). The seed plan's rows are
serialised to JSON in the database and parsed in Python, as PostgREST and
supabase-js do.

Bulk load: bookings are generated with ``generate_series``; the statement-level
counter and daily-bucket triggers stay ON (the load itself maintains them); the
per-row ``bookings_notify_created`` trigger is disabled during the load, since
a million "New booking" notifications is not what is measured. Sizes grow one
table: 10k, then +90k, then +900k, with VACUUM ANALYZE after each load (as
autovacuum would), created_at spread over the last 365 days.

``--history-after 10000`` separates table size from window size: bookings
beyond the first 10k are created 400+ days ago, so every window holds what it
held at 10k while the table grows to 1M.

Usage: .venv/bin/python benchmarks/bench_stats.py [--sizes 10000,100000,1000000] [--calls 200]
       [--history-after N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg

from lia_desktop.devstack.database import default_migrations_dir, prepare_database
from lia_desktop.devstack.postgres import PostgresCluster

ADMIN_ID = "00000000-0000-4000-a000-0000000000ad"
ADMIN_CLAIMS = json.dumps(
    {"sub": ADMIN_ID, "role": "authenticated", "app_metadata": {"role": "admin"}}
)

SEED_PLAN_QUERIES: dict[str, str] = {
    # supabase.from('bookings').select('id, status', {count: 'exact', head: true})
    "bookings_count": "select count(*) from public.bookings",
    # supabase.from('users').select('id', {count: 'exact', head: true})
    "users_count": "select count(*) from public.users",
    # professionals created in the last 30 days, rows downloaded
    "professionals_30d_rows": (
        "select coalesce(json_agg(t), '[]')::text from (select id, created_at"
        " from public.professionals where created_at >= now() - interval '30 days') t"
    ),
    # every completed booking's price, rows downloaded and summed on the client
    "completed_prices_rows": (
        "select coalesce(json_agg(t), '[]')::text from (select total_price_cop"
        " from public.bookings where status = 'completed') t"
    ),
    # pending count (issued after the other four)
    "pending_count": "select count(*) from public.bookings where status = 'pending'",
}


def as_admin(conn: psycopg.Connection[Any]) -> None:
    conn.execute(
        "select set_config('role', 'authenticated', true),"
        " set_config('request.jwt.claims', %s, true)",
        (ADMIN_CLAIMS,),
    )


def timed(fn: Callable[[], Any], calls: int) -> tuple[list[float], Any]:
    times: list[float] = []
    result: Any = None
    for _ in range(calls):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return times, result


def summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)

    def percentile(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))], 2)

    return {
        "median_ms": round(statistics.median(ordered), 2),
        "p95_ms": percentile(0.95),
        "p99_ms": percentile(0.99),
    }


def load_people(conn: psycopg.Connection[Any]) -> None:
    """An admin, 2,000 customers and 300 professionals (notifications included)."""
    conn.execute(
        "insert into auth.users (id, aud, role, email, raw_app_meta_data, raw_user_meta_data,"
        " created_at) values (%s, 'authenticated', 'authenticated', 'bench-admin@lia.test',"
        ' \'{"role": "admin"}\', \'{"full_name": "Bench Admin"}\', now())',
        (ADMIN_ID,),
    )
    conn.execute(
        "insert into auth.users (id, aud, role, email, raw_user_meta_data, created_at)"
        " select gen_random_uuid(), 'authenticated', 'authenticated', 'c' || i || '@example.co',"
        " jsonb_build_object('full_name', 'Cliente ' || i, 'city', 'Bogotá'),"
        " now() - random() * interval '365 days' from generate_series(1, 2000) i"
    )
    conn.execute(
        "insert into public.professionals (full_name, specialty, city, status, created_at)"
        " select 'Profesional ' || i, 'Plumbing', 'Medellín',"
        " case when i % 10 = 0 then 'pending' else 'approved' end,"
        " now() - random() * interval '365 days' from generate_series(1, 300) i"
    )


def load_bookings(conn: psycopg.Connection[Any], count: int, older_than_days: int) -> float:
    """``count`` bookings created over the 365 days before ``older_than_days`` ago."""
    start = time.perf_counter()
    with conn.transaction():
        conn.execute("alter table public.bookings disable trigger bookings_notify_created")
        conn.execute(
            "insert into public.bookings (customer_id, professional_id, service, status,"
            " total_price_cop, scheduled_at, created_at)"
            " select c.ids[1 + (i %% cardinality(c.ids))], p.ids[1 + (i %% cardinality(p.ids))],"
            " 'Plumbing',"
            " (array['pending', 'confirmed', 'in_progress', 'completed', 'completed',"
            "   'completed', 'completed', 'completed', 'completed', 'cancelled'])[1 + i %% 10],"
            " 50000 + (i::bigint * 7919) %% 950000, now(),"
            " now() - make_interval(days => %s) - random() * interval '365 days'"
            " from generate_series(1, %s) i,"
            " (select array_agg(id) as ids from public.users where role = 'customer') c,"
            " (select array_agg(id) as ids from public.professionals) p",
            (older_than_days, count),
        )
        conn.execute("alter table public.bookings enable trigger bookings_notify_created")
    conn.execute("vacuum analyze public.bookings")
    return time.perf_counter() - start


def measure(conninfo: str, rpc_calls: int, plan_calls: int) -> dict[str, Any]:
    with psycopg.connect(conninfo) as conn:

        def stats() -> dict[str, Any]:
            with conn.transaction():
                as_admin(conn)
                row = conn.execute("select public.admin_dashboard_stats()::text").fetchone()
            assert row is not None
            parsed: dict[str, Any] = json.loads(row[0])
            parsed["_bytes"] = len(row[0])
            return parsed

        def seed_plan() -> dict[str, Any]:
            out: dict[str, Any] = {"per_query_ms": {}, "rows": 0, "bytes": 0}
            with conn.transaction():
                as_admin(conn)
                for name, sql in SEED_PLAN_QUERIES.items():
                    start = time.perf_counter()
                    row = conn.execute(sql.encode()).fetchone()
                    assert row is not None
                    value = row[0]
                    if isinstance(value, str):
                        rows = json.loads(value)
                        out["rows"] += len(rows)
                        out["bytes"] += len(value)
                        if name == "completed_prices_rows":
                            out["revenue"] = sum(r["total_price_cop"] for r in rows)
                        else:
                            out["new_professionals"] = len(rows)
                    else:
                        out[name] = value
                    out["per_query_ms"][name] = (time.perf_counter() - start) * 1000
            return out

        stats()  # warm the plan caches for both sides alike
        seed_plan()
        rpc_times, snapshot = timed(stats, rpc_calls)
        plan_times, plan = timed(seed_plan, plan_calls)
    agree = (
        snapshot["total_bookings"] == plan["bookings_count"]
        and snapshot["pending_bookings"] == plan["pending_count"]
        and snapshot["total_users"] == plan["users_count"]
        and snapshot["total_revenue_cop"] == plan["revenue"]
        and snapshot["new_professionals_30d"] == plan["new_professionals"]
    )
    return {
        "admin_dashboard_stats": {
            "calls": rpc_calls,
            **summary(rpc_times),
            "response_bytes": snapshot["_bytes"],
        },
        "seed_plan_queries": {
            "calls": plan_calls,
            **summary(plan_times),
            "rows_downloaded": plan["rows"],
            "response_bytes": plan["bytes"],
            "last_call_per_query_ms": {k: round(v, 2) for k, v in plan["per_query_ms"].items()},
        },
        "figures_agree": agree,
        "figures": {
            k: snapshot[k]
            for k in ("total_bookings", "pending_bookings", "total_users", "total_revenue_cop")
        },
        "trends": snapshot["trends"],
        # what the remaining window work scales with: the booking rate, not the table size
        "bookings_24h": snapshot["bookings_24h"],
        "recent_minute_buckets": len(snapshot["bookings_recent"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument(
        "--calls", type=int, default=200, help="admin_dashboard_stats() calls (>= 100 for a p99)"
    )
    parser.add_argument("--plan-calls", type=int, default=5, help="seed-plan query-set runs")
    parser.add_argument(
        "--history-after",
        type=int,
        default=0,
        metavar="N",
        help="bookings beyond the first N are created 400+ days ago, outside every window:"
        " the table grows while the windows stay as they were at N",
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    cluster = PostgresCluster(Path(tempfile.mkdtemp(prefix="lia-bench-pg-", dir="/tmp")))
    cluster.start()
    try:
        prepare_database(cluster.conninfo, migrations_dir=default_migrations_dir(), seed_file=None)
        results: list[dict[str, Any]] = []
        with psycopg.connect(cluster.conninfo, autocommit=True) as conn:
            with conn.transaction():
                load_people(conn)
            loaded = 0
            for size in sizes:
                recent = max(0, min(size, args.history_after or size) - loaded)
                load_s = sum(
                    load_bookings(conn, count, older_than_days)
                    for count, older_than_days in ((recent, 0), (size - loaded - recent, 400))
                    if count
                )
                loaded = size
                results.append(
                    {
                        "bookings": size,
                        "load_seconds": round(load_s, 2),
                        **measure(cluster.conninfo, args.calls, args.plan_calls),
                    }
                )
            version = conn.execute("show server_version").fetchone()
        print(
            json.dumps(
                {
                    "benchmark": "admin_dashboard_stats vs seed plan useRealtimeDashboardStats",
                    "postgres": version[0] if version else None,
                    "cpus": os.cpu_count(),
                    "bulk_load": "counter and daily-bucket triggers kept; per-row notification trigger disabled",
                    "history_after": args.history_after or None,
                    "seed_plan_note": "sequential on one connection; the web app runs 4 in parallel",
                    "results": results,
                },
                indent=2,
            )
        )
    finally:
        cluster.destroy()


if __name__ == "__main__":
    main()
