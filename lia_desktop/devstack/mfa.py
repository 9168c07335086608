"""GoTrue's multi-factor authentication with TOTP (``/auth/v1/factors``).

An admin enrolls a factor (a secret, its ``otpauth://`` URI and the QR code
as SVG), asks for a challenge and answers it with the authenticator's code.
A right answer raises the session to ``aal2`` and adds ``totp`` to its
``amr``; the refresh tokens issued before it are deleted and a new one
starts, so a token stolen while the session was ``aal1`` never reaches
``aal2``. Verifying ends the user's other ``aal1`` sessions, as GoTrue does;
unenrolling a factor takes the sessions it raised back to ``aal1``.
Codes are RFC 6238 (SHA-1, six digits, 30 s, one step of skew either side).

Challenge and verify are rate limited like GoTrue's
``MFA_RATE_LIMIT_CHALLENGE_AND_VERIFY`` (15 a minute each), counted per user
here rather than per address: every client of a devstack comes from the
loopback address, and one test must not spend another's allowance.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
import time
import uuid
from collections import defaultdict, deque
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

import qrcode
import qrcode.image.svg
from aiohttp import web
from psycopg import AsyncConnection

from .auth import (
    AuthError,
    AuthService,
    CallerSession,
    _fetch_user,
    _insert_refresh_token,
    session_assurance,
)
from .web import json_response

TOTP_PERIOD = 30
TOTP_DIGITS = 6
#: GoTrue's ``MFA_CHALLENGE_EXPIRY_DURATION`` default.
CHALLENGE_EXPIRY = timedelta(seconds=300)
#: GoTrue's ``MFA_MAX_ENROLLED_FACTORS`` default.
MAX_ENROLLED_FACTORS = 10
#: GoTrue's ``MFA_RATE_LIMIT_CHALLENGE_AND_VERIFY`` default: requests per minute, each.
RATE_LIMIT_PER_MINUTE = 15


def totp_code(secret: str, at: float) -> str:
    """The RFC 6238 code of a base32 ``secret`` at epoch time ``at``."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8), casefold=True)
    digest = hmac.new(key, struct.pack(">Q", int(at) // TOTP_PERIOD), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**TOTP_DIGITS).zfill(TOTP_DIGITS)


def code_is_valid(secret: str, code: str, at: float) -> bool:
    """The code of the current step or of the one before or after (GoTrue's skew of 1)."""
    return any(
        hmac.compare_digest(totp_code(secret, at + step * TOTP_PERIOD), code) for step in (-1, 0, 1)
    )


def qr_svg(uri: str) -> str:
    """The QR code of ``uri`` as an SVG document (GoTrue sends it raw; clients make the
    ``data:image/svg+xml;utf-8,`` URI)."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage)
    svg: str = image.to_string(encoding="unicode")
    return svg


class RateLimiter:
    """At most ``limit`` requests per key in any minute."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._seen: defaultdict[str, deque[float]] = defaultdict(deque)

    def check(self, key: str) -> None:
        now = time.monotonic()
        seen = self._seen[key]
        while seen and seen[0] <= now - 60:
            seen.popleft()
        if len(seen) >= self._limit:
            raise AuthError(429, "over_request_rate_limit", "Request rate limit reached")
        seen.append(now)


class FactorService:
    """``/auth/v1/factors`` on top of :class:`AuthService` (its callers, errors, sessions)."""

    def __init__(self, auth: AuthService) -> None:
        self._auth = auth
        self._pool = auth._pool
        self._challenges = RateLimiter(RATE_LIMIT_PER_MINUTE)
        self._verifies = RateLimiter(RATE_LIMIT_PER_MINUTE)

    def add_routes(self, app: web.Application) -> None:
        routes = [
            ("POST", "/auth/v1/factors", self._enroll),
            ("POST", "/auth/v1/factors/{factor_id}/challenge", self._challenge),
            ("POST", "/auth/v1/factors/{factor_id}/verify", self._verify),
            ("DELETE", "/auth/v1/factors/{factor_id}", self._unenroll),
        ]
        for method, path, handler in routes:
            app.router.add_route(method, path, self._auth._answering_errors(handler))

    async def _session_caller(self, request: web.Request) -> tuple[CallerSession, str]:
        caller = await self._auth._caller(request)
        if caller.session_id is None:
            raise AuthError(
                500,
                "unexpected_failure",
                "A valid session and a registered user are required to enroll a factor",
            )
        return caller, caller.session_id

    async def _aal(self, session_id: str) -> str:
        async with self._pool.connection() as conn:
            return (await session_assurance(conn, session_id)).aal

    async def _factor(self, request: web.Request, caller: CallerSession) -> dict[str, Any]:
        """The caller's factor named in the path (another user's is "not found")."""
        try:
            factor_id = uuid.UUID(request.match_info["factor_id"])
        except ValueError as err:
            raise AuthError(404, "mfa_factor_not_found", "Factor not found") from err
        async with self._pool.connection() as conn:
            cur = await conn.execute(
                "select id, status, secret, factor_type from auth.mfa_factors"
                " where id = %s and user_id = %s",
                (factor_id, caller.user["id"]),
            )
            row = await cur.fetchone()
        if row is None:
            raise AuthError(404, "mfa_factor_not_found", "Factor not found")
        return {"id": row[0], "status": row[1], "secret": row[2], "factor_type": row[3]}

    async def _enroll(self, request: web.Request) -> web.StreamResponse:
        caller, session_id = await self._session_caller(request)
        body = await self._auth._body(request)
        if body.get("factor_type") != "totp":
            raise AuthError(400, "validation_failed", "factor_type needs to be totp")
        friendly_name = body.get("friendly_name") or ""
        issuer = body.get("issuer") or request.host
        if not isinstance(friendly_name, str) or not isinstance(issuer, str):
            raise AuthError(400, "validation_failed", "friendly_name and issuer must be strings")
        user = caller.user
        factors = user["factors"]
        if friendly_name and any(f["friendly_name"] == friendly_name for f in factors):
            raise AuthError(
                422,
                "mfa_factor_name_conflict",
                f'A factor with the friendly name "{friendly_name}" for this user already exists',
            )
        if len(factors) >= MAX_ENROLLED_FACTORS:
            raise AuthError(
                422,
                "too_many_enrolled_mfa_factors",
                "Maximum number of verified factors reached, unenroll to continue",
            )
        verified = any(f["status"] == "verified" for f in factors)
        if verified and await self._aal(session_id) != "aal2":
            raise AuthError(403, "insufficient_aal", "AAL2 required to enroll a new factor")
        secret = base64.b32encode(secrets.token_bytes(20)).decode().rstrip("=")
        account = user["email"] or user["phone"] or ""
        label = quote(f"{issuer}:{account}", safe=":@")
        query = urlencode(
            {
                "algorithm": "SHA1",
                "digits": TOTP_DIGITS,
                "issuer": issuer,
                "period": TOTP_PERIOD,
                "secret": secret,
            }
        )
        uri = f"otpauth://totp/{label}?{query}"
        factor_id = uuid.uuid4()
        now = datetime.now(UTC)
        async with self._pool.connection() as conn:
            await conn.execute(
                "insert into auth.mfa_factors (id, user_id, friendly_name, factor_type, status,"
                " created_at, updated_at, secret) values (%s, %s, %s, 'totp', 'unverified',"
                " %s, %s, %s)",
                (factor_id, user["id"], friendly_name, now, now, secret),
            )
        totp = {"qr_code": qr_svg(uri), "secret": secret, "uri": uri}
        answer = {"id": str(factor_id), "type": "totp", "friendly_name": friendly_name}
        return json_response({**answer, "totp": totp})

    async def _challenge(self, request: web.Request) -> web.StreamResponse:
        caller, _ = await self._session_caller(request)
        self._challenges.check(str(caller.user["id"]))
        factor = await self._factor(request, caller)
        challenge_id = uuid.uuid4()
        now = datetime.now(UTC)
        async with self._pool.connection() as conn, conn.transaction():
            await conn.execute(
                "insert into auth.mfa_challenges (id, factor_id, created_at, ip_address)"
                " values (%s, %s, %s, %s)",
                (challenge_id, factor["id"], now, request.remote or "127.0.0.1"),
            )
            await conn.execute(
                "update auth.mfa_factors set last_challenged_at = %s where id = %s",
                (now, factor["id"]),
            )
        expires_at = int((now + CHALLENGE_EXPIRY).timestamp())
        return json_response({"id": str(challenge_id), "type": "totp", "expires_at": expires_at})

    async def _verify(self, request: web.Request) -> web.StreamResponse:
        caller, session_id = await self._session_caller(request)
        self._verifies.check(str(caller.user["id"]))
        factor = await self._factor(request, caller)
        body = await self._auth._body(request)
        code = body.get("code")
        if not isinstance(code, str) or not code:
            raise AuthError(400, "validation_failed", "Code needs to be non-empty")
        try:
            challenge_id = uuid.UUID(str(body.get("challenge_id")))
        except ValueError as err:
            raise AuthError(400, "bad_json", "Could not read verification params") from err
        async with self._pool.connection() as conn, conn.transaction():
            cur = await conn.execute(
                "select created_at, verified_at from auth.mfa_challenges"
                " where id = %s and factor_id = %s for update",
                (challenge_id, factor["id"]),
            )
            challenge = await cur.fetchone()
            if challenge is None:
                raise AuthError(
                    404,
                    "mfa_factor_not_found",
                    "MFA factor with the provided challenge ID not found",
                )
            created_at, verified_at = challenge
            if verified_at is not None:
                # GoTrue's answer to a challenge answered before
                raise AuthError(
                    422, "mfa_ip_address_mismatch", "Challenge and verify IP addresses mismatch."
                )
            expired = datetime.now(UTC) > created_at + CHALLENGE_EXPIRY
            if expired:
                await conn.execute("delete from auth.mfa_challenges where id = %s", (challenge_id,))
        if expired:  # raised after the commit, so the expired challenge is gone
            raise AuthError(
                422,
                "mfa_challenge_expired",
                f"MFA challenge {challenge_id} has expired, verify against another"
                " challenge or create a new challenge.",
            )
        if not code_is_valid(factor["secret"], code, time.time()):
            raise AuthError(422, "mfa_verification_failed", "Invalid TOTP code entered")
        return json_response(await self._raise_session(caller, session_id, factor, challenge_id))

    async def _raise_session(
        self,
        caller: CallerSession,
        session_id: str,
        factor: dict[str, Any],
        challenge_id: uuid.UUID,
    ) -> dict[str, Any]:
        """The session at aal2 with a new refresh token family (GoTrue's verify outcome)."""
        user_id = caller.user["id"]
        now = datetime.now(UTC)
        async with self._pool.connection() as conn, conn.transaction():
            await conn.execute(
                "update auth.mfa_challenges set verified_at = %s where id = %s",
                (now, challenge_id),
            )
            await conn.execute(
                "update auth.mfa_factors set status = 'verified', updated_at = %s where id = %s",
                (now, factor["id"]),
            )
            await conn.execute(
                "update auth.sessions set aal = 'aal2', factor_id = %s, updated_at = %s"
                " where id = %s",
                (factor["id"], now, session_id),
            )
            await conn.execute(
                "insert into auth.mfa_amr_claims (id, session_id, created_at, updated_at,"
                " authentication_method) values (%s, %s, %s, %s, 'totp')"
                " on conflict (session_id, authentication_method)"
                " do update set updated_at = excluded.updated_at",
                (uuid.uuid4(), session_id, now, now),
            )
            # no refresh token issued at aal1 may lead to this aal2 session
            await conn.execute(
                "delete from auth.refresh_tokens where session_id = %s", (session_id,)
            )
            refresh_token = await _insert_refresh_token(conn, user_id, session_id, parent=None)
            await conn.execute(
                "delete from auth.sessions where user_id = %s and id <> %s"
                " and coalesce(aal, 'aal1') = 'aal1'",
                (user_id, session_id),
            )
            await conn.execute(
                "delete from auth.mfa_factors where user_id = %s and status = 'unverified'"
                " and factor_type = 'totp'",
                (user_id,),
            )
            user = await _fetch_user(conn, "u.id = %s", user_id)
            assurance = await session_assurance(conn, session_id)
        assert user is not None  # the caller's own row
        return self._auth._session(user, session_id, refresh_token, assurance)

    async def _unenroll(self, request: web.Request) -> web.StreamResponse:
        caller, session_id = await self._session_caller(request)
        factor = await self._factor(request, caller)
        if factor["status"] == "verified" and await self._aal(session_id) != "aal2":
            raise AuthError(422, "insufficient_aal", "AAL2 required to unenroll verified factor")
        async with self._pool.connection() as conn, conn.transaction():
            await conn.execute("delete from auth.mfa_factors where id = %s", (factor["id"],))
            await _downgrade_sessions_to_aal1(conn, factor)
        return json_response({"id": str(factor["id"])})


async def _downgrade_sessions_to_aal1(conn: AsyncConnection[Any], factor: dict[str, Any]) -> None:
    """GoTrue's ``Factor.DowngradeSessionsToAAL1``: the sessions this factor raised lose
    its ``amr`` entry and go back to ``aal1``, so their next refresh is an ``aal1`` token.
    A session another factor raised keeps ``aal2``, as in GoTrue."""
    await conn.execute(
        "delete from auth.mfa_amr_claims c using auth.sessions s"
        " where c.session_id = s.id and s.factor_id = %s and c.authentication_method = %s",
        (factor["id"], factor["factor_type"]),
    )
    await conn.execute(
        "update auth.sessions set aal = 'aal1', factor_id = null, updated_at = now()"
        " where factor_id = %s",
        (factor["id"],),
    )
