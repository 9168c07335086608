"""Live dashboard figures per the contract's "Live stats rule"; never derived from ``old.status``.

- Counters (bookings, pending, users, revenue): the snapshot's values and any
  counter event, whichever has the higher ``seq`` per metric, so late or
  repeated events and snapshots can arrive in any order.
- Windows (bookings 24 h, new professionals 30 d): the snapshot's sparse
  buckets plus ``booking_created`` / ``professional_applied`` notifications
  with id above the snapshot's cursor (once per id), bucketed by the entity's
  ``metadata.created_at``. A bucket counts while it overlaps the window
  ``(now - span, now]``, so figures have bucket resolution (a minute for
  bookings, an hour for professionals) and age out as ``now`` moves.
- A DELETE of a booking or professional cannot be placed in a bucket (the
  record holds only the key): ``wire.EntityRemoved`` says refetch.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from lia_desktop.core.models import DashboardStats, Notification, NotificationType
from lia_desktop.core.wire import (
    COUNTER_METRICS,
    CounterUpdate,
    StatsSnapshot,
    WireError,
    parse_datetime,
)

MINUTE, HOUR, DAY = 60, 3600, 86400


class _Window:
    """Sparse buckets of one width over one span."""

    def __init__(self, width: int, span: int) -> None:
        self.width, self.span = width, span
        self.buckets: Counter[int] = Counter()

    def bucket_of(self, at: datetime) -> int:
        epoch = int(at.timestamp())
        return epoch - epoch % self.width

    def counts(self, bucket: int, now: float) -> bool:
        return now - self.span < bucket + self.width and bucket <= now

    def gone(self, bucket: int, now: float) -> bool:
        return bucket + self.width <= now - self.span

    def prune(self, now: float) -> set[int]:
        """Drop the buckets that aged out; returns them."""
        gone = {b for b in self.buckets if self.gone(b, now)}
        for bucket in gone:
            del self.buckets[bucket]
        return gone

    def total(self, now: float) -> int:
        return sum(c for b, c in self.buckets.items() if self.counts(b, now))


_KINDS = {NotificationType.BOOKING_CREATED: 0, NotificationType.PROFESSIONAL_APPLIED: 1}


class LiveStats:
    def __init__(self) -> None:
        self._counters: dict[str, CounterUpdate] = {}
        self._windows = (_Window(MINUTE, DAY), _Window(HOUR, 30 * DAY))
        self._cursor = 0
        #: notification id -> bucket * 2 + window index, for ids above the snapshot cursor
        #: (one int, not a tuple: this holds up to a window's worth of items)
        self._live: dict[int, int] = {}
        self._trends: dict[str, float | None] = {}
        self._updated_at: datetime | None = None
        self.has_snapshot = False

    def apply_snapshot(self, snapshot: StatsSnapshot, now: datetime) -> None:
        for update in snapshot.counters.values():
            self.apply_counter(update, now)
        self._cursor = snapshot.cursor
        self._trends = dict(snapshot.trends)
        for window, recent in zip(
            self._windows, (snapshot.bookings_recent, snapshot.professionals_recent), strict=True
        ):
            window.buckets = Counter()
            for bucket, count in recent:
                window.buckets[bucket] += count
        self._live = {i: code for i, code in self._live.items() if i > snapshot.cursor}
        for code in self._live.values():
            self._windows[code & 1].buckets[code >> 1] += 1
        self.has_snapshot = True
        self._updated_at = now

    def apply_counter(self, update: CounterUpdate, now: datetime) -> bool:
        """True if applied (known metric, newer ``seq``)."""
        known = self._counters.get(update.metric)
        if update.metric not in COUNTER_METRICS or (known is not None and known.seq >= update.seq):
            return False
        self._counters[update.metric] = update
        self._updated_at = now
        return True

    def apply_notification(self, n: Notification, now: datetime) -> bool:
        """True if it moved a window figure."""
        index = _KINDS.get(n.type)
        if index is None or n.id <= self._cursor or n.id in self._live:
            return False
        try:
            created = parse_datetime(n.metadata.get("created_at"), "metadata.created_at")
        except WireError:
            created = n.created_at
        window = self._windows[index]
        bucket = window.bucket_of(created)
        self._live[n.id] = bucket << 1 | index
        window.buckets[bucket] += 1
        self._updated_at = now
        return True

    def view(self, now: datetime) -> DashboardStats:
        """The figures at ``now``; also drops buckets that aged out, keeping memory bounded."""
        epoch = now.timestamp()
        aged = [window.prune(epoch) for window in self._windows]
        if any(aged):  # rare (once a minute at most): keep the per-event cost O(buckets)
            self._live = {
                i: code for i, code in self._live.items() if code >> 1 not in aged[code & 1]
            }
        bookings = self._windows[0]
        per_hour = [0] * 24
        start = epoch - DAY
        for bucket, count in bookings.buckets.items():
            if bookings.counts(bucket, epoch):
                per_hour[min(23, max(0, int(bucket - start) // HOUR))] += count
        values = {m: u.value for m, u in self._counters.items()}
        return DashboardStats(
            total_bookings=values.get("total_bookings", 0),
            pending_bookings=values.get("pending_bookings", 0),
            total_users=values.get("total_users", 0),
            total_revenue_cop=values.get("total_revenue_cop", 0),
            new_professionals_30d=self._windows[1].total(epoch),
            bookings_24h=sum(per_hour),
            trends=dict(self._trends),
            bookings_per_hour=tuple(per_hour),
            updated_at=self._updated_at.astimezone(UTC) if self._updated_at else None,
        )
