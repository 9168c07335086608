"""Issue 17's last pieces in core: the admin's reminder and escalation delays (settings),
and handing an item to another admin ("Give to…": who is offered, how the answer reads)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from lia_desktop.core import settings
from lia_desktop.core.claims import (
    ESCALATE_AFTER,
    REMIND_AFTER,
    FollowUp,
    ReassignRefusal,
    give_to_choices,
    give_to_label,
    reassign_refused,
)
from lia_desktop.core.i18n import english
from lia_desktop.core.models import Claim, ClaimBoard, ClaimKey, Duty, DutyEntry
from lia_desktop.core.problems import Problem, explain
from lia_desktop.core.settings import SettingsError, dump, load

KEY = "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiYW5vbiJ9.sig"
SAVED: dict[str, Any] = {
    "schema_version": 2,
    "supabase_url": "https://lia.supabase.co",
    "anon_key": KEY,
    "web_admin_url": "https://admin.lia.test",
}
T0 = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
ME = uuid.UUID("00000000-0000-4000-a000-0000000000aa")
ANA = uuid.UUID("00000000-0000-4000-a000-0000000000bb")
LUIS = uuid.UUID("00000000-0000-4000-a000-0000000000cc")
PEDRO = uuid.UUID("00000000-0000-4000-a000-0000000000dd")
BEA = uuid.UUID("00000000-0000-4000-a000-0000000000ee")
DISPUTE = ClaimKey("disputes", 7)


# --- the delays -------------------------------------------------------------------------


def test_a_file_without_the_delays_gets_the_claims_defaults() -> None:
    loaded = load(SAVED)
    assert (loaded.remind_after_minutes, loaded.escalate_after_minutes) == (30, 10)
    assert loaded.follow_up() == FollowUp(REMIND_AFTER, ESCALATE_AFTER) == FollowUp()
    assert loaded.schema_version == 2  # optional fields: no new version


def test_chosen_delays_survive_a_round_trip_and_become_the_follow_up() -> None:
    loaded = load(SAVED | {"remind_after_minutes": 45, "escalate_after_minutes": 3})
    assert load(dump(loaded)) == loaded
    assert loaded.follow_up() == FollowUp(timedelta(minutes=45), timedelta(minutes=3))
    values = settings.form_values(loaded)
    assert (values["remind_after_minutes"], values["escalate_after_minutes"]) == (45, 3)
    assert settings.from_form(values) == loaded


@pytest.mark.parametrize(
    ("field", "value", "bounds"),
    [
        ("remind_after_minutes", 4, "5 to 480"),
        ("remind_after_minutes", 481, "5 to 480"),
        ("remind_after_minutes", 30.5, "5 to 480"),
        ("remind_after_minutes", "30", "5 to 480"),
        ("remind_after_minutes", True, "5 to 480"),
        ("escalate_after_minutes", 0, "1 to 120"),
        ("escalate_after_minutes", 121, "1 to 120"),
        ("escalate_after_minutes", None, "1 to 120"),
    ],
)
def test_a_delay_out_of_bounds_is_refused_naming_field_and_bounds(
    field: str, value: object, bounds: str
) -> None:
    with pytest.raises(SettingsError) as refused:
        load(SAVED | {field: value})
    assert refused.value.field == field
    assert f"expected whole minutes from {bounds}, got {value!r}" == refused.value.problem


def test_the_bounds_themselves_are_accepted() -> None:
    low = load(SAVED | {"remind_after_minutes": 5, "escalate_after_minutes": 1})
    high = load(SAVED | {"remind_after_minutes": 480, "escalate_after_minutes": 120})
    assert (low.remind_after_minutes, high.escalate_after_minutes) == (5, 120)


def test_the_dialog_hears_a_refused_delay_under_its_own_row() -> None:
    values = settings.form_values(load(SAVED)) | {"escalate_after_minutes": 500}
    assert settings.form_errors(values, english) == {
        "escalate_after_minutes": explain(Problem.INVALID_SETTING, english)
    }


# --- Give to… ---------------------------------------------------------------------------


def duty(admin: uuid.UUID, name: str, status: Duty) -> DutyEntry:
    return DutyEntry(admin, name, status, T0)


ROSTER = {
    ME: duty(ME, "Laura", Duty.AVAILABLE),
    ANA: duty(ANA, "Ana Ríos", Duty.AWAY),
    LUIS: duty(LUIS, "Luis Mora", Duty.AVAILABLE),
    PEDRO: duty(PEDRO, "pedro", Duty.OFF_DUTY),
    BEA: duty(BEA, "Beatriz", Duty.AVAILABLE),
}


def test_give_to_offers_the_others_on_duty_first_then_away_then_off_duty() -> None:
    board = ClaimBoard(ME, {}, ROSTER)
    names = [entry.name for entry in give_to_choices(board, DISPUTE)]
    assert names == ["Beatriz", "Luis Mora", "Ana Ríos", "pedro"]  # never this admin


def test_give_to_leaves_out_the_admin_who_holds_the_item() -> None:
    held = {DISPUTE: Claim(DISPUTE, LUIS, "Luis Mora", T0)}
    board = ClaimBoard(ME, held, ROSTER)
    assert [e.admin for e in give_to_choices(board, DISPUTE)] == [BEA, ANA, PEDRO]
    assert give_to_choices(ClaimBoard(ME, {}, {ME: ROSTER[ME]}), DISPUTE) == []


def test_an_entry_says_when_its_admin_is_not_on_duty() -> None:
    labels = [give_to_label(english, ROSTER[admin]) for admin in (LUIS, ANA, PEDRO)]
    assert labels == ["Luis Mora", "Ana Ríos · away", "pedro · off duty"]


@pytest.mark.parametrize(
    ("refusal", "words"),
    [
        (ReassignRefusal.ITEM_GONE, "Not given: this item no longer exists."),
        (ReassignRefusal.NOT_AN_ADMIN, "Not given: Luis Mora is no longer an admin."),
        (
            ReassignRefusal.SECOND_FACTOR,
            "Not given: this project asks for your authenticator code. "
            "Sign in again with it, then try again.",
        ),
        (ReassignRefusal.NOT_ALLOWED, "Not given: this account is no longer an admin."),
        (
            ReassignRefusal.FAILED,
            "Not given to Luis Mora: the server could not be reached or failed. "
            "Try again in a moment.",
        ),
    ],
)
def test_each_refusal_reads_as_what_happened(refusal: ReassignRefusal, words: str) -> None:
    assert reassign_refused(english, refusal, "Luis Mora") == words
