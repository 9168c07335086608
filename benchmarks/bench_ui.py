#!/usr/bin/env python3
"""The tray app's speed, end to end through the real services and a private devstack.

Run it on the private desktop for the real tray host and notification daemon:

    tests/desktop/run.sh .venv/bin/python benchmarks/bench_ui.py

(or plainly, offscreen: the launch figure is then the fallback window's.) Prints JSON:

* ``launch_to_tray_ms``: DesktopApp built -> its StatusNotifierItem registered with the
  watcher (harness) / the tray or its fallback window visible (offscreen);
* ``commit_to_badge_ms`` / ``commit_to_toast_ms``: p50/p99 over N single bookings, from the
  INSERT's commit to the tray badge repainted / the toast handed to the daemon (the pacing
  limit is lifted so every booking toasts);
* ``burst_max_stall_ms``: the longest lateness of a 10 ms QTimer while a 10,000-booking
  burst arrives (target <= 100 ms);
* ``idle_cpu_percent``: this process's CPU over 60 s of idle, live (target < 0.5 %).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import psutil
import psycopg
import qasync
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # tests/desktop/run.sh sets xcb
REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from lia_desktop.app import DesktopApp  # noqa: E402
from lia_desktop.core.attention import Pacing  # noqa: E402
from lia_desktop.core.models import Toast  # noqa: E402
from lia_desktop.services.settings_store import SettingsStore  # noqa: E402
from lia_desktop.ui.sign_in import SignInRequest  # noqa: E402
from tests.fixtures import DevstackProcess  # noqa: E402

INSERT = """
insert into public.bookings (customer_id, professional_id, service, status, total_price_cop, scheduled_at)
select (select id from public.users where role = 'customer' order by created_at limit 1),
       (select id from public.professionals order by id limit 1),
       'Plumbing', 'pending', 180000, now() + interval '1 day'
from generate_series(1, %s)
"""


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "p50": round(statistics.median(ordered), 1),
        "p99": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 1),
        "max": round(ordered[-1], 1),
    }


async def until(condition: Any, seconds: float) -> None:
    async with asyncio.timeout(seconds):
        while not condition():  # noqa: ASYNC110 (Qt state has no event to await)
            await asyncio.sleep(0.005)


async def sni_registered() -> bool:
    """Whether a StatusNotifierItem of this PID is registered (harness only)."""
    from dbus_fast import Message
    from dbus_fast.aio import MessageBus

    bus = await MessageBus().connect()
    try:
        reply = await bus.call(Message(
            destination="org.kde.StatusNotifierWatcher", path="/StatusNotifierWatcher",
            interface="org.freedesktop.DBus.Properties", member="Get", signature="ss",
            body=["org.kde.StatusNotifierWatcher", "RegisteredStatusNotifierItems"]))  # fmt: skip
        assert reply is not None
        for item in reply.body[0].value:
            pid = await bus.call(Message(
                destination="org.freedesktop.DBus", path="/org/freedesktop/DBus",
                interface="org.freedesktop.DBus", member="GetConnectionUnixProcessID",
                signature="s", body=[item.partition("/")[0]]))  # fmt: skip
            if pid is not None and pid.body and pid.body[0] == os.getpid():
                return True
        return False
    finally:
        bus.disconnect()


async def bench(
    qapp: QApplication, devstack: DevstackProcess, events: int, idle: float
) -> dict[str, Any]:
    on_desktop = os.environ.get("LIA_DESKTOP_SESSION") == "1"
    admin = devstack.create_user(admin=True)
    with tempfile.TemporaryDirectory(prefix="lia-bench-ui-") as folder:
        store = SettingsStore(Path(folder) / "settings.json")
        t0 = time.perf_counter()
        app = DesktopApp(qapp, store, data_dir=Path(folder))
        await app.start()
        if on_desktop:
            async with asyncio.timeout(30):
                while not await sni_registered():  # noqa: ASYNC110
                    await asyncio.sleep(0.01)
        else:
            await until(lambda: app.tray.tray.isVisible() or app.tray.fallback is not None, 30)
        launch_ms = (time.perf_counter() - t0) * 1000

        request = SignInRequest(devstack.api_url, devstack.anon_key, admin.email, admin.password)
        assert app.sign_in_dialog is not None
        app.sign_in_dialog.sign_in_requested.emit(request)
        await until(lambda: app.live is not None and app.live.sync.catch_ups > 0, 60)
        assert app.live is not None
        await app.live.sync.mark_all_read()
        app.live.sync.feed.pacing = Pacing(grouped_per_window=10**9)  # every booking toasts

        toasts_shown: list[float] = []
        show = app.ladder.show

        async def timed_show(toast: Toast) -> None:
            await show(toast)
            toasts_shown.append(time.perf_counter())

        app.ladder.show = timed_show  # type: ignore[method-assign]
        badge_at: dict[int, float] = {}
        app.state.feed_changed.connect(
            lambda view: badge_at.setdefault(view.unread, time.perf_counter())
        )
        await asyncio.sleep(2)  # let the catch-up's summary toast go out

        to_badge, to_toast = [], []
        with psycopg.connect(devstack.db_url, autocommit=True) as db:
            for i in range(1, events + 1):
                shown_before = len(toasts_shown)
                db.execute(INSERT, (1,))
                committed = time.perf_counter()
                await until(lambda i=i, s=shown_before: i in badge_at and len(toasts_shown) > s, 30)
                to_badge.append((badge_at[i] - committed) * 1000)
                to_toast.append((toasts_shown[shown_before] - committed) * 1000)

            app.live.sync.feed.pacing = Pacing()  # a real burst: pacing as shipped
            await asyncio.sleep(1)
            stall = 0.0
            last = time.perf_counter()

            def tick() -> None:
                nonlocal stall, last
                now = time.perf_counter()
                stall = max(stall, (now - last) * 1000 - 10)
                last = now

            ticker = QTimer()
            ticker.setInterval(10)
            ticker.timeout.connect(tick)
            feed = app.live.sync.feed
            target = feed.cursor
            db.execute(INSERT, (10_000,))
            (newest,) = db.execute("select max(id) from public.admin_notifications").fetchone() or (
                0,
            )
            burst_start = time.perf_counter()
            last = burst_start
            ticker.start()
            await until(lambda: feed.cursor >= newest, 300)
            burst_s = time.perf_counter() - burst_start
            await asyncio.sleep(0.5)
            ticker.stop()
            assert newest - target >= 10_000

        await asyncio.sleep(5)  # settle: saves, summaries, repaints
        process = psutil.Process()
        before = process.cpu_times()
        await asyncio.sleep(idle)
        after = process.cpu_times()
        cpu = (after.user - before.user + after.system - before.system) / idle * 100
        await app.stop()
    return {
        "desktop": "Xvfb + SNI host + dunst" if on_desktop else "offscreen",
        "toast_rung": app.ladder.active,
        "launch_to_tray_ms": round(launch_ms, 1),
        "commit_to_badge_ms": percentiles(to_badge),
        "commit_to_toast_ms": percentiles(to_toast),
        "burst_events": 10_000,
        "burst_delivery_s": round(burst_s, 2),
        "burst_max_stall_ms": round(stall, 1),
        "idle_seconds": idle,
        "idle_cpu_percent": round(cpu, 3),
    }


def run_app_bench(
    name: str, measure: Callable[[QApplication, DevstackProcess], Awaitable[dict[str, Any]]]
) -> None:
    """Print the JSON of ``measure`` run in a qasync loop against a private devstack."""
    qapp = QApplication(sys.argv[:1])
    qapp.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    devstack = DevstackProcess(Path(tempfile.mkdtemp(prefix=f"lia-devstack-{name}-", dir="/tmp")))
    devstack.start()
    try:
        with loop:
            result = loop.run_until_complete(measure(qapp, devstack))
    finally:
        devstack.destroy()
    print(json.dumps(result))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--idle", type=float, default=60.0)
    args = parser.parse_args()
    run_app_bench("bench-ui", lambda qapp, devstack: bench(qapp, devstack, args.events, args.idle))
    return 0


if __name__ == "__main__":
    sys.exit(main())
