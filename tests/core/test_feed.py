"""NotificationFeed: exactly-once items and toasts, cursor, read state, storm control, toast rules."""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lia_desktop.core.attention import Delivery, Pacing, ToastRules, TypeChoice, tomorrow_morning
from lia_desktop.core.feed import (
    FeedUpdate,
    HistoryPolicy,
    NotificationFeed,
    summary_title,
    view_label,
)
from lia_desktop.core.i18n import english
from lia_desktop.core.models import (
    Notification,
    NotificationType,
    Priority,
    Toast,
    ToastAction,
    ToastButton,
    ToastUrgency,
)

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
ADMIN = "https://admin.lia.test/"
SECOND = timedelta(seconds=1)
T = NotificationType

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
    page = f.receive_page(10, [note(12), note(13)], now=T0)  # 11 was rolled back
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
    f.receive_page(8, [note(9)], now=T0)
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
    page = f.receive_page(0, [note(1, read=True), note(2, read=True)], now=T0)
    assert page == FeedUpdate()
    gap = feed(history=HistoryPolicy(max_items=1))
    gap.receive_live(note(3, read=True), T0)
    rows = [note(1, read=True), note(2, read=True), note(3, read=True)]
    assert gap.receive_page(0, rows, now=T0) == FeedUpdate()
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
    f.receive_page(1, [note(2), note(4)], now=T0)
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
    f.receive_page(0, [note(1, read=True)], now=T0)
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
    assert f.receive_page(40, [note(41, T.DISPUTE_OPENED, Priority.HIGH)], now=T0).toasts == ()
    (status,) = f.caught_up(T0).toasts  # a start says how many are unread, quietly
    assert (status.title, status.body) == ("3 unread notifications", "2 new bookings, 1 dispute")
    assert (status.urgency, status.sound, status.notification_ids) == (ToastUrgency.LOW, False, ())
    assert [b.action for b in status.buttons] == [ToastAction.OPEN_NOTIFICATIONS]
    assert f.receive_live(note(42, T.DISPUTE_OPENED, Priority.HIGH), T0).toasts  # then: live


def test_a_start_with_nothing_unread_or_in_do_not_disturb_says_nothing() -> None:
    f = feed()
    f.receive_page(0, [note(1, read=True)], now=T0)
    assert f.caught_up(T0) == FeedUpdate()
    quiet = feed(rules=ToastRules(dnd_until=T0 + timedelta(hours=1)))
    quiet.receive_page(0, [note(1)], now=T0)
    assert quiet.caught_up(T0) == FeedUpdate()
    f.receive_page(1, [note(2)], now=T0)  # a later catch-up delivers what it brought
    assert [t.notification_ids for t in f.caught_up(T0).toasts] == [(2,)]


# ---------------------------------------------------------------- toasts


def test_a_single_toast_follows_the_ui_guide() -> None:
    f = feed(rules=ToastRules(sounds=False))
    (toast,) = f.receive_live(note(7), T0).toasts
    url = "https://admin.lia.test/admin/bookings/7"
    assert toast.title == "New booking"  # composed here, in the admin's language
    assert toast.body == "body 7"  # the server's: no metadata to compose from
    assert toast.urgency is ToastUrgency.NORMAL
    assert toast.click == ToastButton("Open", ToastAction.OPEN_URL, url)
    assert toast.buttons == (
        ToastButton("View booking", ToastAction.OPEN_URL, url),
        ToastButton("Mark read", ToastAction.MARK_READ),
    )
    assert toast.notification_ids == (7,)
    assert not toast.sound
    assert not toast.summary


def test_urgent_and_high_items_get_their_own_toast_with_sound_and_a_reminder() -> None:
    f = feed()
    dispute = f.receive_live(note(1, T.DISPUTE_OPENED, Priority.HIGH), T0).toasts
    escalated = f.receive_live(note(2, T.DISPUTE_ESCALATED, Priority.URGENT), T0).toasts
    for (toast,), urgency in ((dispute, ToastUrgency.NORMAL), (escalated, ToastUrgency.CRITICAL)):
        assert [b.label for b in toast.buttons] == [
            "Review dispute",
            "Mark read",
            "Remind me in 15 min",
        ]
        assert (toast.urgency, toast.sound, toast.summary) == (urgency, True, False)
    assert f.receive_live(note(3), T0).toasts == ()  # the two took the window's slots
    booking = feed().receive_live(note(3), T0).toasts[0]
    assert not booking.sound  # medium: no sound by default
    assert ToastAction.SNOOZE not in [b.action for b in booking.buttons]


@pytest.mark.parametrize(
    ("status", "label"), [("pending", "Review application"), ("approved", "View professional")]
)
def test_a_professional_toast_offers_review_only_while_pending(status: str, label: str) -> None:
    n = replace(note(4, T.PROFESSIONAL_APPLIED), metadata={"status": status})
    (toast,) = feed().receive_live(n, T0).toasts
    assert [b.label for b in toast.buttons] == [label, "Mark read"]


def test_low_items_are_listed_without_a_toast_unless_the_admin_chose_one() -> None:
    sign_up = note(1, T.USER_SIGNED_UP, Priority.LOW)
    f = feed()
    update = f.receive_live(sign_up, T0)
    assert (update.added, update.toasts, f.unread_count) == ((sign_up,), (), 1)
    chosen = feed(rules=ToastRules(types={T.USER_SIGNED_UP: TypeChoice(Delivery.OWN_TOAST)}))
    (toast,) = chosen.receive_live(sign_up, T0).toasts
    assert [b.label for b in toast.buttons] == ["Mark read", "Remind me in 15 min"]
    assert toast.urgency is ToastUrgency.LOW


def test_per_type_choices_override_the_priority_defaults() -> None:
    rules = ToastRules(
        min_priority=Priority.HIGH,
        sounds=True,
        types={
            T.REVIEW_CREATED: TypeChoice(Delivery.LIST_ONLY),
            T.BOOKING_CREATED: TypeChoice(sound=True),
            T.DISPUTE_OPENED: TypeChoice(sound=False),
        },
    )
    assert rules.delivery(T.REVIEW_CREATED, Priority.HIGH) is Delivery.LIST_ONLY  # low ratings too
    assert rules.delivery(T.BOOKING_CREATED, Priority.MEDIUM) is Delivery.LIST_ONLY  # below min
    assert rules.delivery(T.DISPUTE_OPENED, Priority.HIGH) is Delivery.OWN_TOAST
    assert rules.sound(T.BOOKING_CREATED, Priority.MEDIUM)
    assert not rules.sound(T.DISPUTE_OPENED, Priority.HIGH)
    assert not replace(rules, sounds=False).sound(T.BOOKING_CREATED, Priority.MEDIUM)  # master


def test_grouped_items_come_alone_twice_per_window_then_as_one_summary() -> None:
    f = feed()
    singles = [f.receive_live(note(i), T0 + i * SECOND).toasts for i in (1, 2)]
    assert all(len(t) == 1 for t in singles)
    held = [f.receive_live(note(i), T0 + i * SECOND) for i in range(3, 17)]
    held.append(f.receive_live(note(17, T.BOOKING_CANCELLED), T0 + 20 * SECOND))
    assert all(u.toasts == () for u in held)
    own = f.receive_live(note(18, T.DISPUTE_OPENED, Priority.HIGH), T0 + 30 * SECOND)
    assert [t.notification_ids for t in own.toasts] == [(18,)]  # never folded, never held
    assert f.wakeup_at == T0 + SECOND + timedelta(minutes=5)  # the first single leaves the window
    assert f.tick(T0 + timedelta(minutes=4)) == FeedUpdate()
    (summary,) = f.tick(T0 + timedelta(minutes=5, seconds=1)).toasts
    assert summary.title == "14 new bookings, 1 cancellation"
    assert summary.body == "in the last 5 minutes"
    assert (summary.priority, summary.urgency, summary.sound) == (
        Priority.MEDIUM,
        ToastUrgency.NORMAL,
        False,
    )
    assert summary.summary
    assert summary.click.action is ToastAction.OPEN_NOTIFICATIONS
    assert [b.label for b in summary.buttons] == ["Open notifications", "Mark read"]
    assert summary.notification_ids == tuple(range(3, 18))
    assert len(f.items()) == 18
    assert f.wakeup_at is None
    # the window holds the dispute's toast and the summary: the next booking waits for the
    # dispute's slot, then (company joined) for the next summary's time
    later = T0 + timedelta(minutes=5, seconds=2)
    assert f.receive_live(note(19), later).toasts == ()
    assert f.wakeup_at == T0 + timedelta(minutes=5, seconds=30)
    assert f.receive_live(note(20), later).toasts == ()
    assert f.tick(T0 + timedelta(minutes=5, seconds=30)) == FeedUpdate()
    assert f.wakeup_at == T0 + timedelta(minutes=10, seconds=1)
    (second,) = f.tick(T0 + timedelta(minutes=10, seconds=1)).toasts
    assert second.notification_ids == (19, 20)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 1500), max_size=40))
def test_grouped_toasts_keep_the_pace_whatever_the_arrivals(seconds: list[int]) -> None:
    """Bookings at any times, ticks when the feed asks: each one toasted exactly once (alone
    or in a summary), at most two grouped toasts in any five minutes, summaries at least
    five minutes apart."""
    f = feed()
    shown: list[tuple[datetime, Toast]] = []

    def tick_until(limit: datetime | None) -> None:
        while (at := f.wakeup_at) is not None and (limit is None or at <= limit):
            shown.extend((at, t) for t in f.tick(at).toasts)

    for i, second in enumerate(sorted(seconds), start=1):
        now = T0 + second * SECOND
        tick_until(now)
        shown.extend((now, t) for t in f.receive_live(note(i), now).toasts)
    tick_until(None)
    assert sorted(i for _at, t in shown for i in t.notification_ids) == list(
        range(1, len(seconds) + 1)
    )
    times = [at for at, _t in shown]
    window = Pacing().window
    assert all(sum(at <= t < at + window for t in times) <= 2 for at in times)
    summaries = [at for at, t in shown if t.summary]
    assert all(later - earlier >= window for earlier, later in itertools.pairwise(summaries))


def test_held_items_read_meanwhile_are_left_out() -> None:
    f = feed(pacing=Pacing(grouped_per_window=1))
    f.receive_live(note(1), T0)
    f.receive_live(note(2), T0)
    f.receive_live(note(3), T0)
    f.mark_read([2])
    (toast,) = f.tick(T0 + timedelta(minutes=5)).toasts
    assert toast.notification_ids == (3,)
    assert not toast.summary
    f.receive_live(note(4), T0 + timedelta(minutes=6))
    f.mark_read([4])
    assert f.tick(T0 + timedelta(minutes=10)) == FeedUpdate()


def test_the_window_slides() -> None:
    f = feed(pacing=Pacing(grouped_per_window=1, window=timedelta(seconds=10)))
    assert f.receive_live(note(1), T0).toasts
    assert not f.receive_live(note(2), T0 + 5 * SECOND).toasts
    assert f.tick(T0 + 10 * SECOND).toasts
    assert not f.receive_live(note(3), T0 + 15 * SECOND).toasts  # 2 took the slot at 10 s
    assert f.receive_live(note(4), T0 + 40 * SECOND).toasts == ()  # 3 is still held
    assert [t.notification_ids for t in f.tick(T0 + 41 * SECOND).toasts] == [(3, 4)]


def test_a_wake_catch_up_toasts_as_live_but_many_own_toasts_become_one_summary() -> None:
    f = feed()
    f.caught_up(T0)  # the start
    page1 = f.receive_page(0, [note(1), note(2), note(3, read=True)], now=T0)
    assert page1.toasts == ()
    assert len(page1.added) == 3
    f.receive_page(3, [note(4, T.DISPUTE_OPENED, Priority.HIGH)], now=T0)
    toasts = f.caught_up(T0).toasts
    assert [(t.notification_ids, t.summary) for t in toasts] == [((4,), False), ((1, 2), True)]
    assert (toasts[1].title, toasts[1].body) == ("2 new bookings", "while you were away")
    disputes = [note(i, T.DISPUTE_OPENED, Priority.HIGH) for i in range(5, 10)]
    f.receive_page(4, disputes, now=T0)
    (summary,) = f.caught_up(T0).toasts
    assert (summary.title, summary.body) == ("5 disputes", "while you were away")
    assert summary.sound
    assert f.caught_up(T0) == FeedUpdate()


def test_summary_titles_group_and_rank() -> None:
    assert summary_title([T.REVIEW_CREATED]) == "1 review"
    assert summary_title([T.DISPUTE_ESCALATED, T.DISPUTE_OPENED]) == "2 disputes"
    assert (
        summary_title(
            [T.USER_SIGNED_UP, T.BOOKING_CANCELLED, T.BOOKING_CANCELLED, T.PROFESSIONAL_APPLIED]
        )
        == "2 cancellations, 1 professional application, 1 new sign-up"
    )


def test_toast_words_go_through_the_translation() -> None:
    def shout(context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str:
        return english(context, source, disambiguation, n).upper()

    f = feed(translate=shout)
    (toast,) = f.receive_live(note(1, T.DISPUTE_OPENED, Priority.HIGH), T0).toasts
    assert [b.label for b in toast.buttons] == [
        "REVIEW DISPUTE",
        "MARK READ",
        "REMIND ME IN 15 MIN",
    ]
    assert view_label(T.USER_SIGNED_UP, shout) is None
    assert summary_title([T.BOOKING_CREATED], shout) == "1 NEW BOOKING"


def test_min_priority_and_dnd_silence_but_keep_items() -> None:
    f = feed(rules=ToastRules(min_priority=Priority.HIGH, dnd_until=T0 + timedelta(hours=1)))
    assert f.receive_live(note(1, priority=Priority.URGENT), T0).toasts == ()
    assert f.receive_live(note(2, priority=Priority.MEDIUM), T0 + timedelta(hours=2)).toasts == ()
    assert f.receive_live(note(3, priority=Priority.HIGH), T0 + timedelta(hours=2)).toasts
    assert f.unread_count == 3


def test_urgent_passes_do_not_disturb_only_when_the_admin_chose_so() -> None:
    dnd = ToastRules(dnd_until=T0 + timedelta(hours=1))
    assert dnd.dnd_active(T0)
    assert not dnd.may_interrupt(Priority.URGENT, T0)
    assert replace(dnd, urgent_in_dnd=True).may_interrupt(Priority.URGENT, T0)
    assert not replace(dnd, urgent_in_dnd=True).may_interrupt(Priority.HIGH, T0)
    assert dnd.may_interrupt(Priority.LOW, T0 + timedelta(hours=1))  # it ended


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
    now = datetime.combine(T0.date(), clock).astimezone()  # the admin's wall clock
    assert rules.in_quiet_hours(now) is quiet
    assert rules.in_quiet_hours(now.astimezone(UTC)) is quiet  # whichever zone it carries
    assert rules.may_interrupt(Priority.HIGH, now) is not quiet
    assert rules.may_interrupt(Priority.URGENT, now)


@pytest.mark.parametrize(
    ("clock", "days"), [(time(0, 30), 0), (time(3, 59), 0), (time(4), 1), (time(23), 1)]
)
def test_until_tomorrow_ends_the_coming_morning(clock: time, days: int) -> None:
    now = datetime.combine(T0.date(), clock, tzinfo=UTC)
    assert tomorrow_morning(now) == datetime.combine(
        T0.date() + timedelta(days=days), time(8), tzinfo=UTC
    )


def test_no_quiet_hours_by_default() -> None:
    assert not ToastRules().in_quiet_hours(T0)


def test_a_snoozed_toast_comes_back_once_if_still_unread() -> None:
    f = feed()
    f.receive_live(note(1, T.DISPUTE_OPENED, Priority.HIGH), T0)
    f.receive_live(note(2, T.DISPUTE_OPENED, Priority.HIGH), T0)
    f.receive_live(note(3, T.DISPUTE_OPENED, Priority.HIGH), T0)
    f.snooze([1, 2, 3, 99], T0)  # 99 is not here: nothing to remind
    assert f.wakeup_at == T0 + timedelta(minutes=15)
    f.mark_read([2])
    assert f.tick(T0 + timedelta(minutes=14)) == FeedUpdate()
    f.rules = ToastRules(dnd_until=T0 + timedelta(minutes=15, seconds=30))
    f.snooze([3], T0 + timedelta(minutes=1))
    f.rules = ToastRules()
    (again,) = f.tick(T0 + timedelta(minutes=15)).toasts
    assert again.notification_ids == (1,)
    f.rules = ToastRules(dnd_until=T0 + timedelta(hours=1))
    assert f.tick(T0 + timedelta(minutes=16)) == FeedUpdate()  # 3's reminder fell in DND
    f.rules = ToastRules(types={T.DISPUTE_OPENED: TypeChoice(Delivery.LIST_ONLY)})
    f.snooze([1], T0 + timedelta(minutes=20))
    assert f.tick(T0 + timedelta(minutes=35)) == FeedUpdate()  # disputes are list-only now
    assert f.wakeup_at is None


def test_a_reset_forgets_reminders_and_held_items_above_it() -> None:
    f = feed(pacing=Pacing(grouped_per_window=0))
    f.receive_live(note(1), T0)
    f.receive_live(note(2, T.DISPUTE_OPENED, Priority.HIGH), T0)
    f.snooze([2], T0)
    f.reset_to(0)
    assert f.wakeup_at is None
    assert f.items() == []


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
            record(f.receive_page(after, [by_id(i) for i in rows], now=now))
            if len(rows) < page_size:
                record(f.caught_up(now))
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
    f = feed(pacing=Pacing(grouped_per_window=1))
    assert f.receive_live(note(1), T0).toasts  # the one toast of the window
    f.receive_live(note(2), T0)
    f.receive_live(note(3, T.BOOKING_CANCELLED), T0)  # both held
    f.rules = ToastRules(dnd_until=T0 + timedelta(hours=1))
    assert f.tick(T0 + timedelta(minutes=5)) == FeedUpdate()
    assert f.wakeup_at is None  # released as nothing: their items stay in the list, unread
    assert f.unread_count == 3


def test_a_catch_up_decides_its_toasts_under_the_rules_at_its_end() -> None:
    f = feed()
    f.caught_up(T0)
    f.receive_page(0, [note(1), note(2)], now=T0)
    f.rules = ToastRules(dnd_until=T0 + timedelta(hours=1))
    f.receive_page(2, [note(3)], now=T0)
    assert f.caught_up(T0).toasts == ()
