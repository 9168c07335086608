"""Realtime delivery through the devstack: commit -> realtime-py callback latency, and a burst.

Starts a private devstack (subprocess, as the tests do), subscribes an admin
with the unchanged realtime-py 2.34.1 client to INSERTs on ``bookings`` (an
RLS table, so every event pays the per-subscriber RLS check), then:

* latency: 2,000 single-row commits, one after the other; for each, the time
  from the commit returning to the client callback firing;
* burst: 10,000 rows committed in one transaction (time from its commit to the
  last callback), then 10,000 rows in 100 transactions of 100 (time from the
  first commit to the last callback).

Lost and duplicated events are counted by booking id (both must be 0).
Prints one JSON object. Targets (2-core machine): p99 <= 50 ms, burst <= 5 s.

Usage: .venv/bin/python benchmarks/bench_realtime.py [--commits 2000] [--burst 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import psycopg

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from tests.devstack.realtime_clients import realtime_client, user_token  # noqa: E402
from tests.fixtures import DevstackProcess  # noqa: E402

ADMIN_ID = "00000000-0000-4000-a000-00000000be0c"
INSERT_BOOKINGS = (
    "insert into bookings (customer_id, professional_id, service, status, total_price_cop,"
    " scheduled_at) select %s, %s, 'Plumbing', 'pending', 150000, now() from generate_series(1, %s)"
    " returning id"
)


def percentile(sorted_values: list[float], q: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, round(q * (len(sorted_values) - 1)))]


class Arrivals:
    """Callback: booking id -> arrival time, counting duplicates; wakes waiters."""

    def __init__(self) -> None:
        self.at: dict[int, float] = {}
        self.seen: Counter[int] = Counter()
        self.changed = asyncio.Event()

    def __call__(self, payload: Any) -> None:
        booking = payload["data"]["record"]["id"]
        self.seen[booking] += 1
        self.at.setdefault(booking, time.perf_counter())
        self.changed.set()

    async def until(self, ids: list[int], deadline_s: float) -> None:
        async with asyncio.timeout(deadline_s):
            while not all(i in self.at for i in ids):
                self.changed.clear()
                await self.changed.wait()


async def run(devstack: DevstackProcess, commits: int, burst: int) -> dict[str, Any]:
    arrivals = Arrivals()
    token = user_token(devstack, ADMIN_ID, admin=True, ttl=3600)
    async with (
        realtime_client(devstack, token) as client,
        await psycopg.AsyncConnection.connect(devstack.db_url, autocommit=True) as db,
    ):
        ready = asyncio.Event()
        channel = client.channel("bench")
        channel.on_postgres_changes("INSERT", table="bookings", callback=arrivals)
        channel.on_system(lambda p: ready.set())
        await channel.subscribe()
        await asyncio.wait_for(ready.wait(), 30)
        customer = (
            await (
                await db.execute("select id from users where role = 'customer' limit 1")
            ).fetchone()
        )[0]
        professional = (
            await (await db.execute("select id from professionals limit 1")).fetchone()
        )[0]

        async def insert(rows: int) -> tuple[list[int], float]:
            cursor = await db.execute(INSERT_BOOKINGS, (customer, professional, rows))
            ids = [row[0] for row in await cursor.fetchall()]
            return ids, time.perf_counter()

        latencies = []
        committed: list[int] = []
        for _ in range(commits):
            ids, committed_at = await insert(1)
            committed += ids
            await arrivals.until(ids, 10)
            latencies.append((arrivals.at[ids[0]] - committed_at) * 1000)

        ids, committed_at = await insert(burst)
        committed += ids
        await arrivals.until(ids, 60)
        one_transaction_s = max(arrivals.at[i] for i in ids) - committed_at

        many: list[int] = []
        started = time.perf_counter()
        for _ in range(100):
            batch, _ = await insert(burst // 100)
            many += batch
        committed += many
        await arrivals.until(many, 60)
        many_transactions_s = max(arrivals.at[i] for i in many) - started
        await asyncio.sleep(0.5)  # let any duplicate arrive before counting

    latencies.sort()
    return {
        "commits": commits,
        "latency_ms": {
            "p50": round(percentile(latencies, 0.50), 2),
            "p95": round(percentile(latencies, 0.95), 2),
            "p99": round(percentile(latencies, 0.99), 2),
            "max": round(latencies[-1], 2),
            "mean": round(statistics.fmean(latencies), 2),
        },
        "burst_rows": burst,
        "burst_one_transaction_s": round(one_transaction_s, 3),
        # from the first of the 100 commits (they overlap with delivery) to the last callback
        "burst_100_transactions_s": round(many_transactions_s, 3),
        "lost": sum(1 for i in committed if i not in arrivals.at),
        "duplicated": sum(1 for count in arrivals.seen.values() if count > 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=2000)
    parser.add_argument("--burst", type=int, default=10_000)
    args = parser.parse_args()
    devstack = DevstackProcess(Path(tempfile.mkdtemp(prefix="lia-bench-rt-", dir="/tmp")) / "data")
    devstack.start()
    try:
        result = asyncio.run(run(devstack, args.commits, args.burst))
    finally:
        devstack.destroy()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
