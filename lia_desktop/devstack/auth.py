"""The GoTrue subset the desktop app and the tests use (wire protocol, section 4).

Users, identities, sessions and refresh tokens live in the ``auth`` schema,
exactly where GoTrue keeps them, so seeds and triggers written for Supabase
work unchanged. Passwords are bcrypt hashes checked in a worker thread.
Refresh tokens rotate like GoTrue's: each use revokes the token and issues a
child; a revoked token is still honoured when it is the parent of the
session's active token (the client lost the answer) or within the reuse
interval; any other reuse revokes the whole family by ending its session.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import bcrypt
from aiohttp import web
from psycopg import AsyncConnection
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from . import tokens
from .web import BodyNotJson, bearer_token, json_response, read_json

API_VERSION_HEADER = "X-Supabase-Api-Version"
#: GoTrue's ``GOTRUE_JWT_ADMIN_ROLES`` default.
ADMIN_ROLES = frozenset({"service_role", "supabase_admin"})
REFRESH_TOKEN_REUSE_INTERVAL = timedelta(seconds=10)
MIN_PASSWORD_LENGTH = 6
LOGOUT_SCOPES = frozenset({"global", "local", "others"})
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(h|m|s|ms)")
_DURATION_UNITS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}

USER_COLUMNS = """
    u.id, u.aud, u.role, u.email, u.phone, u.email_confirmed_at, u.phone_confirmed_at,
    u.confirmed_at, u.last_sign_in_at, u.raw_app_meta_data, u.raw_user_meta_data,
    u.created_at, u.updated_at, u.banned_until, u.is_anonymous, u.encrypted_password,
    coalesce((select json_agg(json_build_object(
        'identity_id', i.id, 'id', i.provider_id, 'user_id', i.user_id,
        'identity_data', i.identity_data, 'provider', i.provider,
        'last_sign_in_at', i.last_sign_in_at, 'created_at', i.created_at,
        'updated_at', i.updated_at, 'email', i.email) order by i.created_at)
      from auth.identities i where i.user_id = u.id), '[]'::json) as identities,
    coalesce((select json_agg(json_build_object(
        'id', f.id, 'friendly_name', f.friendly_name, 'factor_type', f.factor_type,
        'status', f.status, 'created_at', f.created_at, 'updated_at', f.updated_at,
        'last_challenged_at', f.last_challenged_at) order by f.created_at)
      from auth.mfa_factors f where f.user_id = u.id), '[]'::json) as factors
"""

Row = dict[str, Any]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


#: GoTrue caps ``per_page`` of the admin user list.
MAX_USERS_PER_PAGE = 1000


class AuthError(Exception):
    """An error answered in GoTrue's format (section 4.5)."""

    def __init__(
        self, status: int, code: str, message: str, details: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        #: more members of the body, as GoTrue adds them (``weak_password: {reasons}``)
        self.details = dict(details or {})


class OAuthError(Exception):
    """The few OAuth-style errors (``{"error", "error_description"}``), always 400."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error = error
        self.description = description


def invalid_credentials() -> AuthError:
    return AuthError(400, "invalid_credentials", "Invalid login credentials")


def _timestamp(value: datetime | str | None) -> str | None:
    """Go's RFC 3339 form with microseconds, in UTC."""
    if value is None:
        return None
    if isinstance(value, str):  # from json_agg
        value = datetime.fromisoformat(value)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def user_json(row: Row) -> dict[str, Any]:
    """The GoTrue user object; null timestamps are omitted as GoTrue does."""
    body: dict[str, Any] = {
        "id": str(row["id"]),
        "aud": row["aud"] or "authenticated",
        "role": row["role"] or "authenticated",
        "email": row["email"] or "",
        "phone": row["phone"] or "",
        "app_metadata": row["raw_app_meta_data"] or {},
        "user_metadata": row["raw_user_meta_data"] or {},
        "identities": [
            {key: (_timestamp(val) if key.endswith("_at") else val) for key, val in ident.items()}
            for ident in row["identities"]
        ],
        "is_anonymous": bool(row["is_anonymous"]),
    }
    if row["factors"]:  # GoTrue omits an empty list
        body["factors"] = [
            {key: (_timestamp(val) if key.endswith("_at") else val) for key, val in factor.items()}
            for factor in row["factors"]
        ]
    for column in (
        "email_confirmed_at",
        "phone_confirmed_at",
        "confirmed_at",
        "last_sign_in_at",
        "created_at",
        "updated_at",
        "banned_until",
    ):
        if row[column] is not None:
            body[column] = _timestamp(row[column])
    return body


def parse_ban_duration(value: str) -> timedelta | None:
    """GoTrue's ``ban_duration``: ``"none"`` lifts a ban, else a Go duration such as ``"24h"``."""
    if value == "none":
        return None
    parts = _DURATION_PART.findall(value)
    if not parts or "".join(n + u for n, u in parts) != value:
        raise AuthError(400, "validation_failed", "invalid format for ban duration")
    return timedelta(seconds=sum(float(n) * _DURATION_UNITS[u] for n, u in parts))


def _is_banned(row: Row) -> bool:
    banned_until: datetime | None = row["banned_until"]
    return banned_until is not None and banned_until > datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Assurance:
    """A session's ``aal`` and ``amr`` claims (the methods, most recent first)."""

    aal: str
    amr: tuple[dict[str, Any], ...]


async def session_assurance(conn: AsyncConnection[Any], session_id: str) -> Assurance:
    """What the session proved so far: its ``aal`` and its ``mfa_amr_claims`` rows."""
    cur = conn.cursor(row_factory=dict_row)
    await cur.execute(
        "select s.aal, s.created_at, c.authentication_method, c.updated_at"
        " from auth.sessions s left join auth.mfa_amr_claims c on c.session_id = s.id"
        " where s.id = %s order by c.updated_at desc nulls last",
        (session_id,),
    )
    rows = await cur.fetchall()
    if not rows:
        return Assurance("aal1", ())
    amr = tuple(
        {"method": row["authentication_method"], "timestamp": int(row["updated_at"].timestamp())}
        for row in rows
        if row["authentication_method"] is not None
    )
    # a session signed in before the claims were kept proved its password when it began
    fallback = ({"method": "password", "timestamp": int(rows[0]["created_at"].timestamp())},)
    return Assurance(rows[0]["aal"] or "aal1", amr or fallback)


@dataclass(frozen=True, slots=True)
class CallerSession:
    """The user and session named by a verified access token."""

    user: Row
    session_id: str | None


class AuthService:
    """Routes under ``/auth/v1``; ``pool`` connects as a role that owns the ``auth`` tables."""

    def __init__(
        self, pool: AsyncConnectionPool, keys: tokens.ProjectKeys, issuer: tokens.TokenIssuer
    ) -> None:
        self._pool = pool
        self._keys = keys
        self._issuer = issuer

    def add_routes(self, app: web.Application) -> None:
        routes = [
            ("POST", "/auth/v1/token", self._token),
            ("GET", "/auth/v1/user", self._get_user),
            ("POST", "/auth/v1/logout", self._logout),
            ("POST", "/auth/v1/admin/users", self._admin_create_user),
            ("GET", "/auth/v1/admin/users", self._admin_list_users),
            ("GET", "/auth/v1/admin/users/{user_id}", self._admin_get_user),
            ("PUT", "/auth/v1/admin/users/{user_id}", self._admin_update_user),
            ("DELETE", "/auth/v1/admin/users/{user_id}", self._admin_delete_user),
        ]
        for method, path, handler in routes:
            app.router.add_route(method, path, self._answering_errors(handler))

    # -- error format -----------------------------------------------------------------

    @staticmethod
    def _answering_errors(handler: Handler) -> Handler:
        async def wrapped(request: web.Request) -> web.StreamResponse:
            version = request.headers.get(API_VERSION_HEADER)
            try:
                return await handler(request)
            except OAuthError as err:
                oauth = {"error": err.error, "error_description": err.description}
                return json_response(oauth, status=400)
            except AuthError as err:
                headers = {"x-sb-error-code": err.code}
                if version is not None and version >= "2024-01-01":
                    headers[API_VERSION_HEADER] = version
                    body: dict[str, Any] = {"code": err.code, "message": err.message}
                else:
                    body = {"code": err.status, "error_code": err.code, "msg": err.message}
                return json_response({**body, **err.details}, status=err.status, headers=headers)

        return wrapped

    @staticmethod
    async def _body(request: web.Request) -> dict[str, Any]:
        try:
            body = await read_json(request)
        except BodyNotJson as err:
            raise AuthError(
                400, "bad_json", f"Could not parse request body as JSON: {err}"
            ) from err
        if body is None:
            return {}
        if not isinstance(body, dict):
            raise AuthError(400, "bad_json", "Request body must be a JSON object")
        return body

    # -- token grants -----------------------------------------------------------------

    async def _token(self, request: web.Request) -> web.StreamResponse:
        grant_type = request.query.get("grant_type", "")
        body = await self._body(request)
        if grant_type == "password":
            return json_response(await self._password_grant(body))
        if grant_type == "refresh_token":
            return json_response(await self._refresh_grant(body))
        raise AuthError(400, "unsupported_grant_type", f"unsupported_grant_type: {grant_type!r}")

    async def _password_grant(self, body: Mapping[str, Any]) -> dict[str, Any]:
        email, phone, password = body.get("email"), body.get("phone"), body.get("password")
        if email and phone:
            raise AuthError(
                400,
                "validation_failed",
                "Only an email address or phone number should be provided on login.",
            )
        if not isinstance(email, str) or not email or not isinstance(password, str):
            # Phone sign-in is not offered by this devstack: no such user.
            raise invalid_credentials()
        async with self._pool.connection() as conn:
            user = await _fetch_user(
                conn, "lower(u.email) = lower(%s) and not u.is_sso_user", email
            )
        if user is None or not user["encrypted_password"]:
            raise invalid_credentials()
        if _is_banned(user):
            raise AuthError(400, "user_banned", "User is banned")
        if not await asyncio.to_thread(_password_matches, password, user["encrypted_password"]):
            raise invalid_credentials()
        if user["email_confirmed_at"] is None:
            raise AuthError(400, "email_not_confirmed", "Email not confirmed")
        async with self._pool.connection() as conn, conn.transaction():
            now = datetime.now(UTC)
            session_id = str(uuid.uuid4())
            await conn.execute(
                "insert into auth.sessions (id, user_id, created_at, updated_at, aal)"
                " values (%s, %s, %s, %s, 'aal1')",
                (session_id, user["id"], now, now),
            )
            await conn.execute(
                "insert into auth.mfa_amr_claims (id, session_id, created_at, updated_at,"
                " authentication_method) values (%s, %s, %s, %s, 'password')",
                (uuid.uuid4(), session_id, now, now),
            )
            refresh_token = await _insert_refresh_token(conn, user["id"], session_id, parent=None)
            await conn.execute(
                "update auth.users set last_sign_in_at = %s, updated_at = %s where id = %s",
                (now, now, user["id"]),
            )
            await conn.execute(
                "update auth.identities set last_sign_in_at = %s, updated_at = %s"
                " where user_id = %s and provider = 'email'",
                (now, now, user["id"]),
            )
            user = await _fetch_user(conn, "u.id = %s", user["id"])
            assurance = await session_assurance(conn, session_id)
        assert user is not None  # just signed in within the transaction
        return self._session(user, session_id, refresh_token, assurance)

    async def _refresh_grant(self, body: Mapping[str, Any]) -> dict[str, Any]:
        token = body.get("refresh_token")
        if not isinstance(token, str) or not token:
            raise OAuthError("invalid_request", "refresh_token required")
        if len(token) < 12:
            raise AuthError(400, "validation_failed", "Refresh token is not valid")
        family_revoked = False
        async with self._pool.connection() as conn, conn.transaction():
            cur = conn.cursor(row_factory=dict_row)
            await cur.execute(
                "select t.token, t.revoked, t.updated_at, t.session_id, s.created_at as signed_in_at"
                " from auth.refresh_tokens t left join auth.sessions s on s.id = t.session_id"
                " where t.token = %s for update of t",
                (token,),
            )
            row = await cur.fetchone()
            if row is None:
                raise AuthError(
                    400, "refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found"
                )
            if row["signed_in_at"] is None:
                raise AuthError(
                    400, "session_not_found", "Invalid Refresh Token: No Valid Session Found"
                )
            session_id = str(row["session_id"])
            user = await _fetch_user(
                conn, "u.id = (select user_id from auth.sessions where id = %s)", session_id
            )
            if user is None:
                raise AuthError(
                    400, "session_not_found", "Invalid Refresh Token: No Valid Session Found"
                )
            if _is_banned(user):
                raise AuthError(400, "user_banned", "User is banned")
            issued: str | None = None
            if row["revoked"]:
                await cur.execute(
                    "select token, parent from auth.refresh_tokens"
                    " where session_id = %s and not revoked order by id desc limit 1",
                    (session_id,),
                )
                active = await cur.fetchone()
                if active is not None and active["parent"] == token:
                    issued = active["token"]
                elif datetime.now(UTC) > row["updated_at"] + REFRESH_TOKEN_REUSE_INTERVAL:
                    # Possible token theft: end the session, so neither the thief's
                    # nor the owner's tokens of this family refresh again.
                    await conn.execute("delete from auth.sessions where id = %s", (session_id,))
                    family_revoked = True
            if not family_revoked:
                if issued is None:
                    await conn.execute(
                        "update auth.refresh_tokens set revoked = true, updated_at = now()"
                        " where token = %s",
                        (token,),
                    )
                    issued = await _insert_refresh_token(conn, user["id"], session_id, parent=token)
                await conn.execute(
                    "update auth.sessions set refreshed_at = now() at time zone 'utc',"
                    " updated_at = now() where id = %s",
                    (session_id,),
                )
            assurance = await session_assurance(conn, session_id)
        if family_revoked or issued is None:
            # Raised after the commit, so the family stays revoked.
            raise AuthError(
                400, "refresh_token_already_used", "Invalid Refresh Token: Already Used"
            )
        return self._session(user, session_id, issued, assurance)

    def _session(
        self, user: Row, session_id: str, refresh_token: str, assurance: Assurance
    ) -> dict[str, Any]:
        """GoTrue's token response; the access token carries the session's aal and amr."""
        public = user_json(user)
        access = self._issuer.access_token(
            public, session_id=session_id, aal=assurance.aal, amr=assurance.amr
        )
        return {
            "access_token": access.token,
            "token_type": "bearer",
            "expires_in": access.expires_in,
            "expires_at": access.expires_at,
            "refresh_token": refresh_token,
            "user": public,
        }

    # -- the signed-in user -----------------------------------------------------------

    def _claims(self, request: web.Request) -> dict[str, Any]:
        token = bearer_token(request)
        if token is None:
            raise AuthError(401, "no_authorization", "This endpoint requires a valid Bearer token")
        try:
            return tokens.verify(token, self._keys.jwt_secret)
        except tokens.TokenError as err:
            raise AuthError(
                403, "bad_jwt", f"invalid JWT: unable to parse or verify signature, {err}"
            ) from err

    async def _caller(self, request: web.Request) -> CallerSession:
        claims = self._claims(request)
        sub = claims.get("sub")
        try:
            user_id = uuid.UUID(str(sub))
        except ValueError as err:
            raise AuthError(403, "bad_jwt", "invalid claim: missing sub claim") from err
        session_id = claims.get("session_id")
        async with self._pool.connection() as conn:
            user = await _fetch_user(conn, "u.id = %s", user_id)
            if user is None:
                raise AuthError(403, "user_not_found", "User from sub claim in JWT does not exist")
            if session_id is not None:
                found = await (
                    await conn.execute(
                        "select 1 from auth.sessions where id::text = %s and user_id = %s",
                        (str(session_id), user_id),
                    )
                ).fetchone()
                if found is None:
                    raise AuthError(
                        403,
                        "session_not_found",
                        "Session from session_id claim in JWT does not exist",
                    )
        return CallerSession(user, None if session_id is None else str(session_id))

    async def _get_user(self, request: web.Request) -> web.StreamResponse:
        return json_response(user_json((await self._caller(request)).user))

    async def _logout(self, request: web.Request) -> web.StreamResponse:
        scope = request.query.get("scope", "global")
        if scope not in LOGOUT_SCOPES:
            raise AuthError(400, "validation_failed", f"Unsupported logout scope {scope!r}")
        caller = await self._caller(request)
        user_id = caller.user["id"]
        async with self._pool.connection() as conn:
            if scope == "global" or caller.session_id is None:
                await conn.execute("delete from auth.sessions where user_id = %s", (user_id,))
            elif scope == "local":
                await conn.execute("delete from auth.sessions where id = %s", (caller.session_id,))
            else:
                await conn.execute(
                    "delete from auth.sessions where user_id = %s and id <> %s",
                    (user_id, caller.session_id),
                )
        return web.Response(status=204)

    # -- admin API (service_role) -----------------------------------------------------

    def _require_admin(self, request: web.Request) -> None:
        if self._claims(request).get("role") not in ADMIN_ROLES:
            raise AuthError(403, "not_admin", "User not allowed")

    @staticmethod
    def _user_id(request: web.Request) -> uuid.UUID:
        try:
            return uuid.UUID(request.match_info["user_id"])
        except ValueError as err:
            raise AuthError(404, "user_not_found", "User not found") from err

    async def _admin_create_user(self, request: web.Request) -> web.StreamResponse:
        self._require_admin(request)
        body = await self._body(request)
        password = body.get("password")
        password_hash = await _hash_new_password(password) if password is not None else None
        app_metadata = _object(body, "app_metadata")
        user_metadata = _object(body, "user_metadata")
        user_id = _requested_id(body.get("id"))
        now = datetime.now(UTC)
        confirmed_at = now if body.get("email_confirm") is True else None
        banned_until = _ban_end(body, now)
        app_metadata = {"provider": "email", "providers": ["email"], **app_metadata}
        async with self._pool.connection() as conn, conn.transaction():
            email = await _new_email(conn, body.get("email"), None)
            await conn.execute(
                "insert into auth.users (instance_id, id, aud, role, email, encrypted_password,"
                " email_confirmed_at, raw_app_meta_data, raw_user_meta_data, banned_until,"
                " created_at, updated_at, is_sso_user, is_anonymous)"
                " values ('00000000-0000-0000-0000-000000000000', %s, 'authenticated', %s,"
                " %s, %s, %s, %s, %s, %s, %s, %s, false, false)",
                (
                    user_id,
                    body.get("role") or "authenticated",
                    email,
                    password_hash,
                    confirmed_at,
                    Jsonb(app_metadata),
                    Jsonb(user_metadata),
                    banned_until,
                    now,
                    now,
                ),
            )
            await conn.execute(
                "insert into auth.identities (provider_id, user_id, identity_data, provider,"
                " created_at, updated_at) values (%s, %s, %s, 'email', %s, %s)",
                (
                    str(user_id),
                    user_id,
                    Jsonb(
                        {
                            "sub": str(user_id),
                            "email": email,
                            "email_verified": confirmed_at is not None,
                        }
                    ),
                    now,
                    now,
                ),
            )
            user = await _fetch_user(conn, "u.id = %s", user_id)
        assert user is not None  # inserted in the same transaction
        return json_response(user_json(user))

    async def _admin_list_users(self, request: web.Request) -> web.StreamResponse:
        """GoTrue's page of users (``page`` from 1, ``per_page`` up to 1000; oldest first) with
        ``x-total-count`` and a ``link`` header, which supabase-py reads for ``next_page``."""
        self._require_admin(request)
        page = _positive_int(request.query.get("page"), 1)
        per_page = min(_positive_int(request.query.get("per_page"), 50), MAX_USERS_PER_PAGE)
        async with self._pool.connection() as conn:
            cur = conn.cursor(row_factory=dict_row)
            await cur.execute(
                f"select {USER_COLUMNS} from auth.users u where u.deleted_at is null"
                " order by u.created_at, u.id limit %s offset %s",
                (per_page, (page - 1) * per_page),
            )
            users = await cur.fetchall()
            counted = await (
                await conn.execute("select count(*) from auth.users where deleted_at is null")
            ).fetchone()
        total = int(counted[0]) if counted else 0
        last = max(1, -(-total // per_page))
        url = request.url.with_query({})
        links = [f'<{url}?page={last}&per_page={per_page}>; rel="last"']
        if page < last:
            links.insert(0, f'<{url}?page={page + 1}&per_page={per_page}>; rel="next"')
        headers = {"x-total-count": str(total), "link": ", ".join(links)}
        body = {"users": [user_json(user) for user in users], "aud": "authenticated"}
        return json_response(body, headers=headers)

    async def _admin_get_user(self, request: web.Request) -> web.StreamResponse:
        self._require_admin(request)
        async with self._pool.connection() as conn:
            user = await _fetch_user(conn, "u.id = %s", self._user_id(request))
        if user is None:
            raise AuthError(404, "user_not_found", "User not found")
        return json_response(user_json(user))

    async def _admin_update_user(self, request: web.Request) -> web.StreamResponse:
        """Merges metadata like GoTrue (a null value removes the key); sets password, confirmation, ban."""
        self._require_admin(request)
        user_id = self._user_id(request)
        body = await self._body(request)
        now = datetime.now(UTC)
        password = body.get("password")
        password_hash = await _hash_new_password(password) if password is not None else None
        async with self._pool.connection() as conn, conn.transaction():
            user = await _fetch_user(conn, "u.id = %s for update of u", user_id)
            if user is None:
                raise AuthError(404, "user_not_found", "User not found")
            app_metadata = _merged(user["raw_app_meta_data"], _object(body, "app_metadata"))
            user_metadata = _merged(user["raw_user_meta_data"], _object(body, "user_metadata"))
            confirmed_at = user["email_confirmed_at"]
            if body.get("email_confirm") is True and confirmed_at is None:
                confirmed_at = now
            banned_until = _ban_end(body, now) if "ban_duration" in body else user["banned_until"]
            email = user["email"]
            if "email" in body and body["email"] != email:
                email = await _new_email(conn, body["email"], user_id)
                # The admin API changes it at once (no confirmation mail), as GoTrue's does.
                await conn.execute(
                    "update auth.identities set identity_data = identity_data || %s,"
                    " updated_at = %s where user_id = %s and provider = 'email'",
                    (Jsonb({"email": email}), now, user_id),
                )
            await conn.execute(
                "update auth.users set raw_app_meta_data = %s, raw_user_meta_data = %s,"
                " email_confirmed_at = %s, banned_until = %s, role = %s, email = %s,"
                " encrypted_password = coalesce(%s, encrypted_password), updated_at = %s"
                " where id = %s",
                (
                    Jsonb(app_metadata),
                    Jsonb(user_metadata),
                    confirmed_at,
                    banned_until,
                    body.get("role") or user["role"],
                    email,
                    password_hash,
                    now,
                    user_id,
                ),
            )
            user = await _fetch_user(conn, "u.id = %s", user_id)
        assert user is not None  # locked above
        return json_response(user_json(user))

    async def _admin_delete_user(self, request: web.Request) -> web.StreamResponse:
        self._require_admin(request)
        async with self._pool.connection() as conn:
            cur = await conn.execute(
                "delete from auth.users where id = %s", (self._user_id(request),)
            )
        if cur.rowcount == 0:
            raise AuthError(404, "user_not_found", "User not found")
        return json_response({})


async def _new_email(conn: AsyncConnection[Any], value: object, user_id: uuid.UUID | None) -> str:
    """A valid email no other user has (normalised as GoTrue's validateEmail)."""
    if not isinstance(value, str) or not _EMAIL.match(value):
        raise AuthError(
            400, "validation_failed", "Unable to validate email address: invalid format"
        )
    email = value.strip().lower()
    taken = await (
        await conn.execute(
            "select 1 from auth.users where lower(email) = lower(%s) and not is_sso_user"
            " and id is distinct from %s",
            (email, user_id),
        )
    ).fetchone()
    if taken is not None:
        raise AuthError(
            422, "email_exists", "A user with this email address has already been registered"
        )
    return email


def _positive_int(value: str | None, default: int) -> int:
    """A query parameter that must be a positive integer (GoTrue answers 400 otherwise)."""
    if value is None or value == "":
        return default
    if not value.isdigit() or int(value) < 1:
        raise AuthError(400, "validation_failed", f"Bad pagination parameter: {value}")
    return int(value)


async def _fetch_user(conn: AsyncConnection[Any], where: str, param: object) -> Row | None:
    """One user with its identities; ``where`` is a constant SQL condition on alias ``u``."""
    cur = conn.cursor(row_factory=dict_row)
    await cur.execute(
        f"select {USER_COLUMNS} from auth.users u where u.deleted_at is null and {where}",
        (param,),
    )
    return await cur.fetchone()


async def _insert_refresh_token(
    conn: AsyncConnection[Any], user_id: uuid.UUID, session_id: str, *, parent: str | None
) -> str:
    token = secrets.token_urlsafe(24)
    await conn.execute(
        "insert into auth.refresh_tokens (instance_id, token, user_id, revoked, parent,"
        " session_id, created_at, updated_at)"
        " values ('00000000-0000-0000-0000-000000000000', %s, %s, false, %s, %s, now(), now())",
        (token, str(user_id), parent, session_id),
    )
    return token


def _password_matches(password: str, hashed: str) -> bool:
    try:
        return bcrypt.checkpw(password.encode(), hashed.encode())
    except ValueError:  # not a bcrypt hash (e.g. a seed's placeholder)
        return False


async def _hash_new_password(password: object) -> str:
    too_short = {"weak_password": {"reasons": ["length"]}}
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError(
            422,
            "weak_password",
            f"Password should be at least {MIN_PASSWORD_LENGTH} characters.",
            too_short,
        )
    if len(password.encode()) > 72:
        raise AuthError(
            422, "weak_password", "Password cannot be longer than 72 characters", too_short
        )
    hashed: bytes = await asyncio.to_thread(bcrypt.hashpw, password.encode(), bcrypt.gensalt(10))
    return hashed.decode()


def _object(body: Mapping[str, Any], key: str) -> dict[str, Any]:
    value = body.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise AuthError(400, "validation_failed", f"{key} must be a JSON object")
    return value


def _merged(current: dict[str, Any] | None, changes: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(current or {})
    for key, value in changes.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


def _requested_id(value: object) -> uuid.UUID:
    if value is None:
        return uuid.uuid4()
    try:
        return uuid.UUID(str(value))
    except ValueError as err:
        raise AuthError(400, "validation_failed", "id must be a valid UUID") from err


def _ban_end(body: Mapping[str, Any], now: datetime) -> datetime | None:
    duration = body.get("ban_duration")
    if duration is None:
        return None
    if not isinstance(duration, str):
        raise AuthError(400, "validation_failed", "invalid format for ban duration")
    length = parse_ban_duration(duration)
    return None if length is None else now + length
