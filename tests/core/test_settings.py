"""Settings: round trip, migration from version 1, errors naming the field."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

import pytest

from lia_desktop.core import settings
from lia_desktop.core.attention import Delivery, TypeChoice
from lia_desktop.core.i18n import english
from lia_desktop.core.models import NotificationType, Priority
from lia_desktop.core.problems import Problem, explain
from lia_desktop.core.settings import SettingsError, dump, load

KEY = "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiYW5vbiJ9.sig"
GOOD: dict[str, Any] = {
    "schema_version": 2,
    "supabase_url": "http://127.0.0.1:54321/",
    "anon_key": KEY,
    "web_admin_url": "https://admin.lia.test",
    "quiet_hours": {"start": "22:00", "end": "07:00"},
    "dnd_until": "2026-03-02T18:00:00+00:00",
    "min_toast_priority": "medium",
    "sounds": False,
    "launch_at_login": True,
}


def test_round_trip() -> None:
    settings = load(GOOD)
    assert settings.supabase_url == "http://127.0.0.1:54321"
    assert settings.quiet_hours == (time(22), time(7))
    assert settings.dnd_until == datetime(2026, 3, 2, 18, tzinfo=UTC)
    assert settings.min_toast_priority is Priority.MEDIUM
    assert load(dump(settings)) == settings
    rules = settings.toast_rules()
    assert (rules.quiet_start, rules.quiet_end, rules.sounds) == (time(22), time(7), False)


def test_defaults_and_no_quiet_hours() -> None:
    settings = load(
        {
            "schema_version": 2,
            "supabase_url": "https://x.supabase.co",
            "anon_key": KEY,
            "web_admin_url": "https://a.b",
        }
    )
    assert (settings.quiet_hours, settings.dnd_until, settings.sounds) == (None, None, True)
    assert dump(settings)["quiet_hours"] is None
    assert settings.toast_rules().quiet_start is None


def test_a_saved_file_with_equal_quiet_hours_loads_without_quiet_hours() -> None:
    """The dialog refuses an empty span; a file that has one is not worth a reset."""
    saved = load(GOOD | {"quiet_hours": {"start": "22:00", "end": "22:00"}})
    assert saved.quiet_hours is None


def test_version_1_is_migrated() -> None:
    v1 = {
        "url": "https://x.supabase.co",
        "anon_key": KEY,
        "admin_url": "https://a.b",
        "quiet_hours": "23:30-06:00",
        "min_priority": "high",
        "sounds": True,
    }
    settings = load(v1)
    assert settings.quiet_hours == (time(23, 30), time(6))
    assert settings.min_toast_priority is Priority.HIGH
    assert (
        load({"url": "https://x.y", "anon_key": KEY, "admin_url": "https://a.b"}).quiet_hours
        is None
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"schema_version": 9}, "schema_version"),
        ({"schema_version": True}, "schema_version"),
        ({"supabase_url": "ftp://x"}, "supabase_url"),
        ({"web_admin_url": 5}, "web_admin_url"),
        ({"anon_key": "not-a-jwt"}, "anon_key"),
        ({"quiet_hours": "22-7"}, "quiet_hours"),
        ({"quiet_hours": {"start": "25:00", "end": "07:00"}}, "quiet_hours.start"),
        ({"quiet_hours": {"start": "22:00", "end": "7"}}, "quiet_hours.end"),
        ({"dnd_until": "soon"}, "dnd_until"),
        ({"dnd_until": "2026-03-02T18:00:00"}, "dnd_until"),
        ({"dnd_until": 5}, "dnd_until"),
        ({"min_toast_priority": "loud"}, "min_toast_priority"),
        ({"sounds": "yes"}, "sounds"),
        ({"urgent_in_dnd": 1}, "urgent_in_dnd"),
        ({"toast_types": ["toast"]}, "toast_types"),
        ({"toast_types": {"party": {"delivery": "toast"}}}, "toast_types.party"),
        ({"toast_types": {"user_signed_up": "toast"}}, "toast_types.user_signed_up"),
        (
            {"toast_types": {"user_signed_up": {"delivery": "loud"}}},
            "toast_types.user_signed_up.delivery",
        ),
        (
            {"toast_types": {"user_signed_up": {"sound": "yes"}}},
            "toast_types.user_signed_up.sound",
        ),
    ],
)
def test_invalid_values_name_the_field(change: dict[str, Any], field: str) -> None:
    with pytest.raises(SettingsError, match=f"^{field}: ") as raised:
        load(GOOD | change)
    assert raised.value.field == field


def test_toast_choices_per_type_reach_the_rules_and_survive_a_round_trip() -> None:
    loaded = load(
        GOOD
        | {
            "urgent_in_dnd": True,
            "toast_types": {
                "user_signed_up": {"delivery": "toast", "sound": False},
                "dispute_opened": {"delivery": None, "sound": None},  # both by priority: dropped
                "review_created": {"sound": True},
            },
        }
    )
    assert loaded.toast_types == {
        NotificationType.USER_SIGNED_UP: TypeChoice(Delivery.OWN_TOAST, False),
        NotificationType.REVIEW_CREATED: TypeChoice(None, True),
    }
    rules = loaded.toast_rules()
    assert rules.urgent_in_dnd
    assert rules.delivery(NotificationType.USER_SIGNED_UP, Priority.LOW) is Delivery.OWN_TOAST
    assert load(dump(loaded)) == loaded
    assert load(GOOD).toast_types == {}
    assert not load(GOOD).urgent_in_dnd


# --- the settings dialog's values ----------------------------------------------------------


def test_form_round_trip_keeps_every_field() -> None:
    original = settings.load(
        {
            "schema_version": 2,
            "supabase_url": "https://lia.supabase.co",
            "anon_key": "a.b.c",
            "web_admin_url": "https://admin.lia.test",
            "quiet_hours": {"start": "22:30", "end": "06:45"},
            "dnd_until": "2026-11-25T08:00:00+00:00",
            "min_toast_priority": "high",
            "sounds": False,
            "launch_at_login": False,
            "urgent_in_dnd": True,
            "toast_types": {"user_signed_up": {"delivery": "toast", "sound": None}},
        }
    )
    values = settings.form_values(original)
    assert values["quiet_start"] == time(22, 30)
    assert values["min_priority"] is Priority.HIGH
    assert settings.from_form(values) == original
    assert settings.form_errors(values, english) == {}


def test_form_without_quiet_hours_or_dnd() -> None:
    values = {
        "supabase_url": "http://127.0.0.1:54321",
        "anon_key": "a.b.c",
        "web_admin_url": "http://localhost:3000",
        "quiet_start": None,
        "quiet_end": None,
        "dnd_until": None,
        "min_priority": Priority.MEDIUM,
        "sounds": True,
        "launch_at_login": True,
    }
    result = settings.from_form(values)
    assert result.quiet_hours is None
    assert result.dnd_until is None
    assert result.min_toast_priority is Priority.MEDIUM


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"supabase_url": "not a url"}, "supabase_url"),
        ({"anon_key": "plain"}, "anon_key"),
        ({"dnd_until": datetime(2026, 1, 1, 8, 0)}, "dnd_until"),  # naive: no offset
        ({"min_priority": "loudest"}, "min_priority"),
        ({"quiet_start": time(22, 0), "quiet_end": time(22, 0)}, "quiet_end"),  # an empty span
        ({"web_admin_url": "https://admin.lia.co@evil.example"}, "web_admin_url"),
        ({"web_admin_url": "https://admin.lia.co/?next=x"}, "web_admin_url"),
    ],
)
def test_form_errors_name_the_dialog_field(change: dict[str, Any], field: str) -> None:
    values = {
        "supabase_url": "https://lia.supabase.co",
        "anon_key": "a.b.c",
        "web_admin_url": "https://admin.lia.test",
        "quiet_start": time(22, 0),
        "quiet_end": time(7, 0),
        **change,
    }
    errors = settings.form_errors(values, english)
    assert list(errors) == [field]
    with pytest.raises(settings.SettingsError) as raised:
        settings.from_form(values)
    assert raised.value.field == field


FORM: dict[str, Any] = {
    "supabase_url": "https://lia.supabase.co",
    "anon_key": "a.b.c",
    "web_admin_url": "https://admin.lia.test",
    "quiet_start": time(22, 0),
    "quiet_end": time(7, 0),
    "dnd_until": None,
    "min_priority": Priority.LOW,
    "sounds": True,
    "launch_at_login": True,
}


def test_form_errors_are_all_shown_at_once_in_words_an_admin_reads() -> None:
    """One Save shows every refused field, not one per Save."""
    errors = settings.form_errors(
        FORM
        | {
            "supabase_url": "xyz.supabase.co",
            "anon_key": "sb_publishable_key",
            "web_admin_url": "https://admin.lia.co@evil.example",
            "quiet_end": time(22, 0),
            "min_priority": "loudest",
            "sounds": "yes",
        },
        english,
    )
    assert errors == {
        "supabase_url": explain(Problem.NOT_A_SUPABASE_URL, english),
        "anon_key": explain(Problem.NOT_AN_ANON_KEY, english),
        "web_admin_url": explain(Problem.NOT_A_WEB_ADMIN_URL, english),
        "quiet_end": explain(Problem.EMPTY_QUIET_HOURS, english),
        "min_priority": explain(Problem.INVALID_SETTING, english),
        "sounds": explain(Problem.INVALID_SETTING, english),
    }
    assert errors["anon_key"] == (
        "That is not an anon key. In the Supabase dashboard, open Project Settings → API and "
        "copy the 'anon public' key."
    )


def test_empty_required_fields_say_required() -> None:
    errors = settings.form_errors(
        FORM | {"supabase_url": "", "anon_key": "", "web_admin_url": ""}, english
    )
    assert errors == dict.fromkeys(
        ("supabase_url", "anon_key", "web_admin_url"), explain(Problem.REQUIRED, english)
    )


@pytest.mark.parametrize(
    ("change", "kind"),
    [
        ({"supabase_url": "ftp://x"}, Problem.NOT_A_SUPABASE_URL),
        ({"supabase_url": None}, Problem.REQUIRED),
        ({"supabase_url": "http://localhost:99999"}, Problem.NOT_A_SUPABASE_URL),
        ({"supabase_url": "http://[::1"}, Problem.NOT_A_SUPABASE_URL),
        ({"supabase_url": "http://127.0.0.1:54321\nhttp://x"}, Problem.NOT_A_SUPABASE_URL),
        ({"web_admin_url": 5}, Problem.NOT_A_WEB_ADMIN_URL),
        ({"web_admin_url": "https://admin.lia.co/?next=x"}, Problem.NOT_A_WEB_ADMIN_URL),
        ({"anon_key": "not-a-jwt"}, Problem.NOT_AN_ANON_KEY),
        ({"anon_key": None}, Problem.REQUIRED),
        ({"sounds": "yes"}, Problem.INVALID_SETTING),
    ],
)
def test_a_refusal_names_its_kind_and_keeps_the_detail(
    change: dict[str, Any], kind: Problem
) -> None:
    with pytest.raises(SettingsError) as raised:
        load(GOOD | change)
    assert raised.value.kind is kind
    assert raised.value.problem  # the technical detail, for the log


def test_the_language_follows_the_system_unless_the_admin_picks_one() -> None:
    assert load(GOOD).language == "system"  # files from before the choice existed
    spanish = load(GOOD | {"language": "es"})
    assert spanish.language == "es"
    assert load(dump(spanish)) == spanish
    assert settings.from_form(settings.form_values(spanish)).language == "es"
    for refused in ("fr", "es-CO", None, 1):
        with pytest.raises(SettingsError, match=r"^language: ") as raised:
            load(GOOD | {"language": refused})
        assert raised.value.field == "language"


SERVICE_ROLE_KEY = "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.sig"


@pytest.mark.parametrize(
    ("url", "key", "field", "kind"),
    [
        ("http://localhost:99999", KEY, "supabase_url", Problem.NOT_A_SUPABASE_URL),
        ("xyz.supabase.co", SERVICE_ROLE_KEY, "supabase_url", Problem.NOT_A_SUPABASE_URL),
        ("https://xyz.supabase.co", "a.b.c", "anon_key", Problem.NOT_AN_ANON_KEY),
        ("https://xyz.supabase.co", "sb_publishable_x", "anon_key", Problem.NOT_AN_ANON_KEY),
        ("https://xyz.supabase.co", SERVICE_ROLE_KEY, "anon_key", Problem.NOT_THE_ANON_ROLE),
    ],
)
def test_a_project_that_cannot_be_right_is_refused_from_its_text(
    url: str, key: str, field: str, kind: Problem
) -> None:
    refusal = settings.project_refusal(url, key)
    assert refusal is not None
    assert (refusal.field, refusal.kind) == (field, kind)
    assert "sig" not in refusal.problem  # the detail for the log never holds the key


def test_the_service_role_refusal_names_the_role_for_the_log() -> None:
    refusal = settings.project_refusal("https://xyz.supabase.co", SERVICE_ROLE_KEY)
    assert refusal is not None
    assert refusal.problem == "the key's role is 'service_role', not 'anon'"


def test_an_anon_key_on_a_well_formed_address_is_left_to_the_server() -> None:
    assert settings.project_refusal("https://xyz.supabase.co", KEY) is None


def test_the_settings_dialog_names_what_is_wrong_with_the_address() -> None:
    errors = settings.form_errors(FORM | {"supabase_url": "http://localhost:99999"}, english)
    assert errors == {
        "supabase_url": explain(Problem.NOT_A_SUPABASE_URL, english, url="http://localhost:99999")
    }
    assert errors["supabase_url"].startswith("Port 99999 does not exist (1-65535).")
