"""Parse untrusted server data (RPC JSON, realtime records) into models.

Every function raises ``WireError`` (a ``ValueError``) naming the bad field,
and nothing else, so services can log and skip one bad row without the receive
loop dying (realtime-py stops the whole socket on a callback exception).
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Any

from lia_desktop.core import text
from lia_desktop.core.models import (
    Claim,
    ClaimEvent,
    ClaimKey,
    Duty,
    DutyEntry,
    Notification,
    NotificationType,
    Priority,
)

COUNTER_METRICS = ("total_bookings", "pending_bookings", "total_users", "total_revenue_cop")
TREND_KEYS = (*COUNTER_METRICS, "new_professionals_30d", "bookings_24h")
#: a trend is a percent change; anything beyond this is corrupt data, not a figure to show
MAX_TREND = 1e12


class WireError(ValueError):
    """``notification_id`` is set when a notification row is bad but its id is known (see ``NotificationFeed.skip``)."""

    def __init__(self, message: str, notification_id: int | None = None) -> None:
        super().__init__(message)
        self.notification_id = notification_id


@dataclass(frozen=True, slots=True)
class CounterUpdate:
    metric: str
    value: int
    seq: int


@dataclass(frozen=True, slots=True)
class ReadKey:
    """Whose read of which notification: an ``admin_notification_reads`` row's key."""

    admin_id: uuid.UUID
    notification_id: int


@dataclass(frozen=True, slots=True)
class StatsSnapshot:
    """``admin_dashboard_stats()`` as typed data."""

    counters: Mapping[str, CounterUpdate]
    trends: Mapping[str, float | None]
    #: (bucket epoch, count): the window figures are counted from these, and aged here
    bookings_recent: tuple[tuple[int, int], ...]
    professionals_recent: tuple[tuple[int, int], ...]
    cursor: int


#: one shared empty mapping for the rows without metadata (an older contract's backlog pages)
_NO_METADATA: Mapping[str, Any] = MappingProxyType({})
#: The metadata keys the app reads: ``core.compose``'s sentences, ``core.stats``' windows
#: (``created_at``) and ``core.feed``'s application state (``status``). The rest (ids,
#: timestamps of no sentence) is dropped on arrival: the whole unread backlog is held, and
#: with every key 10,624 rows took the app past its 200 MB budget (bench_backlog).
METADATA_KEYS = frozenset(
    {
        "booking_id",
        "city",
        "comment",
        "created_at",
        "customer_name",
        "email",
        "full_name",
        "professional_name",
        "rating",
        "reason",
        "scheduled_at",
        "service",
        "specialty",
        "status",
        "subject",
        "total_price_cop",
    }
)
#: metadata strings up to this long (services, statuses, cities, names) are shared among
#: the rows that repeat them
_SHARED_CHARS = 40


def _obj(value: object, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise WireError(f"{what}: expected an object, got {type(value).__name__}")
    return value


def _int(obj: Mapping[str, Any], key: str, what: str) -> int:
    value = obj.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise WireError(f"{what}.{key}: expected an integer, got {value!r}")
    return value


def _str(obj: Mapping[str, Any], key: str, what: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str):
        raise WireError(f"{what}.{key}: expected a string, got {value!r}")
    return value


def parse_datetime(value: object, what: str) -> datetime:
    """ISO-8601 with an offset (``Z`` included); naive times are refused, not guessed."""
    if not isinstance(value, str):
        raise WireError(f"{what}: expected an ISO-8601 string, got {value!r}")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise WireError(f"{what}: not an ISO-8601 time: {value!r}") from None
    if parsed.tzinfo is None:
        raise WireError(f"{what}: time without a UTC offset: {value!r}")
    return parsed


def _metadata(value: object, what: str) -> Mapping[str, Any]:
    """The keys of a row's metadata the app reads (``METADATA_KEYS``), short strings shared."""
    if not value:
        return _NO_METADATA
    kept = {
        key: sys.intern(item) if isinstance(item, str) and len(item) <= _SHARED_CHARS else item
        for key, item in _obj(value, what).items()
        if key in METADATA_KEYS
    }
    return kept or _NO_METADATA


def parse_notification(row: object) -> Notification:
    """A row of ``admin_notifications_after`` or the ``record`` of a realtime INSERT (no ``read``)."""
    obj = _obj(row, "notification")
    nid = _int(obj, "id", "notification")
    what = f"notification {nid}"
    try:
        read = obj.get("read", False)
        if not isinstance(read, bool):
            raise WireError(f"{what}.read: expected a boolean, got {read!r}")
        try:
            kind = NotificationType(_str(obj, "type", what))
            priority = Priority.parse(_str(obj, "priority", what))
        except ValueError as error:
            raise WireError(f"{what}: {error}") from None
        return Notification(
            id=nid,
            type=kind,
            priority=priority,
            # a handful of distinct titles and tables among thousands of rows: shared strings
            title=sys.intern(
                text.plain(_str(obj, "title", what), text.MAX_TITLE_CHARS, one_line=True)
            ),
            # one line: a customer's line break could open an official-looking second line
            body=text.plain(_str(obj, "body", what), one_line=True),
            entity_table=sys.intern(_str(obj, "entity_table", what)),
            entity_id=str(obj.get("entity_id", "")),
            action_path=_str(obj, "action_path", what),
            created_at=parse_datetime(obj.get("created_at"), f"{what}.created_at"),
            metadata=_metadata(obj.get("metadata"), f"{what}.metadata"),
            read=read,
        )
    except WireError as error:
        raise WireError(str(error), notification_id=nid) from None


def parse_counter(record: object) -> CounterUpdate:
    """The ``record`` of an ``admin_stats_counters`` UPDATE (or INSERT)."""
    obj = _obj(record, "counter")
    return CounterUpdate(
        metric=_str(obj, "metric", "counter"),
        value=_int(obj, "value", "counter"),
        seq=_int(obj, "seq", "counter"),
    )


def parse_read(record: object) -> int:
    """The ``record`` of an ``admin_notification_reads`` INSERT: the notification id."""
    return _int(_obj(record, "read"), "notification_id", "read")


def parse_unread(record: object) -> ReadKey:
    """The ``record`` of an ``admin_notification_reads`` UPDATE that set ``read_at`` to null
    (a read taken back). RLS sends each admin only their own rows; the caller still
    compares ``admin_id`` with its own (an old server deleted the row instead, and Realtime
    sends a DELETE to every subscriber)."""
    obj = _obj(record, "unread")
    admin_id = _str(obj, "admin_id", "unread")
    try:
        admin = uuid.UUID(admin_id)
    except ValueError:
        raise WireError(f"unread.admin_id: not a UUID: {admin_id!r}") from None
    return ReadKey(admin, _int(obj, "notification_id", "unread"))


#: An admin's name as rows, menus, toasts and trails show it: one line, and short enough
#: that one long word cannot widen a window (each admin picks their own name; every other
#: admin's app shows it).
MAX_ADMIN_NAME_CHARS = 48


def admin_name(raw: str, admin: uuid.UUID | None) -> str:
    """``raw`` as shown; a name of blanks only (a space, U+2800) names the admin by the start
    of their id ("Admin 1a2b3c4d") rather than by nothing: an empty name read as "Taken by "
    and "On duty: , Luis", and a trail reads "" as a removed admin's."""
    name = text.plain(raw, MAX_ADMIN_NAME_CHARS, one_line=True)
    if name or admin is None:
        return name
    return f"Admin {str(admin)[:8]}"


def _admin_id(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def parse_claim(record: object) -> Claim:
    """An ``admin_claim``/``admin_release`` answer, a row of ``admin_claims_held``, or the
    ``record`` of an ``admin_claims`` change: holder and holder_name null when nobody has it."""
    obj = _obj(record, "claim")
    key = ClaimKey(_str(obj, "item_type", "claim"), _int(obj, "item_id", "claim"))
    what = f"claim {key.item_type} {key.item_id}"
    holder_id, name = obj.get("holder"), obj.get("holder_name")
    holder = None
    if holder_id is not None:
        try:
            holder = uuid.UUID(_str(obj, "holder", what))
        except ValueError:
            raise WireError(f"{what}.holder: not a UUID: {holder_id!r}") from None
        name = admin_name(_str(obj, "holder_name", what), holder)
    elif name is not None:
        raise WireError(f"{what}: a holder_name without a holder: {name!r}")
    return Claim(key, holder, name or "", parse_datetime(obj.get("since"), f"{what}.since"))


_AUDITED = ("claim", "release", "reassign")


def parse_history(rows: object) -> tuple[ClaimEvent, ...]:
    """``admin_item_history``: the item's audit trail, oldest first."""
    if not isinstance(rows, list):
        raise WireError(f"history: expected a list, got {type(rows).__name__}")
    events = []
    for n, row in enumerate(rows):
        obj = _obj(row, f"history[{n}]")
        action = _str(obj, "action", f"history[{n}]")
        if action not in _AUDITED:
            raise WireError(f"history[{n}].action: unknown: {action!r}")
        after = _obj(obj.get("after") or {}, f"history[{n}].after")
        to_name = admin_name(str(after.get("holder_name") or ""), _admin_id(after.get("holder")))
        # a contract older than 20261130151500 has no name for an admin whose account is gone
        actor_name = (
            "" if obj.get("actor_name") is None else _str(obj, "actor_name", f"history[{n}]")
        )
        events.append(
            ClaimEvent(
                action,
                admin_name(actor_name, _admin_id(obj.get("actor")) if actor_name else None),
                to_name,
                parse_datetime(obj.get("at"), f"history[{n}].at"),
            )
        )
    return tuple(events)


def parse_duty(record: object) -> DutyEntry:
    """A row of ``admin_duty_roster``, the answer of ``admin_set_duty``, or the ``record`` of
    an ``admin_duty`` change (whose admin is ``admin_id``)."""
    obj = _obj(record, "duty")
    admin_id = obj.get("admin", obj.get("admin_id"))
    try:
        admin = uuid.UUID(str(admin_id))
    except ValueError:
        raise WireError(f"duty.admin: not a UUID: {admin_id!r}") from None
    what = f"duty of {admin}"
    try:
        duty = Duty(_str(obj, "status", what))
    except ValueError:
        raise WireError(f"{what}.status: unknown: {obj.get('status')!r}") from None
    name = admin_name(_str(obj, "admin_name", what), admin)
    return DutyEntry(admin, name, duty, parse_datetime(obj.get("since"), f"{what}.since"))


# --- realtime changes, typed once ------------------------------------------------------

#: The ``postgres_changes`` the app subscribes to, ``(table, event)`` with event INSERT,
#: DELETE or ``*``: the notification queue, the counters, read state from the admin's other
#: sessions, who holds which item (claims) and who is on duty, and the deletes only a fresh snapshot can account for. Every other marketplace
#: change reaches the app as a notification or a counter already; subscribing to it would
#: double the work of a burst for nothing. The supervisor binds exactly these.
SUBSCRIPTIONS: tuple[tuple[str, str], ...] = (
    ("admin_notifications", "INSERT"),
    ("admin_stats_counters", "*"),
    ("admin_notification_reads", "*"),
    ("admin_claims", "*"),
    ("admin_duty", "*"),
    ("bookings", "DELETE"),
    ("professionals", "DELETE"),
)


@dataclass(frozen=True, slots=True)
class NotificationAdded:
    notification: Notification


@dataclass(frozen=True, slots=True)
class CounterChanged:
    counter: CounterUpdate


@dataclass(frozen=True, slots=True)
class ReadAdded:
    """This admin (another of their sessions) read a notification."""

    notification_id: int


@dataclass(frozen=True, slots=True)
class ReadRemoved:
    """Some admin took a read back; only the owner's own apply (see ``parse_unread``)."""

    key: ReadKey


@dataclass(frozen=True, slots=True)
class ClaimChanged:
    """An admin claimed, released or was handed an item."""

    claim: Claim


@dataclass(frozen=True, slots=True)
class DutyChanged:
    """An admin came on duty, stepped away or went off duty."""

    entry: DutyEntry


@dataclass(frozen=True, slots=True)
class EntityRemoved:
    """A booking or professional was deleted: the window figures need a fresh snapshot
    (a DELETE's record holds only the key, so it cannot be counted)."""

    table: str


@dataclass(frozen=True, slots=True)
class Unused:
    """A delivery of a subscribed table the app has no use for (a counter row deleted)."""

    table: str
    change_type: str


Change = (
    NotificationAdded
    | CounterChanged
    | ReadAdded
    | ReadRemoved
    | ClaimChanged
    | DutyChanged
    | EntityRemoved
    | Unused
)


def parse_change(table: str, change_type: str, record: object) -> Change:
    """One realtime delivery as the typed change it is; WireError if its data is malformed."""
    match (table, change_type):
        case ("admin_notifications", "INSERT"):
            return NotificationAdded(parse_notification(record))
        case ("admin_stats_counters", "INSERT" | "UPDATE"):
            return CounterChanged(parse_counter(record))
        case ("admin_notification_reads", "INSERT" | "UPDATE"):
            if _obj(record, "read").get("read_at") is None:
                return ReadRemoved(parse_unread(record))
            return ReadAdded(parse_read(record))
        case ("admin_claims", "INSERT" | "UPDATE"):
            return ClaimChanged(parse_claim(record))
        case ("admin_duty", "INSERT" | "UPDATE"):
            return DutyChanged(parse_duty(record))
        case ("bookings" | "professionals", "DELETE"):
            return EntityRemoved(table)
        case _:
            return Unused(table, change_type)


def _buckets(value: object, what: str) -> tuple[tuple[int, int], ...]:
    if not isinstance(value, list):
        raise WireError(f"{what}: expected a list of [epoch, count], got {value!r}")
    pairs = []
    for n, pair in enumerate(value):
        if (
            not isinstance(pair, list)
            or len(pair) != 2
            or not all(isinstance(x, int) and not isinstance(x, bool) for x in pair)
            or pair[1] < 0
        ):
            raise WireError(f"{what}[{n}]: expected [epoch_seconds, count >= 0], got {pair!r}")
        pairs.append((pair[0], pair[1]))
    return tuple(pairs)


def parse_stats_snapshot(data: object) -> StatsSnapshot:
    what = "stats"
    obj = _obj(data, what)
    seqs = _obj(obj.get("counter_seq"), f"{what}.counter_seq")
    trends_obj = _obj(obj.get("trends"), f"{what}.trends")
    trends: dict[str, float | None] = {}
    for key in TREND_KEYS:
        value = trends_obj.get(key)
        if value is not None and (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not -MAX_TREND <= value <= MAX_TREND  # also NaN, inf, ints float() overflows on
        ):
            raise WireError(f"{what}.trends.{key}: expected a finite number or null, got {value!r}")
        trends[key] = None if value is None else float(value)
    return StatsSnapshot(
        counters={
            m: CounterUpdate(m, _int(obj, m, what), _int(seqs, m, f"{what}.counter_seq"))
            for m in COUNTER_METRICS
        },
        trends=trends,
        bookings_recent=_buckets(obj.get("bookings_recent"), f"{what}.bookings_recent"),
        professionals_recent=_buckets(
            obj.get("professionals_recent"), f"{what}.professionals_recent"
        ),
        cursor=_int(obj, "cursor", what),
    )
