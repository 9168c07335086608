"""Who is on duty now, as three signed-in apps see it (issue 17): the roster's duty kept
to the admins whose app is connected to the private presence channel ``admins_on_duty``.

Each app tracks itself keyed by its admin id with its duty in the meta (a watcher's
realtime-py client reads the metas), retracks when the duty changes, and is gone from
the others' list as soon as it signs out.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from lia_desktop.core.duty import OnDuty, on_duty_now
from lia_desktop.core.models import ClaimBoard, Duty
from lia_desktop.services.auth import AuthSession
from lia_desktop.services.session import LiveSession
from lia_desktop.services.supervisor import DUTY_CHANNEL
from tests.devstack.realtime_clients import Inbox, realtime_client, user_token
from tests.fixtures import DevstackProcess, DevstackUser
from tests.services.conftest import FAST_POLICY, WEB_ADMIN, Recorder

pytestmark = pytest.mark.devstack


class TeamApp:
    """One admin's live session and the boards it published."""

    def __init__(self, live: LiveSession) -> None:
        self.live = live
        self.boards: list[ClaimBoard] = []
        self.changed = asyncio.Event()

    def on_claims(self, board: ClaimBoard) -> None:
        self.boards.append(board)
        self.changed.set()

    async def until(self, predicate: Callable[[tuple[OnDuty, ...]], bool]) -> float:
        """Seconds until the board's on-duty list satisfies ``predicate`` (10 s at most)."""
        started = time.monotonic()
        async with asyncio.timeout(10):
            while not (self.boards and predicate(on_duty_now(self.boards[-1]))):
                self.changed.clear()
                await self.changed.wait()
        return time.monotonic() - started


@asynccontextmanager
async def team_app(devstack: DevstackProcess, user: DevstackUser) -> AsyncIterator[TeamApp]:
    auth = await AuthSession.open(devstack.api_url, devstack.anon_key)
    await auth.sign_in(user.email, user.password)
    app: TeamApp | None = None

    def on_claims(board: ClaimBoard) -> None:
        assert app is not None
        app.on_claims(board)

    live = LiveSession.start(
        auth,
        Recorder(),
        anon_key=devstack.anon_key,
        web_admin_url=WEB_ADMIN,
        data_dir=Path(tempfile.mkdtemp(prefix="lia-feed-")),
        policy=FAST_POLICY,
        on_claims=on_claims,
    )
    app = TeamApp(live)
    try:
        yield app
    finally:
        if not live.task.done():
            await live.close(sign_out=True)


def names(people: tuple[OnDuty, ...]) -> dict[uuid.UUID, bool]:
    """Who is on duty, and whether away."""
    return {person.admin: person.away for person in people}


async def test_three_apps_see_each_other_on_duty_and_a_signed_out_one_leaves(
    devstack: DevstackProcess, admin_user: DevstackUser
) -> None:
    users = [admin_user, *[await asyncio.to_thread(devstack.create_user, admin=True) for _ in "ab"]]
    ids = [uuid.UUID(user.id) for user in users]
    ana, luis, marta = ids
    async with AsyncExitStack() as stack:
        watcher = await stack.enter_async_context(
            realtime_client(devstack, user_token(devstack, admin_user.id, admin=True))
        )
        metas = Inbox()
        channel = watcher.channel(
            DUTY_CHANNEL, {"config": {"private": True, "presence": {"key": "watcher"}}}
        )
        channel.on_presence_sync(lambda: metas(dict(channel.presence_state())))
        await channel.subscribe()

        apps = [await stack.enter_async_context(team_app(devstack, user)) for user in users]
        await apps[1].live.set_duty(Duty.AWAY)
        for app in apps[::2]:
            await app.live.set_duty(Duty.AVAILABLE)
        everyone = {ana: False, luis: True, marta: False}
        for app in apps:
            await app.until(lambda people: names(people) == everyone)
        await metas.wait_for(
            lambda state: [m.get("duty") for m in state.get(str(luis), [])] == ["away"]
        )

        await apps[1].live.set_duty(Duty.OFF_DUTY)  # a retrack: the others' metas follow
        await metas.wait_for(
            lambda state: [m.get("duty") for m in state.get(str(luis), [])] == ["off_duty"]
        )
        await apps[0].until(lambda people: names(people) == {ana: False, marta: False})

        metas.items.clear()  # only the states after the sign-out count
        started = time.monotonic()
        await apps[2].live.close(sign_out=True)
        await apps[0].until(lambda people: names(people) == {ana: False})
        await apps[1].until(lambda people: names(people) == {ana: False})
        gone_after = time.monotonic() - started
        assert gone_after < 5.0
        print(f"\nsigned out: gone from the others' on-duty lists in {gone_after * 1000:.0f} ms")
        assert marta in apps[0].boards[-1].duty  # still on the roster, just not connected
        state: dict[str, Any] = await metas.wait_for(lambda s: str(marta) not in s)
        assert {str(ana), str(luis)} <= state.keys()
