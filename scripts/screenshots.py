#!/usr/bin/env python3
"""Render the README's screenshots from the real app on a real (virtual) desktop.

Run it inside the private desktop so dunst draws the toast:

    LANG=es_CO.UTF-8 tests/desktop/run.sh .venv/bin/python scripts/screenshots.py

It starts ``DesktopApp`` in demo mode (the devstack with its activity simulator,
signed in as the demo admin), lets the marketplace move for a while, then writes
docs/screenshots/{tray,toast,notification-center,stats-window}.png in the language of the
locale (the README's are Spanish: ``LANG=es_CO.UTF-8``): the tray bell
at 32 px on a light and a dark panel, dunst's toast cropped from the screen, and
the two windows grabbed from Qt.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import qasync
from PySide6.QtCore import QCoreApplication, QPoint, QRect, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPixmap
from PySide6.QtWidgets import QApplication

from lia_desktop.app import DemoBackend, DesktopApp
from lia_desktop.core.format import phase_words
from lia_desktop.core.models import ConnectionPhase
from lia_desktop.services.settings_store import SettingsStore
from lia_desktop.ui.tray_icon import paint_tray_icon

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
#: simulated marketplace time before the windows are grabbed (a few bursts happen)
WARM_UP_SECONDS = 25
#: dunstrc: origin top-right, offset 10x40, width 360
TOAST_AREA = QRect(-380, 30, 380, 95)

#: badge and phase; each is captioned with the badge and the phase's words (in the app's language)
TRAY_CASES = (
    ("", ConnectionPhase.LIVE),
    ("3", ConnectionPhase.LIVE),
    ("9+", ConnectionPhase.RECONNECTING),
    ("9+", ConnectionPhase.AUTH_EXPIRED),
)


def tray_sheet(path: Path) -> None:
    """The bell at 32 px (and 2x) as panels show it: a light strip above a dark one."""
    cell, pad, label_h = 180, 16, 22
    sheet = QPixmap(cell * len(TRAY_CASES), 2 * (64 + 2 * pad + label_h))
    sheet.fill(Qt.GlobalColor.white)
    painter = QPainter(sheet)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    font = QFont(QApplication.font())
    font.setPixelSize(12)
    painter.setFont(font)
    for row, (dark, panel, ink) in enumerate(
        ((False, "#f5f5f5", "#525252"), (True, "#262626", "#d4d4d4"))
    ):
        top = row * (64 + 2 * pad + label_h)
        painter.fillRect(0, top, sheet.width(), 64 + 2 * pad + label_h, QColor(panel))
        for column, (badge, phase) in enumerate(TRAY_CASES):
            label = f"{badge or 0} · {phase_words(QCoreApplication.translate, phase)}"
            left = column * cell
            small = paint_tray_icon(32, dark_panel=dark, badge=badge, phase=phase)
            large = paint_tray_icon(64, dark_panel=dark, badge=badge, phase=phase)
            painter.drawPixmap(QPoint(left + 28, top + pad + 16), small)
            painter.drawPixmap(QPoint(left + 84, top + pad), large)
            painter.setPen(QColor(ink))
            painter.drawText(
                QRect(left, top + pad + 64 + 4, cell, label_h), Qt.AlignmentFlag.AlignCenter, label
            )
    painter.end()
    sheet.save(str(path))


def screen_crop(path: Path, area: QRect) -> None:
    """Crop the X screen (``import -window root``): what dunst drew is not a Qt window."""
    with tempfile.TemporaryDirectory() as folder:
        full = Path(folder) / "screen.png"
        subprocess.run(["import", "-window", "root", str(full)], check=True)
        image = QImage(str(full))
    rect = QRect(area)
    if rect.x() < 0:
        rect.moveLeft(image.width() + rect.x())
    image.copy(rect).save(str(path))


async def until(condition: object, seconds: float) -> None:
    async with asyncio.timeout(seconds):
        while not condition():  # type: ignore[operator]  # noqa: ASYNC110
            await asyncio.sleep(0.1)


async def dunst_displayed() -> int:
    process = await asyncio.create_subprocess_exec(
        "dunstctl", "count", "displayed", stdout=asyncio.subprocess.PIPE
    )
    out, _ = await process.communicate()
    return int(out or b"0")


async def capture(app: DesktopApp) -> None:
    await app.start()
    await until(lambda: app.live is not None and app.state.stats is not None, 120)
    await asyncio.sleep(WARM_UP_SECONDS)
    tray_sheet(OUT / "tray.png")

    # One toast alone on screen: close the backlog's, then wait for the next live one.
    await (await asyncio.create_subprocess_exec("dunstctl", "close-all")).wait()
    async with asyncio.timeout(300):  # disputes (own toasts) come every half minute or so
        while await dunst_displayed() == 0:  # noqa: ASYNC110
            await asyncio.sleep(0.2)
    await asyncio.sleep(0.5)  # dunst draws after it counts
    screen_crop(OUT / "toast.png", TOAST_AREA)

    app.show_notifications()
    assert app.center is not None
    app.center.resize(560, 520)
    app.show_stats()
    assert app.stats_window is not None
    app.stats_window.resize(1040, 680)
    await asyncio.sleep(1.5)  # layout, chart animation, pulse
    app.center.grab().save(str(OUT / "notification-center.png"))
    app.stats_window.grab().save(str(OUT / "stats-window.png"))


def main() -> int:
    if os.environ.get("LIA_DESKTOP_SESSION") != "1":
        print("run me inside tests/desktop/run.sh (dunst and a tray host draw part of it)")
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    qapp = QApplication(sys.argv[:1])
    qapp.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    with tempfile.TemporaryDirectory(prefix="lia-screens-", dir="/tmp") as data:
        store = SettingsStore(Path(data) / "settings.json")
        app = DesktopApp(
            qapp, store, demo=DemoBackend(Path(data) / "devstack"), data_dir=Path(data)
        )
        with loop:
            try:
                loop.run_until_complete(capture(app))
            finally:
                loop.run_until_complete(app.stop())
    for name in ("tray", "toast", "notification-center", "stats-window"):
        print(OUT / f"{name}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
