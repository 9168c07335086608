"""``LANG=es_CO.UTF-8``: the demo speaks Colombian Spanish on a real desktop, with no English
word in the tray tooltip, the tray menu (as the tray host reads it over D-Bus) or its toasts
(as dunst got them).

A toast's body can quote what customers wrote (the demo's reasons and comments are in
English), so only the app's own words are checked there. The toasts' buttons (dunst keeps
none in its history) are checked in tests/ui/test_spanish_windows.py.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

from tests.desktop.demo import DemoRun, run_demo
from tests.english import english_words

pytestmark = pytest.mark.devstack  # desktop + skip elsewhere: tests/desktop/conftest.py


@pytest.fixture(scope="module")
def demo() -> Iterator[DemoRun]:
    run = run_demo(
        [sys.executable, "-m", "lia_desktop"],
        {"LANG": "es_CO.UTF-8", "LANGUAGE": "es_CO:es", "LC_ALL": ""},
    )
    yield run
    run.cleanup()


def test_the_tray_tooltip_is_spanish(demo: DemoRun) -> None:
    assert demo.tooltip.startswith("LIA Admin — ")
    assert " sin leer — " in demo.tooltip
    assert english_words(demo.tooltip) == set(), demo.tooltip


def test_the_tray_menu_is_spanish(demo: DemoRun) -> None:
    labels = [label.replace("&", "").replace("_", "") for label in demo.menu]
    assert "Notificaciones" in labels
    assert "Salir" in labels
    assert {label: english_words(label) for label in labels if english_words(label)} == {}


def test_the_toasts_are_spanish(demo: DemoRun) -> None:
    """The first run says quietly how many are unread, in the app's own words (title and
    body); every later toast's title is the app's too (its body may quote a customer)."""
    first, *later = demo.toasts
    assert "sin leer" in first["summary"]["data"]
    assert english_words(f"{first['summary']['data']} {first['body']['data']}") == set(), first
    for toast in later:
        assert english_words(toast["summary"]["data"]) == set(), toast
