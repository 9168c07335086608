"""The live stats window: stat cards, activity panel, bookings-per-hour chart.

It shows DashboardStats / PresenceActivity / ConnectionState exactly as core
computed them. Wording of numbers (COP, thousands separators, trends, "next
retry in 8 s", last-updated time) is injected as a StatsFormat so the rules
live in core.format and the tests here pin the layout, not the copy.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import pairwise
from typing import Protocol

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QValueAxis
from PySide6.QtCore import QCoreApplication, QMargins, Qt
from PySide6.QtGui import QColor, QHideEvent, QPainter, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from lia_desktop.core import format as core_format
from lia_desktop.core.duty import OnDuty, on_duty_names
from lia_desktop.core.models import (
    ConnectionPhase,
    ConnectionState,
    DashboardStats,
    PresenceActivity,
)
from lia_desktop.core.outage import Outage, not_live_since
from lia_desktop.ui.app_state import AppState
from lia_desktop.ui.i18n import QT_TRANSLATE_NOOP
from lia_desktop.ui.theme import (
    GREEN,
    ORANGE,
    PHASE_COLORS,
    TREND_DOWN,
    TREND_UP,
    Theme,
    theme_for,
)
from lia_desktop.ui.widgets import (
    Label,
    PaletteWatcher,
    Pulse,
    PulseDot,
    SkeletonBar,
    plain_tooltip,
)
from lia_desktop.ui.window_fit import FlowLayout, ScrollBody

#: Below this width the grid shows two cards per row instead of four,
WIDE_MIN_WIDTH = 880
#: and below this one card per row (a 200 % scale leaves 640 logical px on a 1280 px screen).
NARROW_MAX_WIDTH = 480


class StatsFormat(Protocol):
    """The copy for figures; implemented over core.format by the app."""

    def count(self, value: int) -> str: ...
    def cop(self, value: int) -> str: ...
    def trend(self, percent: float | None) -> str: ...
    def connection_detail(self, state: ConnectionState) -> str: ...
    def updated(self, at: datetime) -> str: ...


class CoreStatsFormat:
    """StatsFormat over core.format (es-CO numbers, ``$ 1.234.567``)."""

    def count(self, value: int) -> str:
        return core_format.thousands(value)

    def cop(self, value: int) -> str:
        return core_format.cop(value)

    def trend(self, percent: float | None) -> str:
        return core_format.trend(QCoreApplication.translate, percent)

    def connection_detail(self, state: ConnectionState) -> str:
        return core_format.connection_text(QCoreApplication.translate, state, time.monotonic())

    def updated(self, at: datetime) -> str:
        return QCoreApplication.translate("StatsWindow", "Updated {time}").format(
            time=f"{at.astimezone():%H:%M:%S}"
        )


@dataclass(frozen=True, slots=True)
class CardSpec:
    key: str  # DashboardStats field name, also the key of its trend
    title: str
    glyph: str
    money: bool = False
    #: False for a figure of the present moment: "vs last month" has no base for it
    monthly_trend: bool = True


CARDS = (
    CardSpec("total_bookings", QT_TRANSLATE_NOOP("StatCard", "Total bookings"), "▤"),
    CardSpec(
        "pending_bookings",
        QT_TRANSLATE_NOOP("StatCard", "Pending bookings"),
        "◷",
        monthly_trend=False,
    ),
    CardSpec("total_users", QT_TRANSLATE_NOOP("StatCard", "Users"), "☺"),
    CardSpec(
        "total_revenue_cop", QT_TRANSLATE_NOOP("StatCard", "Revenue (completed)"), "$", money=True
    ),
    CardSpec(
        "new_professionals_30d", QT_TRANSLATE_NOOP("StatCard", "New professionals (30 d)"), "⚒"
    ),
)


def connection_label(phase: ConnectionPhase) -> str:
    """The status indicator's words: the plan's three, and the two signed-out states."""
    if phase is ConnectionPhase.LIVE:
        return QCoreApplication.translate("StatsWindow", "Live")
    if phase in (ConnectionPhase.CONNECTING, ConnectionPhase.RECONNECTING):
        return QCoreApplication.translate("StatsWindow", "Connecting")
    if phase is ConnectionPhase.SIGNED_OUT:
        return QCoreApplication.translate("StatsWindow", "Signed out")
    if phase is ConnectionPhase.AUTH_EXPIRED:
        return QCoreApplication.translate("StatsWindow", "Sign in again")
    return QCoreApplication.translate("StatsWindow", "Disconnected")


def trend_color(percent: float | None, theme: Theme) -> str:
    if percent is None or percent == 0:
        return theme.secondary
    return TREND_UP if percent > 0 else TREND_DOWN


class StatCard(QFrame):
    """Title, icon, big number, pulsing Live marker and the trend line.

    Tab reaches it, and a screen reader hears it as one sentence:
    "Total bookings: 1.234, +5.0% vs last month".
    """

    def __init__(self, spec: CardSpec, pulse: Pulse) -> None:
        super().__init__()
        self.spec = spec
        self.setObjectName("card")
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.title = Label(self.tr(spec.title))
        self.title.setObjectName("secondary")
        self.title.setWordWrap(True)  # a long title (or translation) wraps, the card stays narrow
        self.glyph = Label(spec.glyph)
        self.glyph.setObjectName("glyph")
        self.value = Label()
        self.value.setObjectName("bigNumber")
        self.trend = Label()
        self.trend.setWordWrap(True)
        self.live_dot = PulseDot(pulse, ORANGE, 6)
        self.live_text = Label()  # the window's connection state fills it (set_live)
        self.live_text.setObjectName("liveText")
        self._value_stack = QStackedWidget()
        self._value_stack.addWidget(SkeletonBar(30, 120))
        self._value_stack.addWidget(self.value)
        self._trend_stack = QStackedWidget()
        self._trend_stack.addWidget(SkeletonBar(12, 160))
        self._trend_stack.addWidget(self.trend)

        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.glyph)
        live = QHBoxLayout()
        live.setSpacing(4)
        live.addWidget(self.live_dot)
        live.addWidget(self.live_text)
        live.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 14)
        layout.setSpacing(6)
        layout.addLayout(head)
        layout.addWidget(self._value_stack)
        layout.addLayout(live)
        layout.addWidget(self._trend_stack)
        self._speak()

    @property
    def is_skeleton(self) -> bool:
        return self._value_stack.currentIndex() == 0

    def set_live(self, live: bool) -> None:
        """The "● Live" marker says the figure follows the server right now, so only then."""
        self.live_dot.setVisible(live)
        self.live_text.setText(self.tr("Live") if live else self.tr("Not live"))
        self.live_dot.pulsing = live

    def clear(self) -> None:
        """No figure (signed out): a dash, not the previous account's number."""
        self.show_figure("—", "", "")

    def show_figure(self, value_text: str, trend_text: str, trend_color: str) -> None:
        self.value.setText(value_text)
        self.trend.setText(trend_text)
        self.trend.setStyleSheet(f"color: {trend_color};")
        self._value_stack.setCurrentIndex(1)
        self._trend_stack.setCurrentIndex(1)
        self._speak()

    def _speak(self) -> None:
        title, value, trend = self.title.text(), self.value.text(), self.trend.text()
        if self.is_skeleton:
            name = self.tr("{title}: loading").format(title=title)
        elif trend:
            name = self.tr("{title}: {value}, {trend}").format(
                title=title, value=value, trend=trend
            )
        else:
            name = self.tr("{title}: {value}").format(title=title, value=value)
        self.setAccessibleName(name)


class ActivityPanel(QFrame):
    """Online users (pulsing green), active sessions, bookings in the last 24 h."""

    def __init__(self, pulse: Pulse) -> None:
        super().__init__()
        self.setObjectName("card")
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        heading = Label(self.tr("Live activity"))
        heading.setObjectName("heading")
        self.online = Label("–")
        self.sessions = Label("–")
        self.bookings_24h = Label("–")
        self.online_dot = PulseDot(pulse, GREEN, 8)
        grid = QGridLayout()
        rows = (
            (self.tr("Online users"), self.online, self.online_dot),
            (self.tr("Active sessions"), self.sessions, None),
            (self.tr("Bookings (24 h)"), self.bookings_24h, None),
        )
        self._rows: list[tuple[Label, Label]] = []
        for row, (text, value, dot) in enumerate(rows):
            label = Label(text)
            label.setObjectName("secondary")
            self._rows.append((label, value))
            if dot is not None:
                grid.addWidget(dot, row, 0)
            grid.addWidget(label, row, 1)
            value.setObjectName("mediumNumber")
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(value, row, 2)
        grid.setColumnStretch(1, 1)
        grid.setColumnMinimumWidth(0, 12)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 14)
        layout.addWidget(heading)
        layout.addLayout(grid)
        #: who is on duty now (issue 17): the admins connected and not off duty, by name
        self.on_duty_label = Label(self.tr("On duty now"))
        self.on_duty_label.setObjectName("secondary")
        self.on_duty = Label("–")
        self.on_duty.setWordWrap(True)
        layout.addWidget(self.on_duty_label)
        layout.addWidget(self.on_duty)
        layout.addStretch(1)
        self._heading = heading
        self.speak()

    def show_on_duty(self, people: tuple[OnDuty, ...] | None) -> None:
        """Who is on duty now (core.duty: "Ana, Luis (away)", "Nobody", or not known while
        offline)."""
        text = on_duty_names(QCoreApplication.translate, people)
        self.on_duty.setText(text)
        self.on_duty.setAccessibleName(
            self.tr("{label}: {names}").format(label=self.on_duty_label.text(), names=text)
        )

    def speak(self) -> None:
        """Tell a screen reader the panel's figures in one sentence (after they change)."""
        figures = ", ".join(f"{label.text()} {value.text()}" for label, value in self._rows)
        self.setAccessibleName(
            self.tr("{heading}: {figures}").format(heading=self._heading.text(), figures=figures)
        )


class BookingsChart(QStackedWidget):
    """Bookings per hour over the last 24 h, orange bars; a skeleton until data."""

    def __init__(self) -> None:
        super().__init__()
        self.bars = QBarSet(self.tr("Bookings"))
        self.bars.setColor(QColor(ORANGE))
        self.bars.setBorderColor(QColor(ORANGE))
        self.bars.append([0.0] * 24)
        series = QBarSeries()
        series.setBarWidth(0.8)
        series.append(self.bars)
        self.chart = QChart()
        self.chart.addSeries(series)
        self.chart.legend().hide()
        self.chart.setTitle(self.tr("Bookings per hour, last 24 h"))
        self.chart.setMargins(QMargins(4, 4, 4, 4))
        self.chart.setBackgroundRoundness(0)
        self.hours = QBarCategoryAxis()
        self.hours.append([f"h{i}" for i in range(24)])  # unique placeholders; set_hours renames
        self.counts = QValueAxis()
        self.counts.setLabelFormat("%d")
        self.counts.setRange(0, 1)
        self.chart.addAxis(self.hours, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(self.counts, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(self.hours)
        series.attachAxis(self.counts)
        self.view = QChartView(self.chart)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setFrameShape(QFrame.Shape.NoFrame)
        self.view.setMinimumHeight(220)
        # The stack takes the focus and speaks; the view only draws (it has nothing to click).
        self.view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.view.viewport().setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.setAccessibleName(self.chart.title())
        self.addWidget(SkeletonBar(220))
        self.addWidget(self.view)

    def show_hours(self, per_hour: tuple[int, ...], last_hour: int) -> None:
        """``per_hour`` oldest first; ``last_hour`` is the local hour of the newest bar."""
        for index, count in enumerate(per_hour):
            self.bars.replace(index, float(count))
        labels = [f"{(last_hour - 23 + i) % 24:02d}" for i in range(24)]
        if self.hours.categories() != labels:
            self.hours.clear()
            self.hours.append(labels)
        maximum, ticks = count_axis(max(per_hour, default=0))
        self.counts.setRange(0, maximum)
        self.counts.setTickCount(ticks)
        self.setCurrentIndex(1)
        busiest = max(range(len(per_hour)), key=per_hour.__getitem__)
        self.setAccessibleDescription(
            self.tr(
                "{total} bookings in the last 24 h; the busiest hour {hour}:00 with {most}; "
                "{now} in the last hour"
            ).format(
                total=sum(per_hour), hour=labels[busiest], most=per_hour[busiest], now=per_hour[-1]
            )
        )

    def apply_theme(self, theme: Theme) -> None:
        self.chart.setBackgroundBrush(QColor(theme.surface))
        self.view.setBackgroundBrush(QColor(theme.surface))
        self.chart.setTitleBrush(QColor(theme.text))
        for axis in (self.hours, self.counts):
            axis.setLabelsColor(QColor(theme.secondary))
            axis.setGridLineColor(QColor(theme.border))
            axis.setLinePenColor(QColor(theme.border))


def count_axis(top: int) -> tuple[int, int]:
    """The count axis for a highest bar ``top``: (maximum, tick count) in round steps of
    1, 2 or 5 times a power of ten, at most four of them (0/50/100/150/200, not 0/49/98)."""
    if top <= 4:
        return 4, 5
    power = 10 ** (len(str(top)) - 1)
    step = next(s * p for p in (power // 10 or 1, power) for s in (1, 2, 5) if s * p * 4 >= top)
    steps = -(-top // step)
    return steps * step, steps + 1


class StatsWindow(QWidget):
    """Header with the connection indicator, card grid, activity panel and chart."""

    def __init__(self, fmt: StatsFormat) -> None:
        super().__init__()
        self._fmt = fmt
        self.setWindowTitle(self.tr("LIA Admin — Live stats"))
        self.resize(1000, 640)
        self.pulse = Pulse(self)

        title = Label(self.tr("Live stats"))
        title.setObjectName("title")
        self.connection_dot = PulseDot(self.pulse, PHASE_COLORS[ConnectionPhase.CONNECTING], 10)
        self.connection_text = Label()
        self.updated_label = Label()
        self.updated_label.setObjectName("secondary")
        #: "Not live since 14:32" once an outage has lasted (core.outage), else hidden
        self.outage_label = Label()
        self.outage_label.setObjectName("outage")
        self.outage_label.hide()
        status = FlowLayout(spacing=8)  # wraps under itself when the window is narrow
        for widget in (
            self.connection_dot,
            self.connection_text,
            self.outage_label,
            self.updated_label,
        ):
            status.addWidget(widget)
        header = QHBoxLayout()
        header.addWidget(title, 0, Qt.AlignmentFlag.AlignTop)
        header.addStretch(1)
        header.addLayout(status)

        self.cards = {spec.key: StatCard(spec, self.pulse) for spec in CARDS}
        self.grid = QGridLayout()
        self.grid.setSpacing(12)
        self.columns = 0
        self.activity = ActivityPanel(self.pulse)
        self.chart = BookingsChart()
        chart_frame = QFrame()
        chart_frame.setObjectName("card")
        chart_layout = QVBoxLayout(chart_frame)
        chart_layout.setContentsMargins(8, 8, 8, 8)
        chart_layout.addWidget(self.chart)

        body = QVBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(12)
        body.addLayout(self.grid)
        body.addWidget(chart_frame, 1)
        #: cards and chart scroll where the screen is too small for them (200 %, 1280x800)
        self.body = ScrollBody(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 20)
        layout.setSpacing(12)
        layout.addLayout(header)
        layout.addWidget(self.body, 1)
        self._arrange(self.width())
        # Tab reads the figures in the order they are shown, whichever the layout parented first.
        for before, after in pairwise([*self.cards.values(), self.activity, self.chart]):
            QWidget.setTabOrder(before, after)
        PaletteWatcher(self, self._apply_theme)
        # header and cards say the same from the start: both come from show_connection
        self.show_connection(ConnectionState(ConnectionPhase.CONNECTING))

    def bind(self, state: AppState) -> None:
        """Show ``state``'s figures, presence and connection from now on."""
        state.connection_changed.connect(self.show_connection)
        state.stats_changed.connect(self._render_stats)
        state.presence_changed.connect(self.show_presence)
        state.outage_changed.connect(self.show_outage)
        state.on_duty_changed.connect(self.activity.show_on_duty)
        self.activity.show_on_duty(state.on_duty)
        self.show_connection(state.connection)
        self.show_outage(state.outage)
        self.show_presence(state.presence)
        if state.stats is not None:
            self.show_stats(state.stats)
        elif not state.signed_in:
            self.clear()

    def _render_stats(self, stats: DashboardStats | None) -> None:
        if stats is None:
            self.clear()
        else:
            self.show_stats(stats)

    def show_stats(self, stats: DashboardStats) -> None:
        """Fill every figure from a snapshot (or its live update); ends the skeleton."""
        theme = theme_for(QApplication.palette())
        for key, card in self.cards.items():
            value: int = getattr(stats, key)
            text = self._fmt.cop(value) if card.spec.money else self._fmt.count(value)
            if card.spec.monthly_trend:
                percent = stats.trends.get(key)
                card.show_figure(text, self._fmt.trend(percent), trend_color(percent, theme))
            else:
                card.show_figure(text, self.tr("waiting for confirmation"), theme.secondary)
        self.activity.bookings_24h.setText(self._fmt.count(stats.bookings_24h))
        self.activity.speak()
        last_hour = (stats.updated_at or datetime.now().astimezone()).astimezone().hour
        self.chart.show_hours(stats.bookings_per_hour, last_hour)
        if stats.updated_at is not None:
            self.updated_label.setText(self._fmt.updated(stats.updated_at))

    def show_presence(self, presence: PresenceActivity) -> None:
        self.activity.online.setText(self._fmt.count(presence.online_users))
        self.activity.sessions.setText(self._fmt.count(presence.active_sessions))
        self.activity.speak()

    def clear(self) -> None:
        """Signed out: no figure of any account is shown (the next sign-in refills them)."""
        for card in self.cards.values():
            card.clear()
        for value in (self.activity.online, self.activity.sessions, self.activity.bookings_24h):
            value.setText("–")
        self.activity.speak()
        self.chart.show_hours((0,) * 24, datetime.now().astimezone().hour)
        self.updated_label.setText("")

    def show_connection(self, state: ConnectionState) -> None:
        live = state.phase is ConnectionPhase.LIVE
        self.connection_dot.set_color(
            PHASE_COLORS[state.phase],
            pulsing=state.phase not in (ConnectionPhase.SIGNED_OUT, ConnectionPhase.AUTH_EXPIRED),
        )
        for card in self.cards.values():
            card.set_live(live)
        self.connection_text.setText(connection_label(state.phase))
        detail = plain_tooltip(self._fmt.connection_detail(state))
        self.connection_text.setToolTip(detail)
        self.connection_dot.setToolTip(detail)

    def show_outage(self, outage: Outage) -> None:
        """Since when the app has not been live, once that has lasted (it was announced)."""
        if outage.announced and outage.since is not None:
            now = datetime.now(UTC)
            self.outage_label.setText(not_live_since(QCoreApplication.translate, outage.since, now))
        self.outage_label.setVisible(outage.announced)

    @property
    def loading(self) -> bool:
        return any(card.is_skeleton for card in self.cards.values())

    def showEvent(self, event: QShowEvent) -> None:
        self.pulse.start()
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        self.pulse.stop()
        super().hideEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._arrange(event.size().width())
        super().resizeEvent(event)

    def _arrange(self, width: int) -> None:
        """Four cards across when wide, two when narrow, one on a small screen (the plan's
        responsive grid).

        The activity panel fills the row of the fifth card, so no row has a hole.
        """
        columns = 4 if width >= WIDE_MIN_WIDTH else 2 if width >= NARROW_MAX_WIDTH else 1
        if columns == self.columns:
            return
        self.columns = columns
        for index, card in enumerate(self.cards.values()):
            self.grid.removeWidget(card)
            self.grid.addWidget(card, index // columns, index % columns)
        after = len(self.cards)  # the panel takes the place after the last card, to the row's end
        self.grid.removeWidget(self.activity)
        self.grid.addWidget(
            self.activity, after // columns, after % columns, 1, columns - after % columns
        )
        for column in range(4):
            self.grid.setColumnStretch(column, 1 if column < columns else 0)

    def _apply_theme(self, theme: Theme) -> None:
        self.setStyleSheet(
            f"""
            StatsWindow {{ background: {theme.skeleton if not theme.dark else "#0a0a0a"}; }}
            QLabel {{ color: {theme.text}; }}
            QLabel#title {{ font-size: 18px; font-weight: 600; }}
            QLabel#heading {{ font-weight: 600; }}
            QLabel#secondary {{ color: {theme.secondary}; }}
            QLabel#outage {{ color: {TREND_DOWN}; font-weight: 600; }}
            QLabel#glyph {{ color: {theme.muted}; font-size: 16px; }}
            QLabel#liveText {{ color: {theme.accent_text}; font-size: 11px; }}
            QLabel#bigNumber {{ font-size: 26px; font-weight: 700; }}
            QLabel#mediumNumber {{ font-size: 16px; font-weight: 600; }}
            QFrame#card {{ background: {theme.surface}; border: 1px solid {theme.border}; }}
            QFrame#card:focus, BookingsChart:focus {{ border: 2px solid {ORANGE}; }}
            """
        )
        self.chart.apply_theme(theme)
