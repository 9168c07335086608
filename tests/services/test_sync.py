"""Sync's merge of snapshot, paged catch-up and live events (server replaced by an in-memory table).

These prove the merge rules; the devstack tests prove them against the real wire.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from lia_desktop.core.attention import Pacing, ToastRules
from lia_desktop.core.feed import FeedUpdate, NotificationFeed
from lia_desktop.core.models import ConnectionState, DashboardStats, PresenceActivity
from lia_desktop.services import sync as sync_module
from lia_desktop.services.api import PAGE_SIZE, AdminApi
from lia_desktop.services.supervisor import ChangeEvent
from lia_desktop.services.sync import FeedStateStore, Sync

METRICS = ("total_bookings", "pending_bookings", "total_users", "total_revenue_cop")
ADMIN_ID = "00000000-0000-4000-a000-000000000001"
OTHER_ADMIN_ID = "00000000-0000-4000-a000-0000000000ff"


def row(i: int) -> dict[str, Any]:
    return {
        "id": i,
        "type": "booking_created",
        "priority": "medium",
        "title": "New booking",
        "body": f"booking {i}",
        "entity_table": "bookings",
        "entity_id": str(i),
        "action_path": f"/admin/bookings/{i}",
        "created_at": "2026-11-24T10:00:00+00:00",
        "metadata": {},
        "read": False,
    }


class TableServer(AdminApi):
    """The RPCs over Python lists; ``gate`` lets a test hold the first page open.

    ``meanwhile(after_id)`` runs after a page's rows are read and before they
    are returned: what commits while a response is on the wire.
    """

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []
        self.counters = {m: (0, 0) for m in METRICS}
        self.gate: asyncio.Event | None = None
        self.calls: list[str] = []
        self.sent: list[tuple[str, list[int]]] = []  # read-state RPCs and their ids
        self.read_gate: asyncio.Event | None = None  # holds the next read-state RPC
        self.meanwhile: Callable[[int], Awaitable[None]] | None = None

    async def _call(self, function: str, params: Mapping[str, Any] | None = None) -> Any:
        self.calls.append(function)
        params = params or {}
        if function == "admin_dashboard_stats":
            return {
                **{m: v for m, (v, _) in self.counters.items()},
                "counter_seq": {m: s for m, (_, s) in self.counters.items()},
                "new_professionals_30d": 0,
                "bookings_24h": len(self.rows),
                "trends": {},
                "bookings_recent": [],
                "professionals_recent": [],
                "cursor": max((r["id"] for r in self.rows), default=0),
                "server_time": "2026-11-24T10:00:00+00:00",
            }
        if function == "admin_notifications_after":
            if self.gate is not None:
                await self.gate.wait()
            after, limit = params["after_id"], params["max_rows"]
            page = [dict(r) for r in self.rows if r["id"] > after][:limit]
            if self.meanwhile is not None:
                await self.meanwhile(after)
            return page
        if function == "admin_notifications_before":
            before = params["before_id"]
            rows = [
                dict(r)
                for r in reversed(self.rows)
                if (before is None or r["id"] < before)
                and not (params["unread_only"] and r["read"])
            ]
            return rows[: params["max_rows"]]
        if function in ("admin_mark_read", "admin_mark_unread"):
            gate, self.read_gate = self.read_gate, None
            if gate is not None:
                await gate.wait()
            self.sent.append((function, list(params["ids"])))  # in commit order
            self.set_read(params["ids"], read=function == "admin_mark_read")
            return len(params["ids"])
        raise AssertionError(function)

    def set_read(self, ids: list[int], *, read: bool) -> None:
        for r in self.rows:
            if r["id"] in ids:
                r["read"] = read


class Recorder:
    def __init__(self) -> None:
        self.stats: list[DashboardStats] = []
        self.added: list[int] = []
        self.toasts = 0
        self.feed_changes = 0

    def stats_changed(self, stats: DashboardStats) -> None:
        self.stats.append(stats)

    def feed_changed(self, update: FeedUpdate, feed: NotificationFeed) -> None:
        self.added.extend(n.id for n in update.added)
        self.toasts += len(update.toasts)
        self.feed_changes += 1

    def activity_changed(self, activity: PresenceActivity) -> None:
        pass

    def connection_changed(self, state: ConnectionState) -> None:
        pass


def make(
    tmp_path: Path, server: TableServer, rules: ToastRules | None = None
) -> tuple[Sync, Recorder]:
    recorder = Recorder()
    sync = Sync(
        server,
        FeedStateStore(tmp_path / "feed.json"),
        recorder,
        admin_id=ADMIN_ID,
        web_admin_url="https://admin",
        rules=rules,
    )
    return sync, recorder


async def started(tmp_path: Path, server: TableServer) -> tuple[Sync, Recorder]:
    """A Sync past its first catch-up on a project that had no notification yet: what comes
    next is new (a first run on a project with notifications loads them as the backlog)."""
    rows, server.rows = server.rows, []
    sync, recorder = make(tmp_path, server)
    await sync.catch_up()
    server.rows = rows
    return sync, recorder


async def told() -> None:
    """Let the end-of-turn callback run: Sync saves the cursor, then tells its observer."""
    for _ in range(3):
        await asyncio.sleep(0)


def insert(i: int) -> ChangeEvent:
    return ChangeEvent("admin_notifications", "INSERT", row(i), {}, "2026-11-24T10:00:00Z")


def counter(metric: str, value: int, seq: int) -> ChangeEvent:
    record = {"metric": metric, "value": value, "seq": seq}
    return ChangeEvent("admin_stats_counters", "UPDATE", record, {}, "2026-11-24T10:00:00Z")


async def test_catch_up_pages_until_done_and_persists_the_cursor(tmp_path: Path) -> None:
    server = TableServer()
    sync, recorder = await started(tmp_path, server)
    server.rows = [row(i) for i in range(1, 2 * PAGE_SIZE + 8)]
    await sync.catch_up()
    await told()
    assert recorder.added == list(range(1, 2 * PAGE_SIZE + 8))
    assert server.calls.count("admin_notifications_after") == 1 + 3
    assert recorder.toasts == 1  # a catch-up of many is one summary toast
    restarted, again = make(tmp_path, server)
    assert restarted.feed.cursor == 2 * PAGE_SIZE + 7
    await restarted.catch_up()
    await told()
    assert again.added == []
    assert again.toasts == 1  # a start says quietly how many are unread, nothing else
    assert restarted.feed.unread_count == 2 * PAGE_SIZE + 7  # the backlog, from the server


async def test_a_first_run_shows_the_unread_backlog_and_toasts_nothing_old(
    tmp_path: Path,
) -> None:
    server = TableServer()
    server.rows = [row(i) | {"read": i % 3 == 0} for i in range(1, 1200)]
    sync, recorder = make(tmp_path, server)
    await sync.catch_up()
    await told()
    unread = [r["id"] for r in server.rows if not r["read"]]
    assert sync.feed.unread_count == len(unread) == 800
    assert {n.id for n in sync.feed.items() if not n.read} == set(unread)
    assert recorder.toasts == 1  # "800 unread notifications", quietly
    assert sync.feed.cursor == 1199
    history = [i for i in range(1100, 1200) if i % 3 == 0]  # the newest 100 rows' read ones
    assert sorted(n.id for n in sync.feed.items() if n.read) == history


async def test_the_cursor_is_saved_before_the_observer_hears_of_new_items(
    tmp_path: Path,
) -> None:
    """A kill right after a toast must not show it again: the file already says so."""
    server = TableServer()
    sync, _ = await started(tmp_path, server)
    store = FeedStateStore(tmp_path / "feed.json")
    seen: list[int] = []

    class SavedFirst(Recorder):
        def feed_changed(self, update: FeedUpdate, feed: NotificationFeed) -> None:
            seen.append(store.load().cursor)

    sync._observer = SavedFirst()
    server.rows.append(row(1))
    sync.on_change(insert(1))
    await told()
    assert seen == [1]


async def test_live_events_during_catch_up_are_buffered_and_deduplicated(tmp_path: Path) -> None:
    server = TableServer()
    sync, recorder = await started(tmp_path, server)
    server.rows = [row(i) for i in range(1, 6)]
    server.counters["total_bookings"] = (5, 10)
    server.gate = asyncio.Event()
    running = asyncio.create_task(sync.catch_up())
    await asyncio.sleep(0)
    server.rows.append(row(6))
    for event in (
        insert(4),
        insert(6),
        counter("total_bookings", 6, 11),
        counter("total_bookings", 4, 9),
    ):
        sync.on_change(event)
    assert recorder.added == []  # nothing applied before the snapshot and the missed rows
    server.gate.set()
    await running
    await told()
    assert sorted(recorder.added) == [1, 2, 3, 4, 5, 6]
    assert len(recorder.added) == 6
    assert sync.stats is not None
    assert sync.stats.total_bookings == 6  # seq 11 beats the snapshot's 10; seq 9 ignored


async def test_live_event_past_a_gap_triggers_a_catch_up(tmp_path: Path) -> None:
    server = TableServer()
    sync, recorder = make(tmp_path, server)
    await sync.catch_up()
    server.rows = [row(1), row(2), row(3)]
    sync.on_change(insert(3))  # 1 and 2 were lost on the wire
    for _ in range(20):
        await asyncio.sleep(0)
        if sync.catch_ups == 2:
            break
    await told()
    assert sorted(recorder.added) == [1, 2, 3]


async def test_a_malformed_row_is_skipped_not_fatal(tmp_path: Path) -> None:
    server = TableServer()
    bad = row(2) | {"priority": "apocalyptic"}
    sync, recorder = await started(tmp_path, server)
    server.rows = [row(1), bad, row(3)]
    await sync.catch_up()
    await told()
    assert recorder.added == [1, 3]
    assert sync.feed.cursor == 3


def unread(admin_id: str, notification_id: int) -> ChangeEvent:
    """A read taken back as Realtime sends it: the row's UPDATE with ``read_at`` null."""
    record = {"admin_id": admin_id, "notification_id": notification_id, "read_at": None}
    return ChangeEvent("admin_notification_reads", "UPDATE", record, {}, "2026-11-24T10:00:00Z")


async def test_only_this_admins_unreads_apply_and_a_malformed_one_is_skipped(
    tmp_path: Path,
) -> None:
    server = TableServer()
    server.rows = [row(1) | {"read": True}, row(2) | {"read": True}]
    sync, recorder = make(tmp_path, server)
    await sync.catch_up()
    changes = recorder.feed_changes

    sync.on_change(unread(OTHER_ADMIN_ID, 1))  # another admin's (RLS keeps them out; still)
    sync.on_change(ChangeEvent("admin_notification_reads", "UPDATE", {}, {}, "x"))
    sync.on_change(unread(ADMIN_ID, 99))  # not in the feed
    assert recorder.feed_changes == changes
    assert sync.feed.unread_count == 0

    sync.on_change(unread(ADMIN_ID.upper(), 1))
    assert recorder.feed_changes == changes + 1
    assert [n.read for n in sync.feed.items()] == [True, False]
    assert sync.feed.unread_count == 1


async def test_mark_unread_shows_at_once_and_sends_only_what_it_changed(tmp_path: Path) -> None:
    server = TableServer()
    server.rows = [row(1) | {"read": True}, row(2)]
    sync, recorder = make(tmp_path, server)
    await sync.catch_up()
    changes = recorder.feed_changes

    await sync.mark_unread([1, 2, 99])
    await sync.mark_unread([1])
    assert server.sent == [("admin_mark_unread", [1])]
    assert recorder.feed_changes == changes + 1
    assert sync.feed.unread_count == 2
    await sync.mark_read([1, 2])
    assert server.sent[-1] == ("admin_mark_read", [1, 2])


async def test_space_twice_reaches_the_server_in_the_order_pressed(tmp_path: Path) -> None:
    """The unread's request is slow; the read sent after it must still commit after it."""
    server = TableServer()
    server.rows = [row(1) | {"read": True}]
    sync, _ = make(tmp_path, server)
    await sync.catch_up()
    server.read_gate = gate = asyncio.Event()
    unread = asyncio.create_task(sync.mark_unread([1]))
    read = asyncio.create_task(sync.mark_read([1]))
    for _ in range(5):
        await asyncio.sleep(0)
    gate.set()
    await asyncio.gather(unread, read)
    assert server.sent == [("admin_mark_unread", [1]), ("admin_mark_read", [1])]
    assert sync.feed.unread_count == 0


async def test_a_fresh_snapshot_is_fetched_periodically_while_live(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sync_module, "SNAPSHOT_REFRESH_INTERVAL", 0.05)
    server = TableServer()
    sync, _ = make(tmp_path, server)
    await sync.catch_up()
    assert server.calls.count("admin_dashboard_stats") == 1
    for _ in range(1000):  # up to 10 s: re-armed after each refresh
        if server.calls.count("admin_dashboard_stats") >= 3:
            break
        await asyncio.sleep(0.01)
    assert server.calls.count("admin_dashboard_stats") >= 3
    await sync.close()
    refreshed = server.calls.count("admin_dashboard_stats")
    await asyncio.sleep(0.2)
    assert server.calls.count("admin_dashboard_stats") == refreshed  # close() stops it


def read_flags(sync: Sync) -> dict[int, bool]:
    return {n.id: n.read for n in sync.feed.items()}


async def test_reads_and_unreads_made_elsewhere_while_offline_apply_on_catch_up(
    tmp_path: Path,
) -> None:
    """The live read-state events of the disconnected time are lost: catch-up re-reads the flags."""
    server = TableServer()
    bad = row(2) | {"priority": "apocalyptic"}  # never in the feed
    sync, recorder = await started(tmp_path, server)
    server.rows = [row(1) | {"read": True}, bad, row(3), row(4), row(5)]
    await sync.catch_up()
    await told()
    assert read_flags(sync) == {1: True, 3: False, 4: False, 5: False}

    server.set_read([1], read=False)  # another device of this admin, while offline
    server.set_read([3, 5], read=True)
    server.rows.append(row(6))
    changes = recorder.feed_changes
    await sync.catch_up()
    await told()
    assert read_flags(sync) == {1: False, 3: True, 4: False, 5: True, 6: False}
    assert sync.feed.unread_count == 3
    assert recorder.feed_changes == changes + 2  # the new item, then the end of the catch-up
    assert recorder.added[-1] == 6


async def test_a_reconcile_leaves_local_toggles_the_server_may_not_have_yet(
    tmp_path: Path,
) -> None:
    server = TableServer()
    server.rows = [row(1), row(2) | {"read": True}, row(3)]
    sync, _ = make(tmp_path, server)
    await sync.catch_up()

    # queued: the mark_read of 1 has not reached the server when the flags are re-read
    server.read_gate = gate = asyncio.Event()
    queued = asyncio.create_task(sync.mark_read([1]))
    await asyncio.sleep(0)
    server.set_read([3], read=True)  # elsewhere: applies
    await sync.catch_up()
    assert read_flags(sync) == {1: True, 2: True, 3: True}
    gate.set()
    await queued

    # toggled and confirmed while the backlog rows were on the wire: the rows predate it
    async def unread_two(after_id: int) -> None:
        await sync.mark_unread([2])

    server.meanwhile = unread_two
    await sync.catch_up()
    assert read_flags(sync) == {1: True, 2: False, 3: True}
    assert sync.feed.unread_count == 1
    assert server.sent[-2:] == [("admin_mark_read", [1]), ("admin_mark_unread", [2])]


async def test_toasts_held_by_storm_control_go_out_when_the_hold_ends(tmp_path: Path) -> None:
    """Regression: nothing called ``feed.tick``, so after the first storm no toast ever showed."""
    server = TableServer()
    sync, recorder = await started(tmp_path, server)
    sync.feed.pacing = Pacing(grouped_per_window=1, window=timedelta(milliseconds=50))
    for i in (1, 2, 3):
        server.rows.append(row(i))
        sync.on_change(insert(i))
    await told()
    assert recorder.toasts == 1  # the first alone; 2 and 3 held
    for _ in range(500):  # up to 5 s
        if recorder.toasts == 2:
            break
        await asyncio.sleep(0.01)
    assert recorder.toasts == 2  # one summary for the two held
    await sync.close()
