"""Another admin claims a dispute whose toast is open on this desktop (issue 17): within a
second dunst shows the same notification (its id, still one on screen) saying "Taken by
<name>", and its context menu no longer offers Claim. The other admin acts from their own
session (SQL as PostgREST runs their request). A toast the admin closed is not brought back
by the release that follows. A D-Bus monitor timestamps the app's ``Notify`` calls: the
delay reported is from the other admin's commit to the replacing ``Notify``.
"""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from dbus_fast import Message, MessageType
from dbus_fast.aio import MessageBus

from lia_desktop.app import NOTIFIER_APP_ID
from tests.app.conftest import AppFactory, Runner
from tests.app.test_give_to_and_delays import name_of, open_dispute
from tests.app.test_sign_in_and_live import signed_in
from tests.app.test_toasts_follow_claims import IN_PLACE_WITHIN_S, as_admin
from tests.desktop.dbus import call
from tests.desktop.test_tray_and_toasts import displayed, dunstctl, history, wait_for
from tests.fixtures import DevstackProcess

pytestmark = pytest.mark.devstack  # desktop + skip elsewhere: tests/desktop/conftest.py


@dataclass(frozen=True)
class SeenNotify:
    at: float  # time.monotonic() when the monitor saw it
    replaces_id: int
    summary: str
    body: str


class NotifyMonitor:
    """Every ``Notify`` our app sends on the session bus, as the daemon receives it."""

    def __init__(self, bus: MessageBus) -> None:
        self.bus = bus
        self.seen: list[SeenNotify] = []

    @classmethod
    async def start(cls) -> NotifyMonitor:
        bus = await MessageBus().connect()
        monitor = cls(bus)
        bus.add_message_handler(monitor._heard)
        rule = "type='method_call',interface='org.freedesktop.Notifications',member='Notify'"
        await call(
            bus,
            "org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.Monitoring",
            "BecomeMonitor",
            "asu",
            [rule],
            0,
        )
        return monitor

    def _heard(self, message: Message) -> bool:
        """Records our app's ``Notify``. A method call seen is handled (True), or dbus-fast
        would answer it with an error, and the bus disconnects a monitor that sends."""
        if message.message_type is not MessageType.METHOD_CALL:
            return False  # BecomeMonitor's own reply, for dbus-fast
        if message.member == "Notify" and message.body[0] == NOTIFIER_APP_ID:
            _app, replaces_id, _icon, summary, body = message.body[:5]
            self.seen.append(SeenNotify(time.monotonic(), replaces_id, summary, body))
        return True

    def stop(self) -> None:
        self.bus.disconnect()


async def offered_actions(pick: Path) -> list[str]:
    """The actions dunst's context menu offers now, as "#Claim (New dispute) [3,<key>]"
    lines (the dmenu stub records them and, with a pattern that matches none, picks
    nothing)."""
    offered = Path(f"{pick}.offered")
    await asyncio.to_thread(offered.unlink, missing_ok=True)
    await asyncio.to_thread(pick.write_text, "#no such action")
    await dunstctl("context")
    text = await wait_for(lambda: asyncio.to_thread(_read, offered))
    return str(text).splitlines()


def offers(actions: list[str], title: str, daemon_id: int | None = None) -> bool:
    """Whether the dispute's toast (the one of ``daemon_id``, if given) offers ``title``."""
    start = f"#{title} (New dispute) [{'' if daemon_id is None else f'{daemon_id},'}"
    return any(line.startswith(start) for line in actions)


def _read(path: Path) -> str:
    return path.read_text() if path.exists() else ""


def test_another_admins_claim_replaces_the_open_toast_in_dunst(
    run: Runner, make_app: AppFactory, devstack: DevstackProcess
) -> None:
    admin = devstack.create_user(admin=True)
    ana = devstack.create_user(admin=True)
    ana_name = name_of(devstack, ana)
    pick = Path(os.environ["DUNST_PICK_FILE"])

    async def scenario() -> None:
        app = await signed_in(make_app, devstack, admin)
        await dunstctl("close-all")
        before = {e["id"]["data"] for e in await history("New dispute")}
        monitor = await NotifyMonitor.start()
        try:
            dispute, _ = open_dispute(devstack)
            await wait_for(lambda: _seen(monitor, 1))
            await wait_for(lambda: _displayed_is(1))
            assert monitor.seen[0].replaces_id == 0
            assert offers(await offered_actions(pick), "Claim")

            await asyncio.to_thread(as_admin, devstack, ana, "admin_claim", dispute)
            claimed_at = time.monotonic()
            await wait_for(lambda: _seen(monitor, 2), timeout=5)
            replaced = monitor.seen[1]
            delay = replaced.at - claimed_at
            assert replaced.replaces_id != 0
            assert replaced.body.startswith(f"Taken by {ana_name}\n")
            assert await displayed() == 1  # the same popup, no new stack entry
            actions = await offered_actions(pick)
            assert not offers(actions, "Claim")
            assert offers(actions, "Mark read", replaced.replaces_id)
            assert delay <= IN_PLACE_WITHIN_S, f"the toast changed {delay:.3f} s after the claim"

            # the admin closes it; the release that follows does not bring it back
            await dunstctl("close-all")
            [entry] = [e for e in await history("New dispute") if e["id"]["data"] not in before]
            assert entry["id"]["data"] == replaced.replaces_id  # one notification, replaced
            assert entry["body"]["data"].startswith(f"Taken by {ana_name}")
            await asyncio.to_thread(as_admin, devstack, ana, "admin_release", dispute)
            await asyncio.sleep(1.0)
            assert len(monitor.seen) == 2
            assert await displayed() == 0
            print(f"dunst's toast read 'Taken by …' {delay * 1000:.0f} ms after the claim")
        finally:
            monitor.stop()
            await asyncio.to_thread(Path(f"{pick}.offered").unlink, missing_ok=True)
            await asyncio.to_thread(pick.unlink, missing_ok=True)
        await make_app.stop(app)

    run(scenario(), timeout=120)


async def _seen(monitor: NotifyMonitor, count: int) -> bool:
    return len(monitor.seen) >= count


async def _displayed_is(count: int) -> bool:
    return await displayed() == count
