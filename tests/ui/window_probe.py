"""Opens every window of the app the way the app does (``place_window``), full of content
(a long feed, every figure, an error under every field), and prints where each one ended
up, as JSON, for tests that run it under a scale factor on a given screen.

Run as ``python -m tests.ui.window_probe <windows-dir>``: QT_SCALE_FACTOR and the platform
(offscreen with a screen of a chosen size, or the desktop harness's X server) come from the
environment, which is why this is a process of its own.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QRect
from PySide6.QtWidgets import QApplication, QWidget

from lia_desktop.core import settings as settings_schema
from lia_desktop.core.models import (
    ConnectionPhase,
    ConnectionState,
    DashboardStats,
    Notification,
    NotificationType,
    PresenceActivity,
    Priority,
)
from lia_desktop.core.settings import Settings
from lia_desktop.services.window_store import WindowStore
from lia_desktop.ui.app_state import AppState
from lia_desktop.ui.notification_center import NotificationCenter
from lia_desktop.ui.settings_dialog import SettingsDialog
from lia_desktop.ui.sign_in import SignInDialog
from lia_desktop.ui.stats_window import CoreStatsFormat, StatsWindow
from lia_desktop.ui.window_fit import place_window

NOW = datetime(2026, 11, 30, 14, 32, tzinfo=UTC)
LONG_ERROR = (
    "The server did not answer at this address. Check the project URL in the Supabase "
    "dashboard under Project Settings, API, and that this computer is online."
)


def _feed() -> list[Notification]:
    kinds = list(NotificationType)
    return [
        Notification(
            id=n,
            type=kinds[n % len(kinds)],
            priority=Priority(n % 4),
            title=f"New booking #{1000 + n} for Plumbing in Medellín",
            body="María Torres booked Carlos Ruiz for tomorrow 09:00 · $ 180.000",
            entity_table="bookings",
            entity_id=str(n),
            action_path=f"/admin/bookings/{n}",
            created_at=NOW - timedelta(minutes=n),
            read=n % 3 == 0,
        )
        for n in range(1, 60)
    ]


def _state() -> AppState:
    state = AppState()
    state.signed_in_as("admin@lia.test")
    state.publish_feed(_feed(), 40)
    state.publish_presence(PresenceActivity(online_users=1234, active_sessions=1502))
    state.publish_stats(
        DashboardStats(
            total_bookings=1_234_567,
            pending_bookings=4_321,
            total_users=98_765,
            total_revenue_cop=9_876_543_210,
            new_professionals_30d=321,
            bookings_24h=4_800,
            trends={"total_bookings": 12.5, "pending_bookings": -4.0},
            bookings_per_hour=tuple(range(100, 340, 10)),
            updated_at=NOW,
        )
    )
    state.publish_connection(
        ConnectionState(ConnectionPhase.RECONNECTING, attempt=12, next_retry_at=0.0)
    )
    return state


def _windows(state: AppState) -> dict[str, QWidget]:
    stats = StatsWindow(CoreStatsFormat())
    stats.bind(state)
    center = NotificationCenter(lambda then: "12 min ago")
    center.bind(state)
    sign_in = SignInDialog("https://your-project.supabase.co", "")
    sign_in.form.set_errors({key: LONG_ERROR for key in sign_in.form.fields})
    settings = Settings("https://your-project.supabase.co", "key", "https://admin.lia.co")
    dialog = SettingsDialog(
        settings_schema.form_values(settings),
        lambda values: settings_schema.form_errors(values, QCoreApplication.translate),
    )
    dialog.show_errors({key: LONG_ERROR for key in dialog.form.fields})
    return {"stats": stats, "notifications": center, "sign_in": sign_in, "settings": dialog}


def _rect(rect: QRect) -> list[int]:
    return [rect.x(), rect.y(), rect.width(), rect.height()]


def main(windows_dir: Path) -> None:
    app = QApplication(sys.argv[:1])
    state = _state()
    store = WindowStore(windows_dir / "windows.json")
    report = {}
    for name, window in _windows(state).items():
        place_window(window, name, store)
        window.show()
        for _ in range(5):  # let layouts settle (GrowsWithText, wrapped labels)
            app.processEvents()
        report[name] = {
            "frame": _rect(window.frameGeometry()),
            "available": _rect(window.screen().availableGeometry()),
            "minimum": [window.minimumSizeHint().width(), window.minimumSizeHint().height()],
            "scale": window.devicePixelRatioF(),
        }
        window.close()
    state.dispose()
    print(json.dumps(report))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
