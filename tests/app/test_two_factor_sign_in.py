"""Two-factor sign-in through the real dialog (issue 16), with codes from pyotp.

The admin reads the key the dialog shows (as one types it into an
authenticator app) and pyotp plays the app. The project's "admins need aal2"
switch is turned on where a test says so, and off again after.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import jwt
import psycopg
import pyotp
import pytest

from lia_desktop.app import DesktopApp
from lia_desktop.core.i18n import english
from lia_desktop.core.problems import Problem, explain
from lia_desktop.services.auth import KEYRING_SERVICE
from lia_desktop.ui.second_factor import SecondFactorForm
from lia_desktop.ui.sign_in import SignInDialog
from tests.app.conftest import AppFactory, MemoryKeyring, Runner, insert_bookings, until
from tests.app.test_sign_in_and_live import first_run, submit
from tests.fixtures import DevstackProcess, DevstackUser
from tests.mfa import enroll_elsewhere, wrong

pytestmark = pytest.mark.devstack


@pytest.fixture
def admin(devstack: DevstackProcess) -> DevstackUser:
    """An admin of the test's own: a verified factor ends the admin's other aal1 sessions."""
    return devstack.create_user(admin=True)


async def at_the_code_step(
    make_app: AppFactory, devstack: DevstackProcess, admin: DevstackUser
) -> tuple[DesktopApp, SignInDialog, pyotp.TOTP]:
    """A first run of an admin with a factor (enrolled elsewhere), past the password: the
    dialog asks for a code of the factor, which ``pyotp.TOTP`` gives."""
    totp = await enroll_elsewhere(devstack, admin)
    app, dialog = await first_run(make_app)
    await submit(dialog, devstack.api_url, devstack.anon_key, admin.email, admin.password)
    assert dialog.awaiting_code
    return app, dialog, totp


def page(dialog: SignInDialog) -> SecondFactorForm:
    assert dialog.second_factor is not None
    return dialog.second_factor


def code_error(dialog: SignInDialog) -> str:
    label = page(dialog).errors["code"]
    return "" if label.isHidden() else label.text()


async def enter_code(dialog: SignInDialog, code: str) -> None:
    """Type (or paste) a code, press Verify, and wait until the attempt has ended."""
    page(dialog).code.setText(code)
    dialog.sign_in_button.click()
    await until(lambda: dialog.sign_in_button.isEnabled() or not dialog.isVisible(), timeout=30)


def aal(token: str | None) -> str:
    return str(jwt.decode(token or "", options={"verify_signature": False})["aal"])


def stored(ring: MemoryKeyring, devstack: DevstackProcess, admin: DevstackUser) -> str | None:
    return ring.entries.get((KEYRING_SERVICE, f"{devstack.api_url}|{admin.email}"))


def test_enrollment_in_the_dialog_then_silent_aal2_starts(
    run: Runner,
    make_app: AppFactory,
    devstack: DevstackProcess,
    admin: DevstackUser,
    memory_keyring: MemoryKeyring,
    aal2_required: None,
) -> None:
    async def scenario() -> None:
        app, dialog = await first_run(make_app)
        await submit(dialog, devstack.api_url, devstack.anon_key, admin.email, admin.password)
        assert dialog.awaiting_code
        form = page(dialog)
        assert form.qr_code.isVisible()
        assert form.qr_code.renderer().isValid()  # GoTrue's SVG, drawn by QtSvg
        assert dialog.sign_in_button.text() == "Verify"
        totp = pyotp.TOTP(form.secret.text().replace(" ", ""))  # the key as one types it
        # a wrong code and a code that is no code: said under the field, nothing stored
        await enter_code(dialog, wrong(totp))
        assert code_error(dialog) == explain(Problem.WRONG_CODE, english)
        assert form.code.text() == ""  # emptied for the next code
        await enter_code(dialog, "12 34")
        assert code_error(dialog) == explain(Problem.WRONG_CODE, english)
        assert memory_keyring.entries == {}
        assert app.live is None
        code = totp.now()
        await enter_code(dialog, f"{code[:3]} {code[3:]}")  # as the authenticator shows it
        assert not dialog.isVisible()
        await until(lambda: "Live" in app.tray.tray.toolTip(), timeout=30)
        assert app.live is not None
        assert aal(app.live.auth.access_token) == "aal2"
        assert stored(memory_keyring, devstack, admin)  # in the keyring at once
        await make_app.stop(app)

        again = make_app()
        await again.start()
        assert again.sign_in_dialog is None  # silent, and at aal2
        await until(lambda: "Live" in again.tray.tray.toolTip(), timeout=30)
        assert again.live is not None
        assert aal(again.live.auth.access_token) == "aal2"
        await make_app.stop(again)

    run(scenario())


def test_an_admin_with_a_factor_is_asked_for_a_code_only(
    run: Runner,
    make_app: AppFactory,
    devstack: DevstackProcess,
    admin: DevstackUser,
    memory_keyring: MemoryKeyring,
) -> None:
    async def scenario() -> None:
        app, dialog, totp = await at_the_code_step(make_app, devstack, admin)
        assert not page(dialog).qr_code.isVisible()
        assert admin.email in page(dialog).intro.text()
        await enter_code(dialog, totp.now())
        assert not dialog.isVisible()
        await until(lambda: "Live" in app.tray.tray.toolTip(), timeout=30)
        assert app.live is not None
        assert aal(app.live.auth.access_token) == "aal2"
        await make_app.stop(app)

    run(scenario())


def test_closing_the_dialog_at_the_code_step_signs_nothing_in(
    run: Runner,
    make_app: AppFactory,
    devstack: DevstackProcess,
    admin: DevstackUser,
    memory_keyring: MemoryKeyring,
) -> None:
    async def scenario() -> None:
        app, dialog, _ = await at_the_code_step(make_app, devstack, admin)
        sessions = session_count(devstack, admin)
        dialog.reject()
        await until(lambda: session_count(devstack, admin) == sessions - 1)  # ended on the server
        assert memory_keyring.entries == {}
        assert app.live is None
        await make_app.stop(app)

    run(scenario())


def test_short_lived_tokens_keep_aal2_without_asking_again(
    run: Runner,
    make_app: AppFactory,
    devstack_factory: Callable[..., DevstackProcess],
    memory_keyring: MemoryKeyring,
) -> None:
    """10 s access tokens for 30 s (a long day of hourly ones): every refresh stays aal2,
    the admin RPCs keep answering under the switch, and the dialog never comes back."""
    short = devstack_factory(jwt_expiry=10)
    short.require_aal2(True)
    admin = short.create_user(admin=True)

    async def scenario() -> None:
        app, dialog = await first_run(make_app)
        await submit(dialog, short.api_url, short.anon_key, admin.email, admin.password)
        totp = pyotp.TOTP(page(dialog).secret.text().replace(" ", ""))
        await enter_code(dialog, totp.now())
        await until(lambda: "Live" in app.tray.tray.toolTip(), timeout=30)
        assert app.live is not None
        tokens: list[str | None] = []
        app.live.auth.on_token_changed(tokens.append)
        began = time.monotonic()
        await until(lambda: time.monotonic() - began > 30, timeout=40)
        assert len(tokens) >= 4  # refreshed at half of each 10 s lifetime
        assert {aal(token) for token in tokens} == {"aal2"}
        assert app.sign_in_dialog is None or not app.sign_in_dialog.isVisible()
        cursor = app.live.sync.feed.cursor
        insert_bookings(short, 1)  # the feed still works under the switch
        await until(lambda: app.live is not None and app.live.sync.feed.cursor > cursor)
        assert "Live" in app.tray.tray.toolTip()
        await make_app.stop(app)

    run(scenario(), timeout=120)


def session_count(devstack: DevstackProcess, admin: DevstackUser) -> int:
    with psycopg.connect(devstack.db_url) as db:
        row = db.execute(
            "select count(*) from auth.sessions where user_id = %s", (admin.id,)
        ).fetchone()
    assert row is not None
    return int(row[0])
