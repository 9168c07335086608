"""Hypothesis strategies for untrusted JSON: anything a server (or a disk) could hand us."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

#: beyond float range (float() overflows) but still valid JSON (under the 4300-digit limit)
HUGE = 10**400

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-HUGE, max_value=HUGE),
    st.integers(min_value=-(2**63), max_value=2**63),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(["", "0", "-1", "null", "2026-03-02T12:00:00Z", "2026-13-45", "urgent"]),
)

json_values: st.SearchStrategy[Any] = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(st.text(max_size=12), children, max_size=5),
    ),
    max_leaves=25,
)


def nested(depth: int) -> Any:
    """A value nested ``depth`` levels deep (lists and objects alternating)."""
    value: Any = 0
    for level in range(depth):
        value = [value] if level % 2 else {"k": value}
    return value


def mutated(base: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """``base`` with some keys replaced by random JSON, deleted, or extra keys added."""
    keys = sorted(base)

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        row = dict(base)
        for key in draw(st.lists(st.sampled_from(keys), max_size=len(keys), unique=True)):
            if draw(st.booleans()):
                row[key] = draw(json_values)
            else:
                del row[key]
        row.update(draw(st.dictionaries(st.text(max_size=8), json_values, max_size=2)))
        return row

    return build()


def json_text(value: Any) -> str:
    """``value`` as the JSON a peer would send (NaN/Infinity included, as Python emits them)."""
    return json.dumps(value)
