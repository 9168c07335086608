"""Two-factor sign-in of the app's AuthSession against the devstack, with real TOTP codes.

The project's "admins need aal2" switch is on where a test says so (and off
again after). Each test has an admin of its own: verifying a factor ends the
admin's other aal1 sessions.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import jwt
import pyotp
import pytest
from supabase_auth.errors import AuthApiError

from lia_desktop.services.auth import FACTOR_NAME, KEYRING_SERVICE, AuthSession
from lia_desktop.services.errors import (
    CodeExpired,
    SecondFactorNotSetUp,
    SecondFactorRequired,
    TooManyAttempts,
    WrongCode,
    translate,
)
from tests.fixtures import DevstackProcess, DevstackUser
from tests.mfa import enrolled, offered_enrollment, wrong
from tests.services.keyrings import MemoryKeyring

pytestmark = pytest.mark.devstack


@pytest.fixture
def admin(devstack: DevstackProcess) -> DevstackUser:
    return devstack.create_user(admin=True)


@pytest.fixture
async def auth(devstack: DevstackProcess) -> AsyncIterator[AuthSession]:
    session = await AuthSession.open(devstack.api_url, devstack.anon_key)
    yield session
    await session.sign_out()
    await session.close()


def stored_token(ring: MemoryKeyring, devstack: DevstackProcess, user: DevstackUser) -> str | None:
    return ring.entries.get((KEYRING_SERVICE, f"{devstack.api_url}|{user.email.lower()}"))


async def test_enrollment_where_aal2_is_demanded_stores_only_the_aal2_session(
    devstack: DevstackProcess,
    admin: DevstackUser,
    auth: AuthSession,
    memory_keyring: MemoryKeyring,
    aal2_required: None,
) -> None:
    tokens: list[str | None] = []
    auth.on_token_changed(tokens.append)
    enrollment, totp = await offered_enrollment(auth, admin)
    assert enrollment.qr_svg.startswith(b"<svg")
    assert pyotp.parse_uri(enrollment.uri).secret == enrollment.secret
    assert auth.identity is None  # not signed in yet
    assert memory_keyring.entries == {}
    assert tokens == []
    with pytest.raises(WrongCode):
        await auth.verify_code(wrong(totp))
    with pytest.raises(WrongCode):
        await auth.verify_code("12345")  # not six digits: not even sent
    assert memory_keyring.entries == {}
    assert tokens == []
    code = totp.now()
    identity = await auth.verify_code(f" {code[:3]} {code[3:]}\n")  # as pasted
    assert identity.email == admin.email
    assert auth.assurance == "aal2"
    assert [jwt.decode(t or "", options={"verify_signature": False})["aal"] for t in tokens] == [
        "aal2"
    ]
    # the new refresh token is in the keyring at once
    refresh = auth._session.refresh_token if auth._session else None
    assert stored_token(memory_keyring, devstack, admin) == refresh
    # REST goes out with the aal2 token (supabase-py's header after MFA_CHALLENGE_VERIFIED)
    assert auth._client.options.headers["Authorization"] == f"Bearer {auth.access_token}"
    assert await auth.api.unread_count() >= 0
    # a later start signs in silently, at aal2
    again = await AuthSession.open(devstack.api_url, devstack.anon_key)
    try:
        assert (await again.restore()) == identity
        assert again.assurance == "aal2"
        assert await again.api.unread_count() >= 0
    finally:
        await again.close()


async def test_an_enrolled_admin_gives_a_code_even_where_aal2_is_not_demanded(
    devstack: DevstackProcess, admin: DevstackUser, memory_keyring: MemoryKeyring
) -> None:
    first = await AuthSession.open(devstack.api_url, devstack.anon_key, persist=False)
    with devstack.aal2_demanded():
        totp = await enrolled(first, admin)
    await first.close()
    auth = await AuthSession.open(devstack.api_url, devstack.anon_key)
    try:
        step = await auth.begin_sign_in(admin.email, admin.password)
        assert step is not None
        assert step.enrollment is None  # a code of the factor it has
        await auth.verify_code(totp.now())
        assert auth.assurance == "aal2"
    finally:
        await auth.sign_out()
        await auth.close()


async def test_an_admin_without_factor_signs_in_with_the_password_where_aal2_is_off(
    admin: DevstackUser, auth: AuthSession, memory_keyring: MemoryKeyring
) -> None:
    assert await auth.begin_sign_in(admin.email, admin.password) is None
    assert auth.assurance == "aal1"
    assert await auth.api.unread_count() >= 0


async def test_headless_sign_in_takes_the_code_it_is_given(
    devstack: DevstackProcess, admin: DevstackUser, aal2_required: None
) -> None:
    auth = await AuthSession.open(devstack.api_url, devstack.anon_key, persist=False)
    try:
        with pytest.raises(SecondFactorNotSetUp):
            await auth.sign_in(admin.email, admin.password, lambda: "000000")
        totp = await enrolled(auth, admin)
        await auth.sign_out()
        with pytest.raises(SecondFactorRequired):
            await auth.sign_in(admin.email, admin.password)
        identity = await auth.sign_in(admin.email, admin.password, totp.now)
        assert identity.email == admin.email
        assert auth.assurance == "aal2"
    finally:
        await auth.sign_out()
        await auth.close()


async def test_an_old_code_is_refused_and_a_replayed_challenge_expired(
    devstack: DevstackProcess,
    admin: DevstackUser,
    auth: AuthSession,
    memory_keyring: MemoryKeyring,
    aal2_required: None,
) -> None:
    enrollment, totp = await offered_enrollment(auth, admin)
    with pytest.raises(WrongCode):  # two minutes old: outside the server's window
        await auth.verify_code(totp.at(time.time() - 120))
    assert memory_keyring.entries == {}
    await auth.verify_code(totp.now())
    # the answered challenge, replayed with its code, is refused as expired
    client = auth._client
    factor = enrollment.factor_id
    challenge = await client.auth.mfa.challenge({"factor_id": factor})
    params = {"factor_id": factor, "challenge_id": challenge.id, "code": totp.now()}
    await client.auth.mfa.verify(params)
    with pytest.raises(AuthApiError) as replayed:
        await client.auth.mfa.verify(params)
    assert isinstance(translate(replayed.value), CodeExpired)


async def test_too_many_wrong_codes_are_rate_limited_and_nothing_is_stored(
    devstack: DevstackProcess,
    admin: DevstackUser,
    auth: AuthSession,
    memory_keyring: MemoryKeyring,
    aal2_required: None,
) -> None:
    _, totp = await offered_enrollment(auth, admin)
    outcomes = []
    for _ in range(16):
        try:
            await auth.verify_code(wrong(totp))
        except (WrongCode, TooManyAttempts) as error:
            outcomes.append(type(error))
    assert outcomes == [WrongCode] * 15 + [TooManyAttempts]
    assert memory_keyring.entries == {}
    assert auth.identity is None


async def test_an_abandoned_enrollment_is_replaced_by_the_next_one(
    devstack: DevstackProcess, admin: DevstackUser, auth: AuthSession, aal2_required: None
) -> None:
    first = await auth.begin_sign_in(admin.email, admin.password)
    await auth.cancel_sign_in()
    second = await auth.begin_sign_in(admin.email, admin.password)
    assert first is not None
    assert second is not None
    assert first.enrollment is not None
    assert second.enrollment is not None
    assert second.enrollment.factor_id != first.enrollment.factor_id
    await auth.verify_code(pyotp.TOTP(second.enrollment.secret).now())
    factors = await auth._client.auth.mfa.list_factors()
    assert [(f.friendly_name, f.status) for f in factors.all] == [(FACTOR_NAME, "verified")]


async def test_a_stored_aal1_session_is_not_restored_once_aal2_is_demanded(
    devstack: DevstackProcess, admin: DevstackUser, memory_keyring: MemoryKeyring
) -> None:
    """Signed in before the switch was turned on: the next start asks for a sign-in (with a
    code) instead of going live on a session every admin RPC would refuse."""
    first = await AuthSession.open(devstack.api_url, devstack.anon_key)
    assert await first.begin_sign_in(admin.email, admin.password) is None
    await first.close()
    with devstack.aal2_demanded():
        again = await AuthSession.open(devstack.api_url, devstack.anon_key)
        try:
            assert await again.restore() is None
            assert again.identity is None
            assert stored_token(memory_keyring, devstack, admin)  # kept current, not adopted
        finally:
            await again.close()
