"""Whether a message label shows all of its text (the dialogs used to cut errors off)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QScrollArea, QWidget


def shown_whole(label: QLabel) -> bool:
    """Word-wrapped, as tall as its text needs at its width, and inside its window, or inside
    the content of the scroll area it is in (a form taller than the screen scrolls)."""
    host: QWidget = label.window()
    parent = label.parentWidget()
    while parent is not None and parent is not host:
        if isinstance(parent, QScrollArea) and parent.widget() is not None:
            host = parent.widget()
            break
        parent = parent.parentWidget()
    inside = host.rect().contains(label.mapTo(host, label.rect().bottomRight()))
    return label.wordWrap() and label.height() >= label.heightForWidth(label.width()) and inside
