"""Display text decided in core: money, trends, relative times, dates, tooltip and badge.

The words go through ``translate``: ``english`` gives the source text; ``spanish`` below is
a stand-in catalog (a few entries of lia_desktop_es.ts) that shows the functions ask for
every word and number separator, so a language changes all of them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from lia_desktop.core.format import (
    MARKETPLACE_TZ,
    badge_text,
    connection_text,
    cop,
    date_time,
    month_abbreviation,
    relative_time,
    tooltip,
    trend,
)
from lia_desktop.core.format import until as format_until
from lia_desktop.core.i18n import english
from lia_desktop.core.models import ConnectionPhase as P
from lia_desktop.core.models import ConnectionState
from lia_desktop.core.problems import Problem

SPANISH = {
    ".": ",",
    "{percent}% vs last month": "{percent} % frente al mes anterior",
    "{percent}% vs previous 24 h": "{percent} % frente a las 24 h anteriores",
    "new vs last month": "sin datos del mes anterior",
    "just now": "hace un momento",
    "%n min ago": "hace %n min",
    "yesterday": "ayer",
    "Nov": "nov",
    "Live": "En vivo",
    "Reconnecting": "Reconectando",
    "{phase} (attempt {attempt}, next in {seconds} s)": (
        "{phase} (intento {attempt}, siguiente en {seconds} s)"
    ),
    "LIA Admin — %n unread — {state}": "LIA Admin — %n sin leer — {state}",
    " — Do not disturb {until}": " — No molestar {until}",
    "until {time}": "hasta las {time}",
    "until tomorrow {time}": "hasta mañana a las {time}",
    "until {date}": "hasta el {date}",
    "Dec": "dic",
}


def spanish(context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str:
    words = SPANISH.get(source, source)
    return words.replace("%n", str(n)) if n >= 0 else words


@pytest.mark.parametrize(
    ("amount", "text"),
    [(0, "$ 0"), (180000, "$ 180.000"), (1234567, "$ 1.234.567"), (-950, "-$ 950")],
)
def test_cop_uses_the_es_co_convention(amount: int, text: str) -> None:
    assert cop(amount) == text


def test_trends() -> None:
    assert trend(english, 12.5) == "+12.5% vs last month"
    assert trend(english, -3) == "-3.0% vs last month"
    assert trend(english, None, "day") == "new vs previous 24 h"
    assert trend(english, 40, "day") == "+40.0% vs previous 24 h"
    assert trend(english, float("inf")) == "new vs last month"


def test_trends_in_spanish_use_a_decimal_comma() -> None:
    assert trend(spanish, 12.5) == "+12,5 % frente al mes anterior"
    assert trend(spanish, -3, "day") == "-3,0 % frente a las 24 h anteriores"
    assert trend(spanish, None) == "sin datos del mes anterior"


@pytest.mark.parametrize(
    ("ago", "text"),
    [
        (timedelta(seconds=30), "just now"),
        (timedelta(minutes=1), "1 min ago"),
        (timedelta(minutes=5), "5 min ago"),
        (timedelta(hours=1), "1 h ago"),
        (timedelta(hours=3), "3 h ago"),
        (timedelta(hours=30), "yesterday"),
        (timedelta(days=4), "4 d ago"),
        (timedelta(days=6, hours=23), "6 d ago"),
        (timedelta(days=7), "23 Feb"),
    ],
)
def test_relative_times(ago: timedelta, text: str) -> None:
    now = datetime(2026, 3, 2, tzinfo=UTC)
    assert relative_time(english, now - ago, now) == text


def test_relative_times_in_spanish() -> None:
    now = datetime(2026, 11, 30, 12, tzinfo=UTC)
    assert relative_time(spanish, now - timedelta(seconds=5), now) == "hace un momento"
    assert relative_time(spanish, now - timedelta(minutes=5), now) == "hace 5 min"
    assert relative_time(spanish, now - timedelta(hours=26), now) == "ayer"
    assert relative_time(spanish, now - timedelta(days=8), now) == "22 nov"


def test_an_old_date_is_the_day_in_the_readers_time_zone() -> None:
    """23:30 UTC on the 22nd is still the 22nd in Bogotá and already the 23rd at UTC+1."""
    then = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)
    now = datetime(2026, 11, 30, 12, tzinfo=UTC)
    assert relative_time(english, then, now.astimezone(MARKETPLACE_TZ)) == "22 Nov"
    plus_one = timezone(timedelta(hours=1))
    assert relative_time(english, then, now.astimezone(plus_one)) == "23 Nov"


def test_dates_follow_the_language() -> None:
    at = datetime(2026, 11, 30, 12, 0, tzinfo=MARKETPLACE_TZ)
    assert date_time(english, at) == "30 Nov 12:00"
    assert date_time(spanish, at) == "30 nov 12:00"
    assert [month_abbreviation(english, m) for m in range(1, 13)] == [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]  # fmt: skip


def test_tooltips_say_the_state_in_words() -> None:
    assert tooltip(english, 3, ConnectionState(P.LIVE), 0) == "LIA Admin — 3 unread — Live"
    waiting = ConnectionState(P.RECONNECTING, attempt=4, next_retry_at=107.2, reason="x")
    assert (
        tooltip(english, 0, waiting, 100)
        == "LIA Admin — 0 unread — Reconnecting (attempt 4, next in 8 s)"
    )
    assert tooltip(english, 0, waiting, 200).endswith("next in 0 s)")
    not_admin = ConnectionState(P.ERROR, reason="NotAdmin: 403", problem=Problem.NOT_ADMIN)
    assert tooltip(english, 1, not_admin, 0).endswith(
        "Error: This account is not a LIA administrator. Sign in with an admin account, or ask"
        " an administrator to give this one the admin role."
    )
    assert tooltip(english, 1, ConnectionState(P.SIGNED_OUT), 0).endswith("Signed out")


def test_tooltips_in_spanish() -> None:
    waiting = ConnectionState(P.RECONNECTING, attempt=4, next_retry_at=107.2)
    assert (
        tooltip(spanish, 2, waiting, 100)
        == "LIA Admin — 2 sin leer — Reconectando (intento 4, siguiente en 8 s)"
    )
    until = format_until(spanish, datetime(2026, 11, 30, 14, 30), datetime(2026, 11, 30, 9))
    assert (
        tooltip(spanish, 3, ConnectionState(P.LIVE), 0, until)
        == "LIA Admin — 3 sin leer — En vivo — No molestar hasta las 14:30"
    )


@pytest.mark.parametrize(
    ("phase", "words"),
    [
        (P.CONNECTING, "Connecting"),
        (P.LIVE, "Live"),
        (P.RECONNECTING, "Reconnecting"),
        (P.OFFLINE, "Offline"),
        (P.AUTH_EXPIRED, "Session expired"),
        (P.SIGNED_OUT, "Signed out"),
        (P.ERROR, "Error"),
    ],
)
def test_every_phase_has_its_words(phase: P, words: str) -> None:
    assert connection_text(english, ConnectionState(phase), 0) == words


def test_a_parked_connection_says_its_problem_and_keeps_the_technical_reason_for_the_log() -> None:
    state = ConnectionState(
        P.AUTH_EXPIRED, reason="refresh_token_not_found", problem=Problem.SESSION_ENDED
    )
    assert connection_text(english, state, 0) == (
        "Session expired: Your session has ended. Please sign in again."
    )
    spanish = {
        "Session expired": "Sesión vencida",
        "Your session has ended. Please sign in again.": "Tu sesión terminó. Vuelve a iniciar sesión.",
    }
    words = connection_text(lambda _c, s, _d=None, _n=-1: spanish.get(s, s), state, 0)
    assert words == "Sesión vencida: Tu sesión terminó. Vuelve a iniciar sesión."
    assert "refresh_token" not in words


@pytest.mark.parametrize(("n", "text"), [(0, ""), (1, "1"), (9, "9"), (10, "9+"), (250, "9+")])
def test_badge(n: int, text: str) -> None:
    assert badge_text(n) == text


def test_the_tooltip_says_until_when_do_not_disturb_is_on() -> None:
    live = ConnectionState(P.LIVE)
    until = format_until(english, datetime(2026, 11, 30, 14, 30), datetime(2026, 11, 30, 9))
    assert (
        tooltip(english, 3, live, 0, until)
        == "LIA Admin — 3 unread — Live — Do not disturb until 14:30"
    )
    assert tooltip(english, 3, live, 0) == "LIA Admin — 3 unread — Live"


@pytest.mark.parametrize(
    ("end", "english_words", "spanish_words"),
    [
        (datetime(2026, 11, 30, 23, 0), "until 23:00", "hasta las 23:00"),
        (datetime(2026, 12, 1, 8, 0), "until tomorrow 08:00", "hasta mañana a las 08:00"),
        (datetime(2026, 12, 2, 8, 0), "until 2 Dec 08:00", "hasta el 2 dic 08:00"),
    ],
)
def test_an_end_on_another_day_names_the_day(
    end: datetime, english_words: str, spanish_words: str
) -> None:
    now = datetime(2026, 11, 30, 0, 30)
    assert format_until(english, end, now) == english_words
    assert format_until(spanish, end, now) == spanish_words
