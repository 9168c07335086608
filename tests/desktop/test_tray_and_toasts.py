"""The tray app on a real desktop: its StatusNotifierItem on the session bus, toasts in dunst,
and a toast's "Mark read" button marking the item read on the server.

Runs under ``tests/desktop/run.sh`` (Xvfb, private session bus, gnome-keyring, SNI
watcher + host, dunst with the dmenu stub); skips itself anywhere else.
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Any

import pytest
from dbus_fast.aio import MessageBus

from lia_desktop.app import NOTIFIER_APP_ID
from lia_desktop.ui.theme import ORANGE
from lia_desktop.ui.tray_icon import BADGE_DIAMETER
from tests.app.conftest import (
    AppFactory,
    Runner,
    insert_bookings,
    read_rows,
    until,
)
from tests.app.test_sign_in_and_live import signed_in
from tests.desktop.dbus import call
from tests.fixtures import DevstackProcess

pytestmark = pytest.mark.devstack  # desktop + skip elsewhere: tests/desktop/conftest.py


async def our_status_notifier_item(bus: MessageBus) -> tuple[str, str] | None:
    """(bus name, path) of this process's item: Qt registers it on its own connection, so by PID."""
    (items,) = await call(bus, "org.kde.StatusNotifierWatcher", "/StatusNotifierWatcher",
                          "org.freedesktop.DBus.Properties", "Get", "ss",
                          "org.kde.StatusNotifierWatcher", "RegisteredStatusNotifierItems")  # fmt: skip
    for item in items.value:
        name, slash, path = item.partition("/")
        (pid,) = await call(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                            "org.freedesktop.DBus", "GetConnectionUnixProcessID", "s", name)  # fmt: skip
        if pid == os.getpid():
            return name, slash + path if path else "/StatusNotifierItem"
    return None


async def item_property(bus: MessageBus, item: tuple[str, str], prop: str) -> Any:
    (value,) = await call(bus, item[0], item[1], "org.freedesktop.DBus.Properties", "Get", "ss",
                          "org.kde.StatusNotifierItem", prop)  # fmt: skip
    return value.value


def badge_pixel(pixmaps: list[list[Any]]) -> tuple[int, int, int, int]:
    """ARGB of the largest pixmap at the top of the badge disc (above the digits)."""
    width, _height, data = max(pixmaps, key=lambda p: p[0])
    radius = width * BADGE_DIAMETER / 2
    x, y = round(width - radius), round(radius * 0.3)
    offset = (y * width + x) * 4  # ARGB32, network byte order
    a, r, g, b = data[offset : offset + 4]
    return a, r, g, b


async def dunstctl(*args: str) -> str:
    process = await asyncio.create_subprocess_exec(
        "dunstctl", *args, stdout=asyncio.subprocess.PIPE
    )
    out, _ = await process.communicate()
    assert process.returncode == 0, f"dunstctl {args} failed"
    return out.decode()


async def displayed() -> int:
    return int(await dunstctl("count", "displayed"))


async def wait_for(check: Any, timeout: float = 20) -> Any:  # noqa: ASYNC109
    """Poll an async check until it returns something truthy."""
    async with asyncio.timeout(timeout):
        while not (result := await check()):  # noqa: ASYNC110
            await asyncio.sleep(0.05)
    return result


async def history(summary: str) -> list[dict[str, Any]]:
    entries = json.loads(await dunstctl("history"))["data"][0]
    return [
        e for e in entries
        if e["appname"]["data"] == NOTIFIER_APP_ID and e["summary"]["data"] == summary
    ]  # fmt: skip


def test_tray_item_badge_toast_buttons_and_mark_read_from_the_toast(
    run: Runner, make_app: AppFactory, devstack: DevstackProcess
) -> None:
    admin = devstack.create_user(admin=True)
    pick = Path(os.environ["DUNST_PICK_FILE"])
    offered = Path(f"{pick}.offered")

    async def scenario() -> None:
        bus = await MessageBus().connect()
        try:
            earlier = len(await history("New booking"))  # one dunst serves the whole run
            app = await signed_in(make_app, devstack, admin)
            item = await wait_for(lambda: our_status_notifier_item(bus))
            tooltip = await item_property(bus, item, "ToolTip")
            assert "0 unread — Live" in f"{tooltip[2]} {tooltip[3]}"
            assert badge_pixel(await item_property(bus, item, "IconPixmap"))[1:] != _rgb(ORANGE)

            # A first sign-in toasts nothing old: the seed's backlog is in the list, unread.
            await asyncio.sleep(1.0)
            assert len(await history("New booking")) == earlier
            await dunstctl("close-all")
            await wait_for(lambda: _none_displayed())

            insert_bookings(devstack, 1)
            await wait_for(displayed)  # dunst queues before it displays
            await until(lambda: app.tray.badge == "1")
            assert app.live is not None
            (booking,) = [n for n in app.live.sync.feed.items() if not n.read]
            tooltip = await item_property(bus, item, "ToolTip")
            assert "1 unread — Live" in f"{tooltip[2]} {tooltip[3]}"
            assert badge_pixel(await item_property(bus, item, "IconPixmap")) == (255, *_rgb(ORANGE))

            await asyncio.to_thread(pick.write_text, "#Mark read (New booking)")
            await dunstctl("context")  # dunst hands the buttons to the dmenu stub, which picks
            lines = (await wait_for(lambda: _read(offered))).splitlines()  # dunst runs it async
            assert any(line.startswith("#View booking (New booking)") for line in lines)
            assert any(line.startswith("#Mark read (New booking)") for line in lines)

            await until(lambda: booking.id in read_rows(devstack, admin.id))
            await until(lambda: app.tray.badge == "")
            tooltip = await item_property(bus, item, "ToolTip")
            assert "0 unread — Live" in f"{tooltip[2]} {tooltip[3]}"
            await dunstctl("close-all")
            shown = await wait_for(lambda: history("New booking"))
            assert booking.body in [entry["body"]["data"] for entry in shown]
            await make_app.stop(app)
        finally:
            bus.disconnect()

    run(scenario(), timeout=120)


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


async def _none_displayed() -> bool:
    return await displayed() == 0


async def _read(path: Path) -> str:
    return await asyncio.to_thread(lambda: path.read_text() if path.exists() else "")
