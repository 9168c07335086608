"""The demo's other admins (issue 17): they come on duty, step away, claim the items that
need one owner and release them later, through the RPCs as admins, so a demo shows it alive."""

from __future__ import annotations

import asyncio
import random

import psycopg
import pytest

from lia_desktop.devstack.database import (
    default_migrations_dir,
    default_seed_file,
    prepare_database,
)
from lia_desktop.devstack.simulator import TEAMMATES, MarketplaceSimulator
from tests.devstack.realtime_clients import realtime_client, user_token
from tests.devstack.test_admins_on_duty_presence import Member
from tests.fixtures import private_devstack

pytestmark = pytest.mark.devstack


async def test_teammates_claim_and_release_items_that_need_one_owner(
    fresh_database: str,
) -> None:
    prepare_database(
        fresh_database, migrations_dir=default_migrations_dir(), seed_file=default_seed_file()
    )
    simulator = MarketplaceSimulator(fresh_database, rng=random.Random(17))
    async with await psycopg.AsyncConnection.connect(fresh_database, autocommit=True) as db:
        for _ in range(3):
            await simulator.open_dispute(db)
        for _ in range(30):
            await simulator.teammate_turn(db)
    with psycopg.connect(fresh_database) as db:
        actions = db.execute(
            "select a.action, a.actor::text, n.type from public.admin_audit a"
            " join public.admin_notifications n"
            "   on n.entity_table = a.target_type and n.entity_id = a.target_id::text"
            " order by a.id"
        ).fetchall()
        duty = dict(
            db.execute(
                "select admin_id::text, status from public.admin_duty where admin_id = any(%s)",
                (list(TEAMMATES),),
            ).fetchall()
        )
        names = {
            row[0]
            for row in db.execute(
                "select holder_name from public.admin_claims where holder is not null"
            )
        }
    assert {action for action, _, _ in actions} == {"claim", "release"}
    assert {actor for _, actor, _ in actions} <= set(TEAMMATES)
    assert {kind for _, _, kind in actions} <= {
        "dispute_opened",
        "dispute_escalated",
        "professional_applied",
        "review_created",
    }
    assert names <= set(TEAMMATES.values())
    assert set(duty) == set(TEAMMATES)  # each came on duty, and may have stepped away since
    assert set(duty.values()) <= {"available", "away"}


async def test_the_demo_teammates_are_present_on_the_admins_channel() -> None:
    """The other admins' apps are connected too: an admin's client on ``admins_on_duty``
    sees each teammate present, so the demo's "On duty" names them (it lists only the
    admins present there), and they leave when the simulator stops."""
    with private_devstack("lia-devstack-teammates-") as stack:
        simulator = MarketplaceSimulator(
            stack.db_url,
            realtime_url=stack.api_url.replace("http", "ws", 1) + "/realtime/v1",
            service_role_key=stack.service_role_key,
            rng=random.Random(3),
        )
        admin = await asyncio.to_thread(stack.create_user, admin=True)
        async with realtime_client(stack, user_token(stack, admin.id, admin=True)) as client:
            me = Member(client, admin.id)
            await me.join({"admin": admin.id})
            async with await psycopg.AsyncConnection.connect(stack.db_url, autocommit=True) as db:
                await simulator.teammate_turn(db)
            await me.sees({admin.id, *TEAMMATES})
            await simulator.all_offline()
            await me.sees({admin.id})
