"""Pure parts of the issue 13 lockdown: SCRAM, JSON bodies, the outbox, the socket writer.

The behaviour against the running devstack is in tests/stress/test_devstack_lockdown.py.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
from typing import Any, cast

import pytest
from aiohttp import WSCloseCode, web

from lia_desktop.devstack import scram
from lia_desktop.devstack.realtime.channels import Channel
from lia_desktop.devstack.realtime.presence import PresenceHub
from lia_desktop.devstack.realtime.protocol import (
    MAX_FRAME_BYTES,
    Frame,
    JsonV1Serializer,
    ProtocolError,
    push,
)
from lia_desktop.devstack.realtime.service import Outbox, RealtimeService, Socket
from lia_desktop.devstack.web import BodyNotJson, parse_json

# --------------------------------------------------------------------- SCRAM


def test_scram_client_matches_the_rfc_7677_example() -> None:
    client = scram.ScramClient("pencil", nonce="rOprNGfwEbeRWgbNEkqO", username="user")
    assert client.first() == b"n,,n=user,r=rOprNGfwEbeRWgbNEkqO"
    server_first = (
        b"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"
    )
    assert client.final(server_first) == (
        b"c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
        b"p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
    )
    # The RFC prints a wrong server signature (reported as an erratum); this is the right one,
    # and PostgreSQL's own is checked on every replication connection of the devstack.
    client.verify(b"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")
    with pytest.raises(scram.ScramError):
        client.verify(b"v=" + base64.b64encode(b"\0" * 32))
    with pytest.raises(scram.ScramError, match="refused"):
        client.verify(b"e=invalid-proof")


def test_scram_client_refuses_a_nonce_it_did_not_start() -> None:
    client = scram.ScramClient("pencil", nonce="abc")
    with pytest.raises(scram.ScramError, match="nonce"):
        client.final(b"r=xyz123,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")
    with pytest.raises(scram.ScramError, match="malformed"):
        client.final(b"r=abc123,i=4096")


def test_scram_verifier_is_what_the_exchange_proves() -> None:
    """The stored keys check a client proof exactly as the server does (RFC 5802 section 3)."""
    salt = b"0123456789abcdef"
    stored = scram.verifier("s3cret", salt=salt, iterations=4096)
    mechanism, rest = stored.split("$", 1)
    params, keys = rest.split("$")
    assert mechanism == "SCRAM-SHA-256"
    assert params == f"4096:{base64.b64encode(salt).decode()}"
    stored_key, server_key = (base64.b64decode(k) for k in keys.split(":"))

    client = scram.ScramClient("s3cret", nonce="n0nce")
    server_first = f"r=n0nce+srv,s={base64.b64encode(salt).decode()},i=4096"
    final = client.final(server_first.encode()).decode()
    without_proof, _, proof = final.rpartition(",p=")
    auth = f"n=,r=n0nce,{server_first},{without_proof}".encode()
    signature = hmac.new(stored_key, auth, hashlib.sha256).digest()
    client_key = bytes(a ^ b for a, b in zip(base64.b64decode(proof), signature, strict=True))
    assert hashlib.sha256(client_key).digest() == stored_key
    client.verify(b"v=" + base64.b64encode(hmac.new(server_key, auth, hashlib.sha256).digest()))


# --------------------------------------------------------------------- JSON bodies


@pytest.mark.parametrize(
    "raw",
    [
        b"[" * 50_000 + b"]" * 50_000,
        b"\xff{}",
        b'{"a": ',
        b'{"a": NaN}',
        b"[Infinity]",
        b'{"a": "\\ud800"}',
        b'{"a": "\\udc00x"}',
        b"9" * 5000,
    ],
)
def test_bodies_that_are_not_json_raise_only_body_not_json(raw: bytes) -> None:
    with pytest.raises(BodyNotJson):
        parse_json(raw)


def test_json_bodies_with_surrogate_pairs_and_escaped_backslashes_parse() -> None:
    assert parse_json(b'{"emoji": "\\ud83d\\ude00", "text": "\\\\ud800"}') == {
        "emoji": "\U0001f600",
        "text": "\\ud800",
    }


@pytest.mark.parametrize(
    "data",
    [
        '{"topic":"t","event":"e","payload":{"x":"\\ud800"},"ref":null}',
        b'{"topic":"t","event":"e","payload":{"x":"\\udfff"},"ref":null}',
    ],
)
def test_frames_with_a_lone_surrogate_are_protocol_errors(data: str | bytes) -> None:
    with pytest.raises(ProtocolError, match="surrogate"):
        JsonV1Serializer().decode(data.decode() if isinstance(data, bytes) else data)


# --------------------------------------------------------------------- outbox


async def test_the_outbox_refuses_what_does_not_fit_and_ends_when_closed() -> None:
    outbox = Outbox(max_bytes=10, max_frames=3)
    assert outbox.put("abcd", 4)
    assert outbox.put(b"efgh", 4)
    assert not outbox.put("ijk", 3)  # 11 bytes
    assert outbox.put("ij", 2)
    assert not outbox.put("", 0)  # a fourth frame
    assert (len(outbox), outbox.bytes) == (3, 10)
    assert await outbox.get() == "abcd"
    assert outbox.bytes == 6
    outbox.close()
    assert await outbox.get() is None
    assert outbox.put("more", 4)  # discarded quietly once closed
    assert (len(outbox), outbox.bytes) == (0, 0)


# --------------------------------------------------------------------- the socket writer


class RecordingWebSocket:
    """Stands in for aiohttp's WebSocketResponse: records frames, can fail on one."""

    def __init__(self, fail_on: str | None = None) -> None:
        self.sent: list[str | bytes] = []
        self.closed: tuple[int, bytes] | None = None
        self.fail_on = fail_on

    async def send_str(self, data: str) -> None:
        if self.fail_on is not None and self.fail_on in data:
            raise ValueError("cannot send this one")
        self.sent.append(data)

    async def send_bytes(self, data: bytes) -> None:
        self.sent.append(data)

    async def close(self, *, code: int, message: bytes) -> bool:
        self.closed = (code, message)
        return True


def _socket(ws: RecordingWebSocket) -> Socket:
    service = cast(RealtimeService, object())
    return Socket(
        service, cast(web.WebSocketResponse, ws), JsonV1Serializer(), "token", {"role": "anon"}
    )


def _events(ws: RecordingWebSocket) -> list[Any]:
    return [json.loads(data)["payload"].get("n") for data in ws.sent]


async def test_unencodable_and_oversized_frames_are_dropped_and_the_writer_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    ws = RecordingWebSocket()
    socket = _socket(ws)
    writer = asyncio.create_task(socket._write())
    socket.send(push("realtime:t", "broadcast", {"n": 1}))
    socket.send(push("realtime:t", "broadcast", {"n": 2, "text": "\ud800"}))
    socket.send(push("realtime:t", "broadcast", {"n": 3, "text": "é" * (MAX_FRAME_BYTES // 2)}))
    socket.send(push("realtime:t", "broadcast", {"n": 4, "text": "é" * 1000}))
    await asyncio.sleep(0.01)
    assert _events(ws) == [1, 4]
    assert "not valid Unicode" in caplog.text
    assert "-byte broadcast frame" in caplog.text
    socket._outbox.close()
    await writer


async def test_a_writer_that_fails_closes_its_socket_instead_of_dying_silently(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The failure is logged as an error, on purpose here: kept off the root logger.
    logger = logging.getLogger("lia_desktop.devstack.realtime.service")
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    monkeypatch.setattr(logger, "propagate", False)
    monkeypatch.setattr(logger, "handlers", [handler])
    ws = RecordingWebSocket(fail_on="poison")
    socket = _socket(ws)
    writer = asyncio.create_task(socket._write())
    socket.send(push("realtime:t", "broadcast", {"n": 1}))
    socket.send(push("realtime:t", "broadcast", {"n": 2, "text": "poison"}))
    await asyncio.wait_for(writer, 1)
    assert _events(ws) == [1]
    assert ws.closed == (WSCloseCode.INTERNAL_ERROR, b"Internal error")
    assert [r.getMessage() for r in records] == ["realtime writer failed; closing the socket"]


async def test_a_socket_over_its_outbox_is_closed_as_a_slow_consumer() -> None:
    ws = RecordingWebSocket()
    socket = _socket(ws)  # no writer: nothing drains, as with a client that never reads
    frame = push("realtime:t", "broadcast", {"blob": "x" * 100_000})
    while socket._closer is None:
        socket.send(frame)
    await socket._closer
    assert ws.closed == (WSCloseCode.POLICY_VIOLATION, b"Slow consumer: too much unsent data")
    assert socket._outbox.bytes == 0
    socket.send(frame)  # ignored from then on
    assert len(socket._outbox) == 0


# --------------------------------------------------------------------- namespaces


def _channel(topic: str, *, private: bool, sent: list[Frame]) -> Channel:
    return Channel(
        topic=topic,
        join_ref="1",
        claims={},
        token="t",
        bindings=(),
        private=private,
        presence_enabled=True,
        presence_key="k",
        broadcast_self=False,
        broadcast_ack=False,
        send=sent.append,
    )


def test_presence_is_kept_per_topic_and_private_flag() -> None:
    hub = PresenceHub()
    sent: list[Frame] = []
    private = _channel("realtime:online_users", private=True, sent=sent)
    public = _channel("realtime:online_users", private=False, sent=sent)
    hub.track(private, {"user_id": "admin"})
    hub.track(public, {"user_id": "intruder"})
    assert [m["user_id"] for m in hub.state(private.key)["k"]["metas"]] == ["admin"]
    assert [m["user_id"] for m in hub.state(public.key)["k"]["metas"]] == ["intruder"]
    hub.untrack(public)
    assert hub.state(public.key) == {}
    assert [m["user_id"] for m in hub.state(private.key)["k"]["metas"]] == ["admin"]
