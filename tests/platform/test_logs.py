"""Redacted logs, crash reports and restarting services."""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from lia_desktop.core.backoff import BackoffPolicy
from lia_desktop.services import logs
from lia_desktop.services.logs import CrashReporter, configure_logging, redact, restart_on_crash

JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
    ".eyJzdWIiOiI3ZjNjIiwicm9sZSI6ImF1dGhlbnRpY2F0ZWQifQ"
    ".Qx0p1mB-2aV_9kLr8tEw3sYh6uJzN4cD5fG7hI8jK0"
)
SECRETS = (JWT, "v5zv7c3hk2ad", "hunter2", "s3cr3t", "dXNlcjpwYXNz")

REALISTIC = [
    (
        f'token response {{"access_token":"{JWT}","token_type":"bearer","expires_in":3600,'
        '"refresh_token":"v5zv7c3hk2ad","user":{"email":"ana@lia.co"}}',
        'token response {"access_token":"[REDACTED]","token_type":"bearer","expires_in":3600,'
        '"refresh_token":"[REDACTED]","user":{"email":"ana@lia.co"}}',
    ),
    (
        f"connecting to wss://abc.supabase.co/realtime/v1/websocket?apikey={JWT}&vsn=1.0.0",
        "connecting to wss://abc.supabase.co/realtime/v1/websocket?apikey=[REDACTED]&vsn=1.0.0",
    ),
    (
        'HTTP Request: POST https://abc.supabase.co/auth/v1/token?grant_type=refresh_token "HTTP/1.1 200 OK"',
        'HTTP Request: POST https://abc.supabase.co/auth/v1/token?grant_type=refresh_token "HTTP/1.1 200 OK"',
    ),
    (
        "db postgresql://postgres:s3cr3t@127.0.0.1:54322/postgres; host=/tmp/pg user=admin password=hunter2 dbname=lia",
        "db postgresql://postgres:[REDACTED]@127.0.0.1:54322/postgres; host=/tmp/pg user=admin password=[REDACTED] dbname=lia",
    ),
    (
        f'push {{"topic":"realtime:admin","event":"access_token","payload":{{"access_token":"{JWT}"}},"ref":"5"}}',
        'push {"topic":"realtime:admin","event":"access_token","payload":{"access_token":"[REDACTED]"},"ref":"5"}',
    ),
    (
        'sign in body "{\\"email\\": \\"ana@lia.co\\", \\"password\\": \\"hunter2 x\\"}"',
        'sign in body "{\\"email\\": \\"ana@lia.co\\", \\"password\\": \\"[REDACTED]\\"}"',
    ),
    (
        'curl -H "Authorization: Basic dXNlcjpwYXNz" -H "apikey: sb_publishable_x1y2z3"',
        'curl -H "Authorization: [REDACTED]" -H "apikey: [REDACTED]"',
    ),
    (f"stray {JWT} in text", "stray [REDACTED] in text"),
    ("proxy said Bearer abcdefgh12345678 was bad", "proxy said Bearer [REDACTED] was bad"),
]


@pytest.mark.parametrize(("line", "expected"), REALISTIC)
def test_redacts_realistic_lines(line: str, expected: str) -> None:
    assert redact(line) == expected
    assert redact(expected) == expected  # idempotent: the factory and the filter both apply it


@pytest.fixture
def root_logging() -> Iterator[None]:
    """configure_logging changes process-wide state: put it all back."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    factory = logging.getLogRecordFactory()
    yield
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)
    logging.setLogRecordFactory(factory)
    logging.captureWarnings(False)


@pytest.mark.expect_errors(r"sign in failed")
def test_log_file_holds_no_secret_from_any_logger(tmp_path: Path, root_logging: None) -> None:
    path = configure_logging(tmp_path, level=logging.DEBUG)
    assert path == tmp_path / "lia-desktop.log"
    lib = logging.getLogger("httpx.deep.child")  # a library's logger, not ours
    lib.debug("headers %s", {"apikey": JWT, "Authorization": f"Bearer {JWT}"})
    lib.info("refresh with %(body)s", {"body": {"refresh_token": "v5zv7c3hk2ad"}})
    try:
        raise ConnectionError(f"auth failed for postgresql://admin:s3cr3t@db/lia token={JWT}")
    except ConnectionError:
        logging.getLogger("lia_desktop.services.auth").exception("sign in failed password=hunter2")
    # A record that bypasses the factory (e.g. rebuilt from a dict) still meets the handler filter.
    logging.getLogger().handle(
        logging.makeLogRecord({"msg": "late password=hunter2", "levelno": logging.INFO})
    )
    lib.info("broken %s %s", "call")  # must not raise into the caller
    for handler in logging.getLogger().handlers:
        handler.flush()

    text = path.read_text()
    assert "headers {'apikey': '[REDACTED]', 'Authorization': '[REDACTED]'}" in text
    assert "ConnectionError: auth failed for postgresql://admin:[REDACTED]@db/lia" in text
    assert "late password=[REDACTED]" in text
    assert "log arguments did not fit" in text
    for secret in SECRETS:
        assert secret not in text


def test_log_file_rotates_at_a_megabyte(tmp_path: Path, root_logging: None) -> None:
    configure_logging(tmp_path)
    configure_logging(tmp_path)  # a second call replaces: doubled handlers would make 6 files
    line = "x" * 1000
    for _ in range(2500):
        logging.getLogger("lia_desktop").info(line)
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["lia-desktop.log", "lia-desktop.log.1", "lia-desktop.log.2"]
    assert all((tmp_path / f).stat().st_size <= logs.MAX_BYTES for f in files)


@pytest.mark.expect_errors(r"^unhandled ")
def test_crash_report_is_written_redacted(tmp_path: Path) -> None:
    reporter = CrashReporter(tmp_path, "1.2.3", clock=lambda: 0.0)
    try:
        raise RuntimeError(f"socket closed; access_token={JWT}")
    except RuntimeError as exc:
        path = reporter.write(exc, "service realtime")
    text = path.read_text()
    assert path.name.startswith("crash-19700101-000000-")
    assert text.startswith("LIA Desktop 1.2.3 crash report\nwhen: 19700101-000000 UTC\n")
    assert "context: service realtime" in text
    assert "RuntimeError: socket closed; access_token=[REDACTED]" in text
    assert 'raise RuntimeError(f"socket closed; access_token=' in text  # the source line
    assert JWT not in text


@pytest.mark.expect_errors(r"^unhandled ")
def test_crash_reports_are_pruned(tmp_path: Path) -> None:
    reporter = CrashReporter(tmp_path, "1")
    for _ in range(logs.KEEP_CRASH_REPORTS + 3):
        reporter.write(ValueError("x"), "test")
    assert len(list(tmp_path.glob("crash-*.txt"))) == logs.KEEP_CRASH_REPORTS


def test_unhandled_exception_in_main_thread_leaves_a_report(tmp_path: Path) -> None:
    code = (
        "import sys; from pathlib import Path\n"
        "from lia_desktop.services.logs import CrashReporter\n"
        "CrashReporter(Path(sys.argv[1]), 't').install()\n"
        "raise SystemError('password=hunter2')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    (report,) = tmp_path.glob("crash-*.txt")
    text = report.read_text()
    assert "context: main thread" in text
    assert "SystemError: password=[REDACTED]" in text


@pytest.mark.expect_errors(r"^unhandled ")
def test_unhandled_exception_in_a_thread_leaves_a_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reporter = CrashReporter(tmp_path, "1")
    monkeypatch.setattr(threading, "excepthook", reporter.thread_excepthook)

    def boom() -> None:
        raise KeyError("apikey=sb_secret_abc")

    worker = threading.Thread(target=boom, name="keyring-worker")
    worker.start()
    worker.join()
    (report,) = tmp_path.glob("crash-*.txt")
    assert "context: thread keyring-worker" in report.read_text()
    assert "sb_secret_abc" not in report.read_text()


def crash_reports(folder: Path) -> list[str]:
    return [p.read_text() for p in sorted(folder.glob("crash-*.txt"))]


@pytest.mark.expect_errors(r"^unhandled ")
async def test_asyncio_callback_exception_leaves_a_report(tmp_path: Path) -> None:
    reporter = CrashReporter(tmp_path, "1")
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(reporter.asyncio_handler)
    try:
        loop.call_soon(lambda: 1 / 0)
        await asyncio.sleep(0)
    finally:
        loop.set_exception_handler(None)
    (report,) = crash_reports(tmp_path)
    assert "ZeroDivisionError" in report
    assert "context: asyncio: Exception in callback" in report


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.mark.expect_errors(r"^unhandled ")
async def test_a_crashing_service_restarts_with_backoff_and_reports_each_crash(
    tmp_path: Path,
) -> None:
    clock = FakeTime()
    runs: list[float] = []

    async def realtime() -> None:
        runs.append(clock.now)
        if len(runs) == 3:
            clock.now += 120  # this run stays healthy for two minutes, then fails
        if len(runs) < 5:
            raise OSError(f"lost socket (Authorization: Bearer {JWT})")

    policy = BackoffPolicy(initial=1.0, cap=60.0, jitter=0.0, reset_after_healthy=60.0)
    await restart_on_crash(
        "realtime",
        realtime,
        CrashReporter(tmp_path, "1"),
        policy=policy,
        monotonic=clock.monotonic,
        sleep=clock.sleep,
    )
    assert len(runs) == 5
    assert clock.sleeps == [1.0, 2.0, 1.0, 2.0]  # the healthy run reset the backoff
    reports = crash_reports(tmp_path)
    assert len(reports) == 4
    assert all(JWT not in r for r in reports)


async def test_cancelling_a_restarting_service_stops_it(tmp_path: Path) -> None:
    started = asyncio.Event()

    async def forever() -> None:
        started.set()
        await asyncio.Event().wait()

    task = asyncio.create_task(restart_on_crash("sync", forever, CrashReporter(tmp_path, "1")))
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert crash_reports(tmp_path) == []


def test_customer_text_cannot_forge_or_hide_log_lines(tmp_path: Path, root_logging: None) -> None:
    path = configure_logging(tmp_path)
    forged = "fine\n2026-11-30 12:00:00 ERROR lia_desktop.app: admin signed out\r"
    logging.getLogger("lia_desktop.app").warning(
        "toast failed: %s / %s", forged, "pay \u202ehttps://evil.com\u202c"
    )
    for handler in logging.getLogger().handlers:
        handler.flush()
    (line,) = path.read_text().splitlines()
    assert line.endswith(
        "toast failed: fine\\n2026-11-30 12:00:00 ERROR lia_desktop.app: admin signed out\\r"
        " / pay https://evil.com"
    )
