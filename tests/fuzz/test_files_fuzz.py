"""The files the app reads back at start: the settings file and the stored notification cursor.

Whatever a disk, an editor or an older version left there, start-up must not
crash: the settings schema answers with a ``SettingsError`` naming the field,
the settings store sets the file aside and starts as on a first run, and the
cursor store falls back to cursor 0 (catch-up then replays, which never loses
a notification; the feed de-duplicates).
"""

from __future__ import annotations

import json
import logging
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from lia_desktop.core import settings as schema
from lia_desktop.services.settings_store import SettingsStore
from lia_desktop.services.sync import FeedState, FeedStateStore
from tests.fuzz.budget import FUZZ
from tests.fuzz.strategies import json_text, json_values, mutated

ANON_KEY = "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiYW5vbiJ9.c2ln"
SETTINGS_V2: dict[str, Any] = {
    "schema_version": 2,
    "supabase_url": "http://127.0.0.1:54321",
    "anon_key": ANON_KEY,
    "web_admin_url": "https://admin.lia.test",
    "quiet_hours": {"start": "22:00", "end": "07:00"},
    "dnd_until": "2026-03-02T12:00:00+00:00",
    "min_toast_priority": "medium",
    "sounds": False,
    "launch_at_login": True,
}
SETTINGS_V1: dict[str, Any] = {
    "schema_version": 1,
    "url": "http://127.0.0.1:54321",
    "anon_key": ANON_KEY,
    "admin_url": "https://admin.lia.test",
    "quiet_hours": "22:00-07:00",
    "min_priority": "high",
}
CURSOR: dict[str, Any] = {"version": 1, "cursor": 120, "seen_above": [122, 125]}

file_bytes = st.one_of(
    st.binary(max_size=200),
    json_values.map(lambda v: json_text(v).encode()),
    mutated(SETTINGS_V2).map(lambda v: json_text(v).encode()),
    mutated(CURSOR).map(lambda v: json_text(v).encode()),
    st.sampled_from([b"", b"\xff\xfe{", b"{", b"1e400", b'{"cursor": 1e400}', b"\x00" * 64]),
)


@pytest.fixture(autouse=True, scope="module")
def _quiet_fallbacks() -> Iterator[None]:
    """The fallbacks log a warning per example; silenced for this module only."""
    logger = logging.getLogger("lia_desktop")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


@FUZZ
@given(st.one_of(mutated(SETTINGS_V2), mutated(SETTINGS_V1)))
@example({**SETTINGS_V2, "supabase_url": "http://["})  # urlsplit's own ValueError: regression
def test_settings_schema_errors_name_a_field(data: dict[str, Any]) -> None:
    try:
        loaded = schema.load(data)
    except schema.SettingsError as error:
        problem: schema.SettingsError | None = error
    else:
        problem = None
        assert schema.load(schema.dump(loaded)) == loaded  # what loads, saves and loads again
    assert problem is None or str(problem).startswith(f"{problem.field}: ")


@FUZZ
@given(file_bytes)
def test_settings_file_never_crashes_start_up(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = SettingsStore(Path(folder) / "settings.json")
        store.path.write_bytes(content)
        loaded = store.load()
        if loaded is None:
            assert store.problem  # the reason, for the UI to say once
            assert not store.path.exists()
            assert len(list(Path(folder).glob("settings.json.invalid-*"))) == 1
        else:
            assert store.problem is None


@FUZZ
@given(file_bytes)
@example(b'{"cursor": 1e400}')  # int(inf) raised OverflowError: regression
@example(b'{"cursor": 5, "seen_above": [1e400]}')
def test_cursor_file_falls_back_to_zero(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = FeedStateStore(Path(folder) / "feed.json")
        store.path.write_bytes(content)
        state = store.load()
        assert isinstance(state.cursor, int)
        assert all(isinstance(i, int) for i in state.seen_above)
        try:
            valid = json.loads(content) == json.loads(json_text(CURSOR))
        except ValueError:
            valid = False
        if valid:
            assert state == FeedState(120, (122, 125))


@pytest.mark.parametrize("store_type", [SettingsStore, FeedStateStore])
def test_a_directory_where_the_file_should_be(tmp_path: Path, store_type: type[Any]) -> None:
    """An unreadable path (here a directory) is an unusable file, not a crash."""
    (tmp_path / "state").mkdir()
    result = store_type(tmp_path / "state").load()
    assert result in (None, FeedState())
