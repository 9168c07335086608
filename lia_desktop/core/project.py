"""The two values that name a Supabase project, read before anything is sent to it.

An admin pastes the Project URL and the anon key from the dashboard's API page.
What can be told from the text alone is told here, so that a typo is named as a
typo and never reaches a server (a port of 99999 or a pasted second line made
the HTTP library fail in a way the app reported as "the server could not
complete the request"), and so that the ``service_role`` key, which sits next
to the anon key on that page and bypasses row-level security for the whole
project, is refused before it signs anyone in or is saved.

:func:`url_flaw` says what is wrong with an address (``core.problems`` words
it); :func:`key_role` reads a key's ``role`` claim without verifying it (the
server verifies keys; the app only has to recognise the wrong one).
"""

from __future__ import annotations

import base64
import ipaddress
import json
import re
import unicodedata
from dataclasses import dataclass
from enum import Enum


class UrlFlawKind(Enum):
    """What keeps a typed address from being a Project URL."""

    # two lines pasted, or one with its line break
    LINE_BREAK = "line_break"
    # no http:// or https:// in front
    NOT_HTTP = "not_http"
    # a space, a tab or a character that shows as nothing
    INVISIBLE = "invisible"
    # nothing between :// and the path
    NO_HOST = "no_host"
    # a host with characters no server name has (a user name with @ among them)
    HOST = "host"
    # an IPv6 address without its square brackets, or with one left open
    IPV6 = "ipv6"
    # a port that is not a number from 1 to 65535
    PORT = "port"


@dataclass(frozen=True, slots=True)
class UrlFlaw:
    kind: UrlFlawKind
    #: the part at fault as typed (the port or the host), for the sentence
    part: str = ""


MAX_PORT = 65535
_SCHEME = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<rest>.*)", re.DOTALL)
_LINE_BREAKS = frozenset("\r\n\u2028\u2029\x85")
#: dot-separated labels of letters, digits, hyphens and underscores (Docker service names
#: such as ``supabase_kong`` have them); letters may be international
_HOST = re.compile(r"[\w-]+(?:\.[\w-]+)*\.?")


def url_flaw(url: str) -> UrlFlaw | None:
    """What is wrong with ``url`` as a Project URL, None when nothing can be told without
    asking the server. The first flaw found is given, in the order an admin fixes them."""
    if any(char in _LINE_BREAKS for char in url):
        return UrlFlaw(UrlFlawKind.LINE_BREAK)
    match = _SCHEME.fullmatch(url)
    if match is None or match["scheme"].lower() not in ("http", "https"):
        return UrlFlaw(UrlFlawKind.NOT_HTTP)
    if any(unicodedata.category(char)[0] in "CZ" for char in url):
        return UrlFlaw(UrlFlawKind.INVISIBLE)
    authority = re.split(r"[/?#]", match["rest"], maxsplit=1)[0]
    if "@" in authority:
        return UrlFlaw(UrlFlawKind.HOST, authority)
    if authority.startswith("["):
        address, closed, after = authority[1:].partition("]")
        if not closed or not _is_ipv6(address) or (after and not after.startswith(":")):
            return UrlFlaw(UrlFlawKind.IPV6)
        port = after[1:]
    elif authority.count(":") > 1 or "]" in authority:
        return UrlFlaw(UrlFlawKind.IPV6)
    else:
        host, _, port = authority.partition(":")
        if not host:
            return UrlFlaw(UrlFlawKind.NO_HOST)
        if not _HOST.fullmatch(host):
            return UrlFlaw(UrlFlawKind.HOST, host)
    # an empty port ("host:") means the scheme's own, as browsers read it
    if port and not (port.isascii() and port.isdigit() and 1 <= int(port) <= MAX_PORT):
        return UrlFlaw(UrlFlawKind.PORT, port)
    return None


def _is_ipv6(address: str) -> bool:
    try:
        ipaddress.IPv6Address(address)
    except ValueError:
        return False
    return True


def key_role(key: str) -> str | None:
    """The ``role`` claim of the JWT ``key`` (``anon``, ``service_role``…), read without
    verifying the signature; None when ``key`` is not a JWT with a role."""
    parts = key.split(".")
    if len(parts) != 3:
        return None
    payload = parts[1]
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except ValueError:  # binascii.Error, UnicodeDecodeError and JSONDecodeError are ones
        return None
    role = claims.get("role") if isinstance(claims, dict) else None
    return role if isinstance(role, str) else None
