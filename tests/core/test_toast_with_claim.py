"""A toast still open follows its item's claim (issue 17): once someone holds the item it
says who and drops Claim; a release brings the toast back as it was first shown."""

from __future__ import annotations

from datetime import timedelta

from lia_desktop.core.claims import escalation_toast, toast_with_claim
from lia_desktop.core.feed import NotificationFeed
from lia_desktop.core.i18n import english
from lia_desktop.core.models import ClaimBoard, Priority, Toast, ToastAction
from tests.core.test_claims import ANA, DISPUTE, ME, T0, T, claim, item

ADMIN = "https://admin.lia.test"


def first_toast() -> Toast:
    """The dispute's toast as the feed decides it: Review, Claim, Mark read, Remind me."""
    (toast,) = NotificationFeed(web_admin_url=ADMIN).receive_live(item(), T0).toasts
    assert ToastAction.CLAIM in [b.action for b in toast.buttons]
    return toast


def labels(toast: Toast) -> list[str]:
    return [b.label for b in toast.buttons]


def test_taken_by_another_admin_says_who_and_offers_no_claim() -> None:
    toast = first_toast()
    board = ClaimBoard(ME, {DISPUTE: claim(ANA)})
    taken = toast_with_claim(english, board, toast, item())
    assert taken.body == "Taken by Ana\nb"  # the item's own line stays under who has it
    assert labels(taken) == ["Review dispute", "Mark read", "Remind me in 15 min"]
    assert (taken.title, taken.click, taken.notification_ids) == (
        toast.title,
        toast.click,
        toast.notification_ids,
    )


def test_taken_by_this_admin_says_you_have_it() -> None:
    board = ClaimBoard(ME, {DISPUTE: claim(ME)})
    mine = toast_with_claim(english, board, first_toast(), item())
    assert mine.body == "You have it\nb"
    assert "Claim" not in labels(mine)


def test_released_brings_back_the_first_toast_with_claim() -> None:
    toast = first_toast()
    assert toast_with_claim(english, ClaimBoard(ME), toast, item()) is toast


def test_a_claimed_escalation_no_longer_says_nobody_has_claimed() -> None:
    urgent = item(T.DISPUTE_ESCALATED, priority=Priority.URGENT)
    toast = escalation_toast(english, urgent, ADMIN, T0 + timedelta(minutes=12))
    taken = toast_with_claim(english, ClaimBoard(ME, {DISPUTE: claim(ANA)}), toast, urgent)
    assert (taken.title, taken.body) == ("Dispute escalated", "Taken by Ana\nb")
    assert labels(taken) == ["Open"]


def test_a_toast_without_claim_is_left_as_it_is() -> None:
    """A summary or a reminder names no single item to claim: nothing in it changes."""
    toast = first_toast()
    plain = Toast(toast.title, toast.body, toast.priority, toast.urgency, (1,), toast.click)
    board = ClaimBoard(ME, {DISPUTE: claim(ANA)})
    assert toast_with_claim(english, board, plain, item()) is plain
