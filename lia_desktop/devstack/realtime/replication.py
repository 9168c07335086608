"""A minimal asyncio client of PostgreSQL's streaming replication protocol.

psycopg 3 cannot drive COPY BOTH, and polling the slot functions adds latency,
so this speaks the frontend/backend protocol directly: a ``replication=database``
session (SCRAM-SHA-256 password authentication, which the devstack's cluster
requires of every connection, see ``..scram``), a pgoutput slot, then
START_REPLICATION from a given position. The walsender pushes each transaction
as soon as its commit is flushed, so there is no polling at all.

The client confirms (standby status update) only what its owner says is
processed: keepalives that ask for a reply are answered with ``confirm(wal_end)``,
so a permanent slot never moves past a change that was not yet delivered.
"""

from __future__ import annotations

import asyncio
import contextlib
import struct
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from psycopg.conninfo import conninfo_to_dict

from ..scram import MECHANISM, ScramClient, ScramError

#: Authentication request codes (``R`` messages) this client answers.
_AUTH_OK, _AUTH_CLEARTEXT, _AUTH_SASL, _AUTH_SASL_CONTINUE, _AUTH_SASL_FINAL = 0, 3, 10, 11, 12

#: Microseconds between the Unix epoch and the PostgreSQL epoch (2000-01-01).
_PG_EPOCH_OFFSET_US = 946_684_800_000_000


class ReplicationError(RuntimeError):
    """The server refused a command or the session broke; the message says why."""


@dataclass(frozen=True, slots=True)
class XLogData:
    start_lsn: int
    wal_end: int
    payload: bytes


def parse_lsn(text: str) -> int:
    high, low = text.split("/")
    return (int(high, 16) << 32) | int(low, 16)


def format_lsn(lsn: int) -> str:
    return f"{lsn >> 32:X}/{lsn & 0xFFFFFFFF:X}"


def _now_pg_us() -> int:
    return time.time_ns() // 1000 - _PG_EPOCH_OFFSET_US


def _error_text(body: bytes) -> str:
    fields = {}
    for part in body.split(b"\0"):
        if part:
            fields[chr(part[0])] = part[1:].decode(errors="replace")
    return f"{fields.get('S', 'ERROR')} {fields.get('C', '')}: {fields.get('M', '')}".strip()


class ReplicationSession:
    """One replication connection; use :meth:`connect`, then the commands, then :meth:`close`."""

    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, password: str = ""
    ) -> None:
        self._reader = reader
        self._writer = writer
        self._flushed_lsn = 0
        #: the server's sent position, from its latest keepalive (0 until one came)
        self.server_wal_end = 0
        self._password = password
        self._scram: ScramClient | None = None

    @classmethod
    async def connect(cls, conninfo: str, application_name: str) -> ReplicationSession:
        params = conninfo_to_dict(conninfo)
        host = str(params.get("host") or "/tmp")
        port = int(params.get("port") or 5432)
        if host.startswith("/"):
            reader, writer = await asyncio.open_unix_connection(f"{host}/.s.PGSQL.{port}")
        else:
            reader, writer = await asyncio.open_connection(host, port)
        session = cls(reader, writer, str(params.get("password") or ""))
        startup = {
            "user": str(params.get("user") or "postgres"),
            "database": str(params.get("dbname") or "postgres"),
            "replication": "database",
            "application_name": application_name,
            # Output functions run in the walsender: fix the text forms we parse.
            "DateStyle": "ISO",
            "TimeZone": "UTC",
            "IntervalStyle": "postgres",
            "extra_float_digits": "3",
        }
        body = struct.pack("!i", 196608) + b"".join(
            k.encode() + b"\0" + v.encode() + b"\0" for k, v in startup.items()
        )
        body += b"\0"
        writer.write(struct.pack("!i", len(body) + 4) + body)
        await writer.drain()
        await session._until_ready(expect_auth=True)
        return session

    async def _message(self) -> tuple[bytes, bytes]:
        header = await self._reader.readexactly(5)
        tag, length = header[:1], struct.unpack("!i", header[1:])[0]
        return tag, await self._reader.readexactly(length - 4)

    async def _until_ready(self, *, expect_auth: bool = False) -> list[list[bytes | None]]:
        rows: list[list[bytes | None]] = []
        error: str | None = None
        while True:
            tag, body = await self._message()
            if tag == b"R" and expect_auth:
                await self._authenticate(body)
            elif tag == b"E":
                error = _error_text(body)
            elif tag == b"D":
                rows.append(_data_row(body))
            elif tag == b"Z":
                if error is not None:
                    raise ReplicationError(error)
                return rows

    async def _authenticate(self, body: bytes) -> None:
        """Answer one authentication request: SCRAM-SHA-256, or a plain password, or done."""
        (code,) = struct.unpack("!i", body[:4])
        data = body[4:]
        if code == _AUTH_OK:
            return
        if code == _AUTH_CLEARTEXT:
            self._send(b"p", self._password.encode() + b"\0")
        elif code == _AUTH_SASL:
            mechanisms = [m.decode() for m in data.split(b"\0") if m]
            if MECHANISM not in mechanisms:
                raise ReplicationError(f"the server offers no usable SASL mechanism: {mechanisms}")
            self._scram = ScramClient(self._password)
            first = self._scram.first()
            self._send(b"p", MECHANISM.encode() + b"\0" + struct.pack("!i", len(first)) + first)
        elif code == _AUTH_SASL_CONTINUE and self._scram is not None:
            try:
                self._send(b"p", self._scram.final(data))
            except ScramError as err:
                raise ReplicationError(str(err)) from err
        elif code == _AUTH_SASL_FINAL and self._scram is not None:
            try:
                self._scram.verify(data)
            except ScramError as err:
                raise ReplicationError(str(err)) from err
            return
        else:
            raise ReplicationError(f"authentication method {code} is not supported")
        await self._writer.drain()

    def _send(self, tag: bytes, payload: bytes) -> None:
        self._writer.write(tag + struct.pack("!i", len(payload) + 4) + payload)

    async def _command(self, sql: str) -> list[list[bytes | None]]:
        payload = sql.encode() + b"\0"
        self._writer.write(b"Q" + struct.pack("!i", len(payload) + 4) + payload)
        await self._writer.drain()
        return await self._until_ready()

    async def create_slot(self, slot: str, *, temporary: bool = False) -> int:
        """Create a pgoutput slot; returns its consistent point (LSN).

        A permanent slot survives the session and a crash of the server's backends;
        its owner must drop it (see ``capture``).
        """
        kind = "TEMPORARY LOGICAL" if temporary else "LOGICAL"
        rows = await self._command(
            f"CREATE_REPLICATION_SLOT {slot} {kind} pgoutput (SNAPSHOT 'nothing')"
        )
        return parse_lsn((rows[0][1] or b"0/0").decode())

    async def create_temporary_slot(self, slot: str) -> int:
        """Create a temporary pgoutput slot (dropped by the server when the session ends)."""
        return await self.create_slot(slot, temporary=True)

    async def stream(
        self,
        slot: str,
        publication: str,
        *,
        start_lsn: int = 0,
        confirm: Callable[[int], int] | None = None,
    ) -> AsyncIterator[XLogData]:
        """START_REPLICATION at ``start_lsn`` and yield XLogData; keepalives are answered here.

        The server skips every transaction whose commit precedes ``start_lsn`` (or the
        slot's confirmed position, whichever is later). A keepalive asking for a reply
        is answered with ``confirm(wal_end)`` (default: ``wal_end``, everything sent).
        """
        sql = (
            f"START_REPLICATION SLOT {slot} LOGICAL {format_lsn(start_lsn)} "
            f"(proto_version '1', publication_names '{publication}')"
        )
        payload = sql.encode() + b"\0"
        self._writer.write(b"Q" + struct.pack("!i", len(payload) + 4) + payload)
        await self._writer.drain()
        while True:
            tag, body = await self._message()
            if tag == b"W":
                break
            if tag == b"E":
                raise ReplicationError(_error_text(body))
        while True:
            tag, body = await self._message()
            if tag == b"d":
                kind = body[:1]
                if kind == b"w":
                    start, end, _sent = struct.unpack_from("!QQq", body, 1)
                    yield XLogData(start, end, body[25:])
                elif kind == b"k":
                    wal_end, _sent, reply = struct.unpack_from("!QqB", body, 1)
                    self.server_wal_end = max(self.server_wal_end, wal_end)
                    if reply:
                        # A shutting-down walsender waits for flush == sent; the owner
                        # confirms wal_end once everything it was sent is processed.
                        lsn = confirm(wal_end) if confirm is not None else wal_end
                        await self.acknowledge(lsn)
            elif tag == b"E":
                raise ReplicationError(_error_text(body))
            elif tag in (b"c", b"C", b"Z"):
                raise ReplicationError("the server ended the replication stream")

    async def acknowledge(self, lsn: int) -> None:
        """Standby status update: everything up to ``lsn`` is processed (lets WAL be recycled).

        Never moves backwards within a session.
        """
        self._flushed_lsn = max(self._flushed_lsn, lsn)
        flushed = self._flushed_lsn
        body = b"r" + struct.pack("!QQQqB", flushed, flushed, flushed, _now_pg_us(), 0)
        self._writer.write(b"d" + struct.pack("!i", len(body) + 4) + body)
        await self._writer.drain()

    async def close(self) -> None:
        """Terminate the session; the server drops a temporary slot with it."""
        if self._writer.is_closing():
            return
        with contextlib.suppress(ConnectionError, RuntimeError):
            self._writer.write(b"X" + struct.pack("!i", 4))
            await self._writer.drain()
        self._writer.close()
        with contextlib.suppress(ConnectionError, RuntimeError):
            await self._writer.wait_closed()


def _data_row(body: bytes) -> list[bytes | None]:
    (count,) = struct.unpack_from("!h", body, 0)
    pos = 2
    values: list[bytes | None] = []
    for _ in range(count):
        (length,) = struct.unpack_from("!i", body, pos)
        pos += 4
        if length < 0:
            values.append(None)
        else:
            values.append(body[pos : pos + length])
            pos += length
    return values
