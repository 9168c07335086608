"""HTTP plumbing shared by the devstack's Auth and REST services.

Besides JSON bodies, this is where slow clients are dealt with (issue 13): a
request's headers must be complete within :data:`HEADER_TIMEOUT_S` of its first
byte, a new connection must start a request within :data:`FIRST_BYTE_TIMEOUT_S`
(:class:`SlowClientGuard`), and a body must arrive within :data:`BODY_TIMEOUT_S`
(:func:`read_body`), so half-open requests cannot pile up until the process
runs out of file descriptors and real clients (an admin signing in) time out.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Middleware

log = logging.getLogger(__name__)

JSON_CONTENT_TYPE = "application/json"
#: From the first byte of a request to its complete headers.
HEADER_TIMEOUT_S = 10.0
#: From a connection's opening to the first byte of its first request. Longer: a connection
#: opened across a network stall (the fault proxy's 60 s one) sends nothing until it heals,
#: and nginx allows 60 s here too.
FIRST_BYTE_TIMEOUT_S = 75.0
#: From the headers to the whole body (at most the app's ``client_max_size``, 1 MiB).
BODY_TIMEOUT_S = 15.0
#: An escaped UTF-16 surrogate; only a lone one is a problem, and only then is it looked for.
_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class BodyNotJson(ValueError):
    """The request body is not a JSON document; ``str()`` says where it broke."""


class BodyTimeout(Exception):
    """The client sent headers but not its whole body within :data:`BODY_TIMEOUT_S`."""


def _not_a_number(constant: str) -> Any:
    raise BodyNotJson(f"{constant} is not JSON")


def parse_json(raw: bytes) -> Any:
    """Parse a JSON document, or raise :class:`BodyNotJson` (never anything else).

    Beyond syntax errors, refused: invalid UTF-8, nesting deeper than the parser's
    stack (``RecursionError``), integers longer than Python converts, ``NaN`` and
    ``Infinity`` (not JSON, and PostgreSQL's json type refuses them), and escaped
    lone surrogates (``"\\ud800"``), which no UTF-8 text can carry onwards.
    """
    try:
        value = json.loads(raw, parse_constant=_not_a_number)
    except RecursionError:
        raise BodyNotJson("JSON nested too deeply") from None
    except ValueError as err:  # JSONDecodeError, UnicodeDecodeError, int conversion limits
        raise BodyNotJson(str(err)) from err
    if _ESCAPED_SURROGATE.search(raw):
        try:
            json.dumps(value, ensure_ascii=False).encode()
        except UnicodeEncodeError as err:
            raise BodyNotJson("a string holds a lone UTF-16 surrogate") from err
    return value


async def read_body(request: web.Request) -> bytes:
    """The whole body, cached on the request, within :data:`BODY_TIMEOUT_S` or :class:`BodyTimeout`.

    An oversized body raises aiohttp's ``HTTPRequestEntityTooLarge`` (the
    app's ``client_max_size``), which the gateway middleware answers.
    """
    try:
        async with asyncio.timeout(BODY_TIMEOUT_S):
            return await request.read()
    except TimeoutError:
        raise BodyTimeout(f"request body not received within {BODY_TIMEOUT_S:g} s") from None


async def read_json(request: web.Request) -> Any:
    """The parsed body, ``None`` for an empty one; :class:`BodyNotJson` when it is not JSON."""
    raw = await read_body(request)
    if not raw.strip():
        return None
    return parse_json(raw)


class _GuardedConnection(asyncio.Protocol):
    """aiohttp's protocol for one connection, with a deadline for each request's headers.

    A new connection has :data:`FIRST_BYTE_TIMEOUT_S` to start a request; the
    first byte of a request leaves :data:`HEADER_TIMEOUT_S` for the rest of its
    headers. In a handler there is no deadline (bodies and websockets are the
    handler's business); idle between requests, aiohttp's keep-alive applies
    until the first byte of the next request.
    """

    def __init__(self, inner: asyncio.Protocol, guard: SlowClientGuard) -> None:
        self._inner = inner
        self._guard = guard
        self._transport: asyncio.Transport | None = None
        self._deadline: asyncio.TimerHandle | None = None
        self._busy = False
        self._in_headers = False

    def _arm(self, seconds: float) -> None:
        self._disarm()
        self._deadline = asyncio.get_running_loop().call_later(seconds, self._expired)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expired(self) -> None:
        self._deadline = None
        if self._transport is not None and not self._busy:
            self._guard.expired += 1
            log.debug("closing a connection that sent no complete request headers in time")
            self._transport.abort()  # frees the descriptor now; nothing useful to say to it

    def request_started(self) -> None:
        self._busy = True
        self._in_headers = False
        self._disarm()

    def request_finished(self) -> None:
        self._busy = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)  # a stream server's connections are
        self._transport = transport
        self._guard.connections[transport] = self
        self._arm(self._guard.first_byte_timeout)
        self._inner.connection_made(transport)

    def data_received(self, data: bytes) -> None:
        if not self._busy and not self._in_headers:
            self._in_headers = True  # a request begins: its headers are due soon
            self._arm(self._guard.header_timeout)
        self._inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self._inner.eof_received()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        if self._transport is not None:
            self._guard.connections.pop(self._transport, None)
        self._inner.connection_lost(exc)

    def pause_writing(self) -> None:
        self._inner.pause_writing()

    def resume_writing(self) -> None:
        self._inner.resume_writing()


class SlowClientGuard:
    """Wraps aiohttp's protocol factory and marks requests in and out (its middleware).

    aiohttp has no header timeout of its own: a connection that sends part of a
    request line and stalls holds a descriptor until the keep-alive timeout.
    """

    def __init__(
        self,
        header_timeout: float = HEADER_TIMEOUT_S,
        first_byte_timeout: float = FIRST_BYTE_TIMEOUT_S,
    ) -> None:
        self.header_timeout = header_timeout
        self.first_byte_timeout = first_byte_timeout
        self.connections: dict[asyncio.BaseTransport, _GuardedConnection] = {}
        #: connections closed for want of headers (for logs and tests)
        self.expired = 0

    def protocol_factory(
        self, inner: Callable[[], asyncio.Protocol]
    ) -> Callable[[], asyncio.Protocol]:
        return lambda: _GuardedConnection(inner(), self)

    def middleware(self) -> Middleware:
        @web.middleware
        async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
            transport = request.transport
            connection = self.connections.get(transport) if transport is not None else None
            if connection is None:
                return await handler(request)
            connection.request_started()
            try:
                return await handler(request)
            finally:
                connection.request_finished()

        return guard


def bearer_token(request: web.Request) -> str | None:
    """The token of an ``Authorization: Bearer`` header, ``None`` when absent or another scheme."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    return token


def json_response(
    body: Any, *, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    return web.Response(
        text=json.dumps(body, separators=(",", ":")),
        status=status,
        content_type=JSON_CONTENT_TYPE,
        charset="utf-8",
        headers=headers,
    )
