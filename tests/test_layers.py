"""The layering rule of architecture.md, checked on the source (not on what happens to import).

core/      pure: no Qt, no qasync, no supabase/realtime, no asyncio I/O, no network
services/  asyncio I/O: no Qt
devstack/  the local backend: nothing from ui/ or services/, no Qt
ui/        Qt only: never the devstack
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "lia_desktop"

QT = ("PySide6", "qasync", "shiboken6")
NETWORK_IO = ("asyncio", "socket", "aiohttp", "httpx", "websockets", "psycopg", "ssl", "subprocess")
CLIENTS = ("supabase", "realtime", "postgrest", "supabase_auth", "gotrue")

FORBIDDEN: dict[str, tuple[str, ...]] = {
    "core": QT
    + NETWORK_IO
    + CLIENTS
    + ("lia_desktop.services", "lia_desktop.ui", "lia_desktop.devstack"),
    "services": (*QT, "lia_desktop.ui"),
    "devstack": (*QT, "lia_desktop.ui", "lia_desktop.services", "lia_desktop.core"),
    "ui": ("lia_desktop.devstack",),
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.ImportFrom) and node.level > 0:
            # relative import: resolve against the file's package
            pkg = path.relative_to(PACKAGE.parent).with_suffix("").parts[: -node.level]
            names.add(".".join((*pkg, node.module or "")).rstrip("."))
    return names


def violations(layer: str) -> list[str]:
    found = []
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        for module in imported_modules(path):
            for banned in FORBIDDEN[layer]:
                if module == banned or module.startswith(banned + "."):
                    found.append(f"{path.relative_to(PACKAGE.parent)} imports {module}")
    return found


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_only_what_it_may(layer: str) -> None:
    assert violations(layer) == []


def test_the_check_catches_a_violation(tmp_path: Path) -> None:
    """The checker itself must be able to fail."""
    bad = tmp_path / "bad.py"
    bad.write_text("from PySide6.QtCore import QObject\nimport asyncio\n")
    assert {"PySide6.QtCore", "asyncio"} <= imported_modules(bad)
