"""Away while the screen is locked (issue 17), the I/O side: the lockers' ``ActiveChanged(b)``
heard on a private bus standing in for the session bus, and ``AwayKeeper`` setting the duty
on a stand-in server one signal at a time."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from dbus_fast import Message
from dbus_fast.aio import MessageBus

from lia_desktop.core.i18n import english
from lia_desktop.core.models import ClaimBoard, Duty, DutyEntry, Toast
from lia_desktop.services.away import (
    ACTIVE_CHANGED,
    LOCKERS,
    AwayKeeper,
    ScreenLockWatcher,
    lock_signal,
)
from lia_desktop.services.errors import NetworkUnreachable

GNOME_PATH = "/org/gnome/ScreenSaver"
FREEDESKTOP_PATH = "/org/freedesktop/ScreenSaver"


async def emit_active_changed(bus: MessageBus, locker: str, path: str, active: bool) -> None:
    await bus.send(Message.new_signal(path, locker, ACTIVE_CHANGED, "b", [active]))


async def locker_on(address: str, locker: str) -> MessageBus:
    """A connection owning ``locker``'s name, as the desktop's screen locker does."""
    bus = await MessageBus(bus_address=address).connect()
    await bus.request_name(locker)
    return bus


async def heard(private_bus: str, send: Callable[[], Awaitable[None]], count: int) -> list[bool]:
    """What the watcher reports after ``send()``, once ``count`` reports arrived."""
    seen: list[bool] = []
    enough = asyncio.Event()

    def record(locked: bool) -> None:
        seen.append(locked)
        if len(seen) == count:
            enough.set()

    watcher = ScreenLockWatcher(record, private_bus)
    assert await watcher.start()
    try:
        await send()
        await asyncio.wait_for(enough.wait(), 10)
    finally:
        await watcher.stop()
    return seen


@pytest.mark.parametrize(
    ("locker", "path"),
    [("org.freedesktop.ScreenSaver", FREEDESKTOP_PATH), ("org.gnome.ScreenSaver", GNOME_PATH)],
)
async def test_a_locker_locking_and_unlocking_reaches_the_callback(
    private_bus: str, locker: str, path: str
) -> None:
    bus = await locker_on(private_bus, locker)

    async def lock_and_unlock() -> None:
        await emit_active_changed(bus, locker, path, True)
        await emit_active_changed(bus, locker, path, False)

    try:
        assert await heard(private_bus, lock_and_unlock, 2) == [True, False]
    finally:
        bus.disconnect()


async def test_only_the_owner_of_a_lockers_name_is_heard(private_bus: str) -> None:
    impostor = await MessageBus(bus_address=private_bus).connect()
    locker = await locker_on(private_bus, "org.freedesktop.ScreenSaver")

    async def impostor_then_locker() -> None:
        await emit_active_changed(impostor, "org.freedesktop.ScreenSaver", "/x", True)
        await emit_active_changed(locker, "org.freedesktop.ScreenSaver", FREEDESKTOP_PATH, False)

    try:
        assert await heard(private_bus, impostor_then_locker, 1) == [False]
    finally:
        impostor.disconnect()
        locker.disconnect()


@pytest.mark.expect_errors(r"screen lock callback failed")
async def test_a_failing_callback_does_not_stop_the_listener(private_bus: str) -> None:
    unlocked = asyncio.Event()

    def picky(locked: bool) -> None:
        if locked:
            raise RuntimeError("app not ready")
        unlocked.set()

    watcher = ScreenLockWatcher(picky, private_bus)
    assert await watcher.start()
    locker = await locker_on(private_bus, "org.gnome.ScreenSaver")
    try:
        await emit_active_changed(locker, "org.gnome.ScreenSaver", GNOME_PATH, True)
        await emit_active_changed(locker, "org.gnome.ScreenSaver", GNOME_PATH, False)
        await asyncio.wait_for(unlocked.wait(), 10)
    finally:
        locker.disconnect()
        await watcher.stop()


async def test_no_session_bus_turns_the_feature_off_with_one_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    watcher = ScreenLockWatcher(lambda _locked: None, f"unix:path={tmp_path}/no-such-socket")
    with caplog.at_level(logging.INFO, "lia_desktop.services.away"):
        assert not await watcher.start()
    assert [
        r.getMessage() for r in caplog.records if "screen lock is not watched" in r.getMessage()
    ]
    await watcher.stop()  # nothing to stop: no error either


def test_only_an_active_changed_boolean_of_a_locker_counts() -> None:
    for locker in LOCKERS:
        assert lock_signal(Message.new_signal("/", locker, ACTIVE_CHANGED, "b", [True])) is True
    assert (
        lock_signal(Message.new_signal("/", "org.example.Other", ACTIVE_CHANGED, "b", [True]))
        is None
    )
    assert lock_signal(Message.new_signal("/", LOCKERS[0], "WakeUpScreen", "", [])) is None
    assert lock_signal(Message.new_signal("/", LOCKERS[0], ACTIVE_CHANGED, "u", [1])) is None


# --- AwayKeeper -------------------------------------------------------------------------

ME = uuid.UUID("00000000-0000-4000-a000-0000000000aa")
T0 = datetime(2026, 11, 30, 10, 2, tzinfo=UTC)
#: the keeper's tries at setting Available again, fast
RETRY_DELAYS = (0.01, 0.01)


class Server:
    """``admin_set_duty`` and the roster the app holds, as Sync keeps them: each call stamps
    a new ``since``; ``failures`` calls fail first (no network); ``hold`` keeps the answers
    back until set; signed out, nothing is set
    (the app's ``_set_my_duty`` answers None)."""

    def __init__(self, duty: Duty | None) -> None:
        self.calls: list[Duty] = []
        self.clock = T0
        self.roster: dict[uuid.UUID, DutyEntry] = {}
        #: the roster the app holds: the server's, unless a pick elsewhere has not reached it
        self.held: dict[uuid.UUID, DutyEntry] = {}
        self.reloads = 0
        self.reload_failures = 0
        self.hold: asyncio.Event | None = None
        self.failures = 0
        self.signed_in = True
        if duty is not None:
            self.pick(duty)

    def pick(self, duty: Duty) -> DutyEntry:
        """The admin (here or on another device) or the app sets ``duty``."""
        self.clock += timedelta(minutes=1)
        entry = DutyEntry(ME, "Ana", duty, self.clock)
        self.roster[ME] = self.held[ME] = entry
        return entry

    def pick_unheard(self, duty: Duty) -> None:
        """The admin picks ``duty`` on another device while this one sleeps: the server has
        it, the roster this app holds does not (Realtime was down)."""
        held = dict(self.held)
        self.pick(duty)
        self.held = held

    async def reload(self) -> None:
        if self.reload_failures:
            self.reload_failures -= 1
            raise NetworkUnreachable("cut")
        self.reloads += 1
        self.held = dict(self.roster)

    async def set_duty(self, duty: Duty) -> DutyEntry | None:
        self.calls.append(duty)
        if self.hold is not None:
            await self.hold.wait()
        if self.failures:
            self.failures -= 1
            raise NetworkUnreachable("cut")
        return self.pick(duty) if self.signed_in else None

    def board(self) -> ClaimBoard:
        return ClaimBoard(ME, {}, dict(self.held))


def keeper_for(
    server: Server, toasts: list[Toast], *, enabled: bool = True, lock_grace: float = 0.0
) -> AwayKeeper:
    return AwayKeeper(
        server.set_duty,
        server.board,
        server.reload,
        lambda: enabled,
        toasts.append,
        english,
        now=lambda: server.clock,
        retry_delays=RETRY_DELAYS,
        lock_grace=lock_grace,
    )


async def settle(keeper: AwayKeeper) -> None:
    """Until every signal handed to ``keeper`` has been handled (retries included)."""
    async with asyncio.timeout(5):
        while len(keeper._tasks):  # noqa: ASYNC110
            await asyncio.sleep(0.001)


async def test_lock_sets_away_and_unlock_sets_available_with_a_toast() -> None:
    server, toasts = Server(Duty.AVAILABLE), list[Toast]()
    keeper = keeper_for(server, toasts)
    keeper.screen_lock_changed(True)
    await settle(keeper)
    assert server.board().my_duty is Duty.AWAY
    keeper.screen_lock_changed(False)
    await settle(keeper)
    assert server.calls == [Duty.AWAY, Duty.AVAILABLE]
    assert server.board().my_duty is Duty.AVAILABLE
    assert [t.title for t in toasts] == ["You are Available again"]
    assert "screen was locked, 10:03–10:05" in toasts[0].body  # from the lock to now
    await keeper.close()


async def test_an_unlock_waits_for_the_away_it_undoes() -> None:
    server, toasts = Server(Duty.AVAILABLE), list[Toast]()
    server.hold = asyncio.Event()
    keeper = keeper_for(server, toasts)
    keeper.screen_lock_changed(True)
    for _ in range(10):
        await asyncio.sleep(0)
    assert server.calls == [Duty.AWAY]  # the grace is over, the Away is on its way
    keeper.screen_lock_changed(False)
    for _ in range(10):
        await asyncio.sleep(0)
    assert server.calls == [Duty.AWAY]
    server.hold.set()
    server.hold = None
    await settle(keeper)
    assert server.calls == [Duty.AWAY, Duty.AVAILABLE]
    assert server.board().my_duty is Duty.AVAILABLE
    assert len(toasts) == 1
    await keeper.close()


async def test_off_duty_picked_while_locked_is_not_flipped_back() -> None:
    server, toasts = Server(Duty.AVAILABLE), list[Toast]()
    keeper = keeper_for(server, toasts)
    keeper.screen_lock_changed(True)
    await settle(keeper)
    server.pick(Duty.OFF_DUTY)  # from the phone's web admin, say
    keeper.screen_lock_changed(False)
    await settle(keeper)
    assert server.calls == [Duty.AWAY]
    assert server.board().my_duty is Duty.OFF_DUTY
    assert toasts == []
    await keeper.close()


async def test_a_duty_picked_elsewhere_during_the_sleep_wins_over_the_stale_roster() -> None:
    server, toasts = Server(Duty.AVAILABLE), list[Toast]()
    keeper = keeper_for(server, toasts)
    keeper.sleeping()
    await settle(keeper)
    server.pick_unheard(Duty.OFF_DUTY)  # on the phone, while the laptop slept
    assert server.board().my_duty is Duty.AWAY  # what the app still holds
    server.reload_failures = 1  # the fetch meets no network at first, as the undo would
    keeper.woke()
    await settle(keeper)
    assert server.calls == [Duty.AWAY]
    assert (server.reloads, server.board().my_duty) == (1, Duty.OFF_DUTY)
    assert toasts == []
    await keeper.close()


async def test_sleep_and_wake_set_away_and_back() -> None:
    server, toasts = Server(Duty.AVAILABLE), list[Toast]()
    keeper = keeper_for(server, toasts)
    keeper.sleeping()
    await settle(keeper)
    keeper.woke()
    await settle(keeper)
    assert server.calls == [Duty.AWAY, Duty.AVAILABLE]
    assert "computer was asleep" in toasts[0].body
    await keeper.close()


@pytest.mark.parametrize(("duty", "enabled"), [(Duty.AVAILABLE, False), (Duty.OFF_DUTY, True)])
async def test_nothing_is_set_when_off_or_not_available(duty: Duty, enabled: bool) -> None:
    server, toasts = Server(duty), list[Toast]()
    keeper = keeper_for(server, toasts, enabled=enabled)
    keeper.screen_lock_changed(True)
    keeper.screen_lock_changed(False)
    await settle(keeper)
    assert (server.calls, toasts) == ([], [])
    await keeper.close()


async def test_an_away_that_did_not_reach_the_server_is_not_undone(
    caplog: pytest.LogCaptureFixture,
) -> None:
    server, toasts = Server(Duty.AVAILABLE), list[Toast]()
    server.failures = 1
    keeper = keeper_for(server, toasts)
    keeper.screen_lock_changed(True)
    await settle(keeper)
    keeper.screen_lock_changed(False)
    await settle(keeper)
    assert server.calls == [Duty.AWAY]
    assert toasts == []
    assert any("away: locked failed: cut" in r.getMessage() for r in caplog.records)
    await keeper.close()


async def test_signed_out_while_locked_nothing_is_told() -> None:
    server, toasts = Server(Duty.AVAILABLE), list[Toast]()
    keeper = keeper_for(server, toasts)
    keeper.screen_lock_changed(True)
    await settle(keeper)
    server.signed_in = False  # the roster the app held is still the last one it saw
    keeper.screen_lock_changed(False)
    await settle(keeper)
    assert server.calls == [Duty.AWAY, Duty.AVAILABLE]
    assert toasts == []
    await keeper.close()


async def test_setting_available_is_tried_again_until_the_network_is_back() -> None:
    server, toasts = Server(Duty.AVAILABLE), list[Toast]()
    keeper = keeper_for(server, toasts)
    keeper.sleeping()
    await settle(keeper)
    server.failures = 2  # just woke: no network for two tries
    keeper.woke()
    await settle(keeper)
    assert server.calls == [Duty.AWAY, Duty.AVAILABLE, Duty.AVAILABLE, Duty.AVAILABLE]
    assert server.board().my_duty is Duty.AVAILABLE
    assert len(toasts) == 1
    await keeper.close()


async def test_after_the_last_try_the_away_stays_and_the_log_says_so(
    caplog: pytest.LogCaptureFixture,
) -> None:
    server, toasts = Server(Duty.AVAILABLE), list[Toast]()
    keeper = keeper_for(server, toasts)
    keeper.screen_lock_changed(True)
    await settle(keeper)
    server.failures = 1 + len(RETRY_DELAYS)
    keeper.screen_lock_changed(False)
    await settle(keeper)
    assert server.board().my_duty is Duty.AWAY
    assert toasts == []
    assert any("back: locked failed: cut" in r.getMessage() for r in caplog.records)
    keeper.screen_lock_changed(True)  # forgotten: the next lock and unlock change nothing
    keeper.screen_lock_changed(False)
    await settle(keeper)
    assert server.calls.count(Duty.AVAILABLE) == 1 + len(RETRY_DELAYS)
    await keeper.close()


async def test_a_lock_between_tries_waits_for_the_unlock() -> None:
    server, toasts = Server(Duty.AVAILABLE), list[Toast]()
    keeper = keeper_for(server, toasts)
    keeper.screen_lock_changed(True)
    await settle(keeper)
    server.failures = 1
    keeper.screen_lock_changed(False)
    keeper.screen_lock_changed(True)  # handled between the failed try and the next one
    await settle(keeper)
    assert server.calls == [Duty.AWAY, Duty.AVAILABLE]  # no second Away, no try while locked
    keeper.screen_lock_changed(False)
    await settle(keeper)
    assert server.calls == [Duty.AWAY, Duty.AVAILABLE, Duty.AVAILABLE]
    assert server.board().my_duty is Duty.AVAILABLE
    assert len(toasts) == 1
    await keeper.close()


async def test_a_lock_shorter_than_the_grace_changes_nothing_the_team_sees() -> None:
    """Red team 3: ten quick lock/unlock cycles wrote 20 duties every admin's app heard
    and toasted "You are Available again" ten times."""
    server, toasts = Server(Duty.AVAILABLE), list[Toast]()
    keeper = keeper_for(server, toasts, lock_grace=0.2)
    for _ in range(10):
        keeper.screen_lock_changed(True)
        await asyncio.sleep(0.01)
        keeper.screen_lock_changed(False)
    await settle(keeper)
    assert (server.calls, toasts) == ([], [])
    keeper.screen_lock_changed(True)  # a lock that lasts: Away once the grace is over
    await asyncio.sleep(0.1)
    assert server.calls == []
    await settle(keeper)
    assert server.calls == [Duty.AWAY]
    keeper.screen_lock_changed(False)
    await settle(keeper)
    assert server.calls == [Duty.AWAY, Duty.AVAILABLE]
    assert len(toasts) == 1
    await keeper.close()
