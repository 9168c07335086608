"""The one place where services' plain callbacks become Qt signals.

Services (asyncio, no Qt) are handed the ``publish_*`` methods as callbacks.
Under qasync they are called on the GUI thread and the signal is emitted at
once; if one is ever called from another thread (an executor, a library's
worker), the value is queued to the bridge's thread first, so widgets are only
touched on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, Qt, QThread, Signal, SignalInstance

from lia_desktop.core.models import (
    ConnectionState,
    DashboardStats,
    Notification,
    PresenceActivity,
    Toast,
)


class Bridge(QObject):
    connection_changed = Signal(object)  # ConnectionState
    notifications_changed = Signal(object)  # tuple[Notification, ...], the feed as it now is
    unread_changed = Signal(int)
    stats_changed = Signal(object)  # DashboardStats
    presence_changed = Signal(object)  # PresenceActivity
    toast_requested = Signal(object)  # Toast
    _queued = Signal(object, object)  # (signal, value) from a foreign thread

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._queued.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def publish_connection(self, state: ConnectionState) -> None:
        self._publish(self.connection_changed, state)

    def publish_notifications(self, items: Sequence[Notification], unread: int) -> None:
        self._publish(self.notifications_changed, tuple(items))
        self._publish(self.unread_changed, unread)

    def publish_stats(self, stats: DashboardStats) -> None:
        self._publish(self.stats_changed, stats)

    def publish_presence(self, presence: PresenceActivity) -> None:
        self._publish(self.presence_changed, presence)

    def publish_toast(self, toast: Toast) -> None:
        self._publish(self.toast_requested, toast)

    def _publish(self, signal: SignalInstance, value: object) -> None:
        if QThread.currentThread() is self.thread():
            signal.emit(value)
        else:
            self._queued.emit(signal, value)

    def _deliver(self, signal: SignalInstance, value: object) -> None:
        signal.emit(value)
