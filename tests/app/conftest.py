"""Fixtures for the composition root's tests: a qasync loop, an in-memory keyring,
private XDG folders, DesktopApp instances stopped at teardown, and marketplace inserts.

The leak checks of tests/ui apply here too: a test fails if the app leaves a
top-level widget or a running QTimer behind, so ``DesktopApp.stop()`` must
clean up everything it made.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import keyring
import psycopg
import pytest
import qasync
from PySide6.QtWidgets import QApplication

from lia_desktop.app import DesktopApp
from lia_desktop.core.settings import Settings
from lia_desktop.services.settings_store import SettingsStore
from tests.fixtures import DevstackProcess
from tests.services.keyrings import MemoryKeyring
from tests.ui.conftest import OFFSCREEN_NOISE, _fail_on_active_timers, _fail_on_leaked_widgets

__all__ = ["MemoryKeyring", "_fail_on_active_timers", "_fail_on_leaked_widgets"]

T = TypeVar("T")
#: Also the offscreen plugin's, when the app raises a window it shows.
OFFSCREEN_RAISE = r"This plugin does not support raise\(\)"
WAIT = 20.0


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/app/" in item.nodeid:
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE, OFFSCREEN_RAISE))


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Config, data, cache and logs under tmp_path (platformdirs reads XDG_* on each call)."""
    for name in ("CONFIG", "DATA", "CACHE", "STATE"):
        folder = tmp_path / name.lower()
        folder.mkdir()
        monkeypatch.setenv(f"XDG_{name}_HOME", str(folder))
    return tmp_path


@pytest.fixture
def aloop(qapp: QApplication) -> Iterator[qasync.QEventLoop]:
    """An asyncio loop that is the Qt event loop, as in the running app."""
    qapp.setQuitOnLastWindowClosed(False)  # as run_gui: closing a window must not stop the loop
    loop = qasync.QEventLoop(qapp, already_running=False)
    asyncio.set_event_loop(loop)
    yield loop
    loop.close()  # left to the GC it raises "Signal source has been deleted"
    asyncio.set_event_loop(None)
    qapp.setQuitOnLastWindowClosed(True)


async def until(condition: Callable[[], Any], timeout: float = WAIT) -> None:  # noqa: ASYNC109
    """Let the loop run until ``condition()`` is truthy (Qt state has no event to await)."""
    async with asyncio.timeout(timeout):
        while not condition():  # noqa: ASYNC110
            await asyncio.sleep(0.02)


async def drained() -> list[asyncio.Task[Any]]:
    """Wait briefly for every other task to end; returns the ones still running."""
    others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    if others:
        await asyncio.wait(others, timeout=5)
    return [t for t in others if not t.done()]


class Runner:
    """Runs a test's scenario in the qasync loop, with a deadline so a hang fails.

    A scenario runs start to end in one run: between runs pytest-qt processes Qt
    events, and qasync would then step asyncio tasks with no running loop.
    """

    def __init__(self, loop: qasync.QEventLoop) -> None:
        self.loop = loop

    def __call__(self, coroutine: Awaitable[T], timeout: float = 60.0) -> T:
        async def bounded() -> T:
            async with asyncio.timeout(timeout):
                return await coroutine

        return self.loop.run_until_complete(bounded())  # type: ignore[no-any-return]


@pytest.fixture
def run(aloop: qasync.QEventLoop) -> Runner:
    return Runner(aloop)


@pytest.fixture
def settings_store(private_dirs: Path) -> SettingsStore:
    return SettingsStore(private_dirs / "config" / "lia-desktop" / "settings.json")


class AppFactory:
    """Builds DesktopApps on the test's settings store; ``stop`` ends one and checks it left nothing running."""

    def __init__(self, qapp: QApplication, store: SettingsStore, data_dir: Path) -> None:
        self._qapp, self._store, self._data_dir = qapp, store, data_dir
        self.running: list[DesktopApp] = []

    def __call__(self, settings: Settings | None = None) -> DesktopApp:
        if settings is not None:
            self._store.save(settings)
        app = DesktopApp(self._qapp, self._store, data_dir=self._data_dir)
        self.running.append(app)
        return app

    async def stop(self, app: DesktopApp) -> None:
        self.running.remove(app)
        await app.stop()
        left = await drained()
        assert not left, f"tasks still running after DesktopApp.stop(): {left}"

    async def stop_all(self) -> None:
        for app in list(self.running):
            await self.stop(app)


@pytest.fixture
def make_app(
    qapp: QApplication, run: Runner, settings_store: SettingsStore, private_dirs: Path
) -> Iterator[AppFactory]:
    factory = AppFactory(qapp, settings_store, private_dirs / "data")
    yield factory
    run(factory.stop_all())


def insert_bookings(devstack: DevstackProcess, count: int) -> None:
    """``count`` new bookings by a seeded customer, each one a ``booking_created`` notification."""
    with psycopg.connect(devstack.db_url, autocommit=True) as db:
        for _ in range(count):
            db.execute(
                """
                insert into public.bookings
                  (customer_id, professional_id, service, status, total_price_cop, scheduled_at)
                select (select id from public.users where role = 'customer' order by created_at limit 1),
                       (select id from public.professionals order by id limit 1),
                       'Plumbing', 'pending', 180000, now() + interval '1 day'
                """
            )


def read_rows(devstack: DevstackProcess, admin_id: str) -> set[int]:
    with psycopg.connect(devstack.db_url) as db:
        rows = db.execute(
            "select notification_id from public.admin_notification_reads"
            " where admin_id = %s and read_at is not null",
            (admin_id,),
        ).fetchall()
    return {row[0] for row in rows}
