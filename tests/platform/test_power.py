"""Sleep/wake over D-Bus (a private bus standing in for the system bus) and clock jumps."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from dbus_fast import Message, MessageType
from dbus_fast.aio import MessageBus

from lia_desktop.services.power import (
    LOGIN1,
    LOGIN1_MANAGER,
    LOGIN1_PATH,
    ClockReading,
    SleepWatcher,
    clock_jump,
    sleep_signal,
    watch_clock,
)


async def emit_prepare_for_sleep(bus: MessageBus, sleeping: bool) -> None:
    await bus.send(
        Message.new_signal(LOGIN1_PATH, LOGIN1_MANAGER, "PrepareForSleep", "b", [sleeping])
    )


async def test_prepare_for_sleep_reaches_the_callbacks(private_bus: str) -> None:
    events: list[str] = []
    both = asyncio.Event()

    def record(what: str) -> None:
        events.append(what)
        if len(events) == 2:
            both.set()

    watcher = SleepWatcher(lambda: record("sleep"), lambda: record("wake"), private_bus)
    assert await watcher.start()
    logind = await MessageBus(bus_address=private_bus).connect()
    try:
        await logind.request_name(LOGIN1)
        # Same signal from someone who is not logind: the match rule keeps it out.
        impostor = await MessageBus(bus_address=private_bus).connect()
        await emit_prepare_for_sleep(impostor, True)
        impostor.disconnect()
        await emit_prepare_for_sleep(logind, True)
        await emit_prepare_for_sleep(logind, False)
        await asyncio.wait_for(both.wait(), 10)
    finally:
        logind.disconnect()
        await watcher.stop()
    assert events == ["sleep", "wake"]


async def test_other_signals_of_logind_are_ignored(private_bus: str) -> None:
    woke = asyncio.Event()
    seen: list[str] = []
    watcher = SleepWatcher(lambda: seen.append("sleep"), woke.set, private_bus)
    assert await watcher.start()
    logind = await MessageBus(bus_address=private_bus).connect()
    try:
        await logind.request_name(LOGIN1)
        await logind.send(
            Message.new_signal(LOGIN1_PATH, LOGIN1_MANAGER, "PrepareForShutdown", "b", [True])
        )
        await emit_prepare_for_sleep(logind, False)
        await asyncio.wait_for(woke.wait(), 10)
    finally:
        logind.disconnect()
        await watcher.stop()
    assert seen == []


@pytest.mark.expect_errors(r"sleep callback failed")
async def test_a_failing_callback_does_not_stop_the_listener(private_bus: str) -> None:
    woke = asyncio.Event()

    def broken() -> None:
        raise RuntimeError("supervisor not ready")

    watcher = SleepWatcher(broken, woke.set, private_bus)
    assert await watcher.start()
    logind = await MessageBus(bus_address=private_bus).connect()
    try:
        await logind.request_name(LOGIN1)
        await emit_prepare_for_sleep(logind, True)
        await emit_prepare_for_sleep(logind, False)
        await asyncio.wait_for(woke.wait(), 10)
    finally:
        logind.disconnect()
        await watcher.stop()


async def test_no_bus_means_fallback_not_a_crash(tmp_path: Path) -> None:
    watcher = SleepWatcher(lambda: None, lambda: None, f"unix:path={tmp_path}/no-such-socket")
    assert not await watcher.start()


def test_only_a_signal_counts() -> None:
    reply = Message(
        destination=LOGIN1,
        path=LOGIN1_PATH,
        interface=LOGIN1_MANAGER,
        member="PrepareForSleep",
        signature="b",
        body=[True],
    )
    assert reply.message_type is MessageType.METHOD_CALL
    assert sleep_signal(reply) is None
    assert sleep_signal(
        Message.new_signal(LOGIN1_PATH, LOGIN1_MANAGER, "PrepareForSleep", "b", [True])
    )


# --- clock jumps ---------------------------------------------------------------------------


def at(monotonic: float, wall: float) -> ClockReading:
    return ClockReading(monotonic, wall)


@pytest.mark.parametrize(
    ("previous", "current", "expected"),
    [
        (at(100, 1_000), at(105, 1_005), None),  # an ordinary tick
        (at(100, 1_000), at(106, 1_006.5), None),  # a late tick within tolerance
        (at(100, 1_000), at(105, 4_605), 3_600.0),  # suspended an hour (Linux/macOS)
        (at(100, 1_000), at(105, 705), -300.0),  # NTP stepped the clock back 5 minutes
        (at(100, 1_000), at(3_705, 4_605), 3_600.0),  # monotonic kept counting (Windows)
    ],
)
def test_clock_jump(previous: ClockReading, current: ClockReading, expected: float | None) -> None:
    assert clock_jump(previous, current, interval=5.0, tolerance=10.0) == expected


async def test_watch_clock_reports_each_jump_once() -> None:
    readings = iter(
        [at(0, 1_000), at(5, 1_005), at(10, 2_010), at(15, 2_015), at(20, 2_020), at(25, 25)]
    )
    jumps: list[float] = []
    ticks = 0

    async def sleep(_seconds: float) -> None:
        nonlocal ticks
        ticks += 1
        if ticks > 5:
            raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        await watch_clock(jumps.append, interval=5.0, read=lambda: next(readings), sleep=sleep)
    assert jumps == [1_000.0, -2_000.0]
