"""Each library failure maps to the domain error that tells the admin what to fix."""

from __future__ import annotations

import httpx
import jwt
import pytest
from postgrest.exceptions import APIError
from supabase_auth.errors import AuthApiError, AuthRetryableError

from lia_desktop.core.problems import Problem
from lia_desktop.services.auth import admin_role
from lia_desktop.services.errors import (
    BadApiKey,
    BadCredentials,
    BadUrl,
    CodeExpired,
    NetworkUnreachable,
    NotAdmin,
    NotLiaProject,
    SecondFactorRequired,
    ServerError,
    ServiceError,
    SessionExpired,
    TooManyAttempts,
    WrongCode,
    translate,
)
from supabase import SupabaseException


@pytest.mark.parametrize(
    ("raised", "expected"),
    [
        (httpx.ConnectError("connection refused"), NetworkUnreachable),
        (httpx.ReadTimeout("timed out"), NetworkUnreachable),
        (httpx.UnsupportedProtocol("ftp"), BadUrl),
        (SupabaseException("Invalid URL"), BadUrl),
        (AuthRetryableError("503", 503), NetworkUnreachable),
        (AuthApiError("Invalid login credentials", 400, "invalid_credentials"), BadCredentials),
        (AuthApiError("Invalid Refresh Token", 400, "refresh_token_not_found"), SessionExpired),
        (AuthApiError("Invalid API key", 401, None), BadApiKey),
        (AuthApiError("boom", 500, "unexpected_failure"), ServerError),
        (APIError({"code": "42501", "message": "permission denied"}), NotAdmin),
        (APIError({"code": "42501", "message": "aal2 required"}), SecondFactorRequired),
        (AuthApiError("Invalid TOTP code entered", 422, "mfa_verification_failed"), WrongCode),
        (AuthApiError("MFA challenge x has expired", 422, "mfa_challenge_expired"), CodeExpired),
        (AuthApiError("Challenge and verify IP", 422, "mfa_ip_address_mismatch"), CodeExpired),
        (AuthApiError("AAL2 required", 422, "insufficient_aal"), SecondFactorRequired),
        (
            AuthApiError("Request rate limit reached", 429, "over_request_rate_limit"),
            TooManyAttempts,
        ),
        (APIError({"code": "PGRST303", "message": "JWT expired"}), SessionExpired),
        (APIError({"code": "PGRST202", "message": "no function"}), BadUrl),
        (APIError({"code": "XX000", "message": "internal"}), ServerError),
        (APIError({"message": "Invalid API key"}), BadApiKey),  # the gateway's 401 body
        (ValueError("odd"), ServerError),
    ],
)
def test_translate_names_the_cause(raised: Exception, expected: type[ServiceError]) -> None:
    error = translate(raised)
    assert type(error) is expected
    assert str(error)  # the detail, for the log


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (NetworkUnreachable, Problem.UNREACHABLE),
        (BadUrl, Problem.NOT_SUPABASE),
        (BadApiKey, Problem.KEY_REJECTED),
        (BadCredentials, Problem.WRONG_PASSWORD),
        (NotAdmin, Problem.NOT_ADMIN),
        (SessionExpired, Problem.SESSION_ENDED),
        (ServerError, Problem.SERVER_FAILED),
        (NotLiaProject, Problem.NOT_LIA_PROJECT),
    ],
)
def test_each_error_names_the_problem_the_admin_is_told(
    error: type[ServiceError], kind: Problem
) -> None:
    """The dialogs and doctor word ``kind``; the detail stays the exception's text."""
    raised = error("refused: All connection attempts failed")
    assert raised.kind is kind
    assert str(raised) == "refused: All connection attempts failed"


def test_admin_role_reads_app_metadata_not_user_metadata() -> None:
    admin = jwt.encode({"app_metadata": {"role": "admin"}, "user_metadata": {}}, "k" * 32)
    spoofed = jwt.encode({"app_metadata": {}, "user_metadata": {"role": "admin"}}, "k" * 32)
    assert admin_role(admin) == "admin"
    assert admin_role(spoofed) == ""
