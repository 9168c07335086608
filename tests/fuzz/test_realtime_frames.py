"""Hostile frames against the devstack's Realtime websocket.

Whatever one client sends (malformed or non-object JSON, binary, unknown
events, wrong types, oversized or deeply nested payloads, random join
configs), the server answers with an error reply or closes that socket with a
close frame, and keeps serving: another socket opened before the attack still
gets its heartbeat replies, and new sockets can still connect.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.fixtures import DevstackProcess
from tests.fuzz.budget import FUZZ_NETWORK
from tests.fuzz.strategies import json_values

pytestmark = pytest.mark.devstack

#: a close without a close frame: the server dropped the socket instead of answering
ABNORMAL = 1006
MIB = 1024 * 1024

topics = st.one_of(
    st.sampled_from(["phoenix", "realtime:db", "realtime:online_users", "realtime:", ""]),
    st.text(max_size=30),
)
events = st.one_of(
    st.sampled_from(
        ["heartbeat", "phx_join", "phx_leave", "access_token", "presence", "broadcast", "nope"]
    ),
    st.text(max_size=20),
)
bindings = st.lists(
    st.fixed_dictionaries(
        {},
        optional={
            "event": st.one_of(st.sampled_from(["*", "INSERT", "UPDATE", "DELETE"]), json_values),
            "schema": st.one_of(st.just("public"), json_values),
            "table": st.one_of(st.sampled_from(["bookings", "admin_notifications"]), json_values),
            "filter": st.one_of(
                st.sampled_from(["id=eq.1", "status=in.(a,b)", "id=eq.1;drop table bookings"]),
                json_values,
            ),
        },
    ),
    max_size=3,
)
join_payloads = st.fixed_dictionaries(
    {},
    optional={
        "config": st.one_of(
            json_values,
            st.fixed_dictionaries(
                {},
                optional={
                    "postgres_changes": st.one_of(bindings, json_values),
                    "presence": json_values,
                    "broadcast": json_values,
                    "private": json_values,
                },
            ),
        ),
        "access_token": st.one_of(json_values, st.just("a.b.c")),
    },
)
envelopes = st.fixed_dictionaries(
    {
        "topic": st.one_of(topics, json_values),
        "event": st.one_of(events, json_values),
        "payload": st.one_of(join_payloads, json_values),
        "ref": st.one_of(st.text(max_size=5), json_values),
    },
    optional={"join_ref": json_values},
)
frames: st.SearchStrategy[str | bytes] = st.one_of(
    envelopes.map(json.dumps),
    st.lists(st.one_of(json_values, topics, events, join_payloads), max_size=7).map(json.dumps),
    json_values.map(json.dumps),
    st.text(max_size=200),
    st.binary(max_size=200),
)

DEEP_ARRAY = "[" * 100_000 + "]" * 100_000
DEEP_OBJECT = '{"a":' * 50_000 + "1" + "}" * 50_000
OVERSIZED = json.dumps(
    {"topic": "phoenix", "event": "heartbeat", "payload": {"x": "y" * (MIB + 10)}, "ref": "1"}
)
NESTED_PAYLOAD = json.dumps(
    {
        "topic": "realtime:db",
        "event": "phx_join",
        "payload": json.loads("[" * 900 + "]" * 900),
        "ref": "1",
    }
)


def _url(devstack: DevstackProcess, vsn: str) -> str:
    ws = devstack.api_url.replace("http://", "ws://")
    return f"{ws}/realtime/v1/websocket?apikey={devstack.anon_key}&vsn={vsn}"


def _heartbeat(vsn: str, ref: str) -> str:
    if vsn == "2.0.0":
        return json.dumps([None, ref, "phoenix", "heartbeat", {}])
    return json.dumps({"topic": "phoenix", "event": "heartbeat", "payload": {}, "ref": ref})


def _ref_of(message: str | bytes, vsn: str) -> Any:
    decoded = json.loads(message)
    return decoded[1] if vsn == "2.0.0" else decoded.get("ref")


async def _answers_heartbeat(ws: ClientConnection, vsn: str, ref: str) -> bool:
    """Send a heartbeat and read until its reply (other frames may come first)."""
    await ws.send(_heartbeat(vsn, ref))
    async with asyncio.timeout(10):
        while True:
            message = await ws.recv()
            if isinstance(message, str) and _ref_of(message, vsn) == ref:
                return True


async def _attack(devstack: DevstackProcess, vsn: str, frame: str | bytes) -> None:
    async with (
        connect(_url(devstack, "1.0.0"), max_size=None) as bystander,
        connect(_url(devstack, vsn), max_size=None, ping_interval=None) as attacker,
    ):
        assert await _answers_heartbeat(bystander, "1.0.0", "before")
        try:
            await attacker.send(frame)
            # the attacker's socket either still works or was closed with a close frame
            await _answers_heartbeat(attacker, vsn, "after")
        except ConnectionClosed as closed:
            received = closed.rcvd
            assert received is not None, "the server dropped the socket without a close frame"
            assert received.code != ABNORMAL
        assert await _answers_heartbeat(bystander, "1.0.0", "still")


@pytest.mark.parametrize("vsn", ["1.0.0", "2.0.0"])
@FUZZ_NETWORK
@given(frame=frames)
@example(frame=DEEP_ARRAY)
@example(frame=DEEP_OBJECT)
@example(frame=OVERSIZED)
@example(frame=NESTED_PAYLOAD)
@example(frame=b"\x03\xff\xff")
@example(frame="\udcff")
def test_hostile_frames_leave_the_server_serving(
    devstack: DevstackProcess, vsn: str, frame: str | bytes
) -> None:
    if isinstance(frame, str):
        try:
            frame.encode()
        except UnicodeEncodeError:  # lone surrogates cannot be put on the wire as text
            frame = frame.encode("utf-8", "surrogatepass")
    asyncio.run(_attack(devstack, vsn, frame))
