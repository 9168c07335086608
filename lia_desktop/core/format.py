"""Display text decided once, in core: COP amounts, trends, relative times, dates, tray tooltip
and badge, in the admin's language (``translate``, see core.i18n).

Currency rule: always es-CO (``$ 1.234.567``, dot thousands, no decimals), the
marketplace's own convention, whatever the language: it is the money's format,
not the reader's. Percentages and dates follow the language ("+12,5 %" and
"30 nov 12:00" in Spanish, "+12.5%" and "30 Nov 12:00" in English).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone
from typing import Literal

from lia_desktop.core.i18n import Translate
from lia_desktop.core.models import ConnectionPhase, ConnectionState
from lia_desktop.core.problems import explain

#: The marketplace's clock (Colombia: UTC-5 all year, no daylight saving since 1993). A
#: booking's appointment is shown at the time the customer and professional agreed on,
#: wherever the admin reads it.
MARKETPLACE_TZ = timezone(timedelta(hours=-5), "COT")
#: Older than this, a notification shows its date instead of "4 d ago".
RELATIVE_DAYS = 7


def thousands(n: int) -> str:
    """``1234567`` -> ``1.234.567`` (es-CO grouping)."""
    return f"{n:,}".replace(",", ".")


def cop(amount: int) -> str:
    sign = "-" if amount < 0 else ""
    return f"{sign}$ {thousands(abs(amount))}"


def trend(
    translate: Translate, percent: float | None, period: Literal["month", "day"] = "month"
) -> str:
    """``+12.5% vs last month`` (``+12,5 % frente al mes anterior``); no base to compare with
    gives ``new vs last month``; ``period="day"`` compares with the previous 24 h."""
    if percent is None or not math.isfinite(percent):
        if period == "day":
            return translate("Format", "new vs previous 24 h")
        return translate("Format", "new vs last month")
    number = f"{percent:+.1f}".replace(".", translate("Format", ".", "decimal separator"))
    if period == "day":
        return translate("Format", "{percent}% vs previous 24 h").format(percent=number)
    return translate("Format", "{percent}% vs last month").format(percent=number)


def month_abbreviation(translate: Translate, month: int) -> str:
    """``Nov`` / ``nov``: the month of ``date_time`` (1-12)."""
    names = (
        translate("Format", "Jan", "short month"),
        translate("Format", "Feb", "short month"),
        translate("Format", "Mar", "short month"),
        translate("Format", "Apr", "short month"),
        translate("Format", "May", "short month"),
        translate("Format", "Jun", "short month"),
        translate("Format", "Jul", "short month"),
        translate("Format", "Aug", "short month"),
        translate("Format", "Sep", "short month"),
        translate("Format", "Oct", "short month"),
        translate("Format", "Nov", "short month"),
        translate("Format", "Dec", "short month"),
    )
    return names[month - 1]


def date_time(translate: Translate, at: datetime) -> str:
    """``30 Nov 12:00`` (``30 nov 12:00``): day, month and 24-hour time, as ``at`` reads."""
    return f"{at.day} {month_abbreviation(translate, at.month)} {at:%H:%M}"


def date(translate: Translate, at: datetime) -> str:
    """``30 Nov`` (``30 nov``)."""
    return f"{at.day} {month_abbreviation(translate, at.month)}"


def relative_time(translate: Translate, then: datetime, now: datetime) -> str:
    """``just now``, ``5 min ago``, ``3 h ago``, ``yesterday``, ``4 d ago``, then the date
    (``23 Nov``) in ``now``'s time zone, so the caller decides which zone the admin reads."""
    seconds = (now - then).total_seconds()
    if seconds < 60:
        return translate("Format", "just now")
    minutes = int(seconds // 60)
    if minutes < 60:
        return translate("Format", "%n min ago", None, minutes)
    hours = minutes // 60
    if hours < 24:
        return translate("Format", "%n h ago", None, hours)
    days = hours // 24
    if days == 1:
        return translate("Format", "yesterday")
    if days < RELATIVE_DAYS:
        return translate("Format", "%n d ago", None, days)
    return date(translate, then.astimezone(now.tzinfo))


def phase_words(translate: Translate, phase: ConnectionPhase) -> str:
    """The connection phase in one or two words (``Live``, ``Reconnecting``, ``Signed out``)."""
    match phase:
        case ConnectionPhase.CONNECTING:
            return translate("Format", "Connecting")
        case ConnectionPhase.LIVE:
            return translate("Format", "Live")
        case ConnectionPhase.RECONNECTING:
            return translate("Format", "Reconnecting")
        case ConnectionPhase.OFFLINE:
            return translate("Format", "Offline")
        case ConnectionPhase.AUTH_EXPIRED:
            return translate("Format", "Session expired")
        case ConnectionPhase.SIGNED_OUT:
            return translate("Format", "Signed out")
        case _:  # ConnectionPhase.ERROR
            return translate("Format", "Error")


def connection_text(translate: Translate, state: ConnectionState, now: float) -> str:
    """``Live`` / ``Reconnecting (attempt 4, next in 8 s)`` / ``Error: <what to do>``; ``now``
    monotonic. A parked connection says its problem in the admin's words; the technical
    ``reason`` (an exception's English text) stays in the log."""
    words = phase_words(translate, state.phase)
    if state.next_retry_at is not None and state.phase in (
        ConnectionPhase.RECONNECTING,
        ConnectionPhase.OFFLINE,
    ):
        wait = max(0, math.ceil(state.next_retry_at - now))
        return translate("Format", "{phase} (attempt {attempt}, next in {seconds} s)").format(
            phase=words, attempt=state.attempt, seconds=wait
        )
    if state.problem is not None:
        return translate("Format", "{phase}: {problem}").format(
            phase=words, problem=explain(state.problem, translate)
        )
    return words


def until(translate: Translate, end: datetime, now: datetime) -> str:
    """When something ends, as the admin reads it: ``until 14:30`` today, ``until tomorrow
    08:00``, else with the date (``until 2 Dec 08:00``); ``end`` and ``now`` in the admin's
    zone. An end two days away must not read like one this afternoon."""
    clock = f"{end:%H:%M}"
    match (end.date() - now.date()).days:
        case 0:
            return translate("Format", "until {time}").format(time=clock)
        case 1:
            return translate("Format", "until tomorrow {time}").format(time=clock)
        case _:
            return translate("Format", "until {date}").format(date=date_time(translate, end))


def tooltip(
    translate: Translate,
    unread: int,
    state: ConnectionState,
    now: float,
    dnd_until: str | None = None,
) -> str:
    """``LIA Admin — 3 unread — Live``, and ``— Do not disturb until 14:30`` while it is on
    (``dnd_until``: ``until``'s words, given only while it lies ahead)."""
    words = translate("Format", "LIA Admin — %n unread — {state}", None, unread).format(
        state=connection_text(translate, state, now)
    )
    if dnd_until is not None:
        words += translate("Format", " — Do not disturb {until}").format(until=dnd_until)
    return words


def badge_text(unread: int) -> str:
    """No badge at zero, digits 1-9, ``9+`` from ten on."""
    if unread <= 0:
        return ""
    return str(unread) if unread <= 9 else "9+"
