"""A loopback TCP proxy that misbehaves on command, for fault-injection tests.

Put it between the app and the devstack's HTTP + websocket port and the app
sees a real network go bad: a stall (bytes stop flowing both ways while the
sockets stay open, like a sleeping NAT or a dead Wi-Fi), a reset mid-stream
(RST, via ``SO_LINGER`` 0), added latency per chunk, a bandwidth throttle, all
connections dropped, new connections refused. ``heal()`` clears every fault.
Faults apply to live connections immediately, not only to new ones, because
that is what a network does to an app that is already connected.

Everything runs on the caller's asyncio loop; no Qt, nothing from the app.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
from dataclasses import dataclass, field

HOST = "127.0.0.1"
CHUNK = 64 * 1024
#: throttled data leaves in slices this small, so 1 kB/s is smooth rather than bursty
THROTTLE_SLICE = 256


@dataclass(eq=False)
class _Link:
    """One proxied connection: the app's socket and the upstream one."""

    client: asyncio.StreamWriter
    upstream: asyncio.StreamWriter
    pumps: list[asyncio.Task[None]] = field(default_factory=list)
    #: the first line the app sent (e.g. ``GET /realtime/v1/websocket?...``): what this link is
    request_line: str = ""


def _abort_with_rst(writer: asyncio.StreamWriter) -> None:
    """Close so the peer gets RST instead of FIN (``SO_LINGER`` on, timeout 0)."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


class FaultProxy:
    """Forwards ``127.0.0.1:port`` to ``upstream_host:upstream_port``; ``port=0`` picks one."""

    def __init__(self, upstream_host: str, upstream_port: int, *, port: int = 0) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.port = port
        self._server: asyncio.Server | None = None
        self._links: set[_Link] = set()
        self._handlers: set[asyncio.Task[None]] = set()
        self._flowing = asyncio.Event()
        self._flowing.set()
        self._stall_end: asyncio.TimerHandle | None = None
        self.latency = 0.0
        self.bytes_per_second: float | None = None
        self.refusing = False
        #: connections accepted so far (tests count reconnects with it)
        self.accepted = 0
        self.bytes_forwarded = 0

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def connections(self) -> int:
        return len(self._links)

    def open_requests(self) -> list[tuple[int, str]]:
        """(app-side port, first request line) of each live connection, to tell websockets apart."""
        return [
            (link.client.get_extra_info("peername")[1], link.request_line) for link in self._links
        ]

    # --- lifecycle ---------------------------------------------------------

    async def start(self) -> FaultProxy:
        await self._listen()
        return self

    async def close(self) -> None:
        await self._unlisten()
        self.heal()
        self.drop_all()
        await asyncio.gather(*self._handlers, return_exceptions=True)

    async def __aenter__(self) -> FaultProxy:
        return await self.start()

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(self._accept, HOST, self.port, reuse_address=True)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _unlisten(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.close()
            await server.wait_closed()

    # --- faults ------------------------------------------------------------

    def stall(self, seconds: float | None = None) -> None:
        """Stop forwarding both ways (sockets stay open); resume after ``seconds`` or ``heal()``."""
        self._flowing.clear()
        if self._stall_end is not None:
            self._stall_end.cancel()
            self._stall_end = None
        if seconds is not None:
            self._stall_end = asyncio.get_running_loop().call_later(seconds, self._resume)

    def set_latency(self, seconds: float) -> None:
        """Hold every chunk this long before forwarding it (each direction)."""
        self.latency = seconds

    def throttle(self, bytes_per_second: float | None) -> None:
        """Cap each direction of each connection at this rate; ``None`` removes the cap."""
        self.bytes_per_second = bytes_per_second

    def reset_all(self) -> None:
        """Reset every live connection, both sides, mid-stream."""
        for link in list(self._links):
            _abort_with_rst(link.client)
            _abort_with_rst(link.upstream)
            self._end(link)

    def drop_all(self) -> None:
        """Close every live connection cleanly (FIN to both sides)."""
        for link in list(self._links):
            link.client.close()
            link.upstream.close()
            self._end(link)

    async def refuse(self) -> None:
        """Stop listening: new connections get ``ECONNREFUSED``; live ones are untouched."""
        self.refusing = True
        await self._unlisten()

    async def accept_again(self) -> None:
        if self.refusing:
            self.refusing = False
            await self._listen()

    def heal(self) -> None:
        """Clear stall, latency and throttle (call ``accept_again`` to undo ``refuse``)."""
        self.latency = 0.0
        self.bytes_per_second = None
        self._resume()

    def _resume(self) -> None:
        if self._stall_end is not None:
            self._stall_end.cancel()
            self._stall_end = None
        self._flowing.set()

    # --- forwarding --------------------------------------------------------

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        handler = asyncio.current_task()
        assert handler is not None
        self._handlers.add(handler)
        handler.add_done_callback(self._handlers.discard)
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            _abort_with_rst(writer)
            return
        link = _Link(writer, up_writer)
        self._links.add(link)
        link.pumps = [
            asyncio.create_task(self._pump(reader, up_writer, link, from_client=True)),
            asyncio.create_task(self._pump(up_reader, writer, link)),
        ]
        await asyncio.gather(*link.pumps, return_exceptions=True)
        self._end(link)

    async def _pump(
        self,
        source: asyncio.StreamReader,
        sink: asyncio.StreamWriter,
        link: _Link,
        *,
        from_client: bool = False,
    ) -> None:
        try:
            while True:
                await self._flowing.wait()
                data = await source.read(CHUNK)
                if not data:
                    break
                if from_client and not link.request_line:
                    link.request_line = data.split(b"\r\n", 1)[0].decode("latin-1")
                if self.latency:
                    await asyncio.sleep(self.latency)
                await self._send(sink, data)
            if sink.can_write_eof():
                sink.write_eof()
                await sink.drain()
                return  # the other direction may still be flowing (half-close)
        except (OSError, asyncio.IncompleteReadError):
            pass
        self._end(link)

    async def _send(self, sink: asyncio.StreamWriter, data: bytes) -> None:
        step = THROTTLE_SLICE if self.bytes_per_second else len(data)
        for start in range(0, len(data), step):
            await self._flowing.wait()  # a stall also holds data already read
            piece = data[start : start + step]
            if self.bytes_per_second:  # a slice leaves only once the link "had time" to carry it
                await asyncio.sleep(len(piece) / self.bytes_per_second)
            sink.write(piece)
            await sink.drain()
            self.bytes_forwarded += len(piece)

    def _end(self, link: _Link) -> None:
        if link not in self._links:
            return
        self._links.discard(link)
        link.client.close()
        link.upstream.close()
        current = asyncio.current_task()
        for pump in link.pumps:
            if pump is not current:
                pump.cancel()
