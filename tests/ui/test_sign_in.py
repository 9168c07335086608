"""Sign-in dialog: required fields, request emitted without blocking, errors per field."""

from __future__ import annotations

import logging

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from lia_desktop.core.i18n import english
from lia_desktop.core.problems import Problem, explain, where_to_find_project_keys
from lia_desktop.services.errors import (
    BadApiKey,
    BadCredentials,
    BadUrl,
    NetworkUnreachable,
    NotAdmin,
    NotAnAnonKey,
    NotAProjectUrl,
    NotLiaProject,
    NotTheAnonRole,
    ServerError,
    ServiceError,
)
from lia_desktop.ui.sign_in import SignInDialog, SignInRequest
from tests.ui.wrapped import shown_whole

URL = "http://127.0.0.1:54321"


@pytest.fixture
def dialog(qtbot: QtBot) -> SignInDialog:
    widget = SignInDialog(url=URL, anon_key="anon")
    qtbot.addWidget(widget)
    return widget


def visible_errors(dialog: SignInDialog) -> dict[str, str]:
    return {k: v.text() for k, v in dialog.form.errors.items() if not v.isHidden()}


def test_empty_fields_are_flagged_and_nothing_is_requested(
    qtbot: QtBot, dialog: SignInDialog
) -> None:
    with qtbot.assertNotEmitted(dialog.sign_in_requested):
        dialog.sign_in_button.click()
    assert visible_errors(dialog) == {"email": "Required.", "password": "Required."}


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
    ("error", "field"),
    [
        (NotAdmin("role is customer"), "email"),
        (BadCredentials("sign-in refused: Invalid login"), "password"),
        (BadApiKey("Invalid API key"), "anon_key"),
        (BadUrl("invalid Supabase URL: nope"), "url"),
        (NetworkUnreachable("server unreachable: All connection attempts failed"), "url"),
        (NotLiaProject("answers admin requests from anyone"), "url"),
        (NotAProjectUrl("port in 'http://127.0.0.1:99999'"), "url"),
        (NotAnAnonKey("expected a JWT with a role claim"), "anon_key"),
        (NotTheAnonRole("the key's role is 'service_role', not 'anon'"), "anon_key"),
    ],
)
def test_server_errors_land_on_their_field_in_words(
    dialog: SignInDialog, error: ServiceError, field: str, caplog: pytest.LogCaptureFixture
) -> None:
    dialog.set_busy(True)
    with caplog.at_level(logging.WARNING):
        dialog.show_error(error)
    assert visible_errors(dialog) == {field: explain(error.kind, english, url=URL)}
    assert dialog.general_error.isHidden()
    assert dialog.sign_in_button.isEnabled()
    assert str(error) in caplog.text  # the detail is not lost: it is in the log


def test_unreachable_names_the_address_typed(dialog: SignInDialog) -> None:
    dialog.url.setText("https://xyz.supabase.co")
    dialog.show_error(NetworkUnreachable("server unreachable: All connection attempts failed"))
    assert visible_errors(dialog) == {
        "url": "Can't reach https://xyz.supabase.co. Check the address and your internet "
        "connection."
    }


def test_an_unplaced_error_is_shown_for_the_form(dialog: SignInDialog) -> None:
    dialog.show_error(BadCredentials("x"))
    dialog.show_error(ServerError("unexpected error: boom"))
    assert visible_errors(dialog) == {}
    assert not dialog.general_error.isHidden()
    assert dialog.general_error.text() == explain(Problem.SERVER_FAILED, english)


def test_a_hint_says_where_the_url_and_anon_key_are(dialog: SignInDialog) -> None:
    assert dialog.hint.text() == where_to_find_project_keys(english)
    assert dialog.hint.textFormat() == Qt.TextFormat.PlainText
    assert dialog.hint.wordWrap()
    assert not dialog.hint.openExternalLinks()


@pytest.mark.parametrize(
    "error",
    [BadApiKey("rejected"), NetworkUnreachable("refused"), ServerError("boom")],
)
def test_messages_are_never_cut_off(
    qtbot: QtBot, dialog: SignInDialog, error: ServiceError
) -> None:
    dialog.url.setText("https://a-long-project-reference-name-for-wrapping.supabase.co")
    dialog.show()
    qtbot.waitExposed(dialog)
    assert shown_whole(dialog.hint)
    dialog.show_error(error)
    labels = [*dialog.form.errors.values(), dialog.general_error, dialog.hint]
    qtbot.waitUntil(lambda: all(shown_whole(label) for label in labels if label.isVisible()))


def test_a_malformed_address_is_named_under_the_url(dialog: SignInDialog) -> None:
    """The sentence names what is wrong with the address the admin typed."""
    dialog.url.setText("http://localhost:99999")
    dialog.show_error(NotAProjectUrl("port in 'http://localhost:99999'"))
    assert visible_errors(dialog)["url"].startswith("Port 99999 does not exist (1-65535).")
