"""Settings dialog: round-trips every field, shows the injected validation per field."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from lia_desktop.core import settings as schema
from lia_desktop.core.attention import Delivery, TypeChoice
from lia_desktop.core.i18n import english
from lia_desktop.core.models import NotificationType, Priority
from lia_desktop.core.problems import Problem, explain, where_to_find_project_keys
from lia_desktop.ui.settings_dialog import SettingsDialog
from tests.ui.wrapped import shown_whole

VALUES: dict[str, Any] = {
    "supabase_url": "http://127.0.0.1:54321",
    "anon_key": "anon",
    "web_admin_url": "https://admin.lia.test",
    "quiet_start": time(22, 30),
    "quiet_end": time(7, 0),
    "dnd_until": datetime(2026, 11, 25, 9, 0).astimezone(),
    "min_priority": Priority.HIGH,
    "sounds": False,
    "launch_at_login": True,
    "urgent_in_dnd": True,
    "toast_types": {
        NotificationType.USER_SIGNED_UP: TypeChoice(Delivery.OWN_TOAST, None),
        NotificationType.DISPUTE_OPENED: TypeChoice(None, False),
    },
    "language": "es",
    "remind_after_minutes": 45,
    "escalate_after_minutes": 5,
    "away_when_locked": False,
}


def url_rule(values: Mapping[str, Any]) -> dict[str, str]:
    """Stands in for core.settings.validate: one URL rule and one range rule."""
    errors = {}
    if not str(values["supabase_url"]).startswith(("http://", "https://")):
        errors["supabase_url"] = "Must start with http:// or https://"
    if values["quiet_start"] is not None and values["quiet_start"] == values["quiet_end"]:
        errors["quiet_end"] = "Quiet hours must not start and end at the same time"
    return errors


@pytest.fixture
def dialog(qtbot: QtBot) -> SettingsDialog:
    widget = SettingsDialog(VALUES, url_rule)
    qtbot.addWidget(widget)
    return widget


def visible_errors(dialog: SettingsDialog) -> dict[str, str]:
    return {k: v.text() for k, v in dialog.form.errors.items() if not v.isHidden()}


def test_every_field_round_trips(dialog: SettingsDialog) -> None:
    assert dialog.values() == VALUES


def test_toasts_by_type_are_chosen_per_row_and_automatic_rows_are_left_out(
    dialog: SettingsDialog,
) -> None:
    rows = dialog.toast_types
    assert rows.delivery[NotificationType.BOOKING_CREATED].currentText() == "Automatic"
    reviews = rows.delivery[NotificationType.REVIEW_CREATED]
    reviews.setCurrentIndex(reviews.findText("List only"))
    sign_ups = rows.delivery[NotificationType.USER_SIGNED_UP]
    sign_ups.setCurrentIndex(sign_ups.findText("Automatic"))
    sound = rows.sound[NotificationType.BOOKING_CREATED]
    sound.setCurrentIndex(sound.findText("On"))
    assert dialog.values()["toast_types"] == {
        NotificationType.REVIEW_CREATED: TypeChoice(Delivery.LIST_ONLY, None),
        NotificationType.DISPUTE_OPENED: TypeChoice(None, False),
        NotificationType.BOOKING_CREATED: TypeChoice(None, True),
    }
    assert (
        sound.accessibleName() == "Sound for Bookings"
    )  # the type named as the center's filter chip


def test_unset_optionals_come_back_as_none(qtbot: QtBot) -> None:
    values = {**VALUES, "quiet_start": None, "quiet_end": None, "dnd_until": None}
    dialog = SettingsDialog(values, url_rule)
    qtbot.addWidget(dialog)
    assert dialog.values() == values
    assert not dialog.quiet_start.isEnabled()


def test_valid_values_are_saved(qtbot: QtBot, dialog: SettingsDialog) -> None:
    dialog.sounds.setChecked(True)
    with qtbot.waitSignal(dialog.save_requested, timeout=1000) as blocker:
        dialog.save_button.click()
    assert blocker.args == [{**VALUES, "sounds": True}]


def test_validation_errors_show_under_their_fields(qtbot: QtBot, dialog: SettingsDialog) -> None:
    dialog.supabase_url.setText("ftp://nope")
    dialog.quiet_end.setTime(dialog.quiet_start.time())
    with qtbot.assertNotEmitted(dialog.save_requested):
        dialog.save_button.click()
    assert visible_errors(dialog) == {
        "supabase_url": "Must start with http:// or https://",
        "quiet_hours": "Quiet hours must not start and end at the same time",
    }
    dialog.supabase_url.setText("https://x.supabase.co")
    dialog.quiet_end.setTime(dialog.quiet_end.time().addSecs(3600))
    with qtbot.waitSignal(dialog.save_requested, timeout=1000):
        dialog.save_button.click()
    assert visible_errors(dialog) == {}


def test_an_error_for_an_unknown_field_is_a_bug(dialog: SettingsDialog) -> None:
    with pytest.raises(KeyError, match="nonexistent"):
        dialog.show_errors({"nonexistent": "x"})


def core_rules(values: Mapping[str, Any]) -> dict[str, str]:
    """The app's validator: core's form_errors, in English."""
    return schema.form_errors(values, english)


def test_one_save_shows_every_refused_field_whole(qtbot: QtBot) -> None:
    dialog = SettingsDialog({**VALUES, "anon_key": "a.b.c"}, core_rules)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.supabase_url.setText("xyz.supabase.co")
    dialog.anon_key.setText("sb_publishable_key")
    dialog.web_admin_url.setText("https://admin.lia.co@evil.example")
    dialog.quiet_end.setTime(dialog.quiet_start.time())
    with qtbot.assertNotEmitted(dialog.save_requested):
        dialog.save_button.click()
    assert visible_errors(dialog) == {
        "supabase_url": explain(Problem.NOT_A_SUPABASE_URL, english),
        "anon_key": explain(Problem.NOT_AN_ANON_KEY, english),
        "web_admin_url": explain(Problem.NOT_A_WEB_ADMIN_URL, english),
        "quiet_hours": explain(Problem.EMPTY_QUIET_HOURS, english),
    }
    labels = [dialog.hint, *dialog.form.errors.values()]
    qtbot.waitUntil(lambda: all(shown_whole(label) for label in labels if label.isVisible()))


def test_a_hint_says_where_the_url_and_anon_key_are(dialog: SettingsDialog) -> None:
    assert dialog.hint.text() == where_to_find_project_keys(english)
    assert dialog.hint.wordWrap()
