"""The app's services stack, as ``lia-desktop watch`` wires it, behind a fault proxy.

``WatchedApp`` runs ``cli.run_watch`` (AuthSession + RealtimeSupervisor +
Sync) in the test's event loop, with the Supabase URL pointing at a
``FaultProxy`` in front of the devstack, and records every JSON line it
prints. ``GroundTruth`` reads the same figures straight from PostgreSQL, so a
scenario can compare what the admin sees with what is true.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

from lia_desktop.cli import Credentials, run_watch
from lia_desktop.core.backoff import BackoffPolicy
from lia_desktop.core.connection import SupervisorPolicy
from lia_desktop.devstack.faultproxy import FaultProxy

#: fast fault detection for tests: the default policy takes up to 35 s to call a
#: silent socket dead and backs off up to 60 s, which is right for laptops, not CI
FAST_POLICY = SupervisorPolicy(
    backoff=BackoffPolicy(initial=0.25, cap=1.0, reset_after_healthy=5.0),
    heartbeat_interval=2.0,
    heartbeat_timeout=2.0,
    connect_timeout=6.0,
)
COUNTERS = ("total_bookings", "pending_bookings", "total_users", "total_revenue_cop")


class WatchLines(io.TextIOBase):
    """The ``out`` of ``run_watch``: parses each JSON line as it is written."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self._partial = ""
        self.changed = asyncio.Event()

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._partial += text
        *lines, self._partial = self._partial.split("\n")
        for line in lines:
            if line.strip():
                self.events.append(json.loads(line))
        self.changed.set()
        return len(text)

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e["kind"] == kind]

    @property
    def phase(self) -> str | None:
        states = self.of("connection")
        return states[-1]["phase"] if states else None

    @property
    def notification_ids(self) -> list[int]:
        return [e["id"] for e in self.of("notification")]

    @property
    def stats(self) -> dict[str, Any] | None:
        stats = self.of("stats")
        return stats[-1] if stats else None

    async def until(
        self, predicate: Callable[[], bool], within: float, why: Callable[[], object] = str
    ) -> float:
        """Wait until ``predicate()``; returns the seconds it took (AssertionError on timeout)."""
        started = time.monotonic()
        while not predicate():
            remaining = within - (time.monotonic() - started)
            assert remaining > 0, f"not within {within} s; phase {self.phase}; {why()}"
            self.changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), min(remaining, 0.2))
        return time.monotonic() - started


@dataclass
class WatchedApp:
    """One running ``watch`` behind ``proxy``; ``stop()`` ends it like Ctrl-C."""

    proxy: FaultProxy
    lines: WatchLines = field(default_factory=WatchLines)
    data_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="lia-watch-")))
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _task: asyncio.Task[int] | None = None

    def start(self, email: str, password: str, anon_key: str) -> None:
        creds = Credentials(self.proxy.url, anon_key, email, password)
        self._task = asyncio.get_running_loop().create_task(
            run_watch(
                creds,
                web_admin_url="https://admin.lia.test",
                data_dir=self.data_dir,
                out=self.lines,
                stop=self._stop,
                policy=FAST_POLICY,
            )
        )

    async def live(self, within: float = 30.0) -> float:
        """Live, and past the first catch-up (its ``feed`` line): on a first run what commits
        before it is the backlog the app lists, not news it prints."""
        return await self.lines.until(
            lambda: self.lines.phase == "live" and bool(self.lines.of("feed")), within
        )

    async def stop(self) -> int:
        self._stop.set()
        assert self._task is not None
        return await asyncio.wait_for(self._task, 30.0)


class GroundTruth:
    """The figures as PostgreSQL has them, and the SQL that makes notifications happen."""

    def __init__(self, db_url: str) -> None:
        self.db_url = db_url

    async def _rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        async with await psycopg.AsyncConnection.connect(self.db_url, autocommit=True) as conn:
            return await (await conn.execute(sql.encode(), params)).fetchall()

    async def notification_ids(self) -> list[int]:
        return [
            r[0] for r in await self._rows("select id from public.admin_notifications order by id")
        ]

    async def stats(self) -> dict[str, int]:
        rows = await self._rows("select metric, value from public.admin_stats_counters")
        figures = {metric: int(value) for metric, value in rows if metric in COUNTERS}
        [(bookings_24h, professionals_30d)] = await self._rows(
            "select (select count(*) from public.bookings where created_at > now() - interval '24 hours'),"
            " (select count(*) from public.professionals where created_at > now() - interval '30 days')"
        )
        return figures | {"bookings_24h": bookings_24h, "new_professionals_30d": professionals_30d}

    async def recount(self) -> dict[str, int]:
        """The counters recomputed from the tables: proves the triggers (and so the app) exact."""
        [row] = await self._rows(
            "select (select count(*) from public.bookings),"
            " (select count(*) from public.bookings where status = 'pending'),"
            " (select count(*) from public.users),"
            " (select coalesce(sum(total_price_cop), 0) from public.bookings where status = 'completed')"
        )
        return dict(zip(COUNTERS, (int(v) for v in row), strict=True))

    async def book(self, count: int, *, pause: float = 0.0) -> None:
        """``count`` bookings, one transaction each (each makes one notification)."""
        async with await psycopg.AsyncConnection.connect(self.db_url, autocommit=True) as conn:
            for _ in range(count):
                await conn.execute(
                    b"insert into public.bookings (customer_id, professional_id, service, status,"
                    b" total_price_cop, scheduled_at)"
                    b" select u.id, p.id, p.specialty, 'pending', 150000, now() + interval '2 days'"
                    b" from (select id from public.users where role = 'customer' order by created_at limit 1) u,"
                    b" (select id, specialty from public.professionals order by id limit 1) p"
                )
                if pause:
                    await asyncio.sleep(pause)


def shown_stats(stats: dict[str, Any]) -> dict[str, int]:
    """The figures of a ``watch`` stats line that ground truth can be compared with."""
    keys = (*COUNTERS, "bookings_24h", "new_professionals_30d")
    return {k: int(stats[k]) for k in keys}
