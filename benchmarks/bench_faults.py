"""Reconnect time and websockets per app: ``lia-desktop watch`` behind the fault proxy.

Starts a private devstack and runs the real ``lia-desktop watch`` process (the
app's services with their default policy) through a ``FaultProxy``, then:

* ``reconnect_after_reset_s``: RST every connection N times, each after a
  healthy spell (so it is a first loss, the case the 3 s target is about); the
  time from the reset to the ``live`` line. ``back_to_back_resets_s``: three
  more resets in a row, where the backoff grows by design (a flapping link);
* ``heal_to_live_after_stall_s``: a stall long enough for the heartbeat
  watchdog to call the socket dead (default policy: 25 s + 10 s), then heal;
  the time from the heal to the ``live`` line;
* ``websockets_per_app``: sampled every 100 ms during the whole run, the
  watch process's TCP connections (psutil) that the proxy saw open with
  ``GET /realtime/v1/websocket``; the maximum and the final count (target: 1);
* lost / duplicated: booking notifications committed vs shown (both 0).

Prints one JSON object. Usage: .venv/bin/python benchmarks/bench_faults.py [--resets 5]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from lia_desktop.devstack.faultproxy import FaultProxy  # noqa: E402
from tests.fixtures import DevstackProcess  # noqa: E402
from tests.stress.harness import GroundTruth  # noqa: E402

WEBSOCKET_REQUEST = "GET /realtime/v1/websocket"


class Watch:
    """The ``watch`` subprocess and its JSON lines."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.lines: list[dict[str, Any]] = []
        self.changed = asyncio.Event()
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.proc.stdout is not None
        async for raw in self.proc.stdout:
            self.lines.append(json.loads(raw))
            self.changed.set()

    @property
    def phase(self) -> str | None:
        states = [e for e in self.lines if e["kind"] == "connection"]
        return states[-1]["phase"] if states else None

    async def live_after(self, mark: int, within: float = 120.0) -> float:
        """Seconds until a ``live`` connection line appears after line index ``mark``."""
        started = time.monotonic()
        while not any(
            e["kind"] == "connection" and e["phase"] == "live" for e in self.lines[mark:]
        ):
            if time.monotonic() - started > within:
                raise TimeoutError(f"not live again within {within} s (phase {self.phase})")
            self.changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), 0.05)
        return time.monotonic() - started


class SocketCounter:
    """Samples the watch process's websockets: its connections the proxy saw upgrade."""

    def __init__(self, pid: int, proxy: FaultProxy) -> None:
        self.process = psutil.Process(pid)
        self.proxy = proxy
        self.samples: list[int] = []

    def count(self) -> int:
        websocket_ports = {
            port for port, line in self.proxy.open_requests() if line.startswith(WEBSOCKET_REQUEST)
        }
        return sum(
            1
            for c in self.process.net_connections(kind="tcp")
            if c.status == psutil.CONN_ESTABLISHED
            and c.raddr
            and c.raddr.port == self.proxy.port
            and c.laddr.port in websocket_ports
        )

    async def run(self) -> None:
        while True:
            self.samples.append(self.count())
            await asyncio.sleep(0.1)


async def measure(
    devstack: DevstackProcess, resets: int, healthy: float, stall: float
) -> dict[str, Any]:
    truth = GroundTruth(devstack.db_url)
    baseline = max(await truth.notification_ids(), default=0)
    async with FaultProxy("127.0.0.1", devstack.port) as proxy:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "lia_desktop",
            "watch",
            "--url",
            proxy.url,
            "--anon-key",
            devstack.anon_key,
            "--email",
            "admin@lia.test",
            "--password",
            "lia-demo-admin",
            "--data-dir",
            tempfile.mkdtemp(prefix="lia-bench-watch-"),
            stdout=asyncio.subprocess.PIPE,
            cwd=REPO_ROOT,
        )
        watch = Watch(proc)
        counter = SocketCounter(proc.pid, proxy)
        sampler = asyncio.create_task(counter.run())
        try:
            await watch.live_after(0)

            async def reset_and_time() -> float:
                await truth.book(2)
                mark = len(watch.lines)
                reset_at = time.monotonic()
                proxy.reset_all()
                await watch.live_after(mark)
                await truth.book(1)
                return time.monotonic() - reset_at

            reconnects = []
            for _ in range(resets):  # each after a healthy spell: a first loss, not flapping
                await asyncio.sleep(healthy)
                reconnects.append(await reset_and_time())
            flapping = [await reset_and_time() for _ in range(3)]  # back to back: backs off
            proxy.stall()
            await truth.book(2, pause=stall / 2)
            mark = len(watch.lines)
            proxy.heal()
            # still "live" at the heal: the watchdog has not called the stall yet (< 35 s)
            heal_to_live = 0.0 if watch.phase == "live" else await watch.live_after(mark)
            await truth.book(1)
            expected = [i for i in await truth.notification_ids() if i > baseline]
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                shown = [
                    e["id"]
                    for e in watch.lines
                    if e["kind"] == "notification" and e["id"] > baseline
                ]
                if set(shown) >= set(expected):
                    break
                await asyncio.sleep(0.2)
            final_sockets = counter.count()
        finally:
            sampler.cancel()
            proc.terminate()
            await proc.wait()
            await watch.reader
    ordered = sorted(reconnects)
    return {
        "policy": "default (backoff 1 s initial, 60 s cap; heartbeat 25 s + 10 s timeout)",
        "resets": resets,
        "reconnect_after_reset_s": {
            "p50": round(statistics.median(ordered), 3),
            "max": round(ordered[-1], 3),
            "all": [round(r, 3) for r in reconnects],
        },
        "healthy_before_each_reset_s": healthy,
        "back_to_back_resets_s": [round(r, 3) for r in flapping],
        "stall_s": stall,
        "heal_to_live_after_stall_s": round(heal_to_live, 3),
        "websockets_per_app": {"max": max(counter.samples), "final": final_sockets},
        "websocket_samples": len(counter.samples),
        "notifications_committed": len(expected),
        "lost": len(set(expected) - set(shown)),
        "duplicated": len(shown) - len(set(shown)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resets", type=int, default=3)
    parser.add_argument(
        "--healthy",
        type=float,
        default=31.0,
        help="live this long before each reset (the policy's reset_after_healthy is 30 s)",
    )
    parser.add_argument(
        "--stall", type=float, default=40.0, help="seconds (> 35 s: the watchdog calls it dead)"
    )
    args = parser.parse_args()
    devstack = DevstackProcess(Path(tempfile.mkdtemp(prefix="lia-bench-faults-", dir="/tmp")))
    devstack.start()
    try:
        result = asyncio.run(measure(devstack, args.resets, args.healthy, args.stall))
    finally:
        devstack.destroy()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
