"""The Realtime service's own database connection, serialised and self-healing.

Joins (subscription checks, private-channel probes) and deliveries (RLS checks)
each get one connection; each use is one transaction under a lock, so the
``set_config(..., true)`` identity switches of concurrent joins never mix.
Session settings match the replication session so that text forms agree.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import psycopg

Connection = psycopg.AsyncConnection[tuple[Any, ...]]

SESSION_OPTIONS = (
    "-c TimeZone=UTC -c DateStyle=ISO -c extra_float_digits=3 -c IntervalStyle=postgres"
)


class Database:
    def __init__(self, conninfo: str) -> None:
        self._conninfo = conninfo
        self._conn: Connection | None = None
        self._lock = asyncio.Lock()

    @asynccontextmanager
    async def transaction(self, *, rollback: bool = False) -> AsyncIterator[Connection]:
        """One transaction on the shared connection (rolled back when ``rollback``)."""
        async with self._lock:
            if self._conn is None or self._conn.closed:
                self._conn = await psycopg.AsyncConnection.connect(
                    self._conninfo, autocommit=True, options=SESSION_OPTIONS
                )
            conn = self._conn
            try:
                async with conn.transaction(force_rollback=rollback):
                    yield conn
            except psycopg.OperationalError:
                await conn.close()
                self._conn = None
                raise

    async def close(self) -> None:
        async with self._lock:
            if self._conn is not None:
                await self._conn.close()
                self._conn = None


async def act_as(conn: Connection, claims: Mapping[str, Any], topic: str | None = None) -> None:
    """Switch the transaction to the subscriber's identity, as Realtime does (3.2, 2.12)."""
    await conn.execute(
        "select set_config('role', %s, true), set_config('request.jwt.claims', %s, true),"
        " set_config('request.jwt.claim.sub', %s, true),"
        " set_config('request.jwt.claim.role', %s, true), set_config('realtime.topic', %s, true)",
        (
            str(claims.get("role")),
            json.dumps(claims),
            str(claims.get("sub") or ""),
            str(claims.get("role")),
            topic or "",
        ),
    )


async def act_as_owner(conn: Connection) -> None:
    await conn.execute("reset role")
