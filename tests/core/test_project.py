"""A Project URL's typos and a key's role are told from their text, before any request."""

from __future__ import annotations

import base64
import json

import pytest

from lia_desktop.core.project import UrlFlaw, UrlFlawKind, key_role, url_flaw

K = UrlFlawKind


@pytest.mark.parametrize(
    "url",
    [
        "https://xyz.supabase.co",
        "http://127.0.0.1:54321",
        "http://localhost:54321/",
        "http://[::1]:54321",
        "http://[::1]",
        "HTTPS://XYZ.SUPABASE.CO",
        "http://supabase_kong:8000",  # a Docker service name
        "https://añil.example",  # an international host (IDNA on the wire)
        "http://host:",  # an empty port is the scheme's own
        "https://xyz.supabase.co/base?x#y",  # the server says whether it has that path
    ],
)
def test_addresses_a_project_may_have_show_no_flaw(url: str) -> None:
    assert url_flaw(url) is None


@pytest.mark.parametrize(
    ("url", "flaw"),
    [
        ("http://127.0.0.1:54321\nhttp://other", UrlFlaw(K.LINE_BREAK)),
        ("https://xyz.supabase.co\r\n", UrlFlaw(K.LINE_BREAK)),
        ("https://xyz.supabase\u2028.co", UrlFlaw(K.LINE_BREAK)),
        ("xyz.supabase.co", UrlFlaw(K.NOT_HTTP)),
        ("ftp://xyz.supabase.co", UrlFlaw(K.NOT_HTTP)),
        ("not a url", UrlFlaw(K.NOT_HTTP)),
        ("", UrlFlaw(K.NOT_HTTP)),
        ("https://xyz.supabase .co", UrlFlaw(K.INVISIBLE)),
        ("https://xyz.supa\u200bbase.co", UrlFlaw(K.INVISIBLE)),  # zero-width space
        ("https://xyz.supabase.co\t", UrlFlaw(K.INVISIBLE)),
        ("https://", UrlFlaw(K.NO_HOST)),
        ("http://:54321", UrlFlaw(K.NO_HOST)),
        ("https:///rest/v1", UrlFlaw(K.NO_HOST)),
        ("https://admin@xyz.supabase.co", UrlFlaw(K.HOST, "admin@xyz.supabase.co")),
        ("https://user:pw@xyz.supabase.co", UrlFlaw(K.HOST, "user:pw@xyz.supabase.co")),
        ("https://xyz..supabase.co", UrlFlaw(K.HOST, "xyz..supabase.co")),
        ("https://xyz,supabase.co", UrlFlaw(K.HOST, "xyz,supabase.co")),
        ("http://[::1", UrlFlaw(K.IPV6)),
        ("http://[::1:54321", UrlFlaw(K.IPV6)),
        ("http://[not-an-ip]:54321", UrlFlaw(K.IPV6)),
        ("http://[::1]54321", UrlFlaw(K.IPV6)),
        ("http://::1:54321", UrlFlaw(K.IPV6)),
        ("http://host]:54321", UrlFlaw(K.IPV6)),
        ("http://localhost:99999", UrlFlaw(K.PORT, "99999")),
        ("http://localhost:0", UrlFlaw(K.PORT, "0")),
        ("http://localhost:54321x", UrlFlaw(K.PORT, "54321x")),
        ("http://[::1]:65536", UrlFlaw(K.PORT, "65536")),
        ("http://localhost:５４３２１", UrlFlaw(K.PORT, "５４３２１")),  # full-width digits
    ],
)
def test_each_flaw_is_named(url: str, flaw: UrlFlaw) -> None:
    assert url_flaw(url) == flaw


def test_the_highest_port_exists() -> None:
    assert url_flaw("http://localhost:65535") is None
    assert url_flaw("http://localhost:1") is None


def jwt_with(payload: bytes) -> str:
    body = base64.urlsafe_b64encode(payload).rstrip(b"=").decode()
    return f"eyJhbGciOiJIUzI1NiJ9.{body}.c2lnbmF0dXJl"


@pytest.mark.parametrize(
    ("key", "role"),
    [
        (jwt_with(json.dumps({"iss": "supabase", "role": "anon"}).encode()), "anon"),
        (jwt_with(json.dumps({"role": "service_role", "exp": 1}).encode()), "service_role"),
        (jwt_with(b'{"role": 5}'), None),
        (jwt_with(b'{"iss": "supabase"}'), None),
        (jwt_with(b'["role", "anon"]'), None),
        (jwt_with(b"not json"), None),
        (jwt_with(b'{"role": "\xff"}'), None),  # not UTF-8
        ("eyJhbGciOiJIUzI1NiJ9.e.c2ln", None),  # not base64 of anything
        ("a.b.c", None),
        ("sb_publishable_abc", None),
        ("one.two", None),
    ],
)
def test_the_role_claim_is_read_without_a_secret(key: str, role: str | None) -> None:
    assert key_role(key) == role
