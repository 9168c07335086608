"""Protocol the official clients use where the devstack answered otherwise than hosted (issue 15).

Each test drives the unchanged supabase-py / realtime-py against the devstack:
the admin users API (list, email change), a weak password's error body, RPC
result shaping (select, filters, order, limit/offset, Range, object Accept,
``Prefer: count=exact``, HEAD, GET arguments) and the Realtime REST broadcast.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterator

import httpx
import psycopg
import pytest
from postgrest.exceptions import APIError
from postgrest.types import CountMethod
from realtime import RealtimeHTTPError
from supabase_auth.errors import AuthApiError, AuthWeakPasswordError

from supabase import AsyncClient
from tests.devstack.realtime_clients import Inbox, Statuses, realtime_client, user_token
from tests.fixtures import DevstackProcess, DevstackUser, supabase_client

pytestmark = pytest.mark.devstack

NUMBERS = "lia_test_numbers"


@pytest.fixture(scope="module")
def numbers(devstack: DevstackProcess) -> Iterator[str]:
    """``lia_test_numbers(up_to)``: rows (n, parity, label) for 1..up_to."""
    with psycopg.connect(devstack.db_url, autocommit=True) as db:
        db.execute(
            f"create function public.{NUMBERS}(up_to integer default 10)"
            " returns table (n integer, parity text, label text) language sql stable"
            " as $$ select i, case when i % 2 = 0 then 'even' else 'odd' end, 'number ' || i"
            " from generate_series(1, up_to) i $$".encode()
        )
        try:
            yield NUMBERS
        finally:
            db.execute(f"drop function public.{NUMBERS}(integer)".encode())


# ------------------------------------------------------------------------ auth admin API


async def test_admin_lists_users_and_changes_an_email(devstack: DevstackProcess) -> None:
    email = f"before-{secrets.token_hex(3)}@lia.test"
    async with supabase_client(devstack, devstack.service_role_key) as sb:
        created = await sb.auth.admin.create_user(
            {"email": email, "password": "long-enough-1", "email_confirm": True}
        )
        listed = await sb.auth.admin.list_users(page=1, per_page=1000)
        assert created.user.id in {user.id for user in listed}
        first_page = await sb.auth.admin.list_users(page=1, per_page=1)
        assert len(first_page) == 1

        changed_to = f"after-{secrets.token_hex(3)}@lia.test"
        updated = await sb.auth.admin.update_user_by_id(created.user.id, {"email": changed_to})
        assert updated.user.email == changed_to
        fetched = await sb.auth.admin.get_user_by_id(created.user.id)
        assert fetched.user.email == changed_to
        with pytest.raises(AuthApiError) as taken:
            await sb.auth.admin.update_user_by_id(
                created.user.id, {"email": (await _any_other_email(sb, created.user.id))}
            )
        assert taken.value.code == "email_exists"
    async with supabase_client(devstack) as sb:
        signed_in = await sb.auth.sign_in_with_password(
            {"email": changed_to, "password": "long-enough-1"}
        )
        assert signed_in.user is not None
        assert signed_in.user.email == changed_to


async def _any_other_email(sb: AsyncClient, user_id: str) -> str:
    users = await sb.auth.admin.list_users()
    return next(user.email for user in users if user.id != user_id and user.email)


async def test_a_weak_password_is_an_auth_weak_password_error(devstack: DevstackProcess) -> None:
    async with supabase_client(devstack, devstack.service_role_key) as sb:
        with pytest.raises(AuthWeakPasswordError) as weak:
            await sb.auth.admin.create_user(
                {"email": f"weak-{secrets.token_hex(3)}@lia.test", "password": "123"}
            )
    assert weak.value.status == 422
    assert weak.value.reasons == ["length"]


def test_the_weak_password_body_is_gotrues_in_both_api_versions(
    devstack: DevstackProcess,
) -> None:
    for version, code_key in ((None, "error_code"), ("2024-01-01", "code")):
        headers = {
            "apikey": devstack.service_role_key,
            "Authorization": f"Bearer {devstack.service_role_key}",
        }
        if version:
            headers["X-Supabase-Api-Version"] = version
        body = httpx.post(
            f"{devstack.api_url}/auth/v1/admin/users",
            json={"email": f"w-{secrets.token_hex(3)}@lia.test", "password": "1"},
            headers=headers,
        ).json()
        assert body[code_key] == "weak_password"
        assert body["weak_password"] == {"reasons": ["length"]}


# ------------------------------------------------------------------------ RPC shaping


async def test_rpc_results_take_select_filters_order_and_limit(
    devstack: DevstackProcess, numbers: str
) -> None:
    async with supabase_client(devstack) as sb:
        shaped = (
            await sb.rpc(numbers, {"up_to": 10})
            .select("n")
            .eq("parity", "even")
            .order("n", desc=True)
            .limit(2)
            .execute()
        )
        assert shaped.data == [{"n": 10}, {"n": 8}]
        ranged = await sb.rpc(numbers, {"up_to": 10}).select("n").range(3, 4).execute()
        assert ranged.data == [{"n": 4}, {"n": 5}]
        listed = await sb.rpc(numbers, {}).in_("n", [2, 3]).ilike("label", "NUMBER*").execute()
        assert [row["n"] for row in listed.data] == [2, 3]
        negated = await sb.rpc(numbers, {"up_to": 3}).not_.eq("parity", "odd").execute()
        assert negated.data == [{"n": 2, "parity": "even", "label": "number 2"}]


async def test_rpc_counts_objects_head_and_get(devstack: DevstackProcess, numbers: str) -> None:
    async with supabase_client(devstack) as sb:
        counted = (
            await sb.rpc(numbers, {"up_to": 10}, count=CountMethod.exact)
            .lt("n", 4)
            .limit(2)
            .execute()
        )
        assert (counted.count, len(counted.data)) == (3, 2)
        single = await sb.rpc(numbers, {"up_to": 10}).eq("n", 5).single().execute()
        assert single.data == {"n": 5, "parity": "odd", "label": "number 5"}
        with pytest.raises(APIError) as none:
            await sb.rpc(numbers, {"up_to": 10}).gt("n", 10).single().execute()
        assert none.value.code == "PGRST116"
        head = await sb.rpc(numbers, {"up_to": 7}, head=True, count=CountMethod.exact).execute()
        assert head.count == 7
        got = await sb.rpc(numbers, {"up_to": 4}, get=True).select("label").eq("n", 2).execute()
        assert got.data == [{"label": "number 2"}]


def test_rpc_range_header_and_content_range(devstack: DevstackProcess, numbers: str) -> None:
    url = f"{devstack.api_url}/rest/v1/rpc/{numbers}"
    headers = {"apikey": devstack.anon_key, "Range": "2-4", "Prefer": "count=exact"}
    ranged = httpx.post(url, json={"up_to": 10}, headers=headers)
    assert (ranged.status_code, ranged.headers["content-range"]) == (206, "2-4/10")
    assert [row["n"] for row in ranged.json()] == [3, 4, 5]
    whole = httpx.get(url, params={"up_to": "3"}, headers={"apikey": devstack.anon_key})
    assert (whole.status_code, whole.headers["content-range"]) == (200, "0-2/*")
    head = httpx.head(url, params={"up_to": "3"}, headers={"apikey": devstack.anon_key})
    assert (head.status_code, head.content, head.headers["content-range"]) == (200, b"", "0-2/*")
    scalar = httpx.get(
        f"{devstack.api_url}/rest/v1/rpc/admin_unread_count",
        params={"select": "*"},
        headers={"apikey": devstack.anon_key},
    )
    assert scalar.json()["code"] == "42501"  # found (and refused to anon), not PGRST202


# ------------------------------------------------------------------------ REST broadcast


async def test_rest_broadcast_reaches_subscribers_and_private_topics_need_rls(
    devstack: DevstackProcess, admin_user: DevstackUser, customer_user: DevstackUser
) -> None:
    topic = f"room-{secrets.token_hex(3)}"
    admin_token = user_token(devstack, admin_user.id, admin=True)
    async with realtime_client(devstack, admin_token) as listener:
        public_heard, feed_heard = Inbox(), Inbox()
        joined, feed_joined = Statuses(), Statuses()
        await listener.channel(topic).on_broadcast("ping", public_heard).subscribe(joined)
        feed = listener.channel("admin_feed", {"config": {"private": True}})
        await feed.on_broadcast("ping", feed_heard).subscribe(feed_joined)
        await joined.reached("SUBSCRIBED")
        await feed_joined.reached("SUBSCRIBED")

        async with realtime_client(devstack) as sender:  # anon key: a public topic is open
            await sender.channel(topic).http_send("ping", {"n": 1})
        assert (await public_heard.wait_for(lambda _: True))["payload"] == {"n": 1}

        # admin_feed has no INSERT policy: nobody broadcasts there, admins included
        for token in (admin_token, user_token(devstack, customer_user.id, admin=False)):
            async with realtime_client(devstack, token) as sender:
                private = sender.channel("admin_feed", {"config": {"private": True}})
                with pytest.raises(RealtimeHTTPError) as refused:
                    await private.http_send("ping", {"n": 2})
                assert refused.value.status == 401
        # the service role bypasses RLS; the list form of the API, as supabase-js sends it
        sent = await asyncio.to_thread(
            httpx.post,
            f"{devstack.api_url}/realtime/v1/api/broadcast",
            json={
                "messages": [
                    {"topic": "admin_feed", "event": "ping", "payload": {"n": 3}, "private": True}
                ]
            },
            headers={
                "apikey": devstack.anon_key,
                "Authorization": f"Bearer {devstack.service_role_key}",
            },
        )
        assert sent.status_code == 202
        assert (await feed_heard.wait_for(lambda _: True))["payload"] == {"n": 3}
        assert [item["payload"] for item in feed_heard.items] == [{"n": 3}]
        forged = await asyncio.to_thread(
            httpx.post,
            f"{devstack.api_url}/realtime/v1/api/broadcast/{topic}/events/ping",
            json={},
            headers={"apikey": "not-a-key"},
        )
        assert forged.status_code == 401
