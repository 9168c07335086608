"""Background tasks whose failure is seen: one helper for the app, the sync and the CLI.

A task created with ``asyncio.create_task`` and forgotten fails in silence (or
with "Task exception was never retrieved" at garbage collection). Every task
the app starts in the background goes through :class:`BackgroundTasks`: it is
kept referenced until it ends, its failure is logged at ERROR with the
traceback and what it was doing (the tests fail on any such line they did not
expect), and ``close`` cancels whatever is still running and waits for it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger(__name__)


class BackgroundTasks:
    """The tasks one owner (the app, a sync) started and has not seen end."""

    def __init__(self, owner: str, *, expected: tuple[type[BaseException], ...] = ()) -> None:
        """``expected``: failures that are part of the job (a request cut by a network
        loss, which a reconnect retries): logged as a WARNING without a traceback."""
        self._owner = owner
        self._expected = expected
        self._tasks: dict[asyncio.Task[Any], str] = {}

    def __len__(self) -> int:
        return len(self._tasks)

    def spawn(self, coroutine: Coroutine[Any, Any, Any], what: str) -> asyncio.Task[Any]:
        """Run ``coroutine`` in the background; ``what`` names it in the failure's log line."""
        task = asyncio.get_running_loop().create_task(coroutine, name=f"{self._owner}: {what}")
        self._tasks[task] = what
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        what = self._tasks.pop(task, task.get_name())
        if task.cancelled():
            return
        error = task.exception()
        if isinstance(error, self._expected):
            log.warning("%s: %s failed: %s", self._owner, what, error)
        elif error is not None:
            log.error("%s: %s failed", self._owner, what, exc_info=error)

    async def close(self) -> None:
        """Cancel what still runs and wait for it (a failure that already happened is logged)."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
