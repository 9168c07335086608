"""Private channels: RLS on ``realtime.messages`` decides who may read and write (2.12).

Same probes as Supabase: to test *read*, insert one probe row per extension as
the owner, switch to the subscriber's identity (role, claims, ``realtime.topic``)
and see which probes it can SELECT; to test *write*, INSERT as the subscriber.
Everything is rolled back, so the table never keeps a probe.
"""

from __future__ import annotations

from typing import Any

import psycopg

from .db import Database, act_as

EXTENSIONS = ("broadcast", "presence")


async def readable_extensions(db: Database, topic: str, claims: dict[str, Any]) -> dict[str, bool]:
    async with db.transaction(rollback=True) as conn:
        cursor = await conn.execute(
            "insert into realtime.messages (topic, extension, private)"
            " select %s, e, true from unnest(%s::text[]) as e returning id",
            (topic, list(EXTENSIONS)),
        )
        ids = [row[0] for row in await cursor.fetchall()]
        await act_as(conn, claims, topic)
        cursor = await conn.execute(
            "select extension from realtime.messages where id = any(%s)", (ids,)
        )
        seen = {row[0] for row in await cursor.fetchall()}
    return {extension: extension in seen for extension in EXTENSIONS}


async def can_write(db: Database, topic: str, claims: dict[str, Any], extension: str) -> bool:
    async with db.transaction(rollback=True) as conn:
        await act_as(conn, claims, topic)
        try:
            async with conn.transaction():
                await conn.execute(
                    "insert into realtime.messages (topic, extension, private) values (%s, %s, true)",
                    (topic, extension),
                )
        except psycopg.errors.InsufficientPrivilege:
            return False
    return True
