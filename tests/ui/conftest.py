"""UI test hygiene: a test fails if it leaks a top-level widget or an active QTimer.

Qt warnings already fail tests (``qt_log_level_fail = WARNING`` in pyproject).
The timer check follows napari's conftest: wrap ``QTimer.start`` and
``QTimer.singleShot`` for the duration of a test and look at what is still
pending afterwards, because a forgotten timer keeps firing into dead widgets.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QTimer
from PySide6.QtWidgets import QApplication

from lia_desktop.core.models import (
    ConnectionPhase,
    ConnectionState,
    DashboardStats,
    Notification,
    PresenceActivity,
)
from lia_desktop.ui.app_state import AppState

#: The offscreen platform plugin says this whenever a window is shown; it is not our bug.
OFFSCREEN_NOISE = r"This plugin does not support propagateSizeHints\(\)"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/ui/" in item.nodeid:
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


def _flush_deletes() -> None:
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()


@pytest.fixture(autouse=True)
def _fail_on_leaked_widgets(qapp: QApplication) -> Iterator[None]:
    before = set(qapp.topLevelWidgets())
    yield
    _flush_deletes()  # pytest-qt closed the qtbot widgets before fixture teardown
    leaked = [w for w in qapp.topLevelWidgets() if w not in before]
    for widget in leaked:
        widget.close()
        widget.deleteLater()
    _flush_deletes()
    if leaked:
        pytest.fail(f"leaked top-level widgets: {[type(w).__name__ for w in leaked]}")


@pytest.fixture(autouse=True)
def _fail_on_active_timers(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    started: list[QTimer] = []
    pending_single_shots: list[object] = []
    original_start = QTimer.start
    original_single_shot = QTimer.singleShot

    def start(self: QTimer, *args: Any) -> None:
        started.append(self)
        original_start(self, *args)

    def single_shot(msec: int, *args: Any) -> None:
        *receiver, callback = args
        token = object()
        pending_single_shots.append(token)

        def fire() -> None:
            pending_single_shots.remove(token)
            callback()

        if receiver:  # singleShot(msec, context, functor): keep the context's lifetime rule
            original_single_shot(msec, receiver[0], fire)
        else:
            original_single_shot(msec, fire)

    monkeypatch.setattr(QTimer, "start", start)
    monkeypatch.setattr(QTimer, "singleShot", staticmethod(single_shot))
    yield
    QCoreApplication.processEvents()
    active = []
    for timer in started:
        try:
            if timer.isActive():
                active.append(timer)
                timer.stop()
        except RuntimeError:  # already deleted with its owner: that is the good case
            continue
    if active or pending_single_shots:
        pytest.fail(
            f"{len(active)} QTimer(s) still active and {len(pending_single_shots)} "
            "single-shot timer(s) pending after the test"
        )


class PlainStatsFormat:
    """Stands in for core.format: plain, predictable copy so tests pin layout."""

    def count(self, value: int) -> str:
        return f"{value:,}"

    def cop(self, value: int) -> str:
        return f"COP {value:,}"

    def trend(self, percent: float | None) -> str:
        return "no change data" if percent is None else f"{percent:+.1f}% vs last month"

    def connection_detail(self, state: ConnectionState) -> str:
        return f"{state.phase.value}: {state.reason}" if state.reason else state.phase.value

    def updated(self, at: datetime) -> str:
        return f"Updated {at:%H:%M:%S}"


@pytest.fixture
def stats_format() -> PlainStatsFormat:
    return PlainStatsFormat()


def live_state(feed: Sequence[Notification], unread: int, stats: DashboardStats) -> AppState:
    """An admin signed in and live: ``feed`` with ``unread`` of it unread, figures, presence."""
    app_state = AppState()
    app_state.signed_in_as("admin@lia.co")
    app_state.publish_connection(ConnectionState(ConnectionPhase.LIVE))
    app_state.publish_feed(feed, unread=unread)
    app_state.publish_stats(stats)
    app_state.publish_presence(PresenceActivity(online_users=12, active_sessions=15))
    return app_state
