"""Settings: "Remind me of items I claimed after [30] min" and "Escalate urgent unclaimed
items after [10] min" (issue 17): whole minutes within the schema's bounds, named for
screen readers, and saved through core's validation like every other field."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from lia_desktop.core import settings as schema
from lia_desktop.core.claims import FollowUp
from lia_desktop.core.i18n import english
from lia_desktop.ui.settings_dialog import SettingsDialog

SAVED = schema.load(
    {
        "schema_version": 2,
        "supabase_url": "https://lia.supabase.co",
        "anon_key": "a.b.c",
        "web_admin_url": "https://admin.lia.test",
    }
)


def open_dialog(qtbot: QtBot, saved: schema.Settings = SAVED) -> SettingsDialog:
    dialog = SettingsDialog(
        schema.form_values(saved), lambda values: schema.form_errors(values, english)
    )
    qtbot.addWidget(dialog)
    return dialog


def test_the_fields_show_the_saved_delays_in_minutes(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot)
    assert (dialog.remind_after.value(), dialog.escalate_after.value()) == (30, 10)
    assert dialog.remind_after.text() == "30 min"
    chosen = open_dialog(qtbot, replace(SAVED, remind_after_minutes=90, escalate_after_minutes=2))
    assert (chosen.remind_after.value(), chosen.escalate_after.value()) == (90, 2)


def test_a_value_outside_the_bounds_cannot_be_entered(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot)
    assert (dialog.remind_after.minimum(), dialog.remind_after.maximum()) == (5, 480)
    assert (dialog.escalate_after.minimum(), dialog.escalate_after.maximum()) == (1, 120)
    dialog.escalate_after.selectAll()
    qtbot.keyClicks(dialog.escalate_after, "500")  # the third digit is refused as typed
    assert dialog.escalate_after.value() == 50
    dialog.remind_after.setValue(1)
    assert dialog.remind_after.value() == 5
    assert dialog.remind_after.toolTip() == "From 5 to 480 minutes"


def test_the_fields_are_named_and_described_for_screen_readers(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot)
    assert dialog.remind_after.accessibleName() == "Remind me of items I claimed after"
    assert dialog.escalate_after.accessibleName() == "Escalate urgent unclaimed items after"
    assert dialog.escalate_after.accessibleDescription() == "From 1 to 120 minutes"


def test_saved_delays_reach_the_settings_as_the_follow_up(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot)
    dialog.remind_after.setValue(15)
    qtbot.keyClick(dialog.escalate_after, Qt.Key.Key_Up)  # 10 → 11
    with qtbot.waitSignal(dialog.save_requested, timeout=1000) as blocker:
        dialog.save_button.click()
    saved = schema.from_form(blocker.args[0])
    assert saved.follow_up() == FollowUp(timedelta(minutes=15), timedelta(minutes=11))
