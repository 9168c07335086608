"""The data-path check's verdict, and the feed's reset when the server went back."""

from __future__ import annotations

from datetime import UTC, datetime

from lia_desktop.core.feed import NotificationFeed
from lia_desktop.core.liveness import ProbePolicy, Verdict, compare
from tests.core.test_feed import note

T0 = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def test_the_verdict_compares_the_servers_newest_id_with_what_arrived() -> None:
    assert compare(10, 7) is Verdict.SERVER_AHEAD
    assert compare(7, 10) is Verdict.SERVER_BEHIND
    assert compare(7, 7) is Verdict.IN_STEP
    policy = ProbePolicy()
    assert 15 <= policy.interval <= 30  # one light request per 15-30 s
    assert policy.interval + policy.grace <= 30  # deafness noticed within 30 s


def test_arrived_counts_ids_seen_above_a_gap() -> None:
    feed = NotificationFeed(web_admin_url="https://admin.lia.test")
    feed.receive_live(note(1), T0)
    feed.receive_live(note(4), T0)  # 2 and 3 lost on the wire
    assert (feed.cursor, feed.arrived) == (1, 4)


def test_a_reset_forgets_the_ids_the_server_no_longer_has() -> None:
    feed = NotificationFeed(web_admin_url="https://admin.lia.test")
    feed.start_at(0)
    for i in (1, 2, 3, 5, 6):
        feed.receive_live(note(i, at=T0, read=i == 6), T0)
    feed.apply_remote_reads([9])  # read elsewhere before it arrived
    assert (feed.cursor, feed.arrived, feed.unread_count) == (3, 6, 4)
    feed.reset_to(2)  # restored to a backup whose newest id is 2
    assert [n.id for n in feed.items()] == [2, 1]
    assert (feed.cursor, feed.arrived, feed.unread_count) == (2, 2, 2)
    assert feed.seen_above == ()
    feed.receive_live(note(3), T0)  # the restored server reuses 3: new, not "seen"
    assert [n.id for n in feed.items()] == [3, 2, 1]
    assert feed.get(9) is None


def test_a_reset_drops_toasts_held_for_ids_that_are_gone() -> None:
    from lia_desktop.core.attention import Pacing

    feed = NotificationFeed(
        web_admin_url="https://admin.lia.test", pacing=Pacing(grouped_per_window=1)
    )
    feed.receive_live(note(1), T0)
    feed.receive_live(note(2), T0)  # held by storm control
    feed.receive_live(note(3), T0)
    assert feed.wakeup_at is not None
    feed.reset_to(1)
    assert feed.wakeup_at is None
    feed.receive_live(note(2), T0)
    feed.receive_live(note(3), T0)  # held again: the first toast of the window went out
    feed.reset_to(2)
    assert feed.wakeup_at is not None  # 2 is still there and still held
