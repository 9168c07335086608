"""What may interrupt the admin, and how: the toast policy, as data.

An admin's attention is the scarce thing. Each notification gets one of three
deliveries, decided from its type (the admin's choice in Settings) or else its
priority:

- ``OWN_TOAST``: its own toast with its action button, never folded into a
  summary (urgent and high by default: disputes, escalations, low ratings);
- ``GROUPED``: a toast that may be summarised: alone while the pacing window
  has room, else in at most one summary per window (medium by default:
  bookings, cancellations, applications);
- ``LIST_ONLY``: the badge and the center, no toast (low by default: sign-ups,
  good reviews).

Sound is asked only for high and urgent items unless the admin chose
otherwise per type; ``sounds`` is the master switch. Do-not-disturb silences
everything (urgent too unless ``urgent_in_dnd``); quiet hours let urgent through.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from lia_desktop.core.models import NotificationType, Priority


class Delivery(enum.StrEnum):
    OWN_TOAST = "toast"
    GROUPED = "grouped"
    LIST_ONLY = "list"


#: the default delivery of each priority
BY_PRIORITY: Mapping[Priority, Delivery] = {
    Priority.URGENT: Delivery.OWN_TOAST,
    Priority.HIGH: Delivery.OWN_TOAST,
    Priority.MEDIUM: Delivery.GROUPED,
    Priority.LOW: Delivery.LIST_ONLY,
}

#: the lowest priority that asks for a sound by default
SOUND_FROM = Priority.HIGH


@dataclass(frozen=True, slots=True)
class TypeChoice:
    """The admin's choice for one notification type; None follows the item's priority."""

    delivery: Delivery | None = None
    sound: bool | None = None


@dataclass(frozen=True, slots=True)
class ToastRules:
    """Whether and how a notification may interrupt the admin now.

    Quiet hours ``[quiet_start, quiet_end)`` may wrap midnight and let urgent
    items through; do-not-disturb silences everything until ``dnd_until``
    (urgent items too, unless ``urgent_in_dnd``). Below ``min_priority`` an
    item is listed only, unless its type was chosen to toast.
    """

    min_priority: Priority = Priority.LOW
    quiet_start: time | None = None
    quiet_end: time | None = None
    dnd_until: datetime | None = None
    sounds: bool = True
    urgent_in_dnd: bool = False
    types: Mapping[NotificationType, TypeChoice] = field(default_factory=dict)

    def in_quiet_hours(self, now: datetime) -> bool:
        """Quiet hours are the admin's wall-clock hours: ``now`` (aware, any zone) is read
        on this machine's clock."""
        if self.quiet_start is None or self.quiet_end is None:
            return False
        t = now.astimezone().time().replace(tzinfo=None)
        if self.quiet_start <= self.quiet_end:
            return self.quiet_start <= t < self.quiet_end
        return t >= self.quiet_start or t < self.quiet_end

    def dnd_active(self, now: datetime) -> bool:
        return self.dnd_until is not None and now < self.dnd_until

    def may_interrupt(self, priority: Priority, now: datetime) -> bool:
        """Do-not-disturb and quiet hours, for an item (or a toast) of ``priority``."""
        urgent = priority is Priority.URGENT
        if self.dnd_active(now):
            return urgent and self.urgent_in_dnd
        return urgent or not self.in_quiet_hours(now)

    def delivery(self, kind: NotificationType, priority: Priority) -> Delivery:
        chosen = self.types.get(kind, TypeChoice()).delivery
        if chosen is not None:
            return chosen
        if priority < self.min_priority:
            return Delivery.LIST_ONLY
        return BY_PRIORITY[priority]

    def sound(self, kind: NotificationType, priority: Priority) -> bool:
        chosen = self.types.get(kind, TypeChoice()).sound
        return self.sounds and (priority >= SOUND_FROM if chosen is None else chosen)


@dataclass(frozen=True, slots=True)
class Pacing:
    """How often grouped toasts may come: only while the last ``window`` showed fewer than
    ``grouped_per_window`` toasts of any kind (own toasts never wait, but take slots: a
    busy stretch of disputes quiets the bookings), and at most one summary per
    ``window``; what comes meanwhile waits and goes out as one toast. A catch-up after a
    wake or a reconnect that brings more than ``catch_up_max`` own-toast items shows them
    as one summary instead of a flood. ``snooze``: "Remind me" brings a toast back after it."""

    grouped_per_window: int = 2
    window: timedelta = timedelta(minutes=5)
    catch_up_max: int = 3
    snooze: timedelta = timedelta(minutes=15)


#: "until tomorrow" ends at this hour; before NIGHT_ENDS the night is still "tonight"
MORNING = time(8)
NIGHT_ENDS = time(4)


def tomorrow_morning(now: datetime) -> datetime:
    """The end of "Do not disturb until tomorrow 8:00" chosen at ``now`` (aware, local): the
    coming morning. At 00:30 that is today's 8:00, not the next day's (31.5 hours away)."""
    day = (
        now.date()
        if now.time().replace(tzinfo=None) < NIGHT_ENDS
        else now.date() + timedelta(days=1)
    )
    return datetime.combine(day, MORNING, tzinfo=now.tzinfo)
