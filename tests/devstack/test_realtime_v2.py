"""vsn 2.0.0 on the wire (raw websockets): negotiation, array frames, binary broadcasts, bad input.

supabase-js itself runs in tests/js; these tests pin down what it cannot show:
the exact arrays and bytes, unknown versions, and malformed frames, which must
close only the offending socket, with a reason, while the others keep receiving.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import psycopg
import pytest
import websockets

from tests.devstack.realtime_clients import new_booking, user_token
from tests.fixtures import DevstackProcess, DevstackUser

pytestmark = pytest.mark.devstack

INVALID_PAYLOAD = 1007
WAIT_S = 10.0
SUBSCRIBED = "Subscribed to PostgreSQL"


def url(devstack: DevstackProcess, vsn: str) -> str:
    base = devstack.api_url.replace("http://", "ws://")
    return f"{base}/realtime/v1/websocket?apikey={devstack.anon_key}&vsn={vsn}"


def join_frame(
    topic: str, ref: str, *, tables: tuple[str, ...] = (), token: str | None = None
) -> list[Any]:
    """A phx_join as realtime-js 2.109.0 frames it (join_ref = ref of the join)."""
    config = {
        "broadcast": {"ack": True, "self": False},
        "presence": {"key": "", "enabled": False},
        "postgres_changes": [{"event": "*", "schema": "public", "table": t} for t in tables],
        "private": False,
    }
    payload: dict[str, Any] = {"config": config}
    if token is not None:
        payload["access_token"] = token
    return [ref, ref, f"realtime:{topic}", "phx_join", payload]


def broadcast_push(
    topic: str, event: str, payload: bytes, *, join_ref: str, ref: str, json_encoded: bool = True
) -> bytes:
    """A userBroadcastPush (kind 3) laid out as realtime-js sends it, metadata empty."""
    fields = [join_ref.encode(), ref.encode(), f"realtime:{topic}".encode(), event.encode(), b""]
    header = bytes([3, *(len(field) for field in fields), 1 if json_encoded else 0])
    return header + b"".join(fields) + payload


def user_broadcast(topic: str, event: str, payload: bytes, *, json_encoded: bool = True) -> bytes:
    """The userBroadcast (kind 4) a 2.0.0 socket must receive, metadata empty."""
    topic_bytes, event_bytes = f"realtime:{topic}".encode(), event.encode()
    header = bytes([4, len(topic_bytes), len(event_bytes), 0, 1 if json_encoded else 0])
    return header + topic_bytes + event_bytes + payload


async def recv(ws: websockets.ClientConnection) -> Any:
    """The next frame: JSON decoded when text, bytes when binary."""
    async with asyncio.timeout(WAIT_S):
        data = await ws.recv()
    return data if isinstance(data, bytes) else json.loads(data)


async def recv_until(ws: websockets.ClientConnection, event: str) -> list[Any]:
    """The next text frame (a 2.0.0 array) for ``event``, skipping others."""
    while True:
        frame = await recv(ws)
        if isinstance(frame, list) and frame[3] == event:
            return frame


async def request(ws: websockets.ClientConnection, frame: list[Any]) -> list[Any]:
    """Send a 2.0.0 array and return the reply with its ref."""
    await ws.send(json.dumps(frame))
    while True:
        reply = await recv_until(ws, "phx_reply")
        if reply[1] == frame[1]:
            return reply


async def test_unknown_vsn_is_refused_like_phoenix_before_the_key(
    devstack: DevstackProcess,
) -> None:
    base = f"{devstack.api_url}/realtime/v1/websocket"
    async with httpx.AsyncClient() as http:
        for vsn in ("3.0.0", "2.1.0", "2.0.0-rc.1", "2.0", "", "latest"):
            refused = await http.get(base, params={"vsn": vsn, "apikey": devstack.anon_key})
            assert (refused.status_code, refused.content) == (403, b""), vsn
        keyless = await http.get(base, params={"vsn": "9.0.0"})
        assert (keyless.status_code, keyless.content) == (403, b"")
    with pytest.raises(websockets.InvalidStatus) as refused_upgrade:
        async with websockets.connect(url(devstack, "3.0.0")):
            pass
    assert refused_upgrade.value.response.status_code == 403
    async with websockets.connect(url(devstack, "2.0.1")) as ws:  # ~> 2.0.0 matches
        heartbeat = await request(ws, [None, "1", "phoenix", "heartbeat", {}])
        assert heartbeat == [None, "1", "phoenix", "phx_reply", {"status": "ok", "response": {}}]


async def test_array_frames_replies_and_pushes_carry_the_refs_realtime_js_matches(
    devstack: DevstackProcess, admin_user: DevstackUser
) -> None:
    token = user_token(devstack, admin_user.id, admin=True)
    async with (
        websockets.connect(url(devstack, "2.0.0")) as ws,
        await psycopg.AsyncConnection.connect(devstack.db_url, autocommit=True) as db,
    ):
        joined = await request(ws, join_frame("v2-db", "3", tables=("bookings",), token=token))
        assert joined[:4] == ["3", "3", "realtime:v2-db", "phx_reply"]
        (binding,) = joined[4]["response"]["postgres_changes"]
        assert binding["table"] == "bookings"
        assert binding["id"] > 0
        ok = await recv_until(ws, "system")
        assert ok[:3] == ["3", None, "realtime:v2-db"]  # the channel's own push: its join_ref
        assert ok[4]["message"] == SUBSCRIBED

        booking = await new_booking(db)
        change = await recv_until(ws, "postgres_changes")
        assert change[:3] == [None, None, "realtime:v2-db"]  # fan-out: no refs
        assert change[4]["ids"] == [binding["id"]]
        assert change[4]["data"]["record"]["id"] == booking

        unknown = await request(ws, ["3", "4", "realtime:v2-db", "dance", {}])
        assert unknown[:2] == ["3", "4"]
        assert unknown[4] == {"status": "error", "response": {"reason": "Unknown event: dance"}}
        left = await request(ws, ["3", "5", "realtime:v2-db", "phx_leave", {}])
        assert left == ["3", "5", "realtime:v2-db", "phx_reply", {"status": "ok", "response": {}}]
        assert await recv_until(ws, "phx_close") == ["3", "3", "realtime:v2-db", "phx_close", {}]


async def test_binary_broadcasts_reach_each_socket_in_its_own_protocol_version(
    devstack: DevstackProcess,
) -> None:
    topic = "v2-room"
    v1_url = url(devstack, "1.0.0")
    async with (
        websockets.connect(url(devstack, "2.0.0")) as sender,
        websockets.connect(url(devstack, "2.0.0")) as modern,
        websockets.connect(v1_url) as legacy,
    ):
        for ws in (sender, modern):
            assert (await request(ws, join_frame(topic, "1")))[4]["status"] == "ok"
        legacy_join = {
            "topic": f"realtime:{topic}",
            "event": "phx_join",
            "payload": {"config": {"broadcast": {"ack": False, "self": False}}},
            "ref": "1",
            "join_ref": "1",
        }
        await legacy.send(json.dumps(legacy_join))
        assert (await recv(legacy))["payload"]["status"] == "ok"

        cursor = '{"x":42,"who":"ñandú"}'.encode()
        await sender.send(broadcast_push(topic, "cursor", cursor, join_ref="1", ref="2"))
        ack = await recv(sender)
        assert ack == ["1", "2", f"realtime:{topic}", "phx_reply", {"status": "ok", "response": {}}]
        assert await recv(modern) == user_broadcast(topic, "cursor", cursor)
        assert await recv(legacy) == {
            "topic": f"realtime:{topic}",
            "event": "broadcast",
            "payload": {
                "type": "broadcast",
                "event": "cursor",
                "payload": {"x": 42, "who": "ñandú"},
            },
            "ref": None,
        }

        opaque = b"\x00\xffraw"
        await sender.send(
            broadcast_push(topic, "blob", opaque, join_ref="1", ref="3", json_encoded=False)
        )
        assert (await recv(sender))[1] == "3"
        assert await recv(modern) == user_broadcast(topic, "blob", opaque, json_encoded=False)
        # 1.0.0 cannot carry opaque bytes (Supabase drops them too): its next frame is the next JSON
        await sender.send(broadcast_push(topic, "cursor", b'{"x":1}', join_ref="1", ref="4"))
        assert (await recv(legacy))["payload"]["payload"] == {"x": 1}
        assert await recv(modern) == user_broadcast(topic, "cursor", b'{"x":1}')

        from_legacy = {**legacy_join, "event": "broadcast", "ref": "2"}
        from_legacy["payload"] = {"type": "broadcast", "event": "cursor", "payload": {"x": 7}}
        await legacy.send(json.dumps(from_legacy))
        payload = {"type": "broadcast", "event": "cursor", "payload": {"x": 7}}
        expected = [None, None, f"realtime:{topic}", "broadcast", payload]
        assert await recv(modern) == expected  # a text broadcast stays text for 2.0.0


BAD_FRAMES: list[tuple[str | bytes, str]] = [
    ('["1","1","realtime:x","phx_join"]', "JSON array"),
    ('{"topic":"phoenix","event":"heartbeat","payload":{},"ref":"1"}', "JSON array"),
    ("[null,", "malformed JSON"),
    ('[null,"1",42,"heartbeat",{}]', "`topic`"),
    ('[null,"1","phoenix","heartbeat","beat"]', "`payload`"),
    (b"", "empty binary frame"),
    (b"\x07\x00\x00\x00\x00\x00\x01", "unsupported binary frame kind 7"),
    (b"\x03\x01\x01", "truncated binary frame header"),
    (b"\x03\x01\x01\xc8\x06\x00\x0112realtime:x", "past the end"),
    (b"\x03\x00\x00\x0a\x01\x00\x05realtime:xe{}", "unknown binary payload encoding 5"),
    (b"\x03\x00\x00\x0a\x01\x00\x01realtime:xe{nope", "malformed JSON"),
]


async def test_malformed_frames_close_with_a_reason_and_other_sockets_keep_receiving(
    devstack: DevstackProcess, admin_user: DevstackUser
) -> None:
    token = user_token(devstack, admin_user.id, admin=True)
    async with (
        websockets.connect(url(devstack, "2.0.0")) as bystander,
        await psycopg.AsyncConnection.connect(devstack.db_url, autocommit=True) as db,
    ):
        await request(bystander, join_frame("v2-watch", "1", tables=("bookings",), token=token))
        assert (await recv_until(bystander, "system"))[4]["message"] == SUBSCRIBED

        for data, reason in BAD_FRAMES:
            async with websockets.connect(url(devstack, "2.0.0")) as ws:
                await ws.send(data)
                with pytest.raises(websockets.ConnectionClosed) as closed:
                    await recv(ws)
            assert closed.value.rcvd is not None, data
            assert closed.value.rcvd.code == INVALID_PAYLOAD, data
            assert reason in closed.value.rcvd.reason, (data, closed.value.rcvd.reason)

        async with websockets.connect(url(devstack, "2.0.0")) as ws:
            # well-formed, but for a topic this socket never joined: an error reply, no close
            await ws.send(broadcast_push("never-joined", "e", b"{}", join_ref="8", ref="9"))
            unmatched = await recv(ws)
            assert unmatched == [
                "8",
                "9",
                "realtime:never-joined",
                "phx_reply",
                {"status": "error", "response": {"reason": "unmatched topic"}},
            ]

        booking = await new_booking(db)
        change = await recv_until(bystander, "postgres_changes")
        assert change[4]["data"]["record"]["id"] == booking
