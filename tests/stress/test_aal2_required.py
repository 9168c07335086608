"""Security: with "admins need aal2" on, a password alone opens nothing of the admin side.

The switch is turned on for these tests only (the test devstack's seed turns
it off so the rest of the suite signs in with a password) and back off after.
Tokens are real: an admin of its own signs in, enrolls a TOTP factor and
verifies a pyotp code through the devstack's GoTrue (aal2), then signs in
again with the password only (aal1). Every refusal has its aal2 control.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import jwt
import psycopg
import pyotp
import pytest

from tests.fixtures import ADMIN_RPCS, DevstackProcess
from tests.stress.harness import GroundTruth
from tests.stress.test_security import ADMIN_TABLES, channel, postgres_changes, rpc

pytestmark = pytest.mark.devstack

#: The only admin RPC an aal1 admin may call: it tells the app a second factor is needed.
POLICY_RPC = "admin_security_policy"
AAL2_REQUIRED = {"code": "42501", "message": "aal2 required"}


def _auth(devstack: DevstackProcess, path: str, body: Any, token: str | None = None) -> Any:
    headers = {"apikey": devstack.anon_key}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    response = httpx.post(
        f"{devstack.api_url}/auth/v1/{path}", headers=headers, json=body, timeout=30
    )
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture(scope="module")
def tokens(devstack: DevstackProcess) -> dict[str, str]:
    """An admin's aal2 token (password + TOTP) and a later aal1 one (password only)."""
    admin = devstack.create_user(admin=True)
    credentials = {"email": admin.email, "password": admin.password}
    first = _auth(devstack, "token?grant_type=password", credentials)["access_token"]
    factor = _auth(devstack, "factors", {"factor_type": "totp", "friendly_name": "p"}, first)
    challenge = _auth(devstack, f"factors/{factor['id']}/challenge", {}, first)
    code = pyotp.TOTP(factor["totp"]["secret"]).now()
    verified = _auth(
        devstack,
        f"factors/{factor['id']}/verify",
        {"challenge_id": challenge["id"], "code": code},
        first,
    )
    aal1 = _auth(devstack, "token?grant_type=password", credentials)["access_token"]
    for token, level in ((verified["access_token"], "aal2"), (aal1, "aal1")):
        assert jwt.decode(token, options={"verify_signature": False})["aal"] == level
    return {"aal2": verified["access_token"], "aal1": aal1}


def admin_functions(devstack: DevstackProcess) -> list[str]:
    """Every ``public.admin_*`` function, called with null arguments."""
    with psycopg.connect(devstack.db_url) as db:
        rows = db.execute(
            "select format('%%s(%%s)', p.oid::regproc, coalesce(string_agg("
            "   'null::' || format_type(t.type, null), ', ' order by t.n), ''))"
            " from pg_proc p join pg_namespace n on n.oid = p.pronamespace"
            " left join lateral unnest(p.proargtypes::oid[]) with ordinality as t(type, n) on true"
            " where n.nspname = 'public' and p.proname like 'admin\\_%%'"
            "   and p.proname not in (%s, 'admin_set_aal2_requirement')"
            " group by p.oid",
            (POLICY_RPC,),
        ).fetchall()
    return sorted(row[0] for row in rows)


@contextmanager
def acting_as(devstack: DevstackProcess, token: str) -> Iterator[psycopg.Connection[Any]]:
    """A rolled-back transaction with the token's role and claims, as PostgREST runs one."""
    claims = jwt.decode(token, options={"verify_signature": False})
    with psycopg.connect(devstack.db_url) as db, db.transaction(force_rollback=True):
        db.execute(
            "select set_config('role', 'authenticated', true),"
            " set_config('request.jwt.claims', %s, true)",
            (json.dumps(claims),),
        )
        yield db


def call_as(devstack: DevstackProcess, token: str, sql: str) -> str | None:
    """The admin check's refusal of ``select sql`` under the token, or None."""
    with acting_as(devstack, token) as db:
        try:
            with db.transaction():
                db.execute(f"select {sql}".encode())
        except psycopg.errors.InsufficientPrivilege as err:
            return err.diag.message_primary
        except psycopg.Error:
            return None  # past the admin check: a null argument the function refuses
    return None


@pytest.mark.parametrize("name", sorted(ADMIN_RPCS))
def test_every_admin_rpc_refuses_an_aal1_admin_and_serves_aal2(
    devstack: DevstackProcess, tokens: dict[str, str], aal2_required: None, name: str
) -> None:
    refused = rpc(devstack, name, ADMIN_RPCS[name], tokens["aal1"])
    assert refused.status_code == 403, refused.text
    assert {k: refused.json()[k] for k in AAL2_REQUIRED} == AAL2_REQUIRED
    assert rpc(devstack, name, ADMIN_RPCS[name], tokens["aal2"]).status_code == 200


def test_every_admin_function_of_the_contract_demands_aal2(
    devstack: DevstackProcess, tokens: dict[str, str], aal2_required: None
) -> None:
    """Those the app does not call too (claims, contract status...), found in the catalog."""
    functions = admin_functions(devstack)
    assert len(functions) >= len(ADMIN_RPCS)
    refusals = {sql: call_as(devstack, tokens["aal1"], sql) for sql in functions}
    assert refusals == dict.fromkeys(functions, "aal2 required")
    assert {sql: call_as(devstack, tokens["aal2"], sql) for sql in functions} == dict.fromkeys(
        functions
    )


def test_admin_tables_show_nothing_to_aal1(
    devstack: DevstackProcess, tokens: dict[str, str], aal2_required: None
) -> None:
    """The tables' RLS, as PostgREST and Realtime apply it (the devstack serves RPCs only)."""

    def visible(table: str, token: str) -> int:
        with acting_as(devstack, token) as db:
            row = db.execute(f"select count(*) from public.{table}".encode()).fetchone()
        assert row is not None
        return int(row[0])

    for table in ("admin_notifications", "admin_stats_counters"):
        assert visible(table, tokens["aal2"]) > 0  # control: the seed's rows
        assert visible(table, tokens["aal1"]) == 0


def test_the_policy_rpc_tells_an_aal1_admin_what_is_needed(
    devstack: DevstackProcess, tokens: dict[str, str], aal2_required: None
) -> None:
    answer = rpc(devstack, POLICY_RPC, {}, tokens["aal1"])
    assert answer.json() == {"admins_need_aal2": True, "aal": "aal1"}
    devstack.require_aal2(False)
    assert rpc(devstack, POLICY_RPC, {}, tokens["aal1"]).json()["admins_need_aal2"] is False
    assert rpc(devstack, "admin_unread_count", {}, tokens["aal1"]).status_code == 200


def test_only_the_service_role_sets_the_switch(
    devstack: DevstackProcess, tokens: dict[str, str]
) -> None:
    for bearer in (tokens["aal2"], None):
        refused = rpc(devstack, "admin_set_aal2_requirement", {"required": False}, bearer)
        assert refused.status_code in (401, 403, 404), refused.text


async def test_realtime_admin_rows_and_private_channels_refuse_aal1(
    devstack: DevstackProcess, tokens: dict[str, str], aal2_required: None
) -> None:
    private = {
        **postgres_changes("admin_notifications"),
        "presence": {"key": "", "enabled": True},
        "private": True,
    }
    for topic in ("admin_feed", "online_users"):
        for level, status in (("aal1", "error"), ("aal2", "ok")):
            async with channel(devstack, topic) as chan:
                reply = (await chan.join(private, tokens[level]))["payload"]
            assert reply["status"] == status, (topic, level, reply)
    # admin rows on a public channel: RLS per subscriber
    truth = GroundTruth(devstack.db_url)
    config = postgres_changes(*ADMIN_TABLES)
    async with channel(devstack, "db") as aal2, channel(devstack, "db") as aal1:
        for chan, level in ((aal2, "aal2"), (aal1, "aal1")):
            assert (await chan.join(config, tokens[level]))["payload"]["status"] == "ok"
            await chan.subscribed()
        await truth.book(1)
        await aal2.next(lambda f: f["event"] == "postgres_changes")  # control
        heartbeat = {"topic": "phoenix", "event": "heartbeat", "payload": {}, "ref": "hb"}
        await aal1.ws.send(json.dumps(heartbeat))
        await aal1.next(lambda f: f.get("ref") == "hb")
        await asyncio.sleep(0.5)
        assert not [f for t in ADMIN_TABLES for f in aal1.changes(t)]
