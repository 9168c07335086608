"""Joined channels and their ``postgres_changes`` bindings (wire protocol 2.3).

A binding's id is a hash of its content, like Supabase's ``phash2``: stable
across joins and reconnects, identical for identical bindings, never 0
(realtime-py tests the id for truthiness).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .filters import Condition, FilterError, parse_filter
from .protocol import Frame, push, system

ID_SPACE = 2**27 - 1
#: (topic, private): one namespace of presence and broadcast, see :attr:`Channel.key`.
TopicKey = tuple[str, bool]
EVENTS = frozenset({"INSERT", "UPDATE", "DELETE"})


def binding_id(raw: Mapping[str, Any]) -> int:
    digest = hashlib.blake2b(json.dumps(raw, sort_keys=True).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % ID_SPACE + 1


@dataclass(frozen=True, slots=True)
class Binding:
    """One element of ``config.postgres_changes``, parsed."""

    id: int
    raw: Mapping[str, Any]
    event: str  # INSERT, UPDATE, DELETE or *
    schema: str  # or *
    table: str  # or *
    conditions: tuple[Condition, ...]
    select: tuple[str, ...] | None

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> Binding:
        """Raises FilterError for a filter that does not parse."""
        event = str(raw.get("event") or "*").upper()
        schema = raw.get("schema")
        table = raw.get("table")
        select = raw.get("select")
        if schema is None and table is None:
            raise FilterError(
                "No subscription params provided. Please provide at least a `schema` or `table`"
                f" to subscribe to: {json.dumps(raw)}"
            )
        filter_text = raw.get("filter")
        return cls(
            id=binding_id(raw),
            raw=raw,
            event=event if event in EVENTS else "*",
            schema=str(schema or "public"),
            table=str(table or "*"),
            conditions=parse_filter(filter_text if isinstance(filter_text, str) else None),
            select=tuple(str(c) for c in select) if isinstance(select, list) else None,
        )

    def wants(self, kind: str) -> bool:
        return self.event in ("*", kind)

    def describe(self) -> str:
        """The parameter list Supabase quotes in subscription errors."""
        filters = ", ".join(
            f'{{"{c.column}", "{c.op}", "{",".join(c.values)}"}}' for c in self.conditions
        )
        select = "nil" if self.select is None else json.dumps(list(self.select))
        return (
            f"[event: {self.event}, schema: {self.schema}, table: {self.table},"
            f" filters: [{filters}], select: {select}]"
        )


@dataclass(eq=False)
class Channel:
    """One joined topic on one socket."""

    topic: str
    join_ref: str | None
    claims: dict[str, Any]
    token: str
    bindings: tuple[Binding, ...]
    private: bool
    presence_enabled: bool
    presence_key: str
    broadcast_self: bool
    broadcast_ack: bool
    send: Callable[[Frame], None]
    #: extension -> write allowed (private channels; probed on first use)
    write_allowed: dict[str, bool] = field(default_factory=dict)
    #: extension -> read allowed (private channels; probed at join and on token change)
    read_allowed: dict[str, bool] = field(default_factory=dict)

    @property
    def key(self) -> TopicKey:
        """Where presence and broadcast are shared: the topic *and* whether it is private.

        Upstream Realtime's ``tenant_topic(tenant, topic, public?)`` makes the flag part
        of the key, so a public join of a private channel's topic shares nothing with it
        (issue 13: it used to read and inject the admins' presence).
        """
        return (self.topic, self.private)

    @property
    def sub_topic(self) -> str:
        return self.topic.removeprefix("realtime:")

    @property
    def role(self) -> str:
        return str(self.claims.get("role"))

    def reads(self, extension: str) -> bool:
        return not self.private or self.read_allowed.get(extension, False)

    def push(self, event: str, payload: dict[str, Any]) -> None:
        """A push of this channel's own, stamped with its join ref (2.0.0 clients check it)."""
        self.send(push(self.topic, event, payload, join_ref=self.join_ref))

    def system(self, extension: str, status: str, message: str) -> None:
        self.send(system(self.topic, extension, status, message, join_ref=self.join_ref))
