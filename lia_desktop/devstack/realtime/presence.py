"""Presence per topic (wire protocol 2.10): one meta per tracking channel, diffs to every member.

State is kept per :attr:`Channel.key` (topic and private flag), so a private
channel's presence is never seen or changed through a public join of its topic.

Each tracked meta gets a fresh, unique ``phx_ref`` (realtime-py pops it from
every meta and breaks its receive loop if it is missing). Several sockets
tracking under the same key give several metas under that key, which is how
the app counts an admin's sessions.
"""

from __future__ import annotations

import base64
import itertools
import os
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from .channels import Channel, TopicKey

_refs = itertools.count(1)
_node = os.urandom(4)


def new_phx_ref() -> str:
    return base64.urlsafe_b64encode(_node + next(_refs).to_bytes(8, "big")).decode().rstrip("=")


@dataclass(frozen=True, slots=True)
class Tracked:
    key: str
    meta: dict[str, Any]  # the tracked payload plus phx_ref


Diff = dict[str, dict[str, dict[str, list[dict[str, Any]]]]]


def _group(entries: list[Tracked]) -> dict[str, dict[str, list[dict[str, Any]]]]:
    grouped: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for entry in entries:
        grouped.setdefault(entry.key, {"metas": []})["metas"].append(entry.meta)
    return grouped


class PresenceHub:
    def __init__(self) -> None:
        self._tracked: dict[TopicKey, dict[Channel, Tracked]] = defaultdict(dict)

    def state(self, key: TopicKey) -> dict[str, dict[str, list[dict[str, Any]]]]:
        return _group(list(self._tracked.get(key, {}).values()))

    def track(self, channel: Channel, payload: dict[str, Any]) -> Diff | None:
        """Track (or update) the channel's meta; None when nothing changed."""
        members = self._tracked[channel.key]
        previous = members.get(channel)
        if (
            previous is not None
            and {k: v for k, v in previous.meta.items() if k != "phx_ref"} == payload
        ):
            return None
        meta = {**payload, "phx_ref": new_phx_ref()}
        if previous is not None:
            meta["phx_ref_prev"] = previous.meta["phx_ref"]
        entry = Tracked(channel.presence_key, meta)
        members[channel] = entry
        return {"joins": _group([entry]), "leaves": _group([previous] if previous else [])}

    def untrack(self, channel: Channel) -> Diff | None:
        members = self._tracked.get(channel.key)
        entry = members.pop(channel, None) if members is not None else None
        if members is not None and not members:
            del self._tracked[channel.key]
        if entry is None:
            return None
        return {"joins": {}, "leaves": _group([entry])}
