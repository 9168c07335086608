"""The admin's session: sign-in, refusal of non-admins, refresh, keyring persistence.

Refresh is driven here, not by supabase-auth's timer (``auto_refresh_token``
off): its timer stops silently on a non-retryable error and runs on the
monotonic clock, which does not advance while a laptop sleeps. Expiry is a
wall-clock fact (the JWT ``exp``, ``expires_at``): the realtime supervisor
refreshes ahead of it, and first thing after a wake.

The desktop app's refresh token lives in the OS keyring only (service
``lia-desktop``, one entry per Supabase URL and email); it rotates on every
refresh, so the entry is rewritten each time. A headless session (``lia-desktop
doctor``/``watch``, ``persist=False``) keeps nothing anywhere: it signs in with
the password, so it never needs the keyring, and the app's entry is the app's
alone. A command that read or rewrote it would rotate the app's token or, at
its sign-out, delete it, signing the tray app out.

Two-factor sign-in (issue 16): after the password, an admin with a verified
TOTP factor, or any admin of a project whose contract demands aal2
(``admin_security_policy``), is not signed in yet. :meth:`AuthSession.begin_sign_in`
answers a :class:`SecondFactorStep` (with a fresh :class:`TotpEnrollment` when
the admin has no factor) and keeps that aal1 session pending: nothing is
stored and no listener hears of it. :meth:`AuthSession.verify_code` turns it
into the aal2 session, whose new refresh token goes to the keyring at once, so
later starts restore aal2 silently; a wrong, expired or reused code changes
nothing. supabase-py points its REST client at the new token on
``MFA_CHALLENGE_VERIFIED``; every adopted token is set on it here too, so an
admin RPC never goes out with the aal1 token whatever the library version.

Signing out ends the server session first (``scope: local``: only this
session, never the account's sessions on other devices or terminals), then
forgets locally. A local failure (keyring locked, disk full) cannot undo the
server sign-out and never raises: it is logged and returned to the caller, who
tells the admin.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import jwt
import keyring
import keyring.errors
from supabase_auth.types import Session

from lia_desktop.core.second_factor import normalise_code
from lia_desktop.services.api import AdminApi
from lia_desktop.services.errors import (
    BadUrl,
    NotAdmin,
    SecondFactorNotSetUp,
    SecondFactorRequired,
    SessionExpired,
    WrongCode,
    refuse_unusable_project,
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

#: the factor's name in GoTrue and the issuer authenticator apps list it under
FACTOR_NAME = "LIA Desktop"
TOTP_ISSUER = "LIA Admin"
#: supabase-py hands GoTrue's SVG over as a data URI with this prefix
SVG_DATA_URI = "data:image/svg+xml;utf-8,"


@dataclass(frozen=True, slots=True)
class TotpEnrollment:
    """A factor enrolled, not verified yet: what the admin scans (``qr_svg``) or types."""

    factor_id: str
    qr_svg: bytes = field(repr=False)
    secret: str = field(repr=False)
    uri: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class SecondFactorStep:
    """The password was right; the server wants an authenticator code first.

    ``enrollment`` is set when the admin has no factor yet: its QR code and
    secret go into an authenticator app, whose first code verifies it.
    """

    email: str
    enrollment: TotpEnrollment | None = None


@dataclass(frozen=True, slots=True)
class AdminIdentity:
    user_id: str
    email: str


@dataclass(frozen=True, slots=True)
class SignOutOutcome:
    """What a sign-out achieved; ``problems`` are sentences to show the admin.

    ``server_ended`` is False when the server could not be told (offline): that
    session stays valid on the server until it is revoked, though nothing here
    can use it any more. ``forgotten`` is False when the keyring could not be
    cleared, so its refresh token (already dead on the server if
    ``server_ended``) may still be stored.
    """

    server_ended: bool
    forgotten: bool
    problems: tuple[str, ...] = ()

    @property
    def message(self) -> str | None:
        return "; ".join(self.problems) or None


def token_claims(access_token: str) -> dict[str, Any]:
    """The JWT's claims, unverified: the server verifies; the app only reads role and exp."""
    claims: dict[str, Any] = jwt.decode(access_token, options={"verify_signature": False})
    return claims


def _verified_totp(session: Session) -> tuple[str, ...]:
    return tuple(
        f.id
        for f in session.user.factors or []
        if f.factor_type == "totp" and f.status == "verified"
    )


def admin_role(access_token: str) -> str:
    app_metadata = token_claims(access_token).get("app_metadata") or {}
    role = app_metadata.get("role") if isinstance(app_metadata, dict) else None
    return role if isinstance(role, str) else ""


async def open_client(url: str, anon_key: str) -> AsyncClient:
    """A supabase client whose session the app refreshes and persists itself.

    The one door to a project, for every path (sign-in, Settings, a silent start,
    ``doctor``): an address or key whose text shows it cannot be right is refused here,
    before anything is sent (``errors.refuse_unusable_project``).

    It gets its own httpx client: without one, supabase 2.34 builds PostgREST
    with the deprecated ``timeout`` argument, and that DeprecationWarning (an
    error under ``-W error``) would fail every RPC.
    """
    refuse_unusable_project(url, anon_key)
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
        self,
        client: AsyncClient,
        url: str,
        *,
        wall_clock: Callable[[], float] = time.time,
        persist: bool = True,
    ) -> None:
        self._client = client
        self._url = url.rstrip("/")
        self._vault = _KeyringVault(self._url) if persist else None
        self._wall_clock = wall_clock
        self._session: Session | None = None
        #: the aal1 session waiting for a code, and the factors a code may be for
        self._pending: Session | None = None
        self._pending_factors: tuple[str, ...] = ()
        self._lifetime = 3600.0
        self._refresh_lock = asyncio.Lock()
        self._listeners: list[TokenListener] = []
        self.api = AdminApi(client)

    @classmethod
    async def open(cls, url: str, anon_key: str, *, persist: bool = True) -> AuthSession:
        """``persist=False``: a headless session that never touches the OS keyring."""
        return cls(await open_client(url, anon_key), url, persist=persist)

    # --- state -------------------------------------------------------------

    @property
    def url(self) -> str:
        """The Supabase project's URL (no trailing slash)."""
        return self._url

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

    async def sign_in(
        self, email: str, password: str, code: Callable[[], str] | None = None
    ) -> AdminIdentity:
        """Sign in without a dialog: ``code()`` gives the authenticator code when one is
        needed (headless tools); an admin with no factor where aal2 is demanded is told to
        set one up in the app (:class:`SecondFactorNotSetUp`)."""
        step = await self.begin_sign_in(email, password, enroll=False)
        if step is None:
            identity = self.identity
            assert identity is not None  # adopted
            return identity
        try:
            if code is None:
                raise SecondFactorRequired("this account signs in with an authenticator code")
            return await self.verify_code(code())
        except BaseException:
            await self.cancel_sign_in()  # no second try without a dialog: end that session
            raise

    async def begin_sign_in(
        self, email: str, password: str, *, enroll: bool = True
    ) -> SecondFactorStep | None:
        """The password step: ``None`` when signed in, else the second step to take.

        ``enroll``: where aal2 is demanded of an admin without a factor, enroll a
        new TOTP factor (its leftover unverified ones first removed); otherwise
        raise :class:`SecondFactorNotSetUp`.
        """
        await self.cancel_sign_in()
        try:
            response = await self._client.auth.sign_in_with_password(
                {"email": email, "password": password}
            )
        except Exception as exc:
            raise translate(exc) from exc
        session = response.session
        if session is None:
            raise SessionExpired("the server returned no session")
        await self._refuse_non_admin(session)
        factors = _verified_totp(session)
        if not factors and not await self._aal2_demanded(session):
            await self._adopt(session)
            return None
        self._pending = session
        if factors:
            self._pending_factors = factors
            return SecondFactorStep(email)
        if not enroll:
            await self.cancel_sign_in()
            raise SecondFactorNotSetUp(f"{email} has no authenticator factor and aal2 is required")
        enrollment = await self._enroll(session)
        self._pending_factors = (enrollment.factor_id,)
        return SecondFactorStep(email, enrollment)

    async def verify_code(self, typed: str) -> AdminIdentity:
        """The code step: the pending session becomes aal2 and is adopted (and stored).

        With several factors (a backup phone) the code is tried on each. A code
        refused leaves the pending session waiting for the next try; nothing is
        stored before a code verifies.
        """
        code = normalise_code(typed)
        if code is None:
            raise WrongCode("a code is six digits")
        if self._pending is None:
            raise SessionExpired("no sign-in is waiting for a code")
        refused: WrongCode | None = None
        for factor_id in self._pending_factors:
            try:
                await self._client.auth.mfa.challenge_and_verify(
                    {"factor_id": factor_id, "code": code}
                )
            except Exception as exc:
                error = translate(exc)
                if isinstance(error, WrongCode):
                    refused = error
                    continue
                raise error from exc
            session = await self._client.auth.get_session()
            if session is None:
                raise SessionExpired("the server returned no session")
            self._pending = None
            self._pending_factors = ()
            return await self._adopt(session)
        assert refused is not None  # a pending sign-in has at least one factor
        raise refused

    async def cancel_sign_in(self) -> None:
        """Give up a sign-in waiting for a code: its aal1 session ends on the server."""
        if self._pending is None:
            return
        self._pending = None
        self._pending_factors = ()
        try:
            await self._client.auth.sign_out({"scope": "local"})
        except Exception as exc:
            log.warning("could not end the unfinished sign-in on the server: %s", translate(exc))

    @property
    def assurance(self) -> str:
        """The adopted token's ``aal`` (``aal1`` before any second factor)."""
        if self._session is None:
            return ""
        return str(token_claims(self._session.access_token).get("aal") or "aal1")

    async def restore(self, email: str | None = None) -> AdminIdentity | None:
        """Silent sign-in with the keyring's refresh token; ``None`` when there is none.

        A refused token is deleted (the admin must sign in again); a network
        failure is raised with the token kept, so a later retry can succeed. A
        headless session has nothing stored, so it always answers ``None``.
        """
        vault = self._vault
        if vault is None:
            return None
        email = email or vault.get(vault.last_email_key)
        if not email:
            return None
        refresh_token = vault.get(vault.token_key(email))
        if not refresh_token:
            return None
        try:
            session = await self._refresh_with(refresh_token)
        except SessionExpired:
            vault.forget(email)
            return None
        if await self._lacks_second_factor(session):
            # an aal1 session from before the admin's factor or the project's switch: the
            # rotated token is kept current, and the admin is asked for a sign-in with code
            vault.set(vault.token_key(email), session.refresh_token)
            log.info("the stored session is not aal2 and this admin needs it: sign in again")
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

    async def sign_out(self) -> SignOutOutcome:
        """End this session on the server, then forget it locally; never raises.

        The server comes first: a local failure (a full disk under a file
        keyring, a locked keyring) must not leave a live session on the server
        behind a token the app can no longer be trusted to delete. The scope is
        ``local`` (GoTrue ends the session named by the access token's
        ``session_id`` only): the admin's other devices, and the tray app when a
        headless command signs out, stay signed in. supabase-auth's own
        ``sign_out`` is used because it refreshes an expired access token first
        (a logout needs a valid one); its storage is in memory
        (``persist_session=False``), so it removes nothing from the keyring.
        """
        identity = self.identity
        problems: list[str] = []
        server_ended = self._session is None
        if self._session is not None:
            try:
                await self._client.auth.sign_out({"scope": "local"})
                server_ended = True
            except Exception as exc:  # any failure: still sign out here
                error = translate(exc)
                log.warning("could not end the session on the server: %s", error)
                problems.append(
                    f"the server was not told about the sign-out ({error}); "
                    "that session stays valid there until it expires or is revoked"
                )
        self._session = None
        forgotten = True
        if identity is not None and self._vault is not None:
            failure = self._vault.forget(identity.email)
            if failure is not None:
                forgotten = False
                problems.append(
                    f"the stored sign-in could not be removed from the OS keyring ({failure})"
                    + ("; it no longer works" if server_ended else "")
                )
        self._notify(None)
        return SignOutOutcome(server_ended, forgotten, tuple(problems))

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

    async def _refuse_non_admin(self, session: Session) -> None:
        """A session that is not an admin's is signed out and refused."""
        role = admin_role(session.access_token)
        if role != "admin":
            self._session = session
            await self.sign_out()
            raise NotAdmin(
                f"{session.user.email} is not an administrator (role {role or 'none'}); "
                "LIA Desktop is for LIA admins only"
            )

    async def _aal2_demanded(self, session: Session) -> bool:
        """The project's switch, asked with this session's token; an older contract
        without ``admin_security_policy`` demands nothing."""
        self._client.postgrest.auth(session.access_token)
        try:
            policy = await self.api.security_policy()
        except BadUrl:
            return False
        return bool(policy.get("admins_need_aal2"))

    async def _lacks_second_factor(self, session: Session) -> bool:
        if token_claims(session.access_token).get("aal") == "aal2":
            return False
        return bool(_verified_totp(session)) or await self._aal2_demanded(session)

    async def _enroll(self, session: Session) -> TotpEnrollment:
        """A new TOTP factor for this app, after removing its unverified leftovers (an
        enrollment abandoned earlier would hold the name)."""
        try:
            for factor in session.user.factors or []:
                if factor.status == "unverified" and factor.friendly_name == FACTOR_NAME:
                    await self._client.auth.mfa.unenroll({"factor_id": factor.id})
            enrolled = await self._client.auth.mfa.enroll(
                {"factor_type": "totp", "friendly_name": FACTOR_NAME, "issuer": TOTP_ISSUER}
            )
        except Exception as exc:
            raise translate(exc) from exc
        if enrolled.totp is None:
            raise SessionExpired("the server enrolled no TOTP factor")
        svg = enrolled.totp.qr_code.removeprefix(SVG_DATA_URI)
        return TotpEnrollment(enrolled.id, svg.encode(), enrolled.totp.secret, enrolled.totp.uri)

    async def _adopt(self, session: Session) -> AdminIdentity:
        """Accept a fresh session only if it belongs to an admin; otherwise sign it out."""
        await self._refuse_non_admin(session)
        async with self._refresh_lock:
            self._store(session)
        if self._vault is not None:
            self._vault.set(self._vault.last_email_key, session.user.email or "")
        identity = self.identity
        assert identity is not None
        return identity

    def _store(self, session: Session) -> None:
        self._session = session
        self._client.postgrest.auth(session.access_token)
        if session.expires_in:
            self._lifetime = float(session.expires_in)
        if self._vault is not None:
            self._vault.set(self._vault.token_key(session.user.email or ""), session.refresh_token)
        self._notify(session.access_token)

    def _notify(self, token: str | None) -> None:
        for listener in self._listeners:
            try:
                listener(token)
            except Exception:
                log.exception("token listener failed")


# The OS keyring may be missing (no Secret Service on a bare Linux session), locked, or
# unable to write (a file-backed keyring on a full disk: OSError). Then the session still
# works; it just cannot be restored silently at the next start. Backends are plug-ins
# (keyring, keyrings.alt, the platform's own) and raise what they raise, so every
# failure is caught here, logged and reported instead of ending a sign-in or a sign-out.


class _KeyringVault:
    """The desktop app's entries for one Supabase URL: refresh token per email, last email."""

    def __init__(self, url: str) -> None:
        self._url = url

    def token_key(self, email: str) -> str:
        return f"{self._url}|{email.lower()}"

    @property
    def last_email_key(self) -> str:
        return f"{self._url}|last-email"

    @staticmethod
    def get(key: str) -> str | None:
        try:
            value: str | None = keyring.get_password(KEYRING_SERVICE, key)
        except Exception as error:
            log.warning("OS keyring unavailable (%s): no silent sign-in", _describe(error))
            return None
        return value

    @staticmethod
    def set(key: str, value: str) -> None:
        try:
            keyring.set_password(KEYRING_SERVICE, key, value)
        except Exception as error:
            log.warning(
                "OS keyring unavailable (%s): sign-in will not be remembered", _describe(error)
            )

    def forget(self, email: str) -> str | None:
        """Delete the email's token and the last email; the first failure, or ``None``."""
        failure: str | None = None
        for key in (self.token_key(email), self.last_email_key):
            try:
                keyring.delete_password(KEYRING_SERVICE, key)
            except keyring.errors.NoKeyringError:
                continue  # no keyring at all: nothing was ever stored
            except Exception as error:
                # backends raise PasswordDeleteError both for "not found" and for a
                # failed delete: only an entry still readable is a failure
                if not self._still_stored(key):
                    continue
                log.warning("could not delete a sign-in from the OS keyring: %s", _describe(error))
                failure = failure or _describe(error)
        return failure

    @staticmethod
    def _still_stored(key: str) -> bool:
        try:
            return keyring.get_password(KEYRING_SERVICE, key) is not None
        except Exception:
            return True  # cannot tell: say so rather than claim it is gone


def _describe(error: BaseException) -> str:
    return str(error) or type(error).__name__
