"""Bad input never takes the Realtime endpoint down, and shutdown is clean (raw websockets)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import psycopg
import pytest
import websockets
from aiohttp import web
from aiohttp.test_utils import TestServer
from realtime.message import ServerMessageAdapter

from lia_desktop.devstack.realtime import RealtimeService
from tests.devstack.realtime_clients import user_token
from tests.fixtures import DevstackProcess, DevstackUser

pytestmark = pytest.mark.devstack

HEARTBEAT = {"topic": "phoenix", "event": "heartbeat", "payload": {}, "ref": None}


def url(base: str, key: str) -> str:
    return f"{base.replace('http://', 'ws://')}/realtime/v1/websocket?apikey={key}&vsn=1.0.0"


async def exchange(ws: websockets.ClientConnection, frame: dict[str, Any]) -> dict[str, Any]:
    """Send a frame and return the reply with its ref, checked against realtime-py's schema."""
    await ws.send(json.dumps(frame))
    while True:
        message = json.loads(await ws.recv())
        ServerMessageAdapter.validate_python(message)
        if message["event"] == "phx_reply" and message["ref"] == frame["ref"]:
            return message


async def test_bad_frames_get_an_error_or_a_close_with_a_reason_and_others_carry_on(
    devstack: DevstackProcess,
) -> None:
    endpoint = url(devstack.api_url, devstack.anon_key)
    async with websockets.connect(endpoint) as bystander:
        async with websockets.connect(endpoint) as ws:
            unknown = await exchange(ws, {**HEARTBEAT, "topic": "realtime:x", "ref": "1"})
            assert unknown["payload"] == {
                "status": "error",
                "response": {"reason": "unmatched topic"},
            }
            join = {"topic": "realtime:x", "event": "phx_join", "payload": {}, "ref": "2"}
            assert (await exchange(ws, join))["payload"]["status"] == "ok"
            odd = await exchange(
                ws, {"topic": "realtime:x", "event": "dance", "payload": {}, "ref": "3"}
            )
            assert odd["payload"]["status"] == "error"
            await ws.send("{not json")
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await ws.recv()
            assert closed.value.rcvd is not None
            assert "malformed JSON" in closed.value.rcvd.reason

        async with websockets.connect(endpoint, max_size=None) as ws:
            await ws.send("x" * (2 * 1024 * 1024))
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await ws.recv()
            assert closed.value.rcvd is not None
            assert closed.value.rcvd.code == 1009

        heartbeat = await exchange(bystander, {**HEARTBEAT, "ref": "7"})
        assert heartbeat["payload"] == {"status": "ok", "response": {}}


async def test_upgrade_refuses_bad_keys_with_supabase_wording(devstack: DevstackProcess) -> None:
    base = f"{devstack.api_url}/realtime/v1/websocket"
    async with httpx.AsyncClient() as http:
        missing = await http.get(base, params={"vsn": "1.0.0"})
        forged = await http.get(base, params={"vsn": "1.0.0", "apikey": "not-a-jwt"})
    assert (missing.status_code, missing.json()) == (401, {"error": "API key is missing"})
    assert forged.status_code == 401
    assert forged.json() == {"error": "The token provided is not a valid JWT"}


async def test_join_errors_and_access_token_errors_use_supabase_words(
    devstack: DevstackProcess, admin_user: DevstackUser
) -> None:
    async with websockets.connect(url(devstack.api_url, devstack.anon_key)) as ws:
        expired = user_token(devstack, admin_user.id, admin=True, ttl=-5)
        refused = await exchange(
            ws,
            {
                "topic": "realtime:a",
                "event": "phx_join",
                "payload": {"access_token": expired},
                "ref": "1",
            },
        )
        assert refused["payload"]["response"]["reason"].startswith(
            "InvalidJWTToken: Token has expired"
        )
        for n in range(100):
            join = {"topic": f"realtime:c{n}", "event": "phx_join", "payload": {}, "ref": f"j{n}"}
            assert (await exchange(ws, join))["payload"]["status"] == "ok"
        too_many = await exchange(
            ws, {"topic": "realtime:c100", "event": "phx_join", "payload": {}, "ref": "x"}
        )
        assert too_many["payload"]["response"] == {
            "reason": "ChannelRateLimitReached: Too many channels"
        }

        await ws.send(
            json.dumps(
                {
                    "topic": "realtime:c0",
                    "event": "access_token",
                    "payload": {"access_token": "junk"},
                    "ref": "t",
                }
            )
        )
        frames = [json.loads(await ws.recv()) for _ in range(2)]
        assert frames[0]["event"] == "system"
        assert frames[0]["ref"] is None
        assert frames[0]["payload"] == {
            "channel": "c0",
            "extension": "system",
            "message": "The token provided is not a valid JWT",
            "status": "error",
        }
        assert (frames[1]["event"], frames[1]["ref"]) == ("phx_close", "j0")


async def test_shutdown_closes_sockets_with_a_reason_and_drops_the_slot(
    devstack: DevstackProcess,
) -> None:
    service = RealtimeService(devstack.db_url, devstack.jwt_secret)
    app = web.Application()
    service.add_routes(app)
    await service.start()
    async with TestServer(app, host="127.0.0.1") as server:
        slot = service.capture.slot_name
        async with await psycopg.AsyncConnection.connect(devstack.db_url, autocommit=True) as db:
            query = "select count(*) from pg_replication_slots where slot_name = %s"
            assert (await (await db.execute(query, (slot,))).fetchone()) == (1,)
            async with websockets.connect(
                url(str(server.make_url("")).rstrip("/"), devstack.anon_key)
            ) as ws:
                await exchange(ws, {**HEARTBEAT, "ref": "1"})
                await service.stop()
                with pytest.raises(websockets.ConnectionClosed) as closed:
                    await ws.recv()
            assert closed.value.rcvd is not None
            assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (
                1001,
                "Server shutting down",
            )
            assert (await (await db.execute(query, (slot,))).fetchone()) == (0,)
