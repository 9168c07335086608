"""Where the windows were, per profile: kept across restarts, never a crash over a bad file."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from lia_desktop.services.settings_store import SettingsStore
from lia_desktop.services.window_store import WindowStore


def test_kept_across_restarts_beside_the_profile_settings(tmp_path: Path) -> None:
    settings = tmp_path / "lia-desktop" / "settings.json"
    store = WindowStore.beside(settings)
    assert store.path == tmp_path / "lia-desktop" / "windows.json"
    assert store.get("stats") is None
    store.put("stats", "AdnQywADAAA=")
    store.put("notifications", "AdnQywADAAB=")
    again = WindowStore.beside(settings)
    assert (again.get("stats"), again.get("notifications")) == ("AdnQywADAAA=", "AdnQywADAAB=")


def test_the_demo_profile_keeps_its_own(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    real = WindowStore.beside(SettingsStore.default().path)
    demo = WindowStore.beside(SettingsStore.demo().path)
    demo.put("stats", "demo")
    assert real.path != demo.path
    assert WindowStore(real.path).get("stats") is None


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"stats": 3, "center": "x"}'])
def test_an_unusable_file_is_ignored(
    tmp_path: Path, content: str, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "windows.json"
    path.write_text(content)
    with caplog.at_level(logging.WARNING):
        store = WindowStore(path)
    assert store.get("stats") is None
    store.put("stats", "fresh")  # the next save starts the file afresh
    assert WindowStore(path).get("stats") == "fresh"


def test_a_file_that_cannot_be_written_costs_only_the_places(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    store = WindowStore(blocker / "windows.json")
    with caplog.at_level(logging.WARNING):
        store.put("stats", "somewhere")
    assert "window places not saved" in caplog.text
    assert store.get("stats") == "somewhere"  # still used for this run
