"""Showing core's Toasts on the desktop, through the best rung that works here.

The ladder (qutebrowser's habit): native notifications through
desktop-notifier (buttons, click, urgency, sound) -> QSystemTrayIcon's
balloon (no buttons; a click counts as the toast's click) -> the in-app list
only (the notification center already holds every item). The first rung
whose capability probe passes is used; a rung that fails while showing is
dropped and the same toast goes to the next one. What a toast says, and
whether there is one at all, is core's decision (core.feed).

A toast still open can be brought up to date in place (``ToastLadder.restate``: an item
someone claimed no longer offers Claim, issue 17): the daemon's rung replaces its content
under the same notification, silently; a balloon or the in-app rung leave theirs as they
are (the list's row is the truth). The native rung tracks which of its toasts the daemon
still shows, so a toast the admin or the daemon closed is never brought back.

Titles and bodies are plain text (core.text). freedesktop daemons parse the
body as markup (``body-markup``: dunst, GNOME, KDE, mako all advertise it), so
there the body is escaped: a ``<a href=…>`` in a review shows as those
characters, never as a link. The summary is plain text by the spec (dunst
escapes it itself, so escaping it here would show ``&amp;``). macOS and
Windows take plain strings.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol

from desktop_notifier import DEFAULT_SOUND, Button, DesktopNotifier, Urgency
from desktop_notifier import Notification as NativeNotification
from PySide6.QtWidgets import QSystemTrayIcon

from lia_desktop.core.models import Priority, Toast, ToastButton, ToastUrgency
from lia_desktop.core.text import markup_escaped

log = logging.getLogger(__name__)

OnActivated = Callable[[Toast, ToastButton], None]
OnDismissed = Callable[[Toast], None]
#: a toast as it was first shown -> as it should read now (core decides: core.claims)
Revise = Callable[[Toast], Toast]

NATIVE_URGENCY = {
    ToastUrgency.LOW: Urgency.Low,
    ToastUrgency.NORMAL: Urgency.Normal,
    ToastUrgency.CRITICAL: Urgency.Critical,
}
BALLOON_ICON = {
    Priority.LOW: QSystemTrayIcon.MessageIcon.Information,
    Priority.MEDIUM: QSystemTrayIcon.MessageIcon.Information,
    Priority.HIGH: QSystemTrayIcon.MessageIcon.Warning,
    Priority.URGENT: QSystemTrayIcon.MessageIcon.Critical,
}
BALLOON_MS = 10_000
#: Notification daemons here read bodies as markup (see the module docstring).
MARKUP_DAEMONS = sys.platform not in ("darwin", "win32")
#: open toasts the native rung remembers for updating in place: daemons stack a handful,
#: and one that never reports closing must not grow the memory without end
OPEN_TOASTS_KEPT = 64


def daemon_text(value: str, *, markup: bool = MARKUP_DAEMONS) -> str:
    """A body as the platform's notification daemon must receive it to show it as written."""
    return markup_escaped(value) if markup else value


class ToastBackend(Protocol):
    name: str

    async def probe(self) -> bool:
        """Whether this rung can show toasts on this desktop right now."""
        ...

    async def show(self, toast: Toast) -> None: ...


@dataclass(slots=True)
class _OpenToast:
    first: Toast  # as the ladder showed it: what restating starts from each time
    shown: Toast  # as the daemon shows it now


class _ReplacingNotify:
    """The daemon's D-Bus interface as desktop-notifier's backend calls it, with ``Notify``'s
    ``replaces_id`` set: desktop-notifier 6.2 always passes 0 (a new popup, a new sound),
    and the freedesktop spec replaces the notification of a non-zero id in place."""

    def __init__(self, interface: Any, replaces_id: int) -> None:
        self._interface = interface
        self._replaces_id = replaces_id

    def __getattr__(self, name: str) -> Any:
        return getattr(self._interface, name)

    async def call_notify(self, app_name: str, _replaces_id: int, *rest: Any) -> Any:
        return await self._interface.call_notify(app_name, self._replaces_id, *rest)


class NativeToasts:
    """desktop-notifier: freedesktop D-Bus, macOS, Windows; runs in the qasync loop."""

    name = "native"

    def __init__(
        self, notifier: DesktopNotifier, on_activated: OnActivated, on_dismissed: OnDismissed
    ) -> None:
        self._notifier = notifier
        self._on_activated = on_activated
        self._on_dismissed = on_dismissed
        #: desktop-notifier identifier -> toast, oldest first, while the daemon shows it
        self._open: dict[str, _OpenToast] = {}

    async def probe(self) -> bool:
        try:
            return bool(await self._notifier.get_capabilities())
        except Exception as error:  # no session bus, no daemon, no permission...
            log.info("native notifications unavailable: %s", error)
            return False

    async def show(self, toast: Toast) -> None:
        native = self.native(toast)
        await self._notifier.send_notification(native)
        self._open[native.identifier] = _OpenToast(toast, toast)
        while len(self._open) > OPEN_TOASTS_KEPT:
            del self._open[next(iter(self._open))]

    async def restate(self, revise: Revise) -> None:
        """Replace, in place and silently, each toast the daemon still shows whose content
        ``revise`` changes; one the daemon closed (by the admin, a click, its timeout) stays
        closed."""
        await self._forget_closed()
        for identifier, open_toast in list(self._open.items()):
            wanted = revise(open_toast.first)
            if wanted != open_toast.shown:
                await self._replace(identifier, wanted)
                open_toast.shown = wanted

    async def _forget_closed(self) -> None:
        """Drop the toasts the daemon no longer shows. desktop-notifier forgets a notification
        on every close the daemon reports (``NotificationClosed`` with any reason: its
        ``on_dismissed`` hears only the admin's), so its list is the truth."""
        current = set(await self._notifier.get_current_notifications())
        for identifier in [i for i in self._open if i not in current]:
            del self._open[identifier]

    async def _replace(self, identifier: str, toast: Toast) -> None:
        """``toast`` in place of the notification ``identifier`` names. macOS and Windows
        replace a notification sent under a shown one's identifier (desktop-notifier's own
        way); its D-Bus backend does not, so there ``Notify`` gets the daemon's id as
        ``replaces_id``."""
        native = self.native(toast, identifier=identifier, silent=True)
        backend = getattr(self._notifier, "_backend", None)
        daemon_ids = getattr(backend, "_platform_to_interface_notification_identifier", None)
        if daemon_ids is None:
            await self._notifier.send_notification(native)
            return
        replaces_id = daemon_ids.inverse.get(identifier)
        if replaces_id is None:  # closed while the others were replaced
            return
        with _notify_replacing(backend, replaces_id):
            await self._notifier.send_notification(native)

    def close(self) -> None:
        """Close the notifier's session-bus connection. desktop-notifier 6 opens one on first
        use and has no close of its own (its D-Bus backend keeps it as ``bus``), so an app
        that stops would leave the socket to the garbage collector."""
        bus = getattr(getattr(self._notifier, "_backend", None), "bus", None)
        if bus is not None:
            bus.disconnect()

    def native(
        self, toast: Toast, *, identifier: str | None = None, silent: bool = False
    ) -> NativeNotification:
        """``toast`` for desktop-notifier, under a new identifier or ``identifier`` (a
        replacement: ``silent``, as updating a toast is no new interruption)."""
        identifier = identifier or str(uuid.uuid4())
        buttons = tuple(
            Button(title=b.label, on_pressed=partial(self._activated, identifier, toast, b))
            for b in toast.buttons
        )
        return NativeNotification(
            title=toast.title,
            message=daemon_text(toast.body),
            urgency=NATIVE_URGENCY[toast.urgency],
            buttons=buttons,
            on_clicked=partial(self._activated, identifier, toast, toast.click),
            on_dismissed=partial(self._dismissed, identifier, toast),
            sound=DEFAULT_SOUND if toast.sound and not silent else None,
            identifier=identifier,
        )

    def _activated(self, identifier: str, toast: Toast, button: ToastButton) -> None:
        self._open.pop(identifier, None)  # the daemon closes a toast it acted on
        self._on_activated(toast, button)

    def _dismissed(self, identifier: str, toast: Toast) -> None:
        self._open.pop(identifier, None)
        self._on_dismissed(toast)


@contextmanager
def _notify_replacing(backend: Any, replaces_id: int) -> Iterator[None]:
    """While sending one notification: desktop-notifier's D-Bus backend calls ``Notify``
    with ``replaces_id``. The ladder sends one toast at a time, so nothing else calls
    ``Notify`` meanwhile."""
    interface = backend.interface
    backend.interface = _ReplacingNotify(interface, replaces_id)
    try:
        yield
    finally:
        backend.interface = interface


class TrayBalloonToasts:
    """QSystemTrayIcon.showMessage: no buttons, so a click means the toast's click."""

    name = "tray"

    def __init__(self, tray: QSystemTrayIcon, on_activated: OnActivated) -> None:
        self._tray = tray
        self._on_activated = on_activated
        self._last: Toast | None = None
        tray.messageClicked.connect(self._clicked)

    async def probe(self) -> bool:
        return (
            QSystemTrayIcon.isSystemTrayAvailable()
            and QSystemTrayIcon.supportsMessages()
            and self._tray.isVisible()
        )

    async def show(self, toast: Toast) -> None:
        self._last = toast  # the balloon shows one message at a time
        self._tray.showMessage(
            toast.title,
            daemon_text(toast.body),
            BALLOON_ICON[toast.priority],
            BALLOON_MS,
        )

    def _clicked(self) -> None:
        if self._last is not None:
            self._on_activated(self._last, self._last.click)


class InAppToasts:
    """Last rung: the item is already in the notification center; just report it."""

    name = "in_app"

    def __init__(self, on_shown: Callable[[Toast], None]) -> None:
        self._on_shown = on_shown

    async def probe(self) -> bool:
        return True

    async def show(self, toast: Toast) -> None:
        self._on_shown(toast)


class ToastLadder:
    """Shows each toast on the first rung that probes usable and does not fail."""

    def __init__(
        self, rungs: Sequence[ToastBackend], still_wanted: Callable[[Toast], bool] = lambda _t: True
    ) -> None:
        if not rungs:
            raise ValueError("a toast ladder needs at least one rung")
        self._rungs = list(rungs)
        #: asked again when a toast's turn comes: do-not-disturb may have begun meanwhile
        self._still_wanted = still_wanted
        self._current: int | None = None
        #: one toast at a time: concurrent first shows each opened a D-Bus connection in
        #: desktop-notifier (it connects lazily, unguarded) and raced on the rung choice
        self._one_at_a_time = asyncio.Lock()

    def close(self) -> None:
        """Release what the rungs hold (the native rung's bus connection)."""
        for rung in self._rungs:
            closing = getattr(rung, "close", None)
            if closing is not None:
                closing()

    async def restate(self, revise: Revise) -> None:
        """Bring the toasts still open up to date in place (``revise``: a toast as first
        shown -> as it should read now). Only a rung that can replace does it; for the
        others the list's row is the truth. Not a new interruption: do-not-disturb is not
        asked, and nothing closed is shown again."""
        async with self._one_at_a_time:
            rung = None if self._current is None else self._rungs[self._current]
            restating = getattr(rung, "restate", None)
            if restating is None:
                return
            try:
                await restating(revise)
            except Exception:
                # the toasts keep their first content; the rows say who has the item
                log.warning(
                    "toast backend %s could not update its toasts", self.active, exc_info=True
                )

    @property
    def active(self) -> str | None:
        """The name of the rung in use; None until the first toast probed the ladder."""
        return None if self._current is None else self._rungs[self._current].name

    async def show(self, toast: Toast) -> None:
        async with self._one_at_a_time:
            if self._still_wanted(toast):
                await self._show(toast)
            else:
                log.info("toast dropped in the queue (do-not-disturb or quiet hours began)")

    async def _show(self, toast: Toast) -> None:
        start = 0 if self._current is None else self._current
        for index in range(start, len(self._rungs)):
            rung = self._rungs[index]
            if index != self._current and not await rung.probe():
                continue
            self._current = index
            try:
                await rung.show(toast)
            except Exception:
                # degraded, not broken: the next rung shows it (the traceback says why)
                log.warning("toast backend %s failed; falling back", rung.name, exc_info=True)
                continue
            return
        log.error("no toast backend could show %r", toast.title)
