"""Domain types shared by every layer.

They mirror the server contract in ``supabase/migrations`` (the
``admin_notifications`` rows and the ``admin_dashboard_stats()`` snapshot), so
a change there is a change here. Plain frozen dataclasses: cheap to compare in
reducers and tests, safe to hand from the asyncio side to the Qt side.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lia_desktop.core.problems import Problem


class Priority(enum.IntEnum):
    """Ordered so that rules can compare (``p >= Priority.HIGH``)."""

    LOW = 0
    MEDIUM = 1
    HIGH = 2
    URGENT = 3

    @classmethod
    def parse(cls, text: str) -> Priority:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown priority {text!r}") from None

    @property
    def label(self) -> str:
        return self.name.lower()


class NotificationType(enum.StrEnum):
    """The ``type`` column of ``admin_notifications``; values are the wire strings."""

    BOOKING_CREATED = "booking_created"
    BOOKING_CANCELLED = "booking_cancelled"
    DISPUTE_OPENED = "dispute_opened"
    DISPUTE_ESCALATED = "dispute_escalated"
    PROFESSIONAL_APPLIED = "professional_applied"
    REVIEW_CREATED = "review_created"
    USER_SIGNED_UP = "user_signed_up"


@dataclass(frozen=True, slots=True)
class Notification:
    """One row of the admin notification queue; ``id`` is the catch-up cursor."""

    id: int
    type: NotificationType
    priority: Priority
    title: str
    body: str
    entity_table: str
    entity_id: str
    action_path: str
    created_at: datetime
    metadata: Mapping[str, Any] = field(default_factory=dict)
    read: bool = False


@dataclass(frozen=True, slots=True)
class FeedView:
    """The notification center's list (newest first) and the badge's count, as one value."""

    items: tuple[Notification, ...] = ()
    unread: int = 0


class ConnectionPhase(enum.StrEnum):
    CONNECTING = "connecting"
    LIVE = "live"
    RECONNECTING = "reconnecting"
    OFFLINE = "offline"
    AUTH_EXPIRED = "auth_expired"
    SIGNED_OUT = "signed_out"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class ConnectionState:
    """What the tray dot and the stats header show, exactly as it is."""

    phase: ConnectionPhase
    attempt: int = 0
    next_retry_at: float | None = None  # monotonic seconds, for "next in 8 s"
    #: the technical detail, for the log (often an exception's English text)
    reason: str = ""
    #: what the admin can act on while parked (not an admin, session ended), in their words
    problem: Problem | None = None


@dataclass(frozen=True, slots=True)
class PresenceActivity:
    online_users: int = 0
    active_sessions: int = 0


@dataclass(frozen=True, slots=True)
class DashboardStats:
    """The figures of the stats window; every one exact (see core.stats)."""

    total_bookings: int = 0
    pending_bookings: int = 0
    total_users: int = 0
    total_revenue_cop: int = 0
    new_professionals_30d: int = 0
    bookings_24h: int = 0
    #: month-over-month change in percent per figure name above; None when there is no base
    trends: Mapping[str, float | None] = field(default_factory=dict)
    #: bookings created per hour over the last 24 h, oldest first (24 values)
    bookings_per_hour: tuple[int, ...] = (0,) * 24
    updated_at: datetime | None = None


class ToastUrgency(enum.StrEnum):
    """The three urgencies every notification backend understands (freedesktop, macOS, Windows)."""

    LOW = "low"
    NORMAL = "normal"
    CRITICAL = "critical"


class ToastAction(enum.StrEnum):
    """What a toast button (or a click on the body) asks the app to do."""

    OPEN_URL = "open_url"  # open ``url`` in the browser (the web admin)
    OPEN_NOTIFICATIONS = "open_notifications"  # show the app's notification center
    MARK_READ = "mark_read"  # mark ``Toast.notification_ids`` read
    SNOOZE = "snooze"  # toast ``Toast.notification_ids`` again later if still unread
    CLAIM = "claim"  # claim the item of ``Toast.notification_ids`` (one that needs one owner)


@dataclass(frozen=True, slots=True)
class ToastButton:
    label: str
    action: ToastAction
    url: str = ""


@dataclass(frozen=True, slots=True)
class Toast:
    """A native notification exactly as core decided it; the UI only renders it.

    ``notification_ids`` are the feed items it stands for (one, or many for a
    summary), so "Mark read" and clicks can be mapped back.
    """

    title: str
    body: str
    priority: Priority
    urgency: ToastUrgency
    notification_ids: tuple[int, ...]
    click: ToastButton
    buttons: tuple[ToastButton, ...] = ()
    sound: bool = False
    summary: bool = False


@dataclass(frozen=True, slots=True)
class ClaimKey:
    """An item that needs one owner, named as its notification names it:
    ``(entity_table, entity_id)``, e.g. ``("disputes", 42)``."""

    item_type: str
    item_id: int


@dataclass(frozen=True, slots=True)
class Claim:
    """A row of ``admin_claims``: who holds the item since when (``holder`` None: nobody,
    since ``since``). ``since`` orders the changes of one item (each one sets it)."""

    key: ClaimKey
    holder: uuid.UUID | None
    holder_name: str
    since: datetime


@dataclass(frozen=True, slots=True)
class ClaimEvent:
    """One line of an item's audit trail: ``action`` claim, release or reassign, by whom
    ("" when the server has no name for them), to whom (a reassignment; "" otherwise), when."""

    action: str
    actor_name: str
    to_name: str
    at: datetime


class Duty(enum.StrEnum):
    """What an admin said about themselves (``admin_duty.status``; values are the wire's)."""

    AVAILABLE = "available"
    AWAY = "away"
    OFF_DUTY = "off_duty"


@dataclass(frozen=True, slots=True)
class DutyEntry:
    """A row of ``admin_duty``: an admin's duty since when, with the name others see."""

    admin: uuid.UUID
    name: str
    duty: Duty
    since: datetime


@dataclass(frozen=True, slots=True)
class ClaimBoard:
    """The team as every window shows it: who holds which item, and each admin's duty;
    ``me`` is the signed-in admin."""

    me: uuid.UUID | None = None
    held: Mapping[ClaimKey, Claim] = field(default_factory=dict)
    duty: Mapping[uuid.UUID, DutyEntry] = field(default_factory=dict)
    #: the admins connected now (the admins' presence channel, ``core.duty``); None while
    #: not known (not joined yet, or a server without the channel)
    present: frozenset[uuid.UUID] | None = None

    @property
    def my_duty(self) -> Duty | None:
        entry = None if self.me is None else self.duty.get(self.me)
        return None if entry is None else entry.duty
