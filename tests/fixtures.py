"""Pytest plugin: the real devstack, run as a subprocess, for integration tests.

Registered in ``tests/conftest.py``. Mark tests that use it with
``@pytest.mark.devstack``. Stable API (other suites depend on it):

* ``devstack`` (session): a running, seeded :class:`DevstackProcess` on a
  free port with a fresh data dir under /tmp. Attributes ``api_url``,
  ``anon_key``, ``service_role_key``, ``db_url`` (a libpq URL psycopg
  accepts), ``jwt_secret``, ``data_dir``, ``port``; methods ``stop()``
  (SIGTERM, clean Postgres stop), ``start()`` (same data dir, same port),
  ``kill()`` (SIGKILL the server and crash-stop Postgres: a power cut),
  ``create_user(admin=...)`` (through the Auth admin API, as a hosted project
  would) and ``require_aal2(on)`` (the contract's "admins need aal2" switch, off
  in the seed; as the service role), or ``with aal2_demanded():`` for a block.
  A test that stops or kills it must ``start()`` it again before it ends; one
  that turns aal2 on turns it off again.
* ``aal2_required`` (function): the "admins need aal2" switch on for the test,
  off again after.
* ``admin_user`` / ``customer_user`` (session): a fresh admin
  (``app_metadata.role = "admin"``) and a fresh non-admin, as
  :class:`DevstackUser` (``id``, ``email``, ``password``).
* ``supabase_client(devstack, key=None)``: async context manager yielding the
  official ``create_async_client`` on the devstack (anon key by default), with
  its HTTP connections closed on exit (the client itself has no close).
* ``private_devstack(prefix="lia-devstack-")``: context manager with a devstack of
  its own, started, then destroyed (for a module's scope or a benchmark).
* ``devstack_factory`` (function): ``devstack_factory(jwt_expiry=20, seed=False)``
  starts another private devstack (own data dir and port), stopped at teardown;
  for tests that need short-lived tokens or must not disturb the shared one.
"""

from __future__ import annotations

import json
import secrets
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

import httpx
import psycopg
import pytest

from lia_desktop.devstack.postgres import PostgresCluster
from supabase import AsyncClient, AsyncClientOptions, create_async_client

REPO_ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 120.0
STOP_TIMEOUT = 60.0


@dataclass(frozen=True)
class DevstackUser:
    id: str
    email: str
    password: str


class DevstackProcess:
    """One ``python -m lia_desktop.devstack start --json`` child process and what it printed."""

    def __init__(
        self, data_dir: Path, *, port: int = 0, seed: bool = True, jwt_expiry: int | None = None
    ) -> None:
        self.data_dir = data_dir
        self.port = port
        self.seed = seed
        self.jwt_expiry = jwt_expiry
        self.log_path = data_dir.with_name(data_dir.name + ".log")
        self.info: dict[str, Any] = {}
        self.returncode: int | None = None  # of the last process, once reaped
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    # -- what `supabase status` would print ---------------------------------------------

    @property
    def api_url(self) -> str:
        return str(self.info["API_URL"])

    @property
    def anon_key(self) -> str:
        return str(self.info["ANON_KEY"])

    @property
    def service_role_key(self) -> str:
        return str(self.info["SERVICE_ROLE_KEY"])

    @property
    def db_url(self) -> str:
        return str(self.info["DB_URL"])

    @property
    def jwt_secret(self) -> str:
        return str(self.info["JWT_SECRET"])

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self) -> int | None:
        return None if self._proc is None else self._proc.pid

    # -- lifecycle ------------------------------------------------------------------

    def command(self) -> list[str]:
        cmd = [sys.executable, "-m", "lia_desktop.devstack", "start", "--json"]
        cmd += ["--port", str(self.port), "--data-dir", str(self.data_dir)]
        if not self.seed:
            cmd.append("--no-seed")
        if self.jwt_expiry is not None:
            cmd += ["--jwt-expiry", str(self.jwt_expiry)]
        return cmd

    def start(self) -> None:
        """Start (or restart, on the same data dir and port) and wait for the ready line."""
        if self.running:
            raise RuntimeError("the devstack is already running")
        self._log = self.log_path.open("ab")
        self._proc = subprocess.Popen(
            self.command(), stdout=subprocess.PIPE, stderr=self._log, cwd=REPO_ROOT
        )
        line = self._ready_line()
        self.info = json.loads(line)
        self.port = urlsplit(self.api_url).port or self.port

    def _ready_line(self) -> str:
        assert self._proc is not None
        assert self._proc.stdout is not None
        with selectors.DefaultSelector() as selector:
            selector.register(self._proc.stdout, selectors.EVENT_READ)
            ready = selector.select(START_TIMEOUT)
        line = self._proc.stdout.readline().decode() if ready else ""
        if not line.startswith("{"):
            self._reap(signal.SIGKILL)
            raise RuntimeError(f"the devstack did not start; log:\n{self.log_tail()}")
        return line

    def stop(self) -> None:
        """SIGTERM, as an admin's Ctrl-C: the server stops Postgres cleanly."""
        self._reap(signal.SIGTERM)

    def kill(self) -> None:
        """A crash of the whole backend: SIGKILL the server, then stop Postgres in immediate mode."""
        self._reap(signal.SIGKILL)
        PostgresCluster(self.data_dir).kill()

    def _reap(self, signum: int) -> None:
        if self._proc is not None:
            if self._proc.poll() is None:
                self._proc.send_signal(signum)
            try:
                self._proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
            if self._proc.stdout is not None:
                self._proc.stdout.close()
            self.returncode = self._proc.returncode
            self._proc = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def destroy(self) -> None:
        self.stop()
        PostgresCluster(self.data_dir).destroy()
        self.log_path.unlink(missing_ok=True)

    def log_tail(self, chars: int = 4000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:] if self.log_path.exists() else ""

    # -- users through the Auth admin API -----------------------------------------------

    def admin_request(self, method: str, path: str, body: Any = None) -> httpx.Response:
        """A request to ``/auth/v1/admin/...`` with the service-role key."""
        headers = {
            "apikey": self.service_role_key,
            "Authorization": f"Bearer {self.service_role_key}",
            "X-Supabase-Api-Version": "2024-01-01",
        }
        return httpx.request(
            method, f"{self.api_url}/auth/v1/admin/{path}", json=body, headers=headers, timeout=30
        )

    def require_aal2(self, required: bool) -> None:
        """The "admins need aal2" switch, set through the API as the service role."""
        key = self.service_role_key
        answer = httpx.post(
            f"{self.api_url}/rest/v1/rpc/admin_set_aal2_requirement",
            headers={"apikey": key, "Authorization": f"Bearer {key}"},
            json={"required": required},
            timeout=30,
        )
        assert answer.json() == {"admins_need_aal2": required}, answer.text

    @contextmanager
    def aal2_demanded(self) -> Iterator[None]:
        """The switch on for a block and off again after, whatever the block raised: the
        rest of the suite signs in with a password only."""
        self.require_aal2(True)
        try:
            yield
        finally:
            self.require_aal2(False)

    def unread_ids(self, admin_id: str) -> set[int]:
        """The notifications ``admin_id`` has not read, as the database says: the truth the
        app's badge and list are compared with."""
        with psycopg.connect(self.db_url) as db:
            rows = db.execute(
                "select a.id from public.admin_notifications a where not exists"
                " (select 1 from public.admin_notification_reads r where r.admin_id = %s"
                "  and r.notification_id = a.id and r.read_at is not null)",
                (admin_id,),
            ).fetchall()
        return {int(r[0]) for r in rows}

    def read_as(self, admin_id: str, ids: Iterable[int]) -> None:
        """``admin_id`` reads ``ids`` elsewhere (another device): the rows, written directly."""
        with psycopg.connect(self.db_url, autocommit=True) as db:
            for i in ids:
                db.execute(
                    "insert into public.admin_notification_reads (admin_id, notification_id)"
                    " values (%s, %s)"
                    " on conflict (admin_id, notification_id) do update set read_at = now()",
                    (admin_id, i),
                )

    def create_user(
        self, *, admin: bool = False, email: str | None = None, password: str | None = None
    ) -> DevstackUser:
        """A confirmed email user; ``admin`` sets ``app_metadata.role = "admin"``."""
        tag = secrets.token_hex(4)
        email = email or f"{'admin' if admin else 'customer'}-{tag}@lia.test"
        password = password or f"pw-{secrets.token_hex(8)}"
        body = {
            "email": email,
            "password": password,
            "email_confirm": True,
            "app_metadata": {"role": "admin" if admin else "customer"},
            "user_metadata": {"full_name": f"Test {'Admin' if admin else 'Customer'} {tag}"},
        }
        response = self.admin_request("POST", "users", body)
        response.raise_for_status()
        return DevstackUser(response.json()["id"], email, password)


@asynccontextmanager
async def supabase_client(
    devstack: DevstackProcess, key: str | None = None
) -> AsyncIterator[AsyncClient]:
    """The official client, unchanged, on one httpx client that is closed afterwards."""
    async with httpx.AsyncClient(timeout=30) as http:
        client = await create_async_client(
            devstack.api_url, key or devstack.anon_key, AsyncClientOptions(httpx_client=http)
        )
        yield client


def _new_data_dir(prefix: str = "lia-devstack-") -> Path:
    # Not pytest's tmp_path: its parents are mode 0700, and Postgres runs as another user.
    return Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))


@contextmanager
def private_devstack(prefix: str = "lia-devstack-") -> Iterator[DevstackProcess]:
    """A seeded devstack of its own (a fresh data dir /tmp/``prefix``…, a free port), started;
    destroyed and its files removed after, whatever happened."""
    process = DevstackProcess(_new_data_dir(prefix))
    try:
        process.start()
        yield process
    finally:
        process.destroy()
        shutil.rmtree(process.data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def devstack() -> Iterator[DevstackProcess]:
    with private_devstack() as process:
        yield process


#: Every admin RPC of the server contract (supabase/README.md), with valid arguments.
ADMIN_RPCS: dict[str, dict[str, Any]] = {
    "admin_dashboard_stats": {},
    "admin_notifications_after": {"after_id": 0, "max_rows": 5},
    "admin_notifications_before": {"before_id": None, "max_rows": 5, "unread_only": True},
    "admin_unread_count": {},
    "admin_mark_read": {"ids": [1, 2]},
    "admin_mark_all_read": {"up_to_id": 1},
    "admin_mark_unread": {"ids": [1]},
}


@pytest.fixture(scope="session")
def admin_user(devstack: DevstackProcess) -> DevstackUser:
    return devstack.create_user(admin=True)


@pytest.fixture(scope="session")
def customer_user(devstack: DevstackProcess) -> DevstackUser:
    return devstack.create_user(admin=False)


@pytest.fixture
def aal2_required(devstack: DevstackProcess) -> Iterator[None]:
    with devstack.aal2_demanded():
        yield


@pytest.fixture
def devstack_factory() -> Iterator[Callable[..., DevstackProcess]]:
    started: list[DevstackProcess] = []

    def start(**options: Any) -> DevstackProcess:
        process = DevstackProcess(_new_data_dir(), **options)
        started.append(process)
        process.start()
        return process

    yield start
    for process in started:
        process.destroy()
