"""A wheel (not an editable install) carries the Supabase migrations and seed, so the demo's
devstack runs outside a source checkout; ``supabase/`` in the repo stays the one source."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
PACKAGED = "lia_desktop/devstack/supabase_project"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built from a copy of the sources: setuptools writes build/ and egg-info next to them."""
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy(ROOT / name, src)
    for folder in ("lia_desktop", "supabase", "resources"):
        shutil.copytree(ROOT / folder, src / folder, ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(src), "-w", str(out)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("lia_desktop-*.whl")
    return built


def repo_migrations() -> list[str]:
    return sorted(p.name for p in (ROOT / "supabase" / "migrations").glob("*.sql"))


def test_the_wheel_holds_every_migration_and_the_seed(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    shipped = sorted(
        Path(n).name
        for n in names
        if n.startswith(f"{PACKAGED}/migrations/") and n.endswith(".sql")
    )
    assert shipped == repo_migrations()
    assert f"{PACKAGED}/seed.sql" in names
    assert "lia_desktop/devstack/scaffold.sql" in names


def test_the_unpacked_wheel_finds_its_own_migrations(wheel: Path, tmp_path: Path) -> None:
    zipfile.ZipFile(wheel).extractall(tmp_path)
    # -I: no cwd or PYTHONPATH on sys.path; the unpacked wheel goes first, ahead of the
    # editable install's finder (which only answers after the path finder).
    probe = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from lia_desktop.devstack import database as d;"
        "print(d.default_migrations_dir()); print(d.default_seed_file())"
    )
    result = subprocess.run(
        [sys.executable, "-I", "-c", probe, str(tmp_path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    migrations, seed = (Path(line) for line in result.stdout.splitlines())
    assert migrations == tmp_path / PACKAGED / "migrations"
    assert sorted(p.name for p in migrations.glob("*.sql")) == repo_migrations()
    assert seed.read_bytes() == (ROOT / "supabase" / "seed.sql").read_bytes()


def test_the_wheel_holds_the_icons_and_sound(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("icons/lia-desktop-128.png", "icons/lia-desktop.svg", "sounds/notification.wav"):
        assert f"lia_desktop/resources/{name}" in names


def test_the_wheel_holds_the_compiled_translations(wheel: Path) -> None:
    """The app speaks Spanish from a wheel too: the .qm catalogs are package data."""
    archive = zipfile.ZipFile(wheel)
    for language in ("es", "en"):
        name = f"lia_desktop/i18n/lia_desktop_{language}.qm"
        assert archive.read(name) == (ROOT / name).read_bytes()


def test_the_unpacked_wheel_finds_its_own_icon(wheel: Path, tmp_path: Path) -> None:
    zipfile.ZipFile(wheel).extractall(tmp_path)
    probe = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from lia_desktop.app import resource; print(resource('icons/lia-desktop-128.png'))"
    )
    result = subprocess.run(
        [sys.executable, "-I", "-c", probe, str(tmp_path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    icon = Path(result.stdout.strip())
    assert icon == tmp_path / "lia_desktop" / "resources" / "icons" / "lia-desktop-128.png"
    assert icon.read_bytes() == (ROOT / "resources" / "icons" / "lia-desktop-128.png").read_bytes()
