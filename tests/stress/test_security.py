"""Security checks against the running devstack (and the app's files after a run).

Each check has a positive control (the admin does get the rows, a good token
is accepted), so a check that passes because nothing works cannot pass.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import re
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import jwt
import psutil
import psycopg
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidStatus

from lia_desktop.devstack.faultproxy import FaultProxy
from lia_desktop.services import logs
from tests.fixtures import ADMIN_RPCS, DevstackProcess, DevstackUser
from tests.stress.harness import GroundTruth, WatchedApp

pytestmark = pytest.mark.devstack

ADMIN_TABLES = ("admin_notifications", "admin_stats_counters", "admin_notification_reads")
JWT_PATTERN = re.compile(rb"eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")


# --------------------------------------------------------------------- helpers


def access_token(devstack: DevstackProcess, user: DevstackUser) -> str:
    response = httpx.post(
        f"{devstack.api_url}/auth/v1/token?grant_type=password",
        headers={"apikey": devstack.anon_key},
        json={"email": user.email, "password": user.password},
        timeout=30,
    )
    response.raise_for_status()
    token: str = response.json()["access_token"]
    return token


def rpc(devstack: DevstackProcess, name: str, args: object, bearer: str | None) -> httpx.Response:
    headers = {"apikey": devstack.anon_key}
    if bearer is not None:
        headers["Authorization"] = f"Bearer {bearer}"
    return httpx.post(
        f"{devstack.api_url}/rest/v1/rpc/{name}", headers=headers, json=args, timeout=30
    )


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def bad_tokens(devstack: DevstackProcess, admin_token: str) -> dict[str, str]:
    """An admin's claims, but forged, expired, or unsigned (``alg: none``)."""
    claims = jwt.decode(admin_token, options={"verify_signature": False})
    now = int(time.time())
    return {
        "forged": jwt.encode(claims, "not-the-project-secret-" * 2, algorithm="HS256"),
        "expired": jwt.encode(
            {**claims, "iat": now - 7200, "exp": now - 3600}, devstack.jwt_secret, algorithm="HS256"
        ),
        "alg none": f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}.",
        "service_role forged": jwt.encode(
            {"role": "service_role", "exp": now + 3600}, "x" * 40, algorithm="HS256"
        ),
    }


def _ws_url(devstack: DevstackProcess, apikey: str) -> str:
    return (
        devstack.api_url.replace("http://", "ws://")
        + f"/realtime/v1/websocket?apikey={apikey}&vsn=1.0.0"
    )


class Channel:
    """A raw Phoenix v1 client on one topic: join, then collect what arrives."""

    def __init__(self, ws: ClientConnection, topic: str) -> None:
        self.ws = ws
        self.topic = f"realtime:{topic}"
        self.frames: list[dict[str, Any]] = []

    async def send(self, event: str, payload: dict[str, Any], ref: str) -> dict[str, Any]:
        await self.ws.send(
            json.dumps(
                {
                    "topic": self.topic,
                    "event": event,
                    "payload": payload,
                    "ref": ref,
                    "join_ref": "1",
                }
            )
        )
        return await self.next(lambda f: f.get("ref") == ref)

    async def next(self, match: Any, within: float = 10.0) -> dict[str, Any]:
        async with asyncio.timeout(within):
            while True:
                frame = json.loads(await self.ws.recv())
                self.frames.append(frame)
                if match(frame):
                    return frame

    async def join(self, config: dict[str, Any], token: str) -> dict[str, Any]:
        return await self.send("phx_join", {"config": config, "access_token": token}, "1")

    async def subscribed(self) -> None:
        await self.next(lambda f: f["event"] == "system" and f["payload"].get("status") == "ok")

    def changes(self, table: str) -> list[dict[str, Any]]:
        return [
            f
            for f in self.frames
            if f["event"] == "postgres_changes" and f["payload"]["data"]["table"] == table
        ]


def postgres_changes(*tables: str, filter: str | None = None) -> dict[str, Any]:
    bindings = [{"event": "*", "schema": "public", "table": t} for t in tables]
    if filter is not None:
        for binding in bindings:
            binding["filter"] = filter
    return {
        "postgres_changes": bindings,
        "broadcast": {"self": False},
        "presence": {"key": ""},
        "private": False,
    }


@asynccontextmanager
async def channel(devstack: DevstackProcess, topic: str) -> AsyncIterator[Channel]:
    async with connect(_ws_url(devstack, devstack.anon_key)) as ws:
        yield Channel(ws, topic)


# --------------------------------------------------------------------- RPC


@pytest.fixture(scope="module")
def admin_token(devstack: DevstackProcess, admin_user: DevstackUser) -> str:
    return access_token(devstack, admin_user)


@pytest.fixture(scope="module")
def customer_token(devstack: DevstackProcess, customer_user: DevstackUser) -> str:
    return access_token(devstack, customer_user)


@pytest.mark.parametrize("name", sorted(ADMIN_RPCS))
def test_admin_rpcs_refuse_anon_and_customers(
    devstack: DevstackProcess, admin_token: str, customer_token: str, name: str
) -> None:
    assert rpc(devstack, name, ADMIN_RPCS[name], admin_token).status_code == 200  # control
    for bearer in (None, customer_token):
        response = rpc(devstack, name, ADMIN_RPCS[name], bearer)
        assert response.status_code in (401, 403), response.text
        assert response.json().get("code") == "42501"


@pytest.mark.parametrize("kind", ["forged", "expired", "alg none", "service_role forged"])
def test_bad_jwts_are_refused_by_auth_rest_and_realtime(
    devstack: DevstackProcess, admin_token: str, kind: str
) -> None:
    token = bad_tokens(devstack, admin_token)[kind]
    headers = {"apikey": devstack.anon_key, "Authorization": f"Bearer {token}"}
    user = httpx.get(f"{devstack.api_url}/auth/v1/user", headers=headers, timeout=30)
    assert user.status_code in (401, 403), user.text
    good = {"apikey": devstack.anon_key, "Authorization": f"Bearer {admin_token}"}
    assert (
        httpx.get(f"{devstack.api_url}/auth/v1/user", headers=good, timeout=30).status_code == 200
    )
    assert rpc(devstack, "admin_unread_count", {}, token).status_code in (401, 403)
    # as an API key, the token does not even open the realtime socket
    with pytest.raises(InvalidStatus) as refused:
        asyncio.run(_open_socket(devstack, token))
    assert refused.value.response.status_code in (401, 403)

    async def join() -> dict[str, Any]:
        async with channel(devstack, "db") as chan:
            return await chan.join(postgres_changes("admin_notifications"), token)

    reply = asyncio.run(join())
    assert reply["payload"]["status"] == "error", reply


async def _open_socket(devstack: DevstackProcess, apikey: str) -> None:
    async with connect(_ws_url(devstack, apikey)):
        pass


# --------------------------------------------------------------------- realtime


async def test_admin_rows_reach_admins_only(
    devstack: DevstackProcess, admin_token: str, customer_token: str
) -> None:
    truth = GroundTruth(devstack.db_url)
    config = postgres_changes(*ADMIN_TABLES)
    async with (
        channel(devstack, "db") as admin,
        channel(devstack, "db") as customer,
        channel(devstack, "db") as anon,
    ):
        for chan, token in (
            (admin, admin_token),
            (customer, customer_token),
            (anon, devstack.anon_key),
        ):
            assert (await chan.join(config, token))["payload"]["status"] == "ok"
            await chan.subscribed()
        await truth.book(1)
        await admin.next(lambda f: f["event"] == "postgres_changes")  # control: admins get it
        for chan in (customer, anon):  # the same commit was fanned out; flush with a heartbeat
            await chan.ws.send(
                json.dumps({"topic": "phoenix", "event": "heartbeat", "payload": {}, "ref": "hb"})
            )
            await chan.next(lambda f: f.get("ref") == "hb")
            await asyncio.sleep(0.5)
            assert not [f for t in ADMIN_TABLES for f in chan.changes(t)]


async def test_private_presence_is_for_admins_only(
    devstack: DevstackProcess, admin_token: str, customer_token: str
) -> None:
    config = {
        "presence": {"key": "", "enabled": True},
        "broadcast": {"self": False},
        "private": True,
    }
    replies = {}
    for who, token in (
        ("admin", admin_token),
        ("customer", customer_token),
        ("anon", devstack.anon_key),
    ):
        async with channel(devstack, "online_users") as chan:
            replies[who] = (await chan.join(config, token))["payload"]
    assert replies["admin"]["status"] == "ok"
    for who in ("customer", "anon"):
        assert replies[who]["status"] == "error", replies[who]
        assert "nauthorized" in json.dumps(replies[who])


async def test_the_apps_data_channel_is_for_admins_only_and_nobody_broadcasts_into_it(
    devstack: DevstackProcess, admin_token: str, customer_token: str
) -> None:
    """``admin_feed`` is private: customers and the anon key cannot join it, and even an
    admin cannot broadcast into it (no INSERT policy), so no frame of theirs reaches the apps."""
    config = {
        **postgres_changes("admin_notifications"),
        "broadcast": {"ack": True, "self": True},
        "private": True,
    }
    replies = {}
    for who, token in (
        ("admin", admin_token),
        ("customer", customer_token),
        ("anon", devstack.anon_key),
    ):
        async with channel(devstack, "admin_feed") as chan:
            replies[who] = (await chan.join(config, token))["payload"]
            if who == "admin":
                await chan.subscribed()
                sent = await chan.send(
                    "broadcast",
                    {"type": "broadcast", "event": "x", "payload": {"text": "fake alert"}},
                    "2",
                )
                replies["admin broadcast"] = sent["payload"]
    assert replies["admin"]["status"] == "ok"
    for who in ("customer", "anon"):
        assert replies[who]["status"] == "error", replies[who]
        assert "nauthorized" in json.dumps(replies[who])
    assert replies["admin broadcast"]["status"] == "error", replies["admin broadcast"]


# --------------------------------------------------------------------- injection


@pytest.fixture
def canary(devstack: DevstackProcess) -> Iterator[psycopg.Connection[Any]]:
    """A table the injection attempts try to drop; counts of bookings must not change either."""
    with psycopg.connect(devstack.db_url, autocommit=True) as conn:
        conn.execute(b"create table if not exists public.canary (id int)")
        yield conn
        conn.execute(b"drop table if exists public.canary")


INJECTIONS = [
    "admin_unread_count;drop table public.canary",
    'admin_unread_count"();drop table public.canary;--',
    "admin_unread_count(); drop table public.canary; --",
    "pg_sleep",
    "../admin_unread_count",
    "private.enqueue_admin_notification",
]


def _exists(conn: psycopg.Connection[Any], table: str) -> bool:
    row = conn.execute(b"select to_regclass(%s) is not null", (table,)).fetchone()
    return bool(row and row[0])


def test_rpc_names_and_argument_names_cannot_inject(
    devstack: DevstackProcess, admin_token: str, canary: psycopg.Connection[Any]
) -> None:
    for name in INJECTIONS:
        response = rpc(devstack, name, {}, admin_token)
        assert response.status_code >= 400, (name, response.text)
    hostile_args: list[dict[str, Any]] = [
        {"after_id; drop table public.canary; --": 1},
        {'after_id" := 0); drop table public.canary; --': 1},
        {"after_id": "0); drop table public.canary; --"},
        {"after_id": 0, "max_rows": "1; drop table public.canary"},
    ]
    for args in hostile_args:
        response = rpc(devstack, "admin_notifications_after", args, admin_token)
        assert response.status_code >= 400, (args, response.text)
    assert _exists(canary, "public.canary")
    assert (
        rpc(
            devstack, "admin_notifications_after", {"after_id": 0, "max_rows": 1}, admin_token
        ).status_code
        == 200
    )


async def test_realtime_filters_and_tables_cannot_inject(
    devstack: DevstackProcess, admin_token: str, canary: psycopg.Connection[Any]
) -> None:
    filters = [
        "id=eq.1;drop table public.canary",
        "id=eq.1');drop table public.canary;--",
        "id;drop table public.canary=eq.1",
        'status=in.(pending,"x);drop table public.canary;--")',
        "total_price_cop=gt.0 or 1=1",
    ]
    for hostile in filters:
        async with channel(devstack, "db") as chan:
            reply = await chan.join(postgres_changes("bookings", filter=hostile), admin_token)
            if (
                reply["payload"]["status"] == "ok"
            ):  # accepted as a literal: must then match nothing odd
                await chan.next(lambda f: f["event"] == "system")
    for table in ("bookings; drop table public.canary", 'bookings"; drop table public.canary; --'):
        async with channel(devstack, "db") as chan:
            await chan.join(postgres_changes(table), admin_token)
            await chan.next(
                lambda f: f["event"] == "system" or f["event"] == "phx_close", within=10
            )
    assert _exists(canary, "public.canary")


# --------------------------------------------------------------------- listening sockets


def test_devstack_and_postgres_listen_on_loopback_only(devstack: DevstackProcess) -> None:
    assert devstack.pid is not None
    server = psutil.Process(devstack.pid)
    listening = [c for c in server.net_connections(kind="inet") if c.status == psutil.CONN_LISTEN]
    assert listening, "the devstack listens on no TCP port at all"
    assert {c.laddr.ip for c in listening} <= {"127.0.0.1", "::1"}
    postmaster_pid = int((devstack.data_dir / "pgdata" / "postmaster.pid").read_text().split()[0])
    postgres = psutil.Process(postmaster_pid)
    tcp = [c for c in postgres.net_connections(kind="inet") if c.status == psutil.CONN_LISTEN]
    assert {c.laddr.ip for c in tcp} <= {"127.0.0.1", "::1"}


# --------------------------------------------------------------------- secrets at rest


def refresh_tokens_of(devstack: DevstackProcess, user: DevstackUser) -> list[str]:
    with psycopg.connect(devstack.db_url) as conn:
        rows = conn.execute(
            b"select token from auth.refresh_tokens where user_id = %s", (user.id,)
        ).fetchall()
    return [r[0] for r in rows]


async def test_no_secret_in_config_data_or_logs_after_a_run(
    devstack: DevstackProcess,
    admin_user: DevstackUser,
    proxy: FaultProxy,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A full ``watch`` run with debug logging, a reconnect and a refresh, then a scan of every file."""
    for var, sub in (
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CACHE_HOME", "cache"),
    ):
        monkeypatch.setenv(var, str(tmp_path / sub))
    log_file = logs.configure_logging(tmp_path / "logs", level=logging.DEBUG)
    try:
        app = WatchedApp(proxy, data_dir=tmp_path / "data")
        app.start(admin_user.email, admin_user.password, devstack.anon_key)
        await app.live()
        await GroundTruth(devstack.db_url).book(1)
        proxy.reset_all()  # a reconnect: rejoin with the token, catch-up RPCs
        await app.lines.until(lambda: len(app.lines.of("notification")) > 0, 30)
        await app.live()
        # watch signs its own session out at the end (its tokens are then revoked): collect
        # the tokens it holds now, to look for them in what it wrote
        refresh_tokens = refresh_tokens_of(devstack, admin_user)
        assert await app.stop() == 0
    finally:
        root = logging.getLogger()
        for handler in [h for h in root.handlers if h.get_name() == logs.APP_DIR_NAME]:
            root.removeHandler(handler)
            handler.close()
    assert log_file.stat().st_size > 0  # control: the run did log
    assert refresh_tokens  # control: the run did create sessions
    secrets = [admin_user.password.encode(), *(t.encode() for t in refresh_tokens)]
    assert scan_for_secrets(tmp_path, secrets) == []


def scan_for_secrets(root: Path, secrets: list[bytes]) -> list[str]:
    """Every file under ``root`` holding a secret or a JWT other than the (public) anon key."""
    found = []
    files = [p for p in root.rglob("*") if p.is_file()]
    assert files  # control: the run did write files
    for path in files:
        content = path.read_bytes()
        found += [f"a secret in {path}" for secret in secrets if secret in content]
        for token in JWT_PATTERN.findall(content):
            role = jwt.decode(token, options={"verify_signature": False}).get("role")
            if role != "anon":
                found.append(f"a {role} JWT in {path}")
    return found
