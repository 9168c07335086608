"""The settings file's schema: versioned, migrated, validated; file I/O lives in services.

``load(dict)`` accepts any older ``schema_version`` and migrates it step by
step, then validates; every error names the field, so the settings dialog and
``lia-desktop doctor`` can point at it. ``dump`` writes the current version.

Versions: 1 was the first draft (``url``, ``admin_url``, ``quiet_hours`` as
``"22:00-07:00"``, ``min_priority``); 2 is current.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any
from urllib.parse import urlsplit

from lia_desktop.core.attention import Delivery, ToastRules, TypeChoice
from lia_desktop.core.claims import ESCALATE_AFTER, REMIND_AFTER, FollowUp
from lia_desktop.core.i18n import Translate
from lia_desktop.core.models import NotificationType, Priority
from lia_desktop.core.problems import Problem, explain
from lia_desktop.core.project import key_role, url_flaw
from lia_desktop.core.text import web_admin_base

SCHEMA_VERSION = 2
#: ``language``: follow the OS locale (any Spanish is Spanish, else English), or the admin's pick
LANGUAGES = ("system", "es", "en")
#: "Remind me of items I claimed after [30] min": whole minutes, from the first to the second
REMIND_MINUTES = (5, 480)
#: "Escalate urgent unclaimed items after [10] min": whole minutes, likewise
ESCALATE_MINUTES = (1, 120)
_MINUTE = timedelta(minutes=1)
DEFAULT_REMIND_MINUTES = REMIND_AFTER // _MINUTE
DEFAULT_ESCALATE_MINUTES = ESCALATE_AFTER // _MINUTE
_JWT = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")


class SettingsError(ValueError):
    """A refused value: ``kind`` is what the admin is told, ``problem`` the detail for logs."""

    def __init__(self, field: str, problem: str, kind: Problem = Problem.INVALID_SETTING) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem
        self.kind = kind


@dataclass(frozen=True, slots=True)
class Settings:
    supabase_url: str
    anon_key: str
    web_admin_url: str
    quiet_hours: tuple[time, time] | None = None
    dnd_until: datetime | None = None
    min_toast_priority: Priority = Priority.LOW
    sounds: bool = True
    launch_at_login: bool = True
    #: urgent items toast during do-not-disturb too
    urgent_in_dnd: bool = False
    #: the admin's toast and sound choice per notification type (absent: by priority)
    toast_types: Mapping[NotificationType, TypeChoice] = field(default_factory=dict)
    #: one of LANGUAGES
    language: str = "system"
    #: a claim of this admin's left unresolved this long is brought back (REMIND_MINUTES)
    remind_after_minutes: int = DEFAULT_REMIND_MINUTES
    #: an urgent item nobody claimed this long toasts again (ESCALATE_MINUTES)
    escalate_after_minutes: int = DEFAULT_ESCALATE_MINUTES
    #: the app sets an Available admin Away while the screen is locked or the computer sleeps
    away_when_locked: bool = True
    schema_version: int = SCHEMA_VERSION

    def toast_rules(self) -> ToastRules:
        start, end = self.quiet_hours or (None, None)
        return ToastRules(
            self.min_toast_priority,
            start,
            end,
            self.dnd_until,
            self.sounds,
            urgent_in_dnd=self.urgent_in_dnd,
            types=self.toast_types,
        )

    def follow_up(self) -> FollowUp:
        """The reminder and escalation delays, as the live session applies them."""
        return FollowUp(
            remind_after=self.remind_after_minutes * _MINUTE,
            escalate_after=self.escalate_after_minutes * _MINUTE,
        )


def _from_v1(old: Mapping[str, Any]) -> dict[str, Any]:
    new = {
        k: v for k, v in old.items() if k not in ("url", "admin_url", "quiet_hours", "min_priority")
    }
    new |= {"supabase_url": old.get("url"), "web_admin_url": old.get("admin_url")}
    if "min_priority" in old:
        new["min_toast_priority"] = old["min_priority"]
    quiet = old.get("quiet_hours")
    if isinstance(quiet, str) and "-" in quiet:
        start, end = quiet.split("-", 1)
        new["quiet_hours"] = {"start": start, "end": end}
    return new | {"schema_version": 2}


_MIGRATIONS: dict[int, Callable[[Mapping[str, Any]], dict[str, Any]]] = {1: _from_v1}


def _url(data: Mapping[str, Any], field: str, kind: Problem) -> str:
    value = data.get(field)
    parts = None
    with contextlib.suppress(ValueError):  # e.g. "http://[": urlsplit's "Invalid IPv6 URL"
        parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        kind = kind if value else Problem.REQUIRED
        raise SettingsError(field, f"expected an http(s) URL, got {value!r}", kind)
    return str(value).rstrip("/")


def _supabase_url(data: Mapping[str, Any]) -> str:
    """An http(s) URL with nothing in it that no Project URL has (``core.project``)."""
    value = _url(data, "supabase_url", Problem.NOT_A_SUPABASE_URL)
    refusal = _address_refusal(value)
    if refusal is not None:
        raise refusal
    return value


def _address_refusal(url: str) -> SettingsError | None:
    flaw = url_flaw(url)
    if flaw is None:
        return None
    return SettingsError(
        "supabase_url", f"{flaw.kind.value} in {url!r}", Problem.NOT_A_SUPABASE_URL
    )


def project_refusal(url: str, anon_key: str) -> SettingsError | None:
    """Why ``url`` and ``anon_key`` must not be used to reach a project, told from the text
    alone before anything is sent: a malformed address, a key that is no JWT, or one whose
    role is not ``anon`` (the service_role key bypasses row-level security: it is never
    sent, signed in with or saved). The detail names the role, never the key."""
    address = _address_refusal(url)
    if address is not None:
        return address
    role = key_role(anon_key) if _JWT.match(anon_key) else None
    if role is None:
        return SettingsError(
            "anon_key", "expected a JWT with a role claim", Problem.NOT_AN_ANON_KEY
        )
    if role != "anon":
        return SettingsError(
            "anon_key", f"the key's role is {role!r}, not 'anon'", Problem.NOT_THE_ANON_ROLE
        )
    return None


def _web_admin_url(data: Mapping[str, Any]) -> str:
    """An http(s) URL the app may open notifications on (core.text decides which)."""
    value = _url(data, "web_admin_url", Problem.NOT_A_WEB_ADMIN_URL)
    base = web_admin_base(value)
    if base is None:
        raise SettingsError(
            "web_admin_url",
            f"expected the web admin's address (no user name, query or fragment), got {value!r}",
            Problem.NOT_A_WEB_ADMIN_URL,
        )
    return base


def _bool(data: Mapping[str, Any], field: str, default: bool) -> bool:
    value = data.get(field, default)
    if not isinstance(value, bool):
        raise SettingsError(field, f"expected true or false, got {value!r}")
    return value


def _minutes(data: Mapping[str, Any], field: str, default: int, bounds: tuple[int, int]) -> int:
    """Whole minutes within ``bounds`` (absent: ``default``)."""
    value = data.get(field, default)
    low, high = bounds
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise SettingsError(field, f"expected whole minutes from {low} to {high}, got {value!r}")
    return value


def _clock(value: object, field: str) -> time:
    if not isinstance(value, str) or not re.fullmatch(r"\d{2}:\d{2}", value):
        raise SettingsError(field, f"expected HH:MM, got {value!r}")
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise SettingsError(field, f"not a time of day: {value!r}") from None


def _toast_types(data: Mapping[str, Any]) -> dict[NotificationType, TypeChoice]:
    """``{"user_signed_up": {"delivery": "toast", "sound": false}}``; a key left out, or
    null, follows the item's priority."""
    value = data.get("toast_types") or {}
    if not isinstance(value, Mapping):
        raise SettingsError("toast_types", f"expected a table of notification types, got {value!r}")
    choices = {}
    for key, choice in value.items():
        field_name = f"toast_types.{key}"
        try:
            kind = NotificationType(key)
        except ValueError:
            raise SettingsError(field_name, "not a notification type") from None
        if not isinstance(choice, Mapping):
            raise SettingsError(field_name, f"expected {{delivery, sound}}, got {choice!r}")
        delivery, sound = choice.get("delivery"), choice.get("sound")
        if delivery is not None and delivery not in set(Delivery):
            raise SettingsError(
                f"{field_name}.delivery", f"expected toast, grouped or list, got {delivery!r}"
            )
        if sound is not None and not isinstance(sound, bool):
            raise SettingsError(
                f"{field_name}.sound", f"expected true, false or null, got {sound!r}"
            )
        if delivery is not None or sound is not None:
            choices[kind] = TypeChoice(None if delivery is None else Delivery(delivery), sound)
    return choices


def load(data: Mapping[str, Any]) -> Settings:
    version = data.get("schema_version", 1)
    if (
        not isinstance(version, int)
        or isinstance(version, bool)
        or not 1 <= version <= SCHEMA_VERSION
    ):
        raise SettingsError("schema_version", f"unsupported version {version!r}")
    current = dict(data)
    for v in range(version, SCHEMA_VERSION):
        current = _MIGRATIONS[v](current)
    anon_key = current.get("anon_key")
    if not isinstance(anon_key, str) or not _JWT.match(anon_key):
        raise SettingsError(
            "anon_key",
            "expected a JWT (three dot-separated base64url parts)",
            Problem.NOT_AN_ANON_KEY if anon_key else Problem.REQUIRED,
        )
    quiet = current.get("quiet_hours")
    quiet_hours = None
    if quiet is not None:
        if not isinstance(quiet, Mapping):
            raise SettingsError("quiet_hours", f"expected {{start, end}}, got {quiet!r}")
        quiet_hours = (
            _clock(quiet.get("start"), "quiet_hours.start"),
            _clock(quiet.get("end"), "quiet_hours.end"),
        )
        if quiet_hours[0] == quiet_hours[1]:  # an empty span (the dialog refuses it): none
            quiet_hours = None
    dnd = current.get("dnd_until")
    dnd_until = None
    if dnd is not None:
        with contextlib.suppress(ValueError):
            dnd_until = datetime.fromisoformat(dnd) if isinstance(dnd, str) else None
        if dnd_until is None or dnd_until.tzinfo is None:
            raise SettingsError("dnd_until", f"expected an ISO-8601 time with offset, got {dnd!r}")
    try:
        priority = Priority.parse(str(current.get("min_toast_priority", "low")))
    except ValueError as error:
        raise SettingsError("min_toast_priority", str(error)) from None
    return Settings(
        supabase_url=_supabase_url(current),
        anon_key=anon_key,
        web_admin_url=_web_admin_url(current),
        quiet_hours=quiet_hours,
        dnd_until=dnd_until,
        min_toast_priority=priority,
        sounds=_bool(current, "sounds", True),
        launch_at_login=_bool(current, "launch_at_login", True),
        urgent_in_dnd=_bool(current, "urgent_in_dnd", False),
        toast_types=_toast_types(current),
        language=_language(current),
        remind_after_minutes=_minutes(
            current, "remind_after_minutes", DEFAULT_REMIND_MINUTES, REMIND_MINUTES
        ),
        escalate_after_minutes=_minutes(
            current, "escalate_after_minutes", DEFAULT_ESCALATE_MINUTES, ESCALATE_MINUTES
        ),
        away_when_locked=_bool(current, "away_when_locked", True),
    )


def _language(data: Mapping[str, Any]) -> str:
    value = data.get("language", "system")
    if value not in LANGUAGES:
        raise SettingsError("language", f"expected one of {', '.join(LANGUAGES)}, got {value!r}")
    return str(value)


def dump(settings: Settings) -> dict[str, Any]:
    quiet = settings.quiet_hours
    return {
        "schema_version": SCHEMA_VERSION,
        "supabase_url": settings.supabase_url,
        "anon_key": settings.anon_key,
        "web_admin_url": settings.web_admin_url,
        "quiet_hours": None
        if quiet is None
        else {"start": quiet[0].strftime("%H:%M"), "end": quiet[1].strftime("%H:%M")},
        "dnd_until": settings.dnd_until.isoformat() if settings.dnd_until else None,
        "min_toast_priority": settings.min_toast_priority.label,
        "sounds": settings.sounds,
        "launch_at_login": settings.launch_at_login,
        "urgent_in_dnd": settings.urgent_in_dnd,
        "toast_types": _dump_toast_types(settings.toast_types),
        "language": settings.language,
        "remind_after_minutes": settings.remind_after_minutes,
        "escalate_after_minutes": settings.escalate_after_minutes,
        "away_when_locked": settings.away_when_locked,
    }


def _dump_toast_types(choices: Mapping[NotificationType, TypeChoice]) -> dict[str, Any]:
    return {
        kind.value: {
            "delivery": None if choice.delivery is None else choice.delivery.value,
            "sound": choice.sound,
        }
        for kind, choice in choices.items()
    }


# --- the settings dialog's values --------------------------------------------------------
# The dialog edits a flat mapping (quiet hours as two optional times, the priority as a
# Priority, DND as an aware datetime); these turn it into Settings through ``load``, so the
# dialog and the file share one validation, and map error fields back to dialog rows.

_FORM_FIELD = {
    "quiet_hours.start": "quiet_start",
    "quiet_hours.end": "quiet_end",
    "min_toast_priority": "min_priority",
}


def form_values(settings: Settings) -> dict[str, Any]:
    start, end = settings.quiet_hours or (None, None)
    return {
        "supabase_url": settings.supabase_url,
        "anon_key": settings.anon_key,
        "web_admin_url": settings.web_admin_url,
        "quiet_start": start,
        "quiet_end": end,
        "dnd_until": settings.dnd_until,
        "min_priority": settings.min_toast_priority,
        "sounds": settings.sounds,
        "launch_at_login": settings.launch_at_login,
        "urgent_in_dnd": settings.urgent_in_dnd,
        "toast_types": dict(settings.toast_types),
        "language": settings.language,
        "remind_after_minutes": settings.remind_after_minutes,
        "escalate_after_minutes": settings.escalate_after_minutes,
        "away_when_locked": settings.away_when_locked,
    }


def from_form(values: Mapping[str, Any]) -> Settings:
    """Settings from the dialog's values; ``SettingsError.field`` is a dialog field name."""
    start, end = values.get("quiet_start"), values.get("quiet_end")
    if start is not None and start == end:
        raise SettingsError(
            "quiet_end",
            "quiet hours must end at another time than they start",
            Problem.EMPTY_QUIET_HOURS,
        )
    until = values.get("dnd_until")
    priority = values.get("min_priority", Priority.LOW)
    data = {
        "schema_version": SCHEMA_VERSION,
        "supabase_url": values.get("supabase_url"),
        "anon_key": values.get("anon_key"),
        "web_admin_url": values.get("web_admin_url"),
        "quiet_hours": None
        if start is None or end is None
        else {"start": start.strftime("%H:%M"), "end": end.strftime("%H:%M")},
        "dnd_until": until.isoformat() if isinstance(until, datetime) else until,
        "min_toast_priority": priority.label if isinstance(priority, Priority) else priority,
        "sounds": values.get("sounds", True),
        "launch_at_login": values.get("launch_at_login", True),
        "urgent_in_dnd": values.get("urgent_in_dnd", False),
        "toast_types": _dump_toast_types(values.get("toast_types", {})),
        "language": values.get("language", "system"),
        "remind_after_minutes": values.get("remind_after_minutes", DEFAULT_REMIND_MINUTES),
        "escalate_after_minutes": values.get("escalate_after_minutes", DEFAULT_ESCALATE_MINUTES),
        "away_when_locked": values.get("away_when_locked", True),
    }
    try:
        return load(data)
    except SettingsError as error:
        field = _FORM_FIELD.get(error.field, error.field)
        raise SettingsError(field, error.problem, error.kind) from None


#: Values the schema accepts, put in place of a refused required one so that the fields after
#: it are checked too; any other refused field is left out, so its default applies.
_STAND_INS = {
    "supabase_url": "https://project.supabase.co",
    "anon_key": "header.payload.signature",
    "web_admin_url": "https://admin.example",
}


def _refusal(values: Mapping[str, Any]) -> SettingsError | None:
    try:
        from_form(values)
    except SettingsError as error:
        return error
    return None


def form_errors(values: Mapping[str, Any], translate: Translate) -> dict[str, str]:
    """``{dialog field: message}`` for every refused field at once, empty when the values make
    valid settings. Validation stops at the first refusal, so each refused value is replaced
    (:data:`_STAND_INS`, else its default) and the rest checked again: an admin who fixes one
    field is not shown the next only on the next Save."""
    errors: dict[str, str] = {}
    checked = dict(values)
    while (error := _refusal(checked)) is not None and error.field not in errors:
        errors[error.field] = explain(
            error.kind, translate, url=str(checked.get("supabase_url") or "")
        )
        if error.field in _STAND_INS:
            checked[error.field] = _STAND_INS[error.field]
        else:
            checked.pop(error.field, None)
    return errors
