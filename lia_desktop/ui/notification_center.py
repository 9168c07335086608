"""The notification center: newest first, unread dots, type filters, keyboard.

It displays the feed state it is given and emits requests (open, mark read,
mark all read, clear); core applies them and hands back a new state, so the
list never changes by itself and never talks to the network.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QHideEvent, QKeyEvent, QPainter, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QListView,
    QPushButton,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from lia_desktop.core.models import Notification, NotificationType, Priority
from lia_desktop.ui.app_state import AppState
from lia_desktop.ui.theme import ORANGE, RED, Theme, theme_for
from lia_desktop.ui.widgets import Label, PaletteWatcher, plain_tooltip

#: Per type: the glyph of the list and the label of its filter chip.
TYPE_LOOK: dict[NotificationType, tuple[str, str]] = {
    NotificationType.BOOKING_CREATED: ("▤", "Bookings"),
    NotificationType.BOOKING_CANCELLED: ("⊘", "Cancellations"),
    NotificationType.DISPUTE_OPENED: ("⚠", "Disputes"),
    NotificationType.DISPUTE_ESCALATED: ("⚠", "Escalations"),
    NotificationType.PROFESSIONAL_APPLIED: ("⚒", "Applications"),
    NotificationType.REVIEW_CREATED: ("★", "Reviews"),
    NotificationType.USER_SIGNED_UP: ("☺", "Sign-ups"),
}

NOTIFICATION_ROLE = Qt.ItemDataRole.UserRole + 1
ModelIndex = QModelIndex | QPersistentModelIndex
CAUGHT_UP = "You're all caught up."
SIGNED_OUT = "Signed out. Sign in to see notifications."
#: How often relative times ("2 min ago") are redrawn while the center is visible.
RELATIVE_TIME_REFRESH_MS = 30_000


class NotificationModel(QAbstractListModel):
    """The feed, newest first; updates insert at the top so the selection survives."""

    def __init__(self) -> None:
        super().__init__()
        self.items: list[Notification] = []

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        return 0 if parent.isValid() else len(self.items)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        item = self.items[index.row()]
        if role == NOTIFICATION_ROLE:
            return item
        if role == Qt.ItemDataRole.DisplayRole:
            return item.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(item.body)
        return None

    def set_notifications(self, notifications: Sequence[Notification]) -> None:
        new = sorted(notifications, key=lambda n: n.id, reverse=True)
        old_ids = [n.id for n in self.items]
        new_ids = [n.id for n in new]
        added = len(new_ids) - len(old_ids)
        if added >= 0 and new_ids[added:] == old_ids:
            if added:
                self.beginInsertRows(QModelIndex(), 0, added - 1)
                self.items = new
                self.endInsertRows()
            else:
                self.items = new
            if old_ids:  # read flags may have changed on the rows that stayed
                self.dataChanged.emit(self.index(added), self.index(len(new) - 1))
            return
        self.beginResetModel()
        self.items = new
        self.endResetModel()


class TypeFilter(QSortFilterProxyModel):
    """Shows only the chosen types; no choice shows everything."""

    def __init__(self) -> None:
        super().__init__()
        self.types: frozenset[NotificationType] = frozenset()

    def set_types(self, types: frozenset[NotificationType]) -> None:
        self.beginFilterChange()
        self.types = types
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: ModelIndex) -> bool:
        if not self.types:
            return True
        model = self.sourceModel()
        item = model.data(model.index(source_row, 0, source_parent), NOTIFICATION_ROLE)
        return isinstance(item, Notification) and item.type in self.types


class NotificationDelegate(QStyledItemDelegate):
    """One compact row: type glyph, title, relative time, one-line body, unread dot."""

    ROW_HEIGHT = 56

    def __init__(self, relative_time: Callable[[datetime], str]) -> None:
        super().__init__()
        self._relative_time = relative_time

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:
        return QSize(320, self.ROW_HEIGHT)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        item = index.data(NOTIFICATION_ROLE)
        if not isinstance(item, Notification):
            return
        theme = theme_for(QApplication.palette())
        rect: QRect = option.rect
        state = option.state
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        background = theme.surface
        if state & QStyle.StateFlag.State_Selected:
            background = "#3b2415" if theme.dark else "#fff7ed"  # orange-50 tint
        painter.fillRect(rect, QColor(background))
        painter.setPen(QColor(theme.border))
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())
        if state & QStyle.StateFlag.State_HasFocus:
            painter.fillRect(QRect(rect.left(), rect.top(), 3, rect.height()), QColor(ORANGE))

        base = QFont(option.font)
        glyph_font = QFont(base)
        glyph_font.setPixelSize(18)
        painter.setFont(glyph_font)
        painter.setPen(QColor(RED if item.priority >= Priority.URGENT else theme.secondary))
        glyph = TYPE_LOOK[item.type][0]
        painter.drawText(
            QRect(rect.left() + 10, rect.top(), 24, rect.height()),
            Qt.AlignmentFlag.AlignCenter,
            glyph,
        )

        left = rect.left() + 44
        right = rect.right() - 28
        when = self._relative_time(item.created_at)
        small = QFont(base)
        small.setPointSizeF(base.pointSizeF() * 0.9)
        when_width = QFontMetrics(small).horizontalAdvance(when)
        painter.setFont(small)
        painter.setPen(QColor(theme.secondary))
        top_line = QRect(left, rect.top() + 8, right - left, 20)
        painter.drawText(
            top_line, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, when
        )

        title_font = QFont(base)
        title_font.setBold(not item.read)
        painter.setFont(title_font)
        painter.setPen(QColor(theme.text))
        title_rect = QRect(left, top_line.top(), right - left - when_width - 8, 20)
        title = QFontMetrics(title_font).elidedText(
            item.title, Qt.TextElideMode.ElideRight, title_rect.width()
        )
        painter.drawText(
            title_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title
        )

        painter.setFont(base)
        painter.setPen(QColor(theme.secondary))
        body_rect = QRect(left, rect.top() + 28, right - left, 20)
        body = QFontMetrics(base).elidedText(
            item.body.replace("\n", " "), Qt.TextElideMode.ElideRight, body_rect.width()
        )
        painter.drawText(
            body_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, body
        )

        if not item.read:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(ORANGE))
            painter.drawEllipse(rect.right() - 18, rect.center().y() - 4, 8, 8)
        painter.restore()


class NotificationList(QListView):
    """Arrows move (QListView), Enter opens (activated), Space toggles read."""

    toggle_read = Signal(object)  # Notification

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and self.currentIndex().isValid():
            item = self.currentIndex().data(NOTIFICATION_ROLE)
            if isinstance(item, Notification):
                self.toggle_read.emit(item)
            return
        super().keyPressEvent(event)


class NotificationCenter(QWidget):
    """The window behind a left click on the tray bell."""

    open_requested = Signal(object)  # Notification
    mark_read_requested = Signal(list)  # ids
    mark_unread_requested = Signal(list)  # ids
    mark_all_read_requested = Signal(int)  # newest id shown: read up to it
    clear_requested = Signal()

    def __init__(self, relative_time: Callable[[datetime], str]) -> None:
        super().__init__()
        self.setWindowTitle("LIA Admin — Notifications")
        self.resize(560, 600)
        self._state: AppState | None = None
        self.model = NotificationModel()
        self.filter = TypeFilter()
        self.filter.setSourceModel(self.model)
        self.list = NotificationList()
        self.list.setModel(self.filter)
        self.list.setItemDelegate(NotificationDelegate(relative_time))
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setUniformItemSizes(True)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.activated.connect(self._open)
        self.list.toggle_read.connect(self._toggle_read)

        self.chips: dict[NotificationType, QPushButton] = {}
        chips = QHBoxLayout()
        chips.setSpacing(4)
        for kind, (_, label) in TYPE_LOOK.items():
            chip = QPushButton(label)
            chip.setObjectName("chip")
            chip.setCheckable(True)
            chip.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            chip.toggled.connect(self._apply_filter)
            self.chips[kind] = chip
            chips.addWidget(chip)
        chips.addStretch(1)

        self.mark_read_button = QPushButton("Mark read")
        self.mark_read_button.clicked.connect(self._mark_selected_read)
        self.mark_all_button = QPushButton("Mark all read")
        self.mark_all_button.clicked.connect(self._mark_all_read)
        self.clear_button = QPushButton("Clear")
        self.clear_button.clicked.connect(self.clear_requested.emit)
        self.unread_label = Label()
        self.unread_label.setObjectName("secondary")
        actions = QHBoxLayout()
        actions.addWidget(self.unread_label, 1)
        for button in (self.mark_read_button, self.mark_all_button, self.clear_button):
            actions.addWidget(button)

        self.empty = Label(CAUGHT_UP)
        self.empty.setObjectName("secondary")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.list)
        self.stack.addWidget(self.empty)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(8)
        layout.addLayout(chips)
        layout.addWidget(self.stack, 1)
        layout.addLayout(actions)

        self.relative_time_clock = QTimer(self)
        self.relative_time_clock.setInterval(RELATIVE_TIME_REFRESH_MS)
        self.relative_time_clock.timeout.connect(self.list.viewport().update)
        PaletteWatcher(self, self._apply_theme)
        self._refresh_chrome()

    def bind(self, state: AppState) -> None:
        """Show ``state``'s feed from now on (signed out: nothing of the last account)."""
        self._state = state
        state.feed_changed.connect(self._render_state)
        state.account_changed.connect(self._render_state)
        self._render_state()

    def _render_state(self, *_changed: object) -> None:
        state = self._state
        if state is None or not state.signed_in:
            self.show_signed_out()
        else:
            self.set_notifications(state.feed.items)

    def show_signed_out(self) -> None:
        """No account: no item of the previous one, and the reason the list is empty."""
        self.model.set_notifications(())
        self.empty.setText(SIGNED_OUT)
        self._refresh_chrome()

    def set_notifications(self, notifications: Sequence[Notification]) -> None:
        """Show the feed state as it now is (live updates call this again)."""
        self.empty.setText(CAUGHT_UP)
        self.model.set_notifications(notifications)
        if not self.list.currentIndex().isValid() and self.filter.rowCount():
            self.list.setCurrentIndex(self.filter.index(0, 0))
        self._refresh_chrome()

    def visible_notifications(self) -> list[Notification]:
        rows = range(self.filter.rowCount())
        return [self.filter.index(row, 0).data(NOTIFICATION_ROLE) for row in rows]

    def showEvent(self, event: QShowEvent) -> None:
        self.relative_time_clock.start()
        self.list.viewport().update()
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        self.relative_time_clock.stop()
        super().hideEvent(event)

    def _selected(self) -> list[Notification]:
        indexes = self.list.selectionModel().selectedIndexes() or [self.list.currentIndex()]
        items = [index.data(NOTIFICATION_ROLE) for index in indexes if index.isValid()]
        return [item for item in items if isinstance(item, Notification)]

    def _open(self, index: QModelIndex) -> None:
        item = index.data(NOTIFICATION_ROLE)
        if isinstance(item, Notification):
            self.open_requested.emit(item)

    def _toggle_read(self, item: Notification) -> None:
        (self.mark_unread_requested if item.read else self.mark_read_requested).emit([item.id])

    def _mark_selected_read(self) -> None:
        ids = [item.id for item in self._selected() if not item.read]
        if ids:
            self.mark_read_requested.emit(ids)

    def _mark_all_read(self) -> None:
        if self.model.items:
            self.mark_all_read_requested.emit(self.model.items[0].id)

    def _apply_filter(self) -> None:
        chosen = frozenset(kind for kind, chip in self.chips.items() if chip.isChecked())
        self.filter.set_types(chosen)
        self._refresh_chrome()

    def _refresh_chrome(self) -> None:
        unread = sum(1 for item in self.model.items if not item.read)
        self.unread_label.setText(f"{unread} unread" if unread else "")
        self.mark_all_button.setEnabled(unread > 0)
        self.mark_read_button.setEnabled(unread > 0)
        self.clear_button.setEnabled(bool(self.model.items))
        self.stack.setCurrentWidget(self.list if self.filter.rowCount() else self.empty)

    def _apply_theme(self, theme: Theme) -> None:
        self.setStyleSheet(
            f"""
            NotificationCenter {{ background: {theme.surface}; }}
            QLabel#secondary {{ color: {theme.secondary}; }}
            QListView {{ border: 1px solid {theme.border}; background: {theme.surface}; }}
            QPushButton#chip {{
                border: 1px solid {theme.border}; padding: 2px 6px; color: {theme.secondary};
                font-size: 11px;
                background: {theme.surface};
            }}
            QPushButton#chip:checked {{ border-color: {ORANGE}; color: {theme.accent_text}; }}
            """
        )
