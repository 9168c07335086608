"""Render resources/icons/lia-desktop.svg into the PNG sizes and the .ico/.icns the installers need.

Usage: python packaging/make_icons.py [out_dir]   (default: resources/icons)

Qt's own ICO and ICNS writers store one image per file, so both containers
are written here: an ICO holds PNG-compressed entries (Windows Vista+), an
ICNS holds PNG entries under the OSTypes macOS 10.7+ reads. The output is
deterministic, so the committed files can be checked against a fresh render.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "resources" / "icons" / "lia-desktop.svg"
PNG_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# ICNS OSType per pixel size (PNG payloads); the @2x types reuse the larger renders.
ICNS_TYPES = (
    ("icp4", 16),
    ("icp5", 32),
    ("icp6", 64),
    ("ic07", 128),
    ("ic08", 256),
    ("ic09", 512),
    ("ic11", 32),
    ("ic12", 64),
    ("ic13", 256),
    ("ic14", 512),
)


def render_png(renderer: QSvgRenderer, size: int) -> bytes:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def ico(pngs: dict[int, bytes]) -> bytes:
    """ICONDIR, one ICONDIRENTRY per size (0 means 256), then the PNG blobs."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = 6 + 16 * len(sizes)
    entries, blobs = b"", b""
    for size in sizes:
        blob = pngs[size]
        side = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(blob), offset)
        offset += len(blob)
        blobs += blob
    return header + entries + blobs


def icns(pngs: dict[int, bytes]) -> bytes:
    """'icns' + total length, then (OSType, length incl. 8-byte header, PNG) chunks."""
    chunks = b"".join(
        kind.encode() + struct.pack(">I", 8 + len(pngs[size])) + pngs[size]
        for kind, size in ICNS_TYPES
    )
    return b"icns" + struct.pack(">I", 8 + len(chunks)) + chunks


def build(out_dir: Path) -> list[Path]:
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        raise SystemExit(f"cannot read {SOURCE}")
    pngs = {size: render_png(renderer, size) for size in PNG_SIZES}
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for size, png in pngs.items():
        path = out_dir / f"lia-desktop-{size}.png"
        path.write_bytes(png)
        written.append(path)
    for name, data in (
        ("lia-desktop.ico", ico({s: pngs[s] for s in ICO_SIZES})),
        ("lia-desktop.icns", icns(pngs)),
    ):
        path = out_dir / name
        path.write_bytes(data)
        written.append(path)
    return written


def main(argv: list[str]) -> int:
    if QGuiApplication.instance() is None:
        QGuiApplication([])  # the SVG renderer wants a GUI application
    for path in build(Path(argv[0]) if argv else SOURCE.parent):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
