"""Display text decided once, in core: COP amounts, trends, relative times, tray tooltip and badge.

Currency rule: always es-CO (``$ 1.234.567``, dot thousands, no decimals), the
marketplace's own convention, whatever the system locale.
"""

from __future__ import annotations

import math
from datetime import datetime

from lia_desktop.core import text
from lia_desktop.core.models import ConnectionPhase, ConnectionState

_PHASE_WORDS = {
    ConnectionPhase.CONNECTING: "Connecting",
    ConnectionPhase.LIVE: "Live",
    ConnectionPhase.RECONNECTING: "Reconnecting",
    ConnectionPhase.OFFLINE: "Offline",
    ConnectionPhase.AUTH_EXPIRED: "Session expired",
    ConnectionPhase.SIGNED_OUT: "Signed out",
    ConnectionPhase.ERROR: "Error",
}


def thousands(n: int) -> str:
    """``1234567`` -> ``1.234.567`` (es-CO grouping)."""
    return f"{n:,}".replace(",", ".")


def cop(amount: int) -> str:
    sign = "-" if amount < 0 else ""
    return f"{sign}$ {thousands(abs(amount))}"


def trend(percent: float | None, period: str = "last month") -> str:
    """``+12.5% vs last month``; no base to compare with gives ``new vs last month``."""
    if percent is None or not math.isfinite(percent):
        return f"new vs {period}"
    return f"{percent:+.1f}% vs {period}"


def relative_time(then: datetime, now: datetime) -> str:
    seconds = (now - then).total_seconds()
    if seconds < 60:
        return "just now"
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes} min ago"
    hours = minutes // 60
    if hours < 24:
        return f"{hours} h ago"
    days = hours // 24
    return "yesterday" if days == 1 else f"{days} d ago"


def connection_text(state: ConnectionState, now: float) -> str:
    """``Live`` / ``Reconnecting (attempt 4, next in 8 s)`` / ``Error: <reason>``; ``now`` monotonic."""
    words = _PHASE_WORDS[state.phase]
    if state.next_retry_at is not None and state.phase in (
        ConnectionPhase.RECONNECTING,
        ConnectionPhase.OFFLINE,
    ):
        wait = max(0, math.ceil(state.next_retry_at - now))
        return f"{words} (attempt {state.attempt}, next in {wait} s)"
    if state.reason and state.phase in (ConnectionPhase.ERROR, ConnectionPhase.AUTH_EXPIRED):
        return f"{words}: {text.plain(state.reason, 200, one_line=True)}"
    return words


def tooltip(
    unread: int, state: ConnectionState, now: float, dnd_until: datetime | None = None
) -> str:
    """``LIA Admin — 3 unread — Live``, and ``— Do not disturb until 14:30`` while it is on
    (``dnd_until`` local time, given only while it lies ahead)."""
    text = f"LIA Admin — {unread} unread — {connection_text(state, now)}"
    if dnd_until is not None:
        text += f" — Do not disturb until {dnd_until:%H:%M}"
    return text


def badge_text(unread: int) -> str:
    """No badge at zero, digits 1-9, ``9+`` from ten on."""
    if unread <= 0:
        return ""
    return str(unread) if unread <= 9 else "9+"
