"""Offline for over a minute: the tray says so once (not on every retry, not during do not
disturb), the stats header shows since when; back live, both are quiet again."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from pytestqt.qtbot import QtBot

from lia_desktop.core.attention import ToastRules
from lia_desktop.core.i18n import english
from lia_desktop.core.models import ConnectionPhase, ConnectionState, Priority, ToastUrgency
from lia_desktop.core.outage import Outage, notice
from lia_desktop.ui.app_state import AppState
from lia_desktop.ui.stats_window import StatsFormat, StatsWindow
from lia_desktop.ui.tray_icon import TrayController

#: The notice delay for these tests (a minute in the app).
AFTER_MS = 150
AFTER = timedelta(milliseconds=AFTER_MS)
LIVE = ConnectionState(ConnectionPhase.LIVE)


def reconnecting(attempt: int) -> ConnectionState:
    return ConnectionState(
        ConnectionPhase.RECONNECTING, attempt=attempt, next_retry_at=time.monotonic() + 60
    )


@pytest.fixture
def state() -> Iterator[AppState]:
    app_state = AppState(outage_notice_after=AFTER)
    app_state.signed_in_as("admin@lia.test")
    yield app_state
    app_state.dispose()


@pytest.fixture
def said(state: AppState) -> Iterator[tuple[TrayController, list[str]]]:
    """A tray bound to the state, with the toasts it asks for collected as "title: body"."""
    tray = TrayController(tray_available=lambda: True, dark_panel=False)
    messages: list[str] = []
    state.toast_requested.connect(lambda toast: messages.append(f"{toast.title}: {toast.body}"))
    yield tray, messages
    tray.dispose()


def test_an_outage_is_announced_once_however_many_retries(
    qtbot: QtBot, state: AppState, said: tuple[TrayController, list[str]]
) -> None:
    tray, messages = said
    tray.bind(state, time.monotonic)
    announced: list[Outage] = []
    state.outage_announced.connect(announced.append)
    state.publish_connection(LIVE)
    started = datetime.now(UTC)
    state.publish_connection(reconnecting(1))
    since = state.outage.since
    assert since is not None
    assert since >= started
    for attempt in range(2, 6):  # retries within the outage keep its start
        state.publish_connection(ConnectionState(ConnectionPhase.CONNECTING, attempt=attempt))
        state.publish_connection(reconnecting(attempt))
    assert state.outage.since == since
    assert messages == []
    qtbot.waitUntil(lambda: len(messages) == 1, timeout=3000)
    assert messages[0].startswith("LIA Admin is not connected: ")
    assert f"Not live since {since.astimezone():%H:%M}" in messages[0]
    assert announced == [Outage(since=since, announced=True)]
    state.publish_connection(reconnecting(7))
    qtbot.wait(3 * AFTER_MS)
    assert len(messages) == 1  # once per outage
    state.publish_connection(LIVE)  # back: nothing said, the outage is over
    assert state.outage == Outage()
    assert len(messages) == 1


def test_a_short_drop_says_nothing(
    qtbot: QtBot, state: AppState, said: tuple[TrayController, list[str]]
) -> None:
    tray, messages = said
    tray.bind(state, time.monotonic)
    state.publish_connection(reconnecting(1))
    state.publish_connection(LIVE)
    qtbot.wait(3 * AFTER_MS)
    assert messages == []
    assert state.outage == Outage()


def test_the_notice_is_a_medium_toast_that_do_not_disturb_and_quiet_hours_hold() -> None:
    now = datetime.now().astimezone()
    toast = notice(english, now - timedelta(minutes=2), now)
    assert (toast.priority, toast.urgency, toast.sound) == (
        Priority.MEDIUM,
        ToastUrgency.NORMAL,
        False,
    )
    assert toast.notification_ids == ()
    assert not ToastRules(dnd_until=now + timedelta(hours=1)).may_interrupt(toast.priority, now)
    quiet = ToastRules(
        quiet_start=(now - timedelta(hours=1)).time(), quiet_end=(now + timedelta(hours=1)).time()
    )
    assert not quiet.may_interrupt(toast.priority, now)


def test_signing_out_ends_the_outage_without_a_word(
    qtbot: QtBot, state: AppState, said: tuple[TrayController, list[str]]
) -> None:
    tray, messages = said
    tray.bind(state, time.monotonic)
    state.publish_connection(reconnecting(1))
    state.sign_out()
    qtbot.wait(3 * AFTER_MS)
    assert messages == []
    assert state.outage == Outage()


@pytest.fixture
def stats(qtbot: QtBot, stats_format: StatsFormat) -> Iterator[StatsWindow]:
    """Held until the test ends (qtbot holds it weakly), then closed."""
    window = StatsWindow(stats_format)
    qtbot.addWidget(window)
    yield window
    window.close()


def test_the_stats_header_shows_since_when_once_announced(
    qtbot: QtBot, state: AppState, stats: StatsWindow
) -> None:
    window = stats
    window.bind(state)
    window.show()
    state.publish_connection(reconnecting(1))
    assert window.outage_label.isHidden()  # a reconnect is routine; the dot shows it
    qtbot.waitUntil(lambda: window.outage_label.isVisible(), timeout=3000)
    since = state.outage.since.astimezone()  # type: ignore[union-attr]
    assert window.outage_label.text() == f"Not live since {since:%H:%M}"
    state.publish_connection(LIVE)
    assert window.outage_label.isHidden()


def test_a_stats_window_opened_during_an_announced_outage_shows_it(
    qtbot: QtBot, state: AppState, stats: StatsWindow
) -> None:
    state.publish_connection(ConnectionState(ConnectionPhase.ERROR, reason="server said no"))
    qtbot.waitUntil(lambda: state.outage.announced, timeout=3000)
    window = stats
    window.bind(state)
    assert not window.outage_label.isHidden()
    assert window.outage_label.text().startswith("Not live since ")
