"""The devstack's MFA (TOTP) through the official supabase client, with real codes (pyotp).

Each test signs in a user of its own: verifying a factor ends the user's other
aal1 sessions, which must not touch the session-wide admin other suites use.
Raw HTTP is used only where the client hides what is proved (a replayed
challenge, an old refresh token, error bodies).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import jwt
import psycopg
import pyotp
import pytest
from supabase_auth.errors import AuthApiError

from supabase import AsyncClient
from tests.fixtures import DevstackProcess, DevstackUser, supabase_client

pytestmark = pytest.mark.devstack

API_VERSION = {"X-Supabase-Api-Version": "2024-01-01"}


@pytest.fixture
def admin(devstack: DevstackProcess) -> DevstackUser:
    return devstack.create_user(admin=True)


@pytest.fixture
async def client(devstack: DevstackProcess, admin: DevstackUser) -> AsyncIterator[AsyncClient]:
    async with supabase_client(devstack) as sb:
        await sb.auth.sign_in_with_password({"email": admin.email, "password": admin.password})
        yield sb


def claims(token: str) -> dict[str, Any]:
    decoded: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return decoded


async def enroll(client: AsyncClient, name: str = "Phone") -> tuple[str, pyotp.TOTP]:
    enrolled = await client.auth.mfa.enroll({"factor_type": "totp", "friendly_name": name})
    assert enrolled.totp is not None
    return enrolled.id, pyotp.TOTP(enrolled.totp.secret)


async def enroll_verified(client: AsyncClient) -> tuple[str, pyotp.TOTP]:
    factor_id, totp = await enroll(client)
    await client.auth.mfa.challenge_and_verify({"factor_id": factor_id, "code": totp.now()})
    return factor_id, totp


def raw(
    devstack: DevstackProcess, method: str, path: str, token: str | None, body: Any = None
) -> httpx.Response:
    headers = {"apikey": devstack.anon_key, **API_VERSION}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return httpx.request(
        method, f"{devstack.api_url}/auth/v1/{path}", headers=headers, json=body, timeout=10
    )


async def access_token(client: AsyncClient) -> str:
    session = await client.auth.get_session()
    assert session is not None
    return session.access_token


async def test_enroll_answers_gotrue_shape_and_lists_the_unverified_factor(
    client: AsyncClient, admin: DevstackUser
) -> None:
    enrolled = await client.auth.mfa.enroll(
        {"factor_type": "totp", "friendly_name": "Work phone", "issuer": "LIA Admin"}
    )
    assert enrolled.type == "totp"
    assert enrolled.friendly_name == "Work phone"
    assert enrolled.totp is not None
    # GoTrue sends the SVG; the client makes it a data URI
    assert enrolled.totp.qr_code.startswith("data:image/svg+xml;utf-8,<svg")
    parsed = pyotp.parse_uri(enrolled.totp.uri)
    assert parsed.secret == enrolled.totp.secret
    assert parsed.issuer == "LIA Admin"
    assert parsed.name == admin.email
    factors = await client.auth.mfa.list_factors()
    assert [(f.id, f.status) for f in factors.all] == [(enrolled.id, "unverified")]
    assert factors.totp == []  # only verified ones
    with pytest.raises(AuthApiError) as conflict:
        await client.auth.mfa.enroll({"factor_type": "totp", "friendly_name": "Work phone"})
    assert conflict.value.code == "mfa_factor_name_conflict"


async def test_verify_raises_the_session_to_aal2_with_a_new_refresh_token(
    devstack: DevstackProcess, client: AsyncClient
) -> None:
    before = await client.auth.get_session()
    assert before is not None
    assert claims(before.access_token)["aal"] == "aal1"
    level = await client.auth.mfa.get_authenticator_assurance_level()
    assert (level.current_level, level.next_level) == ("aal1", "aal1")
    factor_id, totp = await enroll(client)
    challenge = await client.auth.mfa.challenge({"factor_id": factor_id})
    assert challenge.expires_at > time.time() + 200
    verified = await client.auth.mfa.verify(
        {"factor_id": factor_id, "challenge_id": challenge.id, "code": totp.now()}
    )
    token = claims(verified.access_token)
    assert token["aal"] == "aal2"
    assert [entry["method"] for entry in token["amr"]] == ["totp", "password"]
    assert token["session_id"] == claims(before.access_token)["session_id"]
    assert verified.refresh_token != before.refresh_token
    level = await client.auth.mfa.get_authenticator_assurance_level()
    assert level.current_level == "aal2"
    assert [m.method for m in level.current_authentication_methods] == ["totp", "password"]
    factors = await client.auth.mfa.list_factors()
    assert [(f.id, f.status) for f in factors.totp] == [(factor_id, "verified")]
    # the refresh keeps aal2
    refreshed = await client.auth.refresh_session()
    assert refreshed.session is not None
    assert claims(refreshed.session.access_token)["aal"] == "aal2"
    # the refresh token of the aal1 session reaches nothing
    body = {"refresh_token": before.refresh_token}
    old = raw(devstack, "POST", "token?grant_type=refresh_token", None, body)
    assert old.status_code == 400
    assert old.json()["code"] == "refresh_token_not_found"


async def test_a_new_sign_in_is_aal1_until_the_code_and_other_aal1_sessions_end(
    devstack: DevstackProcess, admin: DevstackUser
) -> None:
    async with supabase_client(devstack) as first, supabase_client(devstack) as second:
        await first.auth.sign_in_with_password({"email": admin.email, "password": admin.password})
        await second.auth.sign_in_with_password({"email": admin.email, "password": admin.password})
        factor_id, totp = await enroll_verified(first)
        # verifying ended the other aal1 session
        with pytest.raises(AuthApiError) as ended:
            await second.auth.get_user(await access_token(second))
        assert ended.value.code == "session_not_found"
        await second.auth.sign_in_with_password({"email": admin.email, "password": admin.password})
        level = await second.auth.mfa.get_authenticator_assurance_level()
        assert (level.current_level, level.next_level) == ("aal1", "aal2")
        # a second factor needs aal2 first
        with pytest.raises(AuthApiError) as refused:
            await second.auth.mfa.enroll({"factor_type": "totp", "friendly_name": "Backup"})
        assert (refused.value.status, refused.value.code) == (403, "insufficient_aal")
        await second.auth.mfa.challenge_and_verify({"factor_id": factor_id, "code": totp.now()})
        backup_id, _ = await enroll(second, "Backup")
        assert backup_id != factor_id


async def test_wrong_code_is_refused_and_changes_nothing(client: AsyncClient) -> None:
    factor_id, totp = await enroll(client)
    before = await client.auth.get_session()
    assert before is not None
    wrong = str((int(totp.now()) + 1) % 1_000_000).zfill(6)
    with pytest.raises(AuthApiError) as refused:
        await client.auth.mfa.challenge_and_verify({"factor_id": factor_id, "code": wrong})
    assert (refused.value.status, refused.value.code) == (422, "mfa_verification_failed")
    assert refused.value.message == "Invalid TOTP code entered"
    after = await client.auth.get_session()
    assert after is not None
    assert after.refresh_token == before.refresh_token
    assert claims(after.access_token)["aal"] == "aal1"
    assert [f.status for f in (await client.auth.mfa.list_factors()).all] == ["unverified"]


async def test_an_answered_challenge_cannot_be_replayed(
    devstack: DevstackProcess, client: AsyncClient
) -> None:
    factor_id, totp = await enroll(client)
    challenge = await client.auth.mfa.challenge({"factor_id": factor_id})
    body = {"challenge_id": challenge.id, "code": totp.now()}
    token = await access_token(client)
    first = raw(devstack, "POST", f"factors/{factor_id}/verify", token, body)
    assert first.status_code == 200, first.text
    replay = raw(
        devstack, "POST", f"factors/{factor_id}/verify", first.json()["access_token"], body
    )
    assert replay.status_code == 422
    assert replay.json()["code"] == "mfa_ip_address_mismatch"


async def test_an_expired_challenge_is_refused_and_removed(
    devstack: DevstackProcess, client: AsyncClient
) -> None:
    factor_id, totp = await enroll(client)
    challenge = await client.auth.mfa.challenge({"factor_id": factor_id})
    with psycopg.connect(devstack.db_url, autocommit=True) as db:
        db.execute(
            "update auth.mfa_challenges set created_at = now() - interval '301 seconds'"
            " where id = %s",
            (challenge.id,),
        )
    params = {"factor_id": factor_id, "challenge_id": challenge.id, "code": totp.now()}
    with pytest.raises(AuthApiError) as expired:
        await client.auth.mfa.verify(params)
    assert (expired.value.status, expired.value.code) == (422, "mfa_challenge_expired")
    with pytest.raises(AuthApiError) as gone:
        await client.auth.mfa.verify(params)
    assert (gone.value.status, gone.value.code) == (404, "mfa_factor_not_found")


async def test_unenrolling_a_verified_factor_needs_aal2(
    devstack: DevstackProcess, admin: DevstackUser, client: AsyncClient
) -> None:
    factor_id, _ = await enroll_verified(client)
    async with supabase_client(devstack) as aal1:
        await aal1.auth.sign_in_with_password({"email": admin.email, "password": admin.password})
        with pytest.raises(AuthApiError) as refused:
            await aal1.auth.mfa.unenroll({"factor_id": factor_id})
        assert (refused.value.status, refused.value.code) == (422, "insufficient_aal")
    assert (await client.auth.mfa.unenroll({"factor_id": factor_id})).id == factor_id
    assert (await client.auth.mfa.list_factors()).all == []


async def test_another_users_factor_is_not_found(
    devstack: DevstackProcess, client: AsyncClient
) -> None:
    factor_id, _ = await enroll(client)
    stranger = devstack.create_user(admin=True)
    async with supabase_client(devstack) as other:
        await other.auth.sign_in_with_password(
            {"email": stranger.email, "password": stranger.password}
        )
        with pytest.raises(AuthApiError) as missing:
            await other.auth.mfa.challenge({"factor_id": factor_id})
        assert (missing.value.status, missing.value.code) == (404, "mfa_factor_not_found")


async def test_challenges_are_rate_limited_with_gotrue_error_body(
    devstack: DevstackProcess, client: AsyncClient
) -> None:
    factor_id, _ = await enroll(client)
    token = await access_token(client)
    answers = [
        raw(devstack, "POST", f"factors/{factor_id}/challenge", token, {}) for _ in range(16)
    ]
    assert [a.status_code for a in answers] == [200] * 15 + [429]
    assert answers[-1].json() == {
        "code": "over_request_rate_limit",
        "message": "Request rate limit reached",
    }
    assert answers[-1].headers["x-sb-error-code"] == "over_request_rate_limit"
