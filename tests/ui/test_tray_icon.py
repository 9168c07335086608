"""The tray bell: badge, connection dot, tooltip, menu routing, no-tray fallback."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QPushButton, QSystemTrayIcon
from pytestqt.qtbot import QtBot

from lia_desktop.core.format import badge_text
from lia_desktop.core.models import ConnectionPhase
from lia_desktop.ui.app_state import AppState
from lia_desktop.ui.theme import GREEN, GREY, ORANGE, RED, YELLOW
from lia_desktop.ui.tray_icon import (
    BELL_ON_DARK_PANEL,
    BELL_ON_LIGHT_PANEL,
    HALO,
    ICON_SIZES,
    SLASH,
    SLASH_WIDTH,
    DndChoice,
    TrayController,
    paint_tray_icon,
)

# 64 px icon: badge disc centred at (49.9, 14.1) r 14.1, dot centred at (54.4, 54.4) r 9.6
BADGE_TOP = (50, 2)  # inside the disc, above the digits
DOT_CENTER = (54, 54)


def render(badge: str = "", phase: ConnectionPhase | None = None, size: int = 64) -> QImage:
    return paint_tray_icon(size, dark_panel=False, badge=badge, phase=phase).toImage()


def white_pixels_in_badge(image: QImage) -> int:
    return sum(
        1
        for x in range(28, 64)
        for y in range(0, 36)
        if image.pixelColor(x, y).name() == "#ffffff" and image.pixelColor(x, y).alpha() == 255
    )


def test_no_badge_at_zero_unread() -> None:
    image = render(badge="")
    assert image.pixelColor(*BADGE_TOP).alpha() == 0
    assert white_pixels_in_badge(image) == 0


@pytest.mark.parametrize("badge", ["1", "9", "9+"])
def test_badge_is_an_orange_disc_with_white_digits(badge: str) -> None:
    image = render(badge=badge)
    assert image.pixelColor(*BADGE_TOP).name() == ORANGE
    assert white_pixels_in_badge(image) > 10


def test_nine_plus_draws_more_ink_than_one_digit() -> None:
    assert white_pixels_in_badge(render(badge="9+")) > white_pixels_in_badge(render(badge="1"))


@pytest.mark.parametrize(
    ("phase", "color"),
    [
        (ConnectionPhase.LIVE, GREEN),
        (ConnectionPhase.CONNECTING, YELLOW),
        (ConnectionPhase.RECONNECTING, YELLOW),
        (ConnectionPhase.OFFLINE, RED),
        (ConnectionPhase.ERROR, RED),
        (ConnectionPhase.SIGNED_OUT, GREY),
        (ConnectionPhase.AUTH_EXPIRED, GREY),
    ],
)
def test_connection_dot_color_per_phase(phase: ConnectionPhase, color: str) -> None:
    assert render(phase=phase).pixelColor(*DOT_CENTER).name() == color


def test_bell_is_dark_on_light_panels_and_light_on_dark_panels() -> None:
    light = paint_tray_icon(64, dark_panel=False, badge="", phase=None).toImage()
    dark = paint_tray_icon(64, dark_panel=True, badge="", phase=None).toImage()
    # (24, 38): the middle of the bell's dome
    assert light.pixelColor(24, 38).lightness() < 60
    assert dark.pixelColor(24, 38).lightness() > 200


@pytest.mark.parametrize("size", ICON_SIZES)
def test_every_size_shows_bell_badge_and_dot(size: int) -> None:
    image = render(badge="9+", phase=ConnectionPhase.LIVE, size=size)
    assert (image.width(), image.height()) == (size, size)
    colors = {image.pixelColor(x, y).name() for x in range(size) for y in range(size)}
    assert {ORANGE, GREEN, "#262626"} <= colors


@pytest.fixture
def controller() -> Iterator[TrayController]:
    tray = TrayController(tray_available=lambda: True, dark_panel=False)
    yield tray
    tray.dispose()


def test_tooltip_and_icon_follow_state(controller: TrayController) -> None:
    controller.update_state(
        badge="3", tooltip="LIA Admin — 3 unread — Live", phase=ConnectionPhase.LIVE
    )
    assert controller.tray.toolTip() == "LIA Admin — 3 unread — Live"
    image = controller.icon.pixmap(64, 64).toImage()
    assert image.pixelColor(*BADGE_TOP).name() == ORANGE
    assert image.pixelColor(*DOT_CENTER).name() == GREEN


@pytest.mark.parametrize(
    ("text", "signal", "args"),
    [
        ("Notifications", "notifications_requested", []),
        ("Stats", "stats_requested", []),
        ("Do not disturb for 1 hour", "dnd_requested", [DndChoice.ONE_HOUR]),
        ("Do not disturb until tomorrow 8:00", "dnd_requested", [DndChoice.UNTIL_TOMORROW]),
        ("Resume notifications", "dnd_requested", [DndChoice.OFF]),
        ("Quiet hours…", "settings_requested", []),
        ("Settings…", "settings_requested", []),
        ("Sign in…", "sign_in_requested", []),
        ("Sign out", "sign_out_requested", []),
        ("Quit", "quit_requested", []),
    ],
)
def test_menu_actions_emit_their_signal(
    qtbot: QtBot, controller: TrayController, text: str, signal: str, args: list[object]
) -> None:
    with qtbot.waitSignal(getattr(controller, signal), timeout=1000) as blocker:
        controller.menu.by_text[text].trigger()
    assert blocker.args == args


def visible(controller: TrayController) -> list[str]:
    return [text for text, action in controller.menu.by_text.items() if action.isVisible()]


def test_resume_is_offered_only_during_dnd(controller: TrayController) -> None:
    controller.set_signed_in(True)
    assert "Resume notifications" not in visible(controller)
    controller.set_dnd_until("until 14:30")
    assert "Resume notifications" in visible(controller)
    assert "Do not disturb for 1 hour" not in visible(controller)
    resume = controller.menu.by_text["Resume notifications"].text()
    assert resume == "Resume notifications (do not disturb until 14:30)"


def test_signed_out_the_menu_offers_sign_in_instead_of_sign_out(
    controller: TrayController,
) -> None:
    controller.set_dnd_until("until 14:30")
    assert visible(controller) == [
        "Notifications", "Stats", "Resume notifications", "Quiet hours…", "Settings…", "Sign in…",
        "Quit",
    ]  # fmt: skip
    controller.set_signed_in(True)
    assert visible(controller) == [
        "Notifications", "Stats", "Resume notifications", "Quiet hours…", "Settings…", "Sign out",
        "Quit",
    ]  # fmt: skip


def test_left_click_opens_the_notification_center(qtbot: QtBot, controller: TrayController) -> None:
    with qtbot.waitSignal(controller.notifications_requested, timeout=1000):
        controller.tray.activated.emit(QSystemTrayIcon.ActivationReason.Trigger)


def test_without_a_tray_it_says_so_once_and_shows_a_window(qtbot: QtBot) -> None:
    controller = TrayController(tray_available=lambda: False, dark_panel=False)
    messages: list[str] = []
    controller.tray_missing.connect(messages.append)
    try:
        controller.update_state(
            badge="2", tooltip="LIA Admin — 2 unread — Live", phase=ConnectionPhase.LIVE
        )
        controller.show()
        controller.show()
        assert controller.fallback is not None
        assert controller.fallback.isVisible()
        assert not controller.tray.isVisible()
        assert len(messages) == 1
        assert "No system tray" in messages[0]
        assert controller.fallback.status_label.text() == "LIA Admin — 2 unread — Live"
        with qtbot.waitSignal(controller.stats_requested, timeout=1000):
            stats = [
                b for b in controller.fallback.findChildren(QPushButton) if b.text() == "Stats"
            ]
            stats[0].click()
    finally:
        controller.dispose()


@pytest.mark.parametrize(
    ("unread", "badge"), [(0, ""), (1, "1"), (9, "9"), (10, "9+"), (250, "9+")]
)
def test_unread_counts_paint_the_right_badge(unread: int, badge: str) -> None:
    """core.format.badge_text's rule, as pixels: none at 0, digits to 9, then 9+."""
    text = badge_text(unread)
    assert text == badge
    image = render(badge=text)
    assert (image.pixelColor(*BADGE_TOP).name() == ORANGE) is (unread > 0)
    if unread >= 10:
        assert white_pixels_in_badge(image) == white_pixels_in_badge(render(badge="9+"))


# --- legible on any panel ------------------------------------------------------------------

#: Panel colours the bell must stand out on, whichever tone the app's palette guessed.
PANELS = {"light panel": "#f0f0f0", "dark panel": "#202020"}
LEGIBLE_SIZES = (16, 22, 24, 32)
#: Every look the tray can take: no badge, one digit, "9+"; every phase and none; muted or not.
VARIANTS = [
    (badge_text(unread), phase, muted)
    for unread in (0, 3, 12)
    for phase in (None, *ConnectionPhase)
    for muted in (False, True)
]
#: WCAG's minimum for graphical objects.
MIN_CONTRAST = 3.0


def relative_luminance(color: QColor) -> float:
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * linear(color.red())
        + 0.7152 * linear(color.green())
        + 0.0722 * linear(color.blue())
    )


def contrast_ratio(a: QColor, b: QColor) -> float:
    light, dark = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


Pixel = tuple[int, int]


@dataclass(frozen=True)
class BellOnPanel:
    """One icon as a panel shows it, with the bell's own pixels told apart."""

    bell: frozenset[Pixel]  # what the bell alone paints (fill, halo, slash), alpha >= 50 %
    covered: frozenset[Pixel]  # bell pixels the badge, the dot or their cut-outs changed
    contrasting: frozenset[Pixel]  # pixels at MIN_CONTRAST or more against the panel

    @classmethod
    def read(
        cls, size: int, panel: str, *, dark_panel: bool, badge: str,
        phase: ConnectionPhase | None, muted: bool,
    ) -> BellOnPanel:  # fmt: skip
        alone = paint_tray_icon(size, dark_panel=dark_panel, badge="", phase=None, muted=muted)
        icon = paint_tray_icon(size, dark_panel=dark_panel, badge=badge, phase=phase, muted=muted)
        bell_image, icon_image = alone.toImage(), icon.toImage()
        shown = QImage(size, size, QImage.Format.Format_ARGB32)
        shown.fill(QColor(panel))
        painter = QPainter(shown)
        painter.drawPixmap(0, 0, icon)
        painter.end()
        pixels = [(x, y) for x in range(size) for y in range(size)]
        bell = frozenset(p for p in pixels if bell_image.pixelColor(*p).alpha() >= 128)
        return cls(
            bell=bell,
            covered=frozenset(p for p in bell if icon_image.pixel(*p) != bell_image.pixel(*p)),
            contrasting=frozenset(
                p for p in pixels
                if contrast_ratio(shown.pixelColor(*p), QColor(panel)) >= MIN_CONTRAST
            ),
        )  # fmt: skip

    @property
    def outline(self) -> list[Pixel]:
        """The bell's visible edge: uncovered bell pixels next to a pixel that is not bell."""
        return [
            (x, y)
            for (x, y) in self.bell - self.covered
            if any(n not in self.bell for n in ((x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1)))
        ]

    def traced(self, reach: int) -> float:
        """The share of the outline with a contrasting pixel within ``reach`` px: where the
        fill's tone matches the panel, the halo draws the edge one halo-width further out."""
        outline = self.outline
        near = [
            (x, y)
            for (x, y) in outline
            if any(
                (x + dx, y + dy) in self.contrasting
                for dx in range(-reach, reach + 1)
                for dy in range(-reach, reach + 1)
            )
        ]
        return len(near) / len(outline)

    @property
    def uncovered(self) -> float:
        return 1 - len(self.covered) / len(self.bell)


@pytest.mark.parametrize("size", LEGIBLE_SIZES)
@pytest.mark.parametrize("panel", PANELS.values(), ids=PANELS.keys())
@pytest.mark.parametrize("dark_panel", [False, True], ids=["light-theme bell", "dark-theme bell"])
def test_the_bell_stands_out_from_light_and_dark_panels(
    size: int, panel: str, dark_panel: bool
) -> None:
    """The app cannot see the panel: a light theme may sit on a dark panel and the other way
    round. Either way at least 90 % of the bell's outline is drawn by pixels that differ from
    the panel by 3:1 or more (the rest: antialiased ends of the slash's gap), and the bell's
    fill or its halo contrasts as a whole."""
    reach = -(-size // 16)  # the halo's width in whole pixels
    for badge, phase, muted in VARIANTS:
        seen = BellOnPanel.read(
            size, panel, dark_panel=dark_panel, badge=badge, phase=phase, muted=muted
        )
        case = f"badge {badge!r}, {phase}, muted {muted}"
        assert seen.traced(reach) >= 0.9, case
        assert len(seen.contrasting & (seen.bell - seen.covered)) >= 0.25 * len(seen.bell), case


@pytest.mark.parametrize("size", LEGIBLE_SIZES)
def test_badge_and_dot_leave_the_bell_recognisable(size: int) -> None:
    """The badge takes the dome's shoulder and the dot the rim's tip, never most of the bell:
    at least 70 % of its pixels stay uncovered (75 % at 16 px, 93 % from 22 px measured)."""
    for badge, phase, muted in VARIANTS:
        seen = BellOnPanel.read(
            size, PANELS["light panel"], dark_panel=False, badge=badge, phase=phase, muted=muted
        )
        assert seen.uncovered >= 0.7, f"badge {badge!r}, {phase}, muted {muted}"


@pytest.mark.parametrize("size", LEGIBLE_SIZES)
def test_the_badge_digits_are_white_on_orange_at_every_size(size: int) -> None:
    """Below 28 px the digits are pixel glyphs (Qt's 5 px fonts blur); they must still be ink."""
    one = render(badge="3", size=size)
    many = render(badge="9+", size=size)
    top_right = [(x, y) for x in range(size // 2, size) for y in range(size // 2)]
    white = [
        sum(1 for p in top_right if image.pixelColor(*p).name() == "#ffffff")
        for image in (one, many)
    ]
    assert 5 <= white[0] < white[1]


def test_do_not_disturb_slashes_the_bell() -> None:
    """A slash from above the knob across the bell, with a gap on its upper side."""
    muted = paint_tray_icon(64, dark_panel=False, badge="", phase=None, muted=True).toImage()
    plain = paint_tray_icon(64, dark_panel=False, badge="", phase=None).toImage()
    start = SLASH.p1().toPoint()  # above the bell: only the slash paints there
    assert muted.pixelColor(start).name() == BELL_ON_LIGHT_PANEL
    assert plain.pixelColor(start).alpha() == 0
    normal = SLASH.normalVector().unitVector()
    shift = (SLASH_WIDTH + HALO) / 2
    gap = (SLASH.center() + QPointF(normal.dx() * shift, normal.dy() * shift)).toPoint()
    assert muted.pixelColor(gap).name() == BELL_ON_DARK_PANEL  # the halo's tone
    assert plain.pixelColor(gap).name() == BELL_ON_LIGHT_PANEL  # the dome


def test_the_tray_shows_a_slashed_bell_while_do_not_disturb_is_on_and_not_after(
    qtbot: QtBot, controller: TrayController
) -> None:
    def shows(*, muted: bool) -> bool:
        expected = paint_tray_icon(
            32, dark_panel=False, badge="", phase=ConnectionPhase.SIGNED_OUT, muted=muted
        )
        return controller.icon.pixmap(32, 32).toImage() == expected.toImage()

    state = AppState()
    state.set_dnd_until(datetime.now(UTC) + timedelta(milliseconds=400))
    controller.bind(state, time.monotonic)
    assert shows(muted=True)
    qtbot.waitUntil(lambda: shows(muted=False), timeout=3000)
    state.set_dnd_until(datetime.now(UTC) + timedelta(hours=1))
    assert shows(muted=True)
    state.set_dnd_until(None)
    assert shows(muted=False)
