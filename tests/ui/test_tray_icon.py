"""The tray bell: badge, connection dot, tooltip, menu routing, no-tray fallback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QPushButton, QSystemTrayIcon
from pytestqt.qtbot import QtBot

from lia_desktop.core.format import badge_text
from lia_desktop.core.models import ConnectionPhase
from lia_desktop.ui.theme import GREEN, GREY, ORANGE, RED, YELLOW
from lia_desktop.ui.tray_icon import (
    ICON_SIZES,
    DndChoice,
    TrayController,
    paint_tray_icon,
)

# 64 px icon: badge disc centred at (46, 18) r 18, dot centred at (52.5, 52.5) r 11.5
BADGE_TOP = (46, 4)  # inside the disc, above the digits
DOT_CENTER = (52, 52)


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
    # (32, 30): the middle of the bell's dome
    assert light.pixelColor(32, 30).lightness() < 60
    assert dark.pixelColor(32, 30).lightness() > 200


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
        ("Do not disturb until tomorrow", "dnd_requested", [DndChoice.UNTIL_TOMORROW]),
        ("Resume notifications", "dnd_requested", [DndChoice.OFF]),
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
    controller.set_dnd_active(True)
    assert "Resume notifications" in visible(controller)
    assert "Do not disturb for 1 hour" not in visible(controller)


def test_signed_out_the_menu_offers_sign_in_instead_of_sign_out(
    controller: TrayController,
) -> None:
    controller.set_dnd_active(True)
    assert visible(controller) == [
        "Notifications", "Stats", "Resume notifications", "Settings…", "Sign in…", "Quit",
    ]  # fmt: skip
    controller.set_signed_in(True)
    assert visible(controller) == [
        "Notifications", "Stats", "Resume notifications", "Settings…", "Sign out", "Quit",
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
