"""The translation catalogs are complete and current (scripts/i18n --check), and the check
and merge behind them do what they say."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("i18n_tool", ROOT / "scripts" / "i18n.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


tool = load_tool()


def test_every_string_of_the_code_is_translated_and_the_qm_files_are_current() -> None:
    """lupdate over the tree equals the committed catalogs, Spanish has 0 unfinished entries,
    placeholders match, and each .qm is what its .ts compiles to."""
    result = subprocess.run(
        [str(ROOT / "scripts" / "i18n"), "--check"],
        capture_output=True, text=True, check=False, env={**os.environ, "PYTHON": sys.executable},
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("catalogs current: ")


def test_the_spanish_catalog_has_no_unfinished_entry() -> None:
    messages = tool.read(tool.catalog("es"))
    assert len(messages) > 100
    assert [key for key, t in messages.items() if not t.finished] == []


def test_the_check_finds_a_string_missing_from_the_catalogs() -> None:
    keys = tool.extract()
    new = tool.Key("SettingsDialog", "A string nobody translated yet")
    found = tool.problems([*keys, new])
    assert f"lia_desktop_es.ts: missing {new}" in found
    assert f"lia_desktop_en.ts: missing {new}" in found
    gone = keys[0]
    assert f"lia_desktop_es.ts: not in the code {gone}" in tool.problems(keys[1:])


def test_the_check_refuses_a_call_lupdate_reads_without_context() -> None:
    wrong = tool.Key("", "Toast", "Open")  # tr("Toast", "Open") outside a Qt class
    assert any(p.startswith("no context for") for p in tool.problems([wrong]))


def test_the_merge_keeps_translations_drops_lost_strings_and_fills_english_plurals() -> None:
    Key, T = tool.Key, tool.Translation
    kept, plural = Key("Format", "Live"), Key("Summary", "%n dispute(s)")
    lost = Key("Format", "Gone")
    known = {kept: T(("En vivo",), True), lost: T(("Ido",), True)}
    spanish = tool.merged("es", [kept, plural], known)
    assert spanish == {kept: T(("En vivo",), True), plural: T(("", ""), False)}
    english = tool.merged("en", [kept, plural], {})
    assert english[plural] == T(("%n dispute", "%n disputes"), True)
    assert english[kept] == T(("Live",), True)


def test_a_translation_that_loses_a_placeholder_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = tool.Key("Format", "{phase}: {reason}")
    ts = tmp_path / "lia_desktop_es.ts"
    tool.write(ts, "es", {key: tool.Translation(("{phase}",), True)})
    assert tool.read(ts) == {key: tool.Translation(("{phase}",), True)}
    monkeypatch.setattr(tool, "CATALOGS", tmp_path)
    found = tool.problems([key])
    assert f"lia_desktop_es.ts: placeholders differ in {key}" in found


@pytest.mark.parametrize(
    ("source", "forms"),
    [
        ("%n new booking(s)", ("%n new booking", "%n new bookings")),
        ("LIA Admin — %n unread", ("LIA Admin — %n unread", "LIA Admin — %n unread")),
    ],
)
def test_english_plural_forms_come_from_the_s_convention(
    source: str, forms: tuple[str, str]
) -> None:
    assert tool.english_forms(source) == forms
