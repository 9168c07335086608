"""What a screen reader hears: every window's accessibility tree read over AT-SPI, the D-Bus
protocol Orca reads, on the private desktop of ``tests/desktop/run.sh``.

``tests/ui/test_accessibility.py`` walks Qt's own tree in-process; this checks that the
names reach assistive technology through Qt's AT-SPI bridge. The accessibility bus is
launched as a desktop session launches it when a screen reader is on
(``at-spi-bus-launcher``, which activates the AT-SPI registry), every window is opened on
a signed-in, live state, and the app's tree is read from a D-Bus connection of its own:
every interactive node must have a name, and the names the issue asked for are there.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from dbus_fast import BusType, Variant
from dbus_fast.aio import MessageBus
from pytestqt.qtbot import QtBot

from tests.app.conftest import Runner
from tests.desktop.dbus import call
from tests.ui.test_accessibility import WINDOWS, live_admin

# Qt starts its AT-SPI bridge only when asked to (or when a desktop says a screen reader is
# on), and decides when the QApplication starts: before any test of the session runs.
os.environ.setdefault("QT_LINUX_ACCESSIBILITY_ALWAYS_ON", "1")

LAUNCHER = "/usr/libexec/at-spi-bus-launcher"
ROOT = "/org/a11y/atspi/accessible/root"
ACCESSIBLE = "org.a11y.atspi.Accessible"
STATE_FOCUSABLE = 11  # AtspiStateType
#: AT-SPI role names of what a user acts on; a focusable node of any other role counts too.
INTERACTIVE = frozenset(
    {
        "push button",
        "toggle button",
        "check box",
        "radio button",
        "combo box",
        "text",
        "spin button",
        "list item",
        "menu item",
        "slider",
        "page tab",
        "table cell",
    }
)


@dataclass(frozen=True, slots=True)
class Node:
    """One accessible object as a screen reader gets it."""

    where: str  # role names from the application down, for a failure message
    role: str
    name: str
    description: str
    focusable: bool

    @property
    def interactive(self) -> bool:
        return self.role in INTERACTIVE or self.focusable


class ScreenReader:
    """A client of the accessibility bus, reading the tree as Orca does."""

    def __init__(self, bus: MessageBus) -> None:
        self._bus = bus

    @classmethod
    async def connect(cls) -> ScreenReader:
        session = await MessageBus(bus_type=BusType.SESSION).connect()
        try:
            async with asyncio.timeout(10):
                while not await _has_owner(session):  # noqa: ASYNC110 (no event to await)
                    await asyncio.sleep(0.05)
            [address] = await call(
                session, "org.a11y.Bus", "/org/a11y/bus", "org.a11y.Bus", "GetAddress"
            )
        finally:
            session.disconnect()
        return cls(await MessageBus(bus_address=address).connect())

    def close(self) -> None:
        self._bus.disconnect()

    async def application_of(self, pid: int) -> str:
        """The bus name of the application ``pid`` registered with the AT-SPI registry."""
        for name, _ in await self._children("org.a11y.atspi.Registry", ROOT):
            [owner_pid] = await call(
                self._bus,
                "org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus",
                "GetConnectionUnixProcessID",
                "s",
                name,
            )
            if owner_pid == pid:
                return str(name)
        raise LookupError(f"process {pid} is not registered on the accessibility bus")

    async def tree(self, app: str, path: str = ROOT, where: str = "") -> list[Node]:
        """Depth first from ``path``; a combo box's popup list is its own (Qt's) business."""
        [role] = await call(self._bus, app, path, ACCESSIBLE, "GetRoleName")
        [states] = await call(self._bus, app, path, ACCESSIBLE, "GetState")
        here = f"{where} > {role}"
        node = Node(
            here,
            role,
            await self._property(app, path, "Name"),
            await self._property(app, path, "Description"),
            bool(states[STATE_FOCUSABLE // 32] & (1 << STATE_FOCUSABLE % 32)),
        )
        nodes = [node]
        if role != "combo box":
            for child_app, child_path in await self._children(app, path):
                nodes += await self.tree(child_app, child_path, here)
        return nodes

    async def _children(self, app: str, path: str) -> list[tuple[str, str]]:
        [children] = await call(self._bus, app, path, ACCESSIBLE, "GetChildren")
        return [(str(a), str(p)) for a, p in children]

    async def _property(self, app: str, path: str, name: str) -> str:
        [value] = await call(
            self._bus, app, path, "org.freedesktop.DBus.Properties", "Get", "ss", ACCESSIBLE, name
        )
        assert isinstance(value, Variant)
        return str(value.value)


async def _has_owner(session: MessageBus) -> bool:
    [owned] = await call(
        session,
        "org.freedesktop.DBus",
        "/org/freedesktop/DBus",
        "org.freedesktop.DBus",
        "NameHasOwner",
        "s",
        "org.a11y.Bus",
    )
    return bool(owned)


@pytest.fixture(scope="session")
def accessibility_bus() -> Iterator[None]:
    """The session's accessibility bus, up from the first test that needs it to the end of
    the run, and then stopped (by PID). One bus for the run, as a desktop session has: Qt's
    bridge in this process registers with the first bus it sees and not with a second."""
    launcher = subprocess.Popen(
        [LAUNCHER, "--launch-immediately"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    yield
    launcher.terminate()
    launcher.wait(timeout=10)


def test_a_screen_reader_hears_a_name_on_every_control_of_every_window(
    run: Runner, qtbot: QtBot, accessibility_bus: None
) -> None:
    state = live_admin()
    windows = [build(qtbot, state) for build in WINDOWS.values()]
    for window in windows:
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)

    async def listen() -> list[Node]:
        reader = await ScreenReader.connect()
        try:
            async with asyncio.timeout(20):  # the bridge registers once it sees the bus
                while True:
                    try:
                        app = await reader.application_of(os.getpid())
                        break
                    except LookupError:
                        await asyncio.sleep(0.1)
            return await reader.tree(app)
        finally:
            reader.close()

    nodes = run(listen())
    heard = {node.name for node in nodes}
    assert {window.windowTitle() for window in windows} <= heard
    unnamed = [node.where for node in nodes if node.interactive and not node.name.strip()]
    assert not unnamed, "controls a screen reader hears without a name:\n" + "\n".join(unnamed)
    assert {
        "Quiet hours start",
        "Quiet hours end",
        "Do not disturb until",
        "Total bookings: 1,234, +5.0% vs last month",
        "Unread: New dispute, 10 min ago",
        "Read: New professional application, 10 min ago",
    } <= heard
    [password] = [node for node in nodes if node.role == "text" and node.name == "Password"]
    assert "not saved" in password.description
