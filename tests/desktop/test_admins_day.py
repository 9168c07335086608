"""An admin's day on a real desktop (Xvfb, tray host, dunst, gnome-keyring), compared with SQL.

Events arrive, the admin quits and starts again: the tray and the center say what the server
says is unread. ``lia-desktop doctor`` with the same account leaves the app signed in. Sign out
leaves nothing of the account on screen. Settings switch the app to a second project (live there
with its own count) and back; a changed web admin URL is what both a toast's button and the
center open. ``--demo`` run twice leaves the real profile's files and keyring entries as they were.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import psycopg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtTest import QTest

from lia_desktop.app import DesktopApp
from lia_desktop.services.settings_store import SettingsStore
from tests.app.conftest import AppFactory, Runner, insert_bookings, until
from tests.app.test_sign_in_and_live import signed_in, submit
from tests.desktop.test_hostile_text import OpenedUrls
from tests.desktop.test_tray_and_toasts import _read, displayed, dunstctl, wait_for
from tests.fixtures import DevstackProcess, DevstackUser

pytestmark = [pytest.mark.devstack, pytest.mark.slow]


def unread_shown(app: DesktopApp) -> set[int]:
    assert app.center is not None
    return {n.id for n in app.center.visible_notifications() if not n.read}


async def caught_up_to(app: DesktopApp, devstack: DevstackProcess, admin: DevstackUser) -> None:
    """The badge, the tooltip and the center equal the server's unread set for ``admin``."""
    app.show_notifications()

    def agrees() -> bool:
        truth = devstack.unread_ids(admin.id)
        tooltip = app.tray.tray.toolTip()
        return unread_shown(app) == truth and tooltip.endswith(f"{len(truth)} unread — Live")

    await until(agrees, 30)


def keyring_entries() -> str:
    """Every item the app's keyring service holds, as secret-tool lists it (attributes only)."""
    out = subprocess.run(
        ["secret-tool", "search", "--all", "service", "lia-desktop"],
        capture_output=True,
        text=True,
        check=False,
    )
    return "\n".join(sorted(line for line in out.stdout.splitlines() if "secret" not in line))


def profile_files(root: Path) -> dict[str, bytes]:
    """The real profile: settings and the cursor files (the demo has folders of its own)."""
    config = root / "config" / "lia-desktop"
    files = {p: p.read_bytes() for p in config.glob("*") if p.is_file()}
    files |= {p: p.read_bytes() for p in (root / "data").glob("feed-*.json")}
    return {str(p): data for p, data in files.items()}


def run_demo_until_live(seconds: float = 150) -> None:
    """``lia-desktop --demo`` as its own process until its log says it is live, then SIGTERM."""
    env = dict(os.environ)
    process = subprocess.Popen(
        [sys.executable, "-m", "lia_desktop", "--demo"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    log = Path(env["XDG_STATE_HOME"]) / "lia-desktop" / "log" / "lia-desktop.log"
    earlier = caught_up_lines(log)
    deadline = time.monotonic() + seconds
    try:
        while caught_up_lines(log) == earlier:
            assert process.poll() is None, "the demo exited early"
            assert time.monotonic() < deadline, "the demo never caught up"
            time.sleep(0.5)
        time.sleep(2)
        assert process.poll() is None, "the demo exited early"
    finally:
        process.terminate()
        process.wait(60)


def caught_up_lines(log: Path) -> int:
    return log.read_text(errors="replace").count("caught up") if log.exists() else 0


def test_an_admins_day(
    run: Runner,
    make_app: AppFactory,
    devstack: DevstackProcess,
    devstack_factory: Any,
    private_dirs: Path,
    settings_store: SettingsStore,
) -> None:
    admin = devstack.create_user(admin=True)
    browser = OpenedUrls()
    for scheme in ("http", "https"):
        QDesktopServices.setUrlHandler(scheme, browser, "open")
    pick = Path(os.environ["DUNST_PICK_FILE"])

    async def scenario() -> None:
        # Morning: signed in, events arrive, some read here.
        app = await signed_in(make_app, devstack, admin)
        insert_bookings(devstack, 6)
        await caught_up_to(app, devstack, admin)
        assert app.live is not None
        first = min(unread_shown(app))
        await app.live.sync.mark_read([first])
        await caught_up_to(app, devstack, admin)

        # Quit; meanwhile more arrive and two are read on another device. Restart.
        await make_app.stop(app)
        insert_bookings(devstack, 4)
        unread = sorted(devstack.unread_ids(admin.id))
        devstack.read_as(admin.id, {unread[0], unread[-1]})
        app = make_app()
        await app.start()  # silent: the keyring holds this device's session
        assert app.sign_in_dialog is None
        await caught_up_to(app, devstack, admin)

        # doctor with the same account, then a restart: still signed in silently.
        doctor = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "lia_desktop", "doctor",
            "--url", devstack.api_url, "--anon-key", devstack.anon_key, "--email", admin.email,
            env={**os.environ, "LIA_ADMIN_PASSWORD": admin.password},
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )  # fmt: skip
        out, _ = await doctor.communicate()
        assert doctor.returncode == 0, out.decode()
        await make_app.stop(app)
        app = make_app()
        await app.start()
        assert app.sign_in_dialog is None, "doctor signed the app out"
        await caught_up_to(app, devstack, admin)

        # The web admin URL changes: a toast's button and the center open the new one.
        settings = app.settings
        assert settings is not None
        app._settings.update(replace(settings, web_admin_url="https://admin.lia.example/panel"))
        await dunstctl("close-all")
        offered = Path(f"{pick}.offered")
        await asyncio.to_thread(offered.unlink, missing_ok=True)
        insert_bookings(devstack, 1)
        await wait_for(displayed)
        newest = max(devstack.unread_ids(admin.id))
        await asyncio.to_thread(pick.write_text, "#View booking (New booking)")
        await dunstctl("context")
        await wait_for(lambda: _read(offered))
        await until(lambda: browser.urls, 15)
        booking = newest_booking(devstack, newest)
        assert browser.urls[-1] == f"https://admin.lia.example/panel/admin/bookings/{booking}"
        center = app.center
        assert center is not None
        center.list.setFocus()
        row = next(
            r for r in range(center.filter.rowCount())
            if center.filter.index(r, 0).data(Qt.ItemDataRole.UserRole + 1).id == newest - 1
        )  # fmt: skip
        center.list.setCurrentIndex(center.filter.index(row, 0))
        QTest.keyClick(center.list, Qt.Key.Key_Return)
        await until(lambda: len(browser.urls) == 2, 10)
        assert browser.urls[-1].startswith("https://admin.lia.example/panel/admin/bookings/")

        # A second project, chosen in Settings: no session there yet, so sign in (prefilled).
        second = devstack_factory()
        second_admin = second.create_user(admin=True, email=admin.email, password=admin.password)
        insert_bookings(second, 3)
        on_first = app.settings
        assert on_first is not None
        app._settings.update(
            replace(on_first, supabase_url=second.api_url, anon_key=second.anon_key)
        )  # what Save does once check_project accepted the project
        await until(lambda: app.sign_in_dialog is not None and app.sign_in_dialog.isVisible())
        dialog = app.sign_in_dialog
        assert dialog is not None
        assert dialog.url.text() == second.api_url
        await submit(dialog, second.api_url, second.anon_key, admin.email, admin.password)
        await caught_up_to(app, second, second_admin)
        # Back to the first (its session kept: silent), then to the second again: live in <5 s.
        app._settings.update(on_first)
        await caught_up_to(app, devstack, admin)
        switched = time.monotonic()
        app._settings.update(
            replace(on_first, supabase_url=second.api_url, anon_key=second.anon_key)
        )
        await caught_up_to(app, second, second_admin)
        assert time.monotonic() - switched < 5
        assert app.sign_in_dialog is None or not app.sign_in_dialog.isVisible()

        # Sign out: nothing of the account anywhere; the menu offers Sign in….
        app.show_stats()
        menu(app, "Sign out")
        await until(lambda: app.live is None and app.state.account is None)
        assert app.center.visible_notifications() == []
        assert app.stats_window is not None
        assert {c.value.text() for c in app.stats_window.cards.values()} == {"—"}
        assert app.tray.tray.toolTip() == "LIA Admin — 0 unread — Signed out"
        assert "Sign in…" in visible_menu(app)
        assert "Sign out" not in visible_menu(app)
        await make_app.stop(app)

    before_files = profile_files(private_dirs)
    try:
        run(scenario(), timeout=400)
    finally:
        for scheme in ("http", "https"):
            QDesktopServices.unsetUrlHandler(scheme)

    # --demo twice: the real profile's files and keyring entries stay as they were.
    files, entries = profile_files(private_dirs), keyring_entries()
    assert entries, "the real profile keeps its sessions in the keyring"
    run_demo_until_live()
    run_demo_until_live()
    assert profile_files(private_dirs) == files
    assert keyring_entries() == entries
    assert before_files or files


def menu(app: DesktopApp, text: str) -> None:
    app.tray.menu.by_text[text].trigger()


def visible_menu(app: DesktopApp) -> list[str]:
    return [text for text, action in app.tray.menu.by_text.items() if action.isVisible()]


def newest_booking(devstack: DevstackProcess, notification_id: int) -> int:
    with psycopg.connect(devstack.db_url) as db:
        row = db.execute(
            "select entity_id from public.admin_notifications where id = %s", (notification_id,)
        ).fetchone()
    assert row is not None
    return int(row[0])
