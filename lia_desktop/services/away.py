"""Away while the screen is locked or the computer sleeps (issue 17): the signals and the calls.

The screen lockers of the Linux desktops announce themselves on the session bus with
``ActiveChanged(b)``: ``org.freedesktop.ScreenSaver`` (KDE, light-locker, many others),
``org.gnome.ScreenSaver`` (GNOME), and the MATE, Cinnamon and Xfce lockers under their own
names. :class:`ScreenLockWatcher` listens to all of them; sleep and wake come from logind's
``PrepareForSleep`` (``services.power.SleepWatcher``). logind's own session ``Lock`` and
``Unlock`` signals are not used: they ask the locker to lock, they do not say it did.

Windows and macOS are not there yet: Qt has no screen-lock signal, and the platforms' own
(``WTSRegisterSessionNotification``, ``com.apple.screenIsLocked``) need native event hooks
this app does not have; there the watcher says so in the log and the admin sets Away from
the tray menu. :class:`AwayKeeper` applies ``core.away``'s decisions to the server, one at
a time, so an unlock never overtakes the Away it undoes.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime

from dbus_fast import BusType, Message, MessageType
from dbus_fast.aio import MessageBus

from lia_desktop.core.away import Absence, AwayWhileAbsent, back_toast
from lia_desktop.core.i18n import Translate
from lia_desktop.core.models import ClaimBoard, Duty, DutyEntry, Toast
from lia_desktop.services.errors import ServiceError
from lia_desktop.services.power import add_match
from lia_desktop.services.tasks import BackgroundTasks

log = logging.getLogger(__name__)

ACTIVE_CHANGED = "ActiveChanged"
#: the screen lockers' bus names; each announces on an interface of the same name
LOCKERS = (
    "org.freedesktop.ScreenSaver",
    "org.gnome.ScreenSaver",
    "org.mate.ScreenSaver",
    "org.cinnamon.ScreenSaver",
    "org.xfce.ScreenSaver",
)


def match_rule(locker: str) -> str:
    """Signals from whoever owns ``locker`` (the bus keeps everybody else's out)."""
    return f"type='signal',sender='{locker}',interface='{locker}',member='{ACTIVE_CHANGED}'"


def lock_signal(message: Message) -> bool | None:
    """True: the screen locked; False: unlocked; None: not a locker's ``ActiveChanged(b)``."""
    if (
        message.message_type is MessageType.SIGNAL
        and message.interface in LOCKERS
        and message.member == ACTIVE_CHANGED
        and message.signature == "b"
    ):
        return bool(message.body[0])
    return None


class ScreenLockWatcher:
    """Calls ``on_lock_changed(locked)`` when a screen locker on the session bus says so.

    ``bus_address`` None means the session bus of ``DBUS_SESSION_BUS_ADDRESS``.
    """

    def __init__(
        self, on_lock_changed: Callable[[bool], None], bus_address: str | None = None
    ) -> None:
        self._on_lock_changed = on_lock_changed
        self._address = bus_address
        self._bus: MessageBus | None = None

    async def start(self) -> bool:
        """Subscribe; False (logged once, not raised) without a session bus, where no locker
        can be listened to, and on Windows and macOS (not there yet)."""
        if self._address is None and not sys.platform.startswith("linux"):
            log.info("screen lock is not watched on %s: Away only from the tray menu", sys.platform)
            return False
        try:
            bus = await MessageBus(bus_address=self._address, bus_type=BusType.SESSION).connect()
        except (OSError, ValueError, EOFError) as exc:  # no socket / no bus address / auth refused
            log.info("no session bus (%s): screen lock is not watched", exc)
            return False
        bus.add_message_handler(self._handle)
        watched = [locker for locker in LOCKERS if await add_match(bus, match_rule(locker))]
        if not watched:
            log.info("no screen locker could be subscribed to: screen lock is not watched")
            bus.disconnect()
            return False
        self._bus = bus
        return True

    def _handle(self, message: Message) -> None:
        locked = lock_signal(message)
        if locked is None:
            return
        log.info("screen %s (%s)", "locked" if locked else "unlocked", message.interface)
        try:
            self._on_lock_changed(locked)
        except Exception:  # a bad callback must not kill the bus reader
            log.exception("screen lock callback failed")

    async def stop(self) -> None:
        if self._bus is not None:
            self._bus.disconnect()
            await self._bus.wait_for_disconnect()  # type: ignore[no-untyped-call]  # untyped upstream
            self._bus = None


#: seconds a screen stays locked before the team sees the admin Away: a lock undone sooner
#: (a glance away, a locker flickering) writes nothing every other admin's app hears. Sleep
#: has none: the computer is gone at once.
LOCK_GRACE = 5.0
#: seconds between tries at setting Available again: a computer that woke reaches the
#: network within seconds, or a minute on a slow Wi-Fi
BACK_RETRY_DELAYS = (2.0, 5.0, 10.0, 30.0, 60.0)


class AwayKeeper:
    """Sets the admin Away while absent and back when present, as ``core.away`` decides.

    ``set_duty`` sets this admin's duty on the server and returns the roster row it got
    back (None: not signed in); ``board`` is the roster the app holds now and ``reload``
    fetches it again from the server (after a sleep it can be stale: a duty picked on
    another device meanwhile must win over the app's undo); ``enabled`` the admin's
    setting; ``tell`` shows the toast on return. Each signal is handled after the one
    before it has its answer.
    """

    def __init__(
        self,
        set_duty: Callable[[Duty], Awaitable[DutyEntry | None]],
        board: Callable[[], ClaimBoard],
        reload: Callable[[], Awaitable[None]],
        enabled: Callable[[], bool],
        tell: Callable[[Toast], None],
        translate: Translate,
        now: Callable[[], datetime] = lambda: datetime.now().astimezone(),
        retry_delays: tuple[float, ...] = BACK_RETRY_DELAYS,
        lock_grace: float = LOCK_GRACE,
    ) -> None:
        self._set_duty = set_duty
        self._board = board
        self._reload = reload
        self._enabled = enabled
        self._tell = tell
        self._translate = translate
        self._now = now
        self._retry_delays = retry_delays
        self._lock_grace = lock_grace
        self._locked = False
        self._decisions = AwayWhileAbsent()
        self._turn = asyncio.Lock()
        self._tasks = BackgroundTasks("away", expected=(ServiceError,))
        self._last: asyncio.Task[None] | None = None

    def screen_lock_changed(self, locked: bool) -> None:
        self._locked = locked
        self._changed(Absence.LOCKED, locked)

    def sleeping(self) -> None:
        self._changed(Absence.ASLEEP, True)

    def woke(self) -> None:
        self._changed(Absence.ASLEEP, False)

    def _changed(self, absence: Absence, absent: bool) -> None:
        if absent:
            task = self._tasks.spawn(self._absent(absence), f"away: {absence.value}")
        else:
            task = self._tasks.spawn(self._present(absence), f"back: {absence.value}")
        self._last = task

    async def idle(self) -> None:
        """Until the signals handed so far have been handled (one at a time, so the last
        one's end): the computer's sleep waits for this, so the Away reaches the server."""
        if self._last is not None:
            await asyncio.wait({self._last})

    async def _absent(self, absence: Absence) -> None:
        if absence is Absence.LOCKED:
            await asyncio.sleep(self._lock_grace)
            if not self._locked:
                return  # unlocked within the grace: nothing to set, nothing to undo
        async with self._turn:
            duty = self._board().my_duty
            if not self._decisions.absent(absence, duty, self._enabled(), self._now()):
                return
            entry = None
            try:
                entry = await self._set_duty(Duty.AWAY)
            finally:
                self._decisions.went_away(entry)

    def _mine(self) -> DutyEntry | None:
        board = self._board()
        return None if board.me is None else board.duty.get(board.me)

    async def _present(self, absence: Absence) -> None:
        """Undo the app's Away, trying again while the network comes back after a wake
        (the last failure is logged by the tasks); a signal meanwhile is handled in between."""
        async with self._turn:
            if self._decisions.present(absence, self._mine()) is None:
                return
        for delay in (*self._retry_delays, None):
            async with self._turn:
                try:
                    await self._reload()
                    auto = self._decisions.to_undo(self._mine())
                    if auto is None:
                        return
                    entry = await self._set_duty(Duty.AVAILABLE)
                except ServiceError as exc:
                    if delay is None:
                        self._decisions.undone()
                        raise
                    log.info("could not set Available again (%s); next try in %s s", exc, delay)
                else:
                    self._decisions.undone()
                    if entry is not None:
                        self._tell(back_toast(self._translate, auto, self._now()))
                    return
            await asyncio.sleep(delay)

    async def close(self) -> None:
        await self._tasks.close()
