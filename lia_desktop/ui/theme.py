"""The LIA look (ui-guide.md): Tailwind neutrals, orange accent, square corners.

A dark variant is derived from the system palette instead of hard-coding white,
so every widget asks ``theme_for(palette)`` rather than naming colours itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QPalette

from lia_desktop.core.models import ConnectionPhase

ORANGE = "#f97316"  # orange-500: accent, unread, live stat
ORANGE_TEXT = "#ea580c"  # orange-600: orange text on white
GREEN = "#22c55e"  # connected
YELLOW = "#eab308"  # connecting
RED = "#ef4444"  # disconnected
GREY = "#a3a3a3"  # signed out / auth problem
TREND_UP = "#16a34a"
TREND_DOWN = "#dc2626"


@dataclass(frozen=True, slots=True)
class Theme:
    dark: bool
    surface: str
    border: str
    text: str
    secondary: str
    muted: str
    skeleton: str
    accent_text: str


LIGHT = Theme(
    dark=False,
    surface="#ffffff",
    border="#e5e5e5",
    text="#171717",
    secondary="#525252",
    muted="#a3a3a3",
    skeleton="#f5f5f5",
    accent_text=ORANGE_TEXT,
)
DARK = Theme(
    dark=True,
    surface="#171717",
    border="#404040",
    text="#f5f5f5",
    secondary="#a3a3a3",
    muted="#737373",
    skeleton="#262626",
    accent_text=ORANGE,
)


def is_dark(palette: QPalette) -> bool:
    """Dark mode is whatever the platform palette says: a dark window background."""
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def theme_for(palette: QPalette) -> Theme:
    return DARK if is_dark(palette) else LIGHT


#: The connection dot's colour for each phase (tray icon and stats header).
PHASE_COLORS: dict[ConnectionPhase, str] = {
    ConnectionPhase.LIVE: GREEN,
    ConnectionPhase.CONNECTING: YELLOW,
    ConnectionPhase.RECONNECTING: YELLOW,
    ConnectionPhase.OFFLINE: RED,
    ConnectionPhase.ERROR: RED,
    ConnectionPhase.SIGNED_OUT: GREY,
    ConnectionPhase.AUTH_EXPIRED: GREY,
}


def phase_color(phase: ConnectionPhase) -> QColor:
    return QColor(PHASE_COLORS[phase])
