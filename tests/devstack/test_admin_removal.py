"""Removing an admin's account tells no customer their id (issue 17).

Every admin table in the Realtime publication keeps rows that name an admin. Realtime
cannot RLS-check a DELETE: if removing the account deleted those rows (a cascading
foreign key), every subscriber of the table would receive the admin's id. The removal
must change them by UPDATE, which only admins hear, or leave them be. (admin_duty is
test_redteam2_server's.)
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import psycopg
import pytest
from realtime import RealtimePostgresChangesListenEvent

from tests.devstack.realtime_clients import Inbox, realtime_client, user_token
from tests.fixtures import DevstackProcess

pytestmark = pytest.mark.devstack


def newest(devstack: DevstackProcess, table: str) -> int:
    with psycopg.connect(devstack.db_url) as db:
        row = db.execute(f"select max(id) from {table}".encode()).fetchone()
    assert row is not None
    return int(row[0])


@pytest.mark.parametrize(
    ("table", "admin_column", "function", "arguments"),
    [
        ("admin_claims", "holder", "admin_claim",
         lambda d: {"item_type": "disputes", "item_id": newest(d, "lia_notifier.disputes")}),
        ("admin_notification_reads", "admin_id", "admin_mark_read",
         lambda d: {"ids": [newest(d, "public.admin_notifications")]}),
    ],
)  # fmt: skip
async def test_removing_an_admin_sends_customers_nothing_about_them(
    devstack: DevstackProcess, table: str, admin_column: str, function: str, arguments: Any
) -> None:
    admin = devstack.create_user(admin=True)
    customer = devstack.create_user()
    heard = Inbox()
    async with realtime_client(devstack, user_token(devstack, customer.id, admin=False)) as rt:
        system = Inbox()
        channel = rt.channel(f"{table}-watch")
        channel.on_postgres_changes(
            RealtimePostgresChangesListenEvent.All, table=table, callback=heard
        )
        channel.on_system(system)
        await channel.subscribe()
        await system.wait_for(lambda p: p.message == "Subscribed to PostgreSQL")
        token = user_token(devstack, admin.id, admin=True)
        async with httpx.AsyncClient(timeout=10) as http:
            acted = await http.post(
                f"{devstack.api_url}/rest/v1/rpc/{function}",
                json=arguments(devstack),
                headers={"apikey": devstack.anon_key, "Authorization": f"Bearer {token}"},
            )
        assert acted.status_code == 200, acted.text
        with psycopg.connect(devstack.db_url) as db:
            rows = db.execute(
                f"select count(*) from public.{table} where {admin_column} = %s".encode(),
                (admin.id,),
            ).fetchone()
        assert rows == (1,)  # the admin's row exists: the removal has something to leak
        removed = await asyncio.to_thread(devstack.admin_request, "DELETE", f"users/{admin.id}")
        assert removed.status_code == 200
        await asyncio.sleep(1.0)  # a DELETE for the customer, if any, has come by now
    assert [str(item) for item in heard.items if admin.id in str(item)] == []
