"""The app's state as the windows see it: one owner, frozen values, a signal per change.

napari's habit: the model knows nothing of views; the tray, the notification
center and the stats window *bind* to this object (connect, then render what
it holds now) and never keep copies. Services (asyncio, no Qt) are handed the
``publish_*`` methods as callbacks: under qasync they run on the GUI thread
and emit at once; from another thread (an executor, a library's worker) the
value is queued to this object's thread first, so widgets are only touched on
the GUI thread.

Signed out is a state like any other: :meth:`sign_out` drops every figure and
item of the account, so no window can show the previous admin's data.

The outage (core.outage) is derived here from the connection changes, with a
timer for its one announcement: the tray says it once, the stats header shows
since when.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal

from lia_desktop.core.duty import OnDuty, on_duty_now
from lia_desktop.core.models import (
    ClaimBoard,
    ConnectionPhase,
    ConnectionState,
    DashboardStats,
    FeedView,
    Notification,
    PresenceActivity,
    Toast,
)
from lia_desktop.core.outage import NOTICE_AFTER, Outage

SIGNED_OUT = ConnectionState(ConnectionPhase.SIGNED_OUT)


def _utc_now() -> datetime:
    return datetime.now(UTC)


class AppState(QObject):
    """What every window shows; each setter emits only when the value changed."""

    connection_changed = Signal(object)  # ConnectionState
    feed_changed = Signal(object)  # FeedView
    stats_changed = Signal(object)  # DashboardStats | None (None: nothing to show)
    presence_changed = Signal(object)  # PresenceActivity
    account_changed = Signal(object)  # str | None: the signed-in admin's email
    dnd_changed = Signal(object)  # datetime | None: do not disturb until
    toast_requested = Signal(object)  # Toast: an event, not state
    outage_changed = Signal(object)  # Outage: since when the app has not been live
    outage_announced = Signal(object)  # Outage: it lasted NOTICE_AFTER; an event, once each
    claims_changed = Signal(object)  # ClaimBoard: who holds which item
    on_duty_changed = Signal(object)  # tuple[OnDuty, ...] | None: on duty now (None: offline)
    claim_notice_changed = Signal(str)  # the answer to this admin's last claim ("" when won)
    _queued = Signal(object)  # a callable from a foreign thread

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        clock: Callable[[], datetime] = _utc_now,
        outage_notice_after: timedelta = NOTICE_AFTER,
    ) -> None:
        """``clock`` (aware wall-clock time) dates outages; tests shorten the notice delay."""
        super().__init__(parent)
        self.connection = SIGNED_OUT
        self.feed = FeedView()
        self.stats: DashboardStats | None = None
        self.presence = PresenceActivity()
        self.account: str | None = None
        self.dnd_until: datetime | None = None
        self.outage = Outage()
        self.claims = ClaimBoard()
        #: who is on duty now: the claims' roster kept to the admins present (core.duty);
        #: None while not live (the presence last seen cannot tell who left meanwhile)
        self.on_duty: tuple[OnDuty, ...] | None = None
        self.claim_notice = ""
        self._clock = clock
        self._notice_after = outage_notice_after
        self._outage_notice = QTimer(self)
        self._outage_notice.setSingleShot(True)
        self._outage_notice.timeout.connect(self._announce_outage)
        self._queued.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @property
    def signed_in(self) -> bool:
        return self.account is not None

    # --- from the services (any thread) ------------------------------------------------

    def publish_connection(self, state: ConnectionState) -> None:
        self._on_gui_thread(lambda: self._set_connection(state))

    def publish_feed(self, items: Sequence[Notification], unread: int) -> None:
        view = FeedView(tuple(items), unread)
        self._on_gui_thread(lambda: self._set_feed(view))

    def publish_stats(self, stats: DashboardStats) -> None:
        self._on_gui_thread(lambda: self._set_stats(stats))

    def publish_presence(self, presence: PresenceActivity) -> None:
        self._on_gui_thread(lambda: self._set_presence(presence))

    def publish_claims(self, claims: ClaimBoard) -> None:
        self._on_gui_thread(lambda: self._set_claims(claims))

    def publish_toast(self, toast: Toast) -> None:
        self._on_gui_thread(lambda: self.toast_requested.emit(toast))

    # --- from the app (GUI thread) ------------------------------------------------------

    def signed_in_as(self, email: str) -> None:
        if email != self.account:
            self.account = email
            self.account_changed.emit(email)

    def sign_out(self) -> None:
        """No account: every window drops what it showed of the last one."""
        self._set_connection(SIGNED_OUT)
        self._set_feed(FeedView())
        self._set_stats(None)
        self._set_presence(PresenceActivity())
        self._set_claims(ClaimBoard())
        self.set_claim_notice("")
        if self.account is not None:
            self.account = None
            self.account_changed.emit(None)

    def set_dnd_until(self, until: datetime | None) -> None:
        if until != self.dnd_until:
            self.dnd_until = until
            self.dnd_changed.emit(until)

    def set_claim_notice(self, notice: str) -> None:
        if notice != self.claim_notice:
            self.claim_notice = notice
            self.claim_notice_changed.emit(notice)

    def dispose(self) -> None:
        """The app is quitting: no outage announcement after this."""
        self._outage_notice.stop()

    # --- internals -----------------------------------------------------------------------

    def _set_connection(self, state: ConnectionState) -> None:
        if state != self.connection:
            self.connection = state
            self.connection_changed.emit(state)
            self._set_outage(self.outage.observe(state.phase, self._clock()))
            self._set_on_duty()

    def _set_outage(self, outage: Outage) -> None:
        if outage != self.outage:
            self.outage = outage
            self.outage_changed.emit(outage)
            self._schedule_outage_notice()

    def _schedule_outage_notice(self) -> None:
        at = self.outage.notice_at(self._notice_after)
        if at is None:
            self._outage_notice.stop()
            return
        wait_ms = math.ceil((at - self._clock()).total_seconds() * 1000)
        self._outage_notice.start(max(0, wait_ms))

    def _announce_outage(self) -> None:
        announced = self.outage.announce(self._clock(), self._notice_after)
        if announced is None:  # the wall clock was set back meanwhile: wait for it
            self._schedule_outage_notice()
            return
        self._set_outage(announced)
        self.outage_announced.emit(announced)

    def _set_feed(self, view: FeedView) -> None:
        if view != self.feed:
            self.feed = view
            self.feed_changed.emit(view)

    def _set_stats(self, stats: DashboardStats | None) -> None:
        if stats != self.stats:
            self.stats = stats
            self.stats_changed.emit(stats)

    def _set_claims(self, claims: ClaimBoard) -> None:
        if claims != self.claims:
            self.claims = claims
            self.claims_changed.emit(claims)
        self._set_on_duty()

    def _set_on_duty(self) -> None:
        live = self.connection.phase is ConnectionPhase.LIVE
        on_duty = on_duty_now(self.claims) if live else None
        if on_duty != self.on_duty:
            self.on_duty = on_duty
            self.on_duty_changed.emit(on_duty)

    def _set_presence(self, presence: PresenceActivity) -> None:
        if presence != self.presence:
            self.presence = presence
            self.presence_changed.emit(presence)

    def _on_gui_thread(self, apply: Callable[[], None]) -> None:
        if QThread.currentThread() is self.thread():
            apply()
        else:
            self._queued.emit(apply)

    def _deliver(self, apply: Callable[[], None]) -> None:
        apply()
