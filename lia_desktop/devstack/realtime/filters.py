"""``postgres_changes`` filter strings: parsing and typed matching (wire protocol 2.6).

Grammar: ``column=[not.]op.value`` joined by commas (AND); commas inside
``(...)`` or double quotes do not split; ``in.(a,b)`` takes a list. Supabase
casts both sides to the column type before comparing; here the filter values
are canonicalised by PostgreSQL once, when the subscription is created (which
also validates the cast), and both sides are compared in their typed Python
form (:func:`values.comparable`).
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "neq": operator.ne,
    "lt": operator.lt,
    "lte": operator.le,
    "gt": operator.gt,
    "gte": operator.ge,
}
IN_LIMIT = 100


class FilterError(ValueError):
    """The filter string does not parse; the message is shown to the client."""


@dataclass(frozen=True, slots=True)
class Condition:
    column: str
    op: str  # a key of OPERATORS, or "in"
    values: tuple[str, ...]  # one value, or the items of ``in``
    negated: bool = False

    def matches(self, row_value: Any, filter_values: tuple[Any, ...]) -> bool:
        """Typed comparison; a NULL row value never matches (SQL three-valued logic)."""
        if row_value is None:
            return False
        try:
            if self.op == "in":
                result = row_value in filter_values
            else:
                result = OPERATORS[self.op](row_value, filter_values[0])
        except TypeError:  # a value that did not type (e.g. "infinity" against a datetime)
            result = str(row_value) == str(filter_values[0]) if self.op == "eq" else False
        return result != self.negated


def _split(text: str, separator: str) -> list[str]:
    parts, depth, quoted, current = [], 0, False, []
    escaped = False
    for char in text:
        if escaped:
            current.append(char)
            escaped = False
            continue
        if char == "\\" and quoted:
            current.append(char)
            escaped = True
            continue
        if char == '"':
            quoted = not quoted
        elif not quoted and char == "(":
            depth += 1
        elif not quoted and char == ")":
            depth -= 1
        if char == separator and depth == 0 and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        inner, out, i = value[1:-1], [], 0
        while i < len(inner):
            if inner[i] == "\\" and i + 1 < len(inner):
                i += 1
            out.append(inner[i])
            i += 1
        return "".join(out)
    return value


def parse_filter(text: str | None) -> tuple[Condition, ...]:
    """Parse a filter string; blank means no condition."""
    if text is None or not text.strip():
        return ()
    conditions = []
    for part in _split(text, ","):
        column, sep, rest = part.partition("=")
        if not sep or not column.strip():
            raise FilterError(f"Error parsing `filter` params: {text}")
        negated = rest.startswith("not.")
        if negated:
            rest = rest[4:]
        op, dot, value = rest.partition(".")
        if not dot or (op not in OPERATORS and op != "in"):
            raise FilterError(f"Error parsing `filter` params: {text}")
        if op == "in":
            value = value.strip()
            if not (value.startswith("(") and value.endswith(")")):
                raise FilterError(f"Error parsing `filter` params: {text}")
            items = tuple(_unquote(item) for item in _split(value[1:-1], ","))
            if len(items) > IN_LIMIT:
                raise FilterError(f"too many values for `in` filter (max {IN_LIMIT}): {text}")
            conditions.append(Condition(column.strip(), op, items, negated))
        else:
            conditions.append(Condition(column.strip(), op, (_unquote(value),), negated))
    return tuple(conditions)
