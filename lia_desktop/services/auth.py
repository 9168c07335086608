"""The admin's session: sign-in, refusal of non-admins, refresh, keyring persistence.

Refresh is driven here, not by supabase-auth's timer (``auto_refresh_token``
off): its timer stops silently on a non-retryable error and runs on the
monotonic clock, which does not advance while a laptop sleeps (wire protocol
4.7). Expiry is a wall-clock fact (the JWT ``exp``), so ``ensure_fresh`` compares
with the wall clock and is called before every (re)join and after a wake.

The refresh token lives in the OS keyring only (service ``lia-desktop``, one
entry per Supabase URL and email); it rotates on every refresh, so the entry is
rewritten each time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import jwt
import keyring
import keyring.errors
from supabase_auth.types import Session

from lia_desktop.services.api import AdminApi
from lia_desktop.services.errors import (
    NotAdmin,
    SessionExpired,
    translate,
)
from supabase import AsyncClient, AsyncClientOptions, create_async_client

log = logging.getLogger(__name__)

KEYRING_SERVICE = "lia-desktop"
#: refresh this long before expiry at most (short-lived tokens use half their lifetime)
MAX_REFRESH_MARGIN = 60.0

#: seconds for any one HTTP request (auth, RPC) before it counts as a network failure
HTTP_TIMEOUT = 30.0

TokenListener = Callable[[str | None], None]


@dataclass(frozen=True, slots=True)
class AdminIdentity:
    user_id: str
    email: str


def token_claims(access_token: str) -> dict[str, Any]:
    """The JWT's claims, unverified: the server verifies; the app only reads role and exp."""
    claims: dict[str, Any] = jwt.decode(access_token, options={"verify_signature": False})
    return claims


def admin_role(access_token: str) -> str:
    app_metadata = token_claims(access_token).get("app_metadata") or {}
    role = app_metadata.get("role") if isinstance(app_metadata, dict) else None
    return role if isinstance(role, str) else ""


async def open_client(url: str, anon_key: str) -> AsyncClient:
    """A supabase client whose session the app refreshes and persists itself.

    It gets its own httpx client: without one, supabase 2.34 builds PostgREST
    with the deprecated ``timeout`` argument, and that DeprecationWarning (an
    error under ``-W error``) would fail every RPC.
    """
    options = AsyncClientOptions(
        auto_refresh_token=False,
        persist_session=False,
        httpx_client=httpx.AsyncClient(timeout=HTTP_TIMEOUT),
    )
    try:
        return await create_async_client(url, anon_key, options)
    except Exception as exc:
        raise translate(exc) from exc


class AuthSession:
    """One signed-in admin on one Supabase project."""

    def __init__(
        self, client: AsyncClient, url: str, *, wall_clock: Callable[[], float] = time.time
    ) -> None:
        self._client = client
        self._url = url.rstrip("/")
        self._wall_clock = wall_clock
        self._session: Session | None = None
        self._lifetime = 3600.0
        self._refresh_lock = asyncio.Lock()
        self._listeners: list[TokenListener] = []
        self.api = AdminApi(client)

    @classmethod
    async def open(cls, url: str, anon_key: str) -> AuthSession:
        return cls(await open_client(url, anon_key), url)

    # --- state -------------------------------------------------------------

    @property
    def identity(self) -> AdminIdentity | None:
        if self._session is None:
            return None
        return AdminIdentity(self._session.user.id, self._session.user.email or "")

    @property
    def access_token(self) -> str | None:
        return self._session.access_token if self._session else None

    @property
    def expires_at(self) -> float | None:
        """Wall-clock epoch seconds at which the access token stops working."""
        if self._session is None:
            return None
        if self._session.expires_at is not None:
            return float(self._session.expires_at)
        return float(token_claims(self._session.access_token)["exp"])

    @property
    def refresh_margin(self) -> float:
        return min(MAX_REFRESH_MARGIN, self._lifetime / 2)

    def on_token_changed(self, listener: TokenListener) -> None:
        """``listener(token)`` after sign-in and every refresh; ``None`` after sign-out."""
        self._listeners.append(listener)

    # --- operations --------------------------------------------------------

    async def sign_in(self, email: str, password: str) -> AdminIdentity:
        try:
            response = await self._client.auth.sign_in_with_password(
                {"email": email, "password": password}
            )
        except Exception as exc:
            raise translate(exc) from exc
        if response.session is None:
            raise SessionExpired("the server returned no session")
        return await self._adopt(response.session)

    async def restore(self, email: str | None = None) -> AdminIdentity | None:
        """Silent sign-in with the keyring's refresh token; ``None`` when there is none.

        A refused token is deleted (the admin must sign in again); a network
        failure is raised with the token kept, so a later retry can succeed.
        """
        email = email or _vault_get(self._last_email_key)
        if not email:
            return None
        refresh_token = _vault_get(self._token_key(email))
        if not refresh_token:
            return None
        try:
            session = await self._refresh_with(refresh_token)
        except SessionExpired:
            self._forget(email)
            return None
        return await self._adopt(session)

    async def refresh(self) -> str:
        """Rotate the tokens now; returns the new access token."""
        async with self._refresh_lock:
            if self._session is None:
                raise SessionExpired("not signed in")
            session = await self._refresh_with(self._session.refresh_token)
            self._store(session)
            return session.access_token

    async def ensure_fresh(self) -> str:
        """The access token, refreshed first if it expires within the margin (e.g. after a sleep)."""
        expires_at = self.expires_at
        if expires_at is None or self._session is None:
            raise SessionExpired("not signed in")
        if expires_at - self._wall_clock() > self.refresh_margin:
            return self._session.access_token
        return await self.refresh()

    async def sign_out(self) -> None:
        """End this device's session on the server (best effort) and forget it locally."""
        identity = self.identity
        with contextlib.suppress(Exception):
            await self._client.auth.sign_out({"scope": "local"})
        self._session = None
        if identity is not None:
            self._forget(identity.email)
        self._notify(None)

    async def close(self) -> None:
        """Close the client's HTTP connections; the supabase client has no close of its own."""
        await self._client.auth.close()
        # built on first use; building it only to close it would warn
        postgrest = self._client._postgrest
        if postgrest is not None:
            await postgrest.aclose()

    # --- internals ---------------------------------------------------------

    async def _refresh_with(self, refresh_token: str) -> Session:
        try:
            response = await self._client.auth.refresh_session(refresh_token)
        except Exception as exc:
            raise translate(exc) from exc
        if response.session is None:
            raise SessionExpired("the server returned no session")
        return response.session

    async def _adopt(self, session: Session) -> AdminIdentity:
        """Accept a fresh session only if it belongs to an admin; otherwise sign it out."""
        role = admin_role(session.access_token)
        if role != "admin":
            self._session = session
            await self.sign_out()
            raise NotAdmin(
                f"{session.user.email} is not an administrator (role {role or 'none'}); "
                "LIA Desktop is for LIA admins only"
            )
        async with self._refresh_lock:
            self._store(session)
        _vault_set(self._last_email_key, session.user.email or "")
        identity = self.identity
        assert identity is not None
        return identity

    def _store(self, session: Session) -> None:
        self._session = session
        if session.expires_in:
            self._lifetime = float(session.expires_in)
        _vault_set(self._token_key(session.user.email or ""), session.refresh_token)
        self._notify(session.access_token)

    def _notify(self, token: str | None) -> None:
        for listener in self._listeners:
            try:
                listener(token)
            except Exception:
                log.exception("token listener failed")

    def _forget(self, email: str) -> None:
        for key in (self._token_key(email), self._last_email_key):
            with contextlib.suppress(keyring.errors.KeyringError):
                keyring.delete_password(KEYRING_SERVICE, key)

    def _token_key(self, email: str) -> str:
        return f"{self._url}|{email.lower()}"

    @property
    def _last_email_key(self) -> str:
        return f"{self._url}|last-email"


# The OS keyring may be missing (no Secret Service on a bare Linux session) or locked.
# Then the session still works; it just cannot be restored silently at the next start.


def _vault_get(key: str) -> str | None:
    try:
        return keyring.get_password(KEYRING_SERVICE, key)
    except keyring.errors.KeyringError as error:
        log.warning("OS keyring unavailable (%s): no silent sign-in", error)
        return None


def _vault_set(key: str, value: str) -> None:
    try:
        keyring.set_password(KEYRING_SERVICE, key, value)
    except keyring.errors.KeyringError as error:
        log.warning("OS keyring unavailable (%s): sign-in will not be remembered", error)
