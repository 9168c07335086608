"""Away while the screen is locked or the computer sleeps (issue 17), as Slack and Teams do.

An admin who is Available and walks away from a locked screen cannot answer a toast, so
the team should see them Away rather than wait on them. The app sets that Away itself and,
when the admin is back, sets them Available again, but only an Away it set and the admin
did not replace since (from the tray menu here or on another device): the roster row it
got back from the server must still be the admin's row. A quiet toast then says what
happened, so the admin can pick another duty from the tray menu. Decisions only; the
screen and sleep signals are read in ``services.away`` and the duty is set on the server
through the live session.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import datetime

from lia_desktop.core import format as core_format
from lia_desktop.core.i18n import Translate
from lia_desktop.core.models import (
    Duty,
    DutyEntry,
    Priority,
    Toast,
    ToastAction,
    ToastButton,
    ToastUrgency,
)


class Absence(enum.Enum):
    """Why the admin cannot be at the screen."""

    LOCKED = "locked"
    ASLEEP = "asleep"


@dataclass(frozen=True, slots=True)
class AutoAway:
    """An Away this app set: why, when (the admin's clock), and the server's row for it once
    the server answered (None until then)."""

    absence: Absence
    since: datetime
    entry: DutyEntry | None = None


class AwayWhileAbsent:
    """The screen's and the computer's state, and the Away the app set meanwhile, if any.

    Locked and asleep are tracked apart: a machine that wakes with its screen still locked
    keeps the admin Away until the unlock.
    """

    def __init__(self) -> None:
        self._absent: set[Absence] = set()
        self.auto: AutoAway | None = None

    def absent(self, absence: Absence, duty: Duty | None, enabled: bool, now: datetime) -> bool:
        """The screen locked or the computer is going to sleep: True when the app should set
        the admin Away now. Only an admin who is Available (one who chose Away or Off duty,
        or no duty yet, chose for themselves), only when the setting is on, and once."""
        self._absent.add(absence)
        if not enabled or duty is not Duty.AVAILABLE or self.auto is not None:
            return False
        self.auto = AutoAway(absence, now)
        return True

    def went_away(self, entry: DutyEntry | None) -> None:
        """The server's row for that Away; None: it was not set (nothing to undo)."""
        if self.auto is not None:
            self.auto = None if entry is None else replace(self.auto, entry=entry)

    def present(self, absence: Absence, mine: DutyEntry | None) -> AutoAway | None:
        """The screen unlocked or the computer woke: the Away to undo now, or None."""
        self._absent.discard(absence)
        return self.to_undo(mine)

    def to_undo(self, mine: DutyEntry | None) -> AutoAway | None:
        """The app's Away, to undo now: None while locked or asleep, or when the admin's row
        on the roster (``mine``) is no longer the one that Away produced (they picked a
        duty since: that Away is forgotten). Asked again before another try when the last
        one failed (a computer that just woke has no network yet); until :meth:`undone`, a
        new lock sets no second Away (the server still has the first)."""
        auto = self.auto
        if self._absent or auto is None:
            return None
        if not _stands(auto, mine):
            self.auto = None
            return None
        return auto

    def undone(self) -> None:
        """The admin is Available again, or the app gave up: its Away is forgotten."""
        self.auto = None


def _stands(auto: AutoAway, mine: DutyEntry | None) -> bool:
    """The admin's row is still the one the app's Away produced. The server stamps each
    choice of duty with ``since``; the name beside it may be re-read, and is no choice."""
    return (
        auto.entry is not None
        and mine is not None
        and (mine.duty, mine.since) == (auto.entry.duty, auto.entry.since)
    )


def back_toast(translate: Translate, auto: AutoAway, now: datetime) -> Toast:
    """ "You are Available again": a quiet toast when the app undid its Away, saying when it
    lasted, so the admin sees it was the app and can pick another duty."""
    start = f"{auto.since:%H:%M}"
    if auto.since.date() != now.date():
        start = core_format.date_time(translate, auto.since)
    span = f"{start}–{now:%H:%M}"
    if auto.absence is Absence.LOCKED:
        body = translate("Away", "You were Away while your screen was locked, {span}.")
    else:
        body = translate("Away", "You were Away while your computer was asleep, {span}.")
    hint = translate("Away", "Pick another duty from the tray menu's On duty.")
    return Toast(
        title=translate("Away", "You are Available again"),
        body=f"{body.format(span=span)} {hint}",
        priority=Priority.LOW,
        urgency=ToastUrgency.LOW,
        notification_ids=(),
        click=ToastButton(translate("Toast", "Open notifications"), ToastAction.OPEN_NOTIFICATIONS),
    )
