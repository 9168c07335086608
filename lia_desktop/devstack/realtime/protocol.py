"""Phoenix channel frames and their serializers (wire protocol 2.1, 2.2; issue 8).

A :class:`Frame` is what both protocol versions carry; a :class:`Serializer`
turns it into websocket data and back, chosen per socket by :func:`serializer_for`
from the ``vsn`` query parameter, as Phoenix negotiates it (``~> 1.0.0`` and
``~> 2.0.0``):

* vsn 1.0.0 (JSON objects, what realtime-py speaks). Server pushes carry
  ``"ref": null`` (the key present): realtime-py validates every frame against a
  closed pydantic union and drops anything else.
* vsn 2.0.0 (what supabase-js speaks by default): text frames are JSON arrays
  ``[join_ref, ref, topic, event, payload]`` both ways; a broadcast may also
  travel as a binary frame, ``userBroadcastPush`` (kind 3) from the client and
  ``userBroadcast`` (kind 4) to it, as Supabase's ``V2Serializer`` lays them out.

A broadcast that arrived binary keeps its user payload as sent
(:class:`UserBroadcast`) and is re-encoded per receiving socket, as Supabase's
``MessageDispatcher`` does: kind 4 for 2.0.0 sockets; a JSON object for 1.0.0
sockets when the payload is JSON, nothing when it is opaque bytes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Protocol

#: realtime-py (websockets 15 defaults) closes the socket on frames over 1 MiB (bytes, encoded).
MAX_FRAME_BYTES = 1_048_576

USER_BROADCAST_PUSH = 3
USER_BROADCAST = 4
BINARY_ENCODING, JSON_ENCODING = 0, 1
#: kind, then the lengths of join_ref, ref, topic, user event and metadata, then the encoding
PUSH_HEADER_BYTES = 7


class ProtocolError(ValueError):
    """A client frame that cannot be decoded; the message becomes the close reason."""


@dataclass(frozen=True, slots=True)
class UserBroadcast:
    """A broadcast's user event and payload bytes exactly as a binary push carried them.

    The push's metadata is checked but not kept: Supabase does not forward it either.
    """

    event: str
    data: bytes
    json_encoded: bool  # payload encoding 1 (JSON text); 0 is opaque bytes


@dataclass(frozen=True, slots=True)
class Frame:
    topic: str
    event: str
    payload: dict[str, Any] = field(default_factory=dict)
    ref: str | None = None
    join_ref: str | None = None
    #: set on broadcasts that arrived as (and go out to 2.0.0 sockets as) binary frames
    user_broadcast: UserBroadcast | None = None


class Serializer(Protocol):
    vsn: str

    def encode(self, frame: Frame) -> str | bytes | None:
        """The websocket data, or None when this version cannot carry the frame."""
        ...

    def decode(self, data: str | bytes) -> Frame: ...


def _text_field(value: Any, name: str, *, optional: bool) -> str | None:
    if value is None and optional:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and optional:
        return str(value)  # refs are strings, but a numeric ref is harmless
    raise ProtocolError(f"`{name}` must be a string")


def _frame(topic: Any, event: Any, payload: Any, ref: Any, join_ref: Any) -> Frame:
    """A decoded text frame, its fields type-checked."""
    if not isinstance(payload, dict):
        raise ProtocolError("`payload` must be an object")
    return Frame(
        topic=_text_field(topic, "topic", optional=False) or "",
        event=_text_field(event, "event", optional=False) or "",
        payload=payload,
        ref=_text_field(ref, "ref", optional=True),
        join_ref=_text_field(join_ref, "join_ref", optional=True),
    )


_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")
_ESCAPED_SURROGATE_BYTES = re.compile(rb"\\u[dD][89a-fA-F]")


def _json(data: str | bytes) -> Any:
    try:
        value = json.loads(data)
    except ValueError as err:  # UnicodeDecodeError included
        raise ProtocolError(f"malformed JSON: {err}") from err
    except RecursionError:  # "[[[[..." deeper than the parser's stack: found by tests/fuzz
        raise ProtocolError("malformed JSON: nested too deeply") from None
    # An escaped lone surrogate ("\\ud800") parses, but no UTF-8 frame can carry it on:
    # refused here, as Phoenix's JSON decoder refuses it, so it never reaches a subscriber.
    escaped = (
        _ESCAPED_SURROGATE_BYTES.search(data)
        if isinstance(data, bytes)
        else _ESCAPED_SURROGATE.search(data)
    )
    if escaped:
        try:
            _dumps(value).encode()
        except UnicodeEncodeError:
            raise ProtocolError("malformed JSON: a string holds a lone UTF-16 surrogate") from None
    return value


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class JsonV1Serializer:
    """Phoenix V1 JSON: ``{"topic","event","payload","ref"}`` (``join_ref`` only inbound)."""

    vsn = "1.0.0"

    def encode(self, frame: Frame) -> str | None:
        if frame.user_broadcast is not None and not frame.user_broadcast.json_encoded:
            return None  # Supabase: "User payload encoding is not JSON", not delivered
        message = {"topic": frame.topic, "event": frame.event, "payload": frame.payload}
        return _dumps({**message, "ref": frame.ref})

    def decode(self, data: str | bytes) -> Frame:
        if isinstance(data, bytes):
            raise ProtocolError("binary frames are not supported with vsn 1.0.0")
        message = _json(data)
        if not isinstance(message, dict):
            raise ProtocolError("a frame must be a JSON object")
        missing = [key for key in ("topic", "event", "payload", "ref") if key not in message]
        if missing:
            raise ProtocolError(f"missing keys: {', '.join(missing)}")
        return _frame(
            message["topic"],
            message["event"],
            message["payload"],
            message["ref"],
            message.get("join_ref"),
        )


class JsonV2Serializer:
    """Phoenix V2 arrays plus Supabase's binary broadcast frames (kinds 3 in, 4 out).

    Like Supabase's decoder, a text array longer than five elements is accepted
    and its extra elements ignored; shorter ones, wrong field types and binary
    frames that do not parse close the socket with the reason.
    """

    vsn = "2.0.0"

    def encode(self, frame: Frame) -> str | bytes:
        if frame.user_broadcast is not None:
            return _user_broadcast(frame.topic, frame.user_broadcast)
        return _dumps([frame.join_ref, frame.ref, frame.topic, frame.event, frame.payload])

    def decode(self, data: str | bytes) -> Frame:
        if isinstance(data, bytes):
            return _user_broadcast_push(data)
        message = _json(data)
        if not isinstance(message, list) or len(message) < 5:
            raise ProtocolError(
                "a frame must be a JSON array [join_ref, ref, topic, event, payload]"
            )
        join_ref, ref, topic, event, payload = message[:5]
        return _frame(topic, event, payload, ref, join_ref)


def _user_broadcast(topic: str, broadcast: UserBroadcast) -> bytes:
    """Kind 4: kind, topic/event/metadata lengths, encoding, the three fields, payload bytes."""
    topic_bytes, event_bytes = topic.encode(), broadcast.event.encode()
    encoding = JSON_ENCODING if broadcast.json_encoded else BINARY_ENCODING
    header = bytes([USER_BROADCAST, len(topic_bytes), len(event_bytes), 0, encoding])
    return header + topic_bytes + event_bytes + broadcast.data


def _user_broadcast_push(data: bytes) -> Frame:
    """Kind 3 as a ``broadcast`` frame whose payload is what a 1.0.0 client would have sent."""
    if not data:
        raise ProtocolError("empty binary frame")
    if data[0] != USER_BROADCAST_PUSH:
        raise ProtocolError(f"unsupported binary frame kind {data[0]}")
    if len(data) < PUSH_HEADER_BYTES:
        raise ProtocolError("truncated binary frame header")
    *sizes, encoding = data[1:PUSH_HEADER_BYTES]
    if encoding not in (BINARY_ENCODING, JSON_ENCODING):
        raise ProtocolError(f"unknown binary payload encoding {encoding}")
    fields: list[str] = []
    offset = PUSH_HEADER_BYTES
    for size in sizes:
        if offset + size > len(data):
            raise ProtocolError("binary frame header lengths run past the end of the frame")
        try:
            fields.append(data[offset : offset + size].decode())
        except UnicodeDecodeError as err:
            raise ProtocolError(f"binary frame field is not UTF-8: {err}") from err
        offset += size
    join_ref, ref, topic, event, metadata = fields
    if metadata and not isinstance(_json(metadata), dict):
        raise ProtocolError("binary frame metadata must be a JSON object")
    user_payload = data[offset:]
    payload: dict[str, Any] = {"type": "broadcast", "event": event}
    if encoding == JSON_ENCODING:
        payload["payload"] = _json(user_payload)
    return Frame(
        topic,
        "broadcast",
        payload,
        ref=ref or None,
        join_ref=join_ref or None,
        user_broadcast=UserBroadcast(event, user_payload, encoding == JSON_ENCODING),
    )


SERIALIZERS: dict[str, Serializer] = {"1.0": JsonV1Serializer(), "2.0": JsonV2Serializer()}
_SEMVER = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(\+[0-9A-Za-z.-]+)?")


def serializer_for(vsn: str | None) -> Serializer | None:
    """The serializer Phoenix would pick for ``vsn`` (missing means 1.0.0), or None.

    Supabase lists ``{V1, "~> 1.0.0"}`` and ``{V2, "~> 2.0.0"}``: any 1.0.x or
    2.0.x release version matches; anything else (including pre-releases and
    strings that are not versions, the empty one too) matches nothing.
    """
    match = _SEMVER.fullmatch("1.0.0" if vsn is None else vsn)
    return None if match is None else SERIALIZERS.get(f"{match[1]}.{match[2]}")


def reply(request: Frame, status: str, response: dict[str, Any] | None = None) -> Frame:
    """A ``phx_reply`` carrying the request's ``ref`` and ``join_ref`` (2.0.0 sends both)."""
    return Frame(
        request.topic,
        "phx_reply",
        {"status": status, "response": response or {}},
        ref=request.ref,
        join_ref=request.join_ref,
    )


def push(
    topic: str,
    event: str,
    payload: dict[str, Any],
    *,
    join_ref: str | None = None,
    user_broadcast: UserBroadcast | None = None,
) -> Frame:
    """A server push: ``ref`` null; ``join_ref`` set for a channel's own pushes, as Phoenix does.

    realtime-js drops a frame whose ``join_ref`` is not its channel's current one,
    so fan-out (postgres_changes, broadcast, presence_diff) leaves it null.
    """
    return Frame(topic, event, payload, join_ref=join_ref, user_broadcast=user_broadcast)


def system(
    topic: str, extension: str, status: str, message: str, *, join_ref: str | None = None
) -> Frame:
    channel = topic.removeprefix("realtime:")
    return push(
        topic,
        "system",
        {"channel": channel, "extension": extension, "message": message, "status": status},
        join_ref=join_ref,
    )
