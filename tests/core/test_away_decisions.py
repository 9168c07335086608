"""Away while the screen is locked or the computer sleeps (issue 17), the decisions: when the
app sets an admin Away, when it sets them back, what the toast on return says, and the
setting that turns it off."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from lia_desktop.core import settings
from lia_desktop.core.away import Absence, AutoAway, AwayWhileAbsent, back_toast
from lia_desktop.core.i18n import english
from lia_desktop.core.models import Duty, DutyEntry, Priority, ToastAction, ToastUrgency
from lia_desktop.core.settings import SettingsError, dump, load

BOGOTA = timezone(timedelta(hours=-5))
T0 = datetime(2026, 11, 30, 10, 2, tzinfo=BOGOTA)
ME = uuid.UUID("00000000-0000-4000-a000-0000000000aa")
KEY = "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiYW5vbiJ9.sig"
SAVED: dict[str, Any] = {
    "schema_version": 2,
    "supabase_url": "https://lia.supabase.co",
    "anon_key": KEY,
    "web_admin_url": "https://admin.lia.test",
}


def row(duty: Duty, since: datetime, name: str = "Ana") -> DutyEntry:
    return DutyEntry(ME, name, duty, since)


#: the server's answer to the app's Away (its clock, a second after the lock)
AWAY_ROW = row(Duty.AWAY, T0.astimezone(UTC) + timedelta(seconds=1))


def locked_away() -> AwayWhileAbsent:
    """An Available admin whose screen locked; the server has their Away."""
    away = AwayWhileAbsent()
    assert away.absent(Absence.LOCKED, Duty.AVAILABLE, True, T0)
    away.went_away(AWAY_ROW)
    return away


# --- going Away -----------------------------------------------------------------------


def test_an_available_admin_goes_away_when_the_screen_locks() -> None:
    away = locked_away()
    assert away.auto == AutoAway(Absence.LOCKED, T0, AWAY_ROW)


@pytest.mark.parametrize("duty", [Duty.AWAY, Duty.OFF_DUTY, None])
def test_an_admin_who_is_not_available_is_left_as_they_chose(duty: Duty | None) -> None:
    away = AwayWhileAbsent()
    assert not away.absent(Absence.LOCKED, duty, True, T0)
    assert away.auto is None
    assert away.present(Absence.LOCKED, None if duty is None else row(duty, T0)) is None


def test_with_the_setting_off_nothing_is_set() -> None:
    away = AwayWhileAbsent()
    assert not away.absent(Absence.ASLEEP, Duty.AVAILABLE, False, T0)
    assert away.auto is None


def test_sleeping_with_the_screen_locked_sets_away_once() -> None:
    away = locked_away()
    assert not away.absent(Absence.ASLEEP, Duty.AWAY, True, T0 + timedelta(minutes=1))
    assert away.auto == AutoAway(Absence.LOCKED, T0, AWAY_ROW)


def test_an_away_the_server_did_not_take_is_not_undone() -> None:
    away = AwayWhileAbsent()
    assert away.absent(Absence.LOCKED, Duty.AVAILABLE, True, T0)
    away.went_away(None)
    assert away.auto is None
    assert away.present(Absence.LOCKED, row(Duty.AVAILABLE, T0)) is None


def test_an_answer_with_nothing_pending_is_ignored() -> None:
    away = AwayWhileAbsent()
    away.went_away(AWAY_ROW)
    assert away.auto is None


# --- coming back ----------------------------------------------------------------------


def test_unlocking_undoes_the_apps_away() -> None:
    away = locked_away()
    assert away.present(Absence.LOCKED, AWAY_ROW) == AutoAway(Absence.LOCKED, T0, AWAY_ROW)
    away.undone()
    assert away.auto is None
    assert away.present(Absence.LOCKED, AWAY_ROW) is None  # once


def test_an_undo_that_failed_is_tried_again_while_the_away_stands() -> None:
    away = locked_away()
    assert away.present(Absence.LOCKED, AWAY_ROW) is not None  # that try fails: no network
    assert away.to_undo(AWAY_ROW) == AutoAway(Absence.LOCKED, T0, AWAY_ROW)


def test_a_lock_before_the_retry_sets_no_second_away_and_the_unlock_undoes_the_first() -> None:
    away = locked_away()
    assert away.present(Absence.LOCKED, AWAY_ROW) is not None  # that try fails
    assert not away.absent(Absence.LOCKED, Duty.AWAY, True, T0 + timedelta(minutes=9))
    assert away.to_undo(AWAY_ROW) is None  # no retry while locked
    assert away.present(Absence.LOCKED, AWAY_ROW) == AutoAway(Absence.LOCKED, T0, AWAY_ROW)


def test_a_duty_picked_before_the_retry_ends_the_retries() -> None:
    away = locked_away()
    assert away.present(Absence.LOCKED, AWAY_ROW) is not None  # that try fails
    assert away.to_undo(row(Duty.OFF_DUTY, AWAY_ROW.since + timedelta(minutes=1))) is None
    assert away.auto is None


def test_the_name_beside_the_row_is_no_choice_of_the_admin() -> None:
    away = locked_away()
    renamed = row(AWAY_ROW.duty, AWAY_ROW.since, name="Ana María")
    assert away.present(Absence.LOCKED, renamed) is not None


@pytest.mark.parametrize(
    "mine",
    [
        row(Duty.OFF_DUTY, AWAY_ROW.since + timedelta(minutes=5)),  # picked Off duty meanwhile
        row(Duty.AWAY, AWAY_ROW.since + timedelta(minutes=5)),  # picked Away themselves
        row(Duty.AVAILABLE, AWAY_ROW.since + timedelta(minutes=5)),  # back on another device
        None,  # the roster lost the admin (another account signed in)
    ],
)
def test_a_duty_the_admin_picked_meanwhile_stays(mine: DutyEntry | None) -> None:
    away = locked_away()
    assert away.present(Absence.LOCKED, mine) is None
    assert away.auto is None  # and nothing is undone later either
    assert away.to_undo(AWAY_ROW) is None


def test_waking_with_the_screen_still_locked_keeps_the_admin_away() -> None:
    away = locked_away()
    assert not away.absent(Absence.ASLEEP, Duty.AWAY, True, T0)
    assert away.present(Absence.ASLEEP, AWAY_ROW) is None
    assert away.auto is not None
    assert away.present(Absence.LOCKED, AWAY_ROW) == AutoAway(Absence.LOCKED, T0, AWAY_ROW)


def test_waking_undoes_an_away_set_for_sleep() -> None:
    away = AwayWhileAbsent()
    assert away.absent(Absence.ASLEEP, Duty.AVAILABLE, True, T0)
    away.went_away(AWAY_ROW)
    assert away.present(Absence.ASLEEP, AWAY_ROW) == AutoAway(Absence.ASLEEP, T0, AWAY_ROW)


def test_an_unlock_never_seen_locked_does_nothing() -> None:
    assert AwayWhileAbsent().present(Absence.LOCKED, row(Duty.AVAILABLE, T0)) is None


# --- the toast on return --------------------------------------------------------------


def test_the_toast_says_when_the_admin_was_away_quietly() -> None:
    toast = back_toast(english, AutoAway(Absence.LOCKED, T0), T0 + timedelta(minutes=25))
    assert toast.title == "You are Available again"
    assert toast.body == (
        "You were Away while your screen was locked, 10:02–10:27."
        " Pick another duty from the tray menu's On duty."
    )
    assert (toast.priority, toast.urgency, toast.sound) == (Priority.LOW, ToastUrgency.LOW, False)
    assert toast.notification_ids == ()
    assert toast.click.action is ToastAction.OPEN_NOTIFICATIONS


def test_the_toast_after_a_sleep_across_midnight_dates_the_start() -> None:
    night = datetime(2026, 11, 30, 23, 40, tzinfo=BOGOTA)
    toast = back_toast(english, AutoAway(Absence.ASLEEP, night), night + timedelta(hours=8))
    assert toast.body.startswith(
        "You were Away while your computer was asleep, 30 Nov 23:40–07:40."
    )


# --- the setting ----------------------------------------------------------------------


def test_the_setting_is_on_unless_the_admin_turned_it_off() -> None:
    assert load(SAVED).away_when_locked is True
    off = load(SAVED | {"away_when_locked": False})
    assert off.away_when_locked is False
    assert load(dump(off)) == off
    assert off.schema_version == 2  # optional field: no new version
    values = settings.form_values(off)
    assert values["away_when_locked"] is False
    assert settings.from_form(values) == off
    assert settings.from_form(values | {"away_when_locked": True}).away_when_locked is True


def test_a_setting_that_is_not_yes_or_no_is_refused() -> None:
    with pytest.raises(SettingsError) as refused:
        load(SAVED | {"away_when_locked": "yes"})
    assert refused.value.field == "away_when_locked"
