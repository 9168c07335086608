"""The demo's marketplace simulator drives the real schema: every kind of admin event appears."""

from __future__ import annotations

import asyncio
import random

import psycopg

from lia_desktop.devstack.database import (
    default_migrations_dir,
    default_seed_file,
    prepare_database,
)
from lia_desktop.devstack.simulator import MarketplaceSimulator, Pace


async def test_simulated_activity_reaches_the_admin_queue(fresh_database: str) -> None:
    prepare_database(
        fresh_database, migrations_dir=default_migrations_dir(), seed_file=default_seed_file()
    )
    with psycopg.connect(fresh_database) as db:
        before = db.execute("select coalesce(max(id), 0) from admin_notifications").fetchone()
        users_before = db.execute("select count(*) from public.users").fetchone()
    assert before is not None
    assert users_before is not None
    simulator = MarketplaceSimulator(
        fresh_database, pace=Pace(mean_interval_s=0.001, burst_every_s=3600), rng=random.Random(7)
    )
    async with await psycopg.AsyncConnection.connect(fresh_database, autocommit=True) as db:
        for _ in range(400):
            await simulator.act(db)
        await simulator.burst(db)
    with psycopg.connect(fresh_database) as db:
        types = {
            row[0]
            for row in db.execute(
                "select distinct type from admin_notifications where id > %s", (before[0],)
            )
        }
        new_users = db.execute(
            "select count(*), count(city) from public.users u where u.email like '%%@example.co'"
        ).fetchone()
        truth = db.execute(
            "select count(*) filter (where status = 'pending'), count(*) from public.bookings"
        ).fetchone()
        counters = dict(db.execute("select metric, value from admin_stats_counters").fetchall())
    assert types >= {
        "booking_created",
        "booking_cancelled",
        "review_created",
        "user_signed_up",
        "professional_applied",
        "dispute_opened",
    }
    assert new_users is not None
    assert new_users[0] > 0
    assert new_users[0] == new_users[1]  # every sign-up has a city
    assert truth is not None
    assert (counters["pending_bookings"], counters["total_bookings"]) == truth
    assert simulator.actions_done == 401


async def test_a_stop_request_ends_the_run_promptly(fresh_database: str) -> None:
    prepare_database(
        fresh_database, migrations_dir=default_migrations_dir(), seed_file=default_seed_file()
    )
    simulator = MarketplaceSimulator(fresh_database, pace=Pace(mean_interval_s=0.01))
    stop = asyncio.Event()
    run = asyncio.create_task(simulator.run(stop))
    await asyncio.sleep(0.5)
    stop.set()
    await asyncio.wait_for(run, 5)
    assert simulator.actions_done > 0
