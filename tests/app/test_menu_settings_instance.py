"""The tray menu's actions, do-not-disturb, the settings dialog and the single-instance socket."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import pytest
from PySide6.QtWidgets import QApplication

from lia_desktop.app import DesktopApp, SingleInstance
from lia_desktop.core.attention import tomorrow_morning
from lia_desktop.core.i18n import english
from lia_desktop.core.models import Priority, Toast
from lia_desktop.core.problems import Problem, explain
from lia_desktop.core.settings import Settings
from lia_desktop.services.auth import KEYRING_SERVICE
from lia_desktop.services.settings_store import SettingsStore
from lia_desktop.ui.notification_center import NotificationCenter
from lia_desktop.ui.settings_dialog import SettingsDialog
from lia_desktop.ui.stats_window import StatsWindow
from tests.app.conftest import AppFactory, MemoryKeyring, Runner, insert_bookings, until
from tests.app.test_sign_in_and_live import signed_in
from tests.fixtures import DevstackProcess

#: a project nobody listens on: the app starts signed out and never reaches a server
OFFLINE = Settings(
    "http://127.0.0.1:9",
    "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiYW5vbiJ9.c2ln",  # well-formed, role anon
    "http://localhost:3000",
    launch_at_login=False,
)


def menu(app: DesktopApp, text: str) -> None:
    app.tray.menu.by_text[text].trigger()


def settings_dialog(qapp: QApplication) -> SettingsDialog:
    (dialog,) = [
        w for w in qapp.topLevelWidgets() if isinstance(w, SettingsDialog) and w.isVisible()
    ]
    return dialog


def test_menu_opens_the_notification_center_and_the_stats_window(
    run: Runner, make_app: AppFactory
) -> None:
    async def scenario() -> None:
        app = make_app(OFFLINE)
        await app.start()
        menu(app, "Notifications")
        assert isinstance(app.center, NotificationCenter)
        assert app.center.isVisible()
        menu(app, "Stats")
        assert isinstance(app.stats_window, StatsWindow)
        assert app.stats_window.isVisible()
        assert not app.stats_window.loading  # signed out: no skeleton, no figure
        assert {c.value.text() for c in app.stats_window.cards.values()} == {"—"}
        assert app.stats_window.connection_text.text() == "Signed out"
        menu(app, "Quit")
        assert app.quit_requested.is_set()
        await make_app.stop(app)

    run(scenario())


def test_do_not_disturb_choices_are_saved_and_offer_resume(
    run: Runner, make_app: AppFactory, settings_store: SettingsStore
) -> None:
    async def scenario() -> None:
        app = make_app(OFFLINE)
        await app.start()
        resume = app.tray.menu.by_text["Resume notifications"]
        assert not resume.isVisible()

        before = datetime.now().astimezone()
        menu(app, "Do not disturb for 1 hour")
        saved = settings_store.load()
        assert saved is not None
        assert saved.dnd_until is not None
        assert (
            before + timedelta(minutes=59)
            < saved.dnd_until
            <= datetime.now().astimezone() + timedelta(hours=1)
        )
        assert resume.isVisible()

        menu(app, "Do not disturb until tomorrow 8:00")
        saved = settings_store.load()
        assert saved is not None
        assert saved.dnd_until is not None
        assert saved.dnd_until == tomorrow_morning(before)  # the coming morning, 8:00

        menu(app, "Resume notifications")
        saved = settings_store.load()
        assert saved is not None
        assert saved.dnd_until is None
        assert not resume.isVisible()
        await make_app.stop(app)

    run(scenario())


def test_settings_errors_are_shown_per_field_and_valid_settings_are_saved(
    run: Runner, qapp: QApplication, make_app: AppFactory, settings_store: SettingsStore
) -> None:
    async def scenario() -> None:
        app = make_app(OFFLINE)
        await app.start()
        menu(app, "Settings…")
        dialog = settings_dialog(qapp)
        dialog.web_admin_url.setText("admin.lia.test")
        dialog.save_button.click()
        shown = {k: label.text() for k, label in dialog.form.errors.items() if not label.isHidden()}
        assert shown == {"web_admin_url": explain(Problem.NOT_A_WEB_ADMIN_URL, english)}
        assert dialog.isVisible()
        assert settings_store.load() == OFFLINE

        # A new project is checked against the server before anything is saved.
        dialog.supabase_url.setText("http://127.0.0.1:1")
        dialog.web_admin_url.setText("https://admin.lia.example.co")
        dialog.save_button.click()
        await until(
            lambda: (
                dialog.save_button.isEnabled()
                and dialog.form.errors["supabase_url"].isVisibleTo(dialog)
            )
        )
        assert dialog.form.errors["supabase_url"].text() == (
            "Can't reach http://127.0.0.1:1. Check the address and your internet connection."
        )
        assert dialog.isVisible()
        assert settings_store.load() == OFFLINE

        dialog.supabase_url.setText(OFFLINE.supabase_url)  # the project it had: not re-checked
        dialog.min_priority.setCurrentIndex(dialog.min_priority.findData(Priority.HIGH))
        dialog.sounds.setChecked(False)
        dialog.save_button.click()
        await until(lambda: app.settings_dialog is None)  # accepted, then deleted
        saved = settings_store.load()
        assert saved is not None
        assert saved.web_admin_url == "https://admin.lia.example.co"
        assert (saved.min_toast_priority, saved.sounds) == (Priority.HIGH, False)
        assert app.settings == saved

        menu(app, "Settings…")  # one dialog per kind: a second click raises the first
        menu(app, "Settings…")
        assert (
            len(
                [
                    w
                    for w in qapp.topLevelWidgets()
                    if isinstance(w, SettingsDialog) and w.isVisible()
                ]
            )
            == 1
        )
        await make_app.stop(app)

    run(scenario())


@pytest.mark.devstack
def test_do_not_disturb_suppresses_toasts_until_resumed(
    run: Runner, make_app: AppFactory, devstack: DevstackProcess
) -> None:
    async def scenario() -> None:
        app = await signed_in(make_app, devstack, devstack.create_user(admin=True))
        toasts: list[Toast] = []
        app.state.toast_requested.connect(toasts.append)
        menu(app, "Do not disturb for 1 hour")
        insert_bookings(devstack, 1)
        await until(lambda: app.tray.badge == "1")
        assert toasts == []

        menu(app, "Resume notifications")
        insert_bookings(devstack, 1)
        await until(lambda: len(toasts) == 1)
        assert toasts[0].title == "New booking"
        assert app.tray.badge == "2"
        await make_app.stop(app)

    run(scenario())


@pytest.mark.devstack
def test_sign_out_forgets_the_session_and_asks_to_sign_in_again(
    run: Runner, make_app: AppFactory, devstack: DevstackProcess, memory_keyring: MemoryKeyring
) -> None:
    admin = devstack.create_user(admin=True)

    async def scenario() -> None:
        app = await signed_in(make_app, devstack, admin)
        insert_bookings(devstack, 1)
        await until(lambda: app.tray.badge == "1")
        app.show_notifications()
        app.show_stats()
        assert app.center is not None
        assert app.stats_window is not None
        await until(lambda: app.center is not None and len(app.center.visible_notifications()) > 0)
        await until(lambda: not app.stats_window.loading)  # type: ignore[union-attr]
        first_dialog = app.sign_in_dialog
        menu(app, "Sign out")
        await until(lambda: app.live is None and app.sign_in_dialog is not first_dialog)
        dialog = app.sign_in_dialog
        assert dialog is not None
        await until(dialog.isVisible)
        assert app.tray.badge == ""
        assert app.tray.tray.toolTip() == "LIA Admin — 0 unread — Signed out"
        assert (KEYRING_SERVICE, f"{devstack.api_url}|{admin.email}") not in memory_keyring.entries
        # Signed out is a state every window shows: nothing of the account is left anywhere.
        assert app.center.visible_notifications() == []
        assert app.center.empty.text().startswith("Signed out")
        assert {c.value.text() for c in app.stats_window.cards.values()} == {"—"}
        assert app.stats_window.connection_text.text() == "Signed out"
        visible = [t for t, a in app.tray.menu.by_text.items() if a.isVisible()]
        assert "Sign in…" in visible
        assert "Sign out" not in visible
        # A fresh dialog: the project filled in; no email, password or old error.
        assert (dialog.url.text(), dialog.email.text(), dialog.password.text()) == (
            devstack.api_url,
            "",
            "",
        )
        assert dialog.general_error.isHidden()
        dialog.reject()  # Cancel: still signed out, and the menu still offers Sign in…
        menu(app, "Sign in…")
        await until(lambda: app.sign_in_dialog is not None and app.sign_in_dialog.isVisible())
        await make_app.stop(app)

    run(scenario())


def test_a_second_instance_defers_to_the_first_and_wakes_it(run: Runner) -> None:
    name = f"lia-desktop-test-{secrets.token_hex(4)}"
    first, second = SingleInstance(name), SingleInstance(name)
    woken: list[bool] = []
    first.activation_requested.connect(lambda: woken.append(True))

    async def scenario() -> None:
        assert first.claim()
        assert not second.claim()
        await until(lambda: woken == [True])

    try:
        run(scenario())
    finally:
        first.release()
        second.release()
    third = SingleInstance(name)
    assert third.claim()  # released: the next launch becomes the instance
    third.release()


def test_an_unreadable_settings_file_is_explained_in_words(
    run: Runner,
    make_app: AppFactory,
    settings_store: SettingsStore,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Not "Settings were reset: <path>: anon_key: expected a JWT (...)": what happened and
    where the old file is; the technical reason stays in the log."""
    settings_store.path.parent.mkdir(parents=True, exist_ok=True)
    settings_store.path.write_text('{"schema_version": 2, "anon_key": "not-a-jwt"}')
    app = make_app()
    said: list[str] = []
    monkeypatch.setattr(app.tray, "say", lambda _title, text: said.append(text))

    async def scenario() -> None:
        await app.start()
        assert said == [
            "Your saved settings could not be read, so LIA Desktop starts as on a first run. "
            "The old file was kept next to the new one, and the log says what was wrong with it."
        ]
        assert list(settings_store.path.parent.glob("settings.json.invalid-*"))

    run(scenario())
