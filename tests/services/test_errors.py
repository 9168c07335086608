"""Each library failure maps to the domain error that tells the admin what to fix."""

from __future__ import annotations

import httpx
import jwt
import pytest
from postgrest.exceptions import APIError
from pydantic import ValidationError
from supabase_auth.errors import AuthApiError, AuthRetryableError
from supabase_auth.helpers import handle_exception
from supabase_auth.types import User

from lia_desktop.core.problems import ANON_KEY_PROBLEMS, Problem
from lia_desktop.services.auth import admin_role
from lia_desktop.services.errors import (
    BadApiKey,
    BadCredentials,
    BadUrl,
    CodeExpired,
    NetworkUnreachable,
    NoSuchItem,
    NotAdmin,
    NotAnAnonKey,
    NotAProjectUrl,
    NotLiaProject,
    NotTheAnonRole,
    RefusedValue,
    SecondFactorRequired,
    ServerError,
    ServiceError,
    SessionExpired,
    TooManyAttempts,
    WrongCode,
    refuse_unusable_project,
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
        (APIError({"code": "P0002", "message": "no disputes item 9"}), NoSuchItem),
        (APIError({"code": "22023", "message": "x is not an admin"}), RefusedValue),
        (APIError({"message": "Invalid API key"}), BadApiKey),  # the gateway's 401 body
        # a web server that is not Supabase: non-JSON error pages, JSON of another API
        (APIError({"message": "Unsupported method", "code": "501"}), BadUrl),
        (APIError({"message": "Method Not Allowed", "code": "405"}), BadUrl),
        (APIError({"detail": "Method Not Allowed"}), BadUrl),
        (AuthApiError("{'detail': 'Method Not Allowed'}", 405, None), BadUrl),
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


def web_page_answer(status: int) -> BaseException:
    """What supabase-auth raises for an error answer that is not JSON (an HTML page):
    ``raise handle_exception(e) from e`` (gotrue_base_api)."""
    request = httpx.Request("POST", "http://127.0.0.1:8000/auth/v1/token")
    response = httpx.Response(status, text="<html>no</html>", request=request)
    page = httpx.HTTPStatusError("error page", request=request, response=response)
    raised = handle_exception(page)
    raised.__cause__ = page
    return raised


@pytest.mark.parametrize("status", [404, 405, 501])
def test_a_web_page_where_the_auth_api_should_be_is_not_supabase(status: int) -> None:
    assert type(translate(web_page_answer(status))) is BadUrl


def test_a_proxy_error_page_is_a_server_failure_not_a_wrong_address() -> None:
    assert type(translate(web_page_answer(500))) is ServerError


def test_a_success_that_is_not_a_session_is_not_supabase() -> None:
    with pytest.raises(ValidationError) as not_a_session:
        User.model_validate_json(b"<html>welcome</html>")
    assert type(translate(not_a_session.value)) is BadUrl


SERVICE_ROLE_KEY = jwt.encode({"role": "service_role"}, "k" * 32)
ANON_KEY = jwt.encode({"role": "anon"}, "k" * 32)


@pytest.mark.parametrize(
    ("url", "key", "refused"),
    [
        ("http://localhost:99999", ANON_KEY, NotAProjectUrl),
        ("https://xyz.supabase.co", "a.b.c", NotAnAnonKey),
        ("https://xyz.supabase.co", SERVICE_ROLE_KEY, NotTheAnonRole),
    ],
)
def test_a_project_refused_from_its_text_is_refused_with_its_kind(
    url: str, key: str, refused: type[ServiceError]
) -> None:
    with pytest.raises(refused) as raised:
        refuse_unusable_project(url, key)
    assert type(raised.value) is refused
    assert key not in str(raised.value)  # the log's detail never holds the key
    refuse_unusable_project("https://xyz.supabase.co", ANON_KEY)  # the server decides


def test_the_refusals_name_the_field_the_dialogs_show_them_under() -> None:
    assert NotAProjectUrl.kind is Problem.NOT_A_SUPABASE_URL
    assert {NotAnAnonKey.kind, NotTheAnonRole.kind} < ANON_KEY_PROBLEMS


def test_admin_role_reads_app_metadata_not_user_metadata() -> None:
    admin = jwt.encode({"app_metadata": {"role": "admin"}, "user_metadata": {}}, "k" * 32)
    spoofed = jwt.encode({"app_metadata": {}, "user_metadata": {"role": "admin"}}, "k" * 32)
    assert admin_role(admin) == "admin"
    assert admin_role(spoofed) == ""
