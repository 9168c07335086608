"""One D-Bus method call for the desktop tests (tray host, notification daemon, AT-SPI)."""

from __future__ import annotations

from typing import Any

from dbus_fast import Message, MessageType
from dbus_fast.aio import MessageBus


async def call(
    bus: MessageBus,
    destination: str,
    path: str,
    interface: str,
    member: str,
    signature: str = "",
    *body: Any,
) -> list[Any]:
    """The reply's body; an error reply fails the test with the D-Bus error it names."""
    reply = await bus.call(
        Message(
            destination=destination,
            path=path,
            interface=interface,
            member=member,
            signature=signature,
            body=list(body),
        )
    )
    assert reply is not None
    if reply.message_type is MessageType.ERROR:
        raise RuntimeError(
            f"{interface}.{member} on {destination}{path}: {reply.error_name} {reply.body}"
        )
    return list(reply.body)
