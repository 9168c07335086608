"""The demo's other admins (issue 17): they come on duty, step away, claim the items that
need one owner and release them later, through the RPCs as admins, so a demo shows it alive."""

from __future__ import annotations

import random

import psycopg
import pytest

from lia_desktop.devstack.database import (
    default_migrations_dir,
    default_seed_file,
    prepare_database,
)
from lia_desktop.devstack.simulator import TEAMMATES, MarketplaceSimulator

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
