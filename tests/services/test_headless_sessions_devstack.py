"""Acceptance: the headless commands and the desktop app share an account, not a session.

An admin who runs ``lia-desktop doctor`` or ``watch`` in a terminal while the
tray app is signed in with the same account must find the app still signed in
afterwards: the commands sign in with their own password-grant session, never
read or write the app's keyring entries, and end only their own session. The
app's sign-out likewise ends only this device's session.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from supabase_auth.errors import AuthApiError

from lia_desktop.services.auth import AuthSession
from tests.fixtures import DevstackProcess, DevstackUser, supabase_client
from tests.services.commands import Watch, command_env, connection_args, lia_desktop
from tests.services.conftest import server_sessions
from tests.services.keyrings import FileKeyring, MemoryKeyring

pytestmark = pytest.mark.devstack


def keyring_backend_of_a_command(env: dict[str, str]) -> str:
    """The backend a command started with ``env`` uses (so this test cannot pass vacuously)."""
    script = "import keyring; print(type(keyring.get_keyring()).__name__)"
    return subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()


async def test_doctor_and_watch_leave_the_apps_session_and_keyring_alone(
    devstack: DevstackProcess, file_keyring: FileKeyring
) -> None:
    admin = devstack.create_user(admin=True)
    app = await AuthSession.open(devstack.api_url, devstack.anon_key)
    try:
        await app.sign_in(admin.email, admin.password)
        await run_doctor_and_watch_beside(app, admin, devstack, file_keyring)
    finally:
        await app.close()
    # the next launch signs in silently with the token the app stored
    next_launch = await AuthSession.open(devstack.api_url, devstack.anon_key)
    try:
        identity = await next_launch.restore()
        assert identity is not None
        assert identity.email == admin.email
    finally:
        await next_launch.sign_out()
        await next_launch.close()


async def run_doctor_and_watch_beside(
    app: AuthSession, admin: DevstackUser, devstack: DevstackProcess, ring: FileKeyring
) -> None:
    stored = ring.entries()
    assert len(stored) == 2, stored  # the app's refresh token and its last email
    [app_session] = server_sessions(devstack.db_url, admin.id)
    env = command_env(LIA_ADMIN_PASSWORD=admin.password)
    assert keyring_backend_of_a_command(env) == "FileKeyring"
    target = connection_args(devstack.api_url, devstack.anon_key, admin.email)

    doctor = await lia_desktop("doctor", *target, env=env)
    assert doctor.code == 0, (doctor.stdout, doctor.stderr)
    assert ring.entries() == stored
    assert server_sessions(devstack.db_url, admin.id) == [app_session]

    watch = await Watch.start(
        *target, "--password-stdin", env=command_env(), stdin=admin.password + "\n"
    )
    await watch.until_live()
    during = server_sessions(devstack.db_url, admin.id)
    assert len(during) == 2  # its own session, beside the app's
    assert app_session in during
    assert await watch.stop() == 0, watch.stderr
    assert ring.entries() == stored
    assert server_sessions(devstack.db_url, admin.id) == [app_session]
    await app.refresh()  # the running app's session still works


async def test_the_apps_sign_out_ends_only_this_devices_session(
    devstack: DevstackProcess, memory_keyring: MemoryKeyring
) -> None:
    admin = devstack.create_user(admin=True)
    laptop = await AuthSession.open(devstack.api_url, devstack.anon_key)
    desktop = await AuthSession.open(devstack.api_url, devstack.anon_key, persist=False)
    try:
        await laptop.sign_in(admin.email, admin.password)
        await desktop.sign_in(admin.email, admin.password)
        [laptop_token] = [
            v for (_, k), v in memory_keyring.entries.items() if "last-email" not in k
        ]
        assert len(server_sessions(devstack.db_url, admin.id)) == 2

        outcome = await laptop.sign_out()

        assert outcome.server_ended, outcome
        assert outcome.forgotten, outcome
        assert memory_keyring.entries == {}
        assert len(server_sessions(devstack.db_url, admin.id)) == 1
        await desktop.refresh()  # the other device's session is untouched
        async with supabase_client(devstack) as other:
            with pytest.raises(AuthApiError):  # the laptop's refresh token is dead
                await other.auth.refresh_session(laptop_token)
    finally:
        await desktop.sign_out()
        await desktop.close()
        await laptop.close()
