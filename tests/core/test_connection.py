"""The connection state machine: each rule of connection.py's docstring, one scenario each."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lia_desktop.core.backoff import BackoffPolicy
from lia_desktop.core.connection import (
    ClockJumped,
    CloseSocket,
    Event,
    Failed,
    HeartbeatReplied,
    NetworkDown,
    NetworkUp,
    OpenSocket,
    PushAccessToken,
    RefreshFailed,
    RefreshToken,
    RunCatchUp,
    SendHeartbeat,
    SignedIn,
    SignedOut,
    SocketLost,
    SocketOpened,
    Subscribed,
    Supervisor,
    SupervisorPolicy,
    Tick,
    TokenExpired,
    TokenRefreshed,
    WokeFromSleep,
    step,
)
from lia_desktop.core.models import ConnectionPhase as P
from lia_desktop.core.problems import Problem

POLICY = SupervisorPolicy(
    backoff=BackoffPolicy(initial=1, factor=2, cap=8, jitter=0, reset_after_healthy=30),
    heartbeat_interval=25,
    heartbeat_timeout=10,
    connect_timeout=20,
    refresh_margin=60,
)
HOUR = 3600.0


def live(now: float = 0.0) -> Supervisor:
    sup, _ = step(Supervisor(POLICY), SignedIn(HOUR), now)
    sup, _ = step(sup, SocketOpened(), now)
    sup, _ = step(sup, HeartbeatReplied(), now)
    sup, _ = step(sup, Subscribed(), now)
    return sup


def test_sign_in_connects_and_goes_live_only_after_the_system_ok() -> None:
    sup, cmds = step(Supervisor(POLICY), SignedIn(HOUR), 0)
    assert (sup.state.phase, cmds) == (P.CONNECTING, (OpenSocket(),))
    sup, cmds = step(sup, SocketOpened(), 1)
    assert (sup.state.phase, cmds) == (P.CONNECTING, (SendHeartbeat(),))
    sup, cmds = step(sup, Subscribed(), 2)
    assert (sup.state.phase, cmds) == (P.LIVE, (RunCatchUp(),))


def test_a_second_system_ok_while_live_runs_catch_up_again() -> None:
    sup, cmds = step(live(), Subscribed(), 5)
    assert (sup.state.phase, cmds) == (P.LIVE, (RunCatchUp(),))


def test_subscribed_before_the_socket_opened_is_ignored() -> None:
    sup, _ = step(Supervisor(POLICY), SignedIn(HOUR), 0)
    assert step(sup, Subscribed(), 1) == (sup, ())


def test_losses_back_off_and_retry_at_the_announced_time() -> None:
    sup, _ = step(Supervisor(POLICY), SignedIn(HOUR), 0)
    sup, cmds = step(sup, SocketLost("refused"), 0)
    assert cmds == (CloseSocket("refused"),)
    assert (sup.state.phase, sup.state.attempt, sup.state.next_retry_at) == (P.RECONNECTING, 1, 1)
    assert sup.wakeup_at == 1
    assert step(sup, Tick(), 0.5) == (sup, ())
    sup, cmds = step(sup, Tick(), 1)
    assert (sup.state.phase, sup.state.attempt, cmds) == (P.CONNECTING, 1, (OpenSocket(),))
    delays = []
    for _ in range(6):
        sup, _ = step(sup, SocketLost("refused"), 10)
        assert sup.state.next_retry_at is not None
        delays.append(sup.state.next_retry_at - 10)
        sup, _ = step(sup, Tick(), sup.state.next_retry_at)
    assert delays == [2, 4, 8, 8, 8, 8]


def test_a_healthy_connection_resets_the_attempts_a_flapping_one_does_not() -> None:
    sup = live(0)
    sup, _ = step(sup, SocketLost("reset"), 5)  # live 5 s only: flapping
    assert sup.state.attempt == 1
    sup, _ = step(sup, Tick(), 6)
    sup, _ = step(sup, SocketOpened(), 6)
    sup, _ = step(sup, Subscribed(), 6)
    sup, _ = step(sup, SocketLost("reset"), 7)
    assert sup.state.attempt == 2
    sup, _ = step(sup, Tick(), 9)
    sup, _ = step(sup, SocketOpened(), 9)
    sup, _ = step(sup, Subscribed(), 9)
    sup, _ = step(sup, SocketLost("reset"), 9 + 30)
    assert sup.state.attempt == 1


def test_a_missing_heartbeat_reply_is_a_loss() -> None:
    sup = live(0)
    assert sup.wakeup_at == 25
    sup, cmds = step(sup, Tick(), 25)
    assert cmds == (SendHeartbeat(),)
    assert sup.wakeup_at == 35
    assert step(sup, Tick(), 34) == (sup, ())
    sup, cmds = step(sup, Tick(), 35)
    assert sup.state.phase is P.RECONNECTING
    assert sup.state.reason == "no heartbeat reply in 10 s"
    assert cmds == (CloseSocket("no heartbeat reply in 10 s"),)


def test_a_heartbeat_reply_keeps_the_connection() -> None:
    sup = live(0)
    sup, _ = step(sup, Tick(), 25)
    sup, _ = step(sup, HeartbeatReplied(), 26)
    sup, cmds = step(sup, Tick(), 35)
    assert (sup.state.phase, cmds) == (P.LIVE, ())
    assert sup.wakeup_at == 50


def test_a_join_that_never_confirms_times_out() -> None:
    sup, _ = step(Supervisor(POLICY), SignedIn(HOUR), 0)
    sup, _ = step(sup, SocketOpened(), 0)
    sup, _ = step(sup, HeartbeatReplied(), 0)
    assert sup.wakeup_at == 20
    sup, cmds = step(sup, Tick(), 20)
    assert (sup.state.phase, sup.state.reason) == (P.RECONNECTING, "connection timed out")
    assert cmds == (CloseSocket("connection timed out"),)


def test_network_down_is_offline_and_network_up_reconnects_at_once() -> None:
    sup, cmds = step(live(), NetworkDown(), 1)
    assert (sup.state.phase, cmds) == (P.OFFLINE, (CloseSocket("network down"),))
    assert sup.wakeup_at == sup.state.next_retry_at  # still retries: the signal may lie
    sup, _ = step(sup, Tick(), 2)
    assert sup.state.phase is P.CONNECTING
    sup, _ = step(sup, SocketLost("unreachable"), 2)
    assert sup.state.phase is P.OFFLINE
    sup, cmds = step(sup, NetworkUp(), 3)
    assert (sup.state.phase, sup.state.attempt, cmds) == (P.CONNECTING, 0, (OpenSocket(),))


def test_network_down_while_reconnecting_shows_offline() -> None:
    sup, _ = step(live(), SocketLost("x"), 1)
    sup, cmds = step(sup, NetworkDown(), 1)
    assert (sup.state.phase, sup.state.attempt, cmds) == (P.OFFLINE, 1, ())


def test_a_network_change_while_live_rebuilds_the_socket() -> None:
    sup, cmds = step(live(), NetworkUp(), 1)
    assert (sup.state.phase, cmds) == (P.CONNECTING, (OpenSocket(),))


def test_wake_and_clock_jump_refresh_the_token_before_rejoining() -> None:
    for signal in (WokeFromSleep(), ClockJumped()):
        sup, cmds = step(live(), signal, 100)
        assert sup.state.phase is P.CONNECTING
        assert cmds == (CloseSocket("woke from sleep or clock jumped"), RefreshToken())
        assert sup.wakeup_at is None  # waiting for the refresh, not for a timer
        assert step(sup, SocketOpened(), 100) == (sup, ())  # a stale socket cannot sneak in
        sup, cmds = step(sup, TokenRefreshed(HOUR), 101)
        assert (sup.state.phase, cmds) == (P.CONNECTING, (OpenSocket(),))


def test_the_token_is_refreshed_before_expiry_and_pushed_to_the_socket() -> None:
    sup, _ = step(Supervisor(POLICY), SignedIn(100), 0)
    sup, _ = step(sup, SocketOpened(), 0)
    sup, _ = step(sup, HeartbeatReplied(), 0)
    sup, _ = step(sup, Subscribed(), 0)
    assert sup.wakeup_at == 25  # heartbeat first
    sup, _ = step(sup, Tick(), 25)
    sup, _ = step(sup, HeartbeatReplied(), 25)
    assert sup.wakeup_at == 40  # 100 - 60 s margin
    sup, cmds = step(sup, Tick(), 40)
    assert cmds == (RefreshToken(),)
    sup, cmds = step(sup, Tick(), 41)
    assert cmds == ()  # no second refresh while one is in flight
    sup, cmds = step(sup, TokenRefreshed(100), 42)
    assert (sup.state.phase, cmds) == (P.LIVE, (PushAccessToken(),))
    assert sup.token_expires_at == 142


def test_a_failed_proactive_refresh_is_retried_with_backoff() -> None:
    sup, _ = step(Supervisor(POLICY), SignedIn(100), 0)
    sup, _ = step(sup, Tick(), 40)
    sup, cmds = step(sup, RefreshFailed("timeout", retryable=True), 40)
    assert cmds == ()
    assert sup.refresh_not_before == 41
    sup, _ = step(sup, SocketLost("x"), 40)
    sup, cmds = step(sup, Tick(), 41)
    assert RefreshToken() in cmds
    assert OpenSocket() in cmds


def test_a_refresh_while_disconnected_is_not_pushed() -> None:
    sup, _ = step(live(), SocketLost("x"), 1)
    sup, cmds = step(sup, TokenRefreshed(HOUR), 1)
    assert (sup.state.phase, cmds) == (P.RECONNECTING, ())


def test_an_expired_token_refreshes_then_rejoins_and_a_failed_refresh_retries() -> None:
    sup, cmds = step(live(), TokenExpired("Token has expired 0 seconds ago"), 5)
    assert cmds == (CloseSocket("Token has expired 0 seconds ago"), RefreshToken())
    sup, cmds = step(sup, RefreshFailed("offline", retryable=True), 6)
    assert (sup.state.phase, sup.state.reason, cmds) == (
        P.RECONNECTING,
        "offline",
        (CloseSocket("offline"),),
    )
    assert sup.state.next_retry_at is not None
    sup, cmds = step(sup, Tick(), sup.state.next_retry_at)
    assert (sup.state.phase, cmds) == (P.CONNECTING, (CloseSocket("offline"), RefreshToken()))
    sup, cmds = step(sup, TokenRefreshed(HOUR), 20)
    assert cmds == (OpenSocket(),)


def test_a_dead_refresh_token_parks_in_auth_expired_until_sign_in() -> None:
    sup, _ = step(live(), TokenExpired(), 5)
    sup, cmds = step(sup, RefreshFailed("Invalid Refresh Token", retryable=False), 6)
    assert (sup.state.phase, sup.state.reason, sup.state.problem) == (
        P.AUTH_EXPIRED,
        "Invalid Refresh Token",
        Problem.SESSION_ENDED,
    )
    assert cmds == (CloseSocket("Invalid Refresh Token"),)
    assert sup.wakeup_at is None
    for event in (Tick(), SocketLost("x"), NetworkDown(), NetworkUp(), WokeFromSleep()):
        sup, cmds = step(sup, event, 7)
        assert (sup.state.phase, cmds) == (P.AUTH_EXPIRED, ())
    sup, cmds = step(sup, SignedIn(HOUR), 8)
    assert (sup.state.phase, cmds) == (P.CONNECTING, (OpenSocket(),))


def test_network_state_is_remembered_while_parked() -> None:
    sup, _ = step(Supervisor(POLICY), NetworkDown(), 0)
    sup, _ = step(sup, SignedIn(HOUR), 0)
    sup, _ = step(sup, SocketLost("unreachable"), 0)
    assert sup.state.phase is P.OFFLINE


def test_failure_parks_in_error_with_the_reason() -> None:
    sup, cmds = step(live(), Failed("not an admin", Problem.NOT_ADMIN), 1)
    assert (sup.state.phase, sup.state.reason, sup.state.problem, cmds) == (
        P.ERROR,
        "not an admin",
        Problem.NOT_ADMIN,
        (CloseSocket("not an admin"),),
    )


def test_sign_out_closes_and_forgets_the_session() -> None:
    sup, cmds = step(live(), SignedOut(), 1)
    assert (sup.state.phase, cmds, sup.token_expires_at) == (
        P.SIGNED_OUT,
        (CloseSocket("signed out"),),
        None,
    )


def test_events_that_do_not_apply_change_nothing() -> None:
    sup, _ = step(live(), SocketLost("x"), 1)
    for event in (SocketLost("again"), SocketOpened(), Subscribed(), HeartbeatReplied()):
        assert step(sup, event, 1) == (sup, ())


EVENTS = st.sampled_from(
    [
        SignedIn(HOUR),
        SignedIn(30),
        SignedOut(),
        SocketOpened(),
        Subscribed(),
        SocketLost("x"),
        HeartbeatReplied(),
        NetworkDown(),
        NetworkUp(),
        WokeFromSleep(),
        ClockJumped(),
        TokenExpired(),
        TokenRefreshed(HOUR),
        RefreshFailed("x", retryable=True),
        RefreshFailed("x", retryable=False),
        Failed("x", Problem.NOT_ADMIN),
        Tick(),
    ]
)


@given(st.lists(st.tuples(EVENTS, st.floats(min_value=0, max_value=100)), max_size=60))
def test_invariants_hold_for_any_event_sequence(events: list[tuple[Event, float]]) -> None:
    """Never stuck: an active or waiting machine always has a timer or an outstanding request."""
    sup, now = Supervisor(POLICY, seed=3), 0.0
    for event, dt in events:
        now += dt
        sup, cmds = step(sup, event, now)
        phase = sup.state.phase
        if phase in (P.RECONNECTING, P.OFFLINE):
            assert sup.state.next_retry_at is not None
            assert sup.state.attempt >= 1
            assert sup.wakeup_at is not None
        if phase is P.LIVE:
            assert sup.socket_open
        if phase is P.CONNECTING:
            assert sup.wakeup_at is not None or sup.refreshing
        assert cmds.count(RefreshToken()) <= 1


def test_a_second_wake_during_a_refresh_does_not_refresh_twice() -> None:
    sup, _ = step(live(), WokeFromSleep(), 100)
    sup, cmds = step(sup, ClockJumped(), 101)
    assert cmds == (CloseSocket("woke from sleep or clock jumped"),)
    assert sup.refreshing
