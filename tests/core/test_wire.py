"""Wire parsing: good data becomes models; bad data is one WireError naming the field."""

from __future__ import annotations

import contextlib
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lia_desktop.core import wire
from lia_desktop.core.models import NotificationType, Priority
from lia_desktop.core.wire import (
    CounterUpdate,
    ReadKey,
    WireError,
    parse_counter,
    parse_notification,
    parse_read,
    parse_stats_snapshot,
    parse_unread,
)

ROW: dict[str, Any] = {
    "id": 42,
    "type": "dispute_opened",
    "priority": "high",
    "title": "New dispute",
    "body": "Booking #1042 · late",
    "entity_table": "disputes",
    "entity_id": 7,
    "action_path": "/admin/disputes/7",
    "created_at": "2026-03-02T12:00:00.5Z",
    "metadata": {"created_at": "2026-03-02T12:00:00Z"},
    "read": True,
}

SNAPSHOT: dict[str, Any] = {
    "total_bookings": 10,
    "pending_bookings": 2,
    "total_users": 5,
    "total_revenue_cop": 180000,
    "new_professionals_30d": 1,
    "bookings_24h": 3,
    "counter_seq": {
        "total_bookings": 4,
        "pending_bookings": 5,
        "total_users": 6,
        "total_revenue_cop": 7,
    },
    "trends": {"total_bookings": 12.5, "pending_bookings": None, "total_users": 3},
    "bookings_recent": [[1772452800, 3]],
    "professionals_recent": [],
    "cursor": 99,
    "server_time": "2026-03-02T12:00:00+00:00",
}


def test_a_notification_row_parses() -> None:
    n = parse_notification(ROW)
    assert (n.id, n.type, n.priority, n.entity_id, n.read) == (
        42,
        NotificationType.DISPUTE_OPENED,
        Priority.HIGH,
        "7",
        True,
    )
    assert n.created_at == datetime(2026, 3, 2, 12, 0, 0, 500000, tzinfo=UTC)
    assert Priority.HIGH.label == "high"


def test_a_realtime_record_has_no_read_flag_and_may_have_null_metadata() -> None:
    record = {k: v for k, v in ROW.items() if k != "read"} | {"metadata": None}
    n = parse_notification(record)
    assert (n.read, dict(n.metadata)) == (False, {})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"type": "party"}, "notification 42: 'party' is not a valid NotificationType"),
        ({"priority": "meh"}, "notification 42: unknown priority 'meh'"),
        ({"title": None}, "notification 42.title: expected a string"),
        ({"read": "yes"}, "notification 42.read: expected a boolean"),
        ({"created_at": "yesterday"}, "notification 42.created_at: not an ISO-8601 time"),
        ({"created_at": "2026-03-02T12:00:00"}, "without a UTC offset"),
        ({"created_at": 5}, "expected an ISO-8601 string"),
        ({"metadata": [1]}, "notification 42.metadata: expected an object"),
    ],
)
def test_bad_rows_name_the_field_and_keep_the_id(change: dict[str, Any], message: str) -> None:
    with pytest.raises(WireError, match=message) as raised:
        parse_notification(ROW | change)
    assert raised.value.notification_id == 42


@pytest.mark.parametrize("row", [None, [], {"id": "42"}, {"id": True}])
def test_rows_without_an_id_have_none(row: object) -> None:
    with pytest.raises(WireError) as raised:
        parse_notification(row)
    assert raised.value.notification_id is None


def test_counter_and_read_records() -> None:
    assert parse_counter(
        {"metric": "total_users", "value": 3, "seq": 9, "updated_at": "x"}
    ) == CounterUpdate("total_users", 3, 9)
    assert parse_read({"admin_id": "a", "notification_id": 5}) == 5
    with pytest.raises(WireError, match=r"counter\.seq"):
        parse_counter({"metric": "total_users", "value": 3})
    with pytest.raises(WireError, match=r"read\.notification_id"):
        parse_read({})


ADMIN_ID = "00000000-0000-4000-a000-000000000001"
UNREAD: dict[str, Any] = {"admin_id": ADMIN_ID, "notification_id": 5}


def test_an_unread_is_the_deleted_rows_key() -> None:
    key = parse_unread({"admin_id": ADMIN_ID.upper(), "notification_id": 5})
    assert key == ReadKey(uuid.UUID(ADMIN_ID), 5)
    assert str(key.admin_id) == ADMIN_ID


@pytest.mark.parametrize(
    ("old_record", "problem"),
    [
        ({}, r"unread\.admin_id: expected a string"),
        ({"admin_id": "admin", "notification_id": 5}, r"unread\.admin_id: not a UUID"),
        ({"admin_id": ADMIN_ID}, r"unread\.notification_id"),
        ({"admin_id": ADMIN_ID, "notification_id": "5"}, r"unread\.notification_id"),
        ([ADMIN_ID, 5], r"unread: expected an object"),
    ],
)
def test_a_bad_unread_is_a_wire_error(old_record: object, problem: str) -> None:
    with pytest.raises(WireError, match=problem):
        parse_unread(old_record)


def test_the_stats_snapshot_parses() -> None:
    snap = parse_stats_snapshot(SNAPSHOT)
    assert snap.counters["total_revenue_cop"] == CounterUpdate("total_revenue_cop", 180000, 7)
    assert snap.trends["total_bookings"] == 12.5
    assert snap.trends["total_users"] == 3.0
    assert snap.trends["bookings_24h"] is None
    assert snap.bookings_recent == ((1772452800, 3),)
    assert snap.cursor == 99


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"trends": {"total_users": "up"}}, r"stats\.trends\.total_users"),
        ({"trends": {"total_users": True}}, r"stats\.trends\.total_users"),
        ({"bookings_recent": {}}, r"stats\.bookings_recent: expected a list"),
        ({"bookings_recent": [[1, -1]]}, r"stats\.bookings_recent\[0\]"),
        ({"professionals_recent": [[1, 2, 3]]}, r"stats\.professionals_recent\[0\]"),
        ({"professionals_recent": [[1, True]]}, r"stats\.professionals_recent\[0\]"),
        ({"professionals_recent": [5]}, r"stats\.professionals_recent\[0\]"),
        ({"counter_seq": {}}, r"stats\.counter_seq\.total_bookings"),
        ({"cursor": 1.5}, r"stats\.cursor"),
    ],
)
def test_bad_snapshots_name_the_field(change: dict[str, Any], message: str) -> None:
    with pytest.raises(WireError, match=message):
        parse_stats_snapshot(SNAPSHOT | change)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=10,
)


@settings(deadline=None)
@given(st.dictionaries(st.sampled_from([*ROW, *SNAPSHOT, *UNREAD]), JSON, max_size=8))
def test_arbitrary_json_is_parsed_or_refused_never_crashes(junk: dict[str, Any]) -> None:
    for parse, base in (
        (parse_notification, ROW),
        (parse_stats_snapshot, SNAPSHOT),
        (parse_unread, UNREAD),
    ):
        for data in (junk, base | junk):
            with contextlib.suppress(WireError):
                parse(data)


ADMIN = "00000000-0000-4000-a000-000000000001"


READ_AT = "2026-11-30T12:00:00+00:00"


@pytest.mark.parametrize(
    ("table", "change", "record", "expected"),
    [
        ("admin_notifications", "INSERT", ROW, wire.NotificationAdded(parse_notification(ROW))),
        (
            "admin_stats_counters",
            "UPDATE",
            {"metric": "total_users", "value": 5, "seq": 9},
            wire.CounterChanged(CounterUpdate("total_users", 5, 9)),
        ),
        (
            "admin_stats_counters",
            "INSERT",
            {"metric": "total_users", "value": 1, "seq": 1},
            wire.CounterChanged(CounterUpdate("total_users", 1, 1)),
        ),
        (
            "admin_notification_reads",
            "INSERT",
            {"admin_id": ADMIN, "notification_id": 4, "read_at": READ_AT},
            wire.ReadAdded(4),
        ),
        (
            "admin_notification_reads",
            "UPDATE",
            {"admin_id": ADMIN, "notification_id": 4, "read_at": READ_AT},
            wire.ReadAdded(4),
        ),
        (
            "admin_notification_reads",
            "UPDATE",
            {"admin_id": ADMIN, "notification_id": 4, "read_at": None},
            wire.ReadRemoved(ReadKey(uuid.UUID(ADMIN), 4)),
        ),
        (  # a cascade when a notification is deleted: nothing to apply
            "admin_notification_reads",
            "DELETE",
            {},
            wire.Unused("admin_notification_reads", "DELETE"),
        ),
        ("bookings", "DELETE", {}, wire.EntityRemoved("bookings")),
        ("professionals", "DELETE", {}, wire.EntityRemoved("professionals")),
        ("admin_stats_counters", "DELETE", {}, wire.Unused("admin_stats_counters", "DELETE")),
    ],
)
def test_each_subscribed_change_is_typed_once(
    table: str, change: str, record: object, expected: wire.Change
) -> None:
    assert wire.parse_change(table, change, record) == expected


def test_a_malformed_change_is_a_wire_error_naming_the_notification() -> None:
    with pytest.raises(WireError) as raised:
        wire.parse_change("admin_notifications", "INSERT", ROW | {"priority": "huge"})
    assert raised.value.notification_id == 42
