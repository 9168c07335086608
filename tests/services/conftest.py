"""The services stack (AuthSession + RealtimeSupervisor + Sync) against the real devstack.

``ServicesApp`` wires the three exactly as the app and ``lia-desktop watch``
do, in the test's event loop, and records everything the UI would be told.
``Marketplace`` is the other side: plain SQL on the devstack's database (the
inserts that make notifications) and the ground truth the app must match.
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import keyring
import psycopg
import pytest

from lia_desktop.core.backoff import BackoffPolicy
from lia_desktop.core.connection import SupervisorPolicy
from lia_desktop.core.feed import FeedUpdate, NotificationFeed
from lia_desktop.core.liveness import ProbePolicy
from lia_desktop.core.models import (
    ConnectionPhase,
    ConnectionState,
    DashboardStats,
    PresenceActivity,
    Toast,
)
from lia_desktop.services.auth import AuthSession
from lia_desktop.services.session import LiveSession
from lia_desktop.services.supervisor import ChangeEvent, RealtimeSupervisor
from lia_desktop.services.sync import Sync
from tests.fixtures import REPO_ROOT, DevstackProcess, DevstackUser
from tests.services.keyrings import (
    BACKEND_ENV,
    KEYRING_FILE_ENV,
    FailingKeyring,
    FileKeyring,
    MemoryKeyring,
)

#: fast fault detection for tests (the default takes up to 35 s to call a silent socket
#: dead and backs off up to 60 s: right for laptops, too slow for a test run)
FAST_POLICY = SupervisorPolicy(
    backoff=BackoffPolicy(initial=0.25, cap=1.0, reset_after_healthy=5.0),
    heartbeat_interval=2.0,
    heartbeat_timeout=2.0,
    connect_timeout=8.0,
)
COUNTERS = ("total_bookings", "pending_bookings", "total_users", "total_revenue_cop")
WEB_ADMIN = "https://admin.lia.test"


class Recorder:
    """The ``SyncObserver``: what the UI would have shown, in order."""

    def __init__(self) -> None:
        self.states: list[ConnectionState] = []
        self.added: list[int] = []
        self.toasts: list[Toast] = []
        self.stats: DashboardStats | None = None
        self.activity: PresenceActivity | None = None
        self.changed = asyncio.Event()

    def stats_changed(self, stats: DashboardStats) -> None:
        self.stats = stats
        self.changed.set()

    def feed_changed(self, update: FeedUpdate, feed: NotificationFeed) -> None:
        self.added.extend(n.id for n in update.added)
        self.toasts.extend(update.toasts)
        self.changed.set()

    def activity_changed(self, activity: PresenceActivity) -> None:
        self.activity = activity
        self.changed.set()

    def connection_changed(self, state: ConnectionState) -> None:
        self.states.append(state)
        self.changed.set()

    @property
    def phase(self) -> ConnectionPhase | None:
        return self.states[-1].phase if self.states else None

    async def until(self, predicate: Callable[[], bool], within: float) -> float:
        """Wait until ``predicate()``; the seconds it took (AssertionError on timeout)."""
        started = time.monotonic()
        while not predicate():
            remaining = within - (time.monotonic() - started)
            assert remaining > 0, f"not reached within {within} s; states {self.states[-5:]}"
            self.changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), min(remaining, 0.25))
        return time.monotonic() - started


class TappedSync(Sync):
    """``Sync`` that also logs each live ``admin_notifications`` delivery (before buffering)."""

    live_ids: list[int]
    subscribed_in: list[ConnectionPhase | None]
    #: drop every notification delivery: the data path broken between commit and app while
    #: the socket stays open and answers pings (the route does not matter to the defense)
    deaf = False

    def on_change(self, event: ChangeEvent) -> None:
        if event.table == "admin_notifications":
            if self.deaf:
                return
            self.live_ids.append(int(event.record["id"]))
        super().on_change(event)

    async def on_subscribed(self) -> None:
        self.subscribed_in.append(self._observer_phase())
        await super().on_subscribed()

    def _observer_phase(self) -> ConnectionPhase | None:
        observer = self._observer
        return observer.phase if isinstance(observer, Recorder) else None


@dataclass
class ServicesApp:
    """One signed-in admin's services, running until ``stop()``."""

    session: AuthSession
    sync: TappedSync
    supervisor: RealtimeSupervisor
    recorder: Recorder
    task: asyncio.Task[None]

    @property
    def live(self) -> bool:
        return self.supervisor.state.phase is ConnectionPhase.LIVE

    async def until_live(self, within: float = 30.0) -> float:
        """Live and caught up at least once (a first run starts at the server's cursor, so
        what commits before its first catch-up is backlog, not news)."""
        return await self.recorder.until(lambda: self.live and self.sync.catch_ups > 0, within)

    async def until_seen(self, ids: set[int], within: float = 30.0) -> float:
        return await self.recorder.until(lambda: ids <= set(self.recorder.added), within)

    async def stop(self) -> None:
        self.supervisor.stop()
        await asyncio.wait_for(self.task, 30)
        await self.sync.close()


@contextlib.asynccontextmanager
async def services_app(
    devstack: DevstackProcess,
    user: DevstackUser,
    *,
    data_dir: Path | None = None,
    policy: SupervisorPolicy = FAST_POLICY,
    probe: ProbePolicy | None = None,
) -> AsyncIterator[ServicesApp]:
    """Sign in and start the supervisor; the cursor file lives in ``data_dir`` (fresh by default)."""
    session = await AuthSession.open(devstack.api_url, devstack.anon_key)
    await session.sign_in(user.email, user.password)
    recorder = Recorder()
    live = LiveSession.start(
        session,
        recorder,
        anon_key=devstack.anon_key,
        web_admin_url=WEB_ADMIN,
        data_dir=data_dir or Path(tempfile.mkdtemp(prefix="lia-feed-")),
        policy=policy,
        sync_class=TappedSync,
        probe=probe,
    )
    sync = live.sync
    assert isinstance(sync, TappedSync)
    sync.live_ids, sync.subscribed_in = [], []
    supervisor, task = live.supervisor, live.task
    app = ServicesApp(session, sync, supervisor, recorder, task)
    try:
        yield app
    finally:
        if not app.task.done():  # a test may have stopped and restarted it
            await app.stop()
        await session.sign_out()
        await session.close()


class Marketplace:
    """SQL on the devstack's database: what happens in the marketplace, and what is true."""

    def __init__(self, db_url: str) -> None:
        self.db_url = db_url

    def _rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.db_url, autocommit=True) as conn:
            return conn.execute(sql.encode(), params).fetchall()

    def book(self, *, status: str = "pending", price: int = 150_000) -> int:
        """One booking in its own transaction (one ``booking_created`` notification)."""
        with psycopg.connect(self.db_url, autocommit=True) as conn:
            return self.book_on(conn, status=status, price=price)

    @staticmethod
    def book_on(
        conn: psycopg.Connection[Any], *, status: str = "pending", price: int = 150_000
    ) -> int:
        row = conn.execute(
            b"insert into public.bookings (customer_id, professional_id, service, status,"
            b" total_price_cop, scheduled_at)"
            b" select u.id, p.id, p.specialty, %s, %s, now() + interval '2 days'"
            b" from (select id from public.users where role = 'customer'"
            b"       order by created_at limit 1) u,"
            b" (select id, specialty from public.professionals order by id limit 1) p"
            b" returning id",
            (status, price),
        ).fetchone()
        assert row is not None
        return int(row[0])

    def notification_ids(self, after: int = 0, *, within_days: int = 36500) -> list[int]:
        rows = self._rows(
            "select id from public.admin_notifications where id > %s"
            " and created_at > now() - %s * interval '1 day' order by id",
            after,
            within_days,
        )
        return [int(r[0]) for r in rows]

    def bookings_after(self, booking_id: int, *, count: bool = True) -> int:
        """How many bookings have an id above ``booking_id`` (``count=False``: the highest id)."""
        what = "count(*)" if count else "coalesce(max(id), 0)"
        [(value,)] = self._rows(f"select {what} from public.bookings where id > %s", booking_id)
        return int(value)

    def notification_for(self, table: str, entity_id: int) -> list[int]:
        rows = self._rows(
            "select id from public.admin_notifications where entity_table = %s and entity_id = %s",
            table,
            str(entity_id),
        )
        return [int(r[0]) for r in rows]

    def counters(self) -> dict[str, int]:
        """The four counters recomputed from the tables (not read from the counters table)."""
        [row] = self._rows(
            "select (select count(*) from public.bookings),"
            " (select count(*) from public.bookings where status = 'pending'),"
            " (select count(*) from public.users),"
            " (select coalesce(sum(total_price_cop), 0) from public.bookings"
            "  where status = 'completed')"
        )
        return dict(zip(COUNTERS, (int(v) for v in row), strict=True))

    def window_bounds(self, slack: float = 10.0) -> dict[str, tuple[int, int]]:
        """(low, high) for bookings 24 h and professionals 30 d.

        The app keeps windows in buckets (a minute, an hour) and counts a bucket
        while it overlaps the window, so its figure lies between the exact count
        and the count of whole buckets; ``slack`` seconds cover the instants at
        which the app and this query look.
        """
        [row] = self._rows(
            "select (select count(*) from public.bookings"
            "        where created_at > now() - interval '24 hours' + %s * interval '1 second'),"
            " (select count(*) from public.bookings where created_at"
            "  >= date_trunc('minute', now() - interval '24 hours' - %s * interval '1 second')),"
            " (select count(*) from public.professionals"
            "  where created_at > now() - interval '30 days' + %s * interval '1 second'),"
            " (select count(*) from public.professionals where created_at"
            "  >= date_trunc('hour', now() - interval '30 days' - %s * interval '1 second'))",
            *(slack,) * 4,
        )
        return {"bookings_24h": (row[0], row[1]), "new_professionals_30d": (row[2], row[3])}

    def server_now(self) -> datetime:
        [(now,)] = self._rows("select now()")
        assert isinstance(now, datetime)
        return now


def assert_stats_exact(stats: DashboardStats | None, market: Marketplace) -> None:
    """Counters equal the tables; window figures within their bucket resolution."""
    assert stats is not None
    shown = {m: getattr(stats, m) for m in COUNTERS}
    assert shown == market.counters()
    for figure, (low, high) in market.window_bounds().items():
        assert low <= getattr(stats, figure) <= high, (figure, getattr(stats, figure), low, high)


@pytest.fixture(scope="session")
def market(devstack: DevstackProcess) -> Marketplace:
    return Marketplace(devstack.db_url)


@pytest.fixture
def feed_dir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="lia-feed-"))
    yield path
    for child in path.iterdir():
        child.unlink()
    path.rmdir()


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    """This process's keyring is a dict for the test (never the user's, never the shared one)."""
    previous = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(previous)


@pytest.fixture
def failing_keyring() -> Iterator[FailingKeyring]:
    """A keyring that works until ``ring.failure`` is set (a full disk, a locked keyring)."""
    previous = keyring.get_keyring()
    ring = FailingKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(previous)


@pytest.fixture
def file_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FileKeyring]:
    """One keyring for this process and every ``lia-desktop`` it starts (a desktop's login keyring)."""
    monkeypatch.setenv(KEYRING_FILE_ENV, str(tmp_path / "keyring.json"))
    monkeypatch.setenv(BACKEND_ENV, f"{FileKeyring.__module__}.{FileKeyring.__name__}")
    monkeypatch.setenv("PYTHONPATH", str(REPO_ROOT))  # so the commands can import the backend
    previous = keyring.get_keyring()
    ring = FileKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(previous)


def server_sessions(db_url: str, user_id: str) -> list[str]:
    """The ids of the user's live sessions in the devstack's ``auth.sessions``, oldest first."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        rows = conn.execute(
            b"select id::text from auth.sessions where user_id = %s order by created_at, id",
            (user_id,),
        ).fetchall()
    return [str(r[0]) for r in rows]
