"""PostgREST RPC of the devstack: the official client for what the app does, raw HTTP for the edges.

The edges are the documented error codes (wire protocol 5.3) for bad input,
unknown functions, SQL-injection attempts and bad JWTs; after each, the
server must still answer and the database must be intact.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import jwt
import psycopg
import pytest
from postgrest.exceptions import APIError

from supabase import AsyncClient
from tests.fixtures import ADMIN_RPCS, DevstackProcess, DevstackUser, supabase_client

pytestmark = pytest.mark.devstack


async def _signed_in(devstack: DevstackProcess, user: DevstackUser) -> AsyncIterator[AsyncClient]:
    async with supabase_client(devstack) as sb:
        await sb.auth.sign_in_with_password({"email": user.email, "password": user.password})
        yield sb


@pytest.fixture
async def admin(devstack: DevstackProcess) -> AsyncIterator[AsyncClient]:
    """A new admin per test: read state is per admin, and the session's shared admin is used
    (and its notifications marked read) by other suites."""
    async for sb in _signed_in(devstack, devstack.create_user(admin=True)):
        yield sb


@pytest.fixture
async def customer(
    devstack: DevstackProcess, customer_user: DevstackUser
) -> AsyncIterator[AsyncClient]:
    async for sb in _signed_in(devstack, customer_user):
        yield sb


@pytest.fixture
async def anon(devstack: DevstackProcess) -> AsyncIterator[AsyncClient]:
    async with supabase_client(devstack) as sb:
        yield sb


def rpc(
    devstack: DevstackProcess,
    function: str,
    body: Any = None,
    *,
    token: str | None = None,
    content: bytes | None = None,
    method: str = "POST",
    params: dict[str, str] | None = None,
) -> httpx.Response:
    headers = {"apikey": devstack.anon_key, "Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return httpx.request(
        method,
        f"{devstack.api_url}/rest/v1/rpc/{function}",
        json=body,
        content=content,
        params=params,
        headers=headers,
        timeout=30,
    )


def user_token(devstack: DevstackProcess, user: DevstackUser) -> str:
    response = httpx.post(
        f"{devstack.api_url}/auth/v1/token?grant_type=password",
        json={"email": user.email, "password": user.password},
        headers={"apikey": devstack.anon_key},
        timeout=30,
    )
    token: str = response.json()["access_token"]
    return token


def assert_server_and_data_intact(devstack: DevstackProcess) -> None:
    assert rpc(devstack, "admin_unread_count").status_code == 401  # still answering
    with psycopg.connect(devstack.db_url) as conn:
        tables = conn.execute(
            "select count(*) from pg_tables where schemaname = 'public'"
            " and tablename in ('users', 'bookings', 'admin_notifications')"
        ).fetchone()
        assert tables == (3,)


async def test_an_admin_calls_every_admin_rpc(admin: AsyncClient) -> None:
    stats = (await admin.rpc("admin_dashboard_stats").execute()).data
    assert {"total_bookings", "pending_bookings", "total_users", "total_revenue_cop"} <= set(stats)
    assert stats["cursor"] > 0  # the seed created notifications

    first_page = (
        await admin.rpc("admin_notifications_after", {"after_id": 0, "max_rows": 3}).execute()
    ).data
    ids = [row["id"] for row in first_page]
    assert len(ids) == 3
    assert ids == sorted(ids)
    assert not any(row["read"] for row in first_page)  # a fresh admin has read nothing

    unread = (await admin.rpc("admin_unread_count").execute()).data
    assert unread >= 3
    assert (await admin.rpc("admin_mark_read", {"ids": ids[:2]}).execute()).data == 2
    assert (await admin.rpc("admin_mark_read", {"ids": ids[:2]}).execute()).data == 0
    assert (await admin.rpc("admin_unread_count").execute()).data == unread - 2
    assert (await admin.rpc("admin_mark_all_read", {"up_to_id": ids[2]}).execute()).data == 1
    after = (
        await admin.rpc("admin_notifications_after", {"after_id": 0, "max_rows": 3}).execute()
    ).data
    assert [row["read"] for row in after] == [True, True, True]

    # GET runs stable functions read-only, with the arguments in the query string.
    counted = await admin.rpc("admin_unread_count", get=True).execute()
    assert counted.data == unread - 3


@pytest.mark.parametrize(("function", "args"), sorted(ADMIN_RPCS.items()), ids=sorted(ADMIN_RPCS))
async def test_non_admins_are_refused_every_admin_rpc(
    devstack: DevstackProcess,
    customer_user: DevstackUser,
    customer: AsyncClient,
    anon: AsyncClient,
    function: str,
    args: dict[str, Any],
) -> None:
    for client in (customer, anon):
        with pytest.raises(APIError) as caught:
            await client.rpc(function, args).execute()
        assert caught.value.code == "42501"
    # PostgREST: 401 for the anonymous role, 403 for a signed-in one.
    assert rpc(devstack, function, args, token=devstack.anon_key).status_code == 401
    assert rpc(devstack, function, args).status_code == 401  # no Authorization at all: anon
    assert (
        rpc(devstack, function, args, token=user_token(devstack, customer_user)).status_code == 403
    )
    assert rpc(devstack, function, args, token=devstack.service_role_key).status_code == 403


def test_unknown_functions_and_arguments_are_pgrst202(devstack: DevstackProcess) -> None:
    missing = rpc(devstack, "no_such_function", {"a": 1, "b": 2})
    assert missing.status_code == 404
    assert missing.json() == {
        "code": "PGRST202",
        "message": "Could not find the function public.no_such_function(a, b) in the schema cache",
        "details": "Searched for the function public.no_such_function with parameters a, b or "
        "with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.",
        "hint": None,
    }
    wrong_arg = rpc(devstack, "admin_notifications_after", {"cursor": 0})
    assert (wrong_arg.status_code, wrong_arg.json()["code"]) == (404, "PGRST202")
    missing_arg = rpc(devstack, "admin_mark_read", {})
    assert "without parameters" in missing_arg.json()["message"]
    # Functions outside the exposed schema are not reachable by qualifying the name.
    assert rpc(devstack, "auth.uid").json()["code"] == "PGRST202"


@pytest.mark.parametrize(
    "function",
    [
        "admin_unread_count(); drop table public.bookings; --",
        'admin_unread_count"(); drop table public.bookings; --',
        "pg_sleep",
        "admin_unread_count%00",
    ],
)
def test_sql_injection_in_the_function_name(devstack: DevstackProcess, function: str) -> None:
    response = rpc(devstack, function, {"seconds": 5} if function == "pg_sleep" else {})
    assert response.status_code in (400, 404)
    assert response.headers["Content-Type"].startswith("application/json")
    assert_server_and_data_intact(devstack)


def test_sql_injection_in_argument_names_and_values(
    devstack: DevstackProcess, admin_user: DevstackUser
) -> None:
    token = user_token(devstack, admin_user)
    names = rpc(
        devstack,
        "admin_notifications_after",
        {"after_id := 0); drop table public.bookings; --": 1, "after_id": 0},
        token=token,
    )
    assert (names.status_code, names.json()["code"]) == (404, "PGRST202")

    value = rpc(
        devstack,
        "admin_notifications_after",
        {"after_id": "0); drop table public.bookings; --"},
        token=token,
    )
    assert (value.status_code, value.json()["code"]) == (400, "22P02")  # not a bigint
    # GET runs read-only: a function that writes fails with 25006, answered 405.
    written = rpc(devstack, "admin_mark_read", method="GET", params={"ids": "{1}"}, token=token)
    assert (written.status_code, written.json()["code"]) == (405, "25006")
    quoted = rpc(
        devstack, "admin_mark_read", {"ids": ["1'); delete from public.users; --"]}, token=token
    )
    assert quoted.status_code == 400
    assert_server_and_data_intact(devstack)


def test_malformed_and_oversized_bodies(devstack: DevstackProcess) -> None:
    malformed = rpc(devstack, "admin_unread_count", content=b'{"after_id": ')
    assert malformed.status_code == 400
    assert malformed.json()["code"] == "PGRST102"
    assert malformed.json()["message"] == "Empty or invalid json"
    not_utf8 = rpc(devstack, "admin_unread_count", content=b"\xff\xfe{}")
    assert not_utf8.json()["code"] == "PGRST102"
    array = rpc(devstack, "admin_unread_count", [1, 2])
    assert array.json()["code"] == "PGRST202"

    huge = rpc(devstack, "admin_mark_read", content=b'{"ids": [' + b"1," * 700_000 + b"1]}")
    assert huge.status_code == 413
    assert huge.headers["Content-Type"].startswith("application/json")
    assert_server_and_data_intact(devstack)


def test_bad_jwts_are_refused_before_the_database(
    devstack: DevstackProcess, admin_user: DevstackUser
) -> None:
    claims = jwt.decode(
        user_token(devstack, admin_user), devstack.jwt_secret, ["HS256"], audience="authenticated"
    )
    expired = jwt.encode({**claims, "exp": int(time.time()) - 1}, devstack.jwt_secret, "HS256")
    forged = jwt.encode(claims, secrets.token_urlsafe(48), "HS256")
    unsigned = jwt.encode(claims, None, algorithm="none")

    answer = rpc(devstack, "admin_unread_count", token=expired)
    assert (answer.status_code, answer.json()["code"], answer.json()["message"]) == (
        401,
        "PGRST303",
        "JWT expired",
    )
    assert answer.headers["WWW-Authenticate"].startswith('Bearer error="invalid_token"')
    for token in (forged, unsigned, "abc", "a.b.c"):
        refused = rpc(devstack, "admin_unread_count", token=token)
        assert (refused.status_code, refused.json()["code"]) == (401, "PGRST301"), token
    assert rpc(devstack, "admin_unread_count", token="abc").json()["message"] == (
        "Expected 3 parts in JWT; got 1"
    )


def test_a_validly_signed_token_cannot_become_a_role_the_authenticator_lacks(
    devstack: DevstackProcess,
) -> None:
    superuser = jwt.encode(
        {"role": "postgres", "exp": int(time.time()) + 60}, devstack.jwt_secret, "HS256"
    )
    refused = rpc(devstack, "admin_unread_count", token=superuser)
    assert (refused.status_code, refused.json()["code"]) == (403, "42501")


@pytest.fixture(scope="module")
def shapes(devstack: DevstackProcess) -> Iterator[str]:
    """Throw-away functions covering each PostgREST return shape and error mapping."""
    prefix = f"t{secrets.token_hex(4)}"
    ddl = f"""
    create function public.{prefix}_void() returns void language sql as 'select';
    create function public.{prefix}_scalar(a int, b int default 10) returns int
      language sql immutable as 'select a + b';
    create function public.{prefix}_text() returns text language sql stable as $$select 'hé "x"'$$;
    create function public.{prefix}_set(n int) returns setof int language sql stable
      as 'select generate_series(1, n)';
    create function public.{prefix}_table() returns table (id int, label text) language sql stable
      as $$select 1, 'one' union all select 2, 'two'$$;
    create function public.{prefix}_body(jsonb) returns jsonb language sql immutable as 'select $1';
    create function public.{prefix}_raise() returns int language plpgsql as $$
      begin raise exception 'nope' using detail = 'the detail', hint = 'the hint'; end $$;
    create function public.{prefix}_payment() returns int language plpgsql as $$
      begin raise sqlstate 'PT402' using message = 'Payment required'; end $$;
    create function public.{prefix}_dup() returns int language plpgsql as $$
      begin raise unique_violation using message = 'duplicate key'; end $$;
    create function public.{prefix}_who() returns json language sql stable as $$
      select json_build_object('role', current_user, 'uid', auth.uid(),
                               'method', current_setting('request.method'))$$;
    """
    with psycopg.connect(devstack.db_url, autocommit=True) as conn:
        conn.execute(ddl.encode())
    yield prefix
    with psycopg.connect(devstack.db_url, autocommit=True) as conn:
        for row in conn.execute(
            "select p.oid::regprocedure::text from pg_proc p where proname like %s",
            (f"{prefix}\\_%",),
        ).fetchall():
            conn.execute(f"drop function {row[0]}".encode())


def test_return_shapes(devstack: DevstackProcess, shapes: str) -> None:
    void = rpc(devstack, f"{shapes}_void")
    assert (void.status_code, void.content) == (204, b"")
    assert "Content-Type" not in void.headers
    assert rpc(devstack, f"{shapes}_scalar", {"a": 1}).json() == 11
    assert rpc(devstack, f"{shapes}_scalar", {"a": 1, "b": 2}).json() == 3
    assert rpc(devstack, f"{shapes}_scalar", method="GET", params={"a": "4"}).json() == 14
    assert rpc(devstack, f"{shapes}_text").json() == 'hé "x"'
    assert rpc(devstack, f"{shapes}_set", {"n": 3}).json() == [1, 2, 3]
    assert rpc(devstack, f"{shapes}_set", {"n": 0}).json() == []
    assert rpc(devstack, f"{shapes}_table").json() == [
        {"id": 1, "label": "one"},
        {"id": 2, "label": "two"},
    ]
    assert rpc(devstack, f"{shapes}_body", {"any": ["thing"]}).json() == {"any": ["thing"]}


def test_errors_map_to_postgrest_statuses(devstack: DevstackProcess, shapes: str) -> None:
    raised = rpc(devstack, f"{shapes}_raise")
    assert raised.status_code == 400
    assert raised.json() == {
        "code": "P0001",
        "message": "nope",
        "details": "the detail",
        "hint": "the hint",
    }
    assert rpc(devstack, f"{shapes}_payment").status_code == 402
    assert rpc(devstack, f"{shapes}_dup").status_code == 409


def test_the_caller_runs_as_its_jwt_role_with_its_claims(
    devstack: DevstackProcess, customer_user: DevstackUser, shapes: str
) -> None:
    assert rpc(devstack, f"{shapes}_who").json() == {"role": "anon", "uid": None, "method": "POST"}
    signed_in = rpc(devstack, f"{shapes}_who", token=user_token(devstack, customer_user)).json()
    assert signed_in == {"role": "authenticated", "uid": customer_user.id, "method": "POST"}


def test_unknown_schema_and_route(devstack: DevstackProcess) -> None:
    response = httpx.post(
        f"{devstack.api_url}/rest/v1/rpc/admin_unread_count",
        json={},
        headers={"apikey": devstack.anon_key, "Content-Profile": "auth"},
        timeout=30,
    )
    assert (response.status_code, response.json()["code"]) == (406, "PGRST106")
    unknown = httpx.get(
        f"{devstack.api_url}/nowhere", headers={"apikey": devstack.anon_key}, timeout=30
    )
    assert unknown.status_code == 404
    assert unknown.json() == {"message": "no Route matched with those values"}
