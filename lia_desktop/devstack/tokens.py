"""Project keys and JWTs, as the Supabase CLI and GoTrue make them.

One HS256 secret signs everything: the anon and service_role API keys (the
CLI's legacy JWT keys, so Realtime accepts them as ``apikey``) and the user
access tokens GoTrue issues. Verification accepts HS256 only (never ``none``
or an asymmetric algorithm, which would let a forged header pick the key) and
raises a typed :class:`TokenError`; Auth, REST and Realtime each turn it into
their own wire wording.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import jwt

ALGORITHM = "HS256"
#: The CLI's demo keys expire in 2032; ours too, so a persisted secret keeps working keys.
API_KEY_EXPIRY = 1983812996
API_KEY_ISSUER = "supabase-demo"
DEFAULT_JWT_EXPIRY = 3600


class TokenError(Exception):
    """A bearer token was refused; subclasses say why."""


class MalformedToken(TokenError):
    """Not three base64url parts of JSON."""


class BadSignature(TokenError):
    """Signature does not verify with the project secret, or the algorithm is not HS256."""


class TokenExpired(TokenError):
    """``exp`` is in the past."""


class InvalidClaims(TokenError):
    """Signed correctly but a registered claim is wrong (``nbf``/``iat`` in the future, bad types)."""


def new_jwt_secret() -> str:
    """A fresh project secret (the CLI requires at least 32 characters)."""
    return secrets.token_urlsafe(48)


def sign(claims: Mapping[str, Any], secret: str) -> str:
    return jwt.encode(dict(claims), secret, algorithm=ALGORITHM)


def api_key(secret: str, role: str) -> str:
    """The legacy JWT API key for ``anon`` or ``service_role``; deterministic for a secret."""
    return sign({"iss": API_KEY_ISSUER, "role": role, "exp": API_KEY_EXPIRY}, secret)


@dataclass(frozen=True, slots=True)
class ProjectKeys:
    """Everything derived from the project JWT secret."""

    jwt_secret: str
    anon_key: str
    service_role_key: str

    @classmethod
    def from_secret(cls, secret: str) -> ProjectKeys:
        return cls(secret, api_key(secret, "anon"), api_key(secret, "service_role"))


@dataclass(frozen=True, slots=True)
class AccessToken:
    token: str
    expires_in: int
    expires_at: int


@dataclass(frozen=True, slots=True)
class TokenIssuer:
    """Issues GoTrue access tokens (claims of the wire protocol, section 4.6)."""

    secret: str
    issuer: str
    expiry: int = DEFAULT_JWT_EXPIRY

    def access_token(
        self,
        user: Mapping[str, Any],
        *,
        session_id: str,
        aal: str,
        amr: Sequence[Mapping[str, Any]],
        now: int | None = None,
    ) -> AccessToken:
        """``user`` is the public user object (``id``, ``email``, ``app_metadata``...);
        ``aal`` and ``amr`` are the session's (``aal2`` and a ``totp`` entry after MFA)."""
        iat = int(time.time()) if now is None else now
        exp = iat + self.expiry
        claims = {
            "iss": self.issuer,
            "sub": user["id"],
            "aud": user.get("aud") or "authenticated",
            "exp": exp,
            "iat": iat,
            "email": user.get("email") or "",
            "phone": user.get("phone") or "",
            "app_metadata": user.get("app_metadata") or {},
            "user_metadata": user.get("user_metadata") or {},
            "role": user.get("role") or "authenticated",
            "aal": aal,
            "amr": [dict(entry) for entry in amr],
            "session_id": session_id,
            "is_anonymous": bool(user.get("is_anonymous")),
        }
        return AccessToken(sign(claims, self.secret), self.expiry, exp)


def verify(token: str, secret: str) -> dict[str, Any]:
    """The claims of a valid HS256 token signed with ``secret``; :class:`TokenError` otherwise.

    ``aud`` is not checked (PostgREST checks it only when ``jwt-aud`` is set,
    and the API keys carry none); ``exp``, ``nbf`` and ``iat`` are.
    """
    try:
        header = jwt.get_unverified_header(token)
    except jwt.DecodeError as err:
        raise MalformedToken(str(err)) from err
    if header.get("alg") != ALGORITHM:
        raise BadSignature(f"algorithm {header.get('alg')!r} is not allowed")
    try:
        claims: dict[str, Any] = jwt.decode(
            token, secret, algorithms=[ALGORITHM], options={"verify_aud": False}
        )
    except jwt.ExpiredSignatureError as err:
        raise TokenExpired("token is expired") from err
    except jwt.InvalidSignatureError as err:
        raise BadSignature("signature is invalid") from err
    except jwt.DecodeError as err:
        raise MalformedToken(str(err)) from err
    except jwt.InvalidTokenError as err:
        raise InvalidClaims(str(err)) from err
    return claims
