"""Windows that fit the screen at any scale, and come back where they were.

At 200 % a 1280x800 screen is 640x400 logical pixels, and a window whose
minimum is larger is cut off: its buttons end below the screen edge. So what
can grow (the stats cards and chart, a form) sits in a ``ScrollBody``, chips
wrap in a ``FlowLayout``, and every window goes through ``place_window`` when it
is made: its saved geometry restored (or its default size), then shrunk and
moved into the available area of the screen it lands on, which may be smaller
than the one it was saved on. Hiding a window saves its geometry again.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, QObject, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import (
    QFrame,
    QLayout,
    QLayoutItem,
    QScrollArea,
    QStyle,
    QWidget,
)

from lia_desktop.services.window_store import WindowStore

#: Room kept above a window for the title bar a window manager adds, and around it for its
#: border (logical px), until the window manager has told the real ones.
TITLE_BAR = 32
BORDER = 4


class _Body(QWidget):
    """A scroll area's content: as tall as its *minimum* for the width (QScrollArea sizes
    content with wrapped text to its height-for-width, the preferred height, and would
    scroll a window that still has room); stretch fills the rest."""

    def heightForWidth(self, width: int) -> int:
        layout = self.layout()
        return layout.minimumHeightForWidth(width) if layout is not None else -1


class ScrollBody(QScrollArea):
    """A frameless, transparent scroll area around ``content``, whose size hint is the
    content's up to the screen: a window opens at its natural size where that fits and
    scrolls (rather than being cut off) where it does not."""

    #: a change made while hidden (errors set before the first show) is heard at the show
    _CONTENT_CHANGES = frozenset({QEvent.Type.LayoutRequest, QEvent.Type.Show})

    def __init__(self, content: QLayout) -> None:
        super().__init__()
        self.content = _Body()
        self.content.setLayout(content)
        self.setWidget(self.content)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.viewport().setAutoFillBackground(False)
        # Tab goes to the content's widgets, and the area scrolls to the one focused.
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # QScrollArea keeps a content change to itself; the window's layout (and GrowsWithText)
        # must hear of it, or an error shown under a field makes it scroll instead of grow.
        if event.type() in self._CONTENT_CHANGES and watched is self.widget():
            self.updateGeometry()
        return super().eventFilter(watched, event)

    def sizeHint(self) -> QSize:
        content = self.content.sizeHint()
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        room = room_on_screen(self.window())
        return QSize(content.width() + bar, content.height()).boundedTo(room)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        """The content's height at ``width`` up to the screen's: a window that grows to show
        a wrapped message (widgets.GrowsWithText) grows to the screen edge, then scrolls."""
        return min(self.content.heightForWidth(width), room_on_screen(self.window()).height())


class FlowLayout(QLayout):
    """Items left to right, wrapping onto the next line when the width runs out (Qt's flow
    layout example): a row of chips never makes its window wider than the screen."""

    def __init__(self, spacing: int = 4) -> None:
        super().__init__()
        self._items: list[QLayoutItem] = []
        self.setSpacing(spacing)
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._lay_out(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._lay_out(rect, move=True)

    def sizeHint(self) -> QSize:
        """One line of every item: the width it asks for when there is room."""
        width = sum(item.sizeHint().width() for item in self._items)
        width += self.spacing() * max(0, len(self._items) - 1)
        height = max((item.sizeHint().height() for item in self._items), default=0)
        margins = self.contentsMargins()
        return QSize(
            width + margins.left() + margins.right(), height + margins.top() + margins.bottom()
        )

    def minimumSize(self) -> QSize:
        """The widest single item: anything wider wraps."""
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _lay_out(self, rect: QRect, *, move: bool) -> int:
        """Place the items (when ``move``) line by line, each centred on its line's height;
        returns the height used."""
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        lines: list[list[QLayoutItem]] = [[]]
        x = area.x()
        for item in self._items:
            width = item.sizeHint().width()
            if x + width > area.right() + 1 and lines[-1]:
                lines.append([])
                x = area.x()
            lines[-1].append(item)
            x += width + self.spacing()
        y = area.y()
        for line in lines:
            height = max((item.sizeHint().height() for item in line), default=0)
            x = area.x()
            for item in line:
                hint = item.sizeHint()
                if move:
                    item.setGeometry(QRect(QPoint(x, y + (height - hint.height()) // 2), hint))
                x += hint.width() + self.spacing()
            y += height + self.spacing()
        return y - self.spacing() - rect.y() + margins.bottom()


def _screen_of(widget: QWidget) -> QScreen:
    """The screen under the widget's window, else the primary one (a geometry saved on a
    screen that is gone lands on the primary screen)."""
    window = widget.window()
    screen = QGuiApplication.screenAt(window.geometry().center())
    return screen or window.screen() or QGuiApplication.primaryScreen()


def _margins(window: QWidget) -> tuple[int, int]:
    """(title bar, border) around ``window``: the window manager's once known, else ours."""
    frame, inner = window.frameGeometry(), window.geometry()
    return max(inner.top() - frame.top(), TITLE_BAR), max(inner.left() - frame.left(), BORDER)


def room_on_screen(window: QWidget) -> QSize:
    """The largest size ``window`` can have with its frame inside its screen's available area."""
    top_bar, side = _margins(window)
    return _screen_of(window).availableGeometry().size() - QSize(2 * side, top_bar + side)


def keep_on_screen(window: QWidget) -> None:
    """Shrink ``window`` to the available area of its screen (not below its minimum, which
    is kept small enough to fit) and move it inside, leaving room for its frame."""
    area = _screen_of(window).availableGeometry()
    inner = window.geometry()
    top_bar, side = _margins(window)
    minimum = window.minimumSize().expandedTo(window.minimumSizeHint())
    size = inner.size().boundedTo(room_on_screen(window)).expandedTo(minimum)
    x = max(min(inner.left(), area.right() + 1 - side - size.width()), area.left() + side)
    y = max(min(inner.top(), area.bottom() + 1 - side - size.height()), area.top() + top_bar)
    target = QRect(QPoint(x, y), size)
    if target != inner:  # a window already inside is left alone: its frame may not be known yet
        window.setGeometry(target)


def place_window(window: QWidget, name: str, store: WindowStore) -> None:
    """Before ``window`` is first shown: where it was when last hidden (else centred at its
    default size) and inside the screen; from now on each hide saves its geometry."""
    saved = store.get(name)
    restored = saved is not None and window.restoreGeometry(
        QByteArray.fromBase64(QByteArray(saved.encode()))  # garbage restores nothing
    )
    if not restored:
        area = _screen_of(window).availableGeometry()
        resized = window.testAttribute(Qt.WidgetAttribute.WA_Resized)  # a default size was set
        wanted = window.size() if resized else window.sizeHint()
        size = wanted.boundedTo(room_on_screen(window))
        window.resize(size)
        window.move(area.center() - QPoint(size.width() // 2, size.height() // 2))
    keep_on_screen(window)
    _GeometrySaver(window, name, store)


class _GeometrySaver(QObject):
    """Saves its window's geometry each time the window is hidden (closed, or the app quits)."""

    def __init__(self, window: QWidget, name: str, store: WindowStore) -> None:
        super().__init__(window)
        self._save = lambda: store.put(
            name, bytes(window.saveGeometry().toBase64().data()).decode()
        )
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # A window collected while still shown is hidden from its destructor, after Python
        # has cleared this filter's attributes: nothing to save then (getattr, not a crash).
        save = getattr(self, "_save", None)
        if event.type() == QEvent.Type.Hide and save is not None:
            save()
        return False
