"""First-run sign-in: Supabase URL, anon key, email, password, errors per field.

The dialog only asks: it emits ``sign_in_requested`` and the caller runs the
async sign-in in the qasync loop, then calls ``show_error`` or ``accept``.
Which field a failure belongs to is decided here, from the services' error
kinds, because that is a question of layout; its words are core's
(``core.problems``), whole and wrapped, and its technical detail goes to the
log. A hint under the anon key says where both project values are found.

After a right password the server may want an authenticator code (issue 16):
the caller then calls ``ask_code`` and the dialog turns to its second page
(``ui.second_factor``), emitting ``code_entered`` with the six digits. A
failure there (wrong, expired, too many tries) is shown under the code field,
which is emptied for the next code; cancelling gives the sign-in up.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from lia_desktop.core.problems import (
    ANON_KEY_PROBLEMS,
    Problem,
    explain,
    where_to_find_project_keys,
)
from lia_desktop.core.second_factor import normalise_code
from lia_desktop.services.auth import SecondFactorStep
from lia_desktop.services.errors import ServiceError
from lia_desktop.ui.second_factor import SecondFactorForm
from lia_desktop.ui.theme import TREND_DOWN
from lia_desktop.ui.widgets import FieldForm, GrowsWithText, Label
from lia_desktop.ui.window_fit import ScrollBody

log = logging.getLogger(__name__)

#: The field each failure is shown under; any other is shown for the whole form.
ERROR_FIELD: dict[Problem, str] = {
    Problem.UNREACHABLE: "url",
    Problem.NOT_SUPABASE: "url",
    Problem.NOT_LIA_PROJECT: "url",
    Problem.NOT_A_SUPABASE_URL: "url",
    **dict.fromkeys(ANON_KEY_PROBLEMS, "anon_key"),
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
    code_entered = Signal(str)  # six digits

    def __init__(
        self, url: str = "", anon_key: str = "", email: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Sign in to LIA Admin"))
        self.url = QLineEdit(url)
        self.url.setPlaceholderText(self.tr("https://your-project.supabase.co"))
        self.anon_key = QLineEdit(anon_key)
        self.anon_key.setPlaceholderText(self.tr("public anon key"))
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
        self.form.add_field("url", self.tr("Supabase URL"), self.url)
        self.form.add_field("anon_key", self.tr("Anon key"), self.anon_key)
        self.hint = self.form.add_hint(where_to_find_project_keys(QCoreApplication.translate))
        self.form.add_field("email", self.tr("Email"), self.email)
        self.form.add_field("password", self.tr("Password"), self.password)
        self.general_error = Label()
        self.general_error.setStyleSheet(f"color: {TREND_DOWN};")
        self.general_error.setWordWrap(True)
        self.general_error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.sign_in_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.sign_in_button.setText(self.tr("Sign in"))
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        #: the second page, made when a code is first asked for
        self.second_factor: SecondFactorForm | None = None
        self.pages = QStackedWidget()
        self.pages.addWidget(ScrollBody(self.form))  # scrolls where the screen is too small
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
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

    @property
    def awaiting_code(self) -> bool:
        """On the second page: the password was right, a code is wanted."""
        return self.pages.currentIndex() == 1

    def set_busy(self, busy: bool) -> None:
        """While the caller signs in: inputs locked, the button says so."""
        codes = () if self.second_factor is None else (self.second_factor.code,)
        for field in (*self.form.fields.values(), *codes):
            field.setEnabled(not busy)
        self.sign_in_button.setEnabled(not busy)
        if self.awaiting_code:
            self.sign_in_button.setText(self.tr("Verifying…") if busy else self.tr("Verify"))
        else:
            self.sign_in_button.setText(self.tr("Signing in…") if busy else self.tr("Sign in"))

    def ask_code(self, step: SecondFactorStep) -> None:
        """The second step: a code of the admin's authenticator (enrolling one first)."""
        if self.second_factor is None:
            self.second_factor = SecondFactorForm()
            self.pages.addWidget(ScrollBody(self.second_factor))
        self.second_factor.show_step(step)
        self._set_general("")
        self.pages.setCurrentIndex(1)
        self.set_busy(False)
        self.second_factor.code.setFocus()

    def show_error(self, error: ServiceError) -> None:
        """Put a failed sign-in's reason under the field it concerns; its detail to the log."""
        self.set_busy(False)
        log.warning("sign-in failed (%s): %s", error.kind.value, error)
        message = explain(error.kind, QCoreApplication.translate, url=self.request().url)
        if self.second_factor is not None and self.awaiting_code:
            self.second_factor.code.clear()
            self.second_factor.set_errors({"code": message})
            return
        key = ERROR_FIELD.get(error.kind)
        self.form.set_errors({} if key is None else {key: message})
        self._set_general(message if key is None else "")

    def _submit(self) -> None:
        if self.second_factor is not None and self.awaiting_code:
            self._submit_code(self.second_factor)
            return
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

    def _submit_code(self, page: SecondFactorForm) -> None:
        code = normalise_code(page.code.text())
        if code is None:
            page.set_errors({"code": explain(Problem.WRONG_CODE, QCoreApplication.translate)})
            return
        page.set_errors({})
        self.set_busy(True)
        self.code_entered.emit(code)

    def _set_general(self, text: str) -> None:
        self.general_error.setText(text)
        self.general_error.setVisible(bool(text))
