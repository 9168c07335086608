"""The demo's web admin: the devstack's read-only page for each row a toast can open.

Against a real devstack: every notification's link, built by the app's own
``admin_link`` from ``DEMO_ADMIN_URL``, opens a page of that row; customer
text full of markup and bidi controls is shown as characters, never obeyed;
anything else (an unknown id or kind, a wrong key) is a 404.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import psycopg
import pytest

from lia_desktop.core.models import NotificationType
from lia_desktop.core.text import admin_link
from lia_desktop.devstack import demo_admin
from tests.fixtures import DevstackProcess, private_devstack

pytestmark = pytest.mark.devstack

#: What customers type, at its worst: markup that would run, and bidi controls that make
#: "moc.live//:sptth" read as a link, or reorder a sentence.
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> \u202emoc.live//:sptth\u202c'
HOSTILE_REVIEW = "</td></tr></table><b>Great</b> \u2066service\u2069 & co\u200b\nsecond line"


@pytest.fixture(scope="module")
def stack() -> Iterator[DevstackProcess]:
    """A devstack of its own: these tests write hostile rows that others need not see."""
    with private_devstack() as process:
        yield process


@pytest.fixture(scope="module")
def hostile_rows(stack: DevstackProcess) -> dict[str, str]:
    """A professional, booking, dispute and review written with hostile text; their ids."""
    with psycopg.connect(stack.db_url, autocommit=True) as db:
        customer = db.execute(
            "update public.users set full_name = %s where id = (select id from public.users"
            " where role = 'customer' order by created_at limit 1) returning id",
            (HOSTILE,),
        ).fetchone()
        assert customer is not None
        professional = db.execute(
            "insert into public.professionals (full_name, specialty, city)"
            " values (%s, 'Plomería', 'Bogotá') returning id",
            (HOSTILE,),
        ).fetchone()
        assert professional is not None
        booking = db.execute(
            "insert into public.bookings (customer_id, professional_id, service,"
            " total_price_cop) values (%s, %s, %s, 1234567) returning id",
            (customer[0], professional[0], HOSTILE),
        ).fetchone()
        assert booking is not None
        dispute = db.execute(
            "insert into public.disputes (booking_id, opened_by, reason, priority)"
            " values (%s, %s, %s, 'urgent') returning id",
            (booking[0], customer[0], HOSTILE),
        ).fetchone()
        assert dispute is not None
        review = db.execute(
            "insert into public.reviews (booking_id, rating, comment) values (%s, 1, %s)"
            " returning id",
            (booking[0], HOSTILE_REVIEW),
        ).fetchone()
        assert review is not None
    return {
        "users": str(customer[0]),
        "professionals": str(professional[0]),
        "bookings": str(booking[0]),
        "disputes": str(dispute[0]),
        "reviews": str(review[0]),
    }


def shown(code_point: str) -> str:
    """How the page writes a control character: its code point, marked."""
    return f'<span class="code">[U+{code_point}]</span>'


def get(url: str) -> httpx.Response:
    return httpx.get(url, timeout=30)


def test_every_notification_link_opens_its_row(
    stack: DevstackProcess, hostile_rows: dict[str, str]
) -> None:
    """What a toast's button or the center opens in the demo exists: each type's link."""
    base = stack.info["DEMO_ADMIN_URL"]
    assert base.startswith(stack.api_url + "/demo-admin/")
    with psycopg.connect(stack.db_url) as db:
        rows = db.execute(
            "select distinct on (type) type, action_path from public.admin_notifications"
            " order by type, id desc"
        ).fetchall()
    seen = set()
    for kind, path in rows:
        link = admin_link(base, NotificationType(kind), path)
        assert link is not None, (kind, path)
        response = get(link)
        assert response.status_code == 200, (kind, path, response.text[:200])
        assert response.headers["content-type"].startswith("text/html")
        seen.add(NotificationType(kind))
    assert seen >= {
        NotificationType.BOOKING_CREATED,
        NotificationType.DISPUTE_OPENED,
        NotificationType.PROFESSIONAL_APPLIED,
        NotificationType.REVIEW_CREATED,
        NotificationType.USER_SIGNED_UP,
    }


@pytest.mark.parametrize("kind", ["bookings", "disputes", "professionals", "reviews", "users"])
def test_customer_text_is_shown_not_obeyed(
    stack: DevstackProcess, hostile_rows: dict[str, str], kind: str
) -> None:
    response = get(f"{stack.info['DEMO_ADMIN_URL']}/admin/{kind}/{hostile_rows[kind]}")
    assert response.status_code == 200
    page = response.text
    # one <style>, no other element a customer wrote: markup arrives as characters
    assert "<script" not in page
    assert "<img" not in page
    assert "<b>" not in page
    assert "</table><b>" not in page
    for control in "\u202e\u202c\u2066\u2069\u200b":
        assert control not in page  # would reorder or hide what the admin reads
    if kind == "reviews":
        assert "&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;b&gt;Great&lt;/b&gt;" in page
        assert f"{shown('2066')}service{shown('2069')} &amp; co{shown('200B')}\nsecond line" in page
    else:
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
        assert f"{shown('202E')}moc.live//:sptth{shown('202C')}" in page
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "script" not in csp
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_a_booking_page_shows_its_fields(
    stack: DevstackProcess, hostile_rows: dict[str, str]
) -> None:
    page = get(f"{stack.info['DEMO_ADMIN_URL']}/admin/bookings/{hostile_rows['bookings']}").text
    assert f"<h1>Booking {hostile_rows['bookings']}</h1>" in page
    assert "<td>$ 1.234.567</td>" in page
    assert "<td>pending</td>" in page


@pytest.mark.parametrize(
    "path",
    [
        "/admin/bookings/999999999",  # no such row
        "/admin/users/00000000-0000-0000-0000-000000000000",
        "/admin/bookings/99999999999999999999",  # beyond bigint: still just not found
        "/admin/bookings/0",
        "/admin/bookings/1%20or%201=1",
        "/admin/users/1",
        "/admin/payments/1",  # a kind the app never links to
        "/admin/auth.users/1",
    ],
)
def test_anything_else_is_not_found(
    stack: DevstackProcess, hostile_rows: dict[str, str], path: str
) -> None:
    response = get(stack.info["DEMO_ADMIN_URL"] + path)
    assert response.status_code == 404
    assert "Not found" in response.text


def test_a_wrong_key_reads_nothing(stack: DevstackProcess, hostile_rows: dict[str, str]) -> None:
    """Another user of the machine can reach the port but not read the marketplace."""
    right = stack.info["DEMO_ADMIN_URL"]
    wrong = right[: -len(demo_admin.page_key(stack.jwt_secret))] + "0" * 32
    path = f"/admin/bookings/{hostile_rows['bookings']}"
    assert get(right + path).status_code == 200
    assert get(wrong + path).status_code == 404
    assert get(f"{stack.api_url}/demo-admin/admin/bookings/1").status_code == 404


def test_the_key_is_the_data_dirs_and_served_on_loopback_only(stack: DevstackProcess) -> None:
    assert stack.info["DEMO_ADMIN_URL"] == demo_admin.base_url(stack.api_url, stack.jwt_secret)
    assert stack.api_url.startswith("http://127.0.0.1:")
    assert demo_admin._from_loopback("127.0.0.1")
    assert demo_admin._from_loopback("::1")
    assert not demo_admin._from_loopback("192.168.1.20")
    assert not demo_admin._from_loopback(None)
    assert not demo_admin._from_loopback("")  # a Unix socket peer
