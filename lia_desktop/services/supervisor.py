"""The one websocket of the app: the I/O driver of ``core.connection``.

The rules (when to reconnect, back off, refresh, call the socket dead) live in
the pure state machine ``core.connection.step``; this class feeds it what
happened, carries out the commands it returns, and arms its single timer.

Why the socket handling looks like this: realtime-py
2.34.1 gives up after five reconnects, never checks heartbeat replies, forgets
a channel on ``phx_close`` and lets an exception raised in an application
callback stop its receive loop. So every connection *generation* gets a fresh
``AsyncRealtimeClient`` with ``auto_reconnect=False`` holding both channels
(the private ``admin_feed`` with every ``postgres_changes`` binding, and the
private presence channel ``online_users``: RLS on ``realtime.messages`` lets
admins join them and nobody broadcast into them), and for a live app also the
admins' presence channel ``admins_on_duty`` (see ``DutyPresence``); any trouble on
the db channel is reported as a loss and the next generation starts when core says so. Every
callback handed to realtime-py is ``guarded``, and its receive loop is watched:
a loop that ended (hostile input can end it) is a lost socket.

Heartbeat: realtime-py drops the server's ``phoenix`` replies (no channel has
that topic), so ``SendHeartbeat`` is carried out as a websocket PING on the
client's connection and the PONG is the reply. It proves the same thing (the
server's socket process and the path to it are alive) through a public
websockets API; the connection object itself is realtime-py's private
``_ws_connection``. The same attribute is where ``_CooperativeClient`` slips in a
time-sliced view of the connection so that a burst never freezes the UI: the two
places this module reaches inside the library (re-check them on upgrade).

Sleep: the monotonic clock stops while a laptop sleeps, so the platform tells
(``wake()`` from logind, ``clock_jumped()`` from ``power.watch_clock``, which
the live session runs beside the supervisor).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Mapping
from dataclasses import dataclass, replace
from typing import Any, Protocol, TypeVar

from realtime import AsyncRealtimeChannel, AsyncRealtimeClient, RealtimeSubscribeStates
from realtime.message import SuccessSystemPayload
from realtime.types import (
    PostgresChangesPayload,
    RealtimeChannelOptions,
    RealtimePostgresChangesListenEvent,
)

from lia_desktop.core import connection as conn
from lia_desktop.core import wire
from lia_desktop.core.models import ConnectionPhase, ConnectionState
from lia_desktop.core.problems import Problem
from lia_desktop.services.errors import (
    NetworkUnreachable,
    NotAdmin,
    ServiceError,
    SessionExpired,
)
from lia_desktop.services.tasks import BackgroundTasks

log = logging.getLogger(__name__)

DB_CHANNEL = "admin_feed"
PRESENCE_CHANNEL = "online_users"
#: the admins' private presence channel: who of the team is connected now (core.duty)
DUTY_CHANNEL = "admins_on_duty"

_LISTEN_EVENTS = {
    "INSERT": RealtimePostgresChangesListenEvent.Insert,
    "DELETE": RealtimePostgresChangesListenEvent.Delete,
    "*": RealtimePostgresChangesListenEvent.All,
}
#: (table, event) bindings of the db channel, in join order: core.wire.SUBSCRIPTIONS, the
#: one list of what the app subscribes to (and types, in ``wire.parse_change``).
BINDINGS: tuple[tuple[str, RealtimePostgresChangesListenEvent], ...] = tuple(
    (table, _LISTEN_EVENTS[event]) for table, event in wire.SUBSCRIPTIONS
)

#: longest run of back-to-back frames handled before yielding to the event loop (the UI's)
RECEIVE_SLICE_S = 0.008

#: join / system error texts meaning "this token is no longer accepted" (wire protocol 2.13, 2.15)
TOKEN_ERRORS = ("Token has expired", "InvalidJWTToken", "JwtSignatureError", "MalformedJWT")


@dataclass(frozen=True, slots=True)
class ChangeEvent:
    """One ``postgres_changes`` delivery, reduced to what the app reads."""

    table: str
    type: str  # INSERT / UPDATE / DELETE
    record: Mapping[str, Any]
    old_record: Mapping[str, Any]
    commit_timestamp: str


class TokenSource(Protocol):
    """What the supervisor needs from ``AuthSession``."""

    @property
    def access_token(self) -> str | None: ...

    @property
    def expires_at(self) -> float | None: ...

    @property
    def refresh_margin(self) -> float: ...

    async def refresh(self) -> str: ...

    def on_token_changed(self, listener: Callable[[str | None], None]) -> None: ...


class SupervisorListener(Protocol):
    def on_connection(self, state: ConnectionState) -> None: ...

    async def on_subscribed(self) -> None:
        """Catch up (snapshot + missed rows); a ServiceError counts as a connection loss."""

    def on_change(self, event: ChangeEvent) -> None: ...

    def on_presence(self, state: Mapping[str, list[Mapping[str, Any]]]) -> None: ...


PresenceState = Mapping[str, list[Mapping[str, Any]]]


@dataclass(frozen=True, slots=True)
class DutyPresence:
    """This app on the admins' presence channel: tracked under ``key`` (its admin id) on
    every socket, with the meta last given to ``RealtimeSupervisor.track_duty``;
    ``on_sync`` hears the channel's whole state after every join and leave.

    Hosted Realtime does not authenticate presence keys: RLS lets only admins join and
    track, but any admin's client may track under any key, another admin's id included,
    with any meta. So a key says only "some admin's app claims this id": names and duty
    come from the server's roster (``core.duty``), never from the meta, and a key off the
    roster is ignored. Leaving needs nothing: Realtime drops a socket's presence when the
    socket closes (quit, sign-out) or dies.
    """

    key: str
    on_sync: Callable[[PresenceState], None]


_F = TypeVar("_F", bound=Callable[..., None])


def guarded(callback: _F) -> _F:
    """Wrap a callback handed to realtime-py so an app exception never reaches its receive loop."""

    def wrapper(*args: Any) -> None:
        try:
            callback(*args)
        except Exception:
            log.exception("realtime callback %s failed", getattr(callback, "__name__", callback))

    return wrapper  # type: ignore[return-value]


@dataclass(eq=False)
class _Generation:
    """One websocket and its channels; events from an older generation are ignored."""

    number: int
    client: AsyncRealtimeClient
    task: asyncio.Task[None] | None = None
    #: the admins' presence channel once joined (tracking goes there)
    duty: AsyncRealtimeChannel | None = None


class RealtimeSupervisor:
    """Owns the websocket; publishes ``ConnectionState``; feeds a ``SupervisorListener``."""

    def __init__(
        self,
        url: str,
        anon_key: str,
        tokens: TokenSource,
        listener: SupervisorListener,
        *,
        policy: conn.SupervisorPolicy | None = None,
        seed: int | None = None,
        join_timeout: int = 10,
        duty_presence: DutyPresence | None = None,
    ) -> None:
        self._realtime_url = url.rstrip("/") + "/realtime/v1"
        self._anon_key = anon_key
        self._tokens = tokens
        self._listener = listener
        self._join_timeout = join_timeout
        self._duty_presence = duty_presence
        #: what this app tracks on the admins' channel (its duty once known)
        self._duty_meta: dict[str, Any] = {}
        self._sup = conn.Supervisor(
            policy or conn.SupervisorPolicy(),
            seed=random.getrandbits(32) if seed is None else seed,
        )
        self._generation: _Generation | None = None
        self._generations = 0
        self._timer: asyncio.TimerHandle | None = None
        self._tasks = BackgroundTasks("realtime")
        self._closing: set[asyncio.Task[None]] = set()
        self._catch_up_lock = asyncio.Lock()
        self._stopped = asyncio.Event()
        tokens.on_token_changed(self._on_token)

    @property
    def state(self) -> ConnectionState:
        return self._sup.state

    @property
    def generations(self) -> int:
        """How many websockets were opened so far (tests and ``doctor`` read it)."""
        return self._generations

    # --- lifecycle ---------------------------------------------------------

    async def run(self) -> None:
        """Connect (if signed in) and keep connecting until ``stop()``."""
        self._stopped.clear()
        if self._tokens.access_token is not None:
            self._sign_in()
        try:
            await self._stopped.wait()
        finally:
            await self._shutdown()

    def stop(self) -> None:
        self._stopped.set()

    async def _shutdown(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        await self._tasks.close()
        # Closes are never cancelled (they are not in ``_tasks``): a cancelled close would
        # leave a socket (e.g. the dead one replaced on wake) and its realtime-py tasks open.
        self._close_socket()
        await asyncio.gather(*self._closing, return_exceptions=True)

    # --- platform signals --------------------------------------------------

    def wake(self) -> None:
        """The OS resumed from sleep: refresh the token if needed, then a new socket."""
        self._feed(conn.WokeFromSleep())

    def clock_jumped(self) -> None:
        self._feed(conn.ClockJumped())

    def network_changed(self) -> None:
        """A network came up or changed: the socket may be bound to a dead route."""
        self._feed(conn.NetworkUp())

    def network_down(self) -> None:
        self._feed(conn.NetworkDown())

    def data_path_stalled(self, reason: str) -> None:
        """Committed notifications are not arriving (the liveness probe): a new socket, whose
        resubscribe catches up. Only while live: otherwise a rebuild is under way already."""
        if self._sup.state.phase is ConnectionPhase.LIVE:
            self._feed(conn.SocketLost(reason))

    # --- the state machine driver -----------------------------------------

    def _feed(self, event: conn.Event) -> None:
        if self._stopped.is_set():
            return
        before = self._sup.state
        loop = asyncio.get_running_loop()
        self._sup, commands = conn.step(self._sup, event, loop.time())
        log.debug("%s -> %s %s", event, self._sup.state, commands)
        if self._sup.state != before:
            try:
                self._listener.on_connection(self._sup.state)
            except Exception:
                log.exception("connection listener failed")
        for command in commands:
            self._execute(command)
        self._arm_timer()

    def _execute(self, command: conn.Command) -> None:
        match command:
            case conn.OpenSocket():
                self._open_socket()
            case conn.CloseSocket(reason=reason):
                log.info("closing the websocket: %s", reason)
                self._close_socket()
            case conn.SendHeartbeat():
                self._spawn(self._heartbeat(self._generation))
            case conn.RefreshToken():
                self._spawn(self._refresh())
            case conn.PushAccessToken():
                self._spawn(self._push_token(self._generation))
            case conn.RunCatchUp():
                self._spawn(self._catch_up(self._generation))

    def _arm_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        wakeup_at = self._sup.wakeup_at
        if wakeup_at is not None:
            self._timer = asyncio.get_running_loop().call_at(wakeup_at, self._on_timer)

    def _on_timer(self) -> None:
        self._timer = None
        self._feed(conn.Tick())

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        """Each job catches what it expects and feeds it as an event; anything else is a bug
        and is logged at ERROR (services.tasks)."""
        self._tasks.spawn(coroutine, getattr(coroutine, "__qualname__", "job"))

    def _feed_from(self, generation: _Generation | None, event: conn.Event) -> None:
        """Feed an event caused by ``generation`` only while it is still the current socket."""
        if generation is not None and generation is self._generation:
            self._feed(event)

    def _expires_in(self) -> float:
        expires_at = self._tokens.expires_at
        return 0.0 if expires_at is None else expires_at - time.time()

    def _on_token(self, token: str | None) -> None:
        """Sign-in and sign-out come from the auth session; refreshes come back via ``_refresh``."""
        if token is None:
            self._feed(conn.SignedOut())
        elif self._sup.state.phase in (
            ConnectionPhase.SIGNED_OUT,
            ConnectionPhase.AUTH_EXPIRED,
            ConnectionPhase.ERROR,
        ):
            self._sign_in()

    def _sign_in(self) -> None:
        """Start from a new session; the refresh margin follows the token lifetime (20 s tokens exist)."""
        policy = replace(self._sup.policy, refresh_margin=self._tokens.refresh_margin)
        self._sup = replace(self._sup, policy=policy)
        self._feed(conn.SignedIn(self._expires_in()))

    # --- commands ----------------------------------------------------------

    def _open_socket(self) -> None:
        self._close_socket()
        self._generations += 1
        client = _CooperativeClient(
            self._realtime_url, self._anon_key, auto_reconnect=False, timeout=self._join_timeout
        )
        generation = _Generation(self._generations, client)
        self._generation = generation
        generation.task = asyncio.get_running_loop().create_task(self._join(generation))

    def _close_socket(self) -> None:
        generation, self._generation = self._generation, None
        if generation is None:
            return
        if generation.task is not None:
            generation.task.cancel()
        closing = asyncio.get_running_loop().create_task(_close_quietly(generation.client))
        self._closing.add(closing)
        closing.add_done_callback(self._closing.discard)

    async def _join(self, generation: _Generation) -> None:
        client = generation.client
        try:
            await client.set_auth(self._tokens.access_token)
            await client.connect()
            self._feed_from(generation, conn.SocketOpened())
            db = client.channel(DB_CHANNEL, _private_channel(False))
            for table, event in BINDINGS:
                db.on_postgres_changes(event, guarded(self._deliver), table=table)
            db.on_system(guarded(lambda payload: self._on_system(generation, payload)))
            await db.subscribe(guarded(lambda s, e: self._on_status(generation, DB_CHANNEL, s, e)))
            presence = client.channel(PRESENCE_CHANNEL, _private_channel(True))
            presence.on_presence_sync(
                guarded(lambda: self._listener.on_presence(_presence_state(presence)))
            )
            await presence.subscribe(
                guarded(lambda s, e: self._on_presence_status(s, e)),
            )
            if self._duty_presence is not None:
                await self._join_duty(generation, self._duty_presence)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # websockets InvalidStatus / OSError / TimeoutError / ...
            self._feed_from(generation, conn.SocketLost(f"realtime connection failed: {exc}"))

    async def _join_duty(self, generation: _Generation, duty: DutyPresence) -> None:
        channel = generation.client.channel(DUTY_CHANNEL, _private_channel(True, duty.key))
        channel.on_presence_sync(guarded(lambda: duty.on_sync(_presence_state(channel))))
        await channel.subscribe(
            guarded(lambda s, e: self._on_duty_status(generation, channel, s, e))
        )

    def track_duty(self, meta: Mapping[str, Any]) -> None:
        """Track this app on the admins' channel with ``meta`` from now on (its duty): at
        once on the current socket, and on every later one."""
        self._duty_meta = dict(meta)
        generation = self._generation
        if generation is not None and generation.duty is not None:
            self._spawn(self._track(generation, generation.duty))

    async def _track(self, generation: _Generation, channel: AsyncRealtimeChannel) -> None:
        """A refused or lost track is logged: the socket's loss, if any, rebuilds it all."""
        if generation is not self._generation:
            return
        try:
            await channel.track(self._duty_meta)
        except Exception as exc:
            log.warning("presence track on %s failed: %s", DUTY_CHANNEL, exc)

    async def _heartbeat(self, generation: _Generation | None) -> None:
        connection = generation.client._ws_connection if generation else None
        if generation is None or connection is None:
            return
        listener = generation.client._listen_task
        if listener is not None and listener.done():
            stopped = "cancelled" if listener.cancelled() else repr(listener.exception())
            self._feed_from(
                generation, conn.SocketLost(f"the realtime listener stopped: {stopped}")
            )
            return
        try:
            pong = await connection.ping()
            await pong
        except Exception as exc:
            self._feed_from(generation, conn.SocketLost(f"websocket lost: {exc}"))
            return
        self._feed_from(generation, conn.HeartbeatReplied())

    async def _refresh(self) -> None:
        try:
            await self._tokens.refresh()
        except NetworkUnreachable as exc:
            self._feed(conn.RefreshFailed(str(exc), retryable=True))
        except SessionExpired as exc:
            self._feed(conn.RefreshFailed(str(exc), retryable=False))
        except ServiceError as exc:
            self._feed(conn.RefreshFailed(str(exc), retryable=True))
        else:
            self._feed(conn.TokenRefreshed(self._expires_in()))

    async def _push_token(self, generation: _Generation | None) -> None:
        if generation is None:
            return
        try:
            await generation.client.set_auth(self._tokens.access_token)
        except Exception as exc:
            self._feed_from(generation, conn.SocketLost(f"token push failed: {exc}"))

    async def _catch_up(self, generation: _Generation | None) -> None:
        """Run the listener's catch-up; one at a time (every ``system`` ok asks for one)."""
        async with self._catch_up_lock:
            if generation is None or generation is not self._generation:
                return
            try:
                await self._listener.on_subscribed()
            except NotAdmin as exc:
                self._feed_from(generation, conn.Failed(str(exc), Problem.NOT_ADMIN))
            except SessionExpired as exc:
                self._feed_from(generation, conn.TokenExpired(str(exc)))
            except ServiceError as exc:
                self._feed_from(generation, conn.SocketLost(f"catch-up failed: {exc}"))

    # --- realtime-py callbacks ---------------------------------------------

    def _on_system(self, generation: _Generation, payload: SuccessSystemPayload) -> None:
        if payload.extension == "postgres_changes":
            self._feed_from(generation, conn.Subscribed())

    def _on_status(
        self,
        generation: _Generation,
        channel: str,
        status: RealtimeSubscribeStates,
        error: Exception | None,
    ) -> None:
        if status == RealtimeSubscribeStates.SUBSCRIBED:
            return
        reason = f"channel {channel}: {status.value}" + (f" ({error})" if error else "")
        if error is not None and any(text in str(error) for text in TOKEN_ERRORS):
            self._feed_from(generation, conn.TokenExpired(reason))
        else:
            self._feed_from(generation, conn.SocketLost(reason))

    def _on_presence_status(self, status: RealtimeSubscribeStates, error: Exception | None) -> None:
        """Presence is a secondary figure: its failure is logged, not a reason to drop the feed.

        A socket loss reaches the db channel too, so nothing is missed by not reacting here.
        """
        if status != RealtimeSubscribeStates.SUBSCRIBED:
            log.warning("presence channel %s: %s %s", PRESENCE_CHANNEL, status.value, error or "")

    def _on_duty_status(
        self,
        generation: _Generation,
        channel: AsyncRealtimeChannel,
        status: RealtimeSubscribeStates,
        error: Exception | None,
    ) -> None:
        """Joined: track this app. Refused (a contract older than 20261130160000, an aal1
        token): logged, and the team's duty is the roster's alone (``core.duty``)."""
        if status == RealtimeSubscribeStates.SUBSCRIBED:
            generation.duty = channel
            self._spawn(self._track(generation, channel))
        else:
            log.warning("presence channel %s: %s %s", DUTY_CHANNEL, status.value, error or "")

    def _deliver(self, payload: PostgresChangesPayload) -> None:
        """realtime-py hands ``type`` over as its enum, whose ``str()`` is not the wire text."""
        data = payload["data"]
        self._listener.on_change(
            ChangeEvent(
                table=data["table"],
                type=RealtimePostgresChangesListenEvent(data["type"]).value,
                record=data.get("record") or {},
                old_record=data.get("old_record") or {},
                commit_timestamp=data["commit_timestamp"],
            )
        )


def _private_channel(presence: bool, key: str = "") -> RealtimeChannelOptions:
    """Every channel is private (RLS on ``realtime.messages`` decides who joins)."""
    return {
        "config": {
            "private": True,
            "presence": {"key": key, "enabled": presence},
            "broadcast": {"ack": False, "self": False},
        }
    }


def _presence_state(channel: AsyncRealtimeChannel) -> PresenceState:
    return {key: [dict(meta) for meta in metas] for key, metas in channel.presence_state().items()}


async def _close_quietly(client: AsyncRealtimeClient) -> None:
    with contextlib.suppress(Exception):
        await client.close()
    # realtime-py leaves the timeout task of each push still unanswered (the access_token
    # push of every token refresh gets no reply) asleep for its whole timeout after close
    for channel in client.channels.values():
        for push in channel.messages_waiting_for_ack.values():
            if push.timeout_task is not None:
                push.timeout_task.cancel()


class _TimeSlicedConnection:
    """A websockets connection whose message iterator yields to the loop every few ms.

    realtime-py's receive loop is ``async for message in connection``; when frames are
    already buffered (a burst of 20,000 changes), websockets hands them over without ever
    suspending, so under qasync the UI would freeze until the backlog is drained. Yielding
    every ``RECEIVE_SLICE_S`` keeps every stall of the UI thread that short.
    Everything else is the wrapped connection's.
    """

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def __aiter__(self) -> AsyncIterator[Any]:
        return self._messages()

    async def _messages(self) -> AsyncIterator[Any]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + RECEIVE_SLICE_S
        async for message in self._inner:
            yield message
            if loop.time() >= deadline:
                await asyncio.sleep(0)
                deadline = loop.time() + RECEIVE_SLICE_S


class _CooperativeClient(AsyncRealtimeClient):
    """The official client, receiving through a ``_TimeSlicedConnection``.

    ``_on_connect`` runs right after the handshake and before the receive loop starts,
    so the loop only ever sees the wrapper.
    """

    async def _on_connect(self) -> None:
        if self._ws_connection is not None and not isinstance(
            self._ws_connection, _TimeSlicedConnection
        ):
            self._ws_connection = _TimeSlicedConnection(self._ws_connection)  # type: ignore[assignment]
        await super()._on_connect()
