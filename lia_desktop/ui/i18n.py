"""The app's language: Spanish (es-CO) or English, from the OS locale or the admin's choice.

Every string of the app goes through Qt (``self.tr``, ``QCoreApplication.translate``, and
core's ``translate`` parameter, which the UI fills with ``QCoreApplication.translate``), so
one installed ``QTranslator`` speaks for all of it. The catalogs are
``lia_desktop/i18n/lia_desktop_{es,en}.qm``, built by ``scripts/i18n`` (pyside6-lupdate and
lrelease) and shipped inside the package. The English catalog is installed too: it holds
the plural forms ("1 new booking", "2 new bookings") that the source text writes as "(s)".
Qt's own strings (the Ok/Cancel of dialog buttons, the context menus of text fields) come
from Qt's ``qtbase_*.qm`` when the Qt installation has them.

The choice is the settings' ``language`` (core.settings.LANGUAGES): ``"system"`` (the OS locale: any Spanish, es-CO,
es-MX or es-ES, is Spanish; everything else is English), ``"es"`` or ``"en"``.
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

CATALOG_DIR = Path(str(importlib.resources.files("lia_desktop") / "i18n"))


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # the name pyside6-lupdate looks for
    """Marks ``text`` for the catalog under ``context`` where it is defined as data (menu
    entries, card titles); the class named ``context`` shows it with ``self.tr(text)``.
    PySide6's own returns ``object``; this one keeps the type."""
    del context
    return text


def resolve(choice: str, system: QLocale | None = None) -> str:
    """``"es"`` or ``"en"``: the admin's choice, or the OS locale's language for "system"."""
    if choice in ("es", "en"):
        return choice
    locale = system if system is not None else QLocale.system()
    return "es" if locale.language() is QLocale.Language.Spanish else "en"


def locale_for(language: str, system: QLocale | None = None) -> QLocale:
    """The QLocale widgets format with: the OS's own when it speaks ``language`` (es-MX stays
    es-MX), else Colombia's Spanish or US English."""
    locale = system if system is not None else QLocale.system()
    wanted = QLocale.Language.Spanish if language == "es" else QLocale.Language.English
    if locale.language() is wanted:
        return locale
    if language == "es":
        return QLocale(QLocale.Language.Spanish, QLocale.Country.Colombia)
    return QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)


def catalog(language: str) -> Path:
    """The app's compiled catalog for ``"es"`` or ``"en"``."""
    return CATALOG_DIR / f"lia_desktop_{language}.qm"


class Translators:
    """The translators installed on the application; ``use`` swaps them for another language.

    Installing sends every widget a ``LanguageChange`` event; windows built afterwards
    speak the new language, and core text asked afterwards (tooltip, toasts) too.
    """

    def __init__(self, app: QCoreApplication) -> None:
        self._app = app
        self._installed: list[QTranslator] = []
        self.language = ""

    def use(self, choice: str, system: QLocale | None = None) -> str:
        """Install the catalogs for the settings' ``choice``; returns ``"es"`` or ``"en"``."""
        language = resolve(choice, system)
        if language == self.language:
            return language
        self.remove()
        QLocale.setDefault(locale_for(language, system))
        app_catalog = QTranslator(self._app)
        if not app_catalog.load(str(catalog(language))):
            raise FileNotFoundError(f"the {language} catalog is missing: {catalog(language)}")
        self._install(app_catalog)
        qt_catalog = QTranslator(self._app)
        if qt_catalog.load(
            f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        ):
            self._install(qt_catalog)
        else:
            qt_catalog.deleteLater()
        self.language = language
        return language

    def _install(self, translator: QTranslator) -> None:
        self._app.installTranslator(translator)
        self._installed.append(translator)

    def remove(self) -> None:
        for translator in self._installed:
            self._app.removeTranslator(translator)
            translator.deleteLater()
        self._installed.clear()
        self.language = ""
