"""Red team 2 (issues 15-17, server side): failing tests for what the attack found.

* The pre-flight promises to name every table the contract creates that a project
  already has ("conflict"), but it still lists only the four tables of the first
  contract: a project with its own ``public.admin_audit`` (a plausible name for a
  marketplace's audit log) hears "ok" and ``supabase db push`` then stops at
  ``20261130000500_admin_claims.sql`` with "relation already exists".
  A project's own ``private.require_admin()`` fares worse: the pre-flight says
  nothing, and the push silently replaces it (``create schema if not exists
  private`` then ``create or replace function``), so the project's own checks now
  run the notifier's code.
* ``admin_contract_status()`` (doctor's "contract" check) still answers version
  ``20261130000400`` and knows nothing of issues 16-17: with ``admin_claims`` out
  of the Realtime publication (claims no longer live), the audit's append-only
  trigger disabled and ``admin_claim`` dropped, it answers "missing: []".
* Unenrolling a verified TOTP factor leaves the devstack's session at ``aal2`` with
  ``totp`` in its ``amr``, and every refresh keeps it: GoTrue downgrades the
  sessions that factor raised (``Factor.DowngradeSessionsToAAL1``). Under the
  "admins need aal2" switch an admin with no factor left keeps every admin path.
* Deleting an admin's account cascades a DELETE of their ``admin_duty`` and
  ``admin_claims`` rows; Realtime cannot RLS-check a DELETE (see
  20261130000300_unread_as_update.sql, which fixed the same leak for read state), so
  a customer subscribed to ``admin_duty`` learns the admin's id. The audit rows
  stay (append-only) but ``admin_item_history`` then answers ``actor_name: null``
  for them, which ``wire.parse_history`` refuses: every item that admin ever
  touched shows no history in any other admin's center.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import jwt
import psycopg
import pyotp
import pytest
from realtime import RealtimePostgresChangesListenEvent

from lia_desktop.core import wire
from lia_desktop.devstack.database import default_migrations_dir, prepare_database
from tests.devstack.realtime_clients import Inbox, realtime_client, user_token
from tests.devstack.test_contract_install import FOREIGN_MARKETPLACE, as_admin, install, preflight
from tests.fixtures import DevstackProcess, supabase_client

pytestmark = pytest.mark.devstack

#: A marketplace that keeps its own audit log, claim and duty tables under the names
#: the contract of issue 17 creates.
MARKETPLACE_WITH_TEAM_TABLES = (
    FOREIGN_MARKETPLACE
    + """
create table public.admin_audit (id bigint generated always as identity primary key,
  actor uuid, what text, at timestamptz default now());
create table public.admin_claims (ticket bigint primary key, agent uuid);
create table public.admin_duty (agent uuid primary key, shift text);
"""
)


def test_the_preflight_names_the_team_tables_a_project_already_has(
    fresh_database: str, tmp_path: Path
) -> None:
    market_file = tmp_path / "marketplace.sql"
    market_file.write_text(MARKETPLACE_WITH_TEAM_TABLES)
    no_migrations = tmp_path / "no_migrations"
    no_migrations.mkdir()
    prepare_database(
        fresh_database, migrations_dir=no_migrations, seed_file=None, marketplace_file=market_file
    )
    conflicts = {item for status, item, _ in preflight(fresh_database) if status == "conflict"}
    assert conflicts == {
        "existing public.admin_audit",
        "existing public.admin_claims",
        "existing public.admin_duty",
    }


def test_the_preflight_names_a_project_function_the_push_would_replace(
    fresh_database: str, tmp_path: Path
) -> None:
    market_file = tmp_path / "marketplace.sql"
    market_file.write_text(
        FOREIGN_MARKETPLACE
        + """
create schema private;
create function private.require_admin() returns void language plpgsql as $$
begin
  if not exists (select 1 from public.users where id = auth.uid() and role = 'staff') then
    raise exception 'staff only';
  end if;
end $$;
"""
    )
    no_migrations = tmp_path / "no_migrations"
    no_migrations.mkdir()
    prepare_database(
        fresh_database, migrations_dir=no_migrations, seed_file=None, marketplace_file=market_file
    )
    flagged = [
        (status, item)
        for status, item, _ in preflight(fresh_database)
        if status != "ok" and "private.require_admin" in item
    ]
    assert flagged, "the push would replace the project's private.require_admin() unannounced"


def test_doctor_names_the_claims_pieces_a_project_lacks(
    fresh_database: str, tmp_path: Path
) -> None:
    install(fresh_database, tmp_path, None)
    newest = max(p.name.split("_", 1)[0] for p in default_migrations_dir().glob("*.sql"))
    with psycopg.connect(fresh_database, autocommit=True) as conn:
        conn.execute("alter publication supabase_realtime drop table public.admin_claims")
        conn.execute("alter table public.admin_audit disable trigger admin_audit_append_only")
        conn.execute("drop function public.admin_claim(text, bigint)")
        status = as_admin(conn, "select public.admin_contract_status()")
    assert isinstance(status, dict)
    missing = " | ".join(status["missing"])
    assert (status["version"], "public.admin_claims" in missing) == (newest, True), status
    assert "admin_audit_append_only" in missing, status
    assert "admin_claim(" in missing, status


def _aal_and_methods(token: str) -> tuple[str, set[str]]:
    claims = jwt.decode(token, options={"verify_signature": False})
    return claims["aal"], {entry["method"] for entry in claims["amr"]}


async def test_unenrolling_the_factor_takes_the_session_back_to_aal1(
    devstack: DevstackProcess,
) -> None:
    admin = devstack.create_user(admin=True)
    async with supabase_client(devstack) as sb:
        await sb.auth.sign_in_with_password({"email": admin.email, "password": admin.password})
        enrolled = await sb.auth.mfa.enroll({"factor_type": "totp", "friendly_name": "Phone"})
        assert enrolled.totp is not None
        code = pyotp.TOTP(enrolled.totp.secret).now()
        await sb.auth.mfa.challenge_and_verify({"factor_id": enrolled.id, "code": code})
        raised = await sb.auth.get_session()
        assert raised is not None
        assert _aal_and_methods(raised.access_token)[0] == "aal2"

        await sb.auth.mfa.unenroll({"factor_id": enrolled.id})
        refreshed = await sb.auth.refresh_session()
    assert refreshed.session is not None
    # GoTrue: the factor's amr claim is deleted and the session set to aal1
    assert _aal_and_methods(refreshed.session.access_token) == ("aal1", {"password"})


async def test_deleting_an_admin_tells_no_customer_their_id(devstack: DevstackProcess) -> None:
    admin = devstack.create_user(admin=True)
    customer = devstack.create_user()
    admin_token = user_token(devstack, admin.id, admin=True)
    heard = Inbox()
    async with realtime_client(devstack, user_token(devstack, customer.id, admin=False)) as rt:
        system = Inbox()
        channel = rt.channel("duty-watch")
        channel.on_postgres_changes(
            RealtimePostgresChangesListenEvent.All, table="admin_duty", callback=heard
        )
        channel.on_system(system)
        await channel.subscribe()
        await system.wait_for(lambda p: p.message == "Subscribed to PostgreSQL")
        async with httpx.AsyncClient(timeout=10) as http:
            on_duty = await http.post(
                f"{devstack.api_url}/rest/v1/rpc/admin_set_duty",
                json={"status": "available"},
                headers={"apikey": devstack.anon_key, "Authorization": f"Bearer {admin_token}"},
            )
        assert on_duty.status_code == 200, on_duty.text
        # the operator removes the admin's account (the Auth admin API, service role)
        removed = await asyncio.to_thread(devstack.admin_request, "DELETE", f"users/{admin.id}")
        assert removed.status_code == 200
        await asyncio.sleep(1.0)  # a DELETE for the customer, if any, has come by now
    leaked = [str(item) for item in heard.items if admin.id in str(item)]
    assert leaked == []


async def test_an_item_touched_by_a_removed_admin_keeps_its_history(
    devstack: DevstackProcess,
) -> None:
    leaving, staying = devstack.create_user(admin=True), devstack.create_user(admin=True)
    with psycopg.connect(devstack.db_url) as db:
        row = db.execute("select max(id) from lia_notifier.disputes").fetchone()
    assert row is not None
    item = {"item_type": "disputes", "item_id": row[0]}
    async with httpx.AsyncClient(timeout=10) as http:

        async def call(user_id: str, function: str) -> httpx.Response:
            token = user_token(devstack, user_id, admin=True)
            headers = {"apikey": devstack.anon_key, "Authorization": f"Bearer {token}"}
            url = f"{devstack.api_url}/rest/v1/rpc/{function}"
            return await http.post(url, json=item, headers=headers)

        assert (await call(leaving.id, "admin_claim")).status_code == 200
        removed = await asyncio.to_thread(devstack.admin_request, "DELETE", f"users/{leaving.id}")
        assert removed.status_code == 200
        history = await call(staying.id, "admin_item_history")
    assert history.status_code == 200, history.text
    events = wire.parse_history(history.json())  # what Sync.item_history does with it
    # the claim, then its release by the account's removal, both under the admin's name
    leaving_name = events[-1].actor_name
    assert leaving_name
    assert [(event.action, event.actor_name) for event in events][-2:] == [
        ("claim", leaving_name),
        ("release", leaving_name),
    ]
    with psycopg.connect(devstack.db_url) as db:
        claim = db.execute(
            "select holder, holder_name from public.admin_claims"
            " where item_type = 'disputes' and item_id = %s",
            (row[0],),
        ).fetchone()
    assert claim == (None, None)
