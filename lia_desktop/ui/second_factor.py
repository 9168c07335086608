"""The sign-in dialog's second step: an authenticator code, and a first enrollment.

Shown after a right password when the server wants a code (issue 16). For an
admin who has no authenticator yet (the project demands one), it first shows
the QR code the server drew (GoTrue's SVG, rendered by QtSvg on a white
square so phones can read it on a dark theme too) and the same key as text in
groups of four, and recommends a second authenticator as a backup. The code
field takes the code however it is typed or pasted (``123 456``, ``123-456``).
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QPalette
from PySide6.QtSvgWidgets import QSvgWidget
from PySide6.QtWidgets import QLineEdit

from lia_desktop.core.second_factor import grouped_secret
from lia_desktop.services.auth import SecondFactorStep
from lia_desktop.ui.widgets import FieldForm, Label

#: the QR code's side in device-independent pixels: phones read it from a screen at arm's length
QR_SIDE = 220
#: a pasted code may carry spaces, dashes or a line ending around its six digits
CODE_MAX_LENGTH = 16


class SecondFactorForm(FieldForm):
    """The code field (``code``, with its error line) and, when enrolling, what to scan."""

    def __init__(self) -> None:
        super().__init__()
        self.intro = self.add_hint("")
        self.qr_code = QSvgWidget()
        self.qr_code.setFixedSize(QR_SIDE, QR_SIDE)
        self.qr_code.setAutoFillBackground(True)
        palette = self.qr_code.palette()
        palette.setColor(QPalette.ColorRole.Window, Qt.GlobalColor.white)
        self.qr_code.setPalette(palette)
        self.qr_code.setAccessibleName(self.tr("QR code for your authenticator app"))
        self.addRow(self.qr_code)
        self.secret = Label()
        self.secret.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.secret.setObjectName("secret")
        self.secret_caption = Label(self.tr("Key"))
        self.addRow(self.secret_caption, self.secret)
        self.backup = self.add_hint(
            self.tr(
                "Tip: add this key to a second authenticator too (another phone or your "
                "password manager), so that losing one phone does not lock you out."
            )
        )
        self.code = QLineEdit()
        self.code.setPlaceholderText("123 456")
        self.code.setMaxLength(CODE_MAX_LENGTH)
        self.code.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
        self.code.setAccessibleDescription(
            self.tr("The 6-digit code your authenticator app shows for LIA Admin.")
        )
        self.add_field("code", self.tr("Code"), self.code)

    def show_step(self, step: SecondFactorStep) -> None:
        """Ask for a code of an enrolled factor, or show the new factor to add first."""
        enrollment = step.enrollment
        enrolling = enrollment is not None
        for widget in (self.qr_code, self.secret, self.backup, self.secret_caption):
            widget.setVisible(enrolling)
        self.code.clear()
        self.set_errors({})
        if enrollment is None:
            self.intro.setText(
                self.tr(
                    "Two-step sign-in: enter the 6-digit code your authenticator app shows "
                    "for LIA Admin ({email})."
                ).format(email=step.email)
            )
            return
        self.intro.setText(
            self.tr(
                "This project asks administrators for a second sign-in step. Scan the QR "
                "code with an authenticator app (such as Google Authenticator, Microsoft "
                "Authenticator or 1Password), or type the key into it, then enter the 6-digit "
                "code it shows."
            )
        )
        self.qr_code.load(QByteArray(enrollment.qr_svg))
        self.secret.setText(grouped_secret(enrollment.secret))
