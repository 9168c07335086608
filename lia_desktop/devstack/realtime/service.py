"""The devstack's Realtime endpoint: ``GET /realtime/v1/websocket`` (wire protocol 2, 3).

:class:`RealtimeService` owns change capture, delivery and the sockets; each
:class:`Socket` reads frames one at a time (so a channel's frames are handled
in order, as a Phoenix channel process would) and writes through its own
outbox, so one slow client never holds up capture or the other sockets.
A frame that cannot be handled is answered or closes that socket with a
reason; it never reaches the other sockets or the server. Presence and
broadcast are shared per (topic, private flag), never across the two.

What one client can cost the server is bounded (issue 13): the outbox holds at
most :data:`MAX_OUTBOX_BYTES` / :data:`MAX_OUTBOX_FRAMES`, and a socket whose
client does not read fast enough to stay under them is closed, as hosted
Realtime disconnects slow consumers; a frame over :data:`MAX_FRAME_BYTES`
(encoded) or that cannot be encoded is dropped for that subscriber with a log
line, never sent to make the client close with 1009; and the writer survives
any one frame.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections import defaultdict, deque
from typing import Any

import psycopg
from aiohttp import WSCloseCode, WSMsgType, web

from ..web import BodyNotJson, read_json
from . import authorization
from .capture import ChangeCapture
from .channels import Binding, Channel, TopicKey, binding_id
from .claims import TokenError, verify
from .db import Database
from .delivery import Dispatcher, ServerBroadcast, SubscriptionError
from .filters import FilterError
from .presence import Diff, PresenceHub
from .protocol import (
    MAX_FRAME_BYTES,
    Frame,
    ProtocolError,
    Serializer,
    push,
    reply,
    serializer_for,
)
from .values import TypeCatalog

log = logging.getLogger(__name__)

MAX_CHANNELS = 100
#: Unsent data one socket may hold before it is closed as a slow consumer. Generous: the
#: app taking a 10,000-booking burst in one transaction peaked under 13 MB (bench_ui,
#: bench_realtime), so a client that reads at all is not cut off.
MAX_OUTBOX_BYTES = 32 * 1024 * 1024
#: ... and unsent frames (bounds the per-frame overhead of a flood of tiny ones).
MAX_OUTBOX_FRAMES = 100_000
#: A close handshake with a client that does not read cannot finish; it gets this long.
CLOSE_TIMEOUT_S = 2.0
SLOW_CONSUMER = "Slow consumer: too much unsent data"
TOKEN_RECHECK_MAX_S = 300.0
SUBSCRIBED = "Subscribed to PostgreSQL"
UNREACHABLE = "Realtime was unable to connect to the project database"
#: how long a join retries its database work (the database may be restarting its backends)
JOIN_RETRY_S = 10.0
#: How often realtime.messages gets its coming day partitions (hosted's janitor does it too).
PARTITIONS_EVERY_S = 3600.0
#: Phoenix's websocket ``timeout``, which hosted Realtime keeps: a socket that sent nothing
#: this long (no frame, no ping: a laptop that slept with it open, a cut route, no FIN) is
#: closed, and its channels and presence go with it. Clients heartbeat every 25-30 s.
IDLE_TIMEOUT_S = 60.0


class RealtimeService:
    """Start with :meth:`start`; route websocket upgrades to :meth:`handle_websocket`."""

    def __init__(
        self, conninfo: str, jwt_secret: str, *, idle_timeout: float = IDLE_TIMEOUT_S
    ) -> None:
        self.jwt_secret = jwt_secret
        self.idle_timeout = idle_timeout
        catalog = TypeCatalog()
        self.capture = ChangeCapture(conninfo, catalog, on_loss=self._changes_lost)
        self.dispatcher = Dispatcher(conninfo, catalog, on_broadcast=self.send_broadcast)
        self.control = Database(conninfo)
        self.presence = PresenceHub()
        self.topics: dict[TopicKey, set[Channel]] = defaultdict(set)
        self._sockets: set[Socket] = set()
        self._delivery: asyncio.Task[None] | None = None
        self._janitor: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.capture.start()
        self._delivery = asyncio.create_task(
            self.dispatcher.run(self.capture.transactions, self.capture.delivered),
            name="realtime-delivery",
        )
        self._janitor = asyncio.create_task(self._keep_partitions(), name="realtime-janitor")

    async def _keep_partitions(self) -> None:
        """realtime.messages is partitioned by day: a devstack that runs for days needs new ones."""
        while True:
            await asyncio.sleep(PARTITIONS_EVERY_S)
            try:
                async with self.control.transaction() as conn:
                    await conn.execute("select lia_devstack.maintain_message_partitions()")
            except psycopg.Error as err:
                log.warning("could not maintain the realtime.messages partitions: %s", err)

    def _changes_lost(self, message: str) -> None:
        """Capture could not recover some changes: every postgres_changes subscriber is told."""
        for channel in self.dispatcher.channels():
            channel.system("postgres_changes", "error", message)

    async def stop(self) -> None:
        """Close every socket with a reason, stop capture (dropping the slot), close connections."""
        await asyncio.gather(
            *(socket.close("Server shutting down") for socket in list(self._sockets))
        )
        for task in (self._delivery, self._janitor):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._delivery = self._janitor = None
        await self.capture.stop()
        await self.dispatcher.close()
        await self.control.close()

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get("/realtime/v1/websocket", self.handle_websocket)
        app.router.add_post("/realtime/v1/api/broadcast", self.handle_broadcast_api)
        app.router.add_post(
            "/realtime/v1/api/broadcast/{topic}/events/{event}", self.handle_broadcast_event_api
        )

    async def handle_broadcast_api(self, request: web.Request) -> web.StreamResponse:
        """``POST /realtime/v1/api/broadcast``: ``{"messages": [{"topic", "event", "payload",
        "private"}]}`` (supabase-js ``send`` on an unjoined channel)."""
        try:
            messages = _api_messages(await read_json(request))
        except (BodyNotJson, ValueError) as err:
            return web.json_response({"error": str(err)}, status=422)
        return await self._accept_api_broadcast(request, messages)

    async def handle_broadcast_event_api(self, request: web.Request) -> web.StreamResponse:
        """``POST /realtime/v1/api/broadcast/{topic}/events/{event}[?private=true]`` with the
        payload as the body (``httpSend`` / realtime-py ``http_send``; JSON only here)."""
        if request.content_type != "application/json":
            return web.json_response({"error": "the devstack takes JSON payloads only"}, status=415)
        try:
            payload = await read_json(request)
        except BodyNotJson as err:
            return web.json_response({"error": str(err)}, status=422)
        message = ServerBroadcast(
            request.match_info["topic"].removeprefix("realtime:"),
            request.query.get("private") == "true",
            request.match_info["event"],
            payload,
            None,
        )
        return await self._accept_api_broadcast(request, [message])

    async def _accept_api_broadcast(
        self, request: web.Request, messages: list[ServerBroadcast]
    ) -> web.StreamResponse:
        """202 once handed to the subscribers. The API key must be the project's; the caller
        is the bearer token's (else the key's) role, and a private message needs the INSERT
        policy on realtime.messages that a private channel's broadcast needs (the service
        role bypasses RLS)."""
        key = request.headers.get("apikey") or request.query.get("apikey")
        if not key:
            return web.json_response({"error": "API key is missing"}, status=401)
        scheme, _, bearer = request.headers.get("Authorization", "").partition(" ")
        token = bearer.strip() if scheme.lower() == "bearer" and bearer.strip() else key
        try:
            verify(key, self.jwt_secret)
            claims = verify(token, self.jwt_secret)
        except TokenError as err:
            return web.json_response({"error": err.message}, status=401)
        for message in messages:
            if message.private and not await authorization.can_write(
                self.control, message.topic, claims, "broadcast"
            ):
                return web.json_response(
                    {"error": "Unauthorized: You do not have permissions to write to this"
                     f" Channel topic: {message.topic}"},
                    status=401,
                )  # fmt: skip
        for message in messages:
            self.send_broadcast(message)
        return web.Response(status=202)

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
        serializer = serializer_for(request.query.get("vsn"))
        if serializer is None:
            # Phoenix refuses a vsn no serializer matches before the socket's connect/3 runs
            # (so before the key is looked at): 403 with an empty body.
            return web.Response(status=403)
        token = request.headers.get("x-api-key") or request.query.get("apikey")
        if not token:
            return web.json_response({"error": "API key is missing"}, status=401)
        try:
            claims = verify(token, self.jwt_secret)
        except TokenError as err:
            return web.json_response({"error": err.message}, status=401)
        ws = web.WebSocketResponse(
            max_msg_size=MAX_FRAME_BYTES, autoping=True, receive_timeout=self.idle_timeout
        )
        await ws.prepare(request)
        socket = Socket(self, ws, serializer, token, claims, transport=request.transport)
        self._sockets.add(socket)
        try:
            await socket.run()
        finally:
            self._sockets.discard(socket)
        return ws

    def send_broadcast(self, message: ServerBroadcast) -> None:
        """To the topic's subscribers of the same private flag that may read broadcasts (a
        private channel's were let in by RLS on realtime.messages)."""
        topic = "realtime:" + message.topic
        payload: dict[str, Any] = {
            "type": "broadcast",
            "event": message.event,
            "payload": message.payload,
        }
        if message.id is not None:  # a realtime.messages row's (clients expect a string)
            payload["meta"] = {"id": message.id}
        frame = push(topic, "broadcast", payload)
        for member in self.topics.get((topic, message.private), ()):
            if member.reads("broadcast"):
                member.send(frame)

    def broadcast_presence(self, key: TopicKey, diff: Diff) -> None:
        for member in self.topics.get(key, ()):
            if member.presence_enabled and member.reads("presence"):
                member.send(push(member.topic, "presence_diff", dict(diff)))


class Outbox:
    """Encoded frames waiting for one socket's writer, bounded in bytes and in frames."""

    def __init__(
        self, max_bytes: int = MAX_OUTBOX_BYTES, max_frames: int = MAX_OUTBOX_FRAMES
    ) -> None:
        self.max_bytes = max_bytes
        self.max_frames = max_frames
        self.bytes = 0
        self._frames: deque[tuple[str | bytes, int]] = deque()
        self._ready = asyncio.Event()
        self._closed = False

    def __len__(self) -> int:
        return len(self._frames)

    def put(self, data: str | bytes, size: int) -> bool:
        """Queue a frame of ``size`` bytes; False (nothing queued) when it would not fit."""
        if self._closed:
            return True  # the socket is going away: nothing more is sent, nothing to report
        if self.bytes + size > self.max_bytes or len(self._frames) >= self.max_frames:
            return False
        self._frames.append((data, size))
        self.bytes += size
        self._ready.set()
        return True

    async def get(self) -> str | bytes | None:
        """The next frame, or None once closed (frames still queued then are dropped)."""
        while not self._frames and not self._closed:
            self._ready.clear()
            await self._ready.wait()
        if self._closed:
            return None
        data, size = self._frames.popleft()
        self.bytes -= size
        return data

    def close(self) -> None:
        """Drop what is queued and end the writer; later frames are discarded."""
        self._closed = True
        self._frames.clear()
        self.bytes = 0
        self._ready.set()


class Socket:
    def __init__(
        self,
        service: RealtimeService,
        ws: web.WebSocketResponse,
        serializer: Serializer,
        token: str,
        claims: dict[str, Any],
        *,
        transport: asyncio.Transport | None = None,
    ) -> None:
        self.service = service
        self.ws = ws
        self.serializer = serializer
        self.token = token
        self.claims = claims
        self.channels: dict[str, Channel] = {}
        self._outbox = Outbox()
        self._transport = transport
        self._closer: asyncio.Task[None] | None = None
        self._token_checks: dict[Channel, asyncio.Task[None]] = {}

    # -- transport -------------------------------------------------------

    def send(self, frame: Frame) -> None:
        """Encode for this socket and queue; never raises, never blocks, never grows unbounded."""
        if self._closer is not None:
            return
        data = self.serializer.encode(frame)
        if data is None:
            return  # this socket's protocol version cannot carry it (a binary-only broadcast)
        if isinstance(data, str):
            try:
                size = len(data.encode())
            except (
                UnicodeEncodeError
            ):  # a lone surrogate (the decoder refuses them; belt and braces)
                log.warning("dropped a %s frame on %s: not valid Unicode", frame.event, frame.topic)
                return
        else:
            size = len(data)
        if size > MAX_FRAME_BYTES:
            # Sent, it would make the client close with 1009 (and reconnect, and get the next
            # one): hosted Realtime trims or drops such messages per subscriber instead.
            log.warning("dropped a %d-byte %s frame on %s", size, frame.event, frame.topic)
            return
        if not self._outbox.put(data, size):
            self._shut_slow_consumer()

    def _shut_slow_consumer(self) -> None:
        log.warning(
            "closing a realtime socket whose client is not reading (%d frames, %d bytes unsent)",
            len(self._outbox),
            self._outbox.bytes,
        )
        self._outbox.close()
        self._closer = asyncio.create_task(
            self.close(SLOW_CONSUMER, WSCloseCode.POLICY_VIOLATION), name="realtime-slow-consumer"
        )

    async def _write(self) -> None:
        while (data := await self._outbox.get()) is not None:
            try:
                if isinstance(data, bytes):
                    await self.ws.send_bytes(data)
                else:
                    await self.ws.send_str(data)
            except (ConnectionError, RuntimeError):
                return  # the connection is gone: run() ends too
            except Exception:
                # Never a silently dead writer behind an open socket: say why, and close it.
                log.exception("realtime writer failed; closing the socket")
                self._outbox.close()
                await self.close("Internal error", WSCloseCode.INTERNAL_ERROR)
                return

    async def close(self, reason: str, code: int = WSCloseCode.GOING_AWAY) -> None:
        """Close with a reason; a client that does not take the close frame is cut off."""
        try:
            async with asyncio.timeout(CLOSE_TIMEOUT_S):
                await self.ws.close(code=code, message=reason.encode()[:120])
        except TimeoutError:
            if self._transport is not None:
                self._transport.abort()

    async def run(self) -> None:
        writer = asyncio.create_task(self._write())
        silent = False
        try:
            async for message in self.ws:
                if message.type not in (WSMsgType.TEXT, WSMsgType.BINARY):
                    break
                try:
                    frame = self.serializer.decode(message.data)
                except ProtocolError as err:
                    await self.close(str(err), WSCloseCode.INVALID_TEXT)
                    break
                try:
                    await self.handle(frame)
                except Exception:
                    log.exception("failed to handle %s on %s", frame.event, frame.topic)
                    if frame.ref is not None:
                        self.send(reply(frame, "error", {"reason": "Unknown Error on Channel"}))
        except TimeoutError:  # nothing for IDLE_TIMEOUT_S: its presence leaves first
            silent = True
        finally:
            for channel in list(self.channels.values()):
                self.drop(channel)
            self._outbox.close()
            await writer
            if silent:
                await self.close("Idle timeout")
            if self._closer is not None:
                await self._closer

    # -- frames ------------------------------------------------------------

    async def handle(self, frame: Frame) -> None:
        if frame.topic == "phoenix" and frame.event == "heartbeat":
            self.send(reply(frame, "ok"))
            return
        if frame.event == "phx_join":
            await self.join(frame)
            return
        channel = self.channels.get(frame.topic)
        if channel is None:
            self.send(reply(frame, "error", {"reason": "unmatched topic"}))
        elif frame.event == "phx_leave":
            self.send(reply(frame, "ok"))
            self.close_channel(channel)
        elif frame.event == "access_token":
            await self.refresh_token(channel, frame.payload.get("access_token"))
        elif frame.event == "presence":
            await self.presence(channel, frame)
        elif frame.event == "broadcast":
            await self.broadcast(channel, frame)
        else:
            self.send(reply(frame, "error", {"reason": f"Unknown event: {frame.event}"}))

    def _channel_token(self, payload: dict[str, Any]) -> str:
        token = payload.get("access_token", payload.get("user_token"))
        if isinstance(token, str) and token and not token.startswith("sb_"):
            return token
        return self.token

    async def join(self, frame: Frame) -> None:
        if not frame.topic.startswith("realtime:"):
            self.send(reply(frame, "error", {"reason": "unmatched topic"}))
            return
        if not frame.topic.removeprefix("realtime:"):
            self.send(
                reply(
                    frame, "error", {"reason": "TopicNameRequired: You must provide a topic name"}
                )
            )
            return
        previous = self.channels.get(frame.topic)
        if previous is not None:
            self.close_channel(previous)
        if len(self.channels) >= MAX_CHANNELS:
            self.send(
                reply(frame, "error", {"reason": "ChannelRateLimitReached: Too many channels"})
            )
            return
        token = self._channel_token(frame.payload)
        try:
            claims = verify(token, self.service.jwt_secret)
        except TokenError as err:
            self.send(reply(frame, "error", {"reason": err.reason}))
            return
        config = frame.payload.get("config")
        config = config if isinstance(config, dict) else {}
        raw_bindings = [b for b in _list(config.get("postgres_changes")) if isinstance(b, dict)]
        presence = _dict(config.get("presence"))
        broadcast = _dict(config.get("broadcast"))
        channel = Channel(
            topic=frame.topic,
            join_ref=frame.join_ref or frame.ref,
            claims=claims,
            token=token,
            bindings=(),
            private=_truthy(config.get("private")),
            presence_enabled=_truthy(presence.get("enabled")),
            presence_key=str(presence.get("key") or "") or str(uuid.uuid1()),
            broadcast_self=_truthy(broadcast.get("self")),
            broadcast_ack=_truthy(broadcast.get("ack")),
            send=self.send,
        )
        if channel.private:
            try:
                channel.read_allowed = await authorization.readable_extensions(
                    self.service.control, channel.sub_topic, claims
                )
            except (psycopg.OperationalError, OSError):
                # the control connection died (a crashed backend): once more, on a new one
                channel.read_allowed = await authorization.readable_extensions(
                    self.service.control, channel.sub_topic, claims
                )
            if not any(channel.read_allowed.values()):
                self.send(reply(frame, "error", {"reason": _no_read(channel)}))
                return
        self.channels[frame.topic] = channel
        self.service.topics[channel.key].add(channel)
        self.send(
            reply(
                frame,
                "ok",
                {"postgres_changes": [{**b, "id": binding_id(b)} for b in raw_bindings]},
            )
        )
        if channel.presence_enabled and channel.reads("presence"):
            channel.push("presence_state", self.service.presence.state(channel.key))
        if raw_bindings:
            try:
                channel.bindings = tuple(Binding.parse(b) for b in raw_bindings)
            except FilterError as err:
                channel.system("postgres_changes", "error", str(err))
            else:
                await self.subscribe(channel)
        self._arm_token_check(channel)

    async def subscribe(self, channel: Channel) -> None:
        """Create the CDC subscriptions, then say so once capture is live.

        Runs after the join's ok reply, so it never raises: the database work is
        retried for :data:`JOIN_RETRY_S` (a crashed backend takes the control
        connection with it) and what still fails becomes a ``system`` error.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + JOIN_RETRY_S
        delay = 0.05
        while True:
            try:
                await self.service.dispatcher.subscribe(channel, self.service.control)
                await asyncio.wait_for(
                    self.service.capture.live.wait(), timeout=max(0.1, deadline - loop.time())
                )
            except SubscriptionError as err:
                channel.system("postgres_changes", "error", str(err))
                return
            except TimeoutError:
                channel.system("postgres_changes", "error", UNREACHABLE)
                return
            except (psycopg.Error, OSError) as err:
                if loop.time() + delay > deadline:
                    log.warning("subscribing %s failed: %s", channel.topic, err)
                    channel.system("postgres_changes", "error", UNREACHABLE)
                    return
                await asyncio.sleep(delay)
                delay = min(delay * 2, 1.0)
                if self.channels.get(channel.topic) is not channel:
                    return  # left (or replaced) meanwhile
            else:
                channel.system("postgres_changes", "ok", SUBSCRIBED)
                return

    async def refresh_token(self, channel: Channel, token: object) -> None:
        if not isinstance(token, str) or token == channel.token or token.startswith("sb_"):
            return
        try:
            claims = verify(token, self.service.jwt_secret)
        except TokenError as err:
            self.shut_channel(channel, err.message)
            return
        channel.claims, channel.token = claims, token
        if channel.private:
            channel.read_allowed = await authorization.readable_extensions(
                self.service.control, channel.sub_topic, claims
            )
            channel.write_allowed.clear()
            if not any(channel.read_allowed.values()):
                self.shut_channel(
                    channel,
                    f"You no longer have permission to read from this Channel topic: {channel.sub_topic}",
                )
                return
        if channel.bindings:
            await self.subscribe(channel)
        self._arm_token_check(channel)

    async def presence(self, channel: Channel, frame: Frame) -> None:
        event = frame.payload.get("event")
        hub = self.service.presence
        if event == "track":
            payload = frame.payload.get("payload")
            if not isinstance(payload, dict):
                self.send(reply(frame, "error", {"reason": "Presence track payload must be a map"}))
                return
            if not await self._may_write(channel, "presence"):
                self.send(reply(frame, "error"))
                return
            diff = hub.track(channel, payload)
        elif event == "untrack":
            diff = hub.untrack(channel)
        else:
            self.send(reply(frame, "error", {"reason": f"Unknown presence event: {event}"}))
            return
        self.send(reply(frame, "ok"))
        if diff is not None:
            self.service.broadcast_presence(channel.key, diff)

    async def broadcast(self, channel: Channel, frame: Frame) -> None:
        if not await self._may_write(channel, "broadcast"):
            if channel.broadcast_ack:
                self.send(reply(frame, "error"))
            return
        # each member's socket encodes it for its own protocol version
        broadcast = push(
            channel.topic, "broadcast", frame.payload, user_broadcast=frame.user_broadcast
        )
        for member in self.service.topics.get(channel.key, ()):
            if (member is not channel or channel.broadcast_self) and member.reads("broadcast"):
                member.send(broadcast)
        if channel.broadcast_ack:
            self.send(reply(frame, "ok"))

    async def _may_write(self, channel: Channel, extension: str) -> bool:
        if not channel.private:
            return True
        if extension not in channel.write_allowed:
            channel.write_allowed[extension] = await authorization.can_write(
                self.service.control, channel.sub_topic, channel.claims, extension
            )
        return channel.write_allowed[extension]

    # -- channel lifetime --------------------------------------------------------

    def _arm_token_check(self, channel: Channel) -> None:
        previous = self._token_checks.pop(channel, None)
        if previous is not None:
            previous.cancel()
        self._token_checks[channel] = asyncio.create_task(self._check_token_later(channel))

    async def _check_token_later(self, channel: Channel) -> None:
        exp = float(channel.claims.get("exp", 0))
        await asyncio.sleep(max(0.0, min(TOKEN_RECHECK_MAX_S, exp - time.time())))
        try:
            verify(channel.token, self.service.jwt_secret)
        except TokenError as err:
            self._token_checks.pop(channel, None)
            self.shut_channel(channel, err.message)
            return
        self._token_checks.pop(channel, None)
        self._arm_token_check(channel)

    def shut_channel(self, channel: Channel, message: str) -> None:
        """A channel-level failure: ``system`` error, then ``phx_close`` (2.13)."""
        channel.system("system", "error", message)
        self.close_channel(channel)

    def close_channel(self, channel: Channel) -> None:
        ref = channel.join_ref  # Phoenix's close carries the join ref as both refs
        self.send(Frame(channel.topic, "phx_close", {}, ref=ref, join_ref=ref))
        self.drop(channel)

    def drop(self, channel: Channel) -> None:
        """Forget the channel: subscriptions, presence (telling the others), token checks."""
        if self.channels.get(channel.topic) is channel:
            del self.channels[channel.topic]
        members = self.service.topics.get(channel.key)
        if members is not None:
            members.discard(channel)
            if not members:
                del self.service.topics[channel.key]
        self.service.dispatcher.unsubscribe(channel)
        check = self._token_checks.pop(channel, None)
        if check is not None and check is not asyncio.current_task():
            check.cancel()
        diff = self.service.presence.untrack(channel)
        if diff is not None:
            self.service.broadcast_presence(channel.key, diff)


def _no_read(channel: Channel) -> str:
    return f"Unauthorized: You do not have permissions to read from this Channel topic: {channel.sub_topic}"


def _api_messages(body: object) -> list[ServerBroadcast]:
    """The REST broadcast body's messages; ValueError saying what is wrong."""
    if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
        raise ValueError("the body must be an object with a list of messages")
    messages = []
    for item in body["messages"]:
        if not isinstance(item, dict) or not isinstance(item.get("topic"), str):
            raise ValueError("each message needs a topic")
        if not isinstance(item.get("event"), str):
            raise ValueError("each message needs an event")
        messages.append(
            ServerBroadcast(
                item["topic"].removeprefix("realtime:"),
                item.get("private") is True,
                item["event"],
                item.get("payload"),
                None,
            )
        )
    return messages


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _truthy(value: object) -> bool:
    return value is True or value == "true"
