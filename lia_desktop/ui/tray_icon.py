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

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QLineF,
    QObject,
    QPointF,
    QRectF,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QColor,
    QFont,
    QIcon,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QTransform,
)
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
from lia_desktop.core.models import ConnectionPhase, Duty
from lia_desktop.core.outage import Outage, notice
from lia_desktop.ui.app_state import AppState
from lia_desktop.ui.i18n import QT_TRANSLATE_NOOP
from lia_desktop.ui.theme import ORANGE, is_dark, phase_color
from lia_desktop.ui.widgets import Label

ICON_SIZES = (16, 22, 24, 32, 64)
#: QTimer intervals are ints of milliseconds; a longer do not disturb is re-checked then.
MAX_TIMER_MS = 2**31 - 1
#: The bell's fill is guessed from the app's palette (a dark theme usually means a dark panel);
#: its halo, in the opposite tone, keeps it visible when the guess is wrong: a light panel with
#: a dark theme, or a dark panel with the default light theme.
BELL_ON_LIGHT_PANEL = "#262626"
BELL_ON_DARK_PANEL = "#f5f5f5"
#: Halo width in the bell's 64-unit box: 1 px at 16 px, 2 px at 32 px.
HALO = 4.0
SLASH_WIDTH = 6.0
#: The bell sits low and left (scaled 0.85, its left and bottom edges HALO + 1 from the icon's),
#: so the badge at the top right covers only its dome's shoulder and the dot at the bottom
#: right only the tip of its rim.
BELL_SCALE = 0.85
BELL_PLACEMENT = QTransform(
    BELL_SCALE, 0, 0, BELL_SCALE, 5 - 10 * BELL_SCALE, 59.5 - 55 * BELL_SCALE
)
#: Do not disturb: a slash from above the knob to the rim's right end.
SLASH = BELL_PLACEMENT.map(QLineF(12, 8, 50, 52))
#: Badge and dot diameters as fractions of the icon size, never below the pixels that stay legible.
BADGE_DIAMETER = 0.44
BADGE_MIN_PX = 9
DOT_DIAMETER = 0.3
DOT_MIN_PX = 5
#: Below this size Qt's smallest fonts blur into a blot: the badge is drawn with pixel digits.
PIXEL_DIGITS_BELOW = 28
#: 3x5 pixel glyphs for every character core's badge text uses ("1".."9", "9+").
PIXEL_GLYPHS: dict[str, tuple[str, ...]] = {
    "1": ("010", "110", "010", "010", "111"),
    "2": ("111", "001", "111", "100", "111"),
    "3": ("111", "001", "111", "001", "111"),
    "4": ("101", "101", "111", "001", "001"),
    "5": ("111", "100", "111", "001", "111"),
    "6": ("111", "100", "111", "101", "111"),
    "7": ("111", "001", "001", "010", "010"),
    "8": ("111", "101", "111", "101", "111"),
    "9": ("111", "101", "111", "001", "111"),
    "+": ("000", "010", "111", "010", "000"),
}


class DndChoice(enum.Enum):
    ONE_HOUR = "one_hour"
    UNTIL_TOMORROW = "until_tomorrow"
    OFF = "off"


def _bell_path() -> QPainterPath:
    """The bell in the 64-unit icon box: dome, rim, knob and clapper, placed low left.

    The rim is a rounded bar rather than two sharp points, and the knob is wide: at 16 px a
    point or a half-pixel knob would antialias to a grey that contrasts with no panel.
    """
    dome = QPainterPath()
    dome.moveTo(12, 46)
    dome.lineTo(52, 46)
    dome.quadTo(46, 41, 46, 30)
    dome.cubicTo(46, 16, 40, 11, 32, 11)
    dome.cubicTo(24, 11, 18, 16, 18, 30)
    dome.quadTo(18, 41, 12, 46)
    dome.closeSubpath()
    knob = QPainterPath()
    knob.addEllipse(QPointF(32, 8.5), 4.5, 4.5)
    rim = QPainterPath()
    rim.addRoundedRect(QRectF(10, 42, 44, 6), 3, 3)
    clapper = QPainterPath()
    clapper.addEllipse(QRectF(25, 43, 14, 12))
    return BELL_PLACEMENT.map(dome.united(knob).united(rim).united(clapper))


def _round_pen(color: QColor, width: float) -> QPen:
    return QPen(
        color, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin
    )


def _paint_bell(painter: QPainter, ink: QColor, halo: QColor, *, muted: bool) -> None:
    """The bell (and the slash when muted) in ``ink``, ringed by ``halo``."""
    bell = _bell_path()
    painter.strokePath(bell, _round_pen(halo, 2 * HALO))
    if muted:  # the slash's own halo where it leaves the bell
        painter.setPen(_round_pen(halo, SLASH_WIDTH + 2 * HALO))
        painter.drawLine(SLASH)
    painter.fillPath(bell, ink)
    if muted:  # a gap on the slash's upper side separates it from the bell's body
        normal = SLASH.normalVector().unitVector()
        shift = (SLASH_WIDTH + HALO) / 2
        painter.setPen(_round_pen(halo, HALO))
        painter.drawLine(SLASH.translated(QPointF(normal.dx() * shift, normal.dy() * shift)))
        painter.setPen(_round_pen(ink, SLASH_WIDTH))
        painter.drawLine(SLASH)
    painter.setPen(Qt.PenStyle.NoPen)


def _cut_out(painter: QPainter, center: QPointF, radius: float) -> None:
    """Clear a ring around a badge or dot so it reads on any panel colour."""
    painter.save()
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Clear)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(Qt.GlobalColor.black)
    painter.drawEllipse(center, radius, radius)
    painter.restore()


def _paint_pixel_text(painter: QPainter, center: QPointF, text: str) -> None:
    """``text`` in white 3x5 pixel glyphs, one blank column apart, centred on whole pixels."""
    left = round(center.x() - (4 * len(text) - 1) / 2)
    top = round(center.y() - 2.5)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    for index, char in enumerate(text):
        for row, bits in enumerate(PIXEL_GLYPHS[char]):
            for column, bit in enumerate(bits):
                if bit == "1":
                    painter.fillRect(
                        left + 4 * index + column, top + row, 1, 1, Qt.GlobalColor.white
                    )
    painter.restore()


def _paint_badge(painter: QPainter, size: int, badge: str, gap: float) -> None:
    radius = max(size * BADGE_DIAMETER, BADGE_MIN_PX) / 2
    center = QPointF(size - radius, radius)
    _cut_out(painter, center, radius + gap)
    painter.setBrush(QColor(ORANGE))
    painter.drawEllipse(center, radius, radius)
    if size < PIXEL_DIGITS_BELOW:
        _paint_pixel_text(painter, center, badge)
        return
    font = QFont(QApplication.font())
    font.setBold(True)
    font.setPixelSize(round(radius * (1.45 if len(badge) == 1 else 1.25)))
    painter.setFont(font)
    painter.setPen(QColor("#ffffff"))
    box = QRectF(center.x() - radius, center.y() - radius, 2 * radius, 2 * radius)
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, badge)
    painter.setPen(Qt.PenStyle.NoPen)


def paint_tray_icon(
    size: int,
    *,
    dark_panel: bool,
    badge: str,
    phase: ConnectionPhase | None,
    muted: bool = False,
) -> QPixmap:
    """The bell at ``size`` px; ``badge`` empty draws no badge, ``phase`` None no dot,
    ``muted`` (do not disturb) a slashed bell. ``dark_panel`` picks the fill; the halo
    makes the bell legible on a panel of the other tone too."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    ink, halo = BELL_ON_DARK_PANEL, BELL_ON_LIGHT_PANEL
    if not dark_panel:
        ink, halo = halo, ink
    painter.save()
    painter.scale(size / 64, size / 64)
    _paint_bell(painter, QColor(ink), QColor(halo), muted=muted)
    painter.restore()

    gap = max(1.0, size / 20)
    if badge:
        _paint_badge(painter, size, badge, gap)
    if phase is not None:
        radius = max(size * DOT_DIAMETER, DOT_MIN_PX) / 2
        center = QPointF(size - radius, size - radius)
        _cut_out(painter, center, radius + gap)
        painter.setBrush(phase_color(phase))
        painter.drawEllipse(center, radius, radius)
    painter.end()
    return pixmap


def tray_icon(
    *, dark_panel: bool, badge: str, phase: ConnectionPhase | None, muted: bool = False
) -> QIcon:
    icon = QIcon()
    for size in ICON_SIZES:
        icon.addPixmap(
            paint_tray_icon(size, dark_panel=dark_panel, badge=badge, phase=phase, muted=muted)
        )
    return icon


def _dnd_on(until: datetime | None) -> bool:
    return until is not None and until > datetime.now(UTC)


class TrayMenu(QMenu):
    """The right-click menu, shared by the tray and the no-tray fallback window.

    ``by_text`` keys each action by its English source text (stable whatever the
    language); the action shows the translation.
    """

    #: the labels were retranslated (Qt's LanguageChange)
    retranslated = Signal()

    def __init__(self, controller: TrayController) -> None:
        super().__init__()
        entries: list[tuple[str, Callable[[], None]] | None] = [
            (
                QT_TRANSLATE_NOOP("TrayMenu", "Notifications"),
                controller.notifications_requested.emit,
            ),
            (QT_TRANSLATE_NOOP("TrayMenu", "Stats"), controller.stats_requested.emit),
            None,
            (
                QT_TRANSLATE_NOOP("TrayMenu", "Do not disturb for 1 hour"),
                lambda: controller.dnd_requested.emit(DndChoice.ONE_HOUR),
            ),
            (
                QT_TRANSLATE_NOOP("TrayMenu", "Do not disturb until tomorrow 8:00"),
                lambda: controller.dnd_requested.emit(DndChoice.UNTIL_TOMORROW),
            ),
            (
                QT_TRANSLATE_NOOP("TrayMenu", "Resume notifications"),
                lambda: controller.dnd_requested.emit(DndChoice.OFF),
            ),
            (QT_TRANSLATE_NOOP("TrayMenu", "Quiet hours…"), controller.settings_requested.emit),
            None,
            (QT_TRANSLATE_NOOP("TrayMenu", "Settings…"), controller.settings_requested.emit),
            (QT_TRANSLATE_NOOP("TrayMenu", "Sign in…"), controller.sign_in_requested.emit),
            (QT_TRANSLATE_NOOP("TrayMenu", "Sign out"), controller.sign_out_requested.emit),
            None,
            (QT_TRANSLATE_NOOP("TrayMenu", "Quit"), controller.quit_requested.emit),
        ]
        self.by_text: dict[str, QAction] = {}
        #: every action with its English source, retranslated when the language changes
        self._sources: list[tuple[QAction, str]] = []
        for entry in entries:
            if entry is None:
                self.addSeparator()
                continue
            text, slot = entry
            action = self.addAction(self.tr(text))
            action.triggered.connect(slot)
            self.by_text[text] = action
            self._sources.append((action, text))
        #: this admin's duty (issue 17), a submenu above do not disturb, while signed in
        self.duty_menu = QMenu(self.tr("On duty"), self)
        self.duty_actions: dict[Duty, QAction] = {}
        exclusive = QActionGroup(self)
        for duty, text in (
            (Duty.AVAILABLE, QT_TRANSLATE_NOOP("TrayMenu", "Available")),
            (Duty.AWAY, QT_TRANSLATE_NOOP("TrayMenu", "Away")),
            (Duty.OFF_DUTY, QT_TRANSLATE_NOOP("TrayMenu", "Off duty")),
        ):
            action = self.duty_menu.addAction(self.tr(text))
            action.setCheckable(True)
            exclusive.addAction(action)
            action.triggered.connect(lambda _on=False, d=duty: controller.duty_requested.emit(d))
            self.duty_actions[duty] = action
            self._sources.append((action, text))
        self.insertMenu(self.by_text["Do not disturb for 1 hour"], self.duty_menu)
        self._signed_in = False
        self._dnd_until: str | None = None
        self._refresh()

    def changeEvent(self, event: QEvent) -> None:
        """Another language was installed: every label in it (the tooltip follows through
        ``retranslated``)."""
        if event.type() == QEvent.Type.LanguageChange:
            for action, text in self._sources:
                action.setText(self.tr(text))
            self.duty_menu.setTitle(self.tr("On duty"))
            self._refresh()
            self.retranslated.emit()
        super().changeEvent(event)

    def set_dnd_until(self, until: str | None) -> None:
        """Do-not-disturb is on ``until`` ("until 14:30", "until tomorrow 08:00"), or off."""
        self._dnd_until = until
        self._refresh()

    def set_signed_in(self, signed_in: bool) -> None:
        """Signed out, the menu offers "Sign in…" instead of "Sign out"."""
        self._signed_in = signed_in
        self._refresh()

    def set_duty(self, duty: Duty | None) -> None:
        """Tick this admin's duty as the server has it (none ticked before they set one)."""
        for each, action in self.duty_actions.items():
            action.setChecked(each is duty)

    def _refresh(self) -> None:
        signed_in, dnd = self._signed_in, self._dnd_until is not None
        self.by_text["Sign in…"].setVisible(not signed_in)
        self.by_text["Sign out"].setVisible(signed_in)
        self.duty_menu.menuAction().setVisible(signed_in)
        for text in ("Do not disturb for 1 hour", "Do not disturb until tomorrow 8:00"):
            self.by_text[text].setVisible(not dnd)
        resume = self.by_text["Resume notifications"]
        resume.setVisible(dnd)
        if self._dnd_until is not None:
            resume.setText(
                self.tr("Resume notifications (do not disturb %1)").replace("%1", self._dnd_until)
            )


class FallbackWindow(QWidget):
    """Shown instead of the tray icon on desktops without a system tray."""

    NOTE = QT_TRANSLATE_NOOP(
        "FallbackWindow",
        "No system tray was found on this desktop, so LIA Admin keeps this small "
        "window open instead.",
    )

    def __init__(self, controller: TrayController, menu: TrayMenu) -> None:
        super().__init__()
        self.setWindowTitle("LIA Admin")
        self.icon_label = Label()
        self.status_label = Label()
        self.status_label.setWordWrap(True)
        self.note_label = Label()
        self.note_label.setWordWrap(True)
        self.notifications_button = notifications = QPushButton()
        notifications.clicked.connect(controller.notifications_requested.emit)
        self.stats_button = stats = QPushButton()
        stats.clicked.connect(controller.stats_requested.emit)
        self.more_button = more = QToolButton()
        self._retranslate()
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

    def _retranslate(self) -> None:
        self.note_label.setText(self.tr(self.NOTE))
        self.notifications_button.setText(self.tr("Notifications"))
        self.stats_button.setText(self.tr("Stats"))
        self.more_button.setText(self.tr("More"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)


class TrayController(QObject):
    """Owns the QSystemTrayIcon (or the fallback window) and turns clicks into signals."""

    notifications_requested = Signal()
    stats_requested = Signal()
    dnd_requested = Signal(object)  # DndChoice
    duty_requested = Signal(object)  # Duty
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
        self._muted = False
        self._tooltip = "LIA Admin"
        self.menu = TrayMenu(self)
        self.menu.retranslated.connect(self._render_state)
        self.tray = QSystemTrayIcon(self)
        self.tray.setContextMenu(self.menu)
        self.tray.activated.connect(self._on_activated)
        self.fallback: FallbackWindow | None = None
        self._state: AppState | None = None
        self._monotonic: Callable[[], float] = time.monotonic
        self._countdown = QTimer(self)
        self._countdown.setInterval(1000)
        #: re-renders when do not disturb ends, so the bell loses its slash on time
        self._dnd_end = QTimer(self)
        self._dnd_end.setSingleShot(True)
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

    def update_state(
        self, *, badge: str, tooltip: str, phase: ConnectionPhase | None, muted: bool = False
    ) -> None:
        """Show what core decided: badge text, tooltip sentence, connection phase, and
        whether do not disturb is on (a slashed bell)."""
        if (badge, tooltip, phase, muted) == (self._badge, self._tooltip, self._phase, self._muted):
            return  # repainting five pixmaps per event would show up in a burst
        self._badge, self._tooltip, self._phase, self._muted = badge, tooltip, phase, muted
        self._repaint()

    def set_dnd_until(self, until: str | None) -> None:
        self.menu.set_dnd_until(until)

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
        self._dnd_end.timeout.connect(self._render_state)
        state.outage_announced.connect(self._announce_outage)
        state.claims_changed.connect(lambda board: self.menu.set_duty(board.my_duty))
        self.menu.set_duty(state.claims.my_duty)
        self._render_state()

    def _announce_outage(self, outage: Outage) -> None:
        """Once per outage that lasted a minute: in words, not only a red or yellow dot, as a
        toast that do-not-disturb and quiet hours hold like any other."""
        state = self._state
        if state is None or outage.since is None:
            return
        state.publish_toast(
            notice(QCoreApplication.translate, outage.since, datetime.now().astimezone())
        )

    def _render_state(self, *_changed: object) -> None:
        state = self._state
        if state is None:
            return
        now = self._monotonic()
        connection = state.connection
        until = state.dnd_until
        dnd = _dnd_on(until)
        dnd_words = None
        if dnd and until is not None:
            local_now = datetime.now().astimezone()
            dnd_words = core_format.until(QCoreApplication.translate, until.astimezone(), local_now)
        self.update_state(
            badge=core_format.badge_text(state.feed.unread),
            tooltip=core_format.tooltip(
                QCoreApplication.translate, state.feed.unread, connection, now, dnd_words
            ),
            phase=connection.phase,
            muted=dnd,
        )
        self.set_dnd_until(dnd_words)
        self._dnd_end.stop()
        if dnd and until is not None:
            left_ms = (until - datetime.now(UTC)).total_seconds() * 1000
            self._dnd_end.start(min(int(left_ms) + 1, MAX_TIMER_MS))
        self.set_signed_in(state.signed_in)
        if connection.next_retry_at is None:
            self._countdown.stop()
        elif not self._countdown.isActive():
            self._countdown.start()

    def dispose(self) -> None:
        """Remove the icon and the top-level widgets it owns (menu, fallback window)."""
        self._countdown.stop()
        self._dnd_end.stop()
        self.tray.hide()
        self.tray.setContextMenu(None)  # type: ignore[arg-type]
        if self.fallback is not None:
            self.fallback.close()
            self.fallback.deleteLater()
            self.fallback = None
        self.menu.deleteLater()

    def _repaint(self) -> None:
        icon = tray_icon(
            dark_panel=self._dark_panel, badge=self._badge, phase=self._phase, muted=self._muted
        )
        self.tray.setIcon(icon)
        self.tray.setToolTip(self._tooltip)
        if self.fallback is not None:
            self.fallback.icon_label.setPixmap(icon.pixmap(32, 32))
            self.fallback.status_label.setText(self._tooltip)
            self.fallback.setWindowIcon(icon)

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.notifications_requested.emit()
