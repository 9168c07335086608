"""The Realtime endpoint's frame serializers: vsn 1.0.0 objects, vsn 2.0.0 arrays and binary broadcasts.

Binary fixtures are written out byte by byte from the layout of Supabase's
``V2Serializer`` (and realtime-js 2.109.0's ``serializer.js``), not produced by
the code under test.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from realtime.message import ServerMessageAdapter

from lia_desktop.devstack.realtime.protocol import (
    Frame,
    JsonV1Serializer,
    JsonV2Serializer,
    ProtocolError,
    UserBroadcast,
    push,
    reply,
    serializer_for,
    system,
)
from tests.fuzz.budget import FUZZ

V1, V2 = JsonV1Serializer(), JsonV2Serializer()

#: kind 3, sizes of join_ref "1", ref "2", topic, event "cursor", no metadata, JSON encoding
CURSOR_PUSH = b'\x03\x01\x01\x0d\x06\x00\x0112realtime:roomcursor{"x":42}'
#: kind 4, sizes of topic, event, no metadata, JSON encoding
CURSOR_BROADCAST = b'\x04\x0d\x06\x00\x01realtime:roomcursor{"x":42}'


def test_v2_text_frames_decode_and_replies_carry_both_refs() -> None:
    join = V2.decode('["1","1","realtime:db","phx_join",{"config":{"private":false}}]')
    assert join == Frame("realtime:db", "phx_join", {"config": {"private": False}}, "1", "1")
    heartbeat = V2.decode('[null,"7","phoenix","heartbeat",{}]')
    assert (heartbeat.join_ref, heartbeat.ref) == (None, "7")

    assert json.loads(V2.encode(reply(join, "ok", {"postgres_changes": []}))) == [
        "1",
        "1",
        "realtime:db",
        "phx_reply",
        {"status": "ok", "response": {"postgres_changes": []}},
    ]
    assert json.loads(V2.encode(reply(heartbeat, "ok"))) == [
        None,
        "7",
        "phoenix",
        "phx_reply",
        {"status": "ok", "response": {}},
    ]


def test_v2_pushes_carry_the_channel_join_ref_only_when_given() -> None:
    ok = system("realtime:db", "postgres_changes", "ok", "Subscribed to PostgreSQL", join_ref="4")
    assert json.loads(V2.encode(ok)) == [
        "4",
        None,
        "realtime:db",
        "system",
        {
            "channel": "db",
            "extension": "postgres_changes",
            "message": "Subscribed to PostgreSQL",
            "status": "ok",
        },
    ]
    change = push("realtime:db", "postgres_changes", {"ids": [1], "data": {}})
    assert json.loads(V2.encode(change))[:2] == [None, None]
    # vsn 1.0.0 never sends join_ref, whatever the frame holds
    assert "join_ref" not in json.loads(V1.encode(ok) or "")


def test_v2_accepts_longer_arrays_like_supabase_and_numeric_refs() -> None:
    frame = V2.decode('["1",2,"realtime:x","phx_leave",{},"extra"]')
    assert frame == Frame("realtime:x", "phx_leave", {}, ref="2", join_ref="1")


def test_both_versions_decode_the_same_message_to_the_same_frame() -> None:
    as_object = V1.decode(
        '{"join_ref":"3","ref":"5","topic":"realtime:p","event":"presence",'
        '"payload":{"type":"presence","event":"track","payload":{"s":"online"}}}'
    )
    as_array = V2.decode(
        '["3","5","realtime:p","presence",'
        '{"type":"presence","event":"track","payload":{"s":"online"}}]'
    )
    assert as_object == as_array


json_scalars = st.none() | st.booleans() | st.integers() | st.text()
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)
refs = st.none() | st.text(max_size=12)


@FUZZ
@given(
    topic=st.text(),
    event=st.text(),
    payload=st.dictionaries(st.text(), json_values, max_size=5),
    ref=refs,
    join_ref=refs,
)
def test_v2_text_frames_round_trip(
    topic: str, event: str, payload: dict[str, Any], ref: str | None, join_ref: str | None
) -> None:
    frame = Frame(topic, event, payload, ref, join_ref)
    encoded = V2.encode(frame)
    assert isinstance(encoded, str)
    assert V2.decode(encoded) == frame


def test_a_binary_user_broadcast_push_decodes_to_a_broadcast_frame() -> None:
    frame = V2.decode(CURSOR_PUSH)
    assert (frame.topic, frame.event, frame.join_ref, frame.ref) == (
        "realtime:room",
        "broadcast",
        "1",
        "2",
    )
    assert frame.payload == {"type": "broadcast", "event": "cursor", "payload": {"x": 42}}
    assert frame.user_broadcast == UserBroadcast("cursor", b'{"x":42}', json_encoded=True)


def test_binary_push_sizes_are_bytes_and_metadata_and_opaque_payloads_parse() -> None:
    topic, event, meta = "realtime:sala-ñ".encode(), b"clic", b'{"id":"m1"}'
    data = (
        bytes([3, 0, 0, len(topic), len(event), len(meta), 0])
        + topic
        + event
        + meta
        + b"\x00\xff\x10"
    )
    frame = V2.decode(data)
    assert (frame.topic, frame.ref, frame.join_ref) == ("realtime:sala-ñ", None, None)
    assert frame.payload == {"type": "broadcast", "event": "clic"}
    assert frame.user_broadcast == UserBroadcast("clic", b"\x00\xff\x10", json_encoded=False)


def test_user_broadcasts_are_encoded_for_each_receiving_version() -> None:
    received = V2.decode(CURSOR_PUSH)
    fan_out = push(
        received.topic, "broadcast", received.payload, user_broadcast=received.user_broadcast
    )
    assert V2.encode(fan_out) == CURSOR_BROADCAST
    legacy = json.loads(V1.encode(fan_out) or "")
    ServerMessageAdapter.validate_python(legacy)
    assert legacy == {
        "topic": "realtime:room",
        "event": "broadcast",
        "payload": {"type": "broadcast", "event": "cursor", "payload": {"x": 42}},
        "ref": None,
    }
    opaque = UserBroadcast("clic", b"\x00\xff", json_encoded=False)
    opaque_push = push(
        "realtime:room", "broadcast", {"type": "broadcast", "event": "clic"}, user_broadcast=opaque
    )
    assert V2.encode(opaque_push) == b"\x04\x0d\x04\x00\x00realtime:roomclic\x00\xff"
    assert V1.encode(opaque_push) is None  # as Supabase: JSON clients never get opaque bytes
    # a broadcast that came in as text goes out as text to every version
    text = V2.decode('["1","3","realtime:room","broadcast",{"type":"broadcast","event":"e"}]')
    assert json.loads(V2.encode(push(text.topic, "broadcast", text.payload)))[3] == "broadcast"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ("[1,", "malformed JSON"),
        ('{"topic":"t","event":"e","payload":{},"ref":null}', "JSON array"),
        ('["1","2","realtime:x","phx_join"]', "JSON array"),
        ("[]", "JSON array"),
        ('[null,null,7,"heartbeat",{}]', "`topic`"),
        ('[null,null,"phoenix",null,{}]', "`event`"),
        ('[null,null,"phoenix","heartbeat",[]]', "`payload`"),
        ('[null,{"r":1},"phoenix","heartbeat",{}]', "`ref`"),
        ('[true,"1","phoenix","heartbeat",{}]', "`join_ref`"),
        (b"", "empty binary frame"),
        (b"\x00\x01\x01\x01\x01x1ye", "unsupported binary frame kind 0"),
        (CURSOR_BROADCAST, "unsupported binary frame kind 4"),
        (b"\x03\x01\x01\x05", "truncated binary frame header"),
        (b"\x03\x00\x00\x05\x01\x00\x02topice{}", "unknown binary payload encoding 2"),
        (b"\x03\x00\x00\x20\x01\x00\x01topic", "past the end"),
        (b"\x03\x00\x00\x05\x01\x09\x01topice{}", "past the end"),
        (b"\x03\x00\x00\x05\x01\x00\x01top\xffce{}", "not UTF-8"),
        (b"\x03\x00\x00\x05\x01\x02\x01topice{x{}", "malformed JSON"),
        (b"\x03\x00\x00\x05\x01\x02\x01topice[]{}", "metadata must be a JSON object"),
        (b"\x03\x00\x00\x05\x01\x00\x01topice{oops", "malformed JSON"),
        (b"\x03\x00\x00\x05\x01\x00\x01topice\xff", "malformed JSON"),
    ],
)
def test_malformed_v2_frames_raise_protocol_errors_with_a_reason(
    data: str | bytes, reason: str
) -> None:
    with pytest.raises(ProtocolError, match=reason):
        V2.decode(data)


@FUZZ
@given(st.binary(max_size=64) | st.binary(max_size=64).map(lambda b: b"\x03" + b))
def test_any_binary_frame_decodes_or_raises_a_protocol_error(data: bytes) -> None:
    try:
        frame = V2.decode(data)
    except ProtocolError:
        return
    assert frame.event == "broadcast"
    assert frame.user_broadcast is not None


@FUZZ
@given(st.text(max_size=64) | json_values.map(json.dumps))
def test_any_text_frame_decodes_or_raises_a_protocol_error(data: str) -> None:
    try:
        frame = V2.decode(data)
    except ProtocolError:
        return
    assert isinstance(frame.payload, dict)


@pytest.mark.parametrize(
    ("vsn", "expected"),
    [
        (None, "1.0.0"),
        ("1.0.0", "1.0.0"),
        ("1.0.7", "1.0.0"),
        ("2.0.0", "2.0.0"),
        ("2.0.1+build.5", "2.0.0"),
        ("2.1.0", None),
        ("3.0.0", None),
        ("2.0.0-rc.1", None),
        ("2.0", None),
        ("02.0.0", None),
        ("", None),
        ("two", None),
    ],
)
def test_vsn_is_negotiated_like_phoenix(vsn: str | None, expected: str | None) -> None:
    serializer = serializer_for(vsn)
    assert (serializer and serializer.vsn) == expected
