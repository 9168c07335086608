"""First-run sign-in: Supabase URL, anon key, email, password, errors per field.

The dialog only asks: it emits ``sign_in_requested`` and the caller runs the
async sign-in in the qasync loop, then calls ``show_error`` or ``accept``.
Which field a failure belongs to is decided here, from the services' error
kinds, because that is a question of layout; its words are core's
(``core.problems``), whole and wrapped, and its technical detail goes to the
log. A hint under the anon key says where both project values are found.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from lia_desktop.core.problems import Problem, explain, where_to_find_project_keys
from lia_desktop.services.errors import ServiceError
from lia_desktop.ui.theme import TREND_DOWN
from lia_desktop.ui.widgets import FieldForm, GrowsWithText, Label
from lia_desktop.ui.window_fit import ScrollBody

log = logging.getLogger(__name__)

#: The field each failure is shown under; any other is shown for the whole form.
ERROR_FIELD: dict[Problem, str] = {
    Problem.UNREACHABLE: "url",
    Problem.NOT_SUPABASE: "url",
    Problem.NOT_LIA_PROJECT: "url",
    Problem.KEY_REJECTED: "anon_key",
    Problem.WRONG_PASSWORD: "password",
    Problem.NOT_ADMIN: "email",
}


@dataclass(frozen=True, slots=True)
class SignInRequest:
    url: str
    anon_key: str
    email: str
    password: str


class SignInDialog(QDialog):
    sign_in_requested = Signal(object)  # SignInRequest

    def __init__(
        self, url: str = "", anon_key: str = "", email: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sign in to LIA Admin")
        self.url = QLineEdit(url)
        self.url.setPlaceholderText("https://your-project.supabase.co")
        self.anon_key = QLineEdit(anon_key)
        self.anon_key.setPlaceholderText("public anon key")
        self.email = QLineEdit(email)
        self.email.setPlaceholderText("admin@example.com")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleDescription(
            self.tr(
                "The password of your LIA admin account. It is not saved; only the "
                "sign-in session is kept."
            )
        )
        self.form = FieldForm()
        self.form.add_field("url", "Supabase URL", self.url)
        self.form.add_field("anon_key", "Anon key", self.anon_key)
        self.hint = self.form.add_hint(where_to_find_project_keys(QCoreApplication.translate))
        self.form.add_field("email", "Email", self.email)
        self.form.add_field("password", "Password", self.password)
        self.general_error = Label()
        self.general_error.setStyleSheet(f"color: {TREND_DOWN};")
        self.general_error.setWordWrap(True)
        self.general_error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.sign_in_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.sign_in_button.setText("Sign in")
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(ScrollBody(self.form), 1)  # scrolls where the screen is too small
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)
        GrowsWithText(self)

    def request(self) -> SignInRequest:
        return SignInRequest(
            url=self.url.text().strip(),
            anon_key=self.anon_key.text().strip(),
            email=self.email.text().strip(),
            password=self.password.text(),
        )

    def set_busy(self, busy: bool) -> None:
        """While the caller signs in: inputs locked, the button says so."""
        for field in self.form.fields.values():
            field.setEnabled(not busy)
        self.sign_in_button.setEnabled(not busy)
        self.sign_in_button.setText("Signing in…" if busy else "Sign in")

    def show_error(self, error: ServiceError) -> None:
        """Put a failed sign-in's reason under the field it concerns; its detail to the log."""
        self.set_busy(False)
        log.warning("sign-in failed (%s): %s", error.kind.value, error)
        message = explain(error.kind, QCoreApplication.translate, url=self.request().url)
        key = ERROR_FIELD.get(error.kind)
        self.form.set_errors({} if key is None else {key: message})
        self._set_general(message if key is None else "")

    def _submit(self) -> None:
        request = self.request()
        required = explain(Problem.REQUIRED, QCoreApplication.translate)
        missing = {
            key: required
            for key, value in (
                ("url", request.url),
                ("anon_key", request.anon_key),
                ("email", request.email),
                ("password", request.password),
            )
            if not value
        }
        self.form.set_errors(missing)
        self._set_general("")
        if missing:
            return
        self.set_busy(True)
        self.sign_in_requested.emit(request)

    def _set_general(self, text: str) -> None:
        self.general_error.setText(text)
        self.general_error.setVisible(bool(text))
