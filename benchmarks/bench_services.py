"""The full services stack against a private devstack; prints one JSON object.

- ``commit_to_feed_ms``: p50/p95/p99 from the commit of a booking (SQL, one
  transaction each) to ``Sync`` telling its observer about the new
  notification, through pgoutput, Realtime, the websocket, the supervisor and
  core.feed, over ``EVENTS`` bookings made one at a time.
- ``reconnect_s``: from ``kill()`` of the whole backend (server SIGKILL +
  immediate Postgres stop) through its restart to the supervisor's next LIVE,
  and the part of it that is the app's own (LIVE minus the devstack's ready).
- ``websockets_per_app``: open client websockets while live (expected 1).

Run: ``.venv/bin/python benchmarks/bench_services.py``.
"""

from __future__ import annotations

import asyncio
import gc
import sys
import time
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection
from websockets.protocol import State

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from benchmarks.private_devstack import measure_on_private_devstack, percentiles_ms  # noqa: E402
from lia_desktop.core.feed import FeedUpdate, NotificationFeed  # noqa: E402
from tests.fixtures import DevstackProcess  # noqa: E402
from tests.services.conftest import Marketplace, services_app  # noqa: E402

EVENTS = 200


def open_websockets() -> int:
    return sum(
        1 for o in gc.get_objects() if isinstance(o, ClientConnection) and o.state is State.OPEN
    )


async def measure(devstack: DevstackProcess) -> dict[str, Any]:
    admin = devstack.create_user(admin=True)
    market = Marketplace(devstack.db_url)
    async with services_app(devstack, admin) as app:
        await app.until_live(60)
        await app.recorder.until(lambda: app.sync.catch_ups >= 1, 60)
        seen_at: dict[int, float] = {}
        feed_changed = app.recorder.feed_changed

        def stamp(update: FeedUpdate, feed: NotificationFeed) -> None:
            for n in update.added:
                seen_at.setdefault(n.id, time.perf_counter())
            feed_changed(update, feed)

        app.recorder.feed_changed = stamp  # type: ignore[method-assign]
        latencies: list[float] = []
        for _ in range(EVENTS):
            booking = await asyncio.to_thread(market.book)  # returns after the commit
            committed = time.perf_counter()
            [notification] = await asyncio.to_thread(market.notification_for, "bookings", booking)
            await app.recorder.until(lambda n=notification: n in seen_at, 30)
            latencies.append(seen_at[notification] - committed)
        websockets = open_websockets()
        generations_before = app.supervisor.generations

        killed = time.perf_counter()
        await asyncio.to_thread(devstack.kill)
        await app.recorder.until(lambda: not app.live, 30)
        await asyncio.to_thread(devstack.start)
        ready = time.perf_counter()
        await app.until_live(120)
        live = time.perf_counter()
        return {
            "events": EVENTS,
            "commit_to_feed_ms": percentiles_ms(latencies),
            "reconnect_s": {
                "kill_to_live": round(live - killed, 2),
                "devstack_restart": round(ready - killed, 2),
                "ready_to_live": round(live - ready, 2),
            },
            "websockets_per_app": websockets,
            "generations": {"before_kill": generations_before, "after": app.supervisor.generations},
        }


def main() -> None:
    measure_on_private_devstack(measure)


if __name__ == "__main__":
    main()
