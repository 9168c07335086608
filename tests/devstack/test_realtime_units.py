"""Pure parts of the Realtime endpoint: pgoutput decoding, value typing, filters, frames."""

from __future__ import annotations

import json
import struct
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from realtime.message import ServerMessageAdapter

from lia_desktop.devstack.realtime import pgoutput
from lia_desktop.devstack.realtime.channels import binding_id
from lia_desktop.devstack.realtime.filters import Condition, FilterError, parse_filter
from lia_desktop.devstack.realtime.protocol import JsonV1Serializer, ProtocolError, push, system
from lia_desktop.devstack.realtime.values import PgType, TypeCatalog, comparable

INT8 = PgType(20, "int8", "bigint", "N", 0)
NUMERIC = PgType(1700, "numeric", "numeric", "N", 0)
TEXT = PgType(25, "text", "text", "S", 0)
TSTZ = PgType(1184, "timestamptz", "timestamp with time zone", "D", 0)
JSONB = PgType(3802, "jsonb", "jsonb", "U", 0)
BOOL = PgType(16, "bool", "boolean", "B", 0)
TEXT_ARRAY = PgType(1009, "_text", "text[]", "A", 25)
CATALOG = TypeCatalog([INT8, NUMERIC, TEXT, TSTZ, JSONB, BOOL, TEXT_ARRAY])


def tuple_data(*values: str | None) -> bytes:
    out = struct.pack("!h", len(values))
    for value in values:
        if value is None:
            out += b"n"
        else:
            raw = value.encode()
            out += b"t" + struct.pack("!i", len(raw)) + raw
    return out


def test_pgoutput_decodes_a_transaction() -> None:
    commit_us = 817_084_800_123_456  # 2025-11-22T00:00:00.123456Z, in µs since 2000-01-01
    begin = pgoutput.decode(b"B" + struct.pack("!QqI", 0x16_0000_0028, commit_us, 777))
    assert begin == pgoutput.Begin(0x16_0000_0028, pgoutput.pg_time(commit_us), 777)
    relation = pgoutput.decode(
        b"R"
        + struct.pack("!I", 16385)
        + b"public\0bookings\0d"
        + struct.pack("!h", 2)
        + b"\x01id\0"
        + struct.pack("!Ii", 20, -1)
        + b"\x00status\0"
        + struct.pack("!Ii", 25, -1)
    )
    assert isinstance(relation, pgoutput.Relation)
    assert (relation.namespace, relation.name, relation.replica_identity) == (
        "public",
        "bookings",
        "d",
    )
    assert [(c.name, c.type_oid, c.is_key) for c in relation.columns] == [
        ("id", 20, True),
        ("status", 25, False),
    ]
    insert = pgoutput.decode(b"I" + struct.pack("!I", 16385) + b"N" + tuple_data("42", None))
    assert insert == pgoutput.Insert(16385, ("42", None))
    update = pgoutput.decode(
        b"U"
        + struct.pack("!I", 16385)
        + b"K"
        + tuple_data("41", None)
        + b"N"
        + tuple_data("42", "x")
    )
    assert update == pgoutput.Update(16385, ("41", None), ("42", "x"))
    toast = pgoutput.decode(
        b"U" + struct.pack("!I", 16385) + b"N" + b"\x00\x02u" + tuple_data("1")[2:]
    )
    assert toast == pgoutput.Update(16385, None, (pgoutput.UNCHANGED_TOAST, "1"))
    delete = pgoutput.decode(b"D" + struct.pack("!I", 16385) + b"K" + tuple_data("42", None))
    assert delete == pgoutput.Delete(16385, ("42", None))
    commit = pgoutput.decode(b"C" + struct.pack("!BQQq", 0, 10, 20, commit_us))
    assert isinstance(commit, pgoutput.Commit)
    assert commit.commit_time == datetime(2025, 11, 22, 0, 0, 0, 123456, tzinfo=UTC)


@pytest.mark.parametrize("data", [b"", b"Z", b"I\x00\x00", b"I" + struct.pack("!I", 1) + b"X"])
def test_pgoutput_rejects_malformed_messages(data: bytes) -> None:
    with pytest.raises(pgoutput.DecodeError):
        pgoutput.decode(data)


@pytest.mark.parametrize(
    ("pg_type", "text", "expected"),
    [
        (INT8, "9007199254740993", 9007199254740993),
        (NUMERIC, "150000", 150000),
        (NUMERIC, "1.5", 1.5),
        (BOOL, "f", False),
        (JSONB, '{"a": [1, 2]}', {"a": [1, 2]}),
        (TSTZ, "2025-11-24 10:30:38.892303+00", "2025-11-24T10:30:38.892303+00:00"),
        (TSTZ, "2025-11-24 10:30:38+05:30", "2025-11-24T10:30:38+05:30"),
        (TEXT_ARRAY, '{a,"b c",NULL,"q\\"x"}', ["a", "b c", None, 'q"x']),
        (TEXT, "plain", "plain"),
        (TEXT, None, None),
    ],
)
def test_values_are_typed_like_realtime_cast(
    pg_type: PgType, text: str | None, expected: object
) -> None:
    assert CATALOG.to_json(pg_type, text) == expected


def test_filters_parse_the_documented_operators() -> None:
    assert parse_filter("status=eq.pending") == (Condition("status", "eq", ("pending",)),)
    assert parse_filter('id=in.(1,2,"3,4")') == (Condition("id", "in", ("1", "2", "3,4")),)
    assert parse_filter("rating=not.lte.2,status=neq.x") == (
        Condition("rating", "lte", ("2",), negated=True),
        Condition("status", "neq", ("x",)),
    )
    assert parse_filter("  ") == ()
    for bad in ("status", "status=pending", "status=like.x", "id=in.1,2"):
        with pytest.raises(FilterError):
            parse_filter(bad)


def test_filters_compare_typed_values() -> None:
    (greater,) = parse_filter("total_price_cop=gt.99999")
    threshold = (comparable(NUMERIC, "99999"),)
    assert greater.matches(comparable(NUMERIC, "100000"), threshold)  # "100000" < "99999" as text
    assert not greater.matches(None, threshold)  # NULL never matches
    (since,) = parse_filter("created_at=gte.2025-01-01 00:00:00+00")
    bound = (comparable(TSTZ, "2025-01-01 00:00:00+00"),)
    assert since.matches(comparable(TSTZ, "2025-01-01 05:00:00+05:30"), bound) is False
    (within,) = parse_filter("id=in.(1,2)")
    assert within.matches(Decimal(2), (Decimal(1), Decimal(2)))


def test_binding_ids_are_stable_positive_and_distinct() -> None:
    a = {"event": "*", "schema": "public", "table": "bookings"}
    b = {"event": "INSERT", "schema": "public", "table": "bookings", "filter": "id=gt.0"}
    assert binding_id(a) == binding_id(dict(reversed(a.items())))
    assert binding_id(a) != binding_id(b)
    assert all(0 < binding_id({"table": f"t{n}"}) < 2**27 for n in range(500))


def test_server_frames_pass_realtime_py_validation() -> None:
    serializer = JsonV1Serializer()
    for frame in (
        system("realtime:db", "postgres_changes", "ok", "Subscribed to PostgreSQL"),
        push("realtime:p", "presence_diff", {"joins": {}, "leaves": {}}),
    ):
        message = json.loads(serializer.encode(frame))
        assert message["ref"] is None
        assert "join_ref" not in message
        ServerMessageAdapter.validate_python(message)


@pytest.mark.parametrize(
    "data",
    [
        "{",
        "[]",
        '{"topic":"x","event":"e","payload":{}}',
        '{"topic":1,"event":"e","payload":{},"ref":null}',
        b"\x00",
    ],
)
def test_malformed_client_frames_raise_protocol_errors(data: str | bytes) -> None:
    with pytest.raises(ProtocolError):
        JsonV1Serializer().decode(data)
