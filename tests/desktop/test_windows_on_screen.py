"""On the real X server of the desktop harness (1280x800), at 150 %: every window, opened as
the app opens it and full of content, is inside the screen."""

from __future__ import annotations

from pathlib import Path

from tests.ui.test_window_fit import assert_inside, probe


def test_every_window_fits_the_screen_at_150_percent(tmp_path: Path) -> None:
    report = probe("1.5", tmp_path, "xcb")
    assert set(report) == {"stats", "notifications", "sign_in", "settings"}
    for seen in report.values():  # the harness's Xvfb screen, in logical pixels at 150 %
        assert seen["available"][2:] == [853, 533]
        assert seen["scale"] == 1.5
    assert_inside(report)
