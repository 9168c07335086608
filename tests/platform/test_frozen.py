"""The frozen Linux bundle (PyInstaller) starts and installs. Opt-in: LIA_TEST_FROZEN=1.

The build takes ~30 s of both cores, so it runs once per session and only on
request. ``LIA_FROZEN_ENTRY`` is passed through to the spec (see packaging/README.md).
"""

from __future__ import annotations

import os
import subprocess
import tarfile
from pathlib import Path

import pytest

from lia_desktop import __version__

ROOT = Path(__file__).resolve().parent.parent.parent

pytestmark = pytest.mark.skipif(
    os.environ.get("LIA_TEST_FROZEN") != "1", reason="set LIA_TEST_FROZEN=1 to build and run"
)


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    env = {**os.environ, "DIST": str(out), "WORK": str(out / "work")}
    subprocess.run([str(ROOT / "packaging" / "build_linux.sh")], env=env, check=True)
    return out


def run(exe: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    headless = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **env}
    return subprocess.run(
        [str(exe), *args], capture_output=True, text=True, env=headless, timeout=120, check=False
    )


def test_frozen_version(dist: Path) -> None:
    result = run(dist / "lia-desktop" / "lia-desktop", "--version")
    assert result.returncode == 0, result.stderr
    assert __version__ in result.stdout


def test_frozen_doctor_is_wired(dist: Path) -> None:
    result = run(dist / "lia-desktop" / "lia-desktop", "doctor", "--help")
    assert result.returncode == 0, result.stderr
    assert "--anon-key" in result.stdout


def test_bundle_leaves_unused_qt_out(dist: Path) -> None:
    names = [p.name for p in (dist / "lia-desktop").rglob("*")]
    assert not [n for n in names if "WebEngine" in n or "Qt6Quick" in n or "Qt6Pdf" in n]


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
