"""How text written by customers, and links built from server data, are made safe to show.

Everything a customer can type (names, review comments, dispute reasons,
cities) reaches the admin inside notification titles and bodies. The one rule,
decided here and nowhere else: it is *plain text* on every surface.

- :func:`plain` is applied once, when a notification is parsed off the wire
  (``core.wire``): bidi overrides and isolates (which make ``moc.live//:sptth``
  display as ``https://evil.com``), zero-width and other invisible formatting
  characters, control characters and lone surrogates are removed or replaced,
  and the length is bounded, so no surface gets a 100 kB name.
- :func:`markup_escaped` is for the few sinks that parse markup whatever we
  say (freedesktop notification daemons advertise ``body-markup``; dunst also
  formats the summary as markup). The UI never lets Qt guess: labels are
  ``PlainText`` and tooltips are escaped (``ui.widgets``).
- :func:`admin_link` builds the web admin URL a toast or the notification
  center opens, only from the configured origin and an allow-listed path shape
  per notification type; anything else is refused (None) so it cannot point
  at another host (``@evil.example/x``) or scheme.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from lia_desktop.core.models import NotificationType

#: Longest title and body kept from the server; longer text ends with an ellipsis.
MAX_TITLE_CHARS = 200
MAX_BODY_CHARS = 1_000
ELLIPSIS = "…"

#: Format characters (Unicode category Cf) that are kept: the joiners inside emoji
#: sequences and scripts that need them. Every other Cf (bidi embeddings, overrides and
#: isolates, LRM/RLM/ALM, zero-width space, word joiner, BOM, invisible operators, tag
#: characters) changes how text *looks* without being visible, so it is dropped.
_KEPT_FORMAT = frozenset("\u200c\u200d")
_LINE_BREAKS = frozenset("\n\u2028\u2029")
#: Characters that are not format characters (Cf) yet show as nothing: Hangul fillers, the
#: braille blank, the combining grapheme joiner, variation selectors. A name made of them
#: pads a sign-up with blank space before "LIA Support Team".
_BLANKS = frozenset(
    "\u115f\u1160\u3164\uffa0\u2800\u034f"
    + "".join(map(chr, range(0xFE00, 0xFE10)))
    + "".join(map(chr, range(0xE0100, 0xE01F0)))
)

_T = NotificationType
_ID = r"[1-9][0-9]{0,18}"
_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
#: The web admin paths the database triggers produce, per type (supabase/migrations).
ADMIN_PATHS: dict[NotificationType, re.Pattern[str]] = {
    _T.BOOKING_CREATED: re.compile(rf"/admin/bookings/{_ID}"),
    _T.BOOKING_CANCELLED: re.compile(rf"/admin/bookings/{_ID}"),
    _T.DISPUTE_OPENED: re.compile(rf"/admin/disputes/{_ID}"),
    _T.DISPUTE_ESCALATED: re.compile(rf"/admin/disputes/{_ID}"),
    _T.PROFESSIONAL_APPLIED: re.compile(rf"/admin/professionals/{_ID}"),
    _T.REVIEW_CREATED: re.compile(rf"/admin/reviews/{_ID}"),
    _T.USER_SIGNED_UP: re.compile(rf"/admin/users/{_UUID}"),
}


def plain(text: str, limit: int = MAX_BODY_CHARS, *, one_line: bool = False) -> str:
    """``text`` as it may be shown: visible characters only, at most ``limit`` of them.

    Line breaks are kept (as ``\\n``) unless ``one_line``; tabs and other
    control characters become spaces; runs of spaces from them are not
    collapsed, so what the customer wrote stays recognisable.
    """
    out: list[str] = []
    for char in text:
        if char in _LINE_BREAKS:
            out.append(" " if one_line else "\n")
            continue
        category = unicodedata.category(char)
        if category == "Cs":  # a lone surrogate: not text at all
            out.append("\ufffd")
        elif category == "Cc":
            out.append(" ")
        elif (category != "Cf" or char in _KEPT_FORMAT) and char not in _BLANKS:
            out.append(char)
    cleaned = "".join(out).strip()
    if len(cleaned) > limit:
        return cleaned[: max(0, limit - 1)].rstrip() + ELLIPSIS
    return cleaned


def markup_escaped(text: str) -> str:
    """``text`` as the character data of Pango or HTML markup: ``& < >`` as entities.

    Only these three: quotes are harmless outside tags, and GNOME Shell's
    markup fixer shows numeric references such as ``&#39;`` literally.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def web_admin_base(url: str) -> str | None:
    """The web admin's base URL if it is one the app may open, else None.

    http(s) only, a host, no user info (``https://admin.lia.co@evil.example``
    shows one host and opens another), no query or fragment; a base path
    (``https://lia.co/panel``) is allowed. ASCII only: an ideographic or
    full-width dot (``admin.lia.co\u3002evil.example``), a fraction slash or a
    Cyrillic "а" reads as one host and is normalised by the browser into
    another, so an international host is given in its punycode form.
    """
    try:
        parts = urlsplit(url.strip())
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        return None
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or "@" in parts.netloc
        or parts.query
        or parts.fragment
        or not port_ok
        or any(ord(c) <= 0x20 or ord(c) >= 0x7F or c in "\\" for c in url.strip())
    ):
        return None
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def admin_link(web_admin_url: str, kind: NotificationType, action_path: str) -> str | None:
    """The URL that opens a notification's item, or None when either part is not allowed."""
    base = web_admin_base(web_admin_url)
    if base is None or not ADMIN_PATHS[kind].fullmatch(action_path):
        return None
    return base + action_path
