"""HTTP plumbing shared by the devstack's Auth and REST services."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

JSON_CONTENT_TYPE = "application/json"


class BodyNotJson(ValueError):
    """The request body is not a JSON document; ``str()`` says where it broke."""


async def read_json(request: web.Request) -> Any:
    """The parsed body, ``None`` for an empty one.

    An oversized body raises aiohttp's ``HTTPRequestEntityTooLarge`` (the
    app's ``client_max_size``), which the gateway middleware answers.
    """
    raw = await request.read()
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise BodyNotJson(str(err)) from err


def bearer_token(request: web.Request) -> str | None:
    """The token of an ``Authorization: Bearer`` header, ``None`` when absent or another scheme."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    return token


def json_response(
    body: Any, *, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    return web.Response(
        text=json.dumps(body, separators=(",", ":")),
        status=status,
        content_type=JSON_CONTENT_TYPE,
        charset="utf-8",
        headers=headers,
    )
