"""Red team 3: a hand-edited settings.json nested deeper than Python's JSON decoder goes (a
paste gone wrong, ``"remind_after_minutes": [[[[…]]]]``) is set aside with a message like
any other unusable file. It raised RecursionError, which the store did not expect: the app
stopped at start-up with a traceback, every time, until the admin found and removed the file."""

from __future__ import annotations

import json
from pathlib import Path

from lia_desktop.services.settings_store import SettingsStore
from tests.services.test_settings_store import sample


def test_a_file_nested_too_deep_is_set_aside_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    store = SettingsStore(path)
    store.save(sample())
    kept = json.loads(path.read_text(encoding="utf-8"))
    depth = 100_000
    nested = "[" * depth + "30" + "]" * depth
    text = json.dumps(kept)[:-1] + f', "remind_after_minutes": {nested}}}'
    path.write_text(text, encoding="utf-8")
    assert store.load() is None
    assert store.problem is not None
    assert "settings.json" in store.problem
    assert not path.exists()  # moved aside: the next start is a clean first run
    assert [p.name.startswith("settings.json.invalid-") for p in tmp_path.iterdir()] == [True]
