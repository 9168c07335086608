"""Auth (GoTrue subset) of the devstack, through the official supabase client where it can speak.

Raw HTTP (httpx) is used only where the client hides what is being proved:
status codes, error body formats, forged tokens.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import jwt
import psycopg
import pytest
from supabase_auth.errors import AuthApiError

from supabase import AsyncClient
from tests.fixtures import DevstackProcess, DevstackUser, supabase_client

pytestmark = pytest.mark.devstack

API_VERSION = {"X-Supabase-Api-Version": "2024-01-01"}


@pytest.fixture
async def client(devstack: DevstackProcess) -> AsyncIterator[AsyncClient]:
    async with supabase_client(devstack) as sb:
        yield sb


def _auth(
    devstack: DevstackProcess,
    method: str,
    path: str,
    *,
    token: str | None = None,
    body: Any = None,
    versioned: bool = True,
) -> httpx.Response:
    headers = {"apikey": devstack.anon_key, **(API_VERSION if versioned else {})}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return httpx.request(
        method, f"{devstack.api_url}/auth/v1/{path}", headers=headers, json=body, timeout=10
    )


def _password_grant(devstack: DevstackProcess, user: DevstackUser) -> dict[str, Any]:
    response = _auth(
        devstack,
        "POST",
        "token?grant_type=password",
        body={"email": user.email, "password": user.password},
    )
    assert response.status_code == 200, response.text
    session: dict[str, Any] = response.json()
    return session


def _refresh(devstack: DevstackProcess, refresh_token: str) -> httpx.Response:
    return _auth(
        devstack, "POST", "token?grant_type=refresh_token", body={"refresh_token": refresh_token}
    )


async def test_admin_created_through_the_admin_api_signs_in_refreshes_and_signs_out(
    devstack: DevstackProcess, client: AsyncClient
) -> None:
    async with supabase_client(devstack, devstack.service_role_key) as service:
        created = await service.auth.admin.create_user(
            {
                "email": "Ops.Admin@lia.test",
                "password": "s3cret-pass",
                "email_confirm": True,
                "app_metadata": {"role": "admin"},
                "user_metadata": {"full_name": "Ops Admin"},
            }
        )
    assert created.user.app_metadata == {
        "provider": "email",
        "providers": ["email"],
        "role": "admin",
    }
    assert created.user.email_confirmed_at is not None
    assert created.user.email == "ops.admin@lia.test"  # GoTrue stores e-mails lower-cased

    signed_in = await client.auth.sign_in_with_password(
        {"email": "ops.admin@lia.test", "password": "s3cret-pass"}  # e-mail is case-insensitive
    )
    assert signed_in.session is not None
    assert signed_in.user is not None
    assert signed_in.user.id == created.user.id
    assert signed_in.user.user_metadata == {"full_name": "Ops Admin"}
    assert signed_in.user.last_sign_in_at is not None
    claims = jwt.decode(
        signed_in.session.access_token, devstack.jwt_secret, ["HS256"], audience="authenticated"
    )
    assert claims["sub"] == created.user.id
    assert claims["role"] == "authenticated"
    assert claims["app_metadata"]["role"] == "admin"
    assert claims["iss"] == f"{devstack.api_url}/auth/v1"
    assert claims["exp"] - claims["iat"] == signed_in.session.expires_in == 3600

    refreshed = await client.auth.refresh_session()
    assert refreshed.session is not None
    assert refreshed.session.refresh_token != signed_in.session.refresh_token
    refreshed_claims = jwt.decode(
        refreshed.session.access_token, devstack.jwt_secret, ["HS256"], audience="authenticated"
    )
    assert refreshed_claims["session_id"] == claims["session_id"]

    fetched = await client.auth.get_user()
    assert fetched is not None
    assert fetched.user.email == "ops.admin@lia.test"

    await client.auth.sign_out()
    gone = _auth(devstack, "GET", "user", token=refreshed.session.access_token)
    assert gone.status_code == 403
    assert gone.json()["code"] == "session_not_found"
    assert _refresh(devstack, refreshed.session.refresh_token).json()["code"] == (
        "refresh_token_not_found"
    )


async def test_wrong_password_is_an_auth_api_error_with_the_gotrue_code(
    client: AsyncClient, admin_user: DevstackUser
) -> None:
    for email, password in ((admin_user.email, "not-the-password"), ("nobody@lia.test", "x" * 8)):
        with pytest.raises(AuthApiError) as caught:
            await client.auth.sign_in_with_password({"email": email, "password": password})
        assert caught.value.code == "invalid_credentials"
        assert caught.value.status == 400
        assert caught.value.message == "Invalid login credentials"


def test_error_bodies_follow_the_api_version_header(
    devstack: DevstackProcess, admin_user: DevstackUser
) -> None:
    body = {"email": admin_user.email, "password": "wrong-password"}
    versioned = _auth(devstack, "POST", "token?grant_type=password", body=body)
    assert versioned.json() == {
        "code": "invalid_credentials",
        "message": "Invalid login credentials",
    }
    assert versioned.headers["X-Supabase-Api-Version"] == "2024-01-01"
    assert versioned.headers["x-sb-error-code"] == "invalid_credentials"

    legacy = _auth(devstack, "POST", "token?grant_type=password", body=body, versioned=False)
    assert legacy.status_code == 400
    assert legacy.json() == {
        "code": 400,
        "error_code": "invalid_credentials",
        "msg": "Invalid login credentials",
    }
    assert "X-Supabase-Api-Version" not in legacy.headers


def test_unconfirmed_and_banned_users_cannot_sign_in(devstack: DevstackProcess) -> None:
    unconfirmed = {"email": "unconfirmed@lia.test", "password": "pending-pass"}
    assert devstack.admin_request("POST", "users", unconfirmed).status_code == 200
    response = _auth(devstack, "POST", "token?grant_type=password", body=unconfirmed)
    assert (response.status_code, response.json()["code"]) == (400, "email_not_confirmed")

    banned = devstack.create_user()
    update = devstack.admin_request("PUT", f"users/{banned.id}", {"ban_duration": "24h"})
    assert update.status_code == 200
    assert "banned_until" in update.json()
    response = _auth(
        devstack,
        "POST",
        "token?grant_type=password",
        body={"email": banned.email, "password": banned.password},
    )
    assert (response.status_code, response.json()["code"]) == (400, "user_banned")


def test_refresh_token_rotation_reuse_and_theft(
    devstack: DevstackProcess, customer_user: DevstackUser
) -> None:
    first = _password_grant(devstack, customer_user)["refresh_token"]
    second = _refresh(devstack, first).json()["refresh_token"]
    assert second != first
    # The client lost the answer and retries with the parent: it gets the active token back.
    retried = _refresh(devstack, first).json()
    assert retried["refresh_token"] == second
    third = _refresh(devstack, second).json()["refresh_token"]
    assert third not in (first, second)

    # Reuse of an old token after the reuse interval: refused, and the session ends.
    with psycopg.connect(devstack.db_url, autocommit=True) as conn:
        conn.execute(
            "update auth.refresh_tokens set updated_at = now() - interval '11 seconds'"
            " where token = %s",
            (first,),
        )
    reused = _refresh(devstack, first)
    assert (reused.status_code, reused.json()["code"]) == (400, "refresh_token_already_used")
    assert reused.json()["message"] == "Invalid Refresh Token: Already Used"
    assert _refresh(devstack, third).json()["code"] == "refresh_token_not_found"


def test_refresh_grant_errors(devstack: DevstackProcess) -> None:
    empty = _refresh(devstack, "")
    assert (empty.status_code, empty.json()) == (
        400,
        {"error": "invalid_request", "error_description": "refresh_token required"},
    )
    assert _refresh(devstack, "short").json()["code"] == "validation_failed"
    unknown = _refresh(devstack, "x" * 32)
    assert (unknown.status_code, unknown.json()["code"]) == (400, "refresh_token_not_found")


def test_logout_scopes(devstack: DevstackProcess) -> None:
    user = devstack.create_user()
    laptop, phone, tablet = (_password_grant(devstack, user) for _ in range(3))

    others = _auth(devstack, "POST", "logout?scope=others", token=laptop["access_token"])
    assert others.status_code == 204
    assert _auth(devstack, "GET", "user", token=laptop["access_token"]).status_code == 200
    for ended in (phone, tablet):
        assert _refresh(devstack, ended["refresh_token"]).status_code == 400

    local = _auth(devstack, "POST", "logout?scope=local", token=laptop["access_token"])
    assert local.status_code == 204
    assert _auth(devstack, "GET", "user", token=laptop["access_token"]).status_code == 403

    again = _password_grant(devstack, user)
    bad_scope = _auth(devstack, "POST", "logout?scope=everyone", token=again["access_token"])
    assert (bad_scope.status_code, bad_scope.json()["code"]) == (400, "validation_failed")
    assert _auth(devstack, "POST", "logout", token=again["access_token"]).status_code == 204
    assert _refresh(devstack, again["refresh_token"]).status_code == 400


def test_get_user_refuses_missing_expired_forged_and_unsigned_tokens(
    devstack: DevstackProcess, customer_user: DevstackUser
) -> None:
    session = _password_grant(devstack, customer_user)
    claims = jwt.decode(
        session["access_token"], devstack.jwt_secret, ["HS256"], audience="authenticated"
    )
    expired = jwt.encode({**claims, "exp": int(time.time()) - 5}, devstack.jwt_secret, "HS256")
    forged = jwt.encode(
        {**claims, "app_metadata": {"role": "admin"}},
        "an-attacker-guessed-secret-of-32-bytes",
        "HS256",
    )
    unsigned = jwt.encode(claims, None, algorithm="none")

    missing = _auth(devstack, "GET", "user")
    assert (missing.status_code, missing.json()["code"]) == (401, "no_authorization")
    for token in (expired, forged, unsigned, "not.a.jwt", "garbage"):
        refused = _auth(devstack, "GET", "user", token=token)
        assert (refused.status_code, refused.json()["code"]) == (403, "bad_jwt"), token
    assert "token is expired" in _auth(devstack, "GET", "user", token=expired).json()["message"]

    fine = _auth(devstack, "GET", "user", token=session["access_token"])
    assert fine.status_code == 200
    assert fine.json()["id"] == customer_user.id


def test_admin_api_requires_the_service_role(
    devstack: DevstackProcess, admin_user: DevstackUser
) -> None:
    # Even an application admin's token is not the service role.
    user_token = _password_grant(devstack, admin_user)["access_token"]
    for token in (devstack.anon_key, user_token):
        refused = _auth(devstack, "POST", "admin/users", token=token, body={"email": "x@lia.test"})
        assert (refused.status_code, refused.json()["code"]) == (403, "not_admin")
    assert _auth(devstack, "POST", "admin/users", body={}).status_code == 401


def test_admin_user_lifecycle(devstack: DevstackProcess) -> None:
    user = devstack.create_user()
    duplicate = devstack.admin_request(
        "POST", "users", {"email": user.email.upper(), "password": "whatever1"}
    )
    assert (duplicate.status_code, duplicate.json()["code"]) == (422, "email_exists")
    weak = devstack.admin_request("POST", "users", {"email": "weak@lia.test", "password": "123"})
    assert (weak.status_code, weak.json()["code"]) == (422, "weak_password")
    invalid = devstack.admin_request("POST", "users", {"email": "not-an-email"})
    assert (invalid.status_code, invalid.json()["code"]) == (400, "validation_failed")

    promoted = devstack.admin_request(
        "PUT", f"users/{user.id}", {"app_metadata": {"role": "admin"}, "user_metadata": {"x": 1}}
    )
    assert promoted.json()["app_metadata"]["role"] == "admin"
    assert promoted.json()["app_metadata"]["provider"] == "email"
    session = _password_grant(devstack, user)
    assert session["user"]["app_metadata"]["role"] == "admin"

    fetched = devstack.admin_request("GET", f"users/{user.id}")
    assert fetched.json()["user_metadata"]["x"] == 1
    assert fetched.json()["identities"][0]["provider"] == "email"

    assert devstack.admin_request("DELETE", f"users/{user.id}").status_code == 200
    assert devstack.admin_request("GET", f"users/{user.id}").status_code == 404
    assert devstack.admin_request("DELETE", f"users/{user.id}").status_code == 404
    assert _auth(devstack, "GET", "user", token=session["access_token"]).status_code == 403


def test_gateway_requires_a_known_api_key_and_answers_json(devstack: DevstackProcess) -> None:
    url = f"{devstack.api_url}/auth/v1/token?grant_type=password"
    without = httpx.post(url, json={}, timeout=10)
    assert (without.status_code, without.json()) == (
        401,
        {"message": "No API key found in request"},
    )
    wrong = httpx.post(url, json={}, headers={"apikey": "sb_not_a_key"}, timeout=10)
    assert wrong.status_code == 401
    assert wrong.json() == {"message": "Invalid authentication credentials"}

    malformed = httpx.post(
        url, content=b"{not json", headers={"apikey": devstack.anon_key, **API_VERSION}, timeout=10
    )
    assert (malformed.status_code, malformed.json()["code"]) == (400, "bad_json")
    unknown = _auth(devstack, "GET", "no/such/route")
    assert unknown.status_code == 404
    assert unknown.headers["Content-Type"].startswith("application/json")
    grant = _auth(devstack, "POST", "token?grant_type=magic", body={})
    assert (grant.status_code, grant.json()["code"]) == (400, "unsupported_grant_type")
