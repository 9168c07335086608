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

    def load(self) -> Settings | None:
        """The saved settings; None on a first run or after setting an unusable file aside."""
        self.problem = None
        try:
            return self._read()
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as error:  # unreadable, not JSON, or invalid (SettingsError)
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
