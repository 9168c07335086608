"""Customer text never renders as markup: labels, tooltips, toasts (core.text, ui.widgets)."""

from __future__ import annotations

import resource
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from desktop_notifier import DesktopNotifier
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel, QSystemTrayIcon, QToolTip, QWidget
from pytestqt.qtbot import QtBot

from lia_desktop.core import wire
from lia_desktop.core.models import (
    ConnectionPhase,
    ConnectionState,
    Notification,
    Priority,
    Toast,
    ToastAction,
    ToastButton,
    ToastUrgency,
)
from lia_desktop.core.problems import Problem
from lia_desktop.ui.notification_center import NotificationCenter
from lia_desktop.ui.settings_dialog import SettingsDialog
from lia_desktop.ui.sign_in import SignInDialog
from lia_desktop.ui.stats_window import CoreStatsFormat, StatsWindow
from lia_desktop.ui.toasts import NativeToasts, TrayBalloonToasts, daemon_text
from lia_desktop.ui.tray_icon import TrayController
from lia_desktop.ui.widgets import Label, plain_tooltip

IMAGE = '<img src="file:///dev/zero" width=10 height=10>'
HOSTILE_BODY = (
    '<b style="color:red;font-size:40px">SECURITY ALERT</b><table><tr><td>cell</td></tr></table>'
    + IMAGE
    + " <a href=https://evil.example>admin.lia.co/login</a> & more"
)


def hostile_notification(body: str = HOSTILE_BODY) -> Notification:
    return wire.parse_notification(
        {
            "id": 1,
            "type": "review_created",
            "priority": "high",
            "title": "Low rating",
            "body": body,
            "entity_table": "reviews",
            "entity_id": "1",
            "action_path": "/admin/reviews/1",
            "created_at": datetime(2026, 11, 30, 12, 0, tzinfo=UTC).isoformat(),
        }
    )


def rendered(rich: str) -> str:
    """What Qt's rich-text engine (which tooltips use) shows for ``rich``."""
    document = QTextDocument()
    document.setHtml(rich)
    return document.toPlainText()


def test_plain_tooltips_render_exactly_the_characters_given() -> None:
    assert rendered(plain_tooltip(HOSTILE_BODY)) == HOSTILE_BODY
    assert rendered(plain_tooltip("two\nlines")) == "two\nlines"
    assert plain_tooltip("") == ""


def test_a_label_never_guesses_rich_text(qtbot: QtBot) -> None:
    label = Label(HOSTILE_BODY)
    qtbot.addWidget(label)
    assert label.textFormat() is Qt.TextFormat.PlainText
    assert label.text() == HOSTILE_BODY


@pytest.mark.qt_log_ignore(r"This plugin does not support (raise|propagateSizeHints)\(\)")
def test_the_center_row_tooltip_shows_the_body_as_text_and_loads_nothing(qtbot: QtBot) -> None:
    center = NotificationCenter(relative_time=lambda at: f"{at:%H:%M}")
    qtbot.addWidget(center)
    item = hostile_notification()
    center.set_notifications([item])
    tip = center.filter.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert rendered(tip) == item.body
    assert "<img" not in tip
    center.show()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    QToolTip.showText(QPoint(10, 10), tip, center.list)  # what hovering the row does
    qtbot.wait(300)
    QToolTip.hideText()
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kb < 50_000  # file:///dev/zero as an image grew the GUI by GBs


@pytest.fixture
def windows(qtbot: QtBot) -> Iterator[list[QWidget]]:
    """Every window of the app, each showing hostile text where it shows server text."""
    center = NotificationCenter(relative_time=lambda at: "now")
    center.set_notifications([hostile_notification()])
    stats = StatsWindow(CoreStatsFormat())
    # the technical reason is for the log; the tooltip says the problem in the admin's words
    stats.show_connection(
        ConnectionState(ConnectionPhase.ERROR, reason=HOSTILE_BODY, problem=Problem.NOT_ADMIN)
    )
    sign_in = SignInDialog(url="http://127.0.0.1:1", anon_key="anon")
    settings = SettingsDialog(
        {"supabase_url": "http://x", "anon_key": "k", "web_admin_url": "http://y"},
        lambda values: {},
    )
    for widget in (center, stats, sign_in, settings):
        qtbot.addWidget(widget)
    tray = TrayController(tray_available=lambda: False, dark_panel=False)
    try:
        tray.show()
        tray.update_state(badge="1", tooltip=HOSTILE_BODY, phase=ConnectionPhase.LIVE)
        assert tray.fallback is not None
        yield [center, stats, sign_in, settings, tray.fallback]
    finally:
        tray.dispose()


def test_every_label_of_every_window_is_plain_text(windows: list[QWidget]) -> None:
    labels = [label for w in windows for label in w.findChildren(QLabel)]
    assert len(labels) > 20
    assert [
        label.objectName() or label.text()
        for label in labels
        if label.textFormat() is not Qt.TextFormat.PlainText
    ] == []


def test_every_tooltip_of_every_window_renders_as_written(windows: list[QWidget]) -> None:
    tips = [
        widget.toolTip()
        for window in windows
        for widget in [window, *window.findChildren(QWidget)]
        if widget.toolTip()
    ]
    assert tips  # the stats window's connection detail at least
    for tip in tips:
        assert "<img" not in tip
        shown = rendered(tip)
        # The customer's characters, not bold text and a table; the app's own tips as written.
        assert shown.endswith(HOSTILE_BODY) or tip in (shown, plain_tooltip(shown))


def toast(body: str) -> Toast:
    view = ToastButton(
        "View review", ToastAction.OPEN_URL, "https://admin.lia.test/admin/reviews/1"
    )
    return Toast(
        title="Low rating & <b>x</b>",
        body=body,
        priority=Priority.HIGH,
        urgency=ToastUrgency.NORMAL,
        notification_ids=(1,),
        click=view,
        buttons=(view,),
    )


def test_daemons_that_parse_markup_get_escaped_bodies_and_plain_summaries() -> None:
    native = NativeToasts(DesktopNotifier(app_name="test"), lambda *_: None, lambda _t: None)
    shown = native.native(toast(HOSTILE_BODY))
    assert shown.message == daemon_text(HOSTILE_BODY)
    assert "<" not in shown.message
    assert shown.title == "Low rating & <b>x</b>"  # the spec's summary is plain text
    assert daemon_text("a <b> & c", markup=True) == "a &lt;b&gt; &amp; c"
    assert daemon_text("a <b> & c", markup=False) == "a <b> & c"


@pytest.mark.asyncio
async def test_the_tray_balloon_gets_the_same_escaping(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    tray = QSystemTrayIcon()
    sent: list[tuple[str, str]] = []
    monkeypatch.setattr(tray, "showMessage", lambda title, body, *_: sent.append((title, body)))
    await TrayBalloonToasts(tray, lambda *_: None).show(toast(HOSTILE_BODY))
    assert sent == [("Low rating & <b>x</b>", daemon_text(HOSTILE_BODY))]
    tray.deleteLater()
