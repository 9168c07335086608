"""Per-event cost of the core reducers and memory growth over 100,000 events; prints JSON.

Like the app (services.sync), a fresh stats snapshot arrives every five minutes; it is
built here from the bench's own bucket counts of the events it generated.

Run: .venv/bin/python benchmarks/bench_core.py  (target: rss_growth_mb <= 5)
"""

from __future__ import annotations

import gc
import json
import time
from array import array
from collections import Counter
from datetime import UTC, datetime, timedelta

import psutil

from lia_desktop.core.attention import Pacing
from lia_desktop.core.feed import NotificationFeed
from lia_desktop.core.models import Notification, NotificationType, Priority
from lia_desktop.core.stats import LiveStats
from lia_desktop.core.wire import CounterUpdate, StatsSnapshot, parse_notification

EVENTS = 100_000
SNAPSHOT_EVERY = 300  # events, one a second: services.sync.SNAPSHOT_REFRESH_INTERVAL
WARMUP = 10_000
T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
TYPES = list(NotificationType)


def row(i: int, at: datetime) -> dict[str, object]:
    """A realtime INSERT record, as services would hand it over."""
    return {
        "id": i,
        "type": TYPES[i % len(TYPES)].value,
        "priority": Priority(i % 4).label,
        "title": "New booking",
        "body": "Ana Gómez booked Plumbing with Carlos Ruiz · $ 180.000",
        "entity_table": "bookings",
        "entity_id": str(i),
        "action_path": f"/admin/bookings/{i}",
        "created_at": at.isoformat(),
        "metadata": {"created_at": at.isoformat(), "total_price_cop": 180000},
    }


class Truth:
    """The server's view of the two windows, for the periodic snapshots."""

    def __init__(self) -> None:
        self.bookings: Counter[int] = Counter()  # minute -> count
        self.professionals: Counter[int] = Counter()  # hour -> count

    def add(self, n: Notification) -> None:
        epoch = int(n.created_at.timestamp())
        if n.type is NotificationType.BOOKING_CREATED:
            self.bookings[epoch - epoch % 60] += 1
        elif n.type is NotificationType.PROFESSIONAL_APPLIED:
            self.professionals[epoch - epoch % 3600] += 1

    def snapshot(self, cursor: int, now: datetime) -> StatsSnapshot:
        epoch = now.timestamp()
        for buckets, span in ((self.bookings, 86_400), (self.professionals, 30 * 86_400)):
            for bucket in [b for b in buckets if b < epoch - span - 3600]:
                del buckets[bucket]
        return StatsSnapshot(
            counters={},
            trends={},
            bookings_recent=tuple(sorted(self.bookings.items())),
            professionals_recent=tuple(sorted(self.professionals.items())),
            cursor=cursor,
        )


def percentile(samples: array[int], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] / 1000  # ns -> µs


def main() -> None:
    feed = NotificationFeed(web_admin_url="https://admin.lia.test", pacing=Pacing())
    stats = LiveStats()
    truth = Truth()
    process = psutil.Process()
    # preallocated so that the samples themselves do not count as growth
    note_ns = array("q", bytes(8 * EVENTS))
    counter_ns = array("q", bytes(8 * EVENTS))
    rss_start = 0
    for i in range(1, WARMUP + EVENTS + 1):
        now = T0 + timedelta(seconds=i)  # one event a second: exercises aging of both windows
        record = row(i, now)
        t = time.perf_counter_ns()
        n: Notification = parse_notification(record)
        feed.receive_live(n, now)
        stats.apply_notification(n, now)
        feed.tick(now)
        truth.add(n)
        t2 = time.perf_counter_ns()
        stats.apply_counter(CounterUpdate("total_bookings", i, i), now)
        t3 = time.perf_counter_ns()
        if i % 1000 == 0:
            stats.view(now)
        if i % SNAPSHOT_EVERY == 0:
            stats.apply_snapshot(truth.snapshot(i, now), now)
        if i == WARMUP:
            gc.collect()
            rss_start = process.memory_info().rss
        elif i > WARMUP:
            note_ns[i - WARMUP - 1] = t2 - t
            counter_ns[i - WARMUP - 1] = t3 - t2
    gc.collect()
    rss_end = process.memory_info().rss
    print(
        json.dumps(
            {
                "events": EVENTS,
                "notification_event_us": {
                    "p50": percentile(note_ns, 0.5),
                    "p99": percentile(note_ns, 0.99),
                },
                "counter_event_us": {
                    "p50": percentile(counter_ns, 0.5),
                    "p99": percentile(counter_ns, 0.99),
                },
                "rss_growth_mb": round((rss_end - rss_start) / 2**20, 2),
                "rss_target_mb": 5,
                "feed_items_kept": len(feed.items()),
                "cursor": feed.cursor,
            }
        )
    )


if __name__ == "__main__":
    main()
