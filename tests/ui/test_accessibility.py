"""Every window speaks to assistive technology.

Screen readers see a window through Qt's accessibility tree, not its pixels. Each
window is opened on realistic state (bound through AppState as the app binds it),
its tree is walked with QAccessible as an AT-SPI bridge walks it, and any
interactive element (buttons, edits, combo and check boxes, spin and time edits,
list items, focusable cards) without a name fails the test; so does a focusable
widget the walk never reached. The names the issue asked for are pinned where a
label alone would not do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

import pytest
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAccessible, QAccessibleInterface
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QWidget
from pytestqt.qtbot import QtBot

from lia_desktop.core.models import (
    DashboardStats,
    Notification,
    NotificationType,
    Priority,
)
from lia_desktop.core.settings import Settings, form_values
from lia_desktop.ui.app_state import AppState
from lia_desktop.ui.notification_center import NotificationCenter
from lia_desktop.ui.settings_dialog import SettingsDialog
from lia_desktop.ui.sign_in import SignInDialog
from lia_desktop.ui.stats_window import StatsFormat, StatsWindow
from lia_desktop.ui.tray_icon import TrayController
from tests.ui.conftest import PlainStatsFormat, live_state

Role = QAccessible.Role
#: What a user acts on; a focusable element of any other role counts too.
INTERACTIVE = frozenset(
    {
        Role.Button,
        Role.ButtonMenu,
        Role.ButtonDropDown,
        Role.CheckBox,
        Role.RadioButton,
        Role.ComboBox,
        Role.EditableText,
        Role.SpinBox,
        Role.Slider,
        Role.ListItem,
        Role.PageTab,
        Role.MenuItem,
    }
)
NOW = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)


def _notification(
    id_: int, kind: NotificationType, title: str, body: str, read: bool
) -> Notification:
    return Notification(
        id=id_,
        type=kind,
        priority=Priority.HIGH if kind is NotificationType.DISPUTE_OPENED else Priority.MEDIUM,
        title=title,
        body=body,
        entity_table="bookings",
        entity_id=str(1000 + id_),
        action_path=f"/admin/bookings/{1000 + id_}",
        created_at=NOW - timedelta(minutes=10 * (4 - id_)),  # a higher id is newer
        read=read,
    )


FEED = [
    _notification(
        3,
        NotificationType.BOOKING_CREATED,
        "New booking",
        "Ana Gómez booked Plumbing with Carlos Ruiz · $ 180.000",
        read=False,
    ),
    _notification(
        2, NotificationType.DISPUTE_OPENED, "New dispute", "Booking #1042 · no-show", read=False
    ),
    _notification(
        1,
        NotificationType.PROFESSIONAL_APPLIED,
        "New professional application",
        "María Torres applied as Electrician (Medellín)",
        read=True,
    ),
]
STATS = DashboardStats(
    total_bookings=1234,
    pending_bookings=17,
    total_users=5310,
    total_revenue_cop=123_456_789,
    new_professionals_30d=23,
    bookings_24h=96,
    trends={"total_bookings": 5.0, "pending_bookings": -4.0, "total_users": None},
    bookings_per_hour=tuple(range(24)),
    updated_at=NOW,
)
SETTINGS = Settings(
    supabase_url="https://lia-marketplace.supabase.co",
    anon_key="eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiYW5vbiJ9.c2lnbmF0dXJl",
    web_admin_url="https://admin.lia.co",
    quiet_hours=(time(22, 0), time(7, 0)),
)


@pytest.fixture
def state() -> AppState:
    return live_admin()


def live_admin() -> AppState:
    """An admin signed in and live: a feed, figures, presence."""
    return live_state(FEED, 2, STATS)


@dataclass
class Element:
    """One node of the tree and where it sits, for a failure message a person can act on."""

    path: str
    interface: QAccessibleInterface

    @property
    def name(self) -> str:
        return self.interface.text(QAccessible.Text.Name)

    @property
    def description(self) -> str:
        return self.interface.text(QAccessible.Text.Description)

    @property
    def interactive(self) -> bool:
        return self.interface.role() in INTERACTIVE or bool(self.interface.state().focusable)


def walk(interface: QAccessibleInterface, path: str = "") -> Iterator[Element]:
    """Depth first over ``child(i)``, as a screen reader's bridge explores a window."""
    here = f"{path} > {interface.role().name}"
    widget = interface.object()
    if isinstance(widget, QObject) and widget.objectName():
        here += f"#{widget.objectName()}"
    yield Element(here, interface)
    if interface.role() is Role.ComboBox:
        return  # its popup list is Qt's own; a screen reader announces it as the combo box
    for i in range(interface.childCount()):
        child = interface.child(i)
        if child is not None and child.isValid():
            yield from walk(child, here)


def tree(window: QWidget) -> list[Element]:
    root = QAccessible.queryAccessibleInterface(window)
    assert root is not None
    assert root.isValid()
    return list(walk(root))


def sign_in(qtbot: QtBot, state: AppState) -> QWidget:
    del state  # the dialog opens empty but for the project
    return SignInDialog(SETTINGS.supabase_url, SETTINGS.anon_key)


def settings(qtbot: QtBot, state: AppState) -> QWidget:
    del state
    return SettingsDialog(form_values(SETTINGS), lambda values: {})


def center(qtbot: QtBot, state: AppState) -> QWidget:
    window = NotificationCenter(lambda at: "10 min ago")
    window.bind(state)
    return window


def stats(qtbot: QtBot, state: AppState) -> QWidget:
    fmt: StatsFormat = PlainStatsFormat()
    window = StatsWindow(fmt)
    window.bind(state)
    return window


def tray_fallback(qtbot: QtBot, state: AppState) -> QWidget:
    controller = TrayController(tray_available=lambda: False, dark_panel=False)
    controller.bind(state, lambda: 0.0)
    controller.show()
    assert controller.fallback is not None
    window: QWidget = controller.fallback
    qtbot.addWidget(window, before_close_func=lambda _: controller.dispose())
    return window


WINDOWS: dict[str, Callable[[QtBot, AppState], QWidget]] = {
    "sign-in": sign_in,
    "settings": settings,
    "notification center": center,
    "stats": stats,
    "tray fallback": tray_fallback,
}


@pytest.fixture(params=list(WINDOWS))
def window(request: pytest.FixtureRequest, qtbot: QtBot, state: AppState) -> QWidget:
    opened = WINDOWS[request.param](qtbot, state)
    qtbot.addWidget(opened)
    opened.show()
    qtbot.waitExposed(opened)
    return opened


def test_every_interactive_element_has_a_name(window: QWidget) -> None:
    unnamed = [e.path for e in tree(window) if e.interactive and not e.name.strip()]
    assert not unnamed, "interactive elements without an accessible name:\n" + "\n".join(unnamed)


def test_the_walk_reaches_every_focusable_widget(window: QWidget) -> None:
    """The first test means nothing for a widget the tree hides: every widget Tab can reach
    is a node of the tree, so a screen reader can name it too."""
    reached = {e.interface.object() for e in tree(window)}
    focusable = [
        w
        for w in window.findChildren(QWidget)
        if w.focusPolicy() & Qt.FocusPolicy.TabFocus
        and w.isVisibleTo(window)
        and not _inner_editor(w)
    ]
    assert focusable
    missing = [f"{type(w).__name__} {w.accessibleName()!r}" for w in focusable if w not in reached]
    assert not missing


def _inner_editor(widget: QWidget) -> bool:
    """A spin box's line edit: its spin box is the node that takes the focus and the name."""
    return isinstance(widget.parentWidget(), QAbstractSpinBox)


def named(window: QWidget, name: str) -> Element:
    """The one interactive element called ``name`` (its label may bear the name too)."""
    matches = [e for e in tree(window) if e.interactive and e.name == name]
    assert len(matches) == 1, f"{len(matches)} elements named {name!r}"
    return matches[0]


def opened(qtbot: QtBot, build: Callable[[QtBot, AppState], QWidget], state: AppState) -> QWidget:
    window = build(qtbot, state)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_sign_in_fields_say_what_they_are_and_the_password_says_more(
    qtbot: QtBot, state: AppState
) -> None:
    window = opened(qtbot, sign_in, state)
    edits = [e for e in tree(window) if e.interface.role() is Role.EditableText]
    assert [e.name for e in edits] == ["Supabase URL", "Anon key", "Email", "Password"]
    assert "not saved" in named(window, "Password").description


def test_a_failed_sign_in_is_read_out_on_the_field_it_concerns(
    qtbot: QtBot, state: AppState
) -> None:
    window = opened(qtbot, sign_in, state)
    assert isinstance(window, SignInDialog)
    window.email.setText("admin@lia.co")
    window.sign_in_button.click()  # no password: "Required" under it, the focus moves there
    password = named(window, "Password")
    assert password.description.startswith(window.form.errors["password"].text())
    assert "not saved" in password.description  # its own description still follows
    window.password.setText("secret")
    window.sign_in_button.click()
    assert not named(window, "Password").description.startswith(
        window.form.errors["password"].text() or "-"
    )


def test_quiet_hours_and_do_not_disturb_parts_are_named_on_their_own(
    qtbot: QtBot, state: AppState
) -> None:
    window = opened(qtbot, settings, state)
    spin_boxes = [e.name for e in tree(window) if e.interface.role() is Role.SpinBox]
    assert spin_boxes == [
        "Quiet hours start",
        "Quiet hours end",
        "Do not disturb until",
        "Remind me of items I claimed after",
        "Escalate urgent unclaimed items after",
    ]
    assert named(window, "Quiet hours").interface.role() is Role.CheckBox
    assert named(window, "Do not disturb").interface.role() is Role.CheckBox


def test_rows_expose_read_state_title_time_and_body(qtbot: QtBot, state: AppState) -> None:
    window = opened(qtbot, center, state)
    rows = [(e.name, e.description) for e in tree(window) if e.interface.role() is Role.ListItem]
    assert rows == [
        ("Unread: New booking, 10 min ago", FEED[0].body),
        ("Unread: New dispute, 10 min ago", FEED[1].body),
        ("Read: New professional application, 10 min ago", FEED[2].body),
    ]


def test_stats_are_read_out_and_reached_with_tab(qtbot: QtBot, state: AppState) -> None:
    window = opened(qtbot, stats, state)
    assert isinstance(window, StatsWindow)
    card = named(window, "Total bookings: 1,234, +5.0% vs last month")
    assert card.interface.state().focusable
    named(window, "Users: 5,310, no change data")
    named(window, "Live activity: Online users 12, Active sessions 15, Bookings (24 h) 96")
    last_hour = f"{NOW.astimezone().hour:02d}"
    chart = named(window, "Bookings per hour, last 24 h")
    assert chart.description == (
        f"276 bookings in the last 24 h; the busiest hour {last_hour}:00 with 23; "
        "23 in the last hour"
    )

    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    reached: list[QWidget | None] = []
    for _ in range(len(window.cards) + 2):
        window.focusNextChild()
        reached.append(QApplication.focusWidget())
    assert reached == [*window.cards.values(), window.activity, window.chart]
