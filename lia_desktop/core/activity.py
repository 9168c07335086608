"""Online admins from the private presence channel, debounced.

Input is realtime-py's shape, ``{key: [{"presence_ref": ..., **meta}]}``, for
``presence_state`` (the whole state) and for the joins/leaves of a diff. Online
users are distinct keys, active sessions are metas (one per connection).
Malformed entries are skipped: presence is informative, never fatal.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lia_desktop.core.models import PresenceActivity


def _refs(metas: object) -> set[str]:
    if not isinstance(metas, list):
        return set()
    return {
        str(m.get("presence_ref", m.get("phx_ref")))
        for m in metas
        if isinstance(m, Mapping) and ("presence_ref" in m or "phx_ref" in m)
    }


class Presence:
    def __init__(self) -> None:
        self._sessions: dict[str, set[str]] = {}

    def apply_state(self, state: Mapping[str, Any]) -> PresenceActivity:
        self._sessions = {}
        return self.apply_diff(state, {})

    def apply_diff(self, joins: Mapping[str, Any], leaves: Mapping[str, Any]) -> PresenceActivity:
        for key, metas in joins.items():
            self._sessions.setdefault(str(key), set()).update(_refs(metas))
        for key, metas in leaves.items():
            self._sessions.get(str(key), set()).difference_update(_refs(metas))
        self._sessions = {k: refs for k, refs in self._sessions.items() if refs}
        return self.activity

    @property
    def activity(self) -> PresenceActivity:
        return PresenceActivity(
            online_users=len(self._sessions),
            active_sessions=sum(len(refs) for refs in self._sessions.values()),
        )


class Debouncer:
    """Emit a changed value at most once per ``interval`` seconds; the last value always comes out."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._shown: PresenceActivity | None = None
        self._pending: PresenceActivity | None = None
        self._last_emit = -float("inf")

    @property
    def wakeup_at(self) -> float | None:
        return None if self._pending is None else self._last_emit + self.interval

    def offer(self, value: PresenceActivity, now: float) -> PresenceActivity | None:
        self._pending = None if value == self._shown else value
        return self.tick(now)

    def tick(self, now: float) -> PresenceActivity | None:
        if self._pending is None or now < self._last_emit + self.interval:
            return None
        self._shown, self._pending, self._last_emit = self._pending, None, now
        return self._shown
