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
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any
from urllib.parse import urlsplit

from lia_desktop.core.feed import ToastRules
from lia_desktop.core.models import Priority
from lia_desktop.core.text import web_admin_base

SCHEMA_VERSION = 2
_JWT = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")


class SettingsError(ValueError):
    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


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
    schema_version: int = SCHEMA_VERSION

    def toast_rules(self) -> ToastRules:
        start, end = self.quiet_hours or (None, None)
        return ToastRules(self.min_toast_priority, start, end, self.dnd_until, self.sounds)


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


def _url(data: Mapping[str, Any], field: str) -> str:
    value = data.get(field)
    parts = None
    with contextlib.suppress(ValueError):  # e.g. "http://[": urlsplit's "Invalid IPv6 URL"
        parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingsError(field, f"expected an http(s) URL, got {value!r}")
    return str(value).rstrip("/")


def _web_admin_url(data: Mapping[str, Any]) -> str:
    """An http(s) URL the app may open notifications on (core.text decides which)."""
    value = _url(data, "web_admin_url")
    base = web_admin_base(value)
    if base is None:
        raise SettingsError(
            "web_admin_url",
            f"expected the web admin's address (no user name, query or fragment), got {value!r}",
        )
    return base


def _bool(data: Mapping[str, Any], field: str, default: bool) -> bool:
    value = data.get(field, default)
    if not isinstance(value, bool):
        raise SettingsError(field, f"expected true or false, got {value!r}")
    return value


def _clock(value: object, field: str) -> time:
    if not isinstance(value, str) or not re.fullmatch(r"\d{2}:\d{2}", value):
        raise SettingsError(field, f"expected HH:MM, got {value!r}")
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise SettingsError(field, f"not a time of day: {value!r}") from None


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
        raise SettingsError("anon_key", "expected a JWT (three dot-separated base64url parts)")
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
        supabase_url=_url(current, "supabase_url"),
        anon_key=anon_key,
        web_admin_url=_web_admin_url(current),
        quiet_hours=quiet_hours,
        dnd_until=dnd_until,
        min_toast_priority=priority,
        sounds=_bool(current, "sounds", True),
        launch_at_login=_bool(current, "launch_at_login", True),
    )


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
    }


def from_form(values: Mapping[str, Any]) -> Settings:
    """Settings from the dialog's values; ``SettingsError.field`` is a dialog field name."""
    start, end = values.get("quiet_start"), values.get("quiet_end")
    if start is not None and start == end:
        raise SettingsError("quiet_end", "quiet hours must end at another time than they start")
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
    }
    try:
        return load(data)
    except SettingsError as error:
        field = _FORM_FIELD.get(error.field, error.field)
        raise SettingsError(field, error.problem) from None


def form_errors(values: Mapping[str, Any]) -> dict[str, str]:
    """``{dialog field: message}``, empty when the values make valid settings."""
    try:
        from_form(values)
    except SettingsError as error:
        return {error.field: error.problem}
    return {}
