"""Whether a message label shows all of its text (the dialogs used to cut errors off)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel


def shown_whole(label: QLabel) -> bool:
    """Word-wrapped, as tall as its text needs at its width, and inside its window."""
    window = label.window()
    inside = window.rect().contains(label.mapTo(window, label.rect().bottomRight()))
    return label.wordWrap() and label.height() >= label.heightForWidth(label.width()) and inside
