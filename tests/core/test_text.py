"""Customer text is plain text, and links go only to the web admin (core.text)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lia_desktop.core import text, wire
from lia_desktop.core.feed import NotificationFeed
from lia_desktop.core.models import Notification, NotificationType, Priority, ToastAction

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
ADMIN = "https://admin.lia.test"

#: What attackers wrote in reviews, dispute reasons and sign-up names.
HOSTILE = {
    "html": '<b style="color:red;font-size:40px">SECURITY ALERT</b><table><tr><td>x</td></tr></table>',
    "image": '<img src="file:///dev/zero">',
    "link": "<a href=https://evil.example>admin.lia.co/login</a>",
    "rtl": "visit \u202ehttps://evil.com\u202c now",
    "isolate": "\u2067moc.live//:sptth\u2069",
    "zero_width": "ad\u200bmin\u200c\u200d\u2060\ufeff",
}


def test_bidi_overrides_and_invisible_characters_are_removed() -> None:
    assert text.plain(HOSTILE["rtl"]) == "visit https://evil.com now"
    assert text.plain(HOSTILE["isolate"]) == "moc.live//:sptth"  # shown as written, not reversed
    # zero-width space, word joiner and BOM go; the joiners emoji need stay
    assert text.plain(HOSTILE["zero_width"]) == "admin\u200c\u200d"
    assert text.plain("\U0001f468\u200d\U0001f527 plumber") == "\U0001f468\u200d\U0001f527 plumber"


def test_characters_that_show_as_nothing_are_removed() -> None:
    padded = "\u3164\u3164\u115f \u2800\u2800\u034f LIA Support\ufe0f Team"
    assert text.plain(padded) == "LIA Support Team"


def test_controls_become_spaces_and_line_breaks_are_kept_or_flattened() -> None:
    assert text.plain("a\tb\x00c\x1b[31md") == "a b c [31md"
    assert text.plain("line 1\nline 2\u2028line 3") == "line 1\nline 2\nline 3"
    assert text.plain("line 1\nline 2", one_line=True) == "line 1 line 2"


def test_lone_surrogates_are_replaced() -> None:
    assert text.plain("ok \ud800 ok") == "ok \ufffd ok"


def test_length_is_bounded_with_an_ellipsis() -> None:
    name = "Ana " * 25_000  # a 100 kB sign-up name
    shown = text.plain(name, 50)
    assert len(shown) == 50
    assert shown.endswith(text.ELLIPSIS)
    assert text.plain("short", 50) == "short"


def test_markup_is_escaped_for_markup_sinks() -> None:
    escaped = text.markup_escaped(HOSTILE["link"] + " & 'x' \"y\"")
    assert "<" not in escaped
    assert ">" not in escaped
    assert escaped == (
        "&lt;a href=https://evil.example&gt;admin.lia.co/login&lt;/a&gt; &amp; 'x' \"y\""
    )


@given(st.text())
def test_plain_text_never_holds_invisible_format_or_control_characters(value: str) -> None:
    import unicodedata

    shown = text.plain(value, 300)
    assert len(shown) <= 300
    for char in shown:
        category = unicodedata.category(char)
        assert category not in ("Cc", "Cs") or char == "\n"
        assert category != "Cf" or char in "\u200c\u200d"


@pytest.mark.parametrize(
    ("kind", "path"),
    [
        (NotificationType.BOOKING_CREATED, "/admin/bookings/12"),
        (NotificationType.BOOKING_CANCELLED, "/admin/bookings/12"),
        (NotificationType.DISPUTE_OPENED, "/admin/disputes/3"),
        (NotificationType.DISPUTE_ESCALATED, "/admin/disputes/3"),
        (NotificationType.PROFESSIONAL_APPLIED, "/admin/professionals/9"),
        (NotificationType.REVIEW_CREATED, "/admin/reviews/7"),
        (NotificationType.USER_SIGNED_UP, "/admin/users/3f2b1c4d-0000-4000-8000-00000000abcd"),
    ],
)
def test_the_triggers_paths_open_on_the_web_admin(kind: NotificationType, path: str) -> None:
    assert text.admin_link(ADMIN + "/", kind, path) == ADMIN + path
    assert text.admin_link("https://lia.co/panel/", kind, path) == "https://lia.co/panel" + path


@pytest.mark.parametrize(
    "path",
    [
        "@evil.example/x",
        "/admin/bookings/12@evil.example",
        "//evil.example/admin/bookings/1",
        "/admin/bookings/../../logout",
        "/admin/bookings/1?next=https://evil.example",
        "/admin/bookings/1#x",
        "/admin/disputes/1",  # the wrong type's path
        "/admin/bookings/01",
        "/admin/bookings/1\n",
        "javascript:alert(1)",
        "",
    ],
)
def test_other_paths_are_refused(path: str) -> None:
    assert text.admin_link(ADMIN, NotificationType.BOOKING_CREATED, path) is None


@pytest.mark.parametrize(
    "base",
    [
        "https://admin.lia.co@evil.example",
        "https://user:pw@admin.lia.co",
        "javascript://admin.lia.co",
        "file:///etc/passwd",
        "https://",
        "https://admin.lia.co?x=1",
        "https://admin.lia.co#frag",
        "https://admin.lia.co:0",
        "https://admin.lia.co:99999",
        "http://[::1",
        "https://admin.lia.co/a b",
        "https://admin.lia.co\\@evil.example",
        "https://admin.lia.co\u3002evil.example",  # ideographic full stop: becomes a dot
        "https://admin.lia.co\uff0eevil.example",  # full-width full stop
        "https://admin.lia.co\u2044\u2044evil.example",  # fraction slashes
        "https://adm\u200bin.lia.co",  # a zero-width space, dropped by the browser
        "https://\u0430dmin.lia.co",  # a Cyrillic a
    ],
)
def test_web_admin_bases_that_could_open_another_host_are_refused(base: str) -> None:
    assert text.web_admin_base(base) is None
    assert text.admin_link(base, NotificationType.BOOKING_CREATED, "/admin/bookings/1") is None


def test_a_port_and_a_path_are_allowed_in_the_base() -> None:
    assert text.web_admin_base(" http://localhost:3000/ ") == "http://localhost:3000"


def row(**overrides: object) -> dict[str, object]:
    return {
        "id": 7,
        "type": "review_created",
        "priority": "low",
        "title": "New review",
        "body": "5★ for Ana",
        "entity_table": "reviews",
        "entity_id": "7",
        "action_path": "/admin/reviews/7",
        "created_at": "2026-03-02T12:00:00+00:00",
    } | overrides


def test_notifications_are_made_plain_when_parsed() -> None:
    parsed = wire.parse_notification(
        row(title="New\nreview\u202e" + "x" * 500, body=HOSTILE["rtl"] + "\n" + "y" * 5000)
    )
    assert "\n" not in parsed.title
    assert "\u202e" not in parsed.title
    assert len(parsed.title) == text.MAX_TITLE_CHARS
    assert parsed.body.startswith("visit https://evil.com now yyy")  # one line
    assert len(parsed.body) == text.MAX_BODY_CHARS


def hostile(path: str) -> Notification:
    return wire.parse_notification(row(body=HOSTILE["link"], action_path=path))


def test_a_toast_with_a_refused_link_opens_the_center_instead() -> None:
    feed = NotificationFeed(web_admin_url=ADMIN)
    n = replace(hostile("@evil.example/x"), priority=Priority.HIGH)
    (toast,) = feed.receive_live(n, T0).toasts
    assert toast.click.action is ToastAction.OPEN_NOTIFICATIONS
    assert all(b.action is not ToastAction.OPEN_URL for b in toast.buttons)
    assert toast.body == HOSTILE["link"]  # plain text; escaping is the sink's business


def test_a_toast_with_an_allowed_link_opens_it() -> None:
    feed = NotificationFeed(web_admin_url=ADMIN)
    n = replace(hostile("/admin/reviews/7"), priority=Priority.HIGH)
    (toast,) = feed.receive_live(n, T0).toasts
    assert toast.click.url == ADMIN + "/admin/reviews/7"
    assert [b.url for b in toast.buttons if b.action is ToastAction.OPEN_URL] == [toast.click.url]
