"""LiveStats against a ground-truth model of the database, for any delivery order."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from lia_desktop.core.models import DashboardStats, Notification, NotificationType, Priority
from lia_desktop.core.stats import DAY, HOUR, LiveStats
from lia_desktop.core.wire import COUNTER_METRICS, CounterUpdate, StatsSnapshot

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
E0 = int(T0.timestamp())


def made(i: int, kind: NotificationType, at: datetime, *, meta: bool = True) -> Notification:
    return Notification(
        id=i,
        type=kind,
        priority=Priority.MEDIUM,
        title="",
        body="",
        entity_table="",
        entity_id=str(i),
        action_path="",
        created_at=at + timedelta(seconds=1),
        metadata={"created_at": at.isoformat()} if meta else {"created_at": 5},
    )


@dataclass
class Db:
    """The server: entities with creation times, notification ids, counters with seq."""

    bookings: list[tuple[int, int]] = field(default_factory=list)  # (notification id, epoch)
    professionals: list[tuple[int, int]] = field(default_factory=list)
    counters: dict[str, CounterUpdate] = field(default_factory=dict)
    next_id: int = 1
    seq: int = 0

    def snapshot(self, now: int) -> StatsSnapshot:
        def buckets(
            rows: list[tuple[int, int]], width: int, span: int
        ) -> tuple[tuple[int, int], ...]:
            out: dict[int, int] = {}
            for _, at in rows:
                b = at - at % width
                if now - span < b + width and b <= now:
                    out[b] = out.get(b, 0) + 1
            return tuple(out.items())

        return StatsSnapshot(
            counters=dict(self.counters),
            trends={"total_bookings": 1.5},
            bookings_recent=buckets(self.bookings, 60, DAY),
            professionals_recent=buckets(self.professionals, HOUR, 30 * DAY),
            cursor=self.next_id - 1,
        )

    def truth(self, now: int) -> tuple[int, int, dict[str, int]]:
        snap = self.snapshot(now)
        return (
            sum(c for _, c in snap.bookings_recent),
            sum(c for _, c in snap.professionals_recent),
            {m: u.value for m, u in self.counters.items()},
        )


OPS = st.lists(
    st.one_of(
        st.tuples(st.just("booking"), st.integers(-2 * DAY, 0)),
        st.tuples(st.just("professional"), st.integers(-31 * DAY, 0)),
        st.tuples(st.just("counter"), st.integers(0, 3)),
        st.tuples(st.just("deliver"), st.integers(0, 9)),
        st.tuples(st.just("duplicate"), st.integers(0, 9)),
        st.tuples(st.just("snapshot"), st.just(0)),
        st.tuples(st.just("advance"), st.integers(0, 6 * HOUR)),
    ),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(OPS)
def test_stats_equal_the_ground_truth(ops: list[tuple[str, int]]) -> None:
    """Events arrive late, twice, reordered or before/after snapshots; after every pending
    event was delivered at least once, the figures equal the database's."""
    db, stats, now = Db(), LiveStats(), E0
    pending: list[tuple[str, object]] = []
    for op, arg in ops:
        if op in ("booking", "professional"):
            kind = (
                NotificationType.BOOKING_CREATED
                if op == "booking"
                else NotificationType.PROFESSIONAL_APPLIED
            )
            (db.bookings if op == "booking" else db.professionals).append((db.next_id, now + arg))
            pending.append(("n", made(db.next_id, kind, datetime.fromtimestamp(now + arg, UTC))))
            db.next_id += 1
        elif op == "counter":
            db.seq += 1
            metric = COUNTER_METRICS[arg]
            old = db.counters.get(metric)
            db.counters[metric] = CounterUpdate(metric, (old.value if old else 0) + db.seq, db.seq)
            pending.append(("c", db.counters[metric]))
        elif op in ("deliver", "duplicate") and pending:
            item = pending[arg % len(pending)]
            if op == "deliver":
                pending.remove(item)
            deliver(stats, item, now)
        elif op == "snapshot":
            stats.apply_snapshot(db.snapshot(now), datetime.fromtimestamp(now, UTC))
        elif op == "advance":
            now += arg
    for item in pending:
        deliver(stats, item, now)
    if not stats.has_snapshot:
        stats.apply_snapshot(Db().snapshot(now), datetime.fromtimestamp(now, UTC))
    view = stats.view(datetime.fromtimestamp(now, UTC))
    bookings, professionals, counters = db.truth(now)
    assert (view.bookings_24h, view.new_professionals_30d) == (bookings, professionals)
    assert sum(view.bookings_per_hour) == bookings
    assert {m: v for m, v in counters.items()} == {m: getattr(view, m) for m in counters}


def deliver(stats: LiveStats, item: tuple[str, object], now: int) -> None:
    at = datetime.fromtimestamp(now, UTC)
    if isinstance(item[1], Notification):
        stats.apply_notification(item[1], at)
    else:
        assert isinstance(item[1], CounterUpdate)
        stats.apply_counter(item[1], at)


def test_window_figures_age_out_and_the_chart_is_oldest_first() -> None:
    stats = LiveStats()
    stats.apply_snapshot(Db().snapshot(E0), T0)
    assert stats.apply_notification(
        made(1, NotificationType.BOOKING_CREATED, T0 - timedelta(hours=23, minutes=30)), T0
    )
    assert stats.apply_notification(
        made(2, NotificationType.BOOKING_CREATED, T0 - timedelta(minutes=5), meta=False), T0
    )
    assert not stats.apply_notification(made(2, NotificationType.BOOKING_CREATED, T0), T0)
    assert not stats.apply_notification(made(3, NotificationType.REVIEW_CREATED, T0), T0)
    assert stats.apply_notification(
        made(4, NotificationType.BOOKING_CREATED, T0 + timedelta(hours=2)), T0
    )
    view = stats.view(T0)
    assert view.bookings_24h == 2
    assert view.bookings_per_hour == (1,) + (0,) * 22 + (1,)
    assert view.trends == {"total_bookings": 1.5}
    assert view.updated_at == T0
    later = stats.view(T0 + timedelta(hours=1))
    assert later.bookings_24h == 1
    assert later.bookings_per_hour == (0,) * 22 + (1, 0)


def test_counters_apply_only_with_a_higher_seq_and_known_metric() -> None:
    stats = LiveStats()
    assert stats.apply_counter(CounterUpdate("total_users", 5, 2), T0)
    assert not stats.apply_counter(CounterUpdate("total_users", 4, 1), T0)
    assert not stats.apply_counter(CounterUpdate("total_users", 4, 2), T0)
    assert not stats.apply_counter(CounterUpdate("mystery", 4, 9), T0)
    assert stats.view(T0).total_users == 5
    assert LiveStats().view(T0) == DashboardStats(bookings_per_hour=(0,) * 24, trends={})
