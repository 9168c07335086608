"""Where the windows were: ``windows.json`` next to ``settings.json`` (so the demo profile
keeps its own), one opaque string per window that the UI made (Qt's saveGeometry, base64).

Window places are a comfort, not data: a file that cannot be read or written is
logged and ignored, the windows open at their default size, and the next save
starts it afresh.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from lia_desktop.services.files import write_json_atomic

log = logging.getLogger(__name__)

FILE_NAME = "windows.json"


class WindowStore:
    """``get``/``put`` a window's saved geometry by its name (``"stats"``, ``"notifications"``)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._saved = self._read()

    @classmethod
    def beside(cls, settings_file: Path) -> WindowStore:
        """The store in the folder of a profile's settings file."""
        return cls(settings_file.with_name(FILE_NAME))

    def get(self, name: str) -> str | None:
        return self._saved.get(name)

    def put(self, name: str, geometry: str) -> None:
        if self._saved.get(name) == geometry:
            return
        self._saved[name] = geometry
        try:
            write_json_atomic(self.path, self._saved)
        except OSError as error:
            log.warning("window places not saved: %s", error)

    def _read(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as error:
            log.warning("window places ignored: %s: %s", self.path, error)
            return {}
        if not isinstance(data, dict):
            log.warning("window places ignored: %s holds %s", self.path, type(data).__name__)
            return {}
        return {name: value for name, value in data.items() if isinstance(value, str)}
