"""With the Spanish catalog installed no window shows an English word: the tray (tooltip,
menu, the no-tray window), the notification center (rows as painted and as spoken), the
stats window, sign-in and settings (with their error messages), and the toasts core makes.

Every text a person or a screen reader meets is walked: labels, buttons, placeholders,
combo box items, tooltips, accessible names and descriptions, window titles, chart titles
and axes. "English" is decided by tests/english.py from the catalog itself, so a string
added to the code without a translation fails here. Data the admin typed (the URLs in the
line edits) and what customers wrote (names inside notification bodies) are not the app's
words and are not walked, or are Spanish in the fixtures.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, time, timedelta

import pytest
from PySide6.QtCharts import QChartView
from PySide6.QtCore import QCoreApplication, QLocale, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from lia_desktop.core import format as core_format
from lia_desktop.core.feed import NotificationFeed
from lia_desktop.core.models import (
    DashboardStats,
    Notification,
    NotificationType,
    Priority,
)
from lia_desktop.core.settings import Settings, form_errors, form_values
from lia_desktop.ui.app_state import AppState
from lia_desktop.ui.i18n import Translators
from lia_desktop.ui.notification_center import WHEN_ROLE, NotificationCenter
from lia_desktop.ui.settings_dialog import SettingsDialog
from lia_desktop.ui.sign_in import SignInDialog
from lia_desktop.ui.stats_window import CoreStatsFormat, StatsWindow
from lia_desktop.ui.tray_icon import TrayController
from tests.english import english_words
from tests.ui.conftest import live_state

NOW = datetime.now(UTC)
T = NotificationType


def notification(
    id_: int, kind: T, priority: Priority, metadata: dict[str, object], read: bool = False
) -> Notification:
    """A row as the triggers write it: English server text, the facts in metadata."""
    return Notification(
        id=id_,
        type=kind,
        priority=priority,
        title="Server title in English",
        body="Server body in English",
        entity_table="bookings",
        entity_id=str(id_),
        action_path=f"/admin/bookings/{id_}",
        created_at=NOW - timedelta(minutes=7 * id_),
        metadata=metadata,
        read=read,
    )


FEED = [
    notification(
        1,
        T.BOOKING_CREATED,
        Priority.MEDIUM,
        {
            "customer_name": "Ana Gómez",
            "professional_name": "Carlos Ruiz",
            "service": "Plumbing",
            "total_price_cop": 180000,
        },
    ),
    notification(
        2, T.DISPUTE_ESCALATED, Priority.URGENT, {"booking_id": 1042, "reason": "No llegó"}
    ),
    notification(
        3,
        T.PROFESSIONAL_APPLIED,
        Priority.MEDIUM,
        {
            "full_name": "María Torres",
            "specialty": "Electrician",
            "city": "Medellín",
            "status": "pending",
        },
        read=True,
    ),
    notification(
        40, T.REVIEW_CREATED, Priority.HIGH, {"booking_id": 7, "rating": 2, "subject": "Luis"}
    ),
    notification(300, T.USER_SIGNED_UP, Priority.LOW, {"full_name": "Luis Díaz", "city": "Cali"}),
]
STATS = DashboardStats(
    total_bookings=1234,
    pending_bookings=17,
    total_users=5310,
    total_revenue_cop=123_456_789,
    new_professionals_30d=23,
    bookings_24h=96,
    trends={"total_bookings": 5.5, "pending_bookings": -4.0, "total_users": None},
    bookings_per_hour=tuple(range(24)),
    updated_at=NOW,
)
SETTINGS = Settings(
    supabase_url="https://lia-marketplace.supabase.co",
    anon_key="eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiYW5vbiJ9.c2lnbmF0dXJl",
    web_admin_url="https://admin.lia.co",
    quiet_hours=(time(22, 0), time(7, 0)),
    language="es",
)


@pytest.fixture(autouse=True)
def spanish(qapp: QApplication) -> Iterator[None]:
    default = QLocale()
    translators = Translators(qapp)
    translators.use("es")
    yield
    translators.remove()
    QLocale.setDefault(default)


@pytest.fixture
def state() -> AppState:
    return live_state(FEED, 4, STATS)


def widget_texts(window: QWidget) -> Iterator[tuple[str, str]]:
    """(where, text) for everything the window and its children show or say."""
    for widget in [window, *window.findChildren(QWidget)]:
        if not widget.isVisibleTo(window) and widget is not window:
            continue
        where = f"{type(widget).__name__}#{widget.objectName()}"
        yield where, widget.windowTitle() if widget.isWindow() else ""
        yield f"{where} tooltip", widget.toolTip()
        yield f"{where} name", widget.accessibleName()
        yield f"{where} description", widget.accessibleDescription()
        if isinstance(widget, QLabel | QAbstractButton):
            yield f"{where} text", widget.text()
        if isinstance(widget, QLineEdit):  # its text is the admin's data
            yield f"{where} placeholder", widget.placeholderText()
        if isinstance(widget, QComboBox):
            for i in range(widget.count()):
                yield f"{where} item {i}", widget.itemText(i)
        if isinstance(widget, QChartView):
            chart = widget.chart()
            yield f"{where} chart", chart.title()
            for axis in chart.axes():
                yield f"{where} axis", axis.titleText()


def english_in(texts: Iterator[tuple[str, str]]) -> dict[str, str]:
    return {where: text for where, text in texts if text and english_words(text)}


def shown(qtbot: QtBot, window: QWidget) -> QWidget:
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def center(state: AppState) -> QWidget:
    window = NotificationCenter(
        lambda at: core_format.relative_time(QCoreApplication.translate, at, NOW)
    )
    window.bind(state)
    return window


def stats(state: AppState) -> QWidget:
    window = StatsWindow(CoreStatsFormat())
    window.bind(state)
    return window


def sign_in(state: AppState) -> QWidget:
    return SignInDialog(SETTINGS.supabase_url, SETTINGS.anon_key)


def settings(state: AppState) -> QWidget:
    dialog = SettingsDialog(
        form_values(SETTINGS), lambda values: form_errors(values, QCoreApplication.translate)
    )
    # every error row filled: Save with what the schema refuses
    dialog.supabase_url.setText("lia")
    dialog.anon_key.setText("not-a-key")
    dialog.web_admin_url.setText("admin")
    dialog.save_button.click()
    return dialog


WINDOWS: dict[str, Callable[[AppState], QWidget]] = {
    "notification center": center,
    "stats": stats,
    "sign-in": sign_in,
    "settings": settings,
}


@pytest.mark.parametrize("name", list(WINDOWS))
def test_no_window_shows_english(qtbot: QtBot, state: AppState, name: str) -> None:
    window = shown(qtbot, WINDOWS[name](state))
    texts = list(widget_texts(window))
    assert len([text for _, text in texts if text]) > 5  # the walk saw the window's words
    assert english_in(iter(texts)) == {}


def test_the_notification_rows_are_spanish_as_painted_and_as_spoken(
    qtbot: QtBot, state: AppState
) -> None:
    window = shown(qtbot, center(state))
    assert isinstance(window, NotificationCenter)
    model = window.model
    roles = (
        Qt.ItemDataRole.DisplayRole,
        WHEN_ROLE,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.AccessibleTextRole,
        Qt.ItemDataRole.AccessibleDescriptionRole,
    )
    rows = [
        str(model.data(model.index(row, 0, QModelIndex()), role))
        for row in range(model.rowCount())
        for role in roles
    ]
    assert "Nueva reserva" in rows
    assert "Ana Gómez reservó Plomería con Carlos Ruiz · $ 180.000" in rows
    assert {text: english_words(text) for text in rows if english_words(text)} == {}


def test_the_tray_menu_tooltip_and_no_tray_window_are_spanish(
    qtbot: QtBot, state: AppState
) -> None:
    controller = TrayController(tray_available=lambda: False, dark_panel=False)
    controller.bind(state, lambda: 0.0)
    controller.show()
    try:
        assert controller.fallback is not None
        fallback = shown(qtbot, controller.fallback)
        menu = [(f"menu {a.text()}", a.text()) for a in controller.menu.actions()]
        tips = [("tooltip", controller.tray.toolTip())]
        assert controller.tray.toolTip().startswith("LIA Admin — 4 sin leer — En vivo")
        assert english_in(iter([*menu, *tips, *widget_texts(fallback)])) == {}
    finally:
        controller.dispose()


@pytest.mark.parametrize(
    "item",
    [
        FEED[1],
        notification(41, T.BOOKING_CREATED, Priority.MEDIUM, FEED[0].metadata),
        notification(42, T.REVIEW_CREATED, Priority.HIGH, FEED[3].metadata),
    ],
)
def test_toasts_and_their_buttons_are_spanish(item: Notification) -> None:
    feed = NotificationFeed(
        web_admin_url="https://admin.lia.co",
        cursor=item.id - 1,
        translate=QCoreApplication.translate,
    )
    (toast,) = feed.receive_live(item, NOW).toasts
    words = [toast.title, toast.body, toast.click.label, *(b.label for b in toast.buttons)]
    assert len(toast.buttons) >= 2
    assert {text: english_words(text) for text in words if english_words(text)} == {}
