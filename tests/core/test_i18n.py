"""``english``: the source text core falls back to without Qt, with Qt's plural rules applied."""

from __future__ import annotations

import pytest

from lia_desktop.core.i18n import Translate, english


def test_text_without_a_count_is_the_source_unchanged() -> None:
    assert english("Format", "just now") == "just now"
    assert english("Format", "%n unread(s)") == "%n unread(s)"  # no count: nothing filled in


@pytest.mark.parametrize(
    ("n", "text"), [(0, "0 new bookings"), (1, "1 new booking"), (2, "2 new bookings")]
)
def test_a_count_fills_in_n_and_picks_the_english_plural(n: int, text: str) -> None:
    assert english("Feed", "%n new booking(s)", None, n) == text


def test_the_disambiguation_does_not_change_the_text() -> None:
    assert english("Format", ".", "decimal separator") == "."


def test_english_is_a_translate() -> None:
    translate: Translate = english
    assert translate("Ctx", "%n item(s) left", None, 1) == "1 item left"
