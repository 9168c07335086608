"""Toasts updated in place (issue 17): the native rung replaces a toast the daemon still
shows, under the same daemon id and silently; a toast the admin or the daemon closed is not
brought back. The rung drives desktop-notifier 6.2's own D-Bus backend, unchanged, against
a stand-in for the daemon's ``org.freedesktop.Notifications`` interface, so a library
upgrade that changes what ``Notify`` receives fails here."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Any

import pytest
from dbus_fast.introspection import Node
from desktop_notifier import DesktopNotifier

from lia_desktop.core.models import Priority, Toast, ToastAction, ToastButton, ToastUrgency
from lia_desktop.ui import toasts
from lia_desktop.ui.toasts import InAppToasts, NativeToasts, ToastLadder
from tests.ui.test_toasts import VIEW, FakeRung

CLAIM = ToastButton("Claim", ToastAction.CLAIM)
MARK = ToastButton("Mark read", ToastAction.MARK_READ)
DISPUTE = Toast(
    title="New dispute",
    body="Booking #1042: the plumber never came",
    priority=Priority.HIGH,
    urgency=ToastUrgency.NORMAL,
    notification_ids=(7,),
    click=VIEW,
    buttons=(VIEW, CLAIM, MARK),
    sound=True,
)
TAKEN = replace(DISPUTE, body="Taken by Ana\nBooking #1042", buttons=(VIEW, MARK))

#: the daemon's interface as dunst and the freedesktop spec declare it (the parts called)
NOTIFICATIONS_XML = """<node><interface name="org.freedesktop.Notifications">
<method name="Notify"><arg type="s" direction="in"/><arg type="u" direction="in"/>
<arg type="s" direction="in"/><arg type="s" direction="in"/><arg type="s" direction="in"/>
<arg type="as" direction="in"/><arg type="a{sv}" direction="in"/><arg type="i" direction="in"/>
<arg type="u" direction="out"/></method>
<method name="GetCapabilities"><arg type="as" direction="out"/></method>
<method name="GetServerInformation"><arg type="s" direction="out"/><arg type="s" direction="out"/>
<arg type="s" direction="out"/><arg type="s" direction="out"/></method>
</interface></node>"""


@dataclass(frozen=True)
class Notify:
    replaces_id: int
    summary: str
    body: str
    actions: list[str]
    hints: dict[str, Any]

    @property
    def buttons(self) -> list[str]:
        """The button titles offered (actions are key, title pairs; "default" is the click)."""
        return [title for title in self.actions[1::2] if title]


class FakeDaemon:
    """``org.freedesktop.Notifications`` as desktop-notifier's backend calls it: a new id per
    ``Notify``, or the one it replaces."""

    def __init__(self) -> None:
        self.introspection = Node.parse(NOTIFICATIONS_XML).interfaces[0]
        self.calls: list[Notify] = []

    async def call_get_server_information(self) -> list[str]:
        return ["dunst", "dunstproject", "1.9.0", "1.2"]

    async def call_get_capabilities(self) -> list[str]:
        return ["actions", "body", "body-markup"]

    async def call_notify(
        self,
        _app_name: str,
        replaces_id: int,
        _icon: str,
        summary: str,
        body: str,
        actions: list[str],
        hints: dict[str, Any],
        _timeout: int,
    ) -> int:
        self.calls.append(Notify(replaces_id, summary, body, actions, hints))
        return replaces_id or len(self.calls)


class Desktop:
    """A native rung on desktop-notifier's D-Bus backend talking to a FakeDaemon."""

    def __init__(self) -> None:
        self.notifier = DesktopNotifier(app_name="LIA Admin")
        self.backend: Any = self.notifier._backend
        self.daemon = FakeDaemon()
        self.backend.interface = self.daemon
        self.activated: list[tuple[Toast, ToastButton]] = []
        self.dismissed: list[Toast] = []
        self.rung = NativeToasts(
            self.notifier, lambda t, b: self.activated.append((t, b)), self.dismissed.append
        )

    def closed(self, daemon_id: int, reason: int) -> None:
        """The daemon's ``NotificationClosed`` (1 expired, 2 dismissed by the admin)."""
        self.backend._on_closed(daemon_id, reason)

    def action(self, daemon_id: int, title: str) -> None:
        """The daemon's ``ActionInvoked`` for the button titled ``title`` on ``daemon_id``."""
        call = [c for c in self.daemon.calls if c.replaces_id in (0, daemon_id)][-1]
        key = call.actions[call.actions.index(title) - 1]
        self.backend._on_action(daemon_id, key)


def taken(toast: Toast) -> Toast:
    return TAKEN if toast.notification_ids == (7,) else toast


async def test_a_claimed_toast_is_replaced_in_place_silently_and_a_release_brings_claim_back() -> (
    None
):
    desk = Desktop()
    await desk.rung.show(DISPUTE)
    [shown] = desk.daemon.calls
    assert (shown.replaces_id, shown.buttons, "sound-name" in shown.hints) == (
        0,
        ["View booking", "Claim", "Mark read"],
        True,
    )

    await desk.rung.restate(taken)
    replaced = desk.daemon.calls[-1]
    assert replaced.replaces_id == 1  # the same notification, not a new popup
    assert (replaced.summary, replaced.body) == ("New dispute", "Taken by Ana\nBooking #1042")
    assert replaced.buttons == ["View booking", "Mark read"]
    assert "sound-name" not in replaced.hints  # no new sound

    await desk.rung.restate(taken)  # another item's claim changed: nothing to send here
    assert len(desk.daemon.calls) == 2

    await desk.rung.restate(lambda toast: toast)  # released: Claim is back
    released = desk.daemon.calls[-1]
    assert (released.replaces_id, released.buttons) == (1, ["View booking", "Claim", "Mark read"])
    assert "sound-name" not in released.hints

    desk.action(1, "Mark read")  # a button on the replaced toast acts on the same items
    assert desk.activated == [(DISPUTE, MARK)]
    await desk.rung.restate(taken)  # the daemon closed it on the press
    assert len(desk.daemon.calls) == 3


async def test_a_toast_closed_by_the_admin_or_by_its_timeout_is_not_brought_back() -> None:
    desk = Desktop()
    other = replace(DISPUTE, notification_ids=(8,))
    await desk.rung.show(DISPUTE)
    await desk.rung.show(other)
    desk.closed(1, 2)  # the admin closed the dispute's toast
    desk.closed(2, 1)  # the other one expired: desktop-notifier calls nothing for that
    assert desk.dismissed == [DISPUTE]
    await desk.rung.restate(lambda toast: replace(toast, body="Taken by Ana"))
    assert len(desk.daemon.calls) == 2


async def test_a_clicked_toast_is_not_brought_back() -> None:
    desk = Desktop()
    await desk.rung.show(DISPUTE)
    desk.backend._on_action(1, "default")  # a click on the body
    assert desk.activated == [(DISPUTE, VIEW)]
    await desk.rung.restate(taken)
    assert len(desk.daemon.calls) == 1


async def test_only_the_newest_open_toasts_are_remembered(monkeypatch: pytest.MonkeyPatch) -> None:
    """A daemon that never reports closing must not make the rung's memory grow."""
    monkeypatch.setattr(toasts, "OPEN_TOASTS_KEPT", 2)
    desk = Desktop()
    for item in (7, 8, 9):
        await desk.rung.show(replace(DISPUTE, notification_ids=(item,)))
    await desk.rung.restate(lambda toast: replace(toast, body="Taken by Ana"))
    assert [c.replaces_id for c in desk.daemon.calls[3:]] == [2, 3]


class IdentifierNotifier:
    """desktop-notifier as on macOS and Windows: a notification sent under a shown one's
    identifier replaces it (no D-Bus ids to map)."""

    def __init__(self) -> None:
        self.sent: list[Any] = []
        self.closed: set[str] = set()

    async def send_notification(self, notification: Any) -> str:
        self.sent.append(notification)
        return str(notification.identifier)

    async def get_current_notifications(self) -> list[str]:
        return [n.identifier for n in self.sent if n.identifier not in self.closed]


async def test_elsewhere_the_replacement_reuses_the_identifier() -> None:
    notifier = IdentifierNotifier()
    rung = NativeToasts(notifier, lambda t, b: None, lambda t: None)  # type: ignore[arg-type]
    await rung.show(DISPUTE)
    await rung.restate(taken)
    first, replacement = notifier.sent
    assert replacement.identifier == first.identifier
    assert (replacement.message, replacement.sound) == (TAKEN.body, None)
    notifier.closed.add(first.identifier)  # the admin closed it in the notification center
    await rung.restate(lambda toast: toast)
    assert len(notifier.sent) == 2


async def test_the_ladder_restates_only_on_a_rung_that_can_replace(
    caplog: pytest.LogCaptureFixture,
) -> None:
    shown: list[Toast] = []
    in_app = ToastLadder([InAppToasts(shown.append)])
    await in_app.restate(taken)  # nothing shown yet
    await in_app.show(DISPUTE)
    await in_app.restate(taken)  # the in-app rung has no toast to replace: the row says it
    assert shown == [DISPUTE]

    class Failing(FakeRung):
        async def restate(self, revise: Any) -> None:
            raise ConnectionError("the daemon went away")

    failing = ToastLadder([Failing("native", True)])
    await failing.show(DISPUTE)
    with caplog.at_level(logging.WARNING):
        await failing.restate(taken)  # the toast keeps its first words; nothing breaks
    assert "toast backend native could not update its toasts" in caplog.text
