"""The devstack process: embedded PostgreSQL plus Auth, REST and Realtime on one HTTP port.

``Devstack.start()`` boots (or reuses) the cluster in ``data_dir``, prepares
the database (scaffold, migrations once each, seed once), opens the
connection pools and serves ``/auth/v1``, ``/rest/v1`` and
``/realtime/v1`` on 127.0.0.1, like the Supabase CLI's gateway. The project
JWT secret is created once and kept in the data dir (mode 0600), so a second
start on the same dir serves the same keys.

Slow or stalled clients are cut off (issue 13): request headers must arrive
within ``web.HEADER_TIMEOUT_S`` of their first byte (a new connection has
``web.FIRST_BYTE_TIMEOUT_S`` to begin) and bodies within ``web.BODY_TIMEOUT_S``, and
the open-files limit is raised to its hard limit at start, so a flood of
half-open requests cannot keep an admin from signing in.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Protocol

import psycopg_pool
from aiohttp import web
from aiohttp.typedefs import Middleware
from psycopg.conninfo import make_conninfo

from . import demo_admin, tokens
from .auth import AuthService
from .database import PrepareReport, default_migrations_dir, default_seed_file, prepare_database
from .mfa import FactorService
from .postgres import PostgresCluster
from .realtime import RealtimeService
from .rest import RestService
from .web import BodyTimeout, SlowClientGuard, json_response, read_body

log = logging.getLogger(__name__)

HOST = "127.0.0.1"
SECRET_FILE = "jwt_secret"
#: Largest request body accepted (the gateway answers 413 above it).
MAX_BODY_BYTES = 1024 * 1024
#: Paths the gateway lets through without an API key (as Kong does for GoTrue).
_KEYLESS = ("/auth/v1/verify", "/auth/v1/callback", "/auth/v1/authorize")
_GATED = ("/auth/v1/", "/rest/v1/")
#: Idle keep-alive connections are closed after this (aiohttp's own default is an hour); it
#: outlasts the network stalls the fault tests inject, so pooled connections survive them.
KEEPALIVE_TIMEOUT_S = 300.0

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Component(Protocol):
    """A long-lived part of the server (e.g. Realtime): started after the pools, stopped first."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


def raise_open_files_limit() -> int | None:
    """Raise the soft ``RLIMIT_NOFILE`` to the hard limit; the new soft limit, or None.

    Every websocket, pooled connection and (until the header timeout) half-open
    request is a descriptor; 1024, a common soft default, is soon reached.
    """
    try:
        import resource
    except ImportError:  # Windows: no such limit
        return None
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(soft, 1 << 20)
    if soft == resource.RLIM_INFINITY or soft >= target:
        return soft
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    except (ValueError, OSError) as err:  # e.g. macOS caps it below an infinite hard limit
        log.debug("could not raise the open files limit to %d: %s", target, err)
        return soft
    return target


def load_or_create_secret(data_dir: Path) -> str:
    """The project JWT secret persisted in ``data_dir`` (created with mode 0600 on first use)."""
    path = data_dir / SECRET_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    secret = tokens.new_jwt_secret()
    with os.fdopen(fd, "w") as out:
        out.write(secret + "\n")
    return secret


class Devstack:
    """One running local backend; ``port=0`` picks a free port."""

    def __init__(
        self,
        data_dir: Path,
        *,
        port: int = 0,
        seed: bool = True,
        jwt_expiry: int = tokens.DEFAULT_JWT_EXPIRY,
        migrations_dir: Path | None = None,
        seed_file: Path | None = None,
    ) -> None:
        self.data_dir = data_dir.expanduser().resolve()
        self.cluster = PostgresCluster(self.data_dir)
        self._requested_port = port
        self._seed = seed
        self._jwt_expiry = jwt_expiry
        self._migrations_dir = migrations_dir
        self._seed_file = seed_file
        self.port = 0
        self.keys: tokens.ProjectKeys | None = None
        self.report: PrepareReport | None = None
        self.components: list[Component] = []
        self._started: list[Component] = []
        self._pools: list[psycopg_pool.AsyncConnectionPool] = []
        self._runner: web.AppRunner | None = None
        self._listener: asyncio.Server | None = None
        self.guard = SlowClientGuard()

    @property
    def api_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def status(self) -> dict[str, str]:
        """What ``supabase status`` prints, for the CLI and the test fixture."""
        if self.keys is None:
            raise RuntimeError("the devstack is not started")
        return {
            "API_URL": self.api_url,
            "ANON_KEY": self.keys.anon_key,
            "SERVICE_ROLE_KEY": self.keys.service_role_key,
            "DB_URL": self.cluster.url,
            "JWT_SECRET": self.keys.jwt_secret,
            "DEMO_ADMIN_URL": demo_admin.base_url(self.api_url, self.keys.jwt_secret),
        }

    async def start(self) -> None:
        raise_open_files_limit()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        keys = tokens.ProjectKeys.from_secret(load_or_create_secret(self.data_dir))
        # Bound first: fail fast on a busy port, and the token issuer URL needs the port.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, self._requested_port))
            self.port = sock.getsockname()[1]
            await asyncio.to_thread(self.cluster.start)
            self.report = await asyncio.to_thread(self._prepare)
            app = await self._build_app(keys)
            app.on_shutdown.append(self._stop_components)
            for component in self.components:
                await component.start()
                self._started.append(component)
            self._runner = web.AppRunner(
                app,
                access_log=None,
                shutdown_timeout=2.0,
                keepalive_timeout=KEEPALIVE_TIMEOUT_S,
            )
            await self._runner.setup()
            server = self._runner.server
            assert server is not None  # set by setup()
            # Not a SockSite: the guard wraps each connection's protocol (header deadline).
            self._listener = await asyncio.get_running_loop().create_server(
                self.guard.protocol_factory(server), sock=sock, backlog=1024
            )
        except BaseException:
            sock.close()
            await self.stop()
            raise
        self.keys = keys

    def _prepare(self) -> PrepareReport:
        seed_file: Path | None = None
        if self._seed:
            seed_file = self._seed_file or default_seed_file()
            if not seed_file.exists():
                log.warning("no seed file at %s: serving an unseeded database", seed_file)
                seed_file = None
        return prepare_database(
            self.cluster.conninfo,
            migrations_dir=self._migrations_dir or default_migrations_dir(),
            seed_file=seed_file,
        )

    async def _open_pool(self, user: str, max_size: int) -> psycopg_pool.AsyncConnectionPool:
        pool = psycopg_pool.AsyncConnectionPool(
            make_conninfo(self.cluster.conninfo, user=user),
            min_size=1,
            max_size=max_size,
            open=False,
            kwargs={"autocommit": True},
            check=psycopg_pool.AsyncConnectionPool.check_connection,
            timeout=10.0,
        )
        self._pools.append(pool)
        await pool.open(wait=True, timeout=30.0)
        return pool

    async def _build_app(self, keys: tokens.ProjectKeys) -> web.Application:
        app = web.Application(
            middlewares=[self.guard.middleware(), _gateway(keys)], client_max_size=MAX_BODY_BYTES
        )
        # As on hosted Supabase: GoTrue logs in as the auth schema's owner, PostgREST as
        # authenticator, Realtime as the superuser (its replication and RLS probes).
        auth_pool = await self._open_pool("supabase_auth_admin", max_size=4)
        rest_pool = await self._open_pool("authenticator", max_size=8)
        issuer = tokens.TokenIssuer(keys.jwt_secret, f"{self.api_url}/auth/v1", self._jwt_expiry)
        auth = AuthService(auth_pool, keys, issuer)
        auth.add_routes(app)
        FactorService(auth).add_routes(app)
        RestService(rest_pool, keys).add_routes(app)
        # The demo's read-only detail pages read past RLS, in read-only transactions.
        pages_pool = await self._open_pool("postgres", max_size=2)
        demo_admin.DemoAdminPages(pages_pool, keys.jwt_secret).add_routes(app)
        realtime = RealtimeService(self.cluster.conninfo, keys.jwt_secret)
        realtime.add_routes(app)
        self.components.append(realtime)
        return app

    async def stop(self) -> None:
        """Stop listening, then the components, the pools and Postgres (fast shutdown)."""
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        if self._runner is not None:
            await self._runner.cleanup()  # runs on_shutdown: the components stop there
            self._runner = None
        await self._stop_components()
        for pool in self._pools:
            await pool.close()
        self._pools.clear()
        await asyncio.to_thread(self.cluster.stop)

    async def _stop_components(self, _app: web.Application | None = None) -> None:
        """Runs before in-flight handlers are awaited, so open websockets end promptly."""
        while self._started:
            component = self._started.pop()
            try:
                await component.stop()
            except Exception:
                log.exception("stopping %r failed", component)


def _gateway(keys: tokens.ProjectKeys) -> Middleware:
    """Kong's part: API-key check on Auth and REST, JSON bodies for every error, no crash.

    A body is read here, within ``BODY_TIMEOUT_S`` (cached for the handler), so a
    client that stalls mid-body gets 408 and its connection closed.
    """
    known_keys = {keys.anon_key, keys.service_role_key}

    @web.middleware
    async def gateway(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith(_GATED) and not request.path.startswith(_KEYLESS):
            key = request.headers.get("apikey") or request.query.get("apikey")
            if not key:
                return json_response({"message": "No API key found in request"}, status=401)
            if key not in known_keys:
                return json_response({"message": "Invalid authentication credentials"}, status=401)
        try:
            if request.body_exists:
                await read_body(request)
            return await handler(request)
        except BodyTimeout as err:
            response = json_response({"message": str(err)}, status=408)
            response.force_close()
            return response
        except web.HTTPNotFound:
            return json_response({"message": "no Route matched with those values"}, status=404)
        except web.HTTPException as exc:
            if exc.status < 400:
                raise
            return json_response({"message": exc.reason}, status=exc.status)
        except Exception:
            log.exception("unhandled error on %s %s", request.method, request.path)
            return json_response({"message": "An unexpected error occurred"}, status=500)

    return gateway
