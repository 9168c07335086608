"""The admins' presence channel ``admins_on_duty`` (issue 17, migration 20261130160000).

Three admins' realtime-py clients join it keyed by their ids, as the app does: each
sees the others, and one whose socket goes is gone from everyone's state (one whose
socket stays open but silent, a laptop that slept, at the idle timeout). Customers,
the anon key and (while admins need aal2) an aal1 admin are refused at join, as a
hosted project answers; a public join of the same topic shares nothing with it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from typing import Any

import jwt
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from realtime import AsyncRealtimeChannel, AsyncRealtimeClient

from lia_desktop.devstack.realtime import RealtimeService
from tests.devstack.realtime_clients import Inbox, Statuses, realtime_client, user_token
from tests.fixtures import DevstackProcess, DevstackUser

pytestmark = pytest.mark.devstack

TOPIC = "admins_on_duty"
REFUSED = f"Unauthorized: You do not have permissions to read from this Channel topic: {TOPIC}"


def options(key: str, *, private: bool = True) -> dict[str, Any]:
    return {"config": {"private": private, "presence": {"key": key, "enabled": True}}}


class Member:
    """One admin's client on the channel: its presence states as they sync."""

    def __init__(self, client: AsyncRealtimeClient, key: str, *, private: bool = True) -> None:
        self.client = client
        self.key = key
        self.states = Inbox()
        self.channel: AsyncRealtimeChannel = client.channel(TOPIC, options(key, private=private))
        self.channel.on_presence_sync(lambda: self.states(dict(self.channel.presence_state())))

    async def join(self, meta: dict[str, Any]) -> None:
        statuses = Statuses()
        await self.channel.subscribe(statuses)
        await statuses.reached("SUBSCRIBED")
        await self.channel.track(meta)

    async def sees(self, keys: set[str], within: float = 10.0) -> dict[str, Any]:
        state: dict[str, Any] = await self.states.wait_for(lambda s: set(s) == keys, within)
        return state

    def forget(self) -> None:
        """From now on only new states count (an older one may have had the same keys)."""
        self.states.items.clear()


@pytest.fixture
async def three_admins(
    devstack: DevstackProcess, admin_user: DevstackUser
) -> AsyncIterator[list[Member]]:
    others = [await asyncio.to_thread(devstack.create_user, admin=True) for _ in range(2)]
    async with AsyncExitStack() as stack:
        members = []
        for user in (admin_user, *others):
            token = user_token(devstack, user.id, admin=True)
            client = await stack.enter_async_context(realtime_client(devstack, token))
            members.append(Member(client, user.id))
        yield members


async def test_each_admin_sees_the_others_and_a_lost_socket_leaves_within_seconds(
    three_admins: list[Member],
) -> None:
    ana, luis, marta = three_admins
    for member, duty in zip(three_admins, ("available", "away", "available"), strict=True):
        await member.join({"duty": duty})
    everyone = {m.key for m in three_admins}
    for member in three_admins:
        state = await member.sees(everyone)
        assert state[luis.key][0]["duty"] == "away"

    await luis.channel.track({"duty": "available"})  # a duty change is a retrack
    await ana.states.wait_for(lambda s: s.get(luis.key, [{}])[0].get("duty") == "available")

    connection = marta.client._ws_connection
    assert connection is not None
    ana.forget()
    luis.forget()
    started = time.monotonic()
    connection.transport.abort()  # the app killed or the network cut: no leave, no close
    await ana.sees(everyone - {marta.key})
    await luis.sees(everyone - {marta.key})
    gone_after = time.monotonic() - started
    assert gone_after < 3.0
    print(f"\nan aborted socket left the others' presence in {gone_after * 1000:.0f} ms")

    ana.forget()
    started = time.monotonic()
    await luis.client.close()  # quitting or signing out closes the socket
    await ana.sees({ana.key})
    print(
        f"a closed socket left the others' presence in {(time.monotonic() - started) * 1000:.0f} ms"
    )


async def test_customers_anon_and_aal1_admins_are_refused(
    devstack: DevstackProcess,
    admin_user: DevstackUser,
    customer_user: DevstackUser,
    aal2_required: None,
) -> None:
    admin = user_token(devstack, admin_user.id, admin=True)
    claims = jwt.decode(admin, options={"verify_signature": False})
    with_aal2 = jwt.encode({**claims, "aal": "aal2"}, devstack.jwt_secret, algorithm="HS256")
    customer = user_token(devstack, customer_user.id, admin=False)
    for token in (customer, None, admin):  # admin: aal1 while the project demands aal2
        async with realtime_client(devstack, token) as client:
            statuses = Statuses()
            await client.channel(TOPIC, options(admin_user.id)).subscribe(statuses)
            _, error = await statuses.reached("CHANNEL_ERROR")
            assert REFUSED in str(error)
    async with realtime_client(devstack, with_aal2) as client:
        await Member(client, admin_user.id).join({"duty": "available"})


async def test_a_public_join_of_the_topic_neither_sees_nor_joins_the_admins(
    devstack: DevstackProcess, admin_user: DevstackUser, customer_user: DevstackUser
) -> None:
    admin = user_token(devstack, admin_user.id, admin=True)
    customer = user_token(devstack, customer_user.id, admin=False)
    async with (
        realtime_client(devstack, admin) as ours,
        realtime_client(devstack, customer) as theirs,
    ):
        watcher = Member(ours, admin_user.id)
        await watcher.join({"duty": "available"})
        intruder = Member(theirs, admin_user.id, private=False)  # posing as the admin
        await intruder.join({"duty": "available"})
        seen = await intruder.sees({admin_user.id})
        assert len(seen[admin_user.id]) == 1  # its own meta only: the admins' is not there
        await watcher.channel.track({"duty": "away"})
        await watcher.states.wait_for(
            lambda s: [m["duty"] for m in s.get(admin_user.id, [])] == ["away"]
        )
        assert len(watcher.channel.presence_state()[admin_user.id]) == 1  # not the intruder's


async def keep_talking(client: AsyncRealtimeClient, every: float) -> None:
    """Websocket pings (as the app sends them), more often than realtime-py's 15 s floor."""
    while client._ws_connection is not None:
        await client._ws_connection.ping()
        await asyncio.sleep(every)


async def test_a_silent_socket_leaves_at_the_idle_timeout(
    devstack: DevstackProcess, admin_user: DevstackUser
) -> None:
    """A laptop closed with its socket open sends no FIN: hosted Realtime (Phoenix's 60 s
    websocket timeout) closes the socket once nothing came for that long; here 2 s."""
    idle = 2.0
    service = RealtimeService(devstack.db_url, devstack.jwt_secret, idle_timeout=idle)
    app = web.Application()
    service.add_routes(app)
    await service.start()
    other = await asyncio.to_thread(devstack.create_user, admin=True)
    async with AsyncExitStack() as stack:
        stack.push_async_callback(service.stop)
        server = await stack.enter_async_context(TestServer(app, host="127.0.0.1"))
        endpoint = str(server.make_url("/realtime/v1")).replace("http://", "ws://")
        members = []
        for user in (admin_user, other):
            client = AsyncRealtimeClient(endpoint, devstack.anon_key, auto_reconnect=False)
            await client.connect()
            stack.push_async_callback(client.close)
            talking = asyncio.create_task(keep_talking(client, idle / 4))
            stack.callback(talking.cancel)
            await client.set_auth(user_token(devstack, user.id, admin=True))
            members.append((Member(client, user.id), talking))
        (awake, _), (asleep, asleep_talking) = members
        for member, _ in members:
            await member.join({"duty": "available"})
        await awake.sees({awake.key, asleep.key})
        assert asleep.client._heartbeat_task is not None
        asleep.client._heartbeat_task.cancel()  # silent from now on, its socket open
        asleep_talking.cancel()
        awake.forget()
        started = time.monotonic()
        await awake.sees({awake.key}, within=idle + 5)
        gone_after = time.monotonic() - started
        assert idle * 0.8 < gone_after < idle + 2  # not before: awake kept talking
        print(f"\na silent socket left after {gone_after:.2f} s (idle timeout {idle} s)")
