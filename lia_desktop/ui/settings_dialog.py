"""Settings: every field of the settings schema, with errors under each field.

Values go in and out as a plain mapping keyed by the schema's field names;
validation is core's (``validate`` is injected), so the dialog never decides
what a valid URL or quiet-hours range is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, time
from typing import Any

from PySide6.QtCore import QCoreApplication, QDateTime, QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLineEdit,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from lia_desktop.core.models import Priority
from lia_desktop.core.problems import where_to_find_project_keys
from lia_desktop.core.settings import (
    DEFAULT_ESCALATE_MINUTES,
    DEFAULT_REMIND_MINUTES,
    ESCALATE_MINUTES,
    REMIND_MINUTES,
)
from lia_desktop.ui.i18n import QT_TRANSLATE_NOOP
from lia_desktop.ui.toast_choices import ToastChoices
from lia_desktop.ui.widgets import FieldForm, GrowsWithText, Label
from lia_desktop.ui.window_fit import ScrollBody

Values = Mapping[str, Any]
Validate = Callable[[Values], Mapping[str, str]]

PRIORITY_LABELS = {
    Priority.LOW: QT_TRANSLATE_NOOP("SettingsDialog", "Everything"),
    Priority.MEDIUM: QT_TRANSLATE_NOOP("SettingsDialog", "Medium and above"),
    Priority.HIGH: QT_TRANSLATE_NOOP("SettingsDialog", "High and urgent"),
    Priority.URGENT: QT_TRANSLATE_NOOP("SettingsDialog", "Urgent only"),
}


def _minutes_box(bounds: tuple[int, int]) -> QSpinBox:
    """Whole minutes within ``bounds`` (the schema's): a value outside cannot be typed."""
    box = QSpinBox()
    box.setRange(*bounds)
    box.setSuffix(QCoreApplication.translate("SettingsDialog", " min"))
    description = QCoreApplication.translate("SettingsDialog", "From {low} to {high} minutes")
    box.setAccessibleDescription(description.format(low=bounds[0], high=bounds[1]))
    box.setToolTip(box.accessibleDescription())
    return box


def _time(editor: QTimeEdit) -> time:
    value = editor.time()
    return time(value.hour(), value.minute())


class OptionalEdit(QWidget):
    """A checkbox that switches a time editor on; unchecked means None."""

    def __init__(self, label: str, editors: list[QTimeEdit] | list[QDateTimeEdit]) -> None:
        super().__init__()
        self.check = QCheckBox(label)
        self.editors = editors
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.check)
        for index, editor in enumerate(editors):
            if index:
                row.addWidget(Label(self.tr("to")))
            row.addWidget(editor)
        row.addStretch(1)
        self.check.toggled.connect(self._sync)
        self._sync(False)

    def _sync(self, on: bool) -> None:
        for editor in self.editors:
            editor.setEnabled(on)


class SettingsDialog(QDialog):
    """Edits the settings; Save emits ``save_requested`` and the caller decides.

    The dialog stays open until the caller calls :meth:`accept` (saved and
    applied) or :meth:`show_errors` (a field the server refused: a URL that
    does not answer, a key it does not accept), with :meth:`set_busy` while it
    checks.
    """

    save_requested = Signal(dict)

    def __init__(self, values: Values, validate: Validate, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("LIA Admin — Settings"))
        self._validate = validate
        self.supabase_url = QLineEdit()
        self.anon_key = QLineEdit()
        self.web_admin_url = QLineEdit()
        self.quiet_start = QTimeEdit()
        self.quiet_end = QTimeEdit()
        for editor in (self.quiet_start, self.quiet_end):
            editor.setDisplayFormat("HH:mm")
        self.quiet_hours = OptionalEdit(self.tr("From"), [self.quiet_start, self.quiet_end])
        self.dnd_until_edit = QDateTimeEdit()
        self.dnd_until_edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.dnd = OptionalEdit(self.tr("Until"), [self.dnd_until_edit])
        # The row reads "Quiet hours: [x] From 22:00 to 07:00"; each part alone must say it.
        for widget, name, description in (
            (
                self.quiet_hours.check,
                self.tr("Quiet hours"),
                self.tr("No toasts between these times every day; urgent ones still come"),
            ),
            (self.quiet_start, self.tr("Quiet hours start"), ""),
            (self.quiet_end, self.tr("Quiet hours end"), ""),
            (self.dnd.check, self.tr("Do not disturb"), self.tr("No toasts until this time")),
            (self.dnd_until_edit, self.tr("Do not disturb until"), ""),
        ):
            widget.setAccessibleName(name)
            widget.setAccessibleDescription(description)
        self.min_priority = QComboBox()
        for priority, label in PRIORITY_LABELS.items():
            self.min_priority.addItem(self.tr(label), priority)
        self.sounds = QCheckBox(self.tr("Play a sound with toasts"))
        self.launch_at_login = QCheckBox(self.tr("Start LIA Admin when I log in"))
        self.urgent_in_dnd = QCheckBox(self.tr("Urgent notifications break through do not disturb"))
        self.toast_types = ToastChoices()
        self.remind_after = _minutes_box(REMIND_MINUTES)
        self.escalate_after = _minutes_box(ESCALATE_MINUTES)
        self.away_when_locked = QCheckBox(
            self.tr("Set me Away while my screen is locked or asleep")
        )
        self.language = QComboBox()
        # each language named in itself, so an admin who cannot read the current one finds theirs
        for code, label in (
            ("system", self.tr("Same as the system")),
            ("es", "Español"),
            ("en", "English"),
        ):
            self.language.addItem(label, code)

        self.form = FieldForm()
        self.form.add_field("supabase_url", self.tr("Supabase URL"), self.supabase_url)
        self.form.add_field("anon_key", self.tr("Anon key"), self.anon_key)
        self.hint = self.form.add_hint(where_to_find_project_keys(QCoreApplication.translate))
        self.form.add_field("web_admin_url", self.tr("Web admin URL"), self.web_admin_url)
        self.form.add_field("quiet_hours", self.tr("Quiet hours"), self.quiet_hours)
        self.form.add_field("dnd_until", self.tr("Do not disturb"), self.dnd)
        self.form.add_field("min_priority", self.tr("Toasts for"), self.min_priority)
        self.form.add_field("sounds", self.tr("Sounds"), self.sounds)
        self.form.add_field("urgent_in_dnd", self.tr("Urgent"), self.urgent_in_dnd)
        self.form.add_field("toast_types", self.tr("Toasts by type"), self.toast_types)
        self.form.add_field(
            "remind_after_minutes",
            self.tr("Remind me of items I claimed after"),
            self.remind_after,
        )
        self.form.add_field(
            "escalate_after_minutes",
            self.tr("Escalate urgent unclaimed items after"),
            self.escalate_after,
        )
        self.form.add_field("away_when_locked", self.tr("Away"), self.away_when_locked)
        self.form.add_field("launch_at_login", self.tr("Launch at login"), self.launch_at_login)
        self.form.add_field("language", self.tr("Language"), self.language)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(self.tr("Save"))
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(ScrollBody(self.form), 1)  # scrolls where the screen is too small
        layout.addWidget(buttons)
        GrowsWithText(self)
        self.set_values(values)

    def set_values(self, values: Values) -> None:
        self.supabase_url.setText(values.get("supabase_url", ""))
        self.anon_key.setText(values.get("anon_key", ""))
        self.web_admin_url.setText(values.get("web_admin_url", ""))
        start: time | None = values.get("quiet_start")
        end: time | None = values.get("quiet_end")
        self.quiet_hours.check.setChecked(start is not None and end is not None)
        self.quiet_start.setTime(QTime(start.hour, start.minute) if start else QTime(22, 0))
        self.quiet_end.setTime(QTime(end.hour, end.minute) if end else QTime(7, 0))
        until: datetime | None = values.get("dnd_until")
        self.dnd.check.setChecked(until is not None)
        self.dnd_until_edit.setDateTime(
            QDateTime.fromSecsSinceEpoch(int(until.timestamp()))
            if until
            else QDateTime.currentDateTime().addSecs(3600)
        )
        self.min_priority.setCurrentIndex(
            self.min_priority.findData(values.get("min_priority", Priority.LOW))
        )
        self.sounds.setChecked(bool(values.get("sounds", True)))
        self.urgent_in_dnd.setChecked(bool(values.get("urgent_in_dnd", False)))
        self.toast_types.set_choices(values.get("toast_types", {}))
        self.remind_after.setValue(values.get("remind_after_minutes", DEFAULT_REMIND_MINUTES))
        self.escalate_after.setValue(values.get("escalate_after_minutes", DEFAULT_ESCALATE_MINUTES))
        self.away_when_locked.setChecked(bool(values.get("away_when_locked", True)))
        self.launch_at_login.setChecked(bool(values.get("launch_at_login", False)))
        self.language.setCurrentIndex(max(0, self.language.findData(values.get("language"))))

    def values(self) -> dict[str, Any]:
        quiet = self.quiet_hours.check.isChecked()
        return {
            "supabase_url": self.supabase_url.text().strip(),
            "anon_key": self.anon_key.text().strip(),
            "web_admin_url": self.web_admin_url.text().strip(),
            "quiet_start": _time(self.quiet_start) if quiet else None,
            "quiet_end": _time(self.quiet_end) if quiet else None,
            "dnd_until": (
                datetime.fromtimestamp(
                    self.dnd_until_edit.dateTime().toSecsSinceEpoch()
                ).astimezone()
                if self.dnd.check.isChecked()
                else None
            ),
            "min_priority": self.min_priority.currentData(),
            "sounds": self.sounds.isChecked(),
            "urgent_in_dnd": self.urgent_in_dnd.isChecked(),
            "toast_types": self.toast_types.choices(),
            "remind_after_minutes": self.remind_after.value(),
            "escalate_after_minutes": self.escalate_after.value(),
            "away_when_locked": self.away_when_locked.isChecked(),
            "launch_at_login": self.launch_at_login.isChecked(),
            "language": self.language.currentData(),
        }

    def show_errors(self, errors: Mapping[str, str]) -> None:
        """Errors per field name; quiet_start/quiet_end both show on the quiet-hours row."""
        merged: dict[str, str] = {}
        for key, message in errors.items():
            row = "quiet_hours" if key in ("quiet_start", "quiet_end") else key
            merged[row] = f"{merged[row]} {message}" if row in merged else message
        self.form.set_errors(merged)

    def _save(self) -> None:
        values = self.values()
        errors = self._validate(values)
        self.show_errors(errors)
        if errors:
            return
        self.save_requested.emit(values)

    def set_busy(self, busy: bool) -> None:
        """While the caller checks the values against the server: inputs locked, it says so."""
        for field in self.form.fields.values():
            field.setEnabled(not busy)
        self.save_button.setEnabled(not busy)
        self.save_button.setText(self.tr("Checking…") if busy else self.tr("Save"))
