"""One owner per item (issue 17): which items need one, who holds them, in words.

Disputes, professional applications and low ratings need one admin on them; the
server decides who (``admin_claim``: the first caller wins) and tells every admin
(``admin_claims`` over Realtime). Here the claims are held as the server sends
them, newest change per item winning, and worded for rows and status lines.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterable, Set
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import assert_never

from lia_desktop.core import compose
from lia_desktop.core.i18n import Translate
from lia_desktop.core.models import (
    Claim,
    ClaimBoard,
    ClaimEvent,
    ClaimKey,
    Duty,
    DutyEntry,
    Notification,
    NotificationType,
    Priority,
    Toast,
    ToastAction,
    ToastButton,
    ToastUrgency,
)
from lia_desktop.core.text import admin_link

_T = NotificationType

#: an item claimed and not resolved within this long is brought back to its holder
REMIND_AFTER = timedelta(minutes=30)
#: an urgent item nobody claimed within this long toasts again, once, to every admin on duty
ESCALATE_AFTER = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class FollowUp:
    """How long "nothing falls through" waits (the admin's settings): a claim unresolved
    for ``remind_after`` is brought back to its holder; an urgent item unclaimed for
    ``escalate_after`` toasts again to the team."""

    remind_after: timedelta = REMIND_AFTER
    escalate_after: timedelta = ESCALATE_AFTER


#: the notification types whose item needs one owner (low ratings: reviews of high priority)
_OWNED = {
    _T.DISPUTE_OPENED: "disputes",
    _T.DISPUTE_ESCALATED: "disputes",
    _T.PROFESSIONAL_APPLIED: "professionals",
    _T.REVIEW_CREATED: "reviews",
}


def claim_key(notification: Notification) -> ClaimKey | None:
    """The item ``notification`` is about when it needs one owner, else None."""
    table = _OWNED.get(notification.type)
    if table is None or table != notification.entity_table:
        return None
    if notification.type is _T.REVIEW_CREATED and notification.priority < Priority.HIGH:
        return None  # a good review needs nobody
    if not notification.entity_id.isdecimal():
        return None
    return ClaimKey(table, int(notification.entity_id))


class Claims:
    """Every claim change this app heard of, the newest per item (``since`` orders them:
    a change fetched by the catch-up and one buffered meanwhile apply in any order), and
    each admin's duty, the newest per admin likewise."""

    def __init__(self, me: uuid.UUID) -> None:
        self.me = me
        self._claims: dict[ClaimKey, Claim] = {}
        self._duty: dict[uuid.UUID, DutyEntry] = {}
        self._present: frozenset[uuid.UUID] | None = None

    def set_present(self, present: frozenset[uuid.UUID]) -> bool:
        """The admins connected now (the presence channel's whole state); True if it changed."""
        changed = present != self._present
        self._present = present
        return changed

    def apply_duty(self, entry: DutyEntry) -> bool:
        """Keep ``entry`` unless a newer one of its admin is known; True if it changed."""
        known = self._duty.get(entry.admin)
        if known is not None and (known.since > entry.since or known == entry):
            return False
        self._duty[entry.admin] = entry
        return True

    def replace_duty(self, roster: list[DutyEntry]) -> bool:
        """The server's roster (a catch-up): the team now, so an admin missing from it (the
        role lost, the account deleted) is off the team here too; True if anything changed."""
        changed = False
        for entry in roster:
            changed |= self.apply_duty(entry)
        gone = self._duty.keys() - {entry.admin for entry in roster}
        for admin in gone:
            del self._duty[admin]
        return changed or bool(gone)

    def apply(self, claim: Claim) -> bool:
        """Keep ``claim`` unless a newer change of its item is known; True if it changed."""
        known = self._claims.get(claim.key)
        if known is not None and (known.since > claim.since or known == claim):
            return False
        self._claims[claim.key] = claim
        return True

    def replace_held(self, held: list[Claim]) -> bool:
        """The server's claims held now (a catch-up): any other item held here is free,
        unless a change newer than ``held`` was applied meanwhile. True if it changed."""
        changed = False
        fetched = {claim.key for claim in held}
        for claim in held:
            changed |= self.apply(claim)
        for key, claim in list(self._claims.items()):
            if key not in fetched and claim.holder is not None:
                del self._claims[key]
                changed = True
        return changed

    def get(self, key: ClaimKey) -> Claim | None:
        """The item's claim while someone holds it."""
        claim = self._claims.get(key)
        return claim if claim is not None and claim.holder is not None else None

    def board(self) -> ClaimBoard:
        held = {key: claim for key, claim in self._claims.items() if claim.holder is not None}
        return ClaimBoard(self.me, held, dict(self._duty), self._present)


def holder_of(board: ClaimBoard, notification: Notification) -> Claim | None:
    """Who holds the item of ``notification`` (None: nobody, or it needs no owner)."""
    key = claim_key(notification)
    return None if key is None else board.held.get(key)


def duty_allows(duty: Duty | None, priority: Priority) -> bool:
    """Whether an admin's duty lets a toast of ``priority`` interrupt them: off duty none
    (the list and the badge still hold everything), away only urgent ones, available (or
    never set) as the toast rules say."""
    if duty is Duty.OFF_DUTY:
        return False
    if duty is Duty.AWAY:
        return priority >= Priority.URGENT
    return True


def held_for(translate: Translate, claim: Claim, now: datetime) -> str:
    """How long ``claim`` has been held: "2 min", "3 h" (under a minute: "now")."""
    minutes = max(0, int((now - claim.since).total_seconds() // 60))
    if minutes < 1:
        return translate("Claims", "now")
    if minutes < 60:
        return translate("Claims", "%n min", None, minutes)
    return translate("Claims", "%n h", None, minutes // 60)


def claim_words(translate: Translate, board: ClaimBoard, claim: Claim, now: datetime) -> str:
    """A row's owner: "You", or "Taken by Ana · 2 min"."""
    if claim.holder == board.me:
        return translate("Claims", "You")
    return translate("Claims", "Taken by {name} · {age}").format(
        name=claim.holder_name, age=held_for(translate, claim, now)
    )


def taken_message(translate: Translate, claim: Claim, now: datetime) -> str:
    """What a claim of an item someone else holds says (no error: the item has its owner)."""
    return translate("Claims", "{name} has it · {age}").format(
        name=claim.holder_name, age=held_for(translate, claim, now)
    )


def toast_with_claim(
    translate: Translate, board: ClaimBoard, toast: Toast, notification: Notification
) -> Toast:
    """``toast`` (as it was first shown, about ``notification``) as the item's claim stands
    now, for the daemon to show in its place: while someone holds the item, no Claim
    button, the item's own title, and a body that says who ("Taken by Ana", "You have it")
    above the item's line; while nobody does, ``toast`` itself, Claim and all. A toast
    without a Claim button (a summary, a reminder) has nothing to update."""
    if all(button.action is not ToastAction.CLAIM for button in toast.buttons):
        return toast
    claim = holder_of(board, notification)
    if claim is None:
        return toast
    if claim.holder == board.me:
        taken = translate("Claims", "You have it")
    else:
        taken = translate("Claims", "Taken by {name}").format(name=claim.holder_name)
    return replace(
        toast,
        # an escalation's "Nobody has claimed: …" and "unclaimed for 12 min" are no longer true
        title=compose.title(translate, notification),
        body=f"{taken}\n{compose.body(translate, notification)}",
        buttons=tuple(b for b in toast.buttons if b.action is not ToastAction.CLAIM),
    )


def history_words(translate: Translate, events: Iterable[ClaimEvent]) -> str:
    """An item's trail in one line, times as given (local ones, from the caller):
    "Ana claimed 10:02 · released 10:15 · Luis claimed 10:16"."""
    parts = []
    previous = ""
    for event in events:
        time = f"{event.at:%H:%M}"
        same = event.actor_name == previous
        if event.action == "claim":
            part = translate("Claims", "{name} claimed {time}")
        elif event.action == "release" and same:
            part = translate("Claims", "released {time}")
        elif event.action == "release":
            part = translate("Claims", "{name} released {time}")
        else:
            part = translate("Claims", "{name} gave it to {to} {time}")
        # the server keeps actors' names; an older contract forgot a removed admin's
        name = event.actor_name or translate("Claims", "Former admin")
        parts.append(part.format(name=name, to=event.to_name, time=time))
        previous = event.actor_name
    return " · ".join(parts)


# --- nothing falls through ----------------------------------------------------------------

#: one reminder per claim: the item and since when it was held (a new claim reminds again)
Reminded = tuple[ClaimKey, datetime]


def reminder_due_at(board: ClaimBoard, claim: Claim, after: timedelta = REMIND_AFTER) -> datetime:
    """The holder hears of their claim ``after`` it; the rest of the team (those on duty:
    the duty rules decide who is interrupted) after twice as long."""
    return claim.since + (after if claim.holder == board.me else 2 * after)


def next_reminder_at(
    board: ClaimBoard, reminded: Set[Reminded], after: timedelta = REMIND_AFTER
) -> datetime | None:
    """When the next held claim is due a reminder here (None: none is)."""
    due = [
        reminder_due_at(board, claim, after)
        for claim in board.held.values()
        if (claim.key, claim.since) not in reminded
    ]
    return min(due, default=None)


def reminders_due(
    board: ClaimBoard,
    held: Iterable[tuple[Claim, bool]],
    reminded: Set[Reminded],
    now: datetime,
    after: timedelta = REMIND_AFTER,
) -> tuple[list[Claim], list[Reminded]]:
    """Of the server's held claims (each with whether its item is resolved): those held
    long enough (``after`` for this admin's, twice that for another's), not reminded yet.
    Returns those still unresolved (to remind) and every claim now dealt with (resolved
    ones too: they need no reminder)."""
    remind: list[Claim] = []
    done: list[Reminded] = []
    for claim, resolved in held:
        mark = (claim.key, claim.since)
        if mark in reminded or now < reminder_due_at(board, claim, after):
            continue
        done.append(mark)
        if not resolved:
            remind.append(claim)
    return remind, done


def reminder_toast(
    translate: Translate,
    board: ClaimBoard,
    notification: Notification,
    claim: Claim,
    web_admin_url: str,
    now: datetime,
) -> Toast:
    """ "Still yours: New dispute": the holder's item, claimed a while ago and not resolved;
    "Still open: New dispute" to the rest of the team, when it stays so twice as long."""
    link = admin_link(web_admin_url, notification.type, notification.action_path)
    center = ToastButton(translate("Toast", "Open notifications"), ToastAction.OPEN_NOTIFICATIONS)
    click = (
        center
        if link is None
        else ToastButton(translate("Toast", "Open"), ToastAction.OPEN_URL, link)
    )
    title = compose.title(translate, notification)
    age = held_for(translate, claim, now)
    if claim.holder == board.me:
        heading = translate("Claims", "Still yours: {title}").format(title=title)
        text = translate("Claims", "You claimed it {age} ago and it is not resolved yet.")
    else:
        heading = translate("Claims", "Still open: {title}").format(title=title)
        text = translate("Claims", "{name} claimed it {age} ago and it is not resolved yet.")
    return Toast(
        title=heading,
        body=text.format(name=claim.holder_name, age=age),
        priority=notification.priority,
        urgency=ToastUrgency.NORMAL,
        notification_ids=(notification.id,),
        click=click,
        buttons=(click,),
    )


def needs_escalation(notification: Notification) -> bool:
    """An urgent item that needs one owner: watched until someone claims it."""
    return notification.priority >= Priority.URGENT and claim_key(notification) is not None


def escalation_due(
    notification: Notification, board: ClaimBoard, now: datetime, after: timedelta = ESCALATE_AFTER
) -> bool | None:
    """True: nobody claimed it within ``after``, toast it again; False: someone did, stop
    watching it; None: not yet."""
    if holder_of(board, notification) is not None:
        return False
    if now < notification.created_at + after:
        return None
    return True


def escalation_toast(
    translate: Translate, notification: Notification, web_admin_url: str, now: datetime
) -> Toast:
    """ "Nobody has claimed: Dispute escalated": to every admin on duty, with Claim."""
    link = admin_link(web_admin_url, notification.type, notification.action_path)
    center = ToastButton(translate("Toast", "Open notifications"), ToastAction.OPEN_NOTIFICATIONS)
    click = (
        center
        if link is None
        else ToastButton(translate("Toast", "Open"), ToastAction.OPEN_URL, link)
    )
    minutes = max(1, int((now - notification.created_at).total_seconds() // 60))
    return Toast(
        title=translate("Claims", "Nobody has claimed: {title}").format(
            title=compose.title(translate, notification)
        ),
        body=translate("Claims", "Urgent and unclaimed for %n min.", None, minutes),
        priority=notification.priority,
        urgency=ToastUrgency.CRITICAL,
        notification_ids=(notification.id,),
        click=click,
        buttons=(click, ToastButton(translate("Toast", "Claim"), ToastAction.CLAIM)),
        sound=True,
    )


# --- handing an item on ------------------------------------------------------------------

#: the order "Give to…" lists admins in: who can take the item now first
_DUTY_ORDER = {Duty.AVAILABLE: 0, Duty.AWAY: 1, Duty.OFF_DUTY: 2}


def give_to_choices(board: ClaimBoard, key: ClaimKey) -> list[DutyEntry]:
    """The admins the item ``key`` can be given to: everyone on the duty roster but this
    admin and its holder, those available first, then away, then off duty, by name."""
    holder = board.held.get(key)
    skip = {board.me, None if holder is None else holder.holder}
    others = [entry for entry in board.duty.values() if entry.admin not in skip]
    return sorted(others, key=lambda entry: (_DUTY_ORDER[entry.duty], entry.name.casefold()))


def give_to_label(translate: Translate, entry: DutyEntry) -> str:
    """A "Give to…" menu entry: the admin's name, and their duty when they are not on it
    ("Ana Ríos · away")."""
    if entry.duty is Duty.AWAY:
        return translate("Claims", "{name} · away").format(name=entry.name)
    if entry.duty is Duty.OFF_DUTY:
        return translate("Claims", "{name} · off duty").format(name=entry.name)
    return entry.name


class ReassignRefusal(enum.Enum):
    """Why the server refused to hand an item on (``admin_reassign``)."""

    ITEM_GONE = "item_gone"  # the item no longer exists
    NOT_AN_ADMIN = "not_an_admin"  # the chosen admin is not an admin any more
    SECOND_FACTOR = "second_factor"  # the project demands aal2 and this session is aal1
    NOT_ALLOWED = "not_allowed"  # this account is not an admin any more
    FAILED = "failed"  # unreachable, or a failure the admin cannot fix


def reassign_refused(translate: Translate, refusal: ReassignRefusal, to_name: str) -> str:
    """The status line's answer to a refused "Give to…" (never an error dialog)."""
    match refusal:
        case ReassignRefusal.ITEM_GONE:
            return translate("Claims", "Not given: this item no longer exists.")
        case ReassignRefusal.NOT_AN_ADMIN:
            return translate("Claims", "Not given: {name} is no longer an admin.").format(
                name=to_name
            )
        case ReassignRefusal.SECOND_FACTOR:
            return translate(
                "Claims",
                "Not given: this project asks for your authenticator code. "
                "Sign in again with it, then try again.",
            )
        case ReassignRefusal.NOT_ALLOWED:
            return translate("Claims", "Not given: this account is no longer an admin.")
        case ReassignRefusal.FAILED:
            return translate(
                "Claims",
                "Not given to {name}: the server could not be reached or failed. "
                "Try again in a moment.",
            ).format(name=to_name)
        case _:  # pragma: no cover - mypy proves every refusal is matched above
            assert_never(refusal)
