"""The stats window shows a snapshot's figures, a skeleton before it, and the connection."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from lia_desktop.core.models import (
    ConnectionPhase,
    ConnectionState,
    DashboardStats,
    PresenceActivity,
)
from lia_desktop.ui.app_state import AppState
from lia_desktop.ui.stats_window import (
    WIDE_MIN_WIDTH,
    CoreStatsFormat,
    StatsFormat,
    StatsWindow,
    connection_label,
)
from lia_desktop.ui.theme import GREEN, RED, TREND_DOWN, TREND_UP, YELLOW
from lia_desktop.ui.widgets import plain_tooltip

SNAPSHOT = DashboardStats(
    total_bookings=1042,
    pending_bookings=17,
    total_users=5310,
    total_revenue_cop=123_456_789,
    new_professionals_30d=23,
    bookings_24h=96,
    trends={
        "total_bookings": 12.5,
        "pending_bookings": 30.0,  # the server sends one; a pending count has no month base
        "total_revenue_cop": -4.0,
        "total_users": None,
    },
    bookings_per_hour=tuple(range(24)),
    updated_at=datetime(2026, 11, 24, 15, 4, 5, tzinfo=UTC),
)


@pytest.fixture
def window(qtbot: QtBot, stats_format: StatsFormat) -> StatsWindow:
    stats = StatsWindow(stats_format)
    qtbot.addWidget(stats)
    return stats


def test_skeleton_until_the_first_snapshot(window: StatsWindow) -> None:
    assert window.loading
    assert window.chart.currentIndex() == 0
    window.show_stats(SNAPSHOT)
    assert not window.loading
    assert window.chart.currentIndex() == 1


def test_cards_show_snapshot_values_and_trends(window: StatsWindow) -> None:
    window.show_stats(SNAPSHOT)
    cards = window.cards
    assert cards["total_bookings"].value.text() == "1,042"
    assert cards["pending_bookings"].value.text() == "17"
    assert cards["total_users"].value.text() == "5,310"
    assert cards["total_revenue_cop"].value.text() == "COP 123,456,789"
    assert cards["new_professionals_30d"].value.text() == "23"
    assert cards["total_bookings"].trend.text() == "+12.5% vs last month"
    assert TREND_UP in cards["total_bookings"].trend.styleSheet()
    assert TREND_DOWN in cards["total_revenue_cop"].trend.styleSheet()
    assert cards["pending_bookings"].trend.text() == "waiting for confirmation"
    assert TREND_UP not in cards["pending_bookings"].trend.styleSheet()
    assert cards["total_users"].trend.text() == "no change data"
    assert window.activity.bookings_24h.text() == "96"
    assert window.updated_label.text() == "Updated 15:04:05"


def test_chart_has_one_bar_per_hour(window: StatsWindow) -> None:
    window.show_stats(SNAPSHOT)
    assert [window.chart.bars.at(i) for i in range(24)] == [float(i) for i in range(24)]
    hours = window.chart.hours.categories()
    assert len(hours) == 24
    local_hour = SNAPSHOT.updated_at.astimezone().hour  # type: ignore[union-attr]
    assert hours[-1] == f"{local_hour:02d}"
    assert window.chart.counts.max() >= 23


def test_presence_fills_the_activity_panel(window: StatsWindow) -> None:
    window.show_presence(PresenceActivity(online_users=12, active_sessions=15))
    assert window.activity.online.text() == "12"
    assert window.activity.sessions.text() == "15"


@pytest.mark.parametrize(
    ("phase", "label", "color"),
    [
        (ConnectionPhase.LIVE, "Live", GREEN),
        (ConnectionPhase.RECONNECTING, "Connecting", YELLOW),
        (ConnectionPhase.OFFLINE, "Disconnected", RED),
    ],
)
def test_connection_indicator(
    window: StatsWindow, phase: ConnectionPhase, label: str, color: str
) -> None:
    window.show_connection(ConnectionState(phase, attempt=2, reason="network unreachable"))
    assert window.connection_text.text() == label
    assert window.connection_dot.color == color
    assert window.connection_text.toolTip() == plain_tooltip(f"{phase.value}: network unreachable")


def test_four_cards_across_when_wide_two_when_narrow(qtbot: QtBot, window: StatsWindow) -> None:
    window.resize(WIDE_MIN_WIDTH + 100, 640)
    window.show()
    qtbot.waitExposed(window)
    assert window.columns == 4
    position = window.grid.getItemPosition(
        window.grid.indexOf(window.cards["new_professionals_30d"])
    )
    assert position[:2] == (1, 0)
    window.resize(600, 800)
    assert window.columns == 2
    position = window.grid.getItemPosition(
        window.grid.indexOf(window.cards["new_professionals_30d"])
    )
    assert position[:2] == (2, 0)


def test_pulse_runs_only_while_visible(qtbot: QtBot, window: StatsWindow) -> None:
    assert not window.pulse.running
    window.show()
    qtbot.waitExposed(window)
    assert window.pulse.running
    window.hide()
    assert not window.pulse.running


def test_dark_mode_follows_the_system_palette(qapp: QApplication, window: StatsWindow) -> None:
    light = window.styleSheet()
    assert "#ffffff" in light
    original = qapp.palette()
    try:
        qapp.setPalette(QPalette(QColor("#262626")))
        qapp.processEvents()
        assert window.styleSheet() != light
        assert "#ffffff" not in window.styleSheet()
    finally:
        qapp.setPalette(original)


def test_core_format_gives_colombian_pesos(qtbot: QtBot) -> None:
    window = StatsWindow(CoreStatsFormat())
    qtbot.addWidget(window)
    window.show_stats(SNAPSHOT)
    assert window.cards["total_revenue_cop"].value.text() == "$ 123.456.789"
    assert window.cards["total_bookings"].trend.text() == "+12.5% vs last month"


def markers(window: StatsWindow) -> set[tuple[str, bool]]:
    return {(c.live_text.text(), c.live_dot.isVisibleTo(window)) for c in window.cards.values()}


def test_header_and_cards_tell_one_connection_state(
    qtbot: QtBot, stats_format: StatsFormat
) -> None:
    """A new window says Connecting, and no card claims to be Live meanwhile; bound to the
    app's state, header and cards follow that one state."""
    window = StatsWindow(stats_format)
    qtbot.addWidget(window)
    assert window.connection_text.text() == "Connecting"
    assert markers(window) == {("Not live", False)}
    state = AppState()
    window.bind(state)
    assert window.connection_text.text() == "Signed out"
    assert markers(window) == {("Not live", False)}
    for phase in ConnectionPhase:
        state.publish_connection(ConnectionState(phase))
        qtbot.waitUntil(
            lambda phase=phase: window.connection_text.text() == connection_label(phase)
        )
        live = phase is ConnectionPhase.LIVE
        assert markers(window) == {("Live" if live else "Not live", live)}


def test_cards_say_live_only_while_live_and_signed_out_shows_no_figure(
    window: StatsWindow,
) -> None:
    window.show_stats(SNAPSHOT)
    window.show_presence(PresenceActivity(online_users=3, active_sessions=4))
    window.show_connection(ConnectionState(ConnectionPhase.LIVE))
    card = window.cards["total_revenue_cop"]
    assert (card.live_text.text(), card.live_dot.isVisibleTo(window)) == ("Live", True)
    window.show_connection(ConnectionState(ConnectionPhase.RECONNECTING, attempt=1))
    assert (card.live_text.text(), card.live_dot.isVisibleTo(window)) == ("Not live", False)

    window.show_connection(ConnectionState(ConnectionPhase.SIGNED_OUT))
    window.clear()
    assert window.connection_text.text() == "Signed out"
    assert {c.value.text() for c in window.cards.values()} == {"—"}
    assert window.activity.online.text() == "–"
    assert window.updated_label.text() == ""
    assert sum(window.chart.bars.at(i) for i in range(24)) == 0
