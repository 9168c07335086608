"""Typing of the text values that pgoutput sends, the way ``realtime.cast`` types them.

Supabase builds each record with ``to_jsonb(<text>::<column type>)``: integers
and numerics become JSON numbers, booleans booleans, json/jsonb nested JSON,
arrays JSON arrays, ``timestamptz`` the ISO string ``2025-11-24T10:30:38.892303+00:00``
and everything else its text. Doing this in Python by type keeps the delivery
path free of a database round trip per value. The replication session runs
with ``DateStyle=ISO, TimeZone=UTC``, so the input forms below are fixed.

Also here: the *comparable* form of a value, so that filters compare like SQL
does after casting both sides to the column type (numbers numerically, times
temporally, text by code point as in the cluster's C collation).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

INTEGER_TYPES = frozenset({"int2", "int4", "int8", "oid", "xid", "cid"})
FLOAT_TYPES = frozenset({"float4", "float8"})
JSON_TYPES = frozenset({"json", "jsonb"})
NON_FINITE = frozenset({"NaN", "Infinity", "-Infinity", "infinity", "-infinity"})


@dataclass(frozen=True, slots=True)
class PgType:
    oid: int
    name: str  # pg_type.typname, what ``columns[].type`` carries
    sql_name: str  # format_type(oid, NULL), usable in a cast
    category: str  # pg_type.typcategory
    element_oid: int  # typelem for arrays, else 0
    delimiter: str = ","


class TypeCatalog:
    """oid -> PgType, loaded from pg_type (pgoutput sends only the oid of built-in types)."""

    def __init__(self, types: list[PgType] | None = None) -> None:
        self._types: dict[int, PgType] = {t.oid: t for t in types or []}

    def add(self, pg_type: PgType) -> None:
        self._types[pg_type.oid] = pg_type

    def __contains__(self, oid: int) -> bool:
        return oid in self._types

    def get(self, oid: int) -> PgType:
        return self._types.get(oid) or PgType(oid, "unknown", "text", "U", 0)

    def to_json(self, pg_type: PgType, text: str | None) -> Any:
        """The JSON value of ``to_jsonb(text::type)``."""
        if text is None:
            return None
        if pg_type.category == "A" and pg_type.element_oid:
            element = self.get(pg_type.element_oid)
            return _map_nested(
                parse_array(text, pg_type.delimiter), lambda v: self.to_json(element, v)
            )
        return scalar_to_json(pg_type, text)


def scalar_to_json(pg_type: PgType, text: str) -> Any:
    name = pg_type.name
    if name in INTEGER_TYPES:
        return int(text)
    if name == "bool":
        return text == "t"
    if name in JSON_TYPES:
        return json.loads(text)
    if name == "numeric" or name in FLOAT_TYPES:
        if text in NON_FINITE:
            return text
        number = Decimal(text)
        return (
            int(number) if number == number.to_integral_value() and "." not in text else float(text)
        )
    if name == "timestamptz":
        return iso_timestamptz(text)
    if name == "timestamp":
        return text.replace(" ", "T", 1)
    return text


def iso_timestamptz(text: str) -> str:
    """``2025-11-24 10:30:38.892303+00`` -> ``2025-11-24T10:30:38.892303+00:00``."""
    if text in NON_FINITE:
        return text
    stamp = text.replace(" ", "T", 1)
    sign_at = max(stamp.rfind("+"), stamp.rfind("-"))
    if sign_at > 10 and len(stamp) - sign_at == 3:  # "+HH"
        stamp += ":00"
    return stamp


def parse_array(text: str, delimiter: str = ",") -> list[Any]:
    """Parse a PostgreSQL array literal (``{a,"b c",NULL,{1,2}}``) into nested lists of text."""
    if text.startswith("["):  # explicit bounds, "[0:1]={...}"
        text = text[text.index("=") + 1 :]
    value, end = _parse_array_at(text, 0, delimiter)
    if end != len(text):
        raise ValueError(f"trailing characters in array literal {text!r}")
    return value


def _parse_array_at(text: str, pos: int, delimiter: str) -> tuple[list[Any], int]:
    if text[pos] != "{":
        raise ValueError(f"array literal must start with '{{': {text!r}")
    items: list[Any] = []
    pos += 1
    if text[pos] == "}":
        return items, pos + 1
    while True:
        if text[pos] == "{":
            sub, pos = _parse_array_at(text, pos, delimiter)
            items.append(sub)
        elif text[pos] == '"':
            pos += 1
            chars = []
            while text[pos] != '"':
                if text[pos] == "\\":
                    pos += 1
                chars.append(text[pos])
                pos += 1
            items.append("".join(chars))
            pos += 1
        else:
            start = pos
            while text[pos] not in (delimiter, "}"):
                pos += 1
            raw = text[start:pos].strip()
            items.append(None if raw == "NULL" else raw)
        if text[pos] == "}":
            return items, pos + 1
        pos += 1  # the delimiter


def _map_nested(items: list[Any], convert: Any) -> list[Any]:
    return [
        _map_nested(item, convert) if isinstance(item, list) else convert(item) for item in items
    ]


def comparable(pg_type: PgType, text: str) -> Any:
    """A Python value ordered like the SQL value of ``text::type`` (for filters)."""
    try:
        if pg_type.category == "N":
            return Decimal(text)
        if pg_type.name == "bool":
            return text == "t"
        if pg_type.name in ("timestamptz", "timestamp") and text not in NON_FINITE:
            return datetime.fromisoformat(text)
        if pg_type.name == "date" and text not in NON_FINITE:
            return date.fromisoformat(text)
    except (ValueError, InvalidOperation):
        return text
    return text
