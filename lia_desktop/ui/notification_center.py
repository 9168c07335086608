"""The notification center: newest first, unread dots, type filters, keyboard first.

It displays the feed state it is given and emits requests (open, mark read,
mark unread, mark all read); core applies them and hands back a new state, so
the read state never changes here by itself and the list never talks to the
network. What the admin chooses to *see* (types, read items hidden) is the
center's own view state.

It opens with the list focused on the newest unread item, and every key works
from there without a click, as in a mail client: arrows, Home/End and Page
Up/Down move, Enter opens the item in the web admin, Space toggles read,
Ctrl+A selects all shown, Alt+A marks all shown read, Alt+H hides read items,
Esc closes. Tab reaches the filter chips and buttons. Screen readers hear each
row's read state, title, time and body.

Items that need one owner (issue 17) say who has them ("Taken by Ana · 2 min",
"You"); the Mine / Unclaimed chips show only those, and the Claim button (or C)
claims the current item or releases it when it is this admin's. Give to… (or G)
opens a menu of the other admins on the duty roster (available first, away and off
duty marked) and hands the current item to the one chosen. A claim of an item
someone else holds, and the answer to a Give to…, show in the status line under
the list, and the current item's history under it ("Ana claimed 10:02 · released
10:15 · Ana gave it to Luis 10:16").
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from itertools import pairwise

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QHideEvent,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QListView,
    QMenu,
    QPushButton,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from lia_desktop.core import claims as core_claims
from lia_desktop.core import compose
from lia_desktop.core.duty import on_duty_line
from lia_desktop.core.models import (
    Claim,
    ClaimBoard,
    ClaimEvent,
    ClaimKey,
    Notification,
    NotificationType,
    Priority,
)
from lia_desktop.ui.app_state import AppState
from lia_desktop.ui.i18n import QT_TRANSLATE_NOOP
from lia_desktop.ui.theme import ORANGE, RED, Theme, theme_for
from lia_desktop.ui.widgets import Label, PaletteWatcher, plain_tooltip
from lia_desktop.ui.window_fit import FlowLayout

#: Per type: the glyph of the list and the label of its filter chip.
TYPE_LOOK: dict[NotificationType, tuple[str, str]] = {
    NotificationType.BOOKING_CREATED: ("▤", QT_TRANSLATE_NOOP("NotificationCenter", "Bookings")),
    NotificationType.BOOKING_CANCELLED: (
        "⊘",
        QT_TRANSLATE_NOOP("NotificationCenter", "Cancellations"),
    ),
    NotificationType.DISPUTE_OPENED: ("⚠", QT_TRANSLATE_NOOP("NotificationCenter", "Disputes")),
    NotificationType.DISPUTE_ESCALATED: (
        "⚠",
        QT_TRANSLATE_NOOP("NotificationCenter", "Escalations"),
    ),
    NotificationType.PROFESSIONAL_APPLIED: (
        "⚒",
        QT_TRANSLATE_NOOP("NotificationCenter", "Applications"),
    ),
    NotificationType.REVIEW_CREATED: ("★", QT_TRANSLATE_NOOP("NotificationCenter", "Reviews")),
    NotificationType.USER_SIGNED_UP: ("☺", QT_TRANSLATE_NOOP("NotificationCenter", "Sign-ups")),
}

NOTIFICATION_ROLE = Qt.ItemDataRole.UserRole + 1
#: The row's relative time ("2 min ago"), as painted and as spoken.
WHEN_ROLE = Qt.ItemDataRole.UserRole + 2
#: The row's body in the admin's language (core.compose; one line, plain text).
BODY_ROLE = Qt.ItemDataRole.UserRole + 3
#: Who holds the row's item ("Taken by Ana · 2 min", "You"; "" when nobody or no owner needed).
CLAIM_ROLE = Qt.ItemDataRole.UserRole + 4
ModelIndex = QModelIndex | QPersistentModelIndex
CAUGHT_UP = QT_TRANSLATE_NOOP("NotificationCenter", "You're all caught up.")
SIGNED_OUT = QT_TRANSLATE_NOOP("NotificationCenter", "Signed out. Sign in to see notifications.")
#: How often relative times ("2 min ago") are redrawn while the center is visible.
RELATIVE_TIME_REFRESH_MS = 30_000


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Ascending row numbers as ``(first, last)`` runs of consecutive rows."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Ownership(enum.Enum):
    """The center's Mine / Unclaimed chips: which items by who holds them."""

    ALL = "all"
    MINE = "mine"  # items this admin holds
    UNCLAIMED = "unclaimed"  # items that need an owner and have none


class NotificationModel(QAbstractListModel):
    """The feed, newest first.

    An update removes and inserts rows, never resets: the rows that stay keep
    their persistent indexes, so the current item and the selection survive new
    items on top and old ones evicted at the bottom.
    """

    def __init__(
        self, relative_time: Callable[[datetime], str], clock: Callable[[], datetime] = _utc_now
    ) -> None:
        super().__init__()
        self.items: list[Notification] = []
        self.claims = ClaimBoard()
        self._relative_time = relative_time
        self._clock = clock

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        return 0 if parent.isValid() else len(self.items)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        item = self.items[index.row()]
        if role == NOTIFICATION_ROLE:
            return item
        if role == Qt.ItemDataRole.DisplayRole:
            return compose.title(QCoreApplication.translate, item)
        if role == BODY_ROLE:
            return compose.body(QCoreApplication.translate, item)
        if role == WHEN_ROLE:
            return self._relative_time(item.created_at)
        if role == CLAIM_ROLE:
            return self._claim_words(item)
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(compose.body(QCoreApplication.translate, item))
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._spoken_name(item)
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:
            return compose.body(QCoreApplication.translate, item)
        return None

    def _claim_words(self, item: Notification) -> str:
        claim = core_claims.holder_of(self.claims, item)
        if claim is None:
            return ""
        return core_claims.claim_words(
            QCoreApplication.translate, self.claims, claim, self._clock()
        )

    def _spoken_name(self, item: Notification) -> str:
        """What a screen reader says on the row: the read state first, as mail clients do,
        then the title, the time and who has the item; the body is the row's description."""
        spoken = self._read_title_time(item)
        words = self._claim_words(item)
        return f"{spoken}, {words}" if words else spoken

    def _read_title_time(self, item: Notification) -> str:
        when = self._relative_time(item.created_at)
        title = compose.title(QCoreApplication.translate, item)
        if item.read:
            return self.tr("Read: {title}, {when}").format(title=title, when=when)
        if item.priority >= Priority.URGENT:
            return self.tr("Unread, urgent: {title}, {when}").format(title=title, when=when)
        return self.tr("Unread: {title}, {when}").format(title=title, when=when)

    def set_claims(self, claims: ClaimBoard) -> None:
        """Who holds which item changed: every row says it again."""
        self.claims = claims
        if self.items:
            self.dataChanged.emit(self.index(0), self.index(len(self.items) - 1))

    def set_notifications(self, notifications: Sequence[Notification]) -> None:
        new = sorted(notifications, key=lambda n: n.id, reverse=True)
        staying = {n.id for n in new}
        gone = [row for row, item in enumerate(self.items) if item.id not in staying]
        for first, last in reversed(_runs(gone)):  # bottom up: the rows above keep their numbers
            self.beginRemoveRows(QModelIndex(), first, last)
            del self.items[first : last + 1]
            self.endRemoveRows()
        shown = {n.id for n in self.items}
        # Top down: once the runs above are in, each run's rows are its final rows.
        for first, last in _runs([row for row, item in enumerate(new) if item.id not in shown]):
            self.beginInsertRows(QModelIndex(), first, last)
            self.items[first:first] = new[first : last + 1]
            self.endInsertRows()
        changed = [
            row for row, (was, now) in enumerate(zip(self.items, new, strict=True)) if was != now
        ]
        self.items = new
        if changed:  # read flags changed on rows that stayed
            self.dataChanged.emit(self.index(changed[0]), self.index(changed[-1]))


class FeedFilter(QSortFilterProxyModel):
    """What the admin chose to see: the chosen types (none chosen: all), read items or not,
    and by who holds them."""

    def __init__(self) -> None:
        super().__init__()
        self.types: frozenset[NotificationType] = frozenset()
        self.hide_read = False
        self.ownership = Ownership.ALL
        self.claims = ClaimBoard()

    def show_only(
        self,
        types: frozenset[NotificationType],
        *,
        hide_read: bool,
        ownership: Ownership = Ownership.ALL,
    ) -> None:
        self.beginFilterChange()
        self.types = types
        self.hide_read = hide_read
        self.ownership = ownership
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_claims(self, claims: ClaimBoard) -> None:
        """Claims changed: rows come and go under Mine / Unclaimed."""
        self.beginFilterChange()
        self.claims = claims
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def _owned_as_chosen(self, item: Notification) -> bool:
        if self.ownership is Ownership.ALL:
            return True
        if core_claims.claim_key(item) is None:
            return False
        claim = core_claims.holder_of(self.claims, item)
        if self.ownership is Ownership.MINE:
            return claim is not None and claim.holder == self.claims.me
        return claim is None

    def filterAcceptsRow(self, source_row: int, source_parent: ModelIndex) -> bool:
        model = self.sourceModel()
        item = model.data(model.index(source_row, 0, source_parent), NOTIFICATION_ROLE)
        if not isinstance(item, Notification):
            return False
        return (
            (not self.types or item.type in self.types)
            and not (self.hide_read and item.read)
            and self._owned_as_chosen(item)
        )


class NotificationDelegate(QStyledItemDelegate):
    """One compact row: type glyph, title, relative time, one-line body, unread dot."""

    ROW_HEIGHT = 56

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
        when = str(index.data(WHEN_ROLE))
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
            str(index.data(Qt.ItemDataRole.DisplayRole)),
            Qt.TextElideMode.ElideRight,
            title_rect.width(),
        )
        painter.drawText(
            title_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title
        )

        body_rect = QRect(left, rect.top() + 28, right - left, 20)
        owner = str(index.data(CLAIM_ROLE) or "")
        if owner:  # who has the item, right of the body (which is elided to leave it room)
            owner_font = QFont(small)
            owner_font.setBold(True)
            painter.setFont(owner_font)
            painter.setPen(QColor(theme.accent_text))
            owner_width = QFontMetrics(owner_font).horizontalAdvance(owner)
            painter.drawText(
                body_rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, owner
            )
            body_rect.setWidth(max(0, body_rect.width() - owner_width - 8))
        painter.setFont(base)
        painter.setPen(QColor(theme.secondary))
        body = QFontMetrics(base).elidedText(
            str(index.data(BODY_ROLE)), Qt.TextElideMode.ElideRight, body_rect.width()
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
    """Arrows, Home/End, Page Up/Down and Ctrl+A are QListView's; Enter opens (activated);
    Space (without modifiers: Ctrl+Space still toggles the selection) toggles read; C
    claims the current item or releases it; G offers it to another admin."""

    toggle_read = Signal()
    toggle_claim = Signal()
    give_to = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        plain = event.modifiers() == Qt.KeyboardModifier.NoModifier
        if event.key() == Qt.Key.Key_Space and plain and self.currentIndex().isValid():
            self.toggle_read.emit()
            return
        if event.key() == Qt.Key.Key_C and plain and self.currentIndex().isValid():
            self.toggle_claim.emit()
            return
        if event.key() == Qt.Key.Key_G and plain and self.currentIndex().isValid():
            self.give_to.emit()
            return
        super().keyPressEvent(event)


def _shortcut(button: QAbstractButton) -> str:
    """The Alt+letter of a button's "&", wherever the translation put it ("" without one)."""
    return QKeySequence.mnemonic(button.text()).toString(QKeySequence.SequenceFormat.NativeText)


def _explain(button: QAbstractButton, tip: str) -> None:
    """A button's tooltip, also its description for screen readers, with its shortcut."""
    key = _shortcut(button)
    text = f"{tip} ({key})" if key else tip
    button.setToolTip(text)
    button.setAccessibleDescription(text)


class NotificationCenter(QWidget):
    """The window behind a left click on the tray bell."""

    open_requested = Signal(object)  # Notification
    mark_read_requested = Signal(list)  # ids
    mark_unread_requested = Signal(list)  # ids
    mark_all_read_requested = Signal(int)  # newest id shown: read up to it
    claim_requested = Signal(object)  # ClaimKey
    release_requested = Signal(object)  # ClaimKey
    reassign_requested = Signal(object, object)  # ClaimKey, DutyEntry: hand it to them
    history_requested = Signal(object)  # ClaimKey: the current item's trail is wanted

    def __init__(
        self, relative_time: Callable[[datetime], str], clock: Callable[[], datetime] = _utc_now
    ) -> None:
        super().__init__()
        self.setWindowTitle(self.tr("LIA Admin — Notifications"))
        self.resize(560, 600)
        self._state: AppState | None = None
        self.model = NotificationModel(relative_time, clock)
        self.filter = FeedFilter()
        self.filter.setSourceModel(self.model)
        self.list = NotificationList()
        # Connected before the view's own handlers, so the current row is still known.
        self._next_current: QPersistentModelIndex | None = None
        self.filter.rowsAboutToBeRemoved.connect(self._remember_next_row)
        self.filter.rowsRemoved.connect(self._go_to_next_row)
        self.list.setModel(self.filter)
        self.list.setItemDelegate(NotificationDelegate())
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setUniformItemSizes(True)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.activated.connect(self._open)
        self.list.toggle_read.connect(self._toggle_read)
        self.list.toggle_claim.connect(self._toggle_claim)
        self.list.give_to.connect(self._offer_give_to)
        self.list.selectionModel().currentChanged.connect(self._refresh_claim_button)
        self.keys_hint = Label()
        self.keys_hint.setObjectName("secondary")
        self.keys_hint.setWordWrap(True)
        self.list.setAccessibleName(self.tr("Notifications"))
        #: "On duty: Ana, Luis (away)": who of the team is connected and on duty now
        self.on_duty_line = Label()
        self.on_duty_line.setObjectName("secondary")
        self.on_duty_line.setWordWrap(True)  # a big team's names never widen the window

        self.chips: dict[NotificationType, QPushButton] = {}
        chips = FlowLayout(spacing=4)  # wraps: the row never makes the window wider than a screen
        for kind, (_, label) in TYPE_LOOK.items():
            chip = QPushButton(self.tr(label))
            chip.setObjectName("chip")
            chip.setCheckable(True)
            chip.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            _explain(chip, self.tr("Show only the chosen types (several can be chosen)"))
            chip.toggled.connect(self._apply_filter)
            self.chips[kind] = chip
            chips.addWidget(chip)
        self.hide_read_button = QPushButton(self.tr("&Hide read"))
        self.hide_read_button.setObjectName("chip")
        self.hide_read_button.setCheckable(True)
        self.hide_read_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        _explain(
            self.hide_read_button,
            self.tr("Show only unread notifications; read ones stay in the history"),
        )
        self.hide_read_button.toggled.connect(self._apply_filter)
        chips.addWidget(self.hide_read_button)

        self.mine_button = QPushButton(self.tr("Mine"))
        _explain(self.mine_button, self.tr("Show only the items you have claimed"))
        self.unclaimed_button = QPushButton(self.tr("Unclaimed"))
        _explain(self.unclaimed_button, self.tr("Show only the items that need an owner"))
        self.ownership_chips = {
            Ownership.MINE: self.mine_button,
            Ownership.UNCLAIMED: self.unclaimed_button,
        }
        for chip in self.ownership_chips.values():
            chip.setObjectName("chip")
            chip.setCheckable(True)
            chip.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            chip.toggled.connect(self._ownership_chosen)
        self.claim_button = QPushButton(self.tr("Claim"))
        self.claim_button.clicked.connect(self._toggle_claim)
        self.give_button = QPushButton(self.tr("Give to…"))
        _explain(self.give_button, self.tr("Hand this item to another admin (G)"))
        self.give_button.clicked.connect(self._offer_give_to)
        #: the other admins, built when it opens (the roster changes live)
        self.give_menu = QMenu(self)
        self.give_menu.setAccessibleName(self.tr("Give to"))
        self.give_menu.setAccessibleDescription(
            self.tr("Admins on duty first; away and off-duty admins are marked")
        )
        #: the answer to the last claim ("Ana has it · 2 min"): never an error dialog
        self.claim_status = Label()
        self.claim_status.setObjectName("secondary")
        self.claim_status.setWordWrap(True)
        ownership = QHBoxLayout()
        ownership.addWidget(self.mine_button)
        ownership.addWidget(self.unclaimed_button)
        ownership.addWidget(self.claim_status, 1)
        ownership.addWidget(self.claim_button)
        ownership.addWidget(self.give_button)
        #: the current item's trail ("Ana claimed 10:02 · released 10:15")
        self.history_label = Label()
        self.history_label.setObjectName("secondary")
        self.history_label.setWordWrap(True)
        self._history_of: tuple[ClaimKey | None, Claim | None] = (None, None)

        self.mark_read_button = QPushButton(self.tr("Mark read"))
        _explain(self.mark_read_button, self.tr("Mark the selected notifications read (Space)"))
        self.mark_read_button.clicked.connect(self._mark_selected_read)
        self.mark_all_button = QPushButton()
        self.mark_all_button.clicked.connect(self._mark_all_read)
        self.unread_label = Label()
        self.unread_label.setObjectName("secondary")
        actions = QHBoxLayout()
        actions.addWidget(self.unread_label, 1)
        actions.addWidget(self.mark_read_button)
        actions.addWidget(self.mark_all_button)

        self.empty = Label(self.tr(CAUGHT_UP))
        self.empty.setObjectName("secondary")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.list)
        self.stack.addWidget(self.empty)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(8)
        layout.addWidget(self.on_duty_line)
        layout.addLayout(chips)
        layout.addWidget(self.stack, 1)
        layout.addLayout(ownership)
        layout.addWidget(self.history_label)
        layout.addLayout(actions)
        layout.addWidget(self.keys_hint)
        # Tab follows the layout (chips, list, buttons); the list takes the focus on open.
        order = [*self.chips.values(), self.hide_read_button, self.list]
        order += [self.mine_button, self.unclaimed_button, self.claim_button, self.give_button]
        order += [self.mark_read_button, self.mark_all_button]
        for before, after in pairwise(order):
            QWidget.setTabOrder(before, after)

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
        state.claims_changed.connect(self.set_claims)
        state.claim_notice_changed.connect(self.claim_status.setText)
        self.set_claims(state.claims)
        self.claim_status.setText(state.claim_notice)
        state.on_duty_changed.connect(self._show_on_duty)
        state.account_changed.connect(self._show_on_duty)
        self._show_on_duty()
        self._render_state()

    def _show_on_duty(self, *_changed: object) -> None:
        """The one line of who is on duty now (core.duty); none while signed out."""
        state = self._state
        self.on_duty_line.setVisible(state is not None and state.signed_in)
        if state is not None:
            self.on_duty_line.setText(on_duty_line(QCoreApplication.translate, state.on_duty))

    def set_claims(self, claims: ClaimBoard) -> None:
        """Who holds which item (live: another admin's claim shows within a second)."""
        self.model.set_claims(claims)
        self.filter.set_claims(claims)
        self._refresh_chrome()

    def _render_state(self, *_changed: object) -> None:
        state = self._state
        if state is None or not state.signed_in:
            self.show_signed_out()
        else:
            self.set_notifications(state.feed.items)

    def show_signed_out(self) -> None:
        """No account: no item of the previous one, and the reason the list is empty."""
        self.model.set_notifications(())
        self.empty.setText(self.tr(SIGNED_OUT))
        self._refresh_chrome()

    def set_notifications(self, notifications: Sequence[Notification]) -> None:
        """Show the feed state as it now is (live updates call this again).

        The current item stays current, and the row the admin is looking at stays
        where it is on screen: new items arrive above it instead of pushing it down.
        """
        self.empty.setText(self.tr(CAUGHT_UP))
        anchor = self._row_in_view()
        self.model.set_notifications(notifications)
        if anchor is not None:
            self._keep_in_view(*anchor)
        if not self.list.currentIndex().isValid():
            self.select_newest_unread()
        self._refresh_chrome()

    def visible_notifications(self) -> list[Notification]:
        rows = range(self.filter.rowCount())
        return [self.filter.index(row, 0).data(NOTIFICATION_ROLE) for row in rows]

    def select_newest_unread(self) -> None:
        """Make the newest unread item shown current (the newest shown when all are read)."""
        shown = self.visible_notifications()
        if not shown:
            return
        row = next((row for row, item in enumerate(shown) if not item.read), 0)
        index = self.filter.index(row, 0)
        self.list.setCurrentIndex(index)
        self.list.scrollTo(index)

    def showEvent(self, event: QShowEvent) -> None:
        self.relative_time_clock.start()
        self.list.viewport().update()
        if not event.spontaneous():  # opened by the app, not restored by the window manager
            self.select_newest_unread()
            self.list.setFocus()
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        self.relative_time_clock.stop()
        super().hideEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close()
            return
        super().keyPressEvent(event)

    def _row_in_view(self) -> tuple[QPersistentModelIndex, int] | None:
        """The row the admin is looking at (the current one when in view, else the top one)
        and its top edge in the viewport, while the list is on screen."""
        if not self.list.isVisible():
            return None
        current = self.list.currentIndex()
        in_view = self.list.viewport().rect().intersects(self.list.visualRect(current))
        index = current if current.isValid() and in_view else self.list.indexAt(QPoint(0, 0))
        if not index.isValid():
            return None
        return QPersistentModelIndex(index), self.list.visualRect(index).top()

    def _keep_in_view(self, row: QPersistentModelIndex, top: int) -> None:
        """Scroll so that ``row`` is back at ``top`` after rows came or went above it."""
        if not row.isValid():
            return
        self.list.doItemsLayout()  # the view lays out inserted rows lazily
        bar = self.list.verticalScrollBar()
        bar.setValue(
            bar.value() + self.list.visualRect(self.filter.index(row.row(), 0)).top() - top
        )

    def _remember_next_row(self, _parent: QModelIndex, first: int, last: int) -> None:
        """A current row about to leave the list (read while Hide read is on) hands the focus
        to the row below it, the next in reading order, as a mail client does; Qt's
        default is the row above."""
        if first <= self.list.currentIndex().row() <= last:
            below = last + 1 if last + 1 < self.filter.rowCount() else first - 1
            self._next_current = QPersistentModelIndex(self.filter.index(below, 0))

    def _go_to_next_row(self, *_removed: object) -> None:
        row, self._next_current = self._next_current, None
        if row is not None and row.isValid():
            self.list.setCurrentIndex(self.filter.index(row.row(), 0))

    def _selected(self) -> list[Notification]:
        indexes = self.list.selectionModel().selectedIndexes() or [self.list.currentIndex()]
        items = [index.data(NOTIFICATION_ROLE) for index in indexes if index.isValid()]
        return [item for item in items if isinstance(item, Notification)]

    def _open(self, index: QModelIndex) -> None:
        item = index.data(NOTIFICATION_ROLE)
        if isinstance(item, Notification):
            self.open_requested.emit(item)

    def _toggle_read(self) -> None:
        """Space: the selection becomes read if any of it is unread, else unread again."""
        selected = self._selected()
        unread = [item.id for item in selected if not item.read]
        if unread:
            self.mark_read_requested.emit(unread)
        elif selected:
            self.mark_unread_requested.emit([item.id for item in selected])

    def _current(self) -> Notification | None:
        item = self.list.currentIndex().data(NOTIFICATION_ROLE)
        return item if isinstance(item, Notification) else None

    def _toggle_claim(self) -> None:
        """C or the Claim button: release the current item when it is this admin's, else
        claim it (the server answers who has it when someone else was first)."""
        item = self._current()
        key: ClaimKey | None = None if item is None else core_claims.claim_key(item)
        if item is None or key is None:
            return
        claim = core_claims.holder_of(self.model.claims, item)
        if claim is not None and claim.holder == self.model.claims.me:
            self.release_requested.emit(key)
        else:
            self.claim_requested.emit(key)

    def _refresh_claim_button(self, *_changed: object) -> None:
        """Claim, or Release on an item of this admin's; off where no owner is needed."""
        item = self._current()
        claim = None if item is None else core_claims.holder_of(self.model.claims, item)
        if claim is not None and claim.holder == self.model.claims.me:
            self.claim_button.setText(self.tr("Release"))
            _explain(self.claim_button, self.tr("Let another admin take this item (C)"))
        else:
            self.claim_button.setText(self.tr("Claim"))
            _explain(self.claim_button, self.tr("Take this item so other admins know (C)"))
        key = None if item is None else core_claims.claim_key(item)
        self.claim_button.setEnabled(key is not None)
        self.give_button.setEnabled(key is not None)
        if (key, claim) != self._history_of:  # another item, or its holder changed
            self._history_of = (key, claim)
            self.history_label.setText("")
            if key is not None:
                self.history_requested.emit(key)

    def _offer_give_to(self) -> None:
        """G or Give to…: the other admins of the duty roster in a menu under the button
        (keyboard: arrows and Enter, Esc closes); the one chosen gets the current item."""
        item = self._current()
        key = None if item is None else core_claims.claim_key(item)
        if key is None:
            return
        self.give_menu.clear()
        choices = core_claims.give_to_choices(self.model.claims, key)
        for entry in choices:
            label = core_claims.give_to_label(QCoreApplication.translate, entry)
            # a name is plain text: QMenu would read "R&D" as R + mnemonic D
            action = self.give_menu.addAction(label.replace("&", "&&"))
            action.triggered.connect(
                lambda _checked=False, to=entry: self.reassign_requested.emit(key, to)
            )
        if not choices:
            nobody = self.give_menu.addAction(self.tr("No other admin on the team yet"))
            nobody.setEnabled(False)
        self.give_menu.setActiveAction(self.give_menu.actions()[0])
        self.give_menu.popup(self.give_button.mapToGlobal(QPoint(0, self.give_button.height())))

    def show_history(self, key: ClaimKey, events: Sequence[ClaimEvent]) -> None:
        """The trail of ``key``, if it is still the current item's (times in local time)."""
        if key == self._history_of[0]:
            local = [replace(event, at=event.at.astimezone()) for event in events]
            self.history_label.setText(core_claims.history_words(QCoreApplication.translate, local))

    def _ownership_chosen(self, checked: bool) -> None:
        """Mine and Unclaimed exclude each other: choosing one clears the other."""
        chosen = self.sender()
        if checked:
            for chip in self.ownership_chips.values():
                if chip is not chosen and chip.isChecked():
                    chip.blockSignals(True)
                    chip.setChecked(False)
                    chip.blockSignals(False)
        self._apply_filter()

    def _mark_selected_read(self) -> None:
        ids = [item.id for item in self._selected() if not item.read]
        if ids:
            self.mark_read_requested.emit(ids)

    def _mark_all_read(self) -> None:
        """Everything up to the newest item; with types (or Mine / Unclaimed) chosen, exactly
        the unread ones shown."""
        if self.filter.types or self.filter.ownership is not Ownership.ALL:
            ids = [item.id for item in self.visible_notifications() if not item.read]
            if ids:
                self.mark_read_requested.emit(ids)
        elif self.model.items:
            self.mark_all_read_requested.emit(self.model.items[0].id)

    def _apply_filter(self) -> None:
        chosen = frozenset(kind for kind, chip in self.chips.items() if chip.isChecked())
        ownership = next(
            (kind for kind, chip in self.ownership_chips.items() if chip.isChecked()),
            Ownership.ALL,
        )
        self.filter.show_only(
            chosen, hide_read=self.hide_read_button.isChecked(), ownership=ownership
        )
        if not self.list.currentIndex().isValid():
            self.select_newest_unread()
        self.list.scrollTo(self.list.currentIndex())
        self._refresh_chrome()

    def _refresh_chrome(self) -> None:
        """Counts and actions follow what is shown: with types chosen, only those types."""
        unread = sum(1 for item in self.visible_notifications() if not item.read)
        if self.filter.types:
            count = self.tr("%n unread of the chosen types", None, unread)
            self.mark_all_button.setText(self.tr("Mark &all shown read"))
            _explain(
                self.mark_all_button, self.tr("Mark the notifications of the chosen types read")
            )
        else:
            count = self.tr("%n unread", None, unread)
            self.mark_all_button.setText(self.tr("Mark &all read"))
            _explain(self.mark_all_button, self.tr("Mark every notification read"))
        hint = self.tr(
            "↑ ↓ Home End: move · Enter: open in the web admin · Space: read/unread · "
            "C: claim or release · G: give to… · "
            "Ctrl+A: select all · {hide}: hide read · {mark_all}: mark all read · Esc: close"
        ).format(hide=_shortcut(self.hide_read_button), mark_all=_shortcut(self.mark_all_button))
        self.keys_hint.setText(hint)
        self.list.setAccessibleDescription(hint)
        self.unread_label.setText(count if unread else "")
        self.mark_all_button.setEnabled(unread > 0)
        self.mark_read_button.setEnabled(unread > 0)
        self.stack.setCurrentWidget(self.list if self.filter.rowCount() else self.empty)
        self._refresh_claim_button()

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
