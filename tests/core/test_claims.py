"""Claims (issue 17): which items need one owner, the newest change per item, the words."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from lia_desktop.core import wire
from lia_desktop.core.claims import (
    ESCALATE_AFTER,
    REMIND_AFTER,
    Claims,
    claim_key,
    claim_words,
    duty_allows,
    escalation_due,
    escalation_toast,
    held_for,
    history_words,
    holder_of,
    needs_escalation,
    next_reminder_at,
    reminder_toast,
    reminders_due,
    taken_message,
)
from lia_desktop.core.duty import on_duty_now
from lia_desktop.core.feed import NotificationFeed
from lia_desktop.core.i18n import english
from lia_desktop.core.models import (
    Claim,
    ClaimBoard,
    ClaimKey,
    Duty,
    DutyEntry,
    Notification,
    NotificationType,
    Priority,
    ToastAction,
)

T = NotificationType
T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
ME = uuid.UUID("00000000-0000-4000-a000-0000000000aa")
ANA = uuid.UUID("00000000-0000-4000-a000-0000000000bb")
DISPUTE = ClaimKey("disputes", 7)


def item(
    kind: NotificationType = T.DISPUTE_OPENED,
    table: str = "disputes",
    entity_id: str = "7",
    priority: Priority = Priority.HIGH,
) -> Notification:
    return Notification(
        id=1,
        type=kind,
        priority=priority,
        title="t",
        body="b",
        entity_table=table,
        entity_id=entity_id,
        action_path=f"/admin/{table}/{entity_id}",
        created_at=T0,
    )


def claim(holder: uuid.UUID | None = ANA, at: datetime = T0, key: ClaimKey = DISPUTE) -> Claim:
    return Claim(key, holder, "" if holder is None else "Ana", at)


@pytest.mark.parametrize(
    ("notification", "key"),
    [
        (item(), DISPUTE),
        (item(T.DISPUTE_ESCALATED, priority=Priority.URGENT), DISPUTE),
        (item(T.PROFESSIONAL_APPLIED, "professionals", "3"), ClaimKey("professionals", 3)),
        (item(T.REVIEW_CREATED, "reviews", "9"), ClaimKey("reviews", 9)),
        (item(T.REVIEW_CREATED, "reviews", "9", Priority.LOW), None),  # a good review
        (item(T.BOOKING_CREATED, "bookings"), None),
        (item(table="bookings"), None),  # a dispute row that names another table
        (item(entity_id="x7"), None),
    ],
)
def test_items_that_need_one_owner(notification: Notification, key: ClaimKey | None) -> None:
    assert claim_key(notification) == key


def test_the_newest_change_of_an_item_wins_in_any_order() -> None:
    claims = Claims(ME)
    released = claim(None, T0 + timedelta(minutes=5))
    assert claims.apply(released)
    assert not claims.apply(claim(ANA, T0))  # older: heard late (buffered during a catch-up)
    assert not claims.apply(released)  # the same again
    assert claims.get(DISPUTE) is None
    assert claims.apply(claim(ME, T0 + timedelta(minutes=6)))
    assert claims.get(DISPUTE) == claim(ME, T0 + timedelta(minutes=6))
    assert claims.board() == ClaimBoard(ME, {DISPUTE: claim(ME, T0 + timedelta(minutes=6))})


def test_a_catch_up_frees_what_the_server_no_longer_holds() -> None:
    other = ClaimKey("reviews", 1)
    claims = Claims(ME)
    claims.apply(claim(ANA, T0))
    claims.apply(claim(None, T0, other))
    assert claims.replace_held([claim(ANA, T0)]) is False  # nothing new
    assert claims.replace_held([claim(ME, T0, other)])
    assert claims.board().held == {other: claim(ME, T0, other)}


def test_a_row_says_who_holds_its_item() -> None:
    board = ClaimBoard(ME, {DISPUTE: claim(ANA, T0)})
    assert holder_of(board, item()) == claim(ANA, T0)
    assert holder_of(board, item(T.BOOKING_CREATED, "bookings")) is None
    assert holder_of(board, item(entity_id="8")) is None
    assert claim_words(english, board, claim(ANA, T0), T0 + timedelta(minutes=2)) == (
        "Taken by Ana · 2 min"
    )
    assert claim_words(english, board, claim(ME, T0), T0) == "You"
    assert taken_message(english, claim(ANA, T0), T0 + timedelta(hours=3, minutes=5)) == (
        "Ana has it · 3 h"
    )


@pytest.mark.parametrize(
    ("after", "words"),
    [
        (timedelta(seconds=30), "now"),
        (timedelta(seconds=-5), "now"),  # a clock a little behind the server's
        (timedelta(minutes=1), "1 min"),
        (timedelta(minutes=59), "59 min"),
        (timedelta(minutes=61), "1 h"),
    ],
)
def test_how_long_an_item_has_been_held(after: timedelta, words: str) -> None:
    assert held_for(english, claim(), T0 + after) == words


RECORD: dict[str, Any] = {
    "item_type": "disputes",
    "item_id": 7,
    "holder": str(ANA),
    "holder_name": "Ana\u202e Ríos",
    "since": "2026-03-02T12:00:00+00:00",
    "mine": False,
}


def test_a_claim_is_parsed_once_with_its_name_made_plain() -> None:
    assert wire.parse_claim(RECORD) == Claim(DISPUTE, ANA, "Ana Ríos", T0)
    free = {**RECORD, "holder": None, "holder_name": None}
    assert wire.parse_claim(free) == Claim(DISPUTE, None, "", T0)
    assert wire.parse_change("admin_claims", "UPDATE", free) == wire.ClaimChanged(
        Claim(DISPUTE, None, "", T0)
    )
    assert wire.parse_change("admin_claims", "DELETE", {}) == wire.Unused("admin_claims", "DELETE")
    assert ("admin_claims", "*") in wire.SUBSCRIPTIONS


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({**RECORD, "holder": "ana"}, "holder"),
        ({**RECORD, "holder": 5}, "holder"),
        ({**RECORD, "holder_name": None}, "holder_name"),
        ({**RECORD, "holder": None}, "holder_name without a holder"),
        ({**RECORD, "item_id": "7"}, "item_id"),
        ({**RECORD, "since": None}, "since"),
        ([], "expected an object"),
    ],
)
def test_a_malformed_claim_names_its_field(record: object, field: str) -> None:
    with pytest.raises(wire.WireError, match=field):
        wire.parse_claim(record)


def test_toasts_of_items_that_need_one_owner_offer_claim() -> None:
    feed = NotificationFeed(web_admin_url="https://admin.lia.test")
    (dispute,) = feed.receive_live(item(), T0).toasts
    assert [b.label for b in dispute.buttons] == [
        "Review dispute",
        "Claim",
        "Mark read",
        "Remind me in 15 min",
    ]
    assert dispute.buttons[1].action is ToastAction.CLAIM
    booking = replace(item(T.BOOKING_CREATED, "bookings"), id=2, action_path="/admin/bookings/7")
    (toast,) = feed.receive_live(booking, T0).toasts
    assert ToastAction.CLAIM not in [b.action for b in toast.buttons]


# --- on duty -----------------------------------------------------------------------------

DUTY: dict[str, Any] = {
    "admin": str(ANA),
    "admin_name": "Ana",
    "status": "available",
    "since": "2026-03-02T12:00:00+00:00",
}


def test_duty_is_parsed_from_the_rpc_and_from_a_realtime_record() -> None:
    entry = DutyEntry(ANA, "Ana", Duty.AVAILABLE, T0)
    assert wire.parse_duty(DUTY) == entry
    record = {**{k: v for k, v in DUTY.items() if k != "admin"}, "admin_id": str(ANA)}
    assert wire.parse_change("admin_duty", "UPDATE", record) == wire.DutyChanged(entry)
    assert ("admin_duty", "*") in wire.SUBSCRIPTIONS


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({**DUTY, "admin": "ana"}, "admin"),
        ({**DUTY, "status": "asleep"}, "status"),
        ({**DUTY, "admin_name": None}, "admin_name"),
    ],
)
def test_a_malformed_duty_names_its_field(record: object, field: str) -> None:
    with pytest.raises(wire.WireError, match=field):
        wire.parse_duty(record)


def test_the_newest_duty_per_admin_wins_and_the_board_says_who_is_on_duty() -> None:
    claims = Claims(ME)
    later = T0 + timedelta(minutes=5)
    assert claims.board().my_duty is None
    team = [DutyEntry(ANA, "Ana", Duty.AVAILABLE, T0), DutyEntry(ME, "Me", Duty.AWAY, T0)]
    assert claims.replace_duty(team)
    assert not claims.replace_duty(team)
    assert not claims.apply_duty(DutyEntry(ME, "Me", Duty.AVAILABLE, T0 - timedelta(1)))
    assert claims.apply_duty(DutyEntry(ME, "Me", Duty.AVAILABLE, later))
    board = claims.board()
    assert board.my_duty is Duty.AVAILABLE
    assert [person.name for person in on_duty_now(board)] == ["Ana", "Me"]
    assert ClaimBoard().my_duty is None


# --- nothing falls through ----------------------------------------------------------------


def test_a_claim_is_due_a_reminder_once_to_its_holder_then_to_the_team() -> None:
    mine, anas = claim(ME, T0), claim(ANA, T0, ClaimKey("reviews", 9))
    board = ClaimBoard(ME, {mine.key: mine, anas.key: anas})
    assert next_reminder_at(board, set()) == T0 + REMIND_AFTER
    assert next_reminder_at(board, {(mine.key, T0)}) == T0 + 2 * REMIND_AFTER  # Ana's
    assert next_reminder_at(board, {(mine.key, T0), (anas.key, T0)}) is None
    early = reminders_due(board, [(mine, False), (anas, False)], set(), T0 + timedelta(minutes=1))
    assert early == ([], [])
    later = T0 + REMIND_AFTER
    assert reminders_due(board, [(mine, False), (anas, False)], set(), later) == (
        [mine],
        [(mine.key, T0)],
    )
    assert reminders_due(board, [(mine, True)], set(), later) == ([], [(mine.key, T0)])
    assert reminders_due(board, [(mine, False)], {(mine.key, T0)}, later) == ([], [])
    twice = T0 + 2 * REMIND_AFTER
    assert reminders_due(board, [(anas, False)], set(), twice) == ([anas], [(anas.key, T0)])


def test_the_reminder_toast_says_it_is_still_yours_or_still_open() -> None:
    later = T0 + timedelta(minutes=31)
    board = ClaimBoard(ME)
    toast = reminder_toast(english, board, item(), claim(ME, T0), "https://admin.lia.test", later)
    assert (toast.title, toast.body) == (
        "Still yours: New dispute",
        "You claimed it 31 min ago and it is not resolved yet.",
    )
    assert toast.click.url == "https://admin.lia.test/admin/disputes/7"
    assert toast.notification_ids == (1,)
    elsewhere = reminder_toast(english, board, item(), claim(ME, T0), "not a url", later)
    assert elsewhere.click.action is ToastAction.OPEN_NOTIFICATIONS
    team = reminder_toast(english, board, item(), claim(ANA, T0), "", T0 + timedelta(hours=1))
    assert (team.title, team.body) == (
        "Still open: New dispute",
        "Ana claimed it 1 h ago and it is not resolved yet.",
    )


HISTORY: list[dict[str, Any]] = [
    {"action": "claim", "actor_name": "Ana", "after": {"holder_name": "Ana"},
     "at": "2026-03-02T10:02:00+00:00"},
    {"action": "release", "actor_name": "Ana", "after": None, "at": "2026-03-02T10:15:00+00:00"},
    {"action": "claim", "actor_name": "Luis", "after": {"holder_name": "Luis"},
     "at": "2026-03-02T10:16:00+00:00"},
    {"action": "reassign", "actor_name": "Luis", "after": {"holder_name": "Ana"},
     "at": "2026-03-02T10:20:00+00:00"},
    {"action": "release", "actor_name": "Ana", "after": None, "at": "2026-03-02T10:30:00+00:00"},
]  # fmt: skip


def test_an_items_history_reads_as_one_line() -> None:
    events = wire.parse_history(HISTORY)
    assert events[3].to_name == "Ana"
    assert history_words(english, events) == (
        "Ana claimed 10:02 · released 10:15 · Luis claimed 10:16 · Luis gave it to Ana 10:20"
        " · Ana released 10:30"
    )
    assert history_words(english, ()) == ""


def test_a_history_without_an_actors_name_says_former_admin() -> None:
    """An admin removed before the contract kept names: the server answers no name."""
    unnamed = [{**HISTORY[0], "actor_name": None}, {**HISTORY[1]}]
    del unnamed[1]["actor_name"]
    events = wire.parse_history(unnamed)
    assert [event.actor_name for event in events] == ["", ""]
    assert history_words(english, events) == "Former admin claimed 10:02 · released 10:15"


@pytest.mark.parametrize(
    ("rows", "field"),
    [
        ({}, "expected a list"),
        ([{**HISTORY[0], "action": "delete"}], "action"),
        ([{**HISTORY[0], "after": "Ana"}], "after"),
        ([{**HISTORY[0], "at": None}], "at"),
        ([{**HISTORY[0], "actor_name": 7}], "actor_name"),
    ],
)
def test_a_malformed_history_names_its_field(rows: object, field: str) -> None:
    with pytest.raises(wire.WireError, match=field):
        wire.parse_history(rows)


@pytest.mark.parametrize(
    ("duty", "shown"),
    [
        (None, [True, True, True, True]),
        (Duty.AVAILABLE, [True, True, True, True]),
        (Duty.AWAY, [False, False, False, True]),
        (Duty.OFF_DUTY, [False, False, False, False]),
    ],
)
def test_duty_decides_which_toasts_may_interrupt(duty: Duty | None, shown: list[bool]) -> None:
    assert [duty_allows(duty, p) for p in Priority] == shown


def test_an_urgent_item_nobody_claims_escalates_once_due() -> None:
    urgent = item(T.DISPUTE_ESCALATED, priority=Priority.URGENT)
    assert needs_escalation(urgent)
    assert not needs_escalation(item())  # high, not urgent
    assert not needs_escalation(item(T.BOOKING_CREATED, "bookings", priority=Priority.URGENT))
    free = ClaimBoard(ME)
    assert escalation_due(urgent, free, T0 + timedelta(minutes=9)) is None
    assert escalation_due(urgent, free, T0 + ESCALATE_AFTER) is True
    taken = ClaimBoard(ME, {DISPUTE: claim(ANA, T0)})
    assert escalation_due(urgent, taken, T0) is False


def test_the_escalation_toast_offers_claim() -> None:
    urgent = item(T.DISPUTE_ESCALATED, priority=Priority.URGENT)
    later = T0 + timedelta(minutes=12)
    toast = escalation_toast(english, urgent, "https://admin.lia.test", later)
    assert (toast.title, toast.body) == (
        "Nobody has claimed: Dispute escalated",
        "Urgent and unclaimed for 12 min.",
    )
    assert [b.action for b in toast.buttons] == [ToastAction.OPEN_URL, ToastAction.CLAIM]
    assert escalation_toast(english, urgent, "", later).click.action is (
        ToastAction.OPEN_NOTIFICATIONS
    )
