"""The settings' "Toasts by type": for each notification type, how it toasts and whether
it asks for a sound; "Automatic" follows the item's priority (core.attention's defaults).

A grid of two combo boxes per type, read and written as core's ``TypeChoice`` values, so
the dialog holds no policy of its own.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QComboBox, QGridLayout, QWidget

from lia_desktop.core.attention import Delivery, TypeChoice
from lia_desktop.core.models import NotificationType
from lia_desktop.ui.notification_center import TYPE_LOOK
from lia_desktop.ui.widgets import Label

_SOUND_ON, _SOUND_OFF = "on", "off"


class ToastChoices(QWidget):
    """One row per notification type: delivery and sound, each "Automatic" by default."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(Label(self.tr("Notification")), 0, 0)
        grid.addWidget(Label(self.tr("Toast")), 0, 1)
        grid.addWidget(Label(self.tr("Sound")), 0, 2)
        # item data are strings ("" = automatic): a None in a QVariant cannot be found again
        deliveries = [
            (self.tr("Automatic"), ""),
            (self.tr("Own toast"), Delivery.OWN_TOAST.value),
            (self.tr("Grouped"), Delivery.GROUPED.value),
            (self.tr("List only"), Delivery.LIST_ONLY.value),
        ]
        sounds = [
            (self.tr("Automatic"), ""),
            (self.tr("On"), _SOUND_ON),
            (self.tr("Off"), _SOUND_OFF),
        ]
        # short choices keep the grid narrow (the dialog fits 1280x800 at 200 %); the
        # tooltips say what "Automatic" does
        automatic = self.tr(
            "Automatic follows the priority: urgent and high get their own toast, medium ones "
            "are grouped into summaries, low ones only go to the list."
        )
        automatic_sound = self.tr("Automatic: a sound for urgent and high notifications only.")
        self.delivery: dict[NotificationType, QComboBox] = {}
        self.sound: dict[NotificationType, QComboBox] = {}
        for row, kind in enumerate(NotificationType, start=1):
            name = QCoreApplication.translate("NotificationCenter", TYPE_LOOK[kind][1])
            grid.addWidget(Label(name), row, 0)
            delivery, sound = QComboBox(), QComboBox()
            for text, value in deliveries:
                delivery.addItem(text, value)
            for text, flag in sounds:
                sound.addItem(text, flag)
            delivery.setAccessibleName(self.tr("Toast for %1").replace("%1", name))
            sound.setAccessibleName(self.tr("Sound for %1").replace("%1", name))
            delivery.setToolTip(automatic)
            delivery.setAccessibleDescription(automatic)
            sound.setToolTip(automatic_sound)
            sound.setAccessibleDescription(automatic_sound)
            grid.addWidget(delivery, row, 1)
            grid.addWidget(sound, row, 2)
            self.delivery[kind], self.sound[kind] = delivery, sound

    def set_choices(self, choices: Mapping[NotificationType, TypeChoice]) -> None:
        for kind in NotificationType:
            choice = choices.get(kind, TypeChoice())
            delivery = "" if choice.delivery is None else choice.delivery.value
            sound = "" if choice.sound is None else (_SOUND_ON if choice.sound else _SOUND_OFF)
            self.delivery[kind].setCurrentIndex(self.delivery[kind].findData(delivery))
            self.sound[kind].setCurrentIndex(self.sound[kind].findData(sound))

    def choices(self) -> dict[NotificationType, TypeChoice]:
        """The types the admin set; the ones left "Automatic" on both are left out."""
        chosen = {}
        for kind in NotificationType:
            delivery, sound = self.delivery[kind].currentData(), self.sound[kind].currentData()
            choice = TypeChoice(
                Delivery(delivery) if delivery else None, sound == _SOUND_ON if sound else None
            )
            if choice != TypeChoice():
                chosen[kind] = choice
        return chosen
