"""resources/: the committed icons and sound match their generators; the metadata validates."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import wave
from pathlib import Path
from types import ModuleType

import pytest
from PySide6.QtGui import QColor, QImage, QImageReader, QPainter
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication

from lia_desktop.ui.theme import ORANGE
from lia_desktop.ui.tray_icon import BELL_ON_DARK_PANEL, BELL_ON_LIGHT_PANEL

ROOT = Path(__file__).resolve().parent.parent.parent
RESOURCES = ROOT / "resources"


def load_script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "packaging" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_validator(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} is not installed")
    return subprocess.run([path, *args], capture_output=True, text=True, check=False)


def test_desktop_file_validates() -> None:
    result = run_validator("desktop-file-validate", str(RESOURCES / "lia-desktop.desktop"))
    assert result.returncode == 0, result.stdout
    assert "error" not in result.stdout


def test_metainfo_validates() -> None:
    result = run_validator(
        "appstreamcli", "validate", "--no-net", str(RESOURCES / "com.lia.desktop.metainfo.xml")
    )
    assert result.returncode == 0, result.stdout


def test_committed_icons_are_a_fresh_render(qapp: QApplication, tmp_path: Path) -> None:
    written = load_script("make_icons").build(tmp_path)
    assert len(written) == 11
    for fresh in written:
        committed = RESOURCES / "icons" / fresh.name
        assert committed.read_bytes() == fresh.read_bytes(), (
            f"run packaging/make_icons.py: {fresh.name}"
        )


def test_app_icon_is_an_orange_bell_on_white(qapp: QApplication) -> None:
    image = QImage(str(RESOURCES / "icons" / "lia-desktop-256.png"))
    assert image.size().width() == 256
    assert image.pixelColor(128, 128).name() == ORANGE  # the bell's dome
    assert image.pixelColor(20, 20).name() == "#ffffff"  # the background


@pytest.mark.parametrize(("container", "count"), [("lia-desktop.ico", 7), ("lia-desktop.icns", 10)])
def test_icon_containers_read_back(qapp: QApplication, container: str, count: int) -> None:
    reader = QImageReader(str(RESOURCES / "icons" / container))
    assert reader.canRead(), reader.errorString()
    assert reader.imageCount() == count
    sizes = set()
    for _ in range(count):
        image = reader.read()
        assert not image.isNull(), reader.errorString()
        sizes.add(image.width())
        reader.jumpToNextImage()
    assert {16, 32, 256} <= sizes


@pytest.mark.parametrize(
    ("name", "colour"),
    [
        ("tray-light.svg", BELL_ON_LIGHT_PANEL),
        ("tray-dark.svg", BELL_ON_DARK_PANEL),
        ("tray-template.svg", "#000000"),
    ],
)
def test_tray_icons_render_in_the_panel_colour(qapp: QApplication, name: str, colour: str) -> None:
    renderer = QSvgRenderer(str(RESOURCES / "icons" / name))
    assert renderer.isValid()
    image = QImage(32, 32, QImage.Format.Format_ARGB32)
    image.fill(QColor(0, 0, 0, 0))
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    assert image.pixelColor(12, 20).name() == colour.lower()  # the bell's dome, placed low left
    assert image.pixelColor(1, 1).alpha() == 0  # transparent around the bell


def test_notification_sound_is_the_generated_chime(tmp_path: Path) -> None:
    fresh = tmp_path / "notification.wav"
    load_script("make_sound").write(fresh)
    committed = RESOURCES / "sounds" / "notification.wav"
    assert committed.read_bytes() == fresh.read_bytes(), "run packaging/make_sound.py"
    with wave.open(str(committed)) as chime:
        assert (chime.getnchannels(), chime.getsampwidth(), chime.getframerate()) == (1, 2, 22050)
        assert chime.getnframes() / chime.getframerate() == pytest.approx(0.7, abs=0.01)
        frames = chime.readframes(chime.getnframes())
    samples = [
        int.from_bytes(frames[i : i + 2], "little", signed=True) for i in range(0, len(frames), 2)
    ]
    assert samples[0] == samples[-1] == 0  # no click at either end
    assert max(abs(s) for s in samples) == 16384  # half of full scale: soft
