"""Headless subcommands: ``lia-desktop doctor`` and ``lia-desktop watch``.

``doctor`` answers "why does the app not work here?" one check at a time, in
dependency order, with a PASS/FAIL/SKIP verdict and the reason, and exits
non-zero on any failure. ``watch`` runs the same services as the app (auth,
supervisor, sync) and prints every connection state, stats change, new
notification and toast as one JSON object per line, for tests, benchmarks and
operators. The composition root (``lia_desktop.__main__``) owns the command
line: it registers these with ``add_subcommands`` and runs them with ``run``.

Both sign in with their own password-grant session, which is never stored
(``AuthSession(persist=False)``) and is ended with a ``local`` sign-out: the
tray app's refresh token in the OS keyring is never read, rotated or deleted,
so running them with the app's account leaves the app signed in.

The password comes from ``$LIA_ADMIN_PASSWORD`` or from standard input
(``--password-stdin``, like ``docker login``): a command line is world-readable
(``ps``, ``/proc/PID/cmdline``). ``--password`` still works, so existing
scripts do not break, but it prints a warning saying exactly that.

An admin with a second factor (issue 16) gives its current code in
``$LIA_TOTP_CODE`` or on standard input (one line; prompted on a terminal),
read only when the server asks for one. ``doctor`` reports the session's
assurance level and the project's "admins need aal2" switch.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import json
import logging
import os
import signal
import stat
import sys
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO

import httpx
import platformdirs

from lia_desktop.core import project
from lia_desktop.core.connection import SupervisorPolicy
from lia_desktop.core.feed import FeedUpdate, NotificationFeed
from lia_desktop.core.i18n import english
from lia_desktop.core.models import (
    ConnectionPhase,
    ConnectionState,
    DashboardStats,
    PresenceActivity,
)
from lia_desktop.core.problems import Problem, explain
from lia_desktop.services.auth import AuthSession, SignOutOutcome
from lia_desktop.services.errors import (
    BadUrl,
    NotAdmin,
    NotLiaProject,
    SecondFactorRequired,
    ServiceError,
    SessionExpired,
)
from lia_desktop.services.session import LiveSession
from lia_desktop.services.supervisor import ChangeEvent, RealtimeSupervisor

ENV = {
    "url": "LIA_SUPABASE_URL",
    "anon_key": "LIA_SUPABASE_ANON_KEY",
    "email": "LIA_ADMIN_EMAIL",
    "password": "LIA_ADMIN_PASSWORD",
}
#: the authenticator code, for an admin with a second factor
CODE_ENV = "LIA_TOTP_CODE"
#: how to give each setting, for "missing: ..." messages
HOW_TO_GIVE = {
    "url": f"--url / ${ENV['url']}",
    "anon_key": f"--anon-key / ${ENV['anon_key']}",
    "email": f"--email / ${ENV['email']}",
    "password": f"${ENV['password']} / --password-stdin",
}
PASSWORD_ON_COMMAND_LINE = (
    "warning: --password is visible to other users of this machine (ps, /proc/PID/cmdline)"
    f" and stays in the shell history; use ${ENV['password']} or --password-stdin instead\n"
)
#: ``watch``'s cursor files when no ``--data-dir`` is given: the user's own data dir,
#: apart from the app's cursors (a ``watch`` must not move the app's "already seen")
WATCH_DIR = "watch"
#: The server contract this app needs (``lia_notifier.contract_version()``, supabase/migrations):
#: the one whose admin_contract_status() checks claims, audit, duty and the aal2 switch.
CONTRACT_VERSION = "20261130152000"
APP_DIR_NAME = "lia-desktop"


class UsageError(Exception):
    """Bad command-line input; ``str(error)`` says what to do instead."""


def _no_code() -> str:
    raise SecondFactorRequired(f"this account needs an authenticator code: set ${CODE_ENV}")


@dataclass(frozen=True, slots=True)
class Credentials:
    url: str
    anon_key: str
    email: str
    password: str = field(repr=False)
    #: the authenticator code, asked for only when the server wants one
    code: Callable[[], str] = field(default=_no_code, repr=False, compare=False)


def add_subcommands(subparsers: Any) -> None:
    """Register ``doctor`` and ``watch`` on the root's subparsers."""
    for name, help_text in (
        ("doctor", "check configuration, server, account and realtime; one verdict per check"),
        ("watch", "stream connection states, stats and notifications as JSON lines"),
    ):
        sub = subparsers.add_parser(name, help=help_text)
        for field_name in ("url", "anon_key", "email"):
            env = ENV[field_name]
            sub.add_argument(
                f"--{field_name.replace('_', '-')}",
                dest=field_name,
                default=os.environ.get(env, ""),
                help=f"(default: ${env})",
            )
        sub.add_argument(
            "--password-stdin",
            action="store_true",
            help=f"read the password from standard input (default: ${ENV['password']})",
        )
        sub.add_argument(
            "--password",
            default=None,
            help=f"insecure, visible to other users: prefer ${ENV['password']} or --password-stdin",
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
            sub.add_argument(
                "--data-dir",
                type=Path,
                default=None,
                help="folder for the cursor file (default: a private folder in the user's"
                f" data dir, {Path(platformdirs.user_data_dir(APP_DIR_NAME)) / WATCH_DIR})",
            )


def credentials(
    args: argparse.Namespace,
    *,
    stdin: TextIO | None = None,
    stderr: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
) -> Credentials:
    """The settings of a parsed command, the password read as ``read_password`` says."""
    password = read_password(
        getattr(args, "password", None),
        from_stdin=bool(getattr(args, "password_stdin", False)),
        stdin=stdin or sys.stdin,
        stderr=stderr or sys.stderr,
        environ=os.environ if environ is None else environ,
    )
    environ = os.environ if environ is None else environ
    stdin = stdin or sys.stdin
    stderr = stderr or sys.stderr
    return Credentials(
        args.url,
        args.anon_key,
        args.email,
        password,
        lambda: read_code(stdin=stdin, stderr=stderr, environ=environ),
    )


def read_code(*, stdin: TextIO | None, stderr: TextIO, environ: Mapping[str, str]) -> str:
    """``$LIA_TOTP_CODE``, else one line of standard input (prompted for on a terminal).

    A standard input the password already took (``--password-stdin`` from a pipe) has
    nothing left: the code then must come from the environment.
    """
    code = environ.get(CODE_ENV, "")
    if code:
        return code
    if stdin is not None and not stdin.closed:
        if stdin.isatty():
            stderr.write("Authenticator code: ")
            stderr.flush()
        with contextlib.suppress(EOFError, UnicodeDecodeError, KeyboardInterrupt):
            code = stdin.readline().strip()
    if not code:
        raise SecondFactorRequired(
            f"this account needs an authenticator code: set ${CODE_ENV} or give it on"
            " standard input"
        )
    return code


def read_password(
    given: str | None,
    *,
    from_stdin: bool,
    stdin: TextIO | None,
    stderr: TextIO,
    environ: Mapping[str, str],
) -> str:
    """``--password-stdin``, else ``--password`` (with a warning), else ``$LIA_ADMIN_PASSWORD``.

    From a pipe the whole input is the password, less its line ending (``echo``
    adds one); from a terminal it is prompted for without echo.
    """
    if from_stdin:
        if given is not None:
            raise UsageError("--password and --password-stdin cannot be used together")
        return _password_from(stdin, stderr)
    if given is not None:
        stderr.write(PASSWORD_ON_COMMAND_LINE)
        stderr.flush()
        return given
    return environ.get(ENV["password"], "")


def _password_from(stdin: TextIO | None, stderr: TextIO) -> str:
    if stdin is None:
        raise UsageError("--password-stdin: there is no standard input to read")
    try:
        text = getpass.getpass("Password: ", stream=stderr) if stdin.isatty() else stdin.read()
    except UnicodeDecodeError:
        raise UsageError("--password-stdin: standard input is not text") from None
    except (EOFError, KeyboardInterrupt):
        raise UsageError("--password-stdin: no password entered") from None
    password = text.rstrip("\r\n")
    if not password:
        raise UsageError(
            "--password-stdin: standard input was empty; pipe the password in, e.g."
            " `secret-tool lookup lia admin | lia-desktop doctor --password-stdin ...`"
        )
    if "\n" in password:
        raise UsageError(
            "--password-stdin: standard input has more than one line; give only the password"
        )
    return password


def run(args: argparse.Namespace) -> int:
    """Run the parsed ``doctor`` or ``watch`` command; returns the exit code.

    Bad input (conflicting password options, an unusable ``--data-dir``) is a
    one-line message on stderr and exit status 2, never a traceback.
    """
    logging.basicConfig(level=logging.WARNING, format="lia-desktop: %(levelname)s: %(message)s")
    try:
        creds = credentials(args)
        if args.command == "doctor":
            return asyncio.run(run_doctor(creds, measure_latency=args.measure_latency))
        state_dir = watch_state_dir(args.data_dir)
    except UsageError as error:
        sys.stderr.write(f"lia-desktop {args.command}: error: {error}\n")
        return 2
    return asyncio.run(
        _until_signalled(
            lambda stop: run_watch(
                creds,
                web_admin_url=args.web_admin_url,
                duration=args.duration,
                data_dir=state_dir,
                stop=stop,
            )
        )
    )


async def _until_signalled(main: Callable[[asyncio.Event], Awaitable[int]]) -> int:
    """Run ``main(stop)``; SIGINT/SIGTERM set ``stop``, so ``watch`` ends its session first.

    Killed without this, ``watch`` would leave its server session alive (its
    refresh token, never stored, is lost with the process). A second signal
    cancels, for when the sign-out itself hangs.
    """
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    task = asyncio.current_task()
    installed: list[signal.Signals] = []

    def on_signal() -> None:
        if stop.is_set() and task is not None:
            task.cancel()
        stop.set()

    for signum in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(signum, on_signal)
        except (NotImplementedError, RuntimeError, ValueError):
            continue  # Windows: Ctrl-C still interrupts, without the tidy sign-out
        installed.append(signum)
    try:
        return await main(stop)
    finally:
        for signum in installed:
            loop.remove_signal_handler(signum)


def watch_state_dir(data_dir: Path | None) -> Path:
    """Where ``watch`` keeps its cursor: ``data_dir``, else a private folder of the user's.

    Never a shared folder such as /tmp, where another user can plant a cursor
    file that hides notifications. The default folder is created mode 0700 and
    refused unless it is this user's; a ``data_dir`` the user chose is used as
    given, with a warning when others can write to it (``FeedStateStore`` then
    still refuses a cursor file it did not write).
    """
    if data_dir is None:
        folder = Path(platformdirs.user_data_dir(APP_DIR_NAME)) / WATCH_DIR
        _private_folder(folder)
        return folder
    if data_dir.exists() and not data_dir.is_dir():
        raise UsageError(f"--data-dir {data_dir}: not a folder")
    try:
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = data_dir.stat()
    except OSError as error:
        raise UsageError(f"--data-dir {data_dir}: {error.strerror or error}") from None
    if sys.platform != "win32" and info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        sys.stderr.write(
            f"warning: --data-dir {data_dir} is writable by other users; cursor files there"
            " that this user did not write are ignored\n"
        )
    return data_dir


def _private_folder(folder: Path) -> None:
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.stat()
        if not stat.S_ISDIR(info.st_mode):
            raise UsageError(f"{folder} is not a folder; move it away or pass --data-dir")
        if sys.platform == "win32":
            return
        if info.st_uid != os.geteuid():
            raise UsageError(
                f"{folder} belongs to uid {info.st_uid}, not to this user; "
                "remove it or pass --data-dir"
            )
        if stat.S_IMODE(info.st_mode) & 0o077:
            folder.chmod(0o700)
    except OSError as error:
        raise UsageError(f"cannot use {folder}: {error.strerror or error}") from None


# --------------------------------------------------------------------- doctor


class _Failed(Exception):
    """A check failed; later checks that depend on it are skipped."""


def _failed(problem: Problem, url: str, detail: str) -> _Failed:
    """A failed check in the words the app uses for ``problem``, then what exactly happened
    (a terminal has no log to send the detail to)."""
    return _Failed(f"{explain(problem, english, url=url)} (details: {detail})")


class _Report:
    def __init__(self, out: TextIO, url: str) -> None:
        self.out = out
        self.url = url
        self.failed = False

    def line(self, verdict: str, check: str, detail: str) -> None:
        self.out.write(f"{verdict:<4}  {check:<22} {detail}\n")
        self.out.flush()
        self.failed |= verdict == "FAIL"

    async def check(self, name: str, run: Callable[[], Awaitable[str]]) -> None:
        try:
            detail = await run()
        except ServiceError as exc:
            self.line("FAIL", name, str(_failed(exc.kind, self.url, str(exc))))
            raise _Failed(name) from exc
        except _Failed as exc:
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
    err: TextIO | None = None,
    connect_within: float = 20.0,
) -> int:
    """Run every check in order; returns the exit code (0 when all pass)."""
    report = _Report(out, creds.url)
    session: AuthSession | None = None
    supervisor_task: asyncio.Task[None] | None = None
    supervisor: RealtimeSupervisor | None = None

    async def open_and_check_key() -> str:
        nonlocal session
        session = await AuthSession.open(creds.url, creds.anon_key, persist=False)
        return await _check_anon_key(session, creds.url)

    try:
        await report.check("config", lambda: _check_config(creds))
        await report.check("reachability", lambda: _check_reachable(creds.url))
        await report.check("anon key", open_and_check_key)
        assert session is not None
        opened: AuthSession = session
        await report.check("sign-in", lambda: _check_sign_in(opened, creds))
        await report.check("second factor", lambda: _check_second_factor(opened))
        await report.check("contract", lambda: _check_contract(opened))
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
        if session is not None:
            await _end_session(session, err or sys.stderr)
    report.out.write("verdict: " + ("FAIL\n" if report.failed else "PASS\n"))
    return 1 if report.failed else 0


async def _end_session(session: AuthSession, err: TextIO) -> None:
    """Sign the command's own session out (``local``) and close its connections."""
    try:
        if session.access_token is not None:
            _say_sign_out_problem(await session.sign_out(), err)
    finally:
        await session.close()


def _say_sign_out_problem(outcome: SignOutOutcome | None, err: TextIO) -> None:
    """A sign-out problem does not change the verdict or the exit status (the work is
    done) but is said, since a session the server was not told about stays valid there."""
    if outcome is not None and outcome.message is not None:
        err.write(f"warning: sign-out: {outcome.message}\n")
        err.flush()


def missing_settings(creds: Credentials) -> str | None:
    """The "missing: ..." sentence naming how to give each empty setting, or ``None``."""
    missing = [name for name in HOW_TO_GIVE if not getattr(creds, name)]
    return "missing: " + ", ".join(HOW_TO_GIVE[m] for m in missing) if missing else None


async def _check_config(creds: Credentials) -> str:
    missing = missing_settings(creds)
    if missing is not None:
        raise _Failed(missing)
    flaw = project.url_flaw(creds.url)  # the sign-in dialog's rules, word for word
    if flaw is not None:
        raise _failed(
            Problem.NOT_A_SUPABASE_URL, creds.url, f"--url {creds.url!r}: {flaw.kind.value}"
        )
    role = project.key_role(creds.anon_key)
    if role is None:
        raise _failed(Problem.NOT_AN_ANON_KEY, creds.url, "not a JWT with a role")
    if role != "anon":
        raise _failed(Problem.NOT_THE_ANON_ROLE, creds.url, f"the key's role is {role!r}")
    return f"{creds.url} as {creds.email}"


async def _check_reachable(url: str) -> str:
    started = time.perf_counter()
    try:
        async with httpx.AsyncClient(timeout=5.0) as client:
            response = await client.get(url.rstrip("/") + "/auth/v1/health")
    except httpx.HTTPError as exc:
        raise _failed(Problem.UNREACHABLE, url, str(exc) or type(exc).__name__) from None
    return f"HTTP {response.status_code} in {1000 * (time.perf_counter() - started):.0f} ms"


async def _check_anon_key(session: AuthSession, url: str) -> str:
    """As anon, an admin RPC must be refused for lack of privilege, not for a bad key."""
    try:
        await session.api.unread_count()
    except NotAdmin:
        return "accepted; admin RPCs refused to anon (RLS/privileges in place)"
    except SessionExpired as exc:
        raise _failed(Problem.KEY_REJECTED, url, str(exc)) from None
    raise _failed(Problem.NOT_LIA_PROJECT, url, "admin_unread_count answered the anon role")


async def _check_sign_in(session: AuthSession, creds: Credentials) -> str:
    identity = await session.sign_in(creds.email, creds.password, creds.code)
    expires_in = (session.expires_at or 0) - time.time()
    return f"admin {identity.email}; {session.assurance}; token valid {expires_in:.0f} s"


async def _check_second_factor(session: AuthSession) -> str:
    """The session's assurance level and the project's switch (the contract's
    ``admin_security_policy``)."""
    try:
        policy = await session.api.security_policy()
    except BadUrl:
        raise _Failed(
            "no admin_security_policy() on the server: the contract predates two-factor"
            " sign-in (apply supabase/migrations/20261130001600_admins_need_aal2.sql)"
        ) from None
    if policy.get("admins_need_aal2"):
        return f"{session.assurance}; admins need aal2: on"
    return (
        f"{session.assurance}; admins need aal2: off (a password alone opens the admin API;"
        " the service role turns it on with admin_set_aal2_requirement)"
    )


async def _check_contract(session: AuthSession) -> str:
    """The installed server contract, as the database itself reports it to an admin."""
    try:
        status = await session.api.contract_status()
    except NotLiaProject:
        raise _Failed(
            f"no admin_contract_status() on the server: the contract is older than"
            f" {CONTRACT_VERSION} or not installed (run supabase/preflight.sql, then"
            " supabase db push)"
        ) from None
    version = str(status.get("version"))
    missing = [str(piece) for piece in status.get("missing") or ()]
    if missing:
        raise _Failed(f"contract {version} is missing: {'; '.join(missing)}")
    if version < CONTRACT_VERSION:
        raise _Failed(f"contract {version} installed, this app needs {CONTRACT_VERSION}")
    return f"version {version}, nothing missing"


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
    err: TextIO | None = None,
    stop: asyncio.Event | None = None,
    policy: SupervisorPolicy | None = None,
) -> int:
    """Sign in, then stream until ``duration`` passes or ``stop`` is set.

    The cursor file lives in ``data_dir`` (``run`` passes ``--data-dir`` through
    ``watch_state_dir``) or, by default, in the user's private ``watch`` folder.
    The session is the command's own and is signed out (``local``) however the
    stream ends.
    """
    lines = JsonLines(out)
    missing = missing_settings(creds)
    if missing is not None:
        lines.emit("error", message=missing, error="MissingSettings")
        return 2
    if data_dir is None:
        try:
            data_dir = watch_state_dir(None)
        except UsageError as error:
            lines.emit("error", message=str(error), error="DataDir")
            return 2
    try:
        session = await AuthSession.open(creds.url, creds.anon_key, persist=False)
    except ServiceError as exc:
        lines.emit("error", message=str(exc), error=type(exc).__name__)
        return 1
    try:
        await session.sign_in(creds.email, creds.password, creds.code)
    except ServiceError as exc:
        lines.emit("error", message=str(exc), error=type(exc).__name__)
        await _end_session(session, err or sys.stderr)
        return 1
    live = LiveSession.start(
        session,
        lines,
        anon_key=creds.anon_key,
        web_admin_url=web_admin_url,
        data_dir=data_dir,
        policy=policy,
    )
    try:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for((stop or asyncio.Event()).wait(), duration)
    finally:
        _say_sign_out_problem(await live.close(sign_out=True), err or sys.stderr)
    return 0
