"""The demo's web admin: one read-only page per marketplace row, served by the devstack.

A toast's "View booking" or "Review dispute" opens the configured web admin
at the path the database trigger wrote (``/admin/bookings/42``). The demo has
no web admin, so the devstack serves those paths itself, under
``/demo-admin/<key>``: ``status()`` prints that base as ``DEMO_ADMIN_URL`` and
``lia-desktop --demo`` makes it its web admin URL.

- **Whose data.** Pages are read with the superuser's pool, past row-level
  security, in a read-only transaction. The ``<key>`` in the base is derived
  from the project's JWT secret (readable only by the devstack's user), so
  another user of a shared machine, who can connect to any loopback port,
  cannot read the marketplace through them; a wrong key, an unknown kind or id
  is the same 404. Requests from anywhere but loopback are refused, whatever
  address the server is someday bound to.
- **Customer text is hostile.** Every value is HTML-escaped; control, format
  (bidi overrides and isolates, zero-width) and private-use characters are
  shown as their code point (``[U+202E]``) rather than obeyed, so a name
  cannot reorder what the admin reads. The page has no script and no link; its
  Content-Security-Policy forbids both anyway, and no referrer carries the key.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import ipaddress
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, LiteralString

import psycopg_pool
from aiohttp import web
from psycopg.rows import dict_row

PREFIX = "/demo-admin"
_KEY_CONTEXT = b"lia-devstack demo admin pages"
_BIGINT_MAX = 2**63 - 1
_ID = re.compile(r"[1-9][0-9]{0,18}")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
#: Character categories shown as their code point instead of being obeyed or dropped.
_SHOWN_AS_CODE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_KEPT_CONTROLS = frozenset("\n\t")

HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


def _cop(value: object) -> str:
    return f"$ {int(value):,}".replace(",", ".") if isinstance(value, int) else str(value)


@dataclass(frozen=True)
class Kind:
    """One kind of row: its page title, how its id looks, the query for one row and the
    label of each column shown (in order), with an optional formatter."""

    title: str
    id_pattern: re.Pattern[str]
    query: LiteralString
    fields: tuple[tuple[str, str], ...]
    formats: Mapping[str, Callable[[object], str]] | None = None


KINDS: dict[str, Kind] = {
    "bookings": Kind(
        "Booking",
        _ID,
        "select b.id, b.service, b.status, b.total_price_cop, b.scheduled_at, c.full_name"
        " as customer, c.email as customer_email, p.full_name as professional, b.created_at,"
        " b.updated_at from public.bookings b join public.users c on c.id = b.customer_id"
        " left join public.professionals p on p.id = b.professional_id where b.id = %s",
        (
            ("service", "Service"),
            ("status", "Status"),
            ("total_price_cop", "Price (COP)"),
            ("scheduled_at", "Scheduled for"),
            ("customer", "Customer"),
            ("customer_email", "Customer email"),
            ("professional", "Professional"),
            ("created_at", "Booked at"),
            ("updated_at", "Last change"),
        ),
        {"total_price_cop": _cop},
    ),
    "disputes": Kind(
        "Dispute",
        _ID,
        "select d.id, d.booking_id, b.service, d.reason, d.status, d.priority, u.full_name"
        " as opened_by, d.created_at, d.resolved_at from public.disputes d join"
        " public.bookings b on b.id = d.booking_id left join public.users u"
        " on u.id = d.opened_by where d.id = %s",
        (
            ("booking_id", "Booking"),
            ("service", "Service"),
            ("reason", "Reason"),
            ("status", "Status"),
            ("priority", "Priority"),
            ("opened_by", "Opened by"),
            ("created_at", "Opened at"),
            ("resolved_at", "Resolved at"),
        ),
    ),
    "professionals": Kind(
        "Professional",
        _ID,
        "select id, full_name, specialty, city, status, created_at"
        " from public.professionals where id = %s",
        (
            ("full_name", "Name"),
            ("specialty", "Specialty"),
            ("city", "City"),
            ("status", "Status"),
            ("created_at", "Applied at"),
        ),
    ),
    "reviews": Kind(
        "Review",
        _ID,
        "select r.id, r.booking_id, b.service, r.rating, r.comment, r.created_at"
        " from public.reviews r join public.bookings b on b.id = r.booking_id where r.id = %s",
        (
            ("booking_id", "Booking"),
            ("service", "Service"),
            ("rating", "Rating (1–5)"),
            ("comment", "Comment"),
            ("created_at", "Written at"),
        ),
    ),
    "users": Kind(
        "User",
        _UUID,
        "select id, full_name, email, city, role, created_at from public.users where id = %s",
        (
            ("full_name", "Name"),
            ("email", "Email"),
            ("city", "City"),
            ("role", "Role"),
            ("created_at", "Signed up at"),
        ),
    ),
}


def page_key(jwt_secret: str) -> str:
    """The secret path segment of the pages' base, stable for a data dir's JWT secret."""
    return hmac.new(jwt_secret.encode(), _KEY_CONTEXT, hashlib.sha256).hexdigest()[:32]


def base_url(api_url: str, jwt_secret: str) -> str:
    """The pages' base, which the demo sets as its web admin URL (``DEMO_ADMIN_URL``)."""
    return f"{api_url}{PREFIX}/{page_key(jwt_secret)}"


def visible(text: str) -> str:
    """``text`` as HTML character data: escaped, and every character that would act
    instead of show (bidi controls, zero-width, other controls) written as its code point."""
    out: list[str] = []
    for char in text:
        if char not in _KEPT_CONTROLS and unicodedata.category(char) in _SHOWN_AS_CODE:
            out.append(f'<span class="code">[U+{ord(char):04X}]</span>')
        else:
            out.append(html.escape(char))
    return "".join(out)


def _shown(value: object, format_value: Callable[[object], str] | None) -> str:
    if value is None:
        return "—"
    if format_value is not None:
        return format_value(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    return str(value)


_STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 0; color: #1f2328; background: #f6f7f9; }
header { background: #f97316; color: #fff; padding: 10px 24px; font-weight: 600; }
header small { font-weight: 400; opacity: .9; margin-left: 8px; }
main { max-width: 760px; margin: 24px auto; padding: 0 24px; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; vertical-align: top; padding: 8px 12px; border-bottom: 1px solid #e5e7eb; }
th { width: 30%; color: #57606a; font-weight: 500; }
td { white-space: pre-wrap; overflow-wrap: anywhere; unicode-bidi: isolate; }
.code { color: #b42318; font-family: monospace; }
p.note { color: #57606a; font-size: 13px; }
"""


def _document(heading: str, body: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{visible(heading)} — LIA demo admin</title><style>{_STYLE}</style></head>"
        "<body><header>LIA demo admin<small>read-only, served by the local demo backend"
        f"</small></header><main><h1>{visible(heading)}</h1>{body}"
        '<p class="note">The demo has no web admin: this page shows the row as it is in '
        "the demo's database, nothing more.</p></main></body></html>"
    )


NOT_FOUND = _document("Not found", "<p>There is no such item in the demo's database.</p>")
FORBIDDEN = _document("Forbidden", "<p>Only requests from this computer are answered.</p>")


def row_page(kind: Kind, row_id: str, row: Mapping[str, Any]) -> str:
    """The page of one row: each field's label and its value, shown as plain text."""
    formats = kind.formats or {}
    cells = "".join(
        f"<tr><th>{html.escape(label)}</th>"
        f"<td>{visible(_shown(row[column], formats.get(column)))}</td></tr>"
        for column, label in kind.fields
    )
    return _document(f"{kind.title} {row_id}", f"<table>{cells}</table>")


def _page(status: int, text: str) -> web.Response:
    return web.Response(
        text=text, status=status, content_type="text/html", charset="utf-8", headers=HEADERS
    )


class DemoAdminPages:
    """``GET /demo-admin/<key>/admin/<kind>/<id>``: the row as a page, or a 404 page."""

    def __init__(self, pool: psycopg_pool.AsyncConnectionPool, jwt_secret: str) -> None:
        self._pool = pool
        self.key = page_key(jwt_secret)

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get(PREFIX + "/{key}/admin/{kind}/{id}", self.show)

    async def show(self, request: web.Request) -> web.Response:
        if not _from_loopback(request.remote):
            return _page(403, FORBIDDEN)
        kind = KINDS.get(request.match_info["kind"])
        row_id = request.match_info["id"]
        if (
            not hmac.compare_digest(request.match_info["key"].encode(), self.key.encode())
            or kind is None
            or not kind.id_pattern.fullmatch(row_id)
            or (kind.id_pattern is _ID and int(row_id) > _BIGINT_MAX)
        ):
            return _page(404, NOT_FOUND)
        row = await self._row(kind, row_id)
        return _page(404, NOT_FOUND) if row is None else _page(200, row_page(kind, row_id, row))

    async def _row(self, kind: Kind, row_id: str) -> dict[str, Any] | None:
        async with self._pool.connection() as conn, conn.transaction():
            await conn.execute("set transaction read only")
            cursor = conn.cursor(row_factory=dict_row)
            await cursor.execute(kind.query, (row_id,))
            return await cursor.fetchone()


def _from_loopback(remote: str | None) -> bool:
    try:
        return remote is not None and ipaddress.ip_address(remote).is_loopback
    except ValueError:  # a Unix socket's peer has no IP address
        return False
