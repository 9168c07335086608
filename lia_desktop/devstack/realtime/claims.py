"""Realtime's own JWT checks, with the exact error codes and texts Supabase uses (2.1, 2.13).

Realtime is stricter and words things differently from GoTrue: it requires
``role`` and ``exp`` and reports expiry as "Token has expired <n> seconds ago".
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

import jwt


@dataclass(frozen=True, slots=True)
class TokenError(Exception):
    code: str
    message: str

    @property
    def reason(self) -> str:
        """The join-error form: ``<Code>: <message>``."""
        return f"{self.code}: {self.message}"


def verify(token: object, secret: str, *, now: float | None = None) -> dict[str, Any]:
    """Verify an HS256 JWT as Realtime does; returns its claims or raises :class:`TokenError`."""
    if not isinstance(token, str) or not token:
        raise TokenError("InvalidJWTToken", "API key is missing")
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            secret,
            algorithms=["HS256", "HS384", "HS512"],
            options={"verify_exp": False, "verify_aud": False, "verify_iat": False},
        )
    except jwt.InvalidSignatureError as err:
        raise TokenError("JwtSignatureError", "Failed to validate JWT signature") from err
    except jwt.PyJWTError as err:
        raise TokenError("MalformedJWT", "The token provided is not a valid JWT") from err
    exp = claims.get("exp")
    if not isinstance(claims.get("role"), str) or not isinstance(exp, int | float):
        raise TokenError("InvalidJWTToken", "Fields `role` and `exp` are required in JWT")
    current = time.time() if now is None else now
    if exp <= current:
        raise TokenError(
            "InvalidJWTToken", f"Token has expired {math.floor(current - exp)} seconds ago"
        )
    return claims
