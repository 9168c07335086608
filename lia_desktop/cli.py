"""Headless subcommands: ``lia-desktop doctor`` and ``lia-desktop watch``.

``doctor`` answers "why does the app not work here?" one check at a time, in
dependency order, with a PASS/FAIL/SKIP verdict and the reason, and exits
non-zero on any failure. ``watch`` runs the same services as the app (auth,
supervisor, sync) and prints every connection state, stats change, new
notification and toast as one JSON object per line, for tests, benchmarks and
operators. The composition root (``lia_desktop.__main__``) owns the command
line: it registers these with ``add_subcommands`` and runs them with ``run``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TextIO

import httpx
import jwt

from lia_desktop.core.connection import SupervisorPolicy
from lia_desktop.core.feed import FeedUpdate, NotificationFeed
from lia_desktop.core.models import (
    ConnectionPhase,
    ConnectionState,
    DashboardStats,
    PresenceActivity,
)
from lia_desktop.services.auth import AuthSession
from lia_desktop.services.errors import NotAdmin, ServiceError, SessionExpired
from lia_desktop.services.supervisor import ChangeEvent, RealtimeSupervisor
from lia_desktop.services.sync import FeedStateStore, Sync

ENV = {
    "url": "LIA_SUPABASE_URL",
    "anon_key": "LIA_SUPABASE_ANON_KEY",
    "email": "LIA_ADMIN_EMAIL",
    "password": "LIA_ADMIN_PASSWORD",
}


@dataclass(frozen=True, slots=True)
class Credentials:
    url: str
    anon_key: str
    email: str
    password: str


def add_subcommands(subparsers: Any) -> None:
    """Register ``doctor`` and ``watch`` on the root's subparsers."""
    for name, help_text in (
        ("doctor", "check configuration, server, account and realtime; one verdict per check"),
        ("watch", "stream connection states, stats and notifications as JSON lines"),
    ):
        sub = subparsers.add_parser(name, help=help_text)
        for field, env in ENV.items():
            sub.add_argument(
                f"--{field.replace('_', '-')}",
                dest=field,
                default=os.environ.get(env, ""),
                help=f"(default: ${env})",
            )
        if name == "doctor":
            sub.add_argument(
                "--measure-latency",
                action="store_true",
                help="mark the newest unread notification read and time its realtime echo",
            )
        else:
            sub.add_argument("--duration", type=float, default=None, help="stop after N seconds")
            sub.add_argument("--web-admin-url", default="https://admin.lia.test")
            sub.add_argument("--data-dir", type=Path, default=None)


def credentials(args: argparse.Namespace) -> Credentials:
    return Credentials(args.url, args.anon_key, args.email, args.password)


def run(args: argparse.Namespace) -> int:
    """Run the parsed ``doctor`` or ``watch`` command; returns the exit code."""
    if args.command == "doctor":
        return asyncio.run(run_doctor(credentials(args), measure_latency=args.measure_latency))
    return asyncio.run(
        run_watch(
            credentials(args),
            web_admin_url=args.web_admin_url,
            duration=args.duration,
            data_dir=args.data_dir,
        )
    )


# --------------------------------------------------------------------- doctor


class _Failed(Exception):
    """A check failed; later checks that depend on it are skipped."""


class _Report:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.failed = False

    def line(self, verdict: str, check: str, detail: str) -> None:
        self.out.write(f"{verdict:<4}  {check:<22} {detail}\n")
        self.out.flush()
        self.failed |= verdict == "FAIL"

    async def check(self, name: str, run: Callable[[], Awaitable[str]]) -> None:
        try:
            detail = await run()
        except (ServiceError, _Failed) as exc:
            self.line("FAIL", name, str(exc))
            raise _Failed(name) from exc
        self.line("PASS", name, detail)


class _DoctorListener:
    """Records what the supervisor saw, for the realtime checks."""

    def __init__(self) -> None:
        self.states: list[ConnectionState] = []
        self.changed = asyncio.Event()
        self.presence: Mapping[str, Any] | None = None
        self.reads: dict[int, float] = {}

    def on_connection(self, state: ConnectionState) -> None:
        self.states.append(state)
        self.changed.set()

    async def on_subscribed(self) -> None:
        return None

    def on_change(self, event: ChangeEvent) -> None:
        if event.table == "admin_notification_reads":
            self.reads[int(event.record.get("notification_id", 0))] = time.perf_counter()
            self.changed.set()

    def on_presence(self, state: Mapping[str, Any]) -> None:
        self.presence = state
        self.changed.set()

    async def until(self, predicate: Callable[[], bool], within: float) -> bool:
        deadline = time.monotonic() + within
        while not predicate():
            self.changed.clear()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), remaining)
        return True


async def run_doctor(
    creds: Credentials,
    *,
    measure_latency: bool = False,
    out: TextIO = sys.stdout,
    connect_within: float = 20.0,
) -> int:
    """Run every check in order; returns the exit code (0 when all pass)."""
    report = _Report(out)
    session: AuthSession | None = None
    supervisor_task: asyncio.Task[None] | None = None
    supervisor: RealtimeSupervisor | None = None
    try:
        await report.check("config", lambda: _check_config(creds))
        await report.check("reachability", lambda: _check_reachable(creds.url))
        session = await AuthSession.open(creds.url, creds.anon_key)
        opened = session
        await report.check("anon key", lambda: _check_anon_key(opened))
        await report.check("sign-in", lambda: _check_sign_in(opened, creds))
        await report.check("admin RPCs", lambda: _check_rpcs(opened))
        listener = _DoctorListener()
        supervisor = RealtimeSupervisor(
            creds.url,
            creds.anon_key,
            session,
            listener,
            policy=SupervisorPolicy(connect_timeout=connect_within),
        )
        supervisor_task = asyncio.get_running_loop().create_task(supervisor.run())
        started = supervisor
        await report.check(
            "realtime + publication", lambda: _check_live(listener, started, connect_within)
        )
        await report.check("presence (private)", lambda: _check_presence(listener))
        if measure_latency:
            await report.check("commit-to-event", lambda: _check_latency(opened, listener))
        else:
            report.line(
                "SKIP", "commit-to-event", "pass --measure-latency (marks one notification read)"
            )
    except _Failed as failed:
        report.line("SKIP", "remaining checks", f"they depend on '{failed}'")
    finally:
        if supervisor is not None and supervisor_task is not None:
            supervisor.stop()
            await supervisor_task
        if session is not None and session.access_token is not None:
            await session.sign_out()
    report.out.write("verdict: " + ("FAIL\n" if report.failed else "PASS\n"))
    return 1 if report.failed else 0


async def _check_config(creds: Credentials) -> str:
    missing = [name for name, value in asdict(creds).items() if not value]
    if missing:
        raise _Failed(
            "missing: " + ", ".join(f"--{m.replace('_', '-')} / ${ENV[m]}" for m in missing)
        )
    if not creds.url.startswith(("http://", "https://")):
        raise _Failed(f"the Supabase URL must start with http:// or https://, got {creds.url!r}")
    try:
        role = jwt.decode(creds.anon_key, options={"verify_signature": False}).get("role")
    except jwt.PyJWTError as exc:
        raise _Failed(f"the anon key is not a JWT ({exc})") from None
    if role != "anon":
        raise _Failed(
            f"the anon key carries role {role!r}, expected 'anon' (never ship the service key)"
        )
    return f"{creds.url} as {creds.email}"


async def _check_reachable(url: str) -> str:
    started = time.perf_counter()
    try:
        async with httpx.AsyncClient(timeout=5.0) as client:
            response = await client.get(url.rstrip("/") + "/auth/v1/health")
    except httpx.HTTPError as exc:
        raise _Failed(f"no answer from {url}: {exc or type(exc).__name__}") from None
    return f"HTTP {response.status_code} in {1000 * (time.perf_counter() - started):.0f} ms"


async def _check_anon_key(session: AuthSession) -> str:
    """As anon, an admin RPC must be refused for lack of privilege, not for a bad key."""
    try:
        await session.api.unread_count()
    except NotAdmin:
        return "accepted; admin RPCs refused to anon (RLS/privileges in place)"
    except SessionExpired as exc:
        raise _Failed(f"the server rejected the anon key: {exc}") from None
    raise _Failed("admin_unread_count answered the anon role: admin data is exposed")


async def _check_sign_in(session: AuthSession, creds: Credentials) -> str:
    identity = await session.sign_in(creds.email, creds.password)
    expires_in = (session.expires_at or 0) - time.time()
    return f"admin {identity.email}; token valid {expires_in:.0f} s"


async def _check_rpcs(session: AuthSession) -> str:
    stats = await session.api.dashboard_stats()
    unread = await session.api.unread_count()
    return f"cursor {stats.get('cursor')}, {unread} unread"


async def _check_live(
    listener: _DoctorListener, supervisor: RealtimeSupervisor, within: float
) -> str:
    started = time.perf_counter()
    failed = (
        ConnectionPhase.RECONNECTING,
        ConnectionPhase.OFFLINE,
        ConnectionPhase.ERROR,
        ConnectionPhase.AUTH_EXPIRED,
    )
    await listener.until(
        lambda: (
            bool(listener.states) and listener.states[-1].phase in (ConnectionPhase.LIVE, *failed)
        ),
        within,
    )
    state = supervisor.state
    if state.phase is not ConnectionPhase.LIVE:
        raise _Failed(f"{state.phase.value}: {state.reason or 'no system ok within the timeout'}")
    return f"postgres_changes on every table subscribed in {1000 * (time.perf_counter() - started):.0f} ms"


async def _check_presence(listener: _DoctorListener) -> str:
    if not await listener.until(lambda: listener.presence is not None, 5.0):
        raise _Failed(
            "no presence_state on the private 'online_users' channel (join refused by RLS?)"
        )
    return f"{len(listener.presence or {})} user(s) online"


async def _check_latency(session: AuthSession, listener: _DoctorListener) -> str:
    rows = await session.api.notifications_after(0, 1000)
    unread = [int(r["id"]) for r in rows if not r.get("read")]
    if not unread:
        return "no unread notification to mark: not measured"
    target = unread[-1]
    started = time.perf_counter()
    await session.api.mark_read([target])
    if not await listener.until(lambda: target in listener.reads, 10.0):
        raise _Failed("marking a notification read produced no realtime event within 10 s")
    return f"{1000 * (listener.reads[target] - started):.0f} ms (notification {target} marked read)"


# --------------------------------------------------------------------- watch


class JsonLines:
    """A ``SyncObserver`` writing one JSON object per line."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def emit(self, kind: str, **fields: Any) -> None:
        self.out.write(json.dumps({"kind": kind, "t": time.time(), **fields}, default=str) + "\n")
        self.out.flush()

    def stats_changed(self, stats: DashboardStats) -> None:
        self.emit("stats", **asdict(stats))

    def feed_changed(self, update: FeedUpdate, feed: NotificationFeed) -> None:
        for n in update.added:
            self.emit(
                "notification",
                id=n.id,
                type=n.type.value,
                priority=n.priority.label,
                title=n.title,
                body=n.body,
                read=n.read,
            )
        for toast in update.toasts:
            self.emit(
                "toast",
                title=toast.title,
                body=toast.body,
                ids=list(toast.notification_ids),
                summary=toast.summary,
            )
        self.emit("feed", cursor=feed.cursor, unread=feed.unread_count)

    def activity_changed(self, activity: PresenceActivity) -> None:
        self.emit("activity", **asdict(activity))

    def connection_changed(self, state: ConnectionState) -> None:
        self.emit("connection", phase=state.phase.value, attempt=state.attempt, reason=state.reason)


async def run_watch(
    creds: Credentials,
    *,
    web_admin_url: str,
    duration: float | None = None,
    data_dir: Path | None = None,
    out: TextIO = sys.stdout,
    stop: asyncio.Event | None = None,
    policy: SupervisorPolicy | None = None,
) -> int:
    """Sign in, then stream until ``duration`` passes or ``stop`` is set."""
    lines = JsonLines(out)
    try:
        session = await AuthSession.open(creds.url, creds.anon_key)
    except ServiceError as exc:
        lines.emit("error", message=str(exc), error=type(exc).__name__)
        return 1
    try:
        return await _watch_signed_in(
            session, creds, lines, web_admin_url, duration, data_dir, stop, policy
        )
    finally:
        await session.close()  # the HTTP connections; supabase's client has no close


async def _watch_signed_in(
    session: AuthSession,
    creds: Credentials,
    lines: JsonLines,
    web_admin_url: str,
    duration: float | None,
    data_dir: Path | None,
    stop: asyncio.Event | None,
    policy: SupervisorPolicy | None,
) -> int:
    try:
        identity = await session.sign_in(creds.email, creds.password)
    except ServiceError as exc:
        lines.emit("error", message=str(exc), error=type(exc).__name__)
        return 1
    store = FeedStateStore.for_admin(
        creds.url, identity.user_id, data_dir or Path(tempfile.gettempdir())
    )
    sync = Sync(session.api, store, lines, admin_id=identity.user_id, web_admin_url=web_admin_url)
    supervisor = RealtimeSupervisor(creds.url, creds.anon_key, session, sync, policy=policy)
    task = asyncio.get_running_loop().create_task(supervisor.run())
    stop = stop or asyncio.Event()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), duration)
    supervisor.stop()
    await task
    await sync.close()
    await session.sign_out()
    return 0
