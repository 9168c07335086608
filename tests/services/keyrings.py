"""Keyring backends for tests: the OS keyring's API without the user's secrets.

``FileKeyring`` keeps its entries in the JSON file named by ``$LIA_TEST_KEYRING_FILE``,
so the test process (playing the desktop app) and the ``lia-desktop`` commands it
starts as subprocesses (``PYTHON_KEYRING_BACKEND=tests.services.keyrings.FileKeyring``)
share one keyring, as the app and a terminal share the login keyring on a real desktop.
``FailingKeyring`` works until told to fail, then raises on every write and delete,
as a file-backed keyring does on a full disk.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend

KEYRING_FILE_ENV = "LIA_TEST_KEYRING_FILE"
BACKEND_ENV = "PYTHON_KEYRING_BACKEND"


class MemoryKeyring(KeyringBackend):
    """Entries in a dict: (service, username) -> secret."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop((service, username), None)


class FailingKeyring(MemoryKeyring):
    """Reads work; once ``failure`` is set, every write and delete raises it."""

    def __init__(self) -> None:
        super().__init__()
        self.failure: Exception | None = None
        self.attempts: list[str] = []  # "set KEY" / "delete KEY" while failing

    def set_password(self, service: str, username: str, password: str) -> None:
        if self.failure is not None:
            self.attempts.append(f"set {username}")
            raise self.failure
        super().set_password(service, username, password)

    def delete_password(self, service: str, username: str) -> None:
        if self.failure is not None:
            self.attempts.append(f"delete {username}")
            raise self.failure
        super().delete_password(service, username)


class FileKeyring(KeyringBackend):
    """Entries in ``$LIA_TEST_KEYRING_FILE`` (JSON), visible to every process that names it."""

    priority = 1  # type: ignore[assignment]

    @property
    def path(self) -> Path:
        return Path(os.environ[KEYRING_FILE_ENV])

    def entries(self) -> dict[str, str]:
        """``"service|username" -> secret``, as stored now."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        assert isinstance(data, dict)
        return {str(k): str(v) for k, v in data.items()}

    def _write(self, entries: dict[str, str]) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(entries, sort_keys=True), encoding="utf-8")
        tmp.replace(self.path)

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries().get(f"{service}|{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        self._write({**self.entries(), f"{service}|{username}": password})

    def delete_password(self, service: str, username: str) -> None:
        entries = self.entries()
        entries.pop(f"{service}|{username}", None)
        self._write(entries)
