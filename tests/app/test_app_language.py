"""The app speaks the settings' language from the start, and a new choice in Settings applies
at once: tray tooltip, menu, and the windows rebuilt in it (reopened where they were open)."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication

from lia_desktop.app import _sign_out_problems
from lia_desktop.services.auth import SignOutOutcome
from lia_desktop.services.settings_store import SettingsStore
from lia_desktop.ui.i18n import Translators
from tests.app.conftest import AppFactory, Runner, until
from tests.app.test_menu_settings_instance import OFFLINE, menu, settings_dialog
from tests.english import english_words


def test_the_settings_language_applies_at_start_and_at_once_when_changed(
    run: Runner, qapp: QApplication, make_app: AppFactory, settings_store: SettingsStore
) -> None:
    async def scenario() -> None:
        app = make_app(replace(OFFLINE, language="es"))
        await app.start()
        assert app.tray.tray.toolTip() == "LIA Admin — 0 sin leer — Sesión cerrada"
        assert app.tray.menu.by_text["Quit"].text() == "Salir"
        menu(app, "Notifications")
        spanish_center = app.center
        assert spanish_center is not None
        assert spanish_center.windowTitle() == "LIA Admin — Notificaciones"

        menu(app, "Settings…")
        dialog = settings_dialog(qapp)
        assert dialog.language.currentData() == "es"
        dialog.language.setCurrentIndex(dialog.language.findData("en"))
        dialog.save_button.click()
        await until(lambda: app.settings_dialog is None)
        saved = settings_store.load()
        assert saved is not None
        assert saved.language == "en"

        assert app.tray.tray.toolTip() == "LIA Admin — 0 unread — Signed out"
        assert app.tray.menu.by_text["Quit"].text() == "Quit"
        assert app.center is not spanish_center  # rebuilt in English, and still open
        assert app.center is not None
        assert app.center.isVisible()
        assert app.center.windowTitle() == "LIA Admin — Notifications"
        await make_app.stop(app)

    run(scenario())


def test_what_a_sign_out_could_not_do_is_told_in_the_admins_language(qapp: QApplication) -> None:
    translators = Translators(qapp)
    default = QLocale()
    try:
        translators.use("es")
        told = _sign_out_problems(SignOutOutcome(server_ended=False, forgotten=False))
        assert told.startswith("Se cerró la sesión en este computador, pero no se pudo avisar")
        assert told.endswith(
            "No se pudo borrar el inicio de sesión guardado del llavero del sistema."
        )
        assert english_words(told) == set()
    finally:
        translators.remove()
        QLocale.setDefault(default)
    only_keyring = _sign_out_problems(SignOutOutcome(server_ended=True, forgotten=False))
    assert only_keyring == "The saved sign-in could not be removed from the system keyring."
