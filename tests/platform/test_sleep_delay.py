"""The sleep delay lock (issue 17: the admin's Away must reach the server before the computer
sleeps): ``SleepWatcher`` holds logind's *delay* inhibitor and closes it only once
``before_sleep`` is done, and takes a new one on wake. logind is a stand-in on a private bus
whose ``Inhibit`` hands out one end of a pipe: the other end reads EOF when the lock is closed.

No ``from __future__ import annotations`` here: dbus_fast reads the D-Bus signature of the
stand-in's method from its annotations as written.
"""

import asyncio
import os
import select

from dbus_fast import Message
from dbus_fast.aio import MessageBus
from dbus_fast.service import ServiceInterface, dbus_method

from lia_desktop.services.power import LOGIN1, LOGIN1_MANAGER, LOGIN1_PATH, SleepWatcher


class Logind(ServiceInterface):
    """``Inhibit``: a pipe per call; the caller holds the write end, logind the read end."""

    def __init__(self) -> None:
        super().__init__(LOGIN1_MANAGER)
        self.locks: list[int] = []  # read ends, one per lock handed out
        self.sent: list[int] = []  # write ends sent; closed here once the caller has them
        self.asked: list[tuple[str, str]] = []

    @dbus_method()
    def Inhibit(self, what: "s", who: "s", why: "s", mode: "s") -> "h":  # type: ignore[name-defined]  # noqa: F821
        self.asked.append((what, mode))
        read_end, write_end = os.pipe()
        self.locks.append(read_end)
        self.sent.append(write_end)
        return write_end

    def close_sent(self) -> None:
        for fd in self.sent:
            os.close(fd)
        self.sent.clear()

    def released(self, lock: int) -> bool:
        """The caller closed that lock: its read end is readable with nothing to read (EOF)."""
        readable, _, _ = select.select([lock], [], [], 0)
        return bool(readable) and os.read(lock, 1) == b""

    def close(self) -> None:
        self.close_sent()
        for fd in self.locks:
            os.close(fd)


async def logind_on(address: str) -> tuple[MessageBus, Logind]:
    bus = await MessageBus(bus_address=address, negotiate_unix_fd=True).connect()
    logind = Logind()
    bus.export(LOGIN1_PATH, logind)
    await bus.request_name(LOGIN1)
    return bus, logind


async def prepare_for_sleep(bus: MessageBus, sleeping: bool) -> None:
    await bus.send(
        Message.new_signal(LOGIN1_PATH, LOGIN1_MANAGER, "PrepareForSleep", "b", [sleeping])
    )


async def eventually(check: object) -> None:
    async with asyncio.timeout(5):
        while not check():  # type: ignore[operator]  # noqa: ASYNC110
            await asyncio.sleep(0.01)


async def test_the_computer_sleeps_only_once_before_sleep_is_done(private_bus: str) -> None:
    bus, logind = await logind_on(private_bus)
    away_sent = asyncio.Event()
    slept: list[str] = []
    watcher = SleepWatcher(
        lambda: slept.append("sleep"),
        lambda: slept.append("wake"),
        private_bus,
        before_sleep=away_sent.wait,
    )
    try:
        assert await watcher.start()
        logind.close_sent()
        assert logind.asked == [("sleep", "delay")]
        first = logind.locks[0]
        await prepare_for_sleep(bus, True)
        await eventually(lambda: slept == ["sleep"])
        await asyncio.sleep(0.2)
        assert not logind.released(first)  # the Away is still on its way: logind waits
        away_sent.set()
        await eventually(lambda: logind.released(first))

        await prepare_for_sleep(bus, False)  # woke: a new lock for the next sleep
        await eventually(lambda: len(logind.asked) == 2)
        assert slept == ["sleep", "wake"]
    finally:
        await watcher.stop()
        bus.disconnect()
        logind.close()


async def test_without_before_sleep_no_lock_is_taken(private_bus: str) -> None:
    bus, logind = await logind_on(private_bus)
    watcher = SleepWatcher(lambda: None, lambda: None, private_bus)
    try:
        assert await watcher.start()
        assert logind.asked == []
    finally:
        await watcher.stop()
        bus.disconnect()
        logind.close()


async def test_no_logind_means_no_lock_and_sleep_is_still_heard(private_bus: str) -> None:
    woke = asyncio.Event()

    async def nothing_to_send() -> None:
        return None

    watcher = SleepWatcher(lambda: None, woke.set, private_bus, before_sleep=nothing_to_send)
    try:
        assert await watcher.start()  # Inhibit has nobody to answer: logged, not fatal
        stand_in = await MessageBus(bus_address=private_bus).connect()
        await stand_in.request_name(LOGIN1)
        await prepare_for_sleep(stand_in, False)
        await asyncio.wait_for(woke.wait(), 5)
        stand_in.disconnect()
    finally:
        await watcher.stop()
