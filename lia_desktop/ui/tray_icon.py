"""The tray bell: unread badge, connection dot, tooltip and menu.

Everything shown here is decided elsewhere: the badge text ("1".."9", "9+")
and the tooltip sentence come from core's formatting, the phase from the
connection state. This module only paints and routes clicks to signals.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QCoreApplication, QObject, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QFont, QIcon, QPainter, QPainterPath, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QMenu,
    QPushButton,
    QSystemTrayIcon,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from lia_desktop.core import format as core_format
from lia_desktop.core.models import ConnectionPhase
from lia_desktop.ui.app_state import AppState
from lia_desktop.ui.theme import ORANGE, is_dark, phase_color
from lia_desktop.ui.widgets import Label

ICON_SIZES = (16, 22, 24, 32, 64)
BELL_ON_LIGHT_PANEL = "#262626"
BELL_ON_DARK_PANEL = "#f5f5f5"
#: Badge and dot as fractions of the icon size: big enough to read at 16 px.
BADGE_DIAMETER = 0.56
DOT_DIAMETER = 0.36


class DndChoice(enum.Enum):
    ONE_HOUR = "one_hour"
    UNTIL_TOMORROW = "until_tomorrow"
    OFF = "off"


def _bell_path() -> QPainterPath:
    """The bell in a 64-unit square: dome, flared rim, knob and clapper."""
    path = QPainterPath()
    path.moveTo(10, 47)
    path.lineTo(54, 47)
    path.quadTo(46, 41, 46, 30)
    path.cubicTo(46, 18, 40, 12, 32, 12)
    path.cubicTo(24, 12, 18, 18, 18, 30)
    path.quadTo(18, 41, 10, 47)
    path.closeSubpath()
    path.addEllipse(QPointF(32, 9.5), 3.5, 3.5)
    clapper = QPainterPath()
    clapper.addEllipse(QRectF(25, 43, 14, 12))
    return path.united(clapper)


def _cut_out(painter: QPainter, center: QPointF, radius: float) -> None:
    """Clear a ring around a badge or dot so it reads on any panel colour."""
    painter.save()
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Clear)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(Qt.GlobalColor.black)
    painter.drawEllipse(center, radius, radius)
    painter.restore()


def paint_tray_icon(
    size: int, *, dark_panel: bool, badge: str, phase: ConnectionPhase | None
) -> QPixmap:
    """The bell at ``size`` px; ``badge`` empty draws no badge, ``phase`` None no dot."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)

    painter.save()
    painter.scale(size / 64, size / 64)
    painter.setBrush(QColor(BELL_ON_DARK_PANEL if dark_panel else BELL_ON_LIGHT_PANEL))
    painter.drawPath(_bell_path())
    painter.restore()

    gap = max(1.0, size / 20)
    if badge:
        radius = size * BADGE_DIAMETER / 2
        center = QPointF(size - radius, radius)
        _cut_out(painter, center, radius + gap)
        painter.setBrush(QColor(ORANGE))
        painter.drawEllipse(center, radius, radius)
        font = QFont(QApplication.font())
        font.setBold(True)
        font.setPixelSize(max(6, round(radius * (1.45 if len(badge) == 1 else 1.1))))
        painter.setFont(font)
        painter.setPen(QColor("#ffffff"))
        box = QRectF(center.x() - radius, center.y() - radius, 2 * radius, 2 * radius)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, badge)
        painter.setPen(Qt.PenStyle.NoPen)
    if phase is not None:
        radius = size * DOT_DIAMETER / 2
        center = QPointF(size - radius, size - radius)
        _cut_out(painter, center, radius + gap)
        painter.setBrush(phase_color(phase))
        painter.drawEllipse(center, radius, radius)
    painter.end()
    return pixmap


def tray_icon(*, dark_panel: bool, badge: str, phase: ConnectionPhase | None) -> QIcon:
    icon = QIcon()
    for size in ICON_SIZES:
        icon.addPixmap(paint_tray_icon(size, dark_panel=dark_panel, badge=badge, phase=phase))
    return icon


class TrayMenu(QMenu):
    """The right-click menu, shared by the tray and the no-tray fallback window."""

    def __init__(self, controller: TrayController) -> None:
        super().__init__()
        entries: list[tuple[str, Callable[[], None]] | None] = [
            ("Notifications", controller.notifications_requested.emit),
            ("Stats", controller.stats_requested.emit),
            None,
            (
                "Do not disturb for 1 hour",
                lambda: controller.dnd_requested.emit(DndChoice.ONE_HOUR),
            ),
            (
                "Do not disturb until tomorrow",
                lambda: controller.dnd_requested.emit(DndChoice.UNTIL_TOMORROW),
            ),
            ("Resume notifications", lambda: controller.dnd_requested.emit(DndChoice.OFF)),
            None,
            ("Settings…", controller.settings_requested.emit),
            ("Sign in…", controller.sign_in_requested.emit),
            ("Sign out", controller.sign_out_requested.emit),
            None,
            ("Quit", controller.quit_requested.emit),
        ]
        self.by_text: dict[str, QAction] = {}
        for entry in entries:
            if entry is None:
                self.addSeparator()
                continue
            text, slot = entry
            action = self.addAction(text)
            action.triggered.connect(slot)
            self.by_text[text] = action
        self._signed_in = False
        self._dnd = False
        self._refresh()

    def set_dnd_active(self, active: bool) -> None:
        self._dnd = active
        self._refresh()

    def set_signed_in(self, signed_in: bool) -> None:
        """Signed out, the menu offers "Sign in…" instead of "Sign out"."""
        self._signed_in = signed_in
        self._refresh()

    def _refresh(self) -> None:
        signed_in = self._signed_in
        self.by_text["Sign in…"].setVisible(not signed_in)
        self.by_text["Sign out"].setVisible(signed_in)
        for text in ("Do not disturb for 1 hour", "Do not disturb until tomorrow"):
            self.by_text[text].setVisible(not self._dnd)
        self.by_text["Resume notifications"].setVisible(self._dnd)


class FallbackWindow(QWidget):
    """Shown instead of the tray icon on desktops without a system tray."""

    NOTE = (
        "No system tray was found on this desktop, so LIA Admin keeps this small "
        "window open instead."
    )

    def __init__(self, controller: TrayController, menu: TrayMenu) -> None:
        super().__init__()
        self.setWindowTitle("LIA Admin")
        self.icon_label = Label()
        self.status_label = Label()
        self.status_label.setWordWrap(True)
        self.note_label = Label(self.NOTE)
        self.note_label.setWordWrap(True)
        notifications = QPushButton("Notifications")
        notifications.clicked.connect(controller.notifications_requested.emit)
        stats = QPushButton("Stats")
        stats.clicked.connect(controller.stats_requested.emit)
        more = QToolButton()
        more.setText("More")
        more.setMenu(menu)
        more.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        top = QHBoxLayout()
        top.addWidget(self.icon_label)
        top.addWidget(self.status_label, 1)
        buttons = QHBoxLayout()
        for button in (notifications, stats, more):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.note_label)
        layout.addLayout(buttons)


class TrayController(QObject):
    """Owns the QSystemTrayIcon (or the fallback window) and turns clicks into signals."""

    notifications_requested = Signal()
    stats_requested = Signal()
    dnd_requested = Signal(object)  # DndChoice
    settings_requested = Signal()
    sign_in_requested = Signal()
    sign_out_requested = Signal()
    quit_requested = Signal()
    #: emitted once, with the sentence shown, when the desktop has no system tray
    tray_missing = Signal(str)

    def __init__(
        self,
        *,
        tray_available: Callable[[], bool] = QSystemTrayIcon.isSystemTrayAvailable,
        dark_panel: bool | None = None,
    ) -> None:
        super().__init__()
        self._tray_available = tray_available
        self._dark_panel = is_dark(QApplication.palette()) if dark_panel is None else dark_panel
        self._badge = ""
        self._phase: ConnectionPhase | None = ConnectionPhase.SIGNED_OUT
        self._tooltip = "LIA Admin"
        self.menu = TrayMenu(self)
        self.tray = QSystemTrayIcon(self)
        self.tray.setContextMenu(self.menu)
        self.tray.activated.connect(self._on_activated)
        self.fallback: FallbackWindow | None = None
        self._state: AppState | None = None
        self._monotonic: Callable[[], float] = time.monotonic
        self._countdown = QTimer(self)
        self._countdown.setInterval(1000)
        self._repaint()

    @property
    def icon(self) -> QIcon:
        return self.tray.icon()

    def say(self, title: str, text: str) -> None:
        """A sentence about the app itself (settings reset, a sign-out problem): a balloon,
        or the fallback window's status line where there is no tray."""
        if self.fallback is not None:
            self.fallback.status_label.setText(text)
        else:
            self.tray.showMessage(title, text)

    @property
    def badge(self) -> str:
        """The badge text painted now ("" when there is none)."""
        return self._badge

    def show(self) -> None:
        """Show the tray icon, or say once that there is no tray and show the fallback."""
        if self._tray_available():
            self.tray.show()
            return
        if self.fallback is None:
            self.fallback = FallbackWindow(self, self.menu)
            self._repaint()
            self.tray_missing.emit(FallbackWindow.NOTE)
        self.fallback.show()

    def update_state(self, *, badge: str, tooltip: str, phase: ConnectionPhase | None) -> None:
        """Show what core decided: badge text, tooltip sentence, connection phase."""
        if (badge, tooltip, phase) == (self._badge, self._tooltip, self._phase):
            return  # repainting five pixmaps per event would show up in a burst
        self._badge, self._tooltip, self._phase = badge, tooltip, phase
        self._repaint()

    def set_dnd_active(self, active: bool) -> None:
        self.menu.set_dnd_active(active)

    def set_signed_in(self, signed_in: bool) -> None:
        self.menu.set_signed_in(signed_in)

    def bind(self, state: AppState, monotonic: Callable[[], float]) -> None:
        """Show ``state`` from now on: badge, dot, tooltip (its countdown redrawn each second
        while a retry is pending; ``monotonic`` is the clock of ``next_retry_at``) and menu."""
        self._state = state
        self._monotonic = monotonic
        for signal in (
            state.feed_changed,
            state.connection_changed,
            state.account_changed,
            state.dnd_changed,
        ):
            signal.connect(self._render_state)
        self._countdown.timeout.connect(self._render_state)
        self._render_state()

    def _render_state(self, *_changed: object) -> None:
        state = self._state
        if state is None:
            return
        now = self._monotonic()
        connection = state.connection
        until = state.dnd_until
        dnd = until is not None and until > datetime.now(UTC)
        self.update_state(
            badge=core_format.badge_text(state.feed.unread),
            tooltip=core_format.tooltip(
                QCoreApplication.translate,
                state.feed.unread,
                connection,
                now,
                until.astimezone() if dnd and until else None,
            ),
            phase=connection.phase,
        )
        self.set_dnd_active(dnd)
        self.set_signed_in(state.signed_in)
        if connection.next_retry_at is None:
            self._countdown.stop()
        elif not self._countdown.isActive():
            self._countdown.start()

    def dispose(self) -> None:
        """Remove the icon and the top-level widgets it owns (menu, fallback window)."""
        self._countdown.stop()
        self.tray.hide()
        self.tray.setContextMenu(None)  # type: ignore[arg-type]
        if self.fallback is not None:
            self.fallback.close()
            self.fallback.deleteLater()
            self.fallback = None
        self.menu.deleteLater()

    def _repaint(self) -> None:
        icon = tray_icon(dark_panel=self._dark_panel, badge=self._badge, phase=self._phase)
        self.tray.setIcon(icon)
        self.tray.setToolTip(self._tooltip)
        if self.fallback is not None:
            self.fallback.icon_label.setPixmap(icon.pixmap(32, 32))
            self.fallback.status_label.setText(self._tooltip)
            self.fallback.setWindowIcon(icon)

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.notifications_requested.emit()
