"""core.wire under random and malformed RPC responses and realtime records.

The contract the services rely on: every parser returns a model or raises
``WireError`` (so one bad row is logged and skipped), never any other
exception, which would kill realtime-py's receive loop or a catch-up.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from lia_desktop.core.wire import (
    WireError,
    parse_counter,
    parse_notification,
    parse_read,
    parse_stats_snapshot,
)
from tests.fuzz.budget import FUZZ
from tests.fuzz.strategies import HUGE, json_values, mutated, nested

ROW: dict[str, Any] = {
    "id": 42,
    "type": "review_created",
    "priority": "high",
    "title": "Low rating",
    "body": "Ana Gómez rated Carlos Ruiz 2/5",
    "entity_table": "reviews",
    "entity_id": "7",
    "action_path": "/admin/reviews/7",
    "created_at": "2026-03-02T12:00:00.5+00:00",
    "metadata": {"created_at": "2026-03-02T12:00:00Z", "rating": 2},
    "read": False,
}

SNAPSHOT: dict[str, Any] = {
    "total_bookings": 10,
    "pending_bookings": 2,
    "total_users": 5,
    "total_revenue_cop": 180000,
    "new_professionals_30d": 1,
    "bookings_24h": 3,
    "counter_seq": {
        m: 1 for m in ("total_bookings", "pending_bookings", "total_users", "total_revenue_cop")
    },
    "trends": {"total_bookings": 12.5, "pending_bookings": None},
    "bookings_recent": [[1772452800, 3]],
    "professionals_recent": [[1772449200, 1]],
    "cursor": 99,
    "server_time": "2026-03-02T12:00:00+00:00",
}

COUNTER: dict[str, Any] = {"metric": "total_bookings", "value": 3, "seq": 9, "updated_at": "x"}

Parser = Callable[[object], object]


def only_wire_errors(parse: Parser, data: object) -> None:
    """Parse ``data`` as it arrives off the wire (a JSON round trip); anything but WireError fails."""
    try:
        text = json.dumps(data)
    except ValueError:  # not representable as JSON: a peer could not send it
        return
    received = json.loads(text)
    error = wire_error(parse, received)
    assert error is None or str(error)  # the message names the field
    assert json.dumps(received) == text  # parsers never mutate what they are given


def wire_error(parse: Parser, data: object) -> WireError | None:
    """The WireError ``parse`` raised, or None when it parsed; any other exception propagates."""
    try:
        parse(data)
    except WireError as error:
        return error
    return None


@FUZZ
@given(json_values)
def test_any_json_value_as_any_record(value: object) -> None:
    for parse in (parse_notification, parse_counter, parse_read, parse_stats_snapshot):
        only_wire_errors(parse, value)


@FUZZ
@given(mutated(ROW))
def test_mutated_notification_rows(row: dict[str, Any]) -> None:
    only_wire_errors(parse_notification, row)


@FUZZ
@given(mutated(ROW))
def test_a_bad_row_with_a_good_id_names_its_id(row: dict[str, Any]) -> None:
    """The feed skips exactly that id (NotificationFeed.skip), so catch-up does not stall on it."""
    if not isinstance(row.get("id"), int) or isinstance(row.get("id"), bool):
        return
    error = wire_error(parse_notification, row)
    assert error is None or error.notification_id == row["id"]


@FUZZ
@given(mutated(SNAPSHOT))
@example({**SNAPSHOT, "trends": {"total_bookings": HUGE}})  # float() overflowed: regression
@example({**SNAPSHOT, "trends": {"bookings_24h": -HUGE}})
def test_mutated_stats_snapshots(snapshot: dict[str, Any]) -> None:
    only_wire_errors(parse_stats_snapshot, snapshot)


@FUZZ
@given(
    st.fixed_dictionaries(
        {
            "bookings_recent": st.lists(st.lists(json_values, max_size=3), max_size=4),
            "counter_seq": st.dictionaries(
                st.sampled_from(list(SNAPSHOT["counter_seq"])), json_values
            ),
            "trends": st.dictionaries(
                st.sampled_from(["total_bookings", "bookings_24h"]), json_values
            ),
        }
    )
)
def test_snapshot_nested_parts(parts: dict[str, Any]) -> None:
    only_wire_errors(parse_stats_snapshot, {**SNAPSHOT, **parts})


@FUZZ
@given(mutated(COUNTER))
def test_mutated_counter_records(record: dict[str, Any]) -> None:
    only_wire_errors(parse_counter, record)


@pytest.mark.parametrize(
    ("parse", "template"),
    [
        (parse_notification, ROW),
        (parse_counter, COUNTER),
        (parse_read, {"notification_id": 1}),
        (parse_stats_snapshot, SNAPSHOT),
    ],
)
def test_deeply_nested_and_oversized_values(parse: Parser, template: dict[str, Any]) -> None:
    """Depth near json's own limit, a 2 MB string, a 10k list, in every field: only WireError."""
    for key in template:
        for value in (nested(900), "x" * 2_000_000, [[]] * 10_000):
            only_wire_errors(parse, {**template, key: value})


def test_float_overflow_in_trends_is_a_wire_error() -> None:
    """Regression: a 400-digit integer trend made ``float()`` raise OverflowError."""
    with pytest.raises(WireError, match=r"trends\.total_bookings"):
        parse_stats_snapshot({**SNAPSHOT, "trends": {"total_bookings": HUGE}})
