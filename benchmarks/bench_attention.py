"""How much the toast policy interrupts: an 8-hour day of the demo marketplace through the
feed, with the clock simulated; prints JSON.

The mix is the demo simulator's (lia_desktop/devstack/simulator.py: ACTION_WEIGHTS, Pace):
an action every 3 s on average (bookings, status changes with some cancellations, reviews
with 2 in 17 low, sign-ups, applications, a few disputes an hour) and a burst of bookings
every 150 s.
Ticks run when the feed asks (``wakeup_at``), as services.sync schedules them.

Targets (issue 14): <= 12 toasts in any 10 minutes, <= 1 summary per 5 minutes, every
urgent/high item its own toast.

Run: .venv/bin/python benchmarks/bench_attention.py [--hours 8] [--seed 14]
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import time
from datetime import UTC, datetime, timedelta

from lia_desktop.core.feed import NotificationFeed
from lia_desktop.core.models import Notification, NotificationType, Priority, Toast
from lia_desktop.devstack.simulator import ACTION_WEIGHTS, CANCEL_SHARE, RATING_WEIGHTS, Pace

T = NotificationType
T0 = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
WINDOW_10_MIN = timedelta(minutes=10)


def marketplace(hours: float, rng: random.Random) -> list[tuple[float, NotificationType, Priority]]:
    """(second, type, priority) of every notification of the day, in time order, drawn with
    the simulator's own weights and pace."""
    pace = Pace()
    low_share = sum(RATING_WEIGHTS[:2]) / sum(RATING_WEIGHTS)
    outcome = {
        "new_booking": lambda: (T.BOOKING_CREATED, Priority.MEDIUM),
        "advance_booking": lambda: (
            (T.BOOKING_CANCELLED, Priority.MEDIUM) if rng.random() < CANCEL_SHARE else None
        ),
        "review_booking": lambda: (
            T.REVIEW_CREATED,
            Priority.HIGH if rng.random() < low_share else Priority.LOW,
        ),
        "sign_up": lambda: (T.USER_SIGNED_UP, Priority.LOW),
        "apply_as_professional": lambda: (T.PROFESSIONAL_APPLIED, Priority.MEDIUM),
        "open_dispute": lambda: (T.DISPUTE_OPENED, Priority.HIGH),
        "escalate_dispute": lambda: (T.DISPUTE_ESCALATED, Priority.URGENT),
    }
    names = list(ACTION_WEIGHTS)
    events: list[tuple[float, NotificationType, Priority]] = []
    second, next_burst = 0.0, pace.burst_every_s
    while second < hours * 3600:
        if second >= next_burst:
            events += [(second, T.BOOKING_CREATED, Priority.MEDIUM)] * rng.randint(*pace.burst_size)
            next_burst = second + pace.burst_every_s
        else:
            name = rng.choices(names, weights=[ACTION_WEIGHTS[n] for n in names])[0]
            made = outcome[name]()
            if made is not None:
                events.append((second, *made))
        second += min(rng.expovariate(1 / pace.mean_interval_s), 15.0)
    return events


def play(hours: float, seed: int) -> dict[str, object]:
    feed = NotificationFeed(web_admin_url="https://admin.lia.test")
    feed.caught_up(T0)  # the start is behind us: what follows is live
    shown: list[tuple[datetime, Toast]] = []
    important: set[int] = set()
    events = marketplace(hours, random.Random(seed))

    def tick_until(limit: datetime | None) -> None:
        while (at := feed.wakeup_at) is not None and (limit is None or at <= limit):
            shown.extend((at, toast) for toast in feed.tick(at).toasts)

    started = time.process_time()
    for i, (second, kind, priority) in enumerate(events, start=1):
        now = T0 + timedelta(seconds=second)
        tick_until(now)
        n = Notification(i, kind, priority, "", "", "bookings", str(i), f"/admin/bookings/{i}", now)
        if priority >= Priority.HIGH:
            important.add(i)
        shown.extend((now, toast) for toast in feed.receive_live(n, now).toasts)
    tick_until(None)
    cpu = time.process_time() - started

    times = [at for at, _toast in shown]
    summaries = [at for at, toast in shown if toast.summary]
    own = {t.notification_ids[0] for _at, t in shown if not t.summary} & important
    return {
        "hours": hours,
        "notifications": len(events),
        "toasts": len(shown),
        "toasts_per_hour": round(len(shown) / hours, 1),
        "important_items": len(important),
        "important_with_own_toast": len(own),
        "summaries": len(summaries),
        "max_toasts_in_any_10_min": max(
            (sum(at <= t < at + WINDOW_10_MIN for t in times) for at in times), default=0
        ),
        "min_gap_between_summaries_s": min(
            ((b - a).total_seconds() for a, b in itertools.pairwise(summaries)),
            default=None,
        ),
        "feed_cpu_us_per_notification": round(cpu / max(len(events), 1) * 1e6, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hours", type=float, default=8.0)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    print(json.dumps(play(args.hours, args.seed), indent=2))


if __name__ == "__main__":
    main()
