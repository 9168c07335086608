#!/usr/bin/env python3
"""Never deaf: the time from a fault on the data path to an urgent dispute shown, per route,
with the app's default data-path probe (one newest-id request per 15 s, 3 s grace).

The app's services (the live session the tray app and ``watch`` use) run in this process
against a private devstack. For each route the fault is made, an urgent dispute is committed
at once, and the clock runs until the dispute is in the app's list:

The supervisor runs with its defaults too (heartbeat every 25 s).

* ``deaf_socket``: every notification delivery dropped behind an open socket that still
  answers pings (the route does not matter to the probe; this is the general case);
* ``dead_listener``: realtime-py's receive loop ended;
* ``cursor_above_server``: the app starts with a cursor above the server's newest id (a
  restore or reset);
* ``oversized_record``: the dispute's record is 1.2 MB (Realtime trims it);
* ``postgres_backend_killed``: kill -9 of a PostgreSQL backend (all restart);

and the probe's cost: requests per hour per app, and the server's CPU time per probe
(measured over ``--probes`` calls), scaled to 100 apps. Goal: every route <= 30 s, p50 <= 15 s.

    .venv/bin/python benchmarks/bench_never_deaf.py
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from lia_desktop.core.connection import SupervisorPolicy  # noqa: E402
from lia_desktop.core.liveness import ProbePolicy  # noqa: E402
from lia_desktop.services.auth import AuthSession  # noqa: E402
from lia_desktop.services.sync import FeedState, FeedStateStore  # noqa: E402
from tests.fixtures import DevstackProcess  # noqa: E402
from tests.services.conftest import ServicesApp, services_app  # noqa: E402
from tests.services.test_never_deaf_devstack import (  # noqa: E402
    postgres_backends,
    urgent_dispute,
)

WITHIN = 60.0


async def shown(app: ServicesApp, ids: list[int]) -> float:
    started = time.monotonic()
    await app.recorder.until(lambda: all(app.sync.feed.get(i) is not None for i in ids), WITHIN)
    return time.monotonic() - started


async def route(devstack: DevstackProcess, name: str, data_dir: Path) -> float:
    admin = devstack.create_user(admin=True)
    if name == "cursor_above_server":
        FeedStateStore.for_admin(devstack.api_url, admin.id, data_dir).save(FeedState(10**6))
    async with services_app(
        devstack, admin, data_dir=data_dir, policy=SupervisorPolicy(), probe=ProbePolicy()
    ) as app:  # the app's own defaults: heartbeat, backoff and probe
        await app.until_live()
        # faults come at any moment, not just after a probe: a random phase of its period
        await asyncio.sleep(random.uniform(0, ProbePolicy().interval))
        began = time.monotonic()
        reason = "the professional never came"
        if name == "deaf_socket":
            app.sync.deaf = True
        elif name == "dead_listener":
            generation = app.supervisor._generation
            assert generation is not None
            assert generation.client._listen_task is not None
            generation.client._listen_task.cancel()
        elif name == "oversized_record":
            reason = "a customer wrote a great deal " * 40_000
        elif name == "postgres_backend_killed":
            os.kill(postgres_backends(devstack)[0], signal.SIGKILL)
        ids: list[int] = []
        while not ids:
            try:
                ids = await asyncio.to_thread(urgent_dispute, devstack.db_url, reason)
            except Exception:  # the server refuses commits while it recovers
                await asyncio.sleep(0.2)
        await shown(app, ids)
        return time.monotonic() - began


async def probe_cost(devstack: DevstackProcess, probes: int) -> dict[str, Any]:
    admin = devstack.create_user(admin=True)
    auth = await AuthSession.open(devstack.api_url, devstack.anon_key, persist=False)
    await auth.sign_in(admin.email, admin.password)
    server = psutil.Process(devstack.pid)
    family = [server, *server.children(recursive=True)]

    def cpu() -> float:
        total = 0.0
        for process in family:
            try:
                times = process.cpu_times()
            except psutil.NoSuchProcess:
                continue
            total += times.user + times.system
        return total

    before = cpu()
    started = time.monotonic()
    for _ in range(probes):
        await auth.api.newest_id()
    wall = time.monotonic() - started
    server_ms = (cpu() - before) * 1000 / probes
    await auth.sign_out()
    await auth.close()
    per_hour = 3600 / ProbePolicy().interval
    return {
        "requests_per_hour_per_app": round(per_hour),
        "server_cpu_ms_per_probe": round(server_ms, 3),
        "server_cpu_percent_for_100_apps": round(server_ms * per_hour * 100 / 3600 / 1000 * 100, 3),
        "probe_round_trip_ms": round(wall * 1000 / probes, 2),
    }


async def bench(devstack: DevstackProcess, probes: int) -> dict[str, Any]:
    routes = [
        "deaf_socket",
        "dead_listener",
        "cursor_above_server",
        "oversized_record",
        "postgres_backend_killed",
    ]
    seconds = {}
    for name in routes:
        with tempfile.TemporaryDirectory(prefix="lia-bench-deaf-") as folder:
            seconds[name] = round(await route(devstack, name, Path(folder)), 2)
    values = list(seconds.values())
    return {
        "probe": {"interval_s": ProbePolicy().interval, "grace_s": ProbePolicy().grace},
        "fault_to_urgent_dispute_shown_s": seconds,
        "max_s": max(values),
        "p50_s": round(statistics.median(values), 2),
        "probe_cost": await probe_cost(devstack, probes),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--probes", type=int, default=1000)
    args = parser.parse_args()
    devstack = DevstackProcess(Path(tempfile.mkdtemp(prefix="lia-devstack-bench-nd-", dir="/tmp")))
    devstack.start()
    try:
        result = asyncio.run(bench(devstack, args.probes))
    finally:
        devstack.destroy()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
