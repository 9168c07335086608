"""The app's language: which catalog the OS locale or the admin's choice installs, and that
installed catalogs translate the UI's and core's words with their plural forms."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QCoreApplication, QLocale
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from lia_desktop.core import format as core_format
from lia_desktop.ui.i18n import Translators, catalog, locale_for, resolve

L, C = QLocale.Language, QLocale.Country


@pytest.fixture
def translators(qapp: QApplication) -> Iterator[Translators]:
    default = QLocale()
    installed = Translators(qapp)
    yield installed
    installed.remove()
    QLocale.setDefault(default)


@pytest.mark.parametrize(
    ("choice", "system", "language"),
    [
        ("system", QLocale(L.Spanish, C.Colombia), "es"),
        ("system", QLocale(L.Spanish, C.Mexico), "es"),
        ("system", QLocale(L.Spanish, C.Spain), "es"),
        ("system", QLocale(L.English, C.UnitedStates), "en"),
        ("system", QLocale(L.French, C.France), "en"),
        ("es", QLocale(L.English, C.UnitedStates), "es"),
        ("en", QLocale(L.Spanish, C.Colombia), "en"),
    ],
)
def test_the_os_locale_decides_unless_the_admin_chose(
    choice: str, system: QLocale, language: str
) -> None:
    assert resolve(choice, system) == language


def test_widgets_format_in_the_os_locale_when_it_speaks_the_language() -> None:
    mexico = QLocale(L.Spanish, C.Mexico)
    assert locale_for("es", mexico) == mexico
    assert locale_for("es", QLocale(L.English, C.UnitedKingdom)) == QLocale(L.Spanish, C.Colombia)
    assert locale_for("en", mexico) == QLocale(L.English, C.UnitedStates)


def test_both_catalogs_ship_with_the_package() -> None:
    assert catalog("es").is_file()
    assert catalog("en").is_file()


def test_spanish_translates_ui_and_core_words_with_plurals(translators: Translators) -> None:
    assert translators.use("es") == "es"
    translate = QCoreApplication.translate
    assert translate("Format", "Live") == "En vivo"
    assert translate("Summary", "%n new booking(s)", None, 1) == "1 reserva nueva"
    assert translate("Summary", "%n new booking(s)", None, 14) == "14 reservas nuevas"
    now, qt = datetime(2026, 11, 30, 12, tzinfo=UTC), QCoreApplication.translate
    assert core_format.relative_time(qt, now - timedelta(minutes=5), now) == "hace 5 min"
    assert core_format.relative_time(qt, now - timedelta(hours=30), now) == "ayer"
    assert core_format.trend(QCoreApplication.translate, 12.5) == "+12,5 % frente al mes anterior"
    assert QLocale().language() is L.Spanish


def test_qts_own_buttons_speak_spanish_too(translators: Translators, qapp: QApplication) -> None:
    translators.use("es")
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    try:
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        assert cancel.text().replace("&", "") == "Cancelar"
    finally:
        buttons.deleteLater()


def test_english_spells_out_the_plurals_and_a_switch_replaces_spanish(
    translators: Translators,
) -> None:
    translators.use("es")
    assert translators.use("en") == "en"
    translate = QCoreApplication.translate
    assert translate("Format", "Live") == "Live"
    assert translate("Summary", "%n new booking(s)", None, 1) == "1 new booking"
    assert translate("Summary", "%n new booking(s)", None, 2) == "2 new bookings"
    assert translators.use("en") == "en"  # the same language again: nothing reinstalled
    translators.remove()
    assert translate("Summary", "%n new booking(s)", None, 2) == "2 new booking(s)"
