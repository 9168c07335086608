"""Small building blocks shared by the windows: plain-text labels and tooltips, a pulsing dot,
a skeleton bar, a palette watcher and a form with per-field errors."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import QEasingCurve, QEvent, QObject, QSize, Qt, QVariantAnimation
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QApplication,
    QFormLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from lia_desktop.core.text import markup_escaped
from lia_desktop.ui.theme import TREND_DOWN, Theme, theme_for
from lia_desktop.ui.window_fit import keep_on_screen, room_on_screen


class Label(QLabel):
    """A QLabel that never guesses: its text is always plain text.

    QLabel's default ``AutoText`` renders anything that *looks* like HTML as
    HTML, and much of what the app shows comes from customers or servers
    (core.text). Every label of the app is one of these.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setText(text)


def plain_tooltip(text: str) -> str:
    """A tooltip that shows ``text`` as written.

    Qt has no plain-text tooltips: it renders whatever ``mightBeRichText``, so
    an ``<img src=file:///dev/zero>`` in a review would be loaded. Escaping it
    into a paragraph makes the rich-text engine show the characters instead.
    """
    return f"<p style='white-space:pre-wrap'>{markup_escaped(text)}</p>" if text else ""


class Pulse(QObject):
    """One breathing opacity shared by every dot of a window.

    It runs only while its window is visible (the window calls start/stop from
    show/hide events), so a hidden stats window costs no CPU.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.opacity = 1.0
        self.dots: list[PulseDot] = []
        self._animation = QVariantAnimation(self)
        self._animation.setDuration(1600)
        self._animation.setStartValue(1.0)
        self._animation.setKeyValueAt(0.5, 0.3)
        self._animation.setEndValue(1.0)
        self._animation.setEasingCurve(QEasingCurve.Type.InOutSine)
        self._animation.setLoopCount(-1)
        self._animation.valueChanged.connect(self._step)

    @property
    def running(self) -> bool:
        return self._animation.state() == QVariantAnimation.State.Running

    def start(self) -> None:
        self._animation.start()

    def stop(self) -> None:
        self._animation.stop()
        self._step(1.0)

    def _step(self, value: object) -> None:
        self.opacity = float(value)  # type: ignore[arg-type]
        for dot in self.dots:
            if dot.pulsing:
                dot.update()


class PulseDot(QWidget):
    """A small filled disc; pulses with its Pulse unless told to hold still."""

    def __init__(self, pulse: Pulse, color: str, diameter: int = 8) -> None:
        super().__init__()
        self._pulse = pulse
        self._color = QColor(color)
        self._diameter = diameter
        self.pulsing = True
        pulse.dots.append(self)
        self.destroyed.connect(lambda: pulse.dots.remove(self) if self in pulse.dots else None)
        self.setFixedSize(QSize(diameter + 2, diameter + 2))

    @property
    def color(self) -> str:
        return str(self._color.name())

    def set_color(self, color: str, *, pulsing: bool = True) -> None:
        self._color = QColor(color)
        self.pulsing = pulsing
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setOpacity(self._pulse.opacity if self.pulsing else 1.0)
        painter.setBrush(self._color)
        painter.drawEllipse(1, 1, self._diameter, self._diameter)
        painter.end()


class SkeletonBar(QWidget):
    """A grey block standing in for a figure until the first snapshot arrives."""

    def __init__(self, height: int, width: int | None = None) -> None:
        super().__init__()
        self.setFixedHeight(height)
        if width is not None:
            self.setFixedWidth(width)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(theme_for(QApplication.palette()).skeleton))
        painter.end()


class PaletteWatcher(QObject):
    """Calls ``apply(theme)`` now and whenever the system palette flips dark/light."""

    def __init__(self, window: QWidget, apply: Callable[[Theme], None]) -> None:
        super().__init__(window)
        self._apply = apply
        window.installEventFilter(self)
        apply(theme_for(QApplication.palette()))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ApplicationPaletteChange:
            self._apply(theme_for(QApplication.palette()))
        return False


class FieldForm(QFormLayout):
    """A form whose every field has its own error line right under it.

    A screen reader hears each field by its row's label (its accessible name, unless
    the field has one of its own) and, once a save fails, the field's error first
    in its description: set_errors moves the focus there, so the error is read out.
    """

    def __init__(self) -> None:
        super().__init__()
        # Narrow (a 200 % scale), a field goes under its label rather than past the edge.
        self.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.fields: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self._descriptions: dict[str, str] = {}

    def add_field(self, key: str, label: str, widget: QWidget) -> None:
        error = Label()
        error.setObjectName(f"{key}_error")
        error.setStyleSheet(f"color: {TREND_DOWN};")
        error.setWordWrap(True)
        error.hide()
        column = QVBoxLayout()
        column.setSpacing(2)
        column.addWidget(widget)
        column.addWidget(error)
        caption = Label(label)
        caption.setBuddy(widget)
        if not widget.accessibleName():
            widget.setAccessibleName(label)
        self.addRow(caption, column)
        self.fields[key] = widget
        self.errors[key] = error

    def add_hint(self, text: str) -> Label:
        """A line of help across the form (wrapped plain text), under the rows added so far."""
        hint = Label(text)
        hint.setObjectName("secondary")
        hint.setWordWrap(True)
        self.addRow(hint)
        return hint

    def set_errors(self, errors: Mapping[str, str]) -> None:
        """Show each message under its field; clear the fields not mentioned."""
        unknown = set(errors) - set(self.errors)
        if unknown:
            raise KeyError(f"errors for fields this form does not have: {sorted(unknown)}")
        for key, label in self.errors.items():
            label.setText(errors.get(key, ""))
            label.setVisible(key in errors)
            self._describe(key, errors.get(key, ""))
        if errors:
            self.fields[next(iter(errors))].setFocus()

    def _describe(self, key: str, error: str) -> None:
        field = self.fields[key]
        own = self._descriptions.setdefault(key, field.accessibleDescription())
        field.setAccessibleDescription(" ".join(part for part in (error, own) if part))


class GrowsWithText(QObject):
    """Makes a window at least as tall as its word-wrapped text needs at its width.

    A dialog keeps its size when an error appears or a translation is longer,
    and Qt's layout minimum ignores the height a wrapped label needs at the
    window's actual width: the message was cut off. Whenever the layout
    changes, the window is shown or resized, it grows to its height-for-width.
    """

    _EVENTS = frozenset({QEvent.Type.LayoutRequest, QEvent.Type.Show, QEvent.Type.Resize})

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in self._EVENTS:
            self.fit()
        return False

    def fit(self) -> None:
        window = self._window
        if not window.isVisible():  # before the first show, its width is not decided yet
            return
        needed = min(window.heightForWidth(window.width()), room_on_screen(window).height())
        if window.height() < needed:  # taller than the screen allows, the form scrolls
            window.resize(window.width(), needed)
            keep_on_screen(window)
