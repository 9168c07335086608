"""Text in the admin's language, decided in core without Qt.

Core composes words (toasts, summaries, relative times, tooltips) but may not
import Qt, so every function that writes words takes a ``Translate``: the same
signature as ``QCoreApplication.translate``, which the UI passes in, so one
catalog (``lia_desktop/i18n/*.ts``, built with pyside6-lupdate/lrelease) serves
both layers. Calls are written literally as ``translate("Context", "source")``
(plurals: ``translate("Context", "%n new booking(s)", None, n)``, the English
forms written with "(s)"): pyside6-lupdate
finds them by that name, in core as in the UI. Headless tools and unit tests
use ``english``, the source text itself.
"""

from __future__ import annotations

from typing import Protocol


class Translate(Protocol):
    """``QCoreApplication.translate``'s signature (context and source positional only, as
    there), so the UI passes that function itself."""

    def __call__(
        self, context: str, source: str, /, disambiguation: str | None = None, n: int = -1
    ) -> str: ...


def english(context: str, source: str, /, disambiguation: str | None = None, n: int = -1) -> str:
    """The source text (English): ``%n`` filled in as Qt does, and "(s)" read as the plural
    ending (dropped for one, "s" otherwise), as the English catalog spells it out."""
    del context, disambiguation
    if n < 0:
        return source
    return source.replace("%n", str(n)).replace("(s)", "" if n == 1 else "s")
