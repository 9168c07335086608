"""DesktopApp against the real devstack: first-run sign-in, errors per field, going live,
the badge following the unread count, and mark read reaching the server."""

from __future__ import annotations

import pytest

from lia_desktop.app import DesktopApp
from lia_desktop.core.i18n import english
from lia_desktop.core.problems import Problem, explain
from lia_desktop.services.auth import KEYRING_SERVICE
from lia_desktop.services.settings_store import SettingsStore
from lia_desktop.ui.sign_in import SignInDialog
from tests.app.conftest import AppFactory, MemoryKeyring, Runner, insert_bookings, read_rows, until
from tests.fixtures import DevstackProcess, DevstackUser

pytestmark = pytest.mark.devstack


def visible_errors(dialog: SignInDialog) -> dict[str, str]:
    return {key: label.text() for key, label in dialog.form.errors.items() if not label.isHidden()}


async def submit(dialog: SignInDialog, url: str, key: str, email: str, password: str) -> None:
    """Fill the form, press Sign in, and wait until the attempt has ended either way."""
    for field, text in ((dialog.url, url), (dialog.anon_key, key), (dialog.email, email)):
        field.setText(text)
    dialog.password.setText(password)
    dialog.sign_in_button.click()
    assert not dialog.sign_in_button.isEnabled()  # busy while the request runs
    await until(dialog.sign_in_button.isEnabled, timeout=30)


async def first_run(make_app: AppFactory) -> tuple[DesktopApp, SignInDialog]:
    app = make_app()
    await app.start()
    dialog = app.sign_in_dialog
    assert dialog is not None
    assert dialog.isVisible()
    return app, dialog


async def signed_in(
    make_app: AppFactory, devstack: DevstackProcess, admin: DevstackUser
) -> DesktopApp:
    """A first run signed in through the dialog, live and caught up, with nothing unread."""
    app, dialog = await first_run(make_app)
    await submit(dialog, devstack.api_url, devstack.anon_key, admin.email, admin.password)
    assert not dialog.isVisible()
    await until(lambda: app.live is not None and app.live.sync.catch_ups > 0, timeout=30)
    await until(lambda: "Live" in app.tray.tray.toolTip())
    assert app.live is not None
    await app.live.sync.mark_all_read()
    await until(lambda: app.tray.badge == "")
    return app


def test_first_run_shows_the_sign_in_dialog_and_nothing_is_live(
    run: Runner, make_app: AppFactory
) -> None:
    async def scenario() -> None:
        app, _ = await first_run(make_app)
        assert app.live is None
        assert app.tray.badge == ""
        assert app.tray.tray.toolTip() == "LIA Admin — 0 unread — Signed out"
        await make_app.stop(app)

    run(scenario())


@pytest.mark.parametrize(
    ("case", "field", "message"),
    [
        ("wrong password", "password", explain(Problem.WRONG_PASSWORD, english)),
        ("customer account", "email", explain(Problem.NOT_ADMIN, english)),
        ("bad anon key", "anon_key", explain(Problem.KEY_REJECTED, english)),
    ],
)
def test_sign_in_errors_land_on_their_field(
    run: Runner,
    make_app: AppFactory,
    devstack: DevstackProcess,
    admin_user: DevstackUser,
    customer_user: DevstackUser,
    memory_keyring: MemoryKeyring,
    case: str,
    field: str,
    message: str,
) -> None:
    key, user, password = devstack.anon_key, admin_user, admin_user.password
    if case == "wrong password":
        password = "not-the-password"
    elif case == "customer account":
        user, password = customer_user, customer_user.password
    else:
        key = key[:-6] + "AAAAAA"  # well-formed, wrong signature

    async def scenario() -> None:
        app, dialog = await first_run(make_app)
        await submit(dialog, devstack.api_url, key, user.email, password)
        assert visible_errors(dialog) == {field: message}
        assert dialog.isVisible()
        assert app.live is None
        tokens = [
            name for service, name in memory_keyring.entries if not name.endswith("last-email")
        ]
        assert tokens == []  # nothing remembered from a refused sign-in
        await make_app.stop(app)

    run(scenario())


#: well-formed, role anon: the URL fails first
ANON_KEY = "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiYW5vbiJ9." + "x" * 43


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("http://127.0.0.1:9", Problem.UNREACHABLE),
        ("not a url", Problem.NOT_A_SUPABASE_URL),
        ("http://localhost:99999", Problem.NOT_A_SUPABASE_URL),
    ],
)
def test_unreachable_or_malformed_url_is_shown_on_the_url_field(
    run: Runner, make_app: AppFactory, admin_user: DevstackUser, url: str, kind: Problem
) -> None:
    async def scenario() -> None:
        app, dialog = await first_run(make_app)
        await submit(dialog, url, ANON_KEY, admin_user.email, admin_user.password)
        assert visible_errors(dialog) == {"url": explain(kind, english, url=url)}
        await make_app.stop(app)

    run(scenario())


def test_sign_in_goes_live_remembers_the_project_and_restores_silently(
    run: Runner,
    make_app: AppFactory,
    settings_store: SettingsStore,
    devstack: DevstackProcess,
    admin_user: DevstackUser,
    memory_keyring: MemoryKeyring,
) -> None:
    async def scenario() -> None:
        app = await signed_in(make_app, devstack, admin_user)
        saved = settings_store.load()
        assert saved is not None
        assert (saved.supabase_url, saved.anon_key) == (devstack.api_url, devstack.anon_key)
        assert memory_keyring.entries.get(
            (KEYRING_SERVICE, f"{devstack.api_url}|{admin_user.email}")
        )
        await make_app.stop(app)

        again = make_app()
        await again.start()
        assert again.sign_in_dialog is None  # the keyring's refresh token was enough
        await until(lambda: "Live" in again.tray.tray.toolTip(), timeout=30)
        await make_app.stop(again)

    run(scenario())


def test_badge_and_tooltip_follow_the_unread_count(
    run: Runner, make_app: AppFactory, devstack: DevstackProcess
) -> None:
    async def scenario() -> None:
        app = await signed_in(make_app, devstack, devstack.create_user(admin=True))
        assert "— 0 unread — Live" in app.tray.tray.toolTip()
        unread = 0
        for new, badge in ((1, "1"), (8, "9"), (1, "9+"), (5, "9+")):
            insert_bookings(devstack, new)
            unread += new
            await until(lambda unread=unread: f"— {unread} unread" in app.tray.tray.toolTip())
            assert app.tray.badge == badge
            assert app.tray.tray.toolTip() == f"LIA Admin — {unread} unread — Live"
        await make_app.stop(app)

    run(scenario())


def test_mark_read_in_the_notification_center_reaches_the_server_and_drops_the_badge(
    run: Runner, make_app: AppFactory, devstack: DevstackProcess
) -> None:
    admin = devstack.create_user(admin=True)

    async def scenario() -> None:
        app = await signed_in(make_app, devstack, admin)
        insert_bookings(devstack, 2)
        await until(lambda: app.tray.badge == "2")

        app.tray.notifications_requested.emit()  # what a left click on the bell does
        center = app.center
        assert center is not None
        assert center.isVisible()
        newest, older = center.visible_notifications()[:2]
        assert not newest.read
        assert not older.read
        center.list.setCurrentIndex(center.filter.index(0, 0))
        center.mark_read_button.click()

        await until(lambda: app.tray.badge == "1")
        await until(lambda: newest.id in read_rows(devstack, admin.id))
        assert older.id not in read_rows(devstack, admin.id)
        shown = {item.id: item.read for item in center.visible_notifications()[:2]}
        assert shown == {newest.id: True, older.id: False}
        await make_app.stop(app)

    run(scenario())
