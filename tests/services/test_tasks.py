"""Background tasks: kept until they end, failures logged (expected ones as warnings)."""

from __future__ import annotations

import asyncio
import logging

import pytest

from lia_desktop.services.errors import NetworkUnreachable
from lia_desktop.services.tasks import BackgroundTasks


async def fail(error: BaseException) -> None:
    await asyncio.sleep(0)
    raise error


@pytest.mark.expect_errors(r"^app: refresh failed$")
async def test_a_failure_is_logged_with_what_it_was_doing(caplog: pytest.LogCaptureFixture) -> None:
    tasks = BackgroundTasks("app", expected=(NetworkUnreachable,))
    tasks.spawn(fail(RuntimeError("boom")), "refresh")
    tasks.spawn(fail(NetworkUnreachable("offline")), "catch-up")
    assert len(tasks) == 2
    for _ in range(5):
        await asyncio.sleep(0)
    assert len(tasks) == 0
    lines = {(r.levelno, r.getMessage()) for r in caplog.records if r.name.endswith("tasks")}
    assert lines == {
        (logging.ERROR, "app: refresh failed"),
        (logging.WARNING, "app: catch-up failed: offline"),
    }
    error = next(r for r in caplog.records if r.levelno == logging.ERROR)
    assert error.exc_info is not None  # the traceback goes with it


async def test_close_cancels_what_still_runs(caplog: pytest.LogCaptureFixture) -> None:
    tasks = BackgroundTasks("app")
    started = asyncio.Event()

    async def forever() -> None:
        started.set()
        await asyncio.sleep(3600)

    task = tasks.spawn(forever(), "wait")
    await started.wait()
    await tasks.close()
    assert task.cancelled()
    assert len(tasks) == 0
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
