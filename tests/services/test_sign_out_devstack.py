"""Sign-out on a full disk: the server session ends anyway, and nothing crashes.

A file-backed keyring on a full disk raises on every write and delete, and the
cursor file cannot be saved either. The app closes the sync (saving the
cursor) and then signs out; before, the first failure raised, the sign-out
never reached the server and the refresh token stayed valid. Now the server
session ends first, local failures are logged and returned for the admin to
read, and the old refresh token is refused by the server.
"""

from __future__ import annotations

import asyncio
import errno
import logging
from pathlib import Path

import keyring.errors
import pytest
from supabase_auth.errors import AuthApiError

from lia_desktop.services.auth import KEYRING_SERVICE, AuthSession
from tests.fixtures import DevstackProcess, supabase_client
from tests.services.conftest import Marketplace, server_sessions, services_app
from tests.services.keyrings import FailingKeyring

pytestmark = pytest.mark.devstack

DISK_FULL = OSError(errno.ENOSPC, "No space left on device")


async def assert_refresh_token_dead(devstack: DevstackProcess, refresh_token: str) -> None:
    async with supabase_client(devstack) as other:
        with pytest.raises(AuthApiError) as refused:
            await other.auth.refresh_session(refresh_token)
    assert refused.value.code in {"session_not_found", "refresh_token_not_found"}


@pytest.mark.parametrize(
    "failure",
    [DISK_FULL, keyring.errors.PasswordDeleteError("the keyring file could not be written")],
    ids=["oserror", "keyring-error"],
)
async def test_a_keyring_that_cannot_delete_does_not_keep_the_session_alive(
    devstack: DevstackProcess,
    failing_keyring: FailingKeyring,
    caplog: pytest.LogCaptureFixture,
    failure: Exception,
) -> None:
    admin = devstack.create_user(admin=True)
    token_key = f"{devstack.api_url}|{admin.email}"
    session = await AuthSession.open(devstack.api_url, devstack.anon_key)
    told: list[str | None] = []
    try:
        await session.sign_in(admin.email, admin.password)
        refresh_token = failing_keyring.entries[(KEYRING_SERVICE, token_key)]
        assert len(server_sessions(devstack.db_url, admin.id)) == 1
        session.on_token_changed(told.append)
        failing_keyring.failure = failure

        with caplog.at_level(logging.WARNING):
            outcome = await session.sign_out()

        assert outcome.server_ended
        assert not outcome.forgotten
        assert outcome.message is not None
        assert str(failure) in outcome.message
        assert outcome.message.endswith("; it no longer works")
        assert failing_keyring.attempts == [
            f"delete {token_key}",
            f"delete {devstack.api_url}|last-email",
        ]
        assert "could not delete a sign-in from the OS keyring" in caplog.text
        assert server_sessions(devstack.db_url, admin.id) == []
        await assert_refresh_token_dead(devstack, refresh_token)
        assert session.access_token is None
        assert told == [None]  # the UI hears "signed out"
    finally:
        await session.close()


async def test_sign_in_and_refresh_survive_a_keyring_that_cannot_write(
    devstack: DevstackProcess, failing_keyring: FailingKeyring, caplog: pytest.LogCaptureFixture
) -> None:
    admin = devstack.create_user(admin=True)
    failing_keyring.failure = DISK_FULL
    session = await AuthSession.open(devstack.api_url, devstack.anon_key)
    try:
        with caplog.at_level(logging.WARNING):
            identity = await session.sign_in(admin.email, admin.password)
            await session.refresh()
        assert identity.email == admin.email
        assert "sign-in will not be remembered" in caplog.text
        assert failing_keyring.entries == {}
    finally:
        outcome = await session.sign_out()
        await session.close()
    assert outcome.server_ended
    assert server_sessions(devstack.db_url, admin.id) == []


async def test_the_apps_sign_out_on_a_full_disk_ends_the_server_session(
    devstack: DevstackProcess,
    failing_keyring: FailingKeyring,
    market: Marketplace,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    admin = devstack.create_user(admin=True)
    full = tmp_path / "full-disk"
    full.write_text("")  # the cursor's folder is a file: every save fails, as on ENOSPC
    async with services_app(devstack, admin, data_dir=full) as app:
        await app.until_live()
        booking = await asyncio.to_thread(market.book)
        ids = await asyncio.to_thread(market.notification_for, "bookings", booking)
        await app.until_seen(set(ids))
        refresh_token = failing_keyring.entries[
            (KEYRING_SERVICE, f"{devstack.api_url}|{admin.email}")
        ]
        failing_keyring.failure = DISK_FULL

        # what the app's LiveSession.close(sign_out=True) does: close the sync, then sign out
        with caplog.at_level(logging.WARNING):
            await app.stop()
            outcome = await app.session.sign_out()

        assert "could not save the feed state" in caplog.text
        assert outcome.server_ended
        assert not outcome.forgotten
        assert "No space left on device" in (outcome.message or "")
        assert server_sessions(devstack.db_url, admin.id) == []
        await assert_refresh_token_dead(devstack, refresh_token)
