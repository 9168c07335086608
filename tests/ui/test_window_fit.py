"""Every window fits a 1280x800 screen at 100, 150 and 200 % and comes back where it was;
the stats cards reflow and the chart's count axis steps in round numbers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from lia_desktop.services.window_store import WindowStore
from lia_desktop.ui.stats_window import StatsFormat, StatsWindow, count_axis
from lia_desktop.ui.window_fit import place_window

REPO = Path(__file__).resolve().parents[2]
#: A 1280x800 laptop screen less a 48 px panel: the area windows may use.
SCREEN = {"width": 1280, "height": 752}


def probe(scale: str, windows_dir: Path, platform: str) -> dict[str, dict[str, list[int]]]:
    """Every window opened as the app opens it, in a process of its own at ``scale``."""
    env = {**os.environ, "QT_SCALE_FACTOR": scale, "QT_QPA_PLATFORM": platform}
    done = subprocess.run(
        [sys.executable, "-m", "tests.ui.window_probe", str(windows_dir)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    report: dict[str, dict[str, list[int]]] = json.loads(done.stdout)
    return report


def assert_inside(report: dict[str, dict[str, list[int]]]) -> None:
    for name, seen in report.items():
        frame, available = QRect(*seen["frame"]), QRect(*seen["available"])
        assert available.contains(frame), f"{name}: {seen['frame']} not inside {seen['available']}"
        minimum_width, minimum_height = seen["minimum"]
        assert minimum_width <= available.width(), name
        assert minimum_height <= available.height(), name


@pytest.mark.parametrize("scale", ["1", "1.5", "2"])
def test_every_window_fits_a_1280x800_screen(scale: str, tmp_path: Path) -> None:
    """Stats, notification center, sign-in and settings, full of content (every figure, a long
    feed, an error under every field), each inside the available area: 1280x752 device
    pixels, 640x376 logical at 200 %."""
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [{"name": "laptop", "x": 0, "y": 0, **SCREEN}]}))
    report = probe(scale, tmp_path, f"offscreen:configfile={config}")
    assert set(report) == {"stats", "notifications", "sign_in", "settings"}
    assert {seen["available"][2] for seen in report.values()} == {round(1280 / float(scale))}
    assert_inside(report)


@pytest.fixture
def store(tmp_path: Path) -> WindowStore:
    return WindowStore(tmp_path / "windows.json")


StatsFactory = Callable[[WindowStore | None], StatsWindow]


@pytest.fixture
def stats_window(qtbot: QtBot, stats_format: StatsFormat) -> Iterator[StatsFactory]:
    """Stats windows (placed as the app places them when given a store), held until the test
    ends: qtbot holds them weakly, and a shown window collected mid-test is destroyed inside
    its own paint event."""
    made: list[StatsWindow] = []

    def make(store: WindowStore | None) -> StatsWindow:
        window = StatsWindow(stats_format)
        qtbot.addWidget(window)
        if store is not None:
            place_window(window, "stats", store)
        made.append(window)
        return window

    yield make
    for window in made:
        window.close()


def test_a_window_comes_back_where_it_was(stats_window: StatsFactory, store: WindowStore) -> None:
    first = stats_window(store)
    first.show()
    first.setGeometry(60, 90, 600, 450)  # inside the 800x800 offscreen screen, frame included
    was = first.frameGeometry()
    first.close()  # hiding saves
    assert store.get("stats")
    again = stats_window(WindowStore(store.path))  # as after a restart
    again.show()
    assert again.frameGeometry() == was
    assert again.size() == first.size()


def test_a_window_saved_on_a_bigger_screen_comes_back_inside_this_one(
    stats_window: StatsFactory, store: WindowStore
) -> None:
    first = stats_window(store)
    first.show()
    first.setGeometry(900, 650, 1500, 1000)  # partly beyond this 800 px screen
    first.close()
    again = stats_window(WindowStore(store.path))
    again.show()
    available = QApplication.primaryScreen().availableGeometry()
    assert available.contains(again.frameGeometry())


def test_a_new_window_opens_centred_at_its_size_or_the_screen(
    stats_window: StatsFactory, store: WindowStore
) -> None:
    window = stats_window(store)  # asks for 1000x640
    available = QApplication.primaryScreen().availableGeometry()
    assert available.contains(window.geometry())
    assert window.width() < 1000
    assert window.height() == 640
    assert abs(window.geometry().center().x() - available.center().x()) <= 1


@pytest.mark.parametrize(("width", "columns"), [(1000, 4), (600, 2), (360, 1)])
def test_the_stats_cards_reflow_to_the_width(
    stats_window: StatsFactory, width: int, columns: int
) -> None:
    window = stats_window(None)
    window.resize(width, 500)
    window.show()
    assert window.columns == columns
    grid = window.grid
    activity = grid.getItemPosition(grid.indexOf(window.activity))
    assert activity[0] == len(window.cards) // columns  # the row after the last full one
    assert activity[1] + activity[3] == columns  # it reaches the row's end: no hole
    assert window.body.content.minimumSizeHint().width() <= width


@pytest.mark.parametrize(
    ("top", "axis"),
    [
        (0, (4, 5)),
        (3, (4, 5)),
        (5, (6, 4)),
        (23, (30, 4)),
        (100, (100, 3)),
        (196, (200, 5)),
        (207, (300, 4)),
        (1234, (1500, 4)),
    ],
)
def test_the_count_axis_steps_in_round_numbers(top: int, axis: tuple[int, int]) -> None:
    """1, 2 or 5 times a power of ten, never more than four steps: 0/50/100/150/200 for a
    busiest hour of 196, where the axis used to read 0/49/98/147/196."""
    maximum, ticks = count_axis(top)
    assert (maximum, ticks) == axis
    step = maximum // (ticks - 1)
    assert maximum >= top
    assert ticks - 1 <= 4
    assert int(str(step)[0]) in (1, 2, 5)
    assert set(str(step)[1:]) <= {"0"}


@pytest.mark.parametrize("saved", ["", "not base64 at all ✓", "AAAA"])
def test_a_garbled_saved_place_opens_the_window_at_its_default(
    stats_window: StatsFactory, store: WindowStore, saved: str
) -> None:
    store.put("stats", saved)
    window = stats_window(store)
    assert window.height() == 640  # the default size, bounded by the screen
    assert QApplication.primaryScreen().availableGeometry().contains(window.geometry())
