"""The fault proxy against a tiny echo server: each fault does what the scenarios rely on."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable

import pytest

from lia_desktop.devstack.faultproxy import FaultProxy

Pair = tuple[asyncio.StreamReader, asyncio.StreamWriter]


async def _echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(4096):
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        writer.close()


@pytest.fixture
async def echo_port() -> AsyncIterator[int]:
    server = await asyncio.start_server(_echo, "127.0.0.1", 0)
    async with server:
        yield server.sockets[0].getsockname()[1]


@pytest.fixture
async def proxy(echo_port: int) -> AsyncIterator[FaultProxy]:
    async with FaultProxy("127.0.0.1", echo_port) as started:
        yield started


_opened: list[asyncio.StreamWriter] = []


@pytest.fixture(autouse=True)
async def _close_clients() -> AsyncIterator[None]:
    yield
    while _opened:
        writer = _opened.pop()
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()


async def _connect(proxy: FaultProxy) -> Pair:
    reader, writer = await asyncio.open_connection("127.0.0.1", proxy.port)
    _opened.append(writer)
    return reader, writer


async def _roundtrip(pair: Pair, data: bytes) -> bytes:
    reader, writer = pair
    writer.write(data)
    await writer.drain()
    return await asyncio.wait_for(reader.readexactly(len(data)), 5.0)


async def _until(predicate: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 5.0
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached"
        await asyncio.sleep(0.01)


async def test_forwards_both_ways_and_counts(proxy: FaultProxy) -> None:
    pair = await _connect(proxy)
    assert await _roundtrip(pair, b"hello") == b"hello"
    assert proxy.accepted == 1
    assert proxy.connections == 1
    assert proxy.bytes_forwarded == 10  # 5 up, 5 down
    assert proxy.open_requests() == [(pair[1].get_extra_info("sockname")[1], "hello")]
    pair[1].close()
    await _until(lambda: proxy.connections == 0)


async def test_stall_holds_bytes_until_heal(proxy: FaultProxy) -> None:
    pair = await _connect(proxy)
    await _roundtrip(pair, b"warm")
    proxy.stall()
    pair[1].write(b"held")
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(pair[0].readexactly(4), 0.3)
    assert proxy.connections == 1  # a stall keeps the sockets open
    proxy.heal()
    assert await asyncio.wait_for(pair[0].readexactly(4), 5.0) == b"held"


async def test_timed_stall_resumes_by_itself(proxy: FaultProxy) -> None:
    pair = await _connect(proxy)
    proxy.stall(0.2)
    started = time.monotonic()
    assert await _roundtrip(pair, b"later") == b"later"
    assert time.monotonic() - started >= 0.2


async def test_reset_gives_the_client_a_connection_reset(proxy: FaultProxy) -> None:
    reader, writer = await _connect(proxy)
    await _roundtrip((reader, writer), b"x")
    proxy.reset_all()
    with pytest.raises(ConnectionResetError):
        await asyncio.wait_for(reader.read(10), 5.0)
    assert proxy.connections == 0


async def test_drop_gives_the_client_a_clean_eof(proxy: FaultProxy) -> None:
    reader, _writer = await _connect(proxy)
    await _until(lambda: proxy.connections == 1)
    proxy.drop_all()
    assert await asyncio.wait_for(reader.read(10), 5.0) == b""


async def test_latency_delays_each_chunk_each_way(proxy: FaultProxy) -> None:
    pair = await _connect(proxy)
    proxy.set_latency(0.15)
    started = time.monotonic()
    await _roundtrip(pair, b"slow")
    assert time.monotonic() - started >= 0.3


async def test_throttle_caps_the_rate(proxy: FaultProxy) -> None:
    pair = await _connect(proxy)
    proxy.throttle(8192)
    started = time.monotonic()
    await _roundtrip(pair, bytes(2048))
    # 2 kB at 8 kB/s cannot arrive in less than 0.25 s (the echo's way back overlaps)
    assert time.monotonic() - started >= 0.25
    proxy.heal()
    assert proxy.bytes_per_second is None


async def test_refuse_then_accept_again(proxy: FaultProxy) -> None:
    live = await _connect(proxy)
    await proxy.refuse()
    with pytest.raises(ConnectionRefusedError):
        await _connect(proxy)
    assert await _roundtrip(live, b"still") == b"still"  # live connections are untouched
    await proxy.accept_again()
    assert await _roundtrip(await _connect(proxy), b"back") == b"back"


async def test_upstream_down_resets_the_client() -> None:
    server = await asyncio.start_server(_echo, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()
    async with FaultProxy("127.0.0.1", port) as proxy:
        reader, _writer = await _connect(proxy)
        with pytest.raises(ConnectionResetError):
            await asyncio.wait_for(reader.read(10), 5.0)


async def test_half_close_is_forwarded(proxy: FaultProxy) -> None:
    reader, writer = await _connect(proxy)
    writer.write(b"last words")
    writer.write_eof()
    assert await asyncio.wait_for(reader.read(), 5.0) == b"last words"
    await _until(lambda: proxy.connections == 0)
