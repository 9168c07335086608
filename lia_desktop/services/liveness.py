"""The data-path probe: while "Live", prove that committed notifications arrive (core.liveness).

Run by the live session beside the supervisor. One light request per
``ProbePolicy.interval`` (the newest notification id, one indexed row), and
only while the connection says Live: that is when a deaf data path would be a
lie. A server ahead after the grace rebuilds the socket (its resubscribe
catches up); a server behind (reset, restore) runs a catch-up, which resets
the cursor. Whatever made the path deaf, this notices within
``interval + grace`` seconds.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from lia_desktop.core.liveness import ProbePolicy, Verdict, compare
from lia_desktop.core.models import ConnectionPhase
from lia_desktop.services.api import AdminApi
from lia_desktop.services.errors import ServiceError
from lia_desktop.services.supervisor import RealtimeSupervisor
from lia_desktop.services.sync import Sync

log = logging.getLogger(__name__)


async def probe_data_path(
    api: AdminApi,
    sync: Sync,
    supervisor: RealtimeSupervisor,
    policy: ProbePolicy,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> None:
    """Forever: compare the server's newest id with what arrived, and heal a difference."""
    while True:
        await sleep(policy.interval)
        if supervisor.state.phase is not ConnectionPhase.LIVE or sync.catching_up:
            continue
        try:
            newest = await api.newest_id()
        except ServiceError as error:  # the connection's own trouble: the supervisor's to heal
            log.info("data-path probe skipped: %s", error)
            continue
        match compare(newest, sync.arrived):
            case Verdict.SERVER_AHEAD:
                await sleep(policy.grace)  # a commit in flight arrives within it
                if compare(newest, sync.arrived) is Verdict.SERVER_AHEAD:
                    log.warning(
                        "the data path is deaf: the server has notification %d, this app %d",
                        newest,
                        sync.arrived,
                    )
                    supervisor.data_path_stalled("committed notifications stopped arriving")
            case Verdict.SERVER_BEHIND:
                sync.request_catch_up("the server's newest notification went back")
            case Verdict.IN_STEP:
                pass
