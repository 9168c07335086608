"""Domain errors of the services layer, one per thing an admin can act on.

The supabase client raises a dozen library exceptions (httpx, postgrest,
supabase_auth, websockets); the UI and ``lia-desktop doctor`` need to say which
of "the server is unreachable", "the URL is wrong", "the key is wrong", "the
password is wrong", "you are not an admin" or "the server failed" happened.
``translate`` is the single place that decides. Each error's ``kind`` (a
``core.problems.Problem``) is what the dialogs and ``doctor`` word for the
admin; ``str(error)`` is the technical detail, for the log.
"""

from __future__ import annotations

from typing import ClassVar

import httpx
from postgrest.exceptions import APIError
from pydantic import ValidationError
from supabase_auth.errors import (
    AuthApiError,
    AuthRetryableError,
    AuthSessionMissingError,
    AuthUnknownError,
)

from lia_desktop.core.problems import Problem
from lia_desktop.core.settings import project_refusal
from supabase import AsyncSupabaseException, SyncSupabaseException


class ServiceError(Exception):
    """Base: ``kind`` is what the admin is told; ``str(error)`` the detail for the log."""

    kind: ClassVar[Problem] = Problem.SERVER_FAILED


class NetworkUnreachable(ServiceError):
    """No answer from the server (offline, DNS, refused, timeout)."""

    kind = Problem.UNREACHABLE


class BadUrl(ServiceError):
    """The Supabase URL is malformed or does not point at a Supabase API."""

    kind = Problem.NOT_SUPABASE


class NotAProjectUrl(BadUrl):
    """The Supabase URL is malformed in a way its text shows (``core.project.url_flaw``)."""

    kind = Problem.NOT_A_SUPABASE_URL


class BadApiKey(ServiceError):
    """The anon key was rejected by the server."""

    kind = Problem.KEY_REJECTED


class NotAnAnonKey(BadApiKey):
    """The anon key field holds no JWT with a role: refused before it is sent."""

    kind = Problem.NOT_AN_ANON_KEY


class NotTheAnonRole(NotAnAnonKey):
    """A JWT of another role, the service_role key most likely: never sent, never saved."""

    kind = Problem.NOT_THE_ANON_ROLE


class BadCredentials(ServiceError):
    """Email or password wrong (or the account is not confirmed)."""

    kind = Problem.WRONG_PASSWORD


class NotAdmin(ServiceError):
    """Signed in, but the account's JWT does not carry ``app_metadata.role = admin``."""

    kind = Problem.NOT_ADMIN


class SessionExpired(ServiceError):
    """The stored session can no longer be refreshed: sign in again."""

    kind = Problem.SESSION_ENDED


class SecondFactorRequired(SessionExpired):
    """The project demands aal2 (a verified TOTP code) and this session is aal1.

    A kind of ended session: whoever handles one (the supervisor, a silent
    sign-in) asks for a new sign-in, whose second step gives the code.
    """

    kind = Problem.SECOND_FACTOR_REQUIRED


class SecondFactorNotSetUp(ServiceError):
    """aal2 is demanded and the account has no factor; only the app's dialog enrolls one."""

    kind = Problem.SECOND_FACTOR_NOT_SET_UP


class WrongCode(ServiceError):
    """The TOTP code did not verify (``mfa_verification_failed``)."""

    kind = Problem.WRONG_CODE


class CodeExpired(ServiceError):
    """The challenge expired, or was answered before (a reused code)."""

    kind = Problem.CODE_EXPIRED


class TooManyAttempts(ServiceError):
    """GoTrue's rate limit (``over_request_rate_limit``, HTTP 429)."""

    kind = Problem.TOO_MANY_ATTEMPTS


class ServerError(ServiceError):
    """The server answered with an error the app cannot fix by itself."""


class NoSuchItem(ServerError):
    """The request names an item the server does not have (SQLSTATE P0002, no_data_found):
    deleted meanwhile, or never one that needs an owner."""


class RefusedValue(ServerError):
    """The server refused a value of the request (SQLSTATE 22023, invalid_parameter_value),
    e.g. an item handed to someone who is not an admin (any more)."""


class NotLiaProject(ServerError):
    """A Supabase project that answers admin requests from anyone: not set up for LIA."""

    kind = Problem.NOT_LIA_PROJECT


_REFUSALS: dict[Problem, type[ServiceError]] = {
    Problem.NOT_A_SUPABASE_URL: NotAProjectUrl,
    Problem.NOT_AN_ANON_KEY: NotAnAnonKey,
    Problem.NOT_THE_ANON_ROLE: NotTheAnonRole,
}


def refuse_unusable_project(url: str, anon_key: str) -> None:
    """Raise the error that says why ``url`` and ``anon_key`` cannot be a project's, when
    their text alone shows it (``core.settings.project_refusal``): before any request, so
    a typo is not reported as a server failure and the service_role key is never sent."""
    refusal = project_refusal(url, anon_key)
    if refusal is not None:
        raise _REFUSALS[refusal.kind](refusal.problem)


_JWT_CODES = {"PGRST301", "PGRST302", "PGRST303"}
#: the contract's refusal of an aal1 admin (supabase/migrations/*_admins_need_aal2.sql)
AAL2_REQUIRED_MESSAGE = "aal2 required"


def translate(exc: BaseException) -> ServiceError:
    """Map a client-library exception to the domain error that explains it."""
    if isinstance(exc, ServiceError):
        return exc
    if isinstance(
        exc, AsyncSupabaseException | SyncSupabaseException
    ):  # the app uses the async client
        return BadUrl(f"invalid Supabase URL or key: {exc.message}")
    if isinstance(exc, httpx.InvalidURL | httpx.UnsupportedProtocol):
        return BadUrl(f"invalid Supabase URL: {exc}")
    if isinstance(exc, httpx.TransportError | OSError | TimeoutError):
        return NetworkUnreachable(f"server unreachable: {exc or type(exc).__name__}")
    if isinstance(exc, AuthRetryableError):
        return NetworkUnreachable(f"auth server unreachable: {exc.message}")
    if _answered_without_an_api(exc):
        return BadUrl(f"the server answers, but not as Supabase's auth API: {exc}")
    if isinstance(exc, AuthSessionMissingError):
        return SessionExpired("no session: sign in again")
    if isinstance(exc, AuthApiError):
        return _translate_auth(exc)
    if isinstance(exc, APIError):
        return _translate_rest(exc)
    return ServerError(f"unexpected error: {type(exc).__name__}: {exc}")


#: what a web server that is not Supabase answers a POST to /auth/v1/token: no such path,
#: no POST there, no POST at all (Python's http.server)
_NO_SUCH_API = frozenset({404, 405, 501})


def _answered_without_an_api(exc: BaseException) -> bool:
    """A web server answered, but not as GoTrue: an error page that is not JSON, or a
    success whose body is not a session (GoTrue always answers in JSON)."""
    if isinstance(exc, ValidationError):
        return True
    cause = exc.__cause__
    return (
        isinstance(exc, AuthUnknownError)
        and isinstance(cause, httpx.HTTPStatusError)
        and cause.response.status_code in _NO_SUCH_API
    )


def _translate_auth(exc: AuthApiError) -> ServiceError:
    code = exc.code or ""
    if code in {"invalid_credentials", "email_not_confirmed", "user_not_found"}:
        return BadCredentials(f"sign-in refused: {exc.message}")
    if code in {"refresh_token_not_found", "refresh_token_already_used", "session_not_found"}:
        return SessionExpired(f"session ended ({exc.message}): sign in again")
    if code == "mfa_verification_failed":
        return WrongCode(f"code refused: {exc.message}")
    if code in {"mfa_challenge_expired", "mfa_ip_address_mismatch"}:
        return CodeExpired(f"challenge no longer valid ({code}): {exc.message}")
    if code == "insufficient_aal":
        return SecondFactorRequired(f"second factor required: {exc.message}")
    if exc.status == 429:
        return TooManyAttempts(f"rate limited ({code}): {exc.message}")
    if exc.status == 401 and not code:
        return BadApiKey(f"the anon key was rejected ({exc.message})")
    if exc.status in _NO_SUCH_API:
        return BadUrl(f"no Supabase auth API at this URL (HTTP {exc.status}: {exc.message})")
    if exc.status >= 500:
        return ServerError(f"auth server error {exc.status}: {exc.message}")
    return ServerError(f"auth refused ({exc.status} {code}): {exc.message}")


def _translate_rest(exc: APIError) -> ServiceError:
    code = exc.code or ""
    if code == "42501" and exc.message == AAL2_REQUIRED_MESSAGE:
        return SecondFactorRequired(f"the project requires aal2 ({exc.details or exc.message})")
    if code == "42501":
        return NotAdmin(f"permission denied: this account is not an admin ({exc.message})")
    if code in _JWT_CODES:
        return SessionExpired(f"access token rejected: {exc.message}")
    if not code and not exc.message:
        # JSON, but neither PostgREST's nor the gateway's (FastAPI's {"detail": …}, say)
        return BadUrl("the server answers, but not as Supabase's REST API (JSON, no code)")
    if code in {"401", ""}:
        # PostgREST always sends a code; a JSON error without one comes from the API
        # gateway in front of it, which refuses a request only for its key
        return BadApiKey(f"the anon key was rejected ({exc.message})")
    if code in {*map(str, _NO_SUCH_API), "PGRST202"}:  # a status: not PostgREST's JSON
        return BadUrl(f"server does not provide this API ({exc.message})")
    if code == "P0002":
        return NoSuchItem(f"no such item: {exc.message}")
    if code == "22023":
        return RefusedValue(f"value refused: {exc.message}")
    return ServerError(f"server error {code}: {exc.message}")
