"""What customers write reaches the admin's desktop as plain text, and links only go to the
web admin: played with the real app, a real devstack, dunst and the tray host.

Customers write a sign-up name of HTML padded to 100 kB, a review comment that loads
``file:///dev/zero`` as an image, a dispute reason with a spoofed link and an RTL override;
a notification row is forged with an ``action_path`` pointing at another host. Checked:
what dunst received and rendered, every widget's text format and tooltip, the GUI's memory
while the center's tooltips are shown, and which URLs the app asks the desktop to open.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import psycopg
import pytest
from PySide6.QtCore import QCoreApplication, QObject, QPoint, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QTextDocument
from PySide6.QtWidgets import QLabel, QToolTip

from lia_desktop.core import compose
from lia_desktop.core.models import Notification
from lia_desktop.core.text import MAX_BODY_CHARS
from lia_desktop.ui.toasts import daemon_text
from tests.app.conftest import AppFactory, Runner, until
from tests.app.test_sign_in_and_live import signed_in
from tests.desktop.test_tray_and_toasts import dunstctl, wait_for
from tests.fixtures import DevstackProcess

pytestmark = pytest.mark.devstack

HTML = '<b style="color:red;font-size:40px">SECURITY ALERT</b><table><tr><td>x</td></tr></table>'
IMAGE = '<img src="file:///dev/zero">'
LINK = "<a href=https://evil.example>admin.lia.co/login</a>"
RTL = "pay at \u202ehttps://evil.com\u202c \u2067moc.live//:sptth\u2069 z\u200bw\u200bs\ufeff"


class OpenedUrls(QObject):
    """Stands in for the browser: QDesktopServices hands it every http(s) URL the app opens."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url.toString())


def rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def rendered(rich: str) -> str:
    document = QTextDocument()
    document.setHtml(rich)
    return document.toPlainText()


def customers_write(devstack: DevstackProcess) -> None:
    """A sign-up, a review and a dispute, as a hostile customer writes them."""
    response = devstack.admin_request(
        "POST",
        "users",
        {
            "email": "hostile-signup@lia.test",
            "password": "pw-hostile-signup",
            "email_confirm": True,
            "user_metadata": {"full_name": HTML + "Ana " * 25_000},
        },
    )
    response.raise_for_status()
    with psycopg.connect(devstack.db_url, autocommit=True) as db:
        db.execute(
            """
            with booking as (
              insert into public.bookings
                (customer_id, professional_id, service, status, total_price_cop, scheduled_at)
              select (select id from public.users where role = 'customer' order by created_at limit 1),
                     (select id from public.professionals order by id limit 1),
                     'Plumbing', 'completed', 180000, now() - interval '1 day'
              returning id)
            insert into public.reviews (booking_id, rating, comment)
            select id, 1, %s from booking
            """,
            (IMAGE + " " + LINK,),
        )
        db.execute(
            "insert into public.disputes (booking_id, reason) "
            "select id, %s from public.bookings order by id desc limit 1",
            (RTL + " " + LINK,),
        )


def forge_a_link(devstack: DevstackProcess) -> None:
    """A notification row whose action path leads off the web admin (a tampered database)."""
    with psycopg.connect(devstack.db_url, autocommit=True) as db:
        db.execute(
            "select private.enqueue_admin_notification('review_created', 'high', 'Low rating', "
            "'forged', 'reviews', '1', '@evil.example/x', '{}'::jsonb)"
        )


async def dunst_entries() -> list[dict[str, Any]]:
    entries = json.loads(await dunstctl("history"))["data"][0]
    return [{key: value["data"] for key, value in entry.items()} for entry in entries]


def test_customer_text_is_plain_everywhere_and_links_stay_on_the_web_admin(
    run: Runner, make_app: AppFactory, devstack: DevstackProcess
) -> None:
    admin = devstack.create_user(admin=True)
    browser = OpenedUrls()
    for scheme in ("http", "https", "file"):
        QDesktopServices.setUrlHandler(scheme, browser, "open")

    async def scenario() -> None:
        app = await signed_in(make_app, devstack, admin)
        await dunstctl("close-all")
        assert app.live is not None
        feed = app.live.sync.feed
        known = {n.id for n in feed.items()}
        customers_write(devstack)
        await until(lambda: len({n.id for n in feed.items()} - known) >= 3)
        new: list[Notification] = [n for n in feed.items() if n.id not in known]

        # The feed holds plain, bounded text: no bidi overrides, no zero-width characters.
        signup = next(n for n in new if n.type == "user_signed_up")
        assert len(signup.body) == MAX_BODY_CHARS
        assert signup.body.startswith(HTML)
        dispute = next(n for n in new if n.type == "dispute_opened")
        assert "\u202e" not in dispute.body
        assert "\u200b" not in dispute.body
        assert "pay at https://evil.com moc.live//:sptth zws" in dispute.body

        # dunst received each body escaped and rendered the characters, not the markup.
        await asyncio.sleep(0.5)  # dunst queues before it displays
        await dunstctl("close-all")
        entries = await wait_for(
            lambda: _entries_with(lambda e: "evil.example" in e["body"] or "Ana" in e["body"])
        )
        bodies = [e["body"] for e in entries]
        assert [b for b in bodies if "<a " in b or "<img" in b or "<b " in b] == []
        assert {daemon_text(n.body) for n in new} & set(bodies)  # at least one single toast
        for entry in entries:  # the markup dunst lays out: entities, which Pango shows as text
            assert "<a " not in entry["message"]
            assert "<img" not in entry["message"]
            if "evil.example" in entry["body"]:
                assert "&lt;a href=https://evil.example&gt;" in entry["message"]

        # Every window: plain-text labels; tooltips that render as the characters written.
        app.show_notifications()
        app.show_stats()
        center = app.center
        assert center is not None
        await until(lambda: {n.id for n in new} <= {n.id for n in center.visible_notifications()})
        for window in (center, app.stats_window):
            assert window is not None
            labels = window.findChildren(QLabel)
            assert [w.text() for w in labels if w.textFormat() != Qt.TextFormat.PlainText] == []
        before = rss_kb()
        for row in range(center.filter.rowCount()):
            index = center.filter.index(row, 0)
            tip = index.data(Qt.ItemDataRole.ToolTipRole)
            item = index.data(Qt.ItemDataRole.UserRole + 1)
            assert rendered(tip) == compose.body(QCoreApplication.translate, item)  # as written
            QToolTip.showText(center.list.mapToGlobal(QPoint(20, 20)), tip, center.list)
            await asyncio.sleep(0.05)
        QToolTip.hideText()
        grown_mb = (rss_kb() - before) / 1024
        assert grown_mb < 50, f"GUI grew {grown_mb:.0f} MB while showing tooltips"

        # Links: the review opens on the web admin; a forged path opens nothing.
        review = next(n for n in new if n.type == "review_created")
        center.open_requested.emit(review)
        await until(lambda: browser.urls)
        assert browser.urls == [f"http://localhost:3000/admin/reviews/{review.entity_id}"]
        forge_a_link(devstack)
        await until(lambda: any(n.action_path.startswith("@") for n in feed.items()))
        forged = next(n for n in feed.items() if n.action_path.startswith("@"))
        center.open_requested.emit(forged)
        await asyncio.sleep(0.3)
        assert len(browser.urls) == 1
        await make_app.stop(app)

    try:
        run(scenario(), timeout=120)
    finally:
        for scheme in ("http", "https", "file"):
            QDesktopServices.unsetUrlHandler(scheme)


async def _entries_with(keep: Any) -> list[dict[str, Any]]:
    return [e for e in await dunst_entries() if keep(e)]
