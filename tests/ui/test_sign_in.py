"""Sign-in dialog: required fields, request emitted without blocking, errors per field."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from lia_desktop.services.errors import (
    BadApiKey,
    BadCredentials,
    BadUrl,
    NetworkUnreachable,
    NotAdmin,
    ServerError,
)
from lia_desktop.ui.sign_in import SignInDialog, SignInRequest


@pytest.fixture
def dialog(qtbot: QtBot) -> SignInDialog:
    widget = SignInDialog(url="http://127.0.0.1:54321", anon_key="anon")
    qtbot.addWidget(widget)
    return widget


def visible_errors(dialog: SignInDialog) -> dict[str, str]:
    return {k: v.text() for k, v in dialog.form.errors.items() if not v.isHidden()}


def test_empty_fields_are_flagged_and_nothing_is_requested(
    qtbot: QtBot, dialog: SignInDialog
) -> None:
    with qtbot.assertNotEmitted(dialog.sign_in_requested):
        dialog.sign_in_button.click()
    assert visible_errors(dialog) == {"email": "Required", "password": "Required"}


def test_a_complete_form_emits_the_request_and_waits(qtbot: QtBot, dialog: SignInDialog) -> None:
    dialog.email.setText(" admin@lia.test ")
    dialog.password.setText("lia-demo-admin")
    with qtbot.waitSignal(dialog.sign_in_requested, timeout=1000) as blocker:
        dialog.sign_in_button.click()
    assert blocker.args == [
        SignInRequest("http://127.0.0.1:54321", "anon", "admin@lia.test", "lia-demo-admin")
    ]
    assert not dialog.sign_in_button.isEnabled()
    assert not dialog.password.isEnabled()
    assert visible_errors(dialog) == {}


@pytest.mark.parametrize(
    ("error", "field", "message"),
    [
        (NotAdmin("role is customer"), "email", "This account is not an administrator"),
        (BadCredentials("sign-in refused: Invalid login"), "password", "Wrong email or password"),
        (BadApiKey("Invalid API key"), "anon_key", "The server rejected this anon key"),
        (BadUrl("invalid Supabase URL: nope"), "url", "invalid Supabase URL: nope"),
        (NetworkUnreachable("server unreachable: refused"), "url", "server unreachable: refused"),
    ],
)
def test_server_errors_land_on_their_field(
    dialog: SignInDialog, error: Exception, field: str, message: str
) -> None:
    dialog.set_busy(True)
    dialog.show_error(error)
    assert visible_errors(dialog) == {field: message}
    assert dialog.general_error.isHidden()
    assert dialog.sign_in_button.isEnabled()


def test_an_unplaced_error_is_shown_for_the_form(dialog: SignInDialog) -> None:
    dialog.show_error(BadCredentials("x"))
    dialog.show_error(ServerError("unexpected error: boom"))
    assert visible_errors(dialog) == {}
    assert not dialog.general_error.isHidden()
    assert dialog.general_error.text() == "unexpected error: boom"
