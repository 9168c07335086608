"""NotificationFeed: exactly-once items and toasts, cursor, read state, storm control, toast rules."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lia_desktop.core.feed import (
    FeedUpdate,
    HistoryPolicy,
    NotificationFeed,
    StormPolicy,
    ToastRules,
    summary_title,
)
from lia_desktop.core.models import (
    Notification,
    NotificationType,
    Priority,
    ToastAction,
    ToastButton,
    ToastUrgency,
)

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
ADMIN = "https://admin.lia.test/"
SECOND = timedelta(seconds=1)

PATHS = {
    NotificationType.BOOKING_CREATED: "/admin/bookings/{}",
    NotificationType.BOOKING_CANCELLED: "/admin/bookings/{}",
    NotificationType.DISPUTE_OPENED: "/admin/disputes/{}",
    NotificationType.DISPUTE_ESCALATED: "/admin/disputes/{}",
    NotificationType.PROFESSIONAL_APPLIED: "/admin/professionals/{}",
    NotificationType.REVIEW_CREATED: "/admin/reviews/{}",
    NotificationType.USER_SIGNED_UP: "/admin/users/00000000-0000-4000-8000-{:012d}",
}


def note(
    i: int,
    type: NotificationType = NotificationType.BOOKING_CREATED,
    priority: Priority = Priority.MEDIUM,
    *,
    at: datetime = T0,
    read: bool = False,
) -> Notification:
    return Notification(
        id=i,
        type=type,
        priority=priority,
        title=f"title {i}",
        body=f"body {i}",
        entity_table="bookings",
        entity_id=str(i),
        action_path=PATHS[type].format(i),
        created_at=at,
        read=read,
    )


def feed(**kwargs: object) -> NotificationFeed:
    return NotificationFeed(web_admin_url=ADMIN, **kwargs)  # type: ignore[arg-type]


# ---------------------------------------------------------------- ids and cursor


def test_live_items_are_added_once_and_advance_the_cursor() -> None:
    f = feed()
    first = f.receive_live(note(1), T0)
    assert first.added == (note(1),)
    assert not first.gap
    assert f.receive_live(note(1), T0) == FeedUpdate()
    assert f.cursor == 1
    assert f.unread_count == 1


def test_a_live_id_past_a_gap_asks_for_catch_up_which_closes_it() -> None:
    f = feed(cursor=10)
    assert f.receive_live(note(12), T0).gap
    assert (f.cursor, f.seen_above) == (10, (12,))
    page = f.receive_page(10, [note(12), note(13)], last=True, now=T0)  # 11 was rolled back
    assert page.added == (note(13),)
    assert (f.cursor, f.seen_above) == (13, ())


def test_old_and_seen_ids_are_duplicates_across_a_restart() -> None:
    f = feed(cursor=5, seen_above=[3, 7])
    assert f.seen_above == (7,)
    assert f.receive_live(note(4), T0) == FeedUpdate()
    assert f.receive_live(note(7), T0) == FeedUpdate()
    assert f.receive_live(note(6), T0).added == (note(6),)
    assert f.cursor == 7


def test_a_page_from_beyond_the_cursor_does_not_move_it() -> None:
    f = feed(cursor=5)
    f.receive_page(8, [note(9)], last=True, now=T0)
    assert (f.cursor, f.seen_above) == (5, (9,))


def test_skip_moves_the_cursor_over_an_unreadable_row() -> None:
    f = feed(cursor=5)
    f.skip(6)
    f.skip(3)
    assert f.cursor == 6
    assert f.items() == []


def test_read_items_are_newest_first_and_bounded_by_count_and_age() -> None:
    f = feed(history=HistoryPolicy(max_items=3, max_age=timedelta(days=30)))
    for i in (2, 1, 4, 3):
        f.receive_live(note(i, at=T0 + i * SECOND, read=True), T0)
    assert [n.id for n in f.items()] == [4, 3, 2]
    assert f.get(1) is None
    f.receive_live(note(5, at=T0 + timedelta(days=2)), T0 + timedelta(days=2))
    f.tick(T0 + timedelta(days=30, seconds=5))
    assert [n.id for n in f.items()] == [5]
    assert f.unread_count == 1
    assert f.cursor == 5


def test_unread_items_are_never_evicted_whatever_their_number_or_age() -> None:
    f = feed(history=HistoryPolicy(max_items=2, max_age=timedelta(days=1)))
    for i in range(1, 6):
        f.receive_live(note(i, at=T0 + i * SECOND), T0)
    f.tick(T0 + timedelta(days=5))
    assert [n.id for n in f.items()] == [5, 4, 3, 2, 1]
    assert f.unread_count == 5
    f.mark_read([1, 2, 3])  # kept while the admin looks at them...
    assert f.unread_count == 2
    assert len(f.items()) == 5
    f.mark_unread([2])
    f.tick(T0 + timedelta(days=5))  # ...until they age out, read; 2 is unread again: it stays
    assert [n.id for n in f.items()] == [5, 4, 2]
    by_count = feed(history=HistoryPolicy(max_items=2))
    for i in range(1, 6):
        by_count.receive_live(note(i), T0)
    by_count.mark_read([1, 2, 3])
    by_count.receive_live(note(6), T0)
    assert [n.id for n in by_count.items()] == [6, 5, 4, 3, 2]  # the oldest read went


def test_a_read_item_evicted_on_arrival_is_not_reported() -> None:
    f = feed(history=HistoryPolicy(max_items=1))
    f.receive_live(note(2, read=True), T0)
    update = f.receive_live(note(1, read=True), T0)
    assert update.added == ()
    page = f.receive_page(0, [note(1, read=True), note(2, read=True)], last=True, now=T0)
    assert page == FeedUpdate()
    gap = feed(history=HistoryPolicy(max_items=1))
    gap.receive_live(note(3, read=True), T0)
    rows = [note(1, read=True), note(2, read=True), note(3, read=True)]
    assert gap.receive_page(0, rows, last=True, now=T0) == FeedUpdate()
    assert gap.cursor == 3


# ---------------------------------------------------------------- read state


def test_mark_read_returns_only_newly_read_ids() -> None:
    f = feed()
    for i in (1, 2, 3):
        f.receive_live(note(i), T0)
    assert f.mark_read([1, 2, 99]) == (1, 2)
    assert f.mark_read([1]) == ()
    assert f.unread_count == 1
    assert f.get(1) == note(1, read=True)


def test_mark_all_read_returns_the_highest_id_seen() -> None:
    assert feed().mark_all_read() is None
    f = feed(cursor=4)
    f.receive_live(note(9), T0)
    assert f.mark_all_read() == 9
    assert f.unread_count == 0
    assert feed(cursor=4).mark_all_read() == 4


def test_remote_reads_apply_now_or_when_the_item_arrives() -> None:
    f = feed()
    f.receive_live(note(1), T0)
    assert f.apply_remote_reads([1, 2])
    assert not f.apply_remote_reads([1])
    update = f.receive_live(note(2), T0)
    assert update.added == (note(2, read=True),)
    assert update.toasts == ()
    assert f.unread_count == 0
    assert not f.apply_remote_reads([2, 0])  # known and old ids are not remembered


def test_early_reads_are_forgotten_once_the_cursor_passes_them() -> None:
    f = feed(cursor=1)
    f.apply_remote_reads([3])
    f.receive_page(1, [note(2), note(4)], last=True, now=T0)
    assert f.receive_live(note(5), T0).added == (note(5),)


def test_mark_unread_returns_only_ids_that_were_read_and_the_count_follows() -> None:
    f = feed()
    for i in (1, 2, 3):
        f.receive_live(note(i), T0)
    f.mark_read([1, 2])
    assert f.unread_count == 1
    assert f.mark_unread([1, 3, 99]) == (1,)
    assert f.mark_unread([1]) == ()
    assert f.unread_count == 2
    assert f.get(1) == note(1)
    assert f.mark_read([1]) == (1,)  # Space toggles back and forth
    assert f.unread_count == 1


def test_remote_unreads_apply_to_read_items_only() -> None:
    f = feed()
    f.receive_live(note(1), T0)
    f.receive_live(note(2), T0)
    f.apply_remote_reads([1])
    assert f.apply_remote_unreads([1, 2, 99])
    assert not f.apply_remote_unreads([1])
    assert f.unread_count == 2
    assert [n.read for n in f.items()] == [False, False]


def test_an_unread_cancels_a_read_that_came_before_its_item() -> None:
    f = feed()
    f.apply_remote_reads([1])
    assert not f.apply_remote_unreads([1])  # nothing shown changed
    update = f.receive_live(note(1), T0)
    assert update.added == (note(1),)
    assert len(update.toasts) == 1
    assert f.unread_count == 1


def test_a_repeated_row_carries_the_server_read_flag() -> None:
    f = feed()
    f.receive_live(note(1), T0)
    f.receive_page(0, [note(1, read=True)], last=True, now=T0)
    assert f.unread_count == 0


def test_the_backlog_follows_the_server_except_unconfirmed_toggles() -> None:
    f = feed()
    for i in (1, 2, 3, 4, 9):
        f.receive_live(note(i, read=i == 2), T0)
    f.mark_read([4])  # toggled here, its RPC not committed yet
    # The server's unread items <= 8 (3 was read elsewhere; 7 made unread elsewhere,
    # never held here) and a history page (5 read).
    server = [note(7), note(4), note(2), note(1), note(5, read=True)]
    assert f.receive_backlog(server, up_to=8, except_ids={4})
    assert [(n.id, n.read) for n in f.items()] == [
        (9, False), (7, False), (5, True), (4, True), (3, True), (2, False), (1, False),
    ]  # fmt: skip
    assert f.unread_count == 4  # 9 is above up_to: the catch-up's, left as it is
    assert not f.receive_backlog(server, up_to=8, except_ids={4})  # nothing left to change
    assert f.receive_backlog([note(5)], up_to=8, down_to=5)  # truncated: 1-4 untouched
    assert [n.id for n in f.items() if not n.read] == [9, 5, 2, 1]
    assert f.receive_backlog([note(6)], up_to=3)  # none unread up to 3; 6 is the catch-up's
    assert f.get(6) is None
    assert [n.id for n in f.items() if not n.read] == [9, 5]


def test_a_fresh_feed_starts_at_the_server_cursor_and_toasts_nothing_old() -> None:
    f = feed()
    assert f.fresh
    f.start_at(40)
    assert f.cursor == 40
    assert not f.fresh
    f.start_at(90)  # only a fresh feed moves
    assert f.cursor == 40
    assert f.receive_backlog([note(38), note(12)], up_to=40)
    assert f.unread_count == 2
    update = f.receive_page(40, [note(41)], last=True, now=T0)
    assert [t.notification_ids for t in update.toasts] == [(41,)]


# ---------------------------------------------------------------- toasts


def test_a_single_toast_follows_the_ui_guide() -> None:
    f = feed(rules=ToastRules(sounds=False))
    (toast,) = f.receive_live(note(7), T0).toasts
    url = "https://admin.lia.test/admin/bookings/7"
    assert toast.title == "title 7"
    assert toast.body == "body 7"
    assert toast.urgency is ToastUrgency.NORMAL
    assert toast.click == ToastButton("Open", ToastAction.OPEN_URL, url)
    assert toast.buttons == (
        ToastButton("View booking", ToastAction.OPEN_URL, url),
        ToastButton("Mark read", ToastAction.MARK_READ),
    )
    assert toast.notification_ids == (7,)
    assert not toast.sound
    assert not toast.summary


@pytest.mark.parametrize(
    ("status", "label"), [("pending", "Review application"), ("approved", "View professional")]
)
def test_a_professional_toast_offers_review_only_while_pending(status: str, label: str) -> None:
    n = replace(note(4, NotificationType.PROFESSIONAL_APPLIED), metadata={"status": status})
    (toast,) = feed().receive_live(n, T0).toasts
    assert [b.label for b in toast.buttons] == [label, "Mark read"]


def test_a_sign_up_toast_only_offers_mark_read() -> None:
    (toast,) = (
        feed().receive_live(note(1, NotificationType.USER_SIGNED_UP, Priority.LOW), T0).toasts
    )
    assert [b.label for b in toast.buttons] == ["Mark read"]
    assert toast.urgency is ToastUrgency.LOW


def test_a_burst_becomes_one_summary_and_the_list_keeps_everything() -> None:
    f = feed()
    singles = [f.receive_live(note(i), T0 + i * SECOND).toasts for i in (1, 2, 3)]
    assert all(len(t) == 1 for t in singles)
    held = [f.receive_live(note(i), T0 + i * SECOND) for i in range(4, 18)]
    held.append(f.receive_live(note(18, NotificationType.DISPUTE_OPENED, Priority.HIGH), T0))
    held.append(f.receive_live(note(19, NotificationType.DISPUTE_ESCALATED, Priority.URGENT), T0))
    assert all(u.toasts == () for u in held)
    assert f.wakeup_at == T0 + 4 * SECOND + timedelta(seconds=15)
    assert f.tick(T0 + 10 * SECOND) == FeedUpdate()
    (summary,) = f.tick(T0 + 19 * SECOND).toasts
    assert summary.title == "14 new bookings, 2 disputes"
    assert summary.body == "in the last minute"
    assert summary.priority is Priority.URGENT
    assert summary.urgency is ToastUrgency.CRITICAL
    assert summary.summary
    assert summary.click.action is ToastAction.OPEN_NOTIFICATIONS
    assert [b.label for b in summary.buttons] == ["Open notifications", "Mark read"]
    assert summary.notification_ids == tuple(range(4, 20))
    assert len(f.items()) == 19
    assert f.wakeup_at is None


def test_held_items_read_meanwhile_are_left_out() -> None:
    f = feed(storm=StormPolicy(max_toasts=0))
    f.receive_live(note(1), T0)
    f.receive_live(note(2), T0)
    f.mark_read([1])
    (toast,) = f.tick(T0 + timedelta(minutes=1)).toasts
    assert toast.notification_ids == (2,)
    assert not toast.summary
    f.receive_live(note(3), T0 + timedelta(minutes=2))
    f.mark_read([3])
    assert f.tick(T0 + timedelta(minutes=3)) == FeedUpdate()


def test_the_burst_window_slides() -> None:
    f = feed(storm=StormPolicy(max_toasts=1, window=timedelta(seconds=10)))
    assert f.receive_live(note(1), T0).toasts
    assert not f.receive_live(note(2), T0 + 5 * SECOND).toasts
    f.tick(T0 + 20 * SECOND)
    assert f.receive_live(note(3), T0 + 40 * SECOND).toasts


def test_a_large_catch_up_is_one_summary_a_small_one_single_toasts() -> None:
    f = feed()
    page1 = f.receive_page(0, [note(1), note(2), note(3, read=True)], last=False, now=T0)
    assert page1.toasts == ()
    assert len(page1.added) == 3
    page2 = f.receive_page(
        3, [note(4), note(5, NotificationType.DISPUTE_OPENED)], last=True, now=T0
    )
    (summary,) = page2.toasts
    assert (summary.title, summary.body) == ("3 new bookings, 1 dispute", "while you were away")
    assert summary.notification_ids == (1, 2, 4, 5)
    small = f.receive_page(5, [note(6)], last=True, now=T0)
    assert [t.notification_ids for t in small.toasts] == [(6,)]
    assert f.receive_page(6, [], last=True, now=T0) == FeedUpdate()


def test_summary_titles_group_and_rank() -> None:
    T = NotificationType
    assert summary_title([T.REVIEW_CREATED]) == "1 review"
    assert (
        summary_title(
            [T.USER_SIGNED_UP, T.BOOKING_CANCELLED, T.BOOKING_CANCELLED, T.PROFESSIONAL_APPLIED]
        )
        == "2 cancellations, 1 professional application, 1 new sign-up"
    )


def test_min_priority_and_dnd_silence_but_keep_items() -> None:
    f = feed(rules=ToastRules(min_priority=Priority.HIGH, dnd_until=T0 + timedelta(hours=1)))
    assert f.receive_live(note(1, priority=Priority.URGENT), T0).toasts == ()
    assert f.receive_live(note(2, priority=Priority.MEDIUM), T0 + timedelta(hours=2)).toasts == ()
    assert f.receive_live(note(3, priority=Priority.HIGH), T0 + timedelta(hours=2)).toasts
    assert f.unread_count == 3


@pytest.mark.parametrize(
    ("start", "end", "clock", "quiet"),
    [
        (time(22), time(7), time(23, 30), True),
        (time(22), time(7), time(6, 59), True),
        (time(22), time(7), time(7), False),
        (time(22), time(7), time(12), False),
        (time(13), time(14), time(13, 30), True),
        (time(13), time(14), time(14), False),
        (time(9), time(9), time(9), False),
    ],
)
def test_quiet_hours_wrap_midnight(start: time, end: time, clock: time, quiet: bool) -> None:
    rules = ToastRules(quiet_start=start, quiet_end=end)
    now = datetime.combine(T0.date(), clock, tzinfo=UTC)
    assert rules.in_quiet_hours(now) is quiet
    assert rules.allows(Priority.HIGH, now) is not quiet
    assert rules.allows(Priority.URGENT, now)


def test_no_quiet_hours_by_default() -> None:
    assert not ToastRules().in_quiet_hours(T0)


# ---------------------------------------------------------------- the property


OPS = st.lists(
    st.one_of(
        st.tuples(st.just("commit"), st.booleans()),  # bool: the id is rolled back (a gap)
        st.tuples(st.just("deliver"), st.integers(0, 5)),  # index into the in-flight queue
        st.tuples(st.just("duplicate"), st.integers(0, 5)),
        st.tuples(st.just("drop"), st.integers(0, 5)),
        st.tuples(st.just("disconnect"), st.just(0)),
        st.tuples(st.just("catch_up"), st.integers(1, 4)),  # page size
        st.tuples(st.just("restart"), st.just(0)),
        st.tuples(st.just("remote_read"), st.integers(1, 40)),
        st.tuples(st.just("remote_unread"), st.integers(1, 12)),
        st.tuples(st.just("toggle_read"), st.integers(0, 5)),  # Space on the n-th item listed
    ),
    max_size=80,
)


@settings(max_examples=300, deadline=None)
@given(OPS)
def test_every_notification_is_shown_and_toasted_exactly_once(ops: list[tuple[str, int]]) -> None:
    """Random commits, lost/duplicated/reordered live events, disconnects, overlapping
    catch-up pages, restarts and read/unread toggles (here and remote): each committed id
    is added once and toasted at most once, once a full catch-up ran every committed id
    was added, and the unread count always equals the unread items."""
    committed: list[int] = []
    next_id = 1
    in_flight: list[int] = []
    connected = True
    f = feed(history=HistoryPolicy(max_items=10_000))
    added: Counter[int] = Counter()
    toasted: Counter[int] = Counter()
    now = T0

    def record(update: FeedUpdate) -> None:
        added.update(n.id for n in update.added)
        for toast in update.toasts:
            toasted.update(toast.notification_ids)

    def by_id(i: int) -> Notification:
        return note(i, at=now)

    def catch_up(page_size: int) -> None:
        while True:
            after = f.cursor
            rows = [i for i in committed if i > after][:page_size]
            record(
                f.receive_page(after, [by_id(i) for i in rows], last=len(rows) < page_size, now=now)
            )
            if len(rows) < page_size:
                return

    for op, arg in ops:
        now += SECOND
        if op == "commit":
            if not arg:
                committed.append(next_id)
                if connected:
                    in_flight.append(next_id)
            next_id += 1
        elif op in ("deliver", "duplicate", "drop") and in_flight:
            i = in_flight[arg % len(in_flight)]
            if op != "duplicate":
                in_flight.remove(i)
            if op != "drop":
                record(f.receive_live(by_id(i), now))
        elif op == "disconnect":
            connected, in_flight = False, []
        elif op == "catch_up":
            connected = True
            catch_up(arg)
        elif op == "restart":
            f = feed(
                history=HistoryPolicy(max_items=10_000), cursor=f.cursor, seen_above=f.seen_above
            )
            connected, in_flight = True, []
        elif op == "remote_read":
            f.apply_remote_reads([arg])
        elif op == "remote_unread":
            f.apply_remote_unreads([arg])
        elif op == "toggle_read" and (items := f.items()):
            item = items[arg % len(items)]
            toggle = f.mark_unread if item.read else f.mark_read
            assert toggle([item.id]) == (item.id,)
        record(f.tick(now))
        assert f.unread_count == sum(not n.read for n in f.items())
    catch_up(3)
    record(f.tick(now + timedelta(hours=1)))
    assert set(added) == set(committed)
    assert all(n == 1 for n in added.values())
    assert all(n == 1 for n in toasted.values())
    assert f.cursor >= max(committed, default=0)


READ_OPS = st.lists(
    st.tuples(
        st.sampled_from(["arrive", "toggle_read", "remote_read", "remote_unread"]),
        st.integers(1, 6),
    ),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(READ_OPS)
def test_each_item_ends_as_its_last_read_or_unread_left_it(ops: list[tuple[str, int]]) -> None:
    """Space here, reads and unreads from other sessions (before or after the item arrives),
    arrivals in any order: every item ends as the last of them left it; the count follows."""
    f = feed()
    read: dict[int, bool] = {}
    for op, i in ops:
        if op == "arrive":
            f.receive_live(note(i), T0)
        elif op == "toggle_read" and (item := f.get(i)) is not None:
            (f.mark_unread if item.read else f.mark_read)([i])
            read[i] = not item.read
        elif op == "remote_read":
            f.apply_remote_reads([i])
            read[i] = True
        elif op == "remote_unread":
            f.apply_remote_unreads([i])
            read[i] = False
        assert f.unread_count == sum(not n.read for n in f.items())
    for i in range(1, 7):
        f.receive_live(note(i), T0)
    assert {n.id: n.read for n in f.items()} == {i: read.get(i, False) for i in range(1, 7)}
    assert f.unread_count == sum(not n.read for n in f.items())


def test_toasts_held_before_do_not_disturb_stay_quiet_when_released() -> None:
    """Regression: a summary held by storm control came out 4.5 s after DND was turned on."""
    f = feed(storm=StormPolicy(max_toasts=1, hold=timedelta(seconds=15)))
    assert f.receive_live(note(1), T0).toasts  # the one toast of the window
    f.receive_live(note(2), T0)
    f.receive_live(note(3, NotificationType.DISPUTE_OPENED, Priority.URGENT), T0)  # both held
    f.rules = ToastRules(dnd_until=T0 + timedelta(hours=1))
    assert f.tick(T0 + timedelta(seconds=16)) == FeedUpdate()
    assert f.wakeup_at is None  # released as nothing: their items stay in the list, unread
    assert f.unread_count == 3


def test_a_catch_up_decides_its_toasts_under_the_rules_at_its_end() -> None:
    f = feed()
    f.receive_page(0, [note(1), note(2)], last=False, now=T0)
    f.rules = ToastRules(dnd_until=T0 + timedelta(hours=1))
    assert f.receive_page(2, [note(3)], last=True, now=T0).toasts == ()
