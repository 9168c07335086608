"""Issue 13: the devstack locked down, each attack measured on the current code now refused.

Every check has a positive control (the admin does see the private state, a
bystander does receive the next message, the superuser does connect), so a
check that passes because nothing works cannot pass.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import pwd
import resource
import secrets
import socket
import struct
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import psycopg
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from lia_desktop.devstack.postgres import (
    BIN_DIR,
    PASSWORD_FILE,
    PG_HBA,
    SUPERUSER,
    PostgresCluster,
)
from lia_desktop.devstack.realtime.service import MAX_OUTBOX_BYTES
from lia_desktop.devstack.web import HEADER_TIMEOUT_S
from tests.devstack.realtime_clients import new_booking, one, user_token
from tests.fixtures import DevstackProcess, DevstackUser

pytestmark = pytest.mark.devstack

PRESENCE = "online_users"  # the app's private, admins-only presence channel
WAIT_S = 10.0


# --------------------------------------------------------------------- raw Phoenix clients


def ws_url(devstack: DevstackProcess, vsn: str = "1.0.0") -> str:
    base = devstack.api_url.replace("http://", "ws://")
    return f"{base}/realtime/v1/websocket?apikey={devstack.anon_key}&vsn={vsn}"


class Client:
    """A raw vsn 1.0.0 Phoenix client on one topic; every frame it reads is kept."""

    def __init__(self, ws: ClientConnection, topic: str) -> None:
        self.ws = ws
        self.topic = f"realtime:{topic}"
        self.frames: list[dict[str, Any]] = []
        self._ref = 0

    async def push(self, event: str, payload: dict[str, Any]) -> str:
        self._ref += 1
        ref = str(self._ref)
        frame = {"topic": self.topic, "event": event, "payload": payload, "ref": ref}
        await self.ws.send(json.dumps({**frame, "join_ref": "1"}))
        return ref

    async def reply(self, event: str, payload: dict[str, Any]) -> dict[str, Any]:
        ref = await self.push(event, payload)
        return await self.next(lambda f: f["event"] == "phx_reply" and f["ref"] == ref)

    async def next(
        self, match: Callable[[dict[str, Any]], bool], within: float = WAIT_S
    ) -> dict[str, Any]:
        for frame in self.frames:
            if match(frame):
                return frame
        async with asyncio.timeout(within):
            while True:
                frame = json.loads(await self.ws.recv())
                self.frames.append(frame)
                if match(frame):
                    return frame

    async def flush(self) -> None:
        """Read everything the server sent before now (a heartbeat's reply comes after it)."""
        await self.ws.send(
            json.dumps({"topic": "phoenix", "event": "heartbeat", "payload": {}, "ref": "hb"})
        )
        await self.next(lambda f: f["topic"] == "phoenix" and f["ref"] == "hb")
        self.frames = [f for f in self.frames if f["topic"] != "phoenix"]

    async def join(self, token: str, *, private: bool, presence: bool = False) -> dict[str, Any]:
        config = {
            "broadcast": {"self": False, "ack": True},
            "presence": {"key": "", "enabled": presence},
            "private": private,
        }
        return await self.reply("phx_join", {"config": config, "access_token": token})

    async def track(self, meta: dict[str, Any]) -> dict[str, Any]:
        return await self.reply("presence", {"type": "presence", "event": "track", "payload": meta})

    async def broadcast(self, event: str, payload: dict[str, Any]) -> dict[str, Any]:
        return await self.reply(
            "broadcast", {"type": "broadcast", "event": event, "payload": payload}
        )

    def of(self, event: str) -> list[dict[str, Any]]:
        return [f["payload"] for f in self.frames if f["event"] == event]


@asynccontextmanager
async def client(devstack: DevstackProcess, topic: str) -> AsyncIterator[Client]:
    async with connect(ws_url(devstack), max_size=2**20) as ws:
        yield Client(ws, topic)


def presence_keys(state: dict[str, Any]) -> list[dict[str, Any]]:
    return [meta for entry in state.values() for meta in entry["metas"]]


def access_token(devstack: DevstackProcess, user: DevstackUser, timeout: float = 30) -> str:
    response = httpx.post(
        f"{devstack.api_url}/auth/v1/token?grant_type=password",
        headers={"apikey": devstack.anon_key},
        json={"email": user.email, "password": user.password},
        timeout=timeout,
    )
    response.raise_for_status()
    token: str = response.json()["access_token"]
    return token


# --------------------------------------------------------------------- 1. PostgreSQL


def postmaster_pid(devstack: DevstackProcess) -> int:
    return int((devstack.data_dir / "pgdata" / "postmaster.pid").read_text().split()[0])


def status_ids(pid: int, field: str) -> list[int]:
    """The ids on a ``Uid:``/``Gid:``/``Groups:`` line of ``/proc/<pid>/status``."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, values = line.partition(":")
        if name == field:
            return [int(v) for v in values.split()]
    raise AssertionError(f"no {field} in /proc/{pid}/status")


def psql_as_nobody(
    devstack: DevstackProcess, password: str | None
) -> subprocess.CompletedProcess[str]:
    """``psql -c 'select 1'`` on the devstack's socket, run as the ``nobody`` user."""
    host = parse_qs(urlsplit(devstack.db_url).query)["host"][0]
    env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp"}
    if password is not None:
        env["PGPASSWORD"] = password
    return subprocess.run(
        [
            str(BIN_DIR / "psql"),
            "-w",  # never prompt
            f"host={host} port=5432 user=postgres dbname=postgres connect_timeout=5",
            "-c",
            "select 1",
        ],
        user="nobody",
        group=pwd.getpwnam("nobody").pw_gid,  # "nogroup" on Debian, "nobody" elsewhere
        extra_groups=[],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        cwd="/",
    )


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to run a process as another user")
def test_another_local_user_cannot_connect_to_postgres(devstack: DevstackProcess) -> None:
    password = urlsplit(devstack.db_url).password
    assert password  # DB_URL carries the generated password (postgres's, like the superuser's)
    socket_dir = Path(parse_qs(urlsplit(devstack.db_url).query)["host"][0])
    server_uid = status_ids(postmaster_pid(devstack), "Uid")[0]
    mode = socket_dir.stat()
    assert (oct(mode.st_mode & 0o777), mode.st_uid) == ("0o700", server_uid)
    secret_file = devstack.data_dir / PASSWORD_FILE
    assert oct(secret_file.stat().st_mode & 0o777) == "0o600"

    # Another user cannot reach the socket, not even holding the password.
    for leaked in (None, password):
        refused = psql_as_nobody(devstack, leaked)
        assert refused.returncode != 0, refused.stdout
        assert "Permission denied" in refused.stderr, refused.stderr

    # One who could reach it (root can) still needs the password: no trust rule is left.
    no_password = devstack.db_url.replace(f":{password}@", "@")
    with pytest.raises(psycopg.OperationalError, match="password"):
        psycopg.connect(no_password, connect_timeout=5).close()
    wrong = devstack.db_url.replace(f":{password}@", ":not-the-password@")
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(wrong, connect_timeout=5).close()
    # Roles the devstack does not log in as have no password, so they cannot log in at all.
    for role in ("anon", "supabase_realtime_admin"):
        other = devstack.db_url.replace("postgresql://postgres:", f"postgresql://{role}:")
        with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
            psycopg.connect(other, connect_timeout=5).close()
    with psycopg.connect(devstack.db_url, connect_timeout=5) as conn:  # control
        assert conn.execute("select current_user").fetchone() == ("postgres",)


@pytest.mark.skipif(os.geteuid() != 0, reason="the server shares our ids unless we are root")
def test_the_server_runs_without_root_group(devstack: DevstackProcess) -> None:
    # COPY ... FROM PROGRAM needs the superuser (DB_URL's postgres is none, as hosted).
    with psycopg.connect(PostgresCluster(devstack.data_dir).conninfo, autocommit=True) as conn:
        conn.execute("create temp table out (line text)")
        conn.execute("copy out from program 'id -u; id -g; id -G'")
        uid, gid, groups = (row[0] for row in conn.execute("select line from out").fetchall())
    assert int(uid) != 0
    assert int(gid) != 0
    assert 0 not in [int(g) for g in groups.split()]
    pid = postmaster_pid(devstack)
    assert 0 not in status_ids(pid, "Uid")
    assert 0 not in status_ids(pid, "Gid")
    assert 0 not in status_ids(pid, "Groups")


def test_a_cluster_made_with_trust_is_locked_down_on_start() -> None:
    """A data dir from before issue 13: initdb --auth=trust, no password file."""
    cluster = PostgresCluster(Path(tempfile.mkdtemp(prefix="lia-test-trust-", dir="/tmp")))
    try:
        cluster._prepare_dirs()
        cluster.initdb(["--auth=trust"], "unused")
        cluster._run(
            "pg_ctl", ["-w", "-l", str(cluster.log_file), "-o", f"-k {cluster.socket_dir}", "start"]
        )
        trusted = f"host={cluster.socket_dir} user={SUPERUSER} dbname=postgres connect_timeout=5"
        with psycopg.connect(trusted, autocommit=True) as conn:  # control: trust let anyone in
            conn.execute("create table kept (n int); insert into kept values (7)")

        cluster.start()  # the running old server is stopped, locked down and started again
        assert (cluster.pgdata / "pg_hba.conf").read_text() == PG_HBA
        assert oct(cluster.socket_dir.stat().st_mode & 0o777) == "0o700"
        with pytest.raises(psycopg.OperationalError, match="password"):
            psycopg.connect(trusted).close()
        with psycopg.connect(cluster.conninfo) as conn:
            assert conn.execute("select n from kept").fetchall() == [(7,)]
        cluster.restart()  # and it stays so
        with psycopg.connect(cluster.conninfo) as conn:
            assert conn.execute("select n from kept").fetchall() == [(7,)]
    finally:
        cluster.destroy()


# --------------------------------------------------------------------- 2. topic namespaces


async def test_a_public_join_of_the_private_presence_topic_shares_nothing(
    devstack: DevstackProcess, admin_user: DevstackUser
) -> None:
    admin_token = user_token(devstack, admin_user.id, admin=True)
    admin_meta = {"user_id": admin_user.id, "email": admin_user.email, "role": "admin"}
    async with (
        client(devstack, PRESENCE) as admin,
        client(devstack, PRESENCE) as public,
        client(devstack, PRESENCE) as intruder,
    ):
        assert (await admin.join(admin_token, private=True, presence=True))["payload"][
            "status"
        ] == "ok"
        assert (await admin.track(admin_meta))["payload"]["status"] == "ok"
        await admin.next(lambda f: f["event"] == "presence_diff")  # control: tracked

        # The anon key joins the same topic as a public channel: it sees none of it ...
        joined = await public.join(devstack.anon_key, private=False, presence=True)
        assert joined["payload"]["status"] == "ok"
        state = await public.next(lambda f: f["event"] == "presence_state")
        assert state["payload"] == {}
        await public.flush()
        assert admin_user.id not in json.dumps(public.frames)
        assert admin_user.email not in json.dumps(public.frames)

        # ... and what it tracks there is not the admins' presence.
        for n in range(25):
            async with client(devstack, PRESENCE) as customer:
                await customer.join(devstack.anon_key, private=False, presence=True)
                await customer.track({"user_id": f"fake-{n}"})
        assert (await intruder.join(devstack.anon_key, private=False, presence=True))["payload"][
            "status"
        ] == "ok"
        assert (await intruder.track({"user_id": "intruder"}))["payload"]["status"] == "ok"
        await public.next(
            lambda f: f["event"] == "presence_diff" and "intruder" in json.dumps(f["payload"])
        )  # control: the public namespace does work

        await admin.flush()
        assert not [p for p in admin.of("presence_diff") if "fake" in json.dumps(p)]
        assert "intruder" not in json.dumps(admin.frames)
        async with client(devstack, PRESENCE) as second_admin:
            await second_admin.join(admin_token, private=True, presence=True)
            private_state = await second_admin.next(lambda f: f["event"] == "presence_state")
        metas = presence_keys(private_state["payload"])
        assert [{k: v for k, v in m.items() if k != "phx_ref"} for m in metas] == [admin_meta]


@pytest.fixture
def broadcast_topic(devstack: DevstackProcess) -> Iterator[str]:
    """A private topic whose broadcasts admins may read and send (policies as the app's)."""
    topic = f"lockdown_{secrets.token_hex(4)}"
    check = f"(select realtime.topic()) = '{topic}' and extension = 'broadcast'"
    # As the superuser: postgres may do this on hosted only through supautils' policy_grants,
    # which the devstack emulates for migrations alone (lia_devstack.run_granted_policy_ddl).
    with psycopg.connect(PostgresCluster(devstack.data_dir).conninfo, autocommit=True) as conn:
        conn.execute(
            f'create policy "read {topic}" on realtime.messages for select to authenticated'
            f" using ({check} and (select public.is_admin()))".encode()
        )
        conn.execute(
            f'create policy "send {topic}" on realtime.messages for insert to authenticated'
            f" with check ({check} and (select public.is_admin()))".encode()
        )
        try:
            yield topic
        finally:
            conn.execute(f'drop policy "read {topic}" on realtime.messages'.encode())
            conn.execute(f'drop policy "send {topic}" on realtime.messages'.encode())


async def test_private_and_public_broadcasts_on_one_topic_stay_apart(
    devstack: DevstackProcess, admin_user: DevstackUser, broadcast_topic: str
) -> None:
    token = user_token(devstack, admin_user.id, admin=True)
    async with (
        client(devstack, broadcast_topic) as private_a,
        client(devstack, broadcast_topic) as private_b,
        client(devstack, broadcast_topic) as public_a,
        client(devstack, broadcast_topic) as public_b,
    ):
        for chan, key, private in (
            (private_a, token, True),
            (private_b, token, True),
            (public_a, devstack.anon_key, False),
            (public_b, devstack.anon_key, False),
        ):
            assert (await chan.join(key, private=private))["payload"]["status"] == "ok"
        assert (await public_a.broadcast("note", {"from": "public"}))["payload"]["status"] == "ok"
        assert (await private_a.broadcast("note", {"from": "private"}))["payload"]["status"] == "ok"
        await public_b.next(lambda f: f["event"] == "broadcast")  # controls
        await private_b.next(lambda f: f["event"] == "broadcast")
        for chan in (private_a, private_b, public_a, public_b):
            await chan.flush()
        assert [p["payload"] for p in private_b.of("broadcast")] == [{"from": "private"}]
        assert [p["payload"] for p in public_b.of("broadcast")] == [{"from": "public"}]
        assert private_a.of("broadcast") == public_a.of("broadcast") == []


# --------------------------------------------------------------------- 3. slow consumers


class NonReader:
    """A websocket client that joins a topic and then never reads a byte."""

    def __init__(self, devstack: DevstackProcess, topic: str) -> None:
        url = urlsplit(ws_url(devstack))
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # little kernel slack
        self.sock.connect((url.hostname or "127.0.0.1", url.port or 80))
        key = "dGhlIHNhbXBsZSBub25jZQ=="
        self.sock.sendall(
            f"GET {url.path}?{url.query} HTTP/1.1\r\nHost: {url.netloc}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode()
        )
        response = b""
        while b"\r\n\r\n" not in response:
            response += self.sock.recv(1)  # the handshake only, byte by byte: nothing more
        assert response.startswith(b"HTTP/1.1 101"), response
        join = {
            "topic": f"realtime:{topic}",
            "event": "phx_join",
            "payload": {"config": {"broadcast": {"self": False}}},
            "ref": "1",
            "join_ref": "1",
        }
        self.sock.sendall(_masked_text_frame(json.dumps(join).encode()))

    def closed_by_server(self, within: float) -> bool:
        """Read now: True when the stream ends (EOF or reset) within ``within`` seconds."""
        self.sock.settimeout(within)
        deadline = time.monotonic() + within
        try:
            while time.monotonic() < deadline:
                if not self.sock.recv(1 << 20):
                    return True
        except ConnectionResetError:
            return True
        except TimeoutError:
            return False
        return False

    def close(self) -> None:
        self.sock.close()


def _masked_text_frame(data: bytes) -> bytes:
    mask = secrets.token_bytes(4)
    if len(data) < 126:
        header = struct.pack("!BB", 0x81, 0x80 | len(data))
    else:
        header = struct.pack("!BBH", 0x81, 0x80 | 126, len(data))
    return header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data))


async def test_a_socket_that_never_reads_is_closed_and_the_others_keep_receiving(
    devstack: DevstackProcess,
) -> None:
    topic = f"flood_{secrets.token_hex(4)}"
    stalled = NonReader(devstack, topic)
    blob = "x" * (256 * 1024)
    # past the outbox, with room for what kernel and aiohttp buffers hold besides
    rounds = (MAX_OUTBOX_BYTES + 16 * 1024 * 1024) // len(blob)
    try:
        async with client(devstack, topic) as sender, client(devstack, topic) as reader:
            assert (await sender.join(devstack.anon_key, private=False))["payload"][
                "status"
            ] == "ok"
            assert (await reader.join(devstack.anon_key, private=False))["payload"][
                "status"
            ] == "ok"
            received = 0
            for n in range(rounds):
                await sender.broadcast("blob", {"n": n, "blob": blob})
                while received <= n:  # the reader keeps up, frame by frame
                    frame = json.loads(await asyncio.wait_for(reader.ws.recv(), WAIT_S))
                    if frame["event"] == "broadcast":
                        assert frame["payload"]["payload"]["n"] == received
                        received += 1
            assert received == rounds
            await sender.broadcast("last", {"n": rounds})
            last = await reader.next(lambda f: f["event"] == "broadcast")
            assert last["payload"]["event"] == "last"
            assert await asyncio.to_thread(stalled.closed_by_server, 30.0)
    finally:
        stalled.close()


# --------------------------------------------------------------------- frames no subscriber can take


async def test_a_lone_surrogate_closes_its_sender_only(devstack: DevstackProcess) -> None:
    topic = f"surrogate_{secrets.token_hex(4)}"
    async with (
        client(devstack, topic) as sender,
        client(devstack, topic) as bystander,
        client(devstack, topic) as other_sender,
        connect(ws_url(devstack, "2.0.0"), max_size=2**20) as v2,
    ):
        for chan in (sender, bystander, other_sender):
            assert (await chan.join(devstack.anon_key, private=False))["payload"]["status"] == "ok"
        config = {"config": {"broadcast": {"self": False}, "private": False}}
        await v2.send(json.dumps(["1", "1", f"realtime:{topic}", "phx_join", config]))
        while json.loads(await v2.recv())[3] != "phx_reply":
            pass
        # JSON text with an escaped lone surrogate: valid syntax, not encodable as UTF-8
        envelope = {"topic": f"realtime:{topic}", "event": "broadcast", "ref": "9", "join_ref": "1"}
        evil = '{"type":"broadcast","event":"evil","payload":{"text":"\\ud800"}}'
        frame = json.dumps(envelope)[:-1] + ', "payload": ' + evil + "}"
        assert "\\ud800" in frame  # the escape itself travels, as JSON allows
        await sender.ws.send(frame)
        with pytest.raises(ConnectionClosed) as closed:
            await sender.next(lambda f: False)
        assert closed.value.rcvd is not None
        assert "surrogate" in closed.value.rcvd.reason

        for n in range(3):
            await other_sender.broadcast("after", {"n": n})
        for n in range(3):
            got = await bystander.next(
                lambda f, n=n: f["event"] == "broadcast" and f["payload"]["payload"]["n"] == n
            )
            assert got["payload"]["event"] == "after"
        v2_events = []
        while len(v2_events) < 3:
            message = json.loads(await asyncio.wait_for(v2.recv(), WAIT_S))
            if message[3] == "broadcast":
                v2_events.append(message[4]["event"])
        assert v2_events == ["after"] * 3
        assert not [f for f in bystander.frames if f["payload"].get("event") == "evil"]


def _binary_broadcast(topic: str, event: str, payload: bytes) -> bytes:
    """A vsn 2.0.0 user broadcast push (kind 3) with a JSON payload, as supabase-js sends."""
    fields = [b"1", b"", f"realtime:{topic}".encode(), event.encode(), b""]
    return bytes([3, *(len(f) for f in fields), 1]) + b"".join(fields) + payload


async def test_a_frame_too_big_for_some_subscribers_is_dropped_for_them_only(
    devstack: DevstackProcess,
) -> None:
    """A 1 MiB binary broadcast of 2-byte characters is over 1 MiB as v1 JSON, not as v2."""
    topic = f"big_{secrets.token_hex(4)}"
    config = {"config": {"broadcast": {"self": False}, "private": False}}
    async with (
        connect(ws_url(devstack, "2.0.0"), max_size=2**20) as sender,
        connect(ws_url(devstack, "2.0.0"), max_size=2**20) as v2_reader,
        client(devstack, topic) as v1_reader,
        client(devstack, topic) as v1_admin_like,
    ):
        for ws in (sender, v2_reader):
            await ws.send(json.dumps(["1", "1", f"realtime:{topic}", "phx_join", config]))
            while json.loads(await ws.recv())[3] != "phx_reply":
                pass
        for chan in (v1_reader, v1_admin_like):
            assert (await chan.join(devstack.anon_key, private=False))["payload"]["status"] == "ok"
        header = len(_binary_broadcast(topic, "huge", b""))
        text = "é" * ((2**20 - 64 - header - 2) // 2)  # aiohttp takes frames under 1 MiB
        payload = json.dumps(text, ensure_ascii=False).encode()
        huge = _binary_broadcast(topic, "huge", payload)
        assert len(huge) < 2**20 < len(payload) + 100  # fits in; the v1 envelope does not
        await sender.send(huge)
        await sender.send(_binary_broadcast(topic, "small", b'{"n":1}'))

        # v2 subscribers take the frame as it came; v1 subscribers skip it and stay connected
        first = await asyncio.wait_for(v2_reader.recv(), WAIT_S)
        assert isinstance(first, bytes)
        assert first.endswith(payload)
        for chan in (v1_reader, v1_admin_like):
            small = await chan.next(lambda f: f["event"] == "broadcast")
            assert small["payload"]["event"] == "small"
            assert not [f for f in chan.frames if f["payload"].get("event") == "huge"]
            await chan.flush()  # still connected


async def test_a_record_of_multibyte_text_is_trimmed_not_sent_oversized(
    devstack: DevstackProcess, admin_user: DevstackUser
) -> None:
    """realtime-py closes with 1009 on frames over 1 MiB: the record's size counts bytes."""
    token = user_token(devstack, admin_user.id, admin=True)
    async with (
        client(devstack, "db") as admin,
        client(devstack, "db") as bystander,
        await psycopg.AsyncConnection.connect(devstack.db_url, autocommit=True) as db,
    ):
        tables = ("reviews", "bookings", "admin_notifications")
        bindings = [{"event": "*", "schema": "public", "table": t} for t in tables]
        for chan in (admin, bystander):
            config = {"postgres_changes": bindings, "private": False}
            joined = await chan.reply("phx_join", {"config": config, "access_token": token})
            assert joined["payload"]["status"] == "ok"
            await chan.next(lambda f: f["event"] == "system" and f["payload"]["status"] == "ok")
        booking = await new_booking(db, status="completed")
        comment = "é" * 600_000  # 1.2 MB of UTF-8, 600,000 characters
        review = await one(
            db,
            "insert into reviews (booking_id, rating, comment) values (%s, 5, %s) returning id",
            booking,
            comment,
        )
        later = await new_booking(db)
        for chan in (admin, bystander):
            change = await chan.next(lambda f: _change_of(f, "reviews", review))
            data = change["payload"]["data"]
            assert "comment" not in data["record"]
            assert data["errors"] == ["Error 413: Payload Too Large"]
            # the admins' notification quotes the whole comment in its data: trimmed too
            notice = await chan.next(
                lambda f: (
                    _change_of(f, "admin_notifications")
                    and f["payload"]["data"]["record"].get("entity_table") == "reviews"
                    and f["payload"]["data"]["record"].get("entity_id") == str(review)
                )
            )
            assert notice["payload"]["data"]["errors"] == ["Error 413: Payload Too Large"]
            after = await chan.next(lambda f: _change_of(f, "bookings", later))
            assert after["payload"]["data"]["type"] == "INSERT"


def _change_of(frame: dict[str, Any], table: str, row_id: int | None = None) -> bool:
    if frame["event"] != "postgres_changes":
        return False
    data = frame["payload"]["data"]
    record = data.get("record") or {}
    return bool(data["table"] == table and (row_id is None or record.get("id") == row_id))


# --------------------------------------------------------------------- 4. HTTP


def _open_half_requests(port: int, count: int) -> list[socket.socket]:
    """Connections that send part of a request line and then stall."""
    stalled = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        sock.sendall(b"POST /auth/v1/tok")
        stalled.append(sock)
    return stalled


@contextlib.contextmanager
def soft_open_files_limit(limit: int) -> Iterator[None]:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(limit, hard), hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def _open_files_limit(pid: int) -> tuple[int, int]:
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
        if line.startswith("Max open files"):
            soft, hard = line.split()[3:5]
            return int(soft), int(hard)
    raise AssertionError("no open files limit")


@pytest.mark.slow
def test_half_open_requests_do_not_keep_an_admin_from_signing_in(
    devstack_factory: Callable[..., DevstackProcess],
) -> None:
    """1,100 stalled requests against a devstack started with the common 1024 descriptor limit."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard < 4096:
        pytest.skip("the hard open-files limit leaves no room for 1,100 test connections")
    with soft_open_files_limit(1024):
        backend = devstack_factory(seed=False)
    assert backend.pid is not None
    assert _open_files_limit(backend.pid) == (hard, hard)  # raised at start
    admin = backend.create_user(admin=True)
    stalled = _open_half_requests(backend.port, 1100)
    try:
        started = time.monotonic()
        token = access_token(backend, admin, timeout=10)
        assert token.count(".") == 2
        assert time.monotonic() - started < 10
        # ... and the stalled ones are closed once the header timeout passes.
        time.sleep(HEADER_TIMEOUT_S + 2)
        for sock in stalled:
            sock.settimeout(5)
            with contextlib.suppress(ConnectionResetError):
                assert sock.recv(100) == b""
    finally:
        for sock in stalled:
            sock.close()


def test_a_stalled_body_gets_408_and_a_closed_connection(devstack: DevstackProcess) -> None:
    port = urlsplit(devstack.api_url).port or 80
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        sock.sendall(
            b"POST /auth/v1/token?grant_type=password HTTP/1.1\r\nHost: x\r\n"
            b"apikey: " + devstack.anon_key.encode() + b"\r\n"
            b'Content-Type: application/json\r\nContent-Length: 500\r\n\r\n{"email": '
        )
        response = b""
        while chunk := sock.recv(4096):
            response += chunk
    head, _, body = response.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408")
    assert json.loads(body)["message"].startswith("request body not received")


DEEP = b"[" * 100_000 + b"]" * 100_000


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (DEEP, "nested too deeply"),
        (b'{"after_id": ', "not JSON"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b'{"after_id": NaN}', "NaN is not JSON"),
        (b'{"after_id": "\\ud800"}', "lone surrogate"),
        (b"1" * 5000, "a number Python will not convert"),
    ],
)
def test_malformed_rpc_bodies_get_postgrest_400s(
    devstack: DevstackProcess, body: bytes, why: str
) -> None:
    response = httpx.post(
        f"{devstack.api_url}/rest/v1/rpc/admin_unread_count",
        headers={"apikey": devstack.anon_key, "Content-Type": "application/json"},
        content=body,
        timeout=30,
    )
    assert response.status_code == 400, (why, response.text)
    assert response.json() == {
        "code": "PGRST102",
        "details": None,
        "hint": None,
        "message": "Empty or invalid json",
    }


@pytest.mark.parametrize("body", [DEEP, b'{"email": "\\ud800", "password": "x"}', b"[1, 2]"])
def test_malformed_auth_bodies_get_gotrue_400s(devstack: DevstackProcess, body: bytes) -> None:
    response = httpx.post(
        f"{devstack.api_url}/auth/v1/token?grant_type=password",
        headers={
            "apikey": devstack.anon_key,
            "Content-Type": "application/json",
            "X-Supabase-Api-Version": "2024-01-01",
        },
        content=body,
        timeout=30,
    )
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "bad_json"


def test_the_server_still_answers_after_the_malformed_bodies(
    devstack: DevstackProcess, admin_user: DevstackUser
) -> None:
    assert access_token(devstack, admin_user).count(".") == 2
