"""The toast ladder's choice and fallback, and what each rung hands its toolkit."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from desktop_notifier import DEFAULT_SOUND, Capability, Urgency
from desktop_notifier import Notification as NativeNotification
from PySide6.QtWidgets import QSystemTrayIcon

from lia_desktop.core.models import Priority, Toast, ToastAction, ToastButton, ToastUrgency
from lia_desktop.ui.toasts import InAppToasts, NativeToasts, ToastLadder, TrayBalloonToasts

VIEW = ToastButton("View booking", ToastAction.OPEN_URL, "https://admin.lia.test/admin/bookings/7")
MARK = ToastButton("Mark read", ToastAction.MARK_READ)
TOAST = Toast(
    title="New booking",
    body="Ana Gómez booked Plumbing with Carlos Ruiz · $ 180.000",
    priority=Priority.MEDIUM,
    urgency=ToastUrgency.NORMAL,
    notification_ids=(7,),
    click=VIEW,
    buttons=(VIEW, MARK),
    sound=True,
)


class FakeRung:
    def __init__(self, name: str, usable: bool, fails: bool = False) -> None:
        self.name = name
        self.usable = usable
        self.fails = fails
        self.calls: list[str] = []

    async def probe(self) -> bool:
        self.calls.append("probe")
        return self.usable

    async def show(self, toast: Toast) -> None:
        self.calls.append(f"show {toast.title}")
        if self.fails:
            raise RuntimeError("daemon went away")


async def test_first_usable_rung_is_probed_once_and_used() -> None:
    native, tray, in_app = (
        FakeRung("native", True),
        FakeRung("tray", True),
        FakeRung("in_app", True),
    )
    ladder = ToastLadder([native, tray, in_app])
    assert ladder.active is None
    await ladder.show(TOAST)
    await ladder.show(TOAST)
    assert ladder.active == "native"
    assert native.calls == ["probe", "show New booking", "show New booking"]
    assert tray.calls == in_app.calls == []


async def test_unusable_rungs_are_skipped_in_order() -> None:
    native, tray, in_app = (
        FakeRung("native", False),
        FakeRung("tray", False),
        FakeRung("in_app", True),
    )
    ladder = ToastLadder([native, tray, in_app])
    await ladder.show(TOAST)
    assert ladder.active == "in_app"
    assert (native.calls, tray.calls) == (["probe"], ["probe"])
    assert in_app.calls == ["probe", "show New booking"]


async def test_a_failing_rung_hands_the_same_toast_down_and_stays_dropped() -> None:
    native, tray = FakeRung("native", True, fails=True), FakeRung("tray", True)
    ladder = ToastLadder([native, tray])
    await ladder.show(TOAST)
    assert ladder.active == "tray"
    assert tray.calls == ["probe", "show New booking"]
    await ladder.show(TOAST)
    assert native.calls == ["probe", "show New booking"]  # not asked again


def test_a_ladder_needs_a_rung() -> None:
    with pytest.raises(ValueError, match="at least one rung"):
        ToastLadder([])


class RecordingNotifier:
    """Stands in for DesktopNotifier at its two calls the adapter makes."""

    def __init__(self, capabilities: frozenset[Capability] | Exception) -> None:
        self.capabilities = capabilities
        self.sent: list[NativeNotification] = []

    async def get_capabilities(self) -> frozenset[Capability]:
        if isinstance(self.capabilities, Exception):
            raise self.capabilities
        return self.capabilities

    async def send_notification(self, notification: NativeNotification) -> str:
        self.sent.append(notification)
        return notification.identifier


@pytest.mark.parametrize(
    ("capabilities", "usable"),
    [
        (frozenset({Capability.TITLE, Capability.BUTTONS}), True),
        (frozenset(), False),
        (ConnectionError("no session bus"), False),
    ],
)
async def test_native_probe(capabilities: frozenset[Capability] | Exception, usable: bool) -> None:
    rung = NativeToasts(RecordingNotifier(capabilities), lambda t, b: None, lambda t: None)  # type: ignore[arg-type]
    assert await rung.probe() is usable


async def test_native_toast_has_buttons_click_urgency_and_sound() -> None:
    notifier = RecordingNotifier(frozenset({Capability.BUTTONS}))
    activated: list[tuple[Toast, ToastButton]] = []
    dismissed: list[Toast] = []
    rung = NativeToasts(notifier, lambda t, b: activated.append((t, b)), dismissed.append)  # type: ignore[arg-type]
    await rung.show(TOAST)
    [sent] = notifier.sent
    assert (sent.title, sent.message) == (TOAST.title, TOAST.body)
    assert sent.urgency is Urgency.Normal
    assert sent.sound == DEFAULT_SOUND
    assert [b.title for b in sent.buttons] == ["View booking", "Mark read"]
    sent.buttons[1].on_pressed()  # type: ignore[misc]
    assert sent.on_clicked is not None
    assert sent.on_dismissed is not None
    sent.on_clicked()
    sent.on_dismissed()
    assert activated == [(TOAST, MARK), (TOAST, VIEW)]
    assert dismissed == [TOAST]


async def test_urgent_silent_toast_maps_to_critical_without_sound() -> None:
    notifier = RecordingNotifier(frozenset({Capability.BUTTONS}))
    rung = NativeToasts(notifier, lambda t, b: None, lambda t: None)  # type: ignore[arg-type]
    urgent = Toast(
        "Dispute escalated", "Booking #1042", Priority.URGENT, ToastUrgency.CRITICAL, (9,), VIEW
    )
    await rung.show(urgent)
    assert notifier.sent[0].urgency is Urgency.Critical
    assert notifier.sent[0].sound is None


@pytest.fixture
def tray() -> Iterator[QSystemTrayIcon]:
    icon = QSystemTrayIcon()
    yield icon
    icon.deleteLater()


async def test_offscreen_has_no_tray_so_the_ladder_lands_in_app(
    tray: QSystemTrayIcon,
) -> None:
    shown: list[Toast] = []
    balloon = TrayBalloonToasts(tray, lambda t, b: None)
    ladder = ToastLadder([balloon, InAppToasts(shown.append)])
    await ladder.show(TOAST)
    assert ladder.active == "in_app"
    assert shown == [TOAST]


async def test_a_balloon_click_is_the_toasts_click(tray: QSystemTrayIcon) -> None:
    activated: list[tuple[Toast, ToastButton]] = []
    balloon = TrayBalloonToasts(tray, lambda t, b: activated.append((t, b)))
    tray.messageClicked.emit()  # before any toast: nothing to open
    await balloon.show(TOAST)
    tray.messageClicked.emit()
    assert activated == [(TOAST, VIEW)]
