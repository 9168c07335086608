"""Each library failure maps to the domain error that tells the admin what to fix."""

from __future__ import annotations

import httpx
import jwt
import pytest
from postgrest.exceptions import APIError
from supabase_auth.errors import AuthApiError, AuthRetryableError

from lia_desktop.services.auth import admin_role
from lia_desktop.services.errors import (
    BadApiKey,
    BadCredentials,
    BadUrl,
    NetworkUnreachable,
    NotAdmin,
    ServerError,
    ServiceError,
    SessionExpired,
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
    assert str(error)


def test_admin_role_reads_app_metadata_not_user_metadata() -> None:
    admin = jwt.encode({"app_metadata": {"role": "admin"}, "user_metadata": {}}, "k" * 32)
    spoofed = jwt.encode({"app_metadata": {}, "user_metadata": {"role": "admin"}}, "k" * 32)
    assert admin_role(admin) == "admin"
    assert admin_role(spoofed) == ""
