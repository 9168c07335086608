"""The settings file: ``settings.json`` in the platform's config folder, schema in core.settings.

Secrets never go here (the refresh token lives in the OS keyring). A file that
cannot be read or fails validation is moved aside (``settings.json.invalid-<time>``)
with the reason logged, so the admin's values are kept for inspection and the
app starts as on a first run instead of crashing.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from lia_desktop.core import settings as schema
from lia_desktop.core.settings import Settings
from lia_desktop.services.files import write_json_atomic

log = logging.getLogger(__name__)

FILE_NAME = "settings.json"


@dataclass
class SettingsStore:
    path: Path
    #: why the last ``load()`` set a file aside, for the UI to say once; None when it did not
    problem: str | None = None

    @classmethod
    def default(cls) -> SettingsStore:
        return cls(Path(platformdirs.user_config_dir("lia-desktop", appauthor=False)) / FILE_NAME)

    @classmethod
    def demo(cls) -> SettingsStore:
        """The demo's own file: ``--demo`` never rewrites the real profile's project."""
        folder = Path(platformdirs.user_config_dir("lia-desktop", appauthor=False)) / "demo"
        return cls(folder / FILE_NAME)

    def load(self) -> Settings | None:
        """The saved settings; None on a first run or after setting an unusable file aside."""
        self.problem = None
        try:
            return self._read()
        except FileNotFoundError:
            return None
        # unreadable, not JSON (or nested deeper than the decoder goes), invalid (SettingsError)
        except (OSError, ValueError, RecursionError) as error:
            self._set_aside(f"{self.path}: {error}")
            return None

    def _read(self) -> Settings:
        data = json.loads(self.path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError(f"holds {type(data).__name__}, not an object")
        return schema.load(data)

    def save(self, settings: Settings) -> None:
        write_json_atomic(self.path, schema.dump(settings))

    def _set_aside(self, problem: str) -> None:
        aside = self.path.with_name(f"{self.path.name}.invalid-{int(time.time())}")
        try:
            self.path.replace(aside)
            problem += f" (kept as {aside.name})"
        except OSError as error:
            problem += f" (could not move it aside: {error})"
        log.warning("settings ignored: %s", problem)
        self.problem = problem


SettingsListener = Callable[[Settings | None, Settings], None]


class SettingsModel:
    """The current settings, the one owner of them: saved first, then every listener told.

    Consumers (the live session's toast rules and web admin URL, the tray's
    do-not-disturb, autostart, the project the app is signed in to) subscribe
    and receive ``(old, new)``, so a change reaches all of them at once instead
    of being pushed by hand to the ones someone remembered.
    """

    def __init__(self, store: SettingsStore) -> None:
        self._store = store
        self.current: Settings | None = store.load()
        self._listeners: list[SettingsListener] = []

    @property
    def problem(self) -> str | None:
        """Why the saved file was set aside at start (to say once), if it was."""
        return self._store.problem

    def subscribe(self, listener: SettingsListener) -> Callable[[], None]:
        """``listener(old, new)`` after each change; returns the unsubscribe call."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def update(self, new: Settings) -> None:
        """Save ``new`` (an OSError leaves everything as it was), then tell every listener."""
        old = self.current
        if new == old:
            return
        self._store.save(new)
        self.current = new
        for listener in list(self._listeners):
            listener(old, new)
