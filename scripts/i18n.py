"""Keep the translation catalogs in step with the code: ``scripts/i18n [--check]``.

Without options: extract every string (pyside6-lupdate over lia_desktop, the devstack
excepted: it shows nothing to an admin), merge them into ``lia_desktop/i18n/*.ts`` (new
strings unfinished in Spanish, strings gone from the code dropped, translations kept), then
compile the ``.qm`` files with pyside6-lrelease. ``--check`` changes nothing and fails when
a string of the code is missing from a catalog (or a catalog holds one the code lost), a
Spanish entry is unfinished, a translation's ``{placeholders}`` differ from its source's, or
a ``.qm`` is not what its ``.ts`` compiles to.

Why the merge is ours and not lupdate's: lupdate's Python parser takes the fourth argument
of ``translate(context, source, disambiguation, n)`` for the (PyQt4-era) encoding, so the
plurals core writes (``translate("Feed", "%n new booking(s)", None, n)``) come out as
plain messages, and lupdate's own merge then throws their plural forms away. Here every
message whose source holds ``%n`` is a plural (Qt only fills in ``%n`` for a count), which
``self.tr(source, None, n)`` and core's calls both are.

English is the source language; its catalog exists for the plural forms, which are
derived from the "(s)" convention (``%n new booking(s)`` -> ``%n new booking`` /
``%n new bookings``) unless the catalog already spells them out.
"""

from __future__ import annotations

import argparse
import filecmp
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "lia_desktop"
CATALOGS = PACKAGE / "i18n"
LANGUAGES = ("es", "en")
BIN = Path(sys.executable).parent
#: str.format fields and %1-style markers: a translation keeps every one (a singular may
#: drop ``%n``: "una")
PLACEHOLDER = re.compile(r"\{[a-z_]+\}|%[1-9]")


@dataclass(frozen=True, order=True)
class Key:
    context: str
    source: str
    comment: str = ""

    @property
    def plural(self) -> bool:
        return "%n" in self.source


@dataclass(frozen=True)
class Translation:
    forms: tuple[str, ...]  # one text, or the plural forms
    finished: bool


def catalog(language: str, suffix: str = ".ts") -> Path:
    return CATALOGS / f"lia_desktop_{language}{suffix}"


def sources() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "devstack" not in p.parts)


def extract() -> list[Key]:
    """Every translatable string of the code, in lupdate's order (context, then file order)."""
    with tempfile.TemporaryDirectory() as tmp:
        ts = Path(tmp) / "extracted.ts"
        subprocess.run(
            [str(BIN / "pyside6-lupdate"), *map(str, sources()), "-ts", str(ts),
             "-locations", "none", "-no-obsolete", "-silent"],
            check=True, cwd=ROOT,
        )  # fmt: skip
        return list(read(ts))


def read(ts: Path) -> dict[Key, Translation]:
    """A catalog's messages: key -> translation, in file order."""
    messages: dict[Key, Translation] = {}
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            key = Key(name, message.findtext("source", ""), message.findtext("comment", ""))
            translation = message.find("translation")
            assert translation is not None, f"{ts}: {key} has no <translation>"
            if translation.get("type") in ("obsolete", "vanished"):
                continue
            forms = [f.text or "" for f in translation.iter("numerusform")]
            texts = tuple(forms) if forms else (translation.text or "",)
            messages[key] = Translation(
                texts, translation.get("type") != "unfinished" and all(texts)
            )
    return messages


def english_forms(source: str) -> tuple[str, str]:
    """``%n new booking(s)`` -> (``%n new booking``, ``%n new bookings``)."""
    return source.replace("(s)", ""), source.replace("(s)", "s")


def merged(language: str, keys: list[Key], known: dict[Key, Translation]) -> dict[Key, Translation]:
    out: dict[Key, Translation] = {}
    for key in keys:
        old = known.get(key)
        if old is not None and old.finished and (len(old.forms) == 2) == key.plural:
            out[key] = old
        elif language == "en":
            out[key] = Translation(english_forms(key.source) if key.plural else (key.source,), True)
        elif old is not None and (len(old.forms) == 2) == key.plural:
            out[key] = old  # unfinished, kept as the translator left it
        else:
            out[key] = Translation(("", "") if key.plural else ("",), False)
    return out


def write(ts: Path, language: str, messages: dict[Key, Translation]) -> None:
    root = ET.Element("TS", version="2.1", language=language, sourcelanguage="en")
    contexts: dict[str, ET.Element] = {}
    for key, translation in messages.items():
        if key.context not in contexts:
            contexts[key.context] = ET.SubElement(root, "context")
            ET.SubElement(contexts[key.context], "name").text = key.context
        message = ET.SubElement(contexts[key.context], "message")
        if key.plural:
            message.set("numerus", "yes")
        ET.SubElement(message, "source").text = key.source
        if key.comment:
            ET.SubElement(message, "comment").text = key.comment
        element = ET.SubElement(message, "translation")
        if not translation.finished:
            element.set("type", "unfinished")
        if key.plural:
            for form in translation.forms:
                ET.SubElement(element, "numerusform").text = form
        else:
            element.text = translation.forms[0]
    ET.indent(root, "    ")
    body = ET.tostring(root, encoding="unicode")
    ts.write_text(f'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n{body}\n')


def release(ts: Path, qm: Path) -> None:
    subprocess.run(
        [str(BIN / "pyside6-lrelease"), "-silent", "-removeidentical", str(ts), "-qm", str(qm)],
        check=True,
    )


def problems(keys: list[Key]) -> list[str]:
    """What ``--check`` fails on, one line each."""
    # tr("Toast", "Open") outside a Qt class: lupdate reads "Toast" as the text, "Open" as
    # its comment, and no context; at run time Qt looks it up under the caller's class
    found = [
        f'no context for {k} (write translate("Context", "text") outside Qt classes)'
        for k in keys
        if not k.context
    ]
    wanted = set(keys)
    for language in LANGUAGES:
        ts = catalog(language)
        if not ts.exists():
            found.append(f"{ts.name}: missing")
            continue
        messages = read(ts)
        found += [f"{ts.name}: missing {k}" for k in sorted(wanted - messages.keys())]
        found += [f"{ts.name}: not in the code {k}" for k in sorted(messages.keys() - wanted)]
        for key, translation in messages.items():
            if not translation.finished:
                found.append(f"{ts.name}: unfinished {key}")
            elif (len(translation.forms) == 2) != key.plural:
                found.append(f"{ts.name}: plural forms wrong for {key}")
            elif any(
                set(PLACEHOLDER.findall(form)) != set(PLACEHOLDER.findall(key.source))
                for form in translation.forms
            ):
                found.append(f"{ts.name}: placeholders differ in {key}")
        with tempfile.TemporaryDirectory() as tmp:
            fresh = Path(tmp) / "fresh.qm"
            release(ts, fresh)
            qm = catalog(language, ".qm")
            if not qm.exists() or not filecmp.cmp(fresh, qm, shallow=False):
                found.append(f"{qm.name}: not what {ts.name} compiles to (run scripts/i18n)")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; fail if stale")
    args = parser.parse_args(argv)
    keys = extract()
    if args.check:
        found = problems(keys)
        print("\n".join(found) or f"catalogs current: {len(keys)} strings")
        return 1 if found else 0
    CATALOGS.mkdir(exist_ok=True)
    for language in LANGUAGES:
        ts = catalog(language)
        messages = merged(language, keys, read(ts) if ts.exists() else {})
        write(ts, language, messages)
        release(ts, catalog(language, ".qm"))
        unfinished = sum(not t.finished for t in messages.values())
        print(f"{ts.name}: {len(messages)} strings, {unfinished} unfinished")
    return 0


if __name__ == "__main__":
    sys.exit(main())
