"""The realtime connection as a pure state machine: ``step(supervisor, event, now)``.

The services layer owns the websocket and the clock; it feeds what happened
(events) and the monotonic time, and carries out what comes back (commands).
It also calls ``step(sup, Tick(), now)`` at ``sup.wakeup_at``: that single
timer drives reconnect delays, the heartbeat watchdog, the connect timeout and
the proactive token refresh, so nothing here sleeps or reads a clock.

Why these rules (wire protocol sections 2.7, 2.14, 2.15):

- realtime-py never checks heartbeat replies, so a half-dead TCP connection
  stays "connected" for minutes; here a missing reply within
  ``heartbeat_timeout`` counts as a loss.
- "Live" only after the ``system`` postgres_changes ok (``Subscribed``), and
  every subscribe asks for a catch-up (``RunCatchUp``) so nothing falls in the
  gap between the last event seen and the new subscription.
- Monotonic clocks stop during suspend, so after a wake or a clock jump the
  access token is treated as stale: refresh first, then rejoin.
- Retries never stop; ``BackoffPolicy`` spaces them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from lia_desktop.core.backoff import BackoffPolicy, noise
from lia_desktop.core.models import ConnectionPhase, ConnectionState
from lia_desktop.core.problems import Problem

# ---------------------------------------------------------------- policy


@dataclass(frozen=True, slots=True)
class SupervisorPolicy:
    backoff: BackoffPolicy = field(default_factory=BackoffPolicy)
    #: seconds between our own ``phoenix`` heartbeats, and how long a reply may take
    heartbeat_interval: float = 25.0
    heartbeat_timeout: float = 10.0
    #: socket open + join + ``system`` ok must happen within this, or it is a loss
    connect_timeout: float = 20.0
    #: refresh the access token this long before it expires
    refresh_margin: float = 60.0


# ---------------------------------------------------------------- events (from services)


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A session exists (sign-in or silent restore); its access token expires in ``token_expires_in`` s."""

    token_expires_in: float


@dataclass(frozen=True, slots=True)
class SignedOut:
    pass


@dataclass(frozen=True, slots=True)
class SocketOpened:
    pass


@dataclass(frozen=True, slots=True)
class Subscribed:
    """The ``system`` message with extension postgres_changes and status ok arrived."""


@dataclass(frozen=True, slots=True)
class SocketLost:
    """TCP error, close, ``phx_error``, a join error or a channel-level ``system`` error."""

    reason: str


@dataclass(frozen=True, slots=True)
class HeartbeatReplied:
    pass


@dataclass(frozen=True, slots=True)
class NetworkDown:
    pass


@dataclass(frozen=True, slots=True)
class NetworkUp:
    """A network became available or changed; the current socket may be bound to a dead route."""


@dataclass(frozen=True, slots=True)
class WokeFromSleep:
    pass


@dataclass(frozen=True, slots=True)
class ClockJumped:
    pass


@dataclass(frozen=True, slots=True)
class TokenExpired:
    """The server rejected the access token (join error or ``Token has expired`` system error)."""

    reason: str = "access token expired"


@dataclass(frozen=True, slots=True)
class TokenRefreshed:
    token_expires_in: float


@dataclass(frozen=True, slots=True)
class RefreshFailed:
    """``retryable``: network trouble; otherwise the refresh token is dead and the admin must sign in."""

    reason: str
    retryable: bool


@dataclass(frozen=True, slots=True)
class Failed:
    """A problem retrying cannot fix (not an admin, invalid anon key): stop until the next sign-in.
    ``problem`` is what the admin is told; ``reason`` goes to the log."""

    reason: str
    problem: Problem


@dataclass(frozen=True, slots=True)
class Tick:
    """The timer requested through ``Supervisor.wakeup_at`` fired."""


Event = (
    SignedIn
    | SignedOut
    | SocketOpened
    | Subscribed
    | SocketLost
    | HeartbeatReplied
    | NetworkDown
    | NetworkUp
    | WokeFromSleep
    | ClockJumped
    | TokenExpired
    | TokenRefreshed
    | RefreshFailed
    | Failed
    | Tick
)

# ---------------------------------------------------------------- commands (for services)


@dataclass(frozen=True, slots=True)
class OpenSocket:
    """Drop any current socket, open a new one and join every channel with the current token."""


@dataclass(frozen=True, slots=True)
class CloseSocket:
    reason: str


@dataclass(frozen=True, slots=True)
class SendHeartbeat:
    """Push ``heartbeat`` on topic ``phoenix``; answer its ``phx_reply`` with ``HeartbeatReplied``."""


@dataclass(frozen=True, slots=True)
class RefreshToken:
    """Refresh the session; answer with ``TokenRefreshed`` or ``RefreshFailed``."""


@dataclass(frozen=True, slots=True)
class PushAccessToken:
    """Send the fresh token (``access_token``) to every joined channel."""


@dataclass(frozen=True, slots=True)
class RunCatchUp:
    """Fetch the stats snapshot and the notifications after the persisted cursor."""


Command = OpenSocket | CloseSocket | SendHeartbeat | RefreshToken | PushAccessToken | RunCatchUp

# ---------------------------------------------------------------- state

_PARKED = (ConnectionPhase.SIGNED_OUT, ConnectionPhase.AUTH_EXPIRED, ConnectionPhase.ERROR)
_WAITING = (ConnectionPhase.RECONNECTING, ConnectionPhase.OFFLINE)
_ACTIVE = (ConnectionPhase.CONNECTING, ConnectionPhase.LIVE)


@dataclass(frozen=True, slots=True)
class Supervisor:
    """Everything the machine remembers; ``state`` is what the UI shows."""

    policy: SupervisorPolicy = field(default_factory=SupervisorPolicy)
    #: per-install random seed for the backoff jitter
    seed: int = 0
    state: ConnectionState = field(
        default_factory=lambda: ConnectionState(ConnectionPhase.SIGNED_OUT)
    )
    #: consecutive failed attempts (kept while live, to punish flapping)
    attempts: int = 0
    #: when the current CONNECTING or LIVE phase began
    phase_since: float = 0.0
    network_up: bool = True
    socket_open: bool = False
    heartbeat_sent_at: float = 0.0
    awaiting_reply: bool = False
    token_expires_at: float | None = None
    #: the token may have lapsed (wake, clock jump, server said so): refresh before joining
    token_stale: bool = False
    refreshing: bool = False
    refresh_failures: int = 0
    refresh_not_before: float = 0.0

    @property
    def wakeup_at(self) -> float | None:
        """When services must call ``step(self, Tick(), now)``; None when nothing is pending."""
        phase = self.state.phase
        if phase in _PARKED:
            return None
        times: list[float] = []
        if self.token_expires_at is not None and not self.refreshing:
            times.append(
                max(self.token_expires_at - self.policy.refresh_margin, self.refresh_not_before)
            )
        if phase in _WAITING and self.state.next_retry_at is not None:
            times.append(self.state.next_retry_at)
        if phase is ConnectionPhase.CONNECTING and not self.token_stale:
            times.append(self.phase_since + self.policy.connect_timeout)
        if self.socket_open:
            wait = (
                self.policy.heartbeat_timeout
                if self.awaiting_reply
                else self.policy.heartbeat_interval
            )
            times.append(self.heartbeat_sent_at + wait)
        return min(times, default=None)


Step = tuple[Supervisor, tuple[Command, ...]]


def step(sup: Supervisor, event: Event, now: float) -> Step:
    """The whole transition table; unknown combinations leave the state unchanged."""
    phase = sup.state.phase
    match event:
        case SignedIn(token_expires_in=expires_in):
            fresh = Supervisor(
                policy=sup.policy,
                seed=sup.seed,
                network_up=sup.network_up,
                token_expires_at=now + expires_in,
            )
            return _connect(fresh, now, attempts=0)
        case SignedOut():
            return Supervisor(policy=sup.policy, seed=sup.seed), (CloseSocket("signed out"),)
        case Failed(reason=reason, problem=problem):
            return _park(sup, ConnectionPhase.ERROR, reason, problem)
        case NetworkDown() | NetworkUp() if phase in _PARKED:
            return replace(sup, network_up=isinstance(event, NetworkUp)), ()
    if phase in _PARKED:
        return sup, ()
    match event:
        case SocketOpened() if phase is ConnectionPhase.CONNECTING and not sup.token_stale:
            opened = replace(sup, socket_open=True, heartbeat_sent_at=now, awaiting_reply=True)
            return opened, (SendHeartbeat(),)
        case Subscribed() if phase in _ACTIVE and sup.socket_open:
            if phase is ConnectionPhase.CONNECTING:
                sup = replace(sup, state=ConnectionState(ConnectionPhase.LIVE), phase_since=now)
            return sup, (RunCatchUp(),)
        case SocketLost(reason=reason) if phase in _ACTIVE:
            return _lose(sup, now, reason)
        case HeartbeatReplied() if sup.socket_open:
            return replace(sup, awaiting_reply=False), ()
        case NetworkDown():
            sup = replace(sup, network_up=False)
            if phase in _ACTIVE:
                return _lose(sup, now, "network down")
            return replace(sup, state=replace(sup.state, phase=ConnectionPhase.OFFLINE)), ()
        case NetworkUp():
            return _retry(replace(sup, network_up=True), now, attempts=0)
        case WokeFromSleep() | ClockJumped():
            return _refresh_then_rejoin(sup, now, "woke from sleep or clock jumped", attempts=0)
        case TokenExpired(reason=reason):
            return _refresh_then_rejoin(sup, now, reason, attempts=sup.attempts)
        case TokenRefreshed(token_expires_in=expires_in):
            refreshed = replace(
                sup,
                token_expires_at=now + expires_in,
                token_stale=False,
                refreshing=False,
                refresh_failures=0,
                refresh_not_before=0.0,
            )
            if sup.token_stale and phase is ConnectionPhase.CONNECTING:
                return _connect(refreshed, now, attempts=sup.attempts)
            return refreshed, ((PushAccessToken(),) if sup.socket_open else ())
        case RefreshFailed(reason=reason, retryable=False):
            return _park(sup, ConnectionPhase.AUTH_EXPIRED, reason, Problem.SESSION_ENDED)
        case RefreshFailed(reason=reason):
            failures = sup.refresh_failures + 1
            retry_at = now + sup.policy.backoff.delay(failures, noise(sup.seed, -failures))
            sup = replace(
                sup, refreshing=False, refresh_failures=failures, refresh_not_before=retry_at
            )
            if sup.token_stale and phase is ConnectionPhase.CONNECTING:
                return _lose(sup, now, reason)
            return sup, ()
        case Tick():
            return _tick(sup, now)
    return sup, ()


def _tick(sup: Supervisor, now: float) -> Step:
    phase = sup.state.phase
    commands: list[Command] = []
    if (
        sup.token_expires_at is not None
        and not sup.refreshing
        and now >= max(sup.token_expires_at - sup.policy.refresh_margin, sup.refresh_not_before)
    ):
        sup = replace(sup, refreshing=True)
        commands.append(RefreshToken())
    if phase in _WAITING:
        assert sup.state.next_retry_at is not None
        if now >= sup.state.next_retry_at:
            sup, more = _retry(sup, now, attempts=sup.attempts)
            commands.extend(
                more
            )  # no second RefreshToken: _refresh_then_rejoin sees ``refreshing``
        return sup, tuple(commands)
    if sup.socket_open and sup.awaiting_reply:
        if now >= sup.heartbeat_sent_at + sup.policy.heartbeat_timeout:
            lost, more = _lose(
                sup, now, f"no heartbeat reply in {sup.policy.heartbeat_timeout:g} s"
            )
            return lost, (*commands, *more)
    elif sup.socket_open and now >= sup.heartbeat_sent_at + sup.policy.heartbeat_interval:
        sup = replace(sup, heartbeat_sent_at=now, awaiting_reply=True)
        commands.append(SendHeartbeat())
    if (
        phase is ConnectionPhase.CONNECTING
        and not sup.token_stale
        and now >= sup.phase_since + sup.policy.connect_timeout
    ):
        lost, more = _lose(sup, now, "connection timed out")
        return lost, (*commands, *more)
    return sup, tuple(commands)


def _connect(sup: Supervisor, now: float, *, attempts: int) -> Step:
    state = ConnectionState(ConnectionPhase.CONNECTING, attempt=attempts)
    return (
        replace(
            sup,
            state=state,
            attempts=attempts,
            phase_since=now,
            socket_open=False,
            awaiting_reply=False,
        ),
        (OpenSocket(),),
    )


def _retry(sup: Supervisor, now: float, *, attempts: int) -> Step:
    """Try again now: refresh first when the token is stale, else open a socket."""
    if sup.token_stale:
        return _refresh_then_rejoin(sup, now, sup.state.reason, attempts=attempts)
    return _connect(sup, now, attempts=attempts)


def _refresh_then_rejoin(sup: Supervisor, now: float, reason: str, *, attempts: int) -> Step:
    state = ConnectionState(ConnectionPhase.CONNECTING, attempt=attempts, reason=reason)
    commands: tuple[Command, ...] = (CloseSocket(reason),)
    if not sup.refreshing:
        commands += (RefreshToken(),)
    return (
        replace(
            sup,
            state=state,
            attempts=attempts,
            phase_since=now,
            socket_open=False,
            awaiting_reply=False,
            token_stale=True,
            refreshing=True,
        ),
        commands,
    )


def _lose(sup: Supervisor, now: float, reason: str) -> Step:
    healthy = (
        sup.state.phase is ConnectionPhase.LIVE
        and now - sup.phase_since >= sup.policy.backoff.reset_after_healthy
    )
    attempts = 1 if healthy else sup.attempts + 1
    delay = sup.policy.backoff.delay(attempts, noise(sup.seed, attempts))
    phase = ConnectionPhase.RECONNECTING if sup.network_up else ConnectionPhase.OFFLINE
    state = ConnectionState(phase, attempt=attempts, next_retry_at=now + delay, reason=reason)
    lost = replace(sup, state=state, attempts=attempts, socket_open=False, awaiting_reply=False)
    return lost, (CloseSocket(reason),)


def _park(sup: Supervisor, phase: ConnectionPhase, reason: str, problem: Problem) -> Step:
    parked = Supervisor(
        policy=sup.policy,
        seed=sup.seed,
        network_up=sup.network_up,
        state=ConnectionState(phase, reason=reason, problem=problem),
    )
    return parked, (CloseSocket(reason),)
