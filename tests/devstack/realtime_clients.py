"""Helpers for driving the devstack's Realtime endpoint with the official realtime-py client."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import jwt
import psycopg
from realtime import AsyncRealtimeClient

from tests.fixtures import DevstackProcess

WAIT_S = 10.0


def user_token(devstack: DevstackProcess, sub: str, *, admin: bool, ttl: float = 600) -> str:
    """A user access token shaped like GoTrue's, signed with the project secret."""
    now = time.time()
    claims = {
        "sub": sub,
        "role": "authenticated",
        "aud": "authenticated",
        "iat": int(now),
        "exp": int(now + ttl),
        "email": f"{sub[:8]}@lia.test",
        "app_metadata": {"role": "admin" if admin else "customer"},
    }
    return jwt.encode(claims, devstack.jwt_secret, algorithm="HS256")


def websocket_url(devstack: DevstackProcess) -> str:
    return devstack.api_url.replace("http://", "ws://") + "/realtime/v1"


@asynccontextmanager
async def realtime_client(
    devstack: DevstackProcess, token: str | None = None
) -> AsyncIterator[AsyncRealtimeClient]:
    """A connected client (anon key on the socket, ``token`` for the channels)."""
    client = AsyncRealtimeClient(websocket_url(devstack), devstack.anon_key, auto_reconnect=False)
    await client.connect()
    if token is not None:
        await client.set_auth(token)
    try:
        yield client
    finally:
        await client.close()


class Inbox:
    """Collects callback payloads; ``wait_for`` returns the first one a predicate accepts."""

    def __init__(self) -> None:
        self.items: list[Any] = []
        self._changed = asyncio.Event()

    def __call__(self, *payload: Any) -> None:
        self.items.append(payload[0] if len(payload) == 1 else payload)
        self._changed.set()

    async def wait_for(self, predicate: Callable[[Any], bool], within: float = WAIT_S) -> Any:
        async with asyncio.timeout(within):
            while True:
                for item in self.items:
                    if predicate(item):
                        return item
                self._changed.clear()
                await self._changed.wait()


class Statuses(Inbox):
    """Subscribe-state callback: (state, error) pairs."""

    async def reached(self, state: str, within: float = WAIT_S) -> Any:
        return await self.wait_for(lambda item: str(item[0].value) == state, within)


async def one(conn: psycopg.AsyncConnection[Any], query: str, *params: Any) -> Any:
    cursor = await conn.execute(query, params)
    row = await cursor.fetchone()
    assert row is not None
    return row[0]


async def new_booking(
    conn: psycopg.AsyncConnection[Any],
    *,
    customer_id: str | None = None,
    status: str = "pending",
    price: int = 180_000,
) -> int:
    customer = customer_id or await one(
        conn, "select id from users where role = 'customer' limit 1"
    )
    professional = await one(conn, "select id from professionals where status = 'approved' limit 1")
    return int(
        await one(
            conn,
            "insert into bookings (customer_id, professional_id, service, status, total_price_cop,"
            " scheduled_at) values (%s, %s, 'Plumbing', %s, %s, now() + interval '1 day')"
            " returning id",
            customer,
            professional,
            status,
            price,
        )
    )
