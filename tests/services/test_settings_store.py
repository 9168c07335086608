"""The settings file on disk: round trip, first run, and unusable files set aside (never a crash)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time
from pathlib import Path

import pytest

from lia_desktop.core.models import Priority
from lia_desktop.core.settings import Settings
from lia_desktop.services.settings_store import SettingsStore

ANON = "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiYW5vbiJ9.c2ln"


def sample() -> Settings:
    return Settings(
        supabase_url="https://lia.supabase.co",
        anon_key=ANON,
        web_admin_url="https://admin.lia.test",
        quiet_hours=(time(22, 0), time(7, 0)),
        dnd_until=datetime(2026, 11, 25, 8, 0, tzinfo=UTC),
        min_toast_priority=Priority.HIGH,
        sounds=False,
        launch_at_login=False,
    )


def test_round_trip(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path / "cfg" / "settings.json")
    store.save(sample())
    assert store.load() == sample()
    assert store.problem is None


def test_first_run_has_no_settings(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path / "settings.json")
    assert store.load() is None
    assert store.problem is None


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("{not json", "Expecting property name"),
        ("[1, 2]", "holds list"),
        (
            json.dumps({"schema_version": 2, "supabase_url": "ftp://x", "anon_key": ANON}),
            "supabase_url",
        ),
        (json.dumps({"schema_version": 99}), "schema_version"),
    ],
)
def test_unusable_file_is_set_aside_with_a_reason(tmp_path: Path, content: str, says: str) -> None:
    path = tmp_path / "settings.json"
    path.write_text(content)
    store = SettingsStore(path)
    assert store.load() is None
    assert store.problem is not None
    assert says in store.problem
    assert not path.exists()
    kept = list(tmp_path.glob("settings.json.invalid-*"))
    assert len(kept) == 1
    assert kept[0].read_text() == content


def test_no_secret_in_the_file(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path / "settings.json")
    store.save(sample())
    text = (tmp_path / "settings.json").read_text()
    assert "password" not in text
    assert "refresh" not in text
