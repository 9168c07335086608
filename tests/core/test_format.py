"""Display text decided in core: money, trends, relative times, tooltip and badge."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lia_desktop.core.format import badge_text, cop, relative_time, tooltip, trend
from lia_desktop.core.models import ConnectionPhase as P
from lia_desktop.core.models import ConnectionState


@pytest.mark.parametrize(
    ("amount", "text"),
    [(0, "$ 0"), (180000, "$ 180.000"), (1234567, "$ 1.234.567"), (-950, "-$ 950")],
)
def test_cop_uses_the_es_co_convention(amount: int, text: str) -> None:
    assert cop(amount) == text


def test_trends() -> None:
    assert trend(12.5) == "+12.5% vs last month"
    assert trend(-3) == "-3.0% vs last month"
    assert trend(None, "previous 24 h") == "new vs previous 24 h"
    assert trend(float("inf")) == "new vs last month"


@pytest.mark.parametrize(
    ("ago", "text"),
    [
        (timedelta(seconds=30), "just now"),
        (timedelta(minutes=5), "5 min ago"),
        (timedelta(hours=3), "3 h ago"),
        (timedelta(hours=30), "yesterday"),
        (timedelta(days=4), "4 d ago"),
    ],
)
def test_relative_times(ago: timedelta, text: str) -> None:
    now = datetime(2026, 3, 2, tzinfo=UTC)
    assert relative_time(now - ago, now) == text


def test_tooltips_say_the_state_in_words() -> None:
    assert tooltip(3, ConnectionState(P.LIVE), 0) == "LIA Admin — 3 unread — Live"
    waiting = ConnectionState(P.RECONNECTING, attempt=4, next_retry_at=107.2, reason="x")
    assert (
        tooltip(0, waiting, 100) == "LIA Admin — 0 unread — Reconnecting (attempt 4, next in 8 s)"
    )
    assert tooltip(0, waiting, 200).endswith("next in 0 s)")
    assert tooltip(1, ConnectionState(P.ERROR, reason="not an admin"), 0).endswith(
        "Error: not an admin"
    )
    assert tooltip(1, ConnectionState(P.SIGNED_OUT), 0).endswith("Signed out")


@pytest.mark.parametrize(("n", "text"), [(0, ""), (1, "1"), (9, "9"), (10, "9+"), (250, "9+")])
def test_badge(n: int, text: str) -> None:
    assert badge_text(n) == text


def test_the_tooltip_says_until_when_do_not_disturb_is_on() -> None:
    live = ConnectionState(P.LIVE)
    until = datetime(2026, 11, 30, 14, 30, tzinfo=UTC)
    assert tooltip(3, live, 0, until) == "LIA Admin — 3 unread — Live — Do not disturb until 14:30"
    assert tooltip(3, live, 0) == "LIA Admin — 3 unread — Live"
