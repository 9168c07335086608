"""Claim -> every other admin's row updated (issue 17), on a private devstack; prints one JSON
object.

One admin claims ``CLAIMS`` disputes one after the other through the app's own path
(``LiveSession.claim``: the ``admin_claim`` RPC, its answer parsed and applied). ``OTHERS``
other admins run the whole services stack each (their own sign-in, websocket, supervisor
and Sync), and the time is taken when each one's ``on_claims`` hears the claim: what the
tray app hands to the notification center, which repaints the row from it in the same
call (``AppState.publish_claims`` -> ``NotificationModel.set_claims``).

- ``claim_to_all_others_ms``: from the claim's call to the last other admin updated
  (p50/p95/p99/max; goal p99 <= 250 ms);
- ``claim_to_each_other_ms``: the same per (claim, other admin) pair;
- ``claim_rpc_ms``: the claimer's round trip (the answer that says who won).

Run: ``.venv/bin/python benchmarks/bench_claims.py [--claims N] [--others N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import psycopg

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from benchmarks.private_devstack import measure_on_private_devstack, percentiles_ms  # noqa: E402
from lia_desktop.core.models import ClaimBoard, ClaimKey  # noqa: E402
from lia_desktop.services.auth import AuthSession  # noqa: E402
from lia_desktop.services.session import LiveSession  # noqa: E402
from tests.fixtures import DevstackProcess, DevstackUser  # noqa: E402
from tests.services.conftest import FAST_POLICY, Recorder  # noqa: E402

CLAIMS = 200
OTHERS = 3


def new_disputes(devstack: DevstackProcess, count: int) -> list[int]:
    with psycopg.connect(devstack.db_url, autocommit=True) as db:
        rows = db.execute(
            "insert into public.disputes (booking_id, reason)"
            " select (select id from public.bookings order by id limit 1), 'bench ' || n"
            " from generate_series(1, %s) n returning id",
            (count,),
        ).fetchall()
    return [int(r[0]) for r in rows]


class Watcher:
    """One admin's claims as the app hears them: when each item was first seen held."""

    def __init__(self) -> None:
        self.held_at: dict[ClaimKey, float] = {}
        self.changed = asyncio.Event()

    def __call__(self, board: ClaimBoard) -> None:
        now = time.perf_counter()
        for key in board.held:
            self.held_at.setdefault(key, now)
        self.changed.set()

    async def until_held(self, key: ClaimKey, within: float = 30.0) -> float:
        async with asyncio.timeout(within):
            while key not in self.held_at:
                self.changed.clear()
                await self.changed.wait()
        return self.held_at[key]


async def live_admin(
    stack: AsyncExitStack, devstack: DevstackProcess, user: DevstackUser, watcher: Watcher
) -> LiveSession:
    auth = await AuthSession.open(devstack.api_url, devstack.anon_key, persist=False)
    await auth.sign_in(user.email, user.password)
    recorder = Recorder()
    live = LiveSession.start(
        auth,
        recorder,
        anon_key=devstack.anon_key,
        web_admin_url="https://admin.lia.test",
        data_dir=Path(tempfile.mkdtemp(prefix="lia-feed-")),
        policy=FAST_POLICY,
        on_claims=watcher,
    )
    stack.push_async_callback(live.close, sign_out=True)
    await recorder.until(lambda: live.sync.catch_ups > 0 and recorder.phase == "live", 60)
    return live


async def measure(devstack: DevstackProcess, claims: int, others: int) -> dict[str, Any]:
    users = [devstack.create_user(admin=True) for _ in range(1 + others)]
    disputes = new_disputes(devstack, claims)
    async with AsyncExitStack() as stack:
        watchers = [Watcher() for _ in users]
        sessions = [
            await live_admin(stack, devstack, u, w) for u, w in zip(users, watchers, strict=True)
        ]
        claimer, watching = sessions[0], watchers[1:]
        to_all, to_each, rpc = [], [], []
        for dispute in disputes:
            key = ClaimKey("disputes", dispute)
            started = time.perf_counter()
            claim = await claimer.claim(key)
            rpc.append(time.perf_counter() - started)
            assert str(claim.holder) == users[0].id, claim
            seen = [await w.until_held(key) - started for w in watching]
            to_each.extend(seen)
            to_all.append(max(seen))
    return {
        "claims": claims,
        "other_admins": others,
        "claim_to_all_others_ms": percentiles_ms(to_all),
        "claim_to_each_other_ms": percentiles_ms(to_each),
        "claim_rpc_ms": percentiles_ms(rpc),
        "goal_p99_ms": 250,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=CLAIMS)
    parser.add_argument("--others", type=int, default=OTHERS)
    args = parser.parse_args()
    measure_on_private_devstack(lambda devstack: measure(devstack, args.claims, args.others))


if __name__ == "__main__":
    main()
