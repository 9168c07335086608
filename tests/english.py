"""Is a text on screen English? Decided from the catalog itself, so it follows every new string.

The vocabulary is every word of the app's English source strings that its Spanish
translations never use ("unread", "booking", "Quit"…; not "LIA", "Admin", "Supabase", "URL" or
"Error", which Spanish keeps). A Spanish screen shows none of them; the data the app shows
(names, cities, reasons customers wrote) is kept out of the checked texts by the tests.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path

CATALOG = Path(__file__).resolve().parent.parent / "lia_desktop" / "i18n" / "lia_desktop_es.ts"
_WORD = re.compile(r"[^\W\d_]{3,}")


_MARKUP = re.compile(r"<[^>]*>")


def _words(text: str) -> set[str]:
    """Lower-case words of three letters or more; a tooltip's markup and a label's "&" (its
    mnemonic) are not words."""
    return {w.lower() for w in _WORD.findall(_MARKUP.sub(" ", text).replace("&", ""))}


@cache
def english_vocabulary() -> frozenset[str]:
    sources: set[str] = set()
    spanish: set[str] = set()
    for message in ET.parse(CATALOG).getroot().iter("message"):
        sources |= _words(message.findtext("source", ""))
        translation = message.find("translation")
        if translation is not None:
            spanish |= _words(" ".join(translation.itertext()))
    return frozenset(sources - spanish)


def english_words(text: str) -> set[str]:
    """The words of ``text`` that only the English UI uses."""
    return _words(text) & english_vocabulary()
