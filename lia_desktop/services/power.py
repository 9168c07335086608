"""Sleep/wake and clock jumps: the moments when a live connection silently goes stale.

A laptop lid closes, the socket dies without a FIN, and the app would wait for
a heartbeat timeout after waking. logind's ``PrepareForSleep`` signal (Linux,
system bus) says so at once; the clock-jump detector is the fallback on every
OS (and catches NTP steps and a process that was frozen). Both only call
callbacks: the composition root points them at the supervisor's ``wake()`` /
``clock_jumped()``, and at the admin's Away, which the sleep waits for (a logind delay
lock). Network reachability is Qt's and lives in ``ui/network.py``.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from dbus_fast import BusType, Message, MessageType
from dbus_fast.aio import MessageBus

from lia_desktop.services.tasks import BackgroundTasks

log = logging.getLogger(__name__)

LOGIN1 = "org.freedesktop.login1"
LOGIN1_PATH = "/org/freedesktop/login1"
LOGIN1_MANAGER = "org.freedesktop.login1.Manager"
PREPARE_FOR_SLEEP = "PrepareForSleep"
#: how long the computer's sleep waits for ``before_sleep`` at most (under logind's 5 s)
SLEEP_DELAY_MAX = 4.0
MATCH_RULE = (
    f"type='signal',sender='{LOGIN1}',path='{LOGIN1_PATH}',"
    f"interface='{LOGIN1_MANAGER}',member='{PREPARE_FOR_SLEEP}'"
)


def sleep_signal(message: Message) -> bool | None:
    """True: about to sleep; False: just woke; None: not logind's PrepareForSleep."""
    if (
        message.message_type is MessageType.SIGNAL
        and message.path == LOGIN1_PATH
        and message.interface == LOGIN1_MANAGER
        and message.member == PREPARE_FOR_SLEEP
        and message.signature == "b"
    ):
        return bool(message.body[0])
    return None


async def add_match(bus: MessageBus, rule: str) -> bool:
    """Ask the bus for the signals ``rule`` matches; False (logged) when it refuses."""
    reply = await bus.call(
        Message(
            destination="org.freedesktop.DBus",
            path="/org/freedesktop/DBus",
            interface="org.freedesktop.DBus",
            member="AddMatch",
            signature="s",
            body=[rule],
        )
    )
    if reply is None or reply.message_type is MessageType.ERROR:
        log.warning("could not subscribe to %s: %s", rule, reply and reply.body)
        return False
    return True


def _call_safely(callback: Callable[[], None], what: str) -> None:
    try:
        callback()
    except Exception:  # a bad callback must not kill the bus reader
        log.exception("%s callback failed", what)


class SleepWatcher:
    """Listens for logind's ``PrepareForSleep(b)`` and calls ``on_sleep`` / ``on_wake``.

    ``bus_address`` None means the system bus; tests pass a private bus's address.
    ``before_sleep``: what must reach the server before the computer sleeps (the admin's
    Away): the watcher holds a logind *delay* lock, so logind waits until it is done (at
    most ``SLEEP_DELAY_MAX``; logind's own limit, InhibitDelayMaxSec, is 5 s by default).
    """

    def __init__(
        self,
        on_sleep: Callable[[], None],
        on_wake: Callable[[], None],
        bus_address: str | None = None,
        before_sleep: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self._on_sleep = on_sleep
        self._on_wake = on_wake
        self._address = bus_address
        self._before_sleep = before_sleep
        self._bus: MessageBus | None = None
        self._delay_lock: int | None = None  # the fd logind's Inhibit gave
        self._tasks = BackgroundTasks("sleep watcher")

    async def start(self) -> bool:
        """Subscribe; False (logged, not raised) where there is no logind (macOS, Windows, containers)."""
        if self._address is None and not sys.platform.startswith("linux"):
            return False
        try:
            bus = await MessageBus(
                bus_address=self._address,
                bus_type=BusType.SYSTEM,
                negotiate_unix_fd=self._before_sleep is not None,
            ).connect()
        except (OSError, ValueError, EOFError) as exc:  # no socket / no bus address / auth refused
            log.info("no system bus (%s): sleep/wake falls back to clock-jump detection", exc)
            return False
        bus.add_message_handler(self._handle)
        if not await add_match(bus, MATCH_RULE):
            bus.disconnect()
            return False
        self._bus = bus
        if self._before_sleep is not None:
            await self._take_delay_lock()
        return True

    async def _take_delay_lock(self) -> None:
        """Ask logind to wait for us before each sleep; without it (no logind, refused) the
        Away is only as fast as the sleep."""
        assert self._bus is not None
        reply = await self._bus.call(
            Message(
                destination=LOGIN1,
                path=LOGIN1_PATH,
                interface=LOGIN1_MANAGER,
                member="Inhibit",
                signature="ssss",
                body=["sleep", "LIA Desktop", "Telling the team the admin is away", "delay"],
            )
        )
        if reply is None or reply.message_type is MessageType.ERROR or not reply.unix_fds:
            log.info("no sleep delay lock: %s", reply and reply.body)
            return
        self._release_delay_lock()  # a lock still held from before is one too many
        self._delay_lock = reply.unix_fds[reply.body[0]]  # 'h': an index into unix_fds

    def _release_delay_lock(self) -> None:
        fd, self._delay_lock = self._delay_lock, None
        if fd is not None:
            os.close(fd)

    async def _delay_sleep(self, before_sleep: Callable[[], Awaitable[None]]) -> None:
        try:
            await asyncio.wait_for(before_sleep(), SLEEP_DELAY_MAX)
        except TimeoutError:
            log.warning("sleeping before it was done (%s s)", SLEEP_DELAY_MAX)
        finally:
            self._release_delay_lock()  # logind may sleep now

    def _handle(self, message: Message) -> None:
        going_to_sleep = sleep_signal(message)
        if going_to_sleep is True:
            log.info("system is going to sleep")
            _call_safely(self._on_sleep, "sleep")
            if self._before_sleep is not None and self._delay_lock is not None:
                self._tasks.spawn(self._delay_sleep(self._before_sleep), "delay sleep")
        elif going_to_sleep is False:
            log.info("system woke up")
            _call_safely(self._on_wake, "wake")
            if self._before_sleep is not None:
                self._tasks.spawn(self._take_delay_lock(), "sleep delay lock")

    async def stop(self) -> None:
        await self._tasks.close()
        self._release_delay_lock()
        if self._bus is not None:
            self._bus.disconnect()
            await self._bus.wait_for_disconnect()  # type: ignore[no-untyped-call]  # untyped upstream
            self._bus = None


# --- clock jumps ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClockReading:
    monotonic: float
    wall: float


def read_clocks() -> ClockReading:
    return ClockReading(time.monotonic(), time.time())


def clock_jump(
    previous: ClockReading, current: ClockReading, interval: float, tolerance: float
) -> float | None:
    """Seconds of time the app did not live through between two ticks ``interval`` apart, or None.

    Two signs: the wall clock moved more (or less) than the monotonic clock, which
    is what a suspend looks like on Linux and macOS (their monotonic clocks stop)
    and what an NTP step or a manual change looks like; or the monotonic gap far
    exceeds the tick interval, which is a suspend where the monotonic clock keeps
    counting (Windows) or a frozen process. A negative result is a backwards step.
    """
    mono_elapsed = current.monotonic - previous.monotonic
    unseen = (current.wall - previous.wall) - mono_elapsed
    if abs(unseen) > tolerance:
        return unseen
    stalled = mono_elapsed - interval
    if stalled > tolerance:
        return stalled
    return None


async def watch_clock(
    on_clock_jump: Callable[[float], None],
    interval: float = 5.0,
    tolerance: float = 10.0,
    read: Callable[[], ClockReading] = read_clocks,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> None:
    """Tick every ``interval`` seconds forever, calling ``on_clock_jump(delta)`` on each jump."""
    previous = read()
    while True:
        await sleep(interval)
        current = read()
        jump = clock_jump(previous, current, interval, tolerance)
        if jump is not None:
            log.info("clock jumped by %.1f s", jump)
            _call_safely(functools.partial(on_clock_jump, jump), "clock jump")
        previous = current
