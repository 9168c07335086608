"""Phoenix channel frames and their serializers (wire protocol 2.1, 2.2).

A :class:`Frame` is what both protocol versions carry; a :class:`Serializer`
turns it into websocket data and back. vsn 1.0.0 (JSON objects, what
realtime-py speaks) is implemented; vsn 2.0.0 (JSON arrays
``[join_ref, ref, topic, event, payload]`` plus binary broadcast frames, issue 8)
plugs in as another :class:`Serializer` chosen by :func:`serializer_for`.

Server pushes carry ``"ref": null`` (the key present): realtime-py validates
every frame against a closed pydantic union and drops anything else.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Protocol

#: realtime-py (websockets 15 defaults) closes the socket on frames over 1 MiB.
MAX_FRAME_BYTES = 1_048_576


class ProtocolError(ValueError):
    """A client frame that cannot be decoded; the message becomes the close reason."""


@dataclass(frozen=True, slots=True)
class Frame:
    topic: str
    event: str
    payload: dict[str, Any] = field(default_factory=dict)
    ref: str | None = None
    join_ref: str | None = None


class Serializer(Protocol):
    vsn: str

    def encode(self, frame: Frame) -> str | bytes: ...

    def decode(self, data: str | bytes) -> Frame: ...


def _text_field(value: Any, name: str, *, optional: bool) -> str | None:
    if value is None and optional:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and optional:
        return str(value)  # refs are strings, but a numeric ref is harmless
    raise ProtocolError(f"`{name}` must be a string")


class JsonV1Serializer:
    """Phoenix V1 JSON: ``{"topic","event","payload","ref"}`` (``join_ref`` only inbound)."""

    vsn = "1.0.0"

    def encode(self, frame: Frame) -> str:
        return json.dumps(
            {
                "topic": frame.topic,
                "event": frame.event,
                "payload": frame.payload,
                "ref": frame.ref,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )

    def decode(self, data: str | bytes) -> Frame:
        if isinstance(data, bytes):
            raise ProtocolError("binary frames are not supported with vsn 1.0.0")
        try:
            message = json.loads(data)
        except ValueError as err:
            raise ProtocolError(f"malformed JSON: {err}") from err
        if not isinstance(message, dict):
            raise ProtocolError("a frame must be a JSON object")
        missing = [key for key in ("topic", "event", "payload", "ref") if key not in message]
        if missing:
            raise ProtocolError(f"missing keys: {', '.join(missing)}")
        payload = message["payload"]
        if not isinstance(payload, dict):
            raise ProtocolError("`payload` must be an object")
        return Frame(
            topic=_text_field(message["topic"], "topic", optional=False) or "",
            event=_text_field(message["event"], "event", optional=False) or "",
            payload=payload,
            ref=_text_field(message["ref"], "ref", optional=True),
            join_ref=_text_field(message.get("join_ref"), "join_ref", optional=True),
        )


SERIALIZERS: dict[str, Serializer] = {"1.0.0": JsonV1Serializer()}


def serializer_for(vsn: str | None) -> Serializer | None:
    """The serializer for the ``vsn`` query parameter (missing means 1.0.0), or None."""
    return SERIALIZERS.get(vsn or "1.0.0")


def reply(request: Frame, status: str, response: dict[str, Any] | None = None) -> Frame:
    return Frame(
        request.topic,
        "phx_reply",
        {"status": status, "response": response or {}},
        ref=request.ref,
        join_ref=request.join_ref,
    )


def push(topic: str, event: str, payload: dict[str, Any]) -> Frame:
    """A server push: ``ref`` null, as realtime-py requires."""
    return Frame(topic, event, payload)


def system(topic: str, extension: str, status: str, message: str) -> Frame:
    channel = topic.removeprefix("realtime:")
    return push(
        topic,
        "system",
        {"channel": channel, "extension": extension, "message": message, "status": status},
    )
