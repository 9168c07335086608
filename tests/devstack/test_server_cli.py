"""The ``lia-devstack`` process: ready output, reuse of its data dir, clean stops, crashes."""

from __future__ import annotations

import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from lia_desktop.devstack.database import default_migrations_dir
from tests.fixtures import REPO_ROOT, DevstackProcess

pytestmark = pytest.mark.devstack

STATUS_KEYS = ["API_URL", "ANON_KEY", "SERVICE_ROLE_KEY", "DB_URL", "JWT_SECRET"]


@pytest.fixture
def data_dir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="lia-devstack-cli-", dir="/tmp"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def sign_in(devstack: DevstackProcess, email: str, password: str) -> httpx.Response:
    return httpx.post(
        f"{devstack.api_url}/auth/v1/token?grant_type=password",
        json={"email": email, "password": password},
        headers={"apikey": devstack.anon_key},
        timeout=30,
    )


def postgres_running(data_dir: Path) -> bool:
    return (data_dir / "pgdata" / "postmaster.pid").exists()


def test_prints_status_lines_and_stops_postgres_on_sigterm(data_dir: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "lia_desktop.devstack", "start", "--port", "0", "--no-seed",
         "--data-dir", str(data_dir)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO_ROOT,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline().rstrip("\n") for _ in STATUS_KEYS]
        status = dict(line.split("=", 1) for line in lines)
        assert list(status) == STATUS_KEYS
        assert status["API_URL"].startswith("http://127.0.0.1:")
        assert httpx.get(f"{status['API_URL']}/nowhere", timeout=10).status_code == 404
        assert postgres_running(data_dir)
    finally:
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 0, stderr
    assert not postgres_running(data_dir)


def test_a_second_start_reuses_the_data_dir(
    devstack_factory: Callable[..., DevstackProcess],
) -> None:
    devstack = devstack_factory(seed=False)
    migrations = sorted(path.name for path in default_migrations_dir().glob("*.sql"))
    assert devstack.info["MIGRATIONS_APPLIED"] == migrations
    secret_file = devstack.data_dir / "jwt_secret"
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    user = devstack.create_user(admin=True)
    first = dict(devstack.info)

    devstack.stop()
    assert devstack.returncode == 0
    assert not postgres_running(devstack.data_dir)
    devstack.start()

    assert devstack.info["MIGRATIONS_APPLIED"] == []  # recorded, not re-run
    for key in STATUS_KEYS:
        assert devstack.info[key] == first[key], key  # same port, keys and secret
    assert sign_in(devstack, user.email, user.password).status_code == 200


def test_restart_after_a_crash_on_the_same_port(
    devstack_factory: Callable[..., DevstackProcess],
) -> None:
    devstack = devstack_factory(seed=False, jwt_expiry=20)
    user = devstack.create_user()
    port = devstack.port
    devstack.kill()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{devstack.api_url}/auth/v1/user", timeout=5)

    devstack.start()
    assert devstack.port == port
    session = sign_in(devstack, user.email, user.password).json()
    assert session["expires_in"] == 20  # --jwt-expiry survives the restart
    assert session["expires_at"] - time.time() <= 20


def test_a_busy_port_fails_cleanly(devstack: DevstackProcess, data_dir: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "lia_desktop.devstack", "start", "--port", str(devstack.port),
         "--data-dir", str(data_dir), "--no-seed"],
        capture_output=True, text=True, timeout=60, cwd=REPO_ROOT,
    )  # fmt: skip
    assert result.returncode == 1
    assert "lia-devstack:" in result.stderr
    assert "Address already in use" in result.stderr
    assert result.stdout == ""
    assert not postgres_running(data_dir)
    assert httpx.get(f"{devstack.api_url}/nowhere", timeout=10).status_code == 404


def test_console_script_is_installed() -> None:
    script = Path(sys.executable).with_name("lia-devstack")
    result = subprocess.run([str(script), "start", "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    for option in ("--port", "--data-dir", "--no-seed", "--json", "--jwt-expiry"):
        assert option in result.stdout
