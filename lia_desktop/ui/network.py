"""Network reachability from the OS (QNetworkInformation) as one boolean signal.

The supervisor's own backoff would find the network again eventually; this
tells it at once, so coming back online (new Wi-Fi, VPN up, cable in) rebuilds
the realtime socket immediately. Wire ``reachability_changed(True)`` to the
supervisor's ``network_changed()``.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QNetworkInformation

log = logging.getLogger(__name__)

Reachability = QNetworkInformation.Reachability

# Unknown counts as reachable: without a backend we must not claim to be offline.
# Site (an intranet) may well hold a self-hosted Supabase; Local means no route out.
_REACHABLE = frozenset({Reachability.Online, Reachability.Site, Reachability.Unknown})


def is_reachable(reachability: QNetworkInformation.Reachability) -> bool:
    return reachability in _REACHABLE


class NetworkMonitor(QObject):
    """Emits ``reachability_changed(bool)`` only when the answer flips."""

    reachability_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.reachable = True
        self.backend: str | None = None
        if not QNetworkInformation.loadBackendByFeatures(QNetworkInformation.Feature.Reachability):
            log.info("no network information backend: relying on reconnect backoff only")
            return
        info = QNetworkInformation.instance()
        self.backend = info.backendName()
        self.reachable = is_reachable(info.reachability())
        info.reachabilityChanged.connect(self.update)

    def update(self, reachability: QNetworkInformation.Reachability) -> None:
        reachable = is_reachable(reachability)
        if reachable != self.reachable:
            self.reachable = reachable
            log.info(
                "network %s (%s)", "reachable" if reachable else "unreachable", reachability.name
            )
            self.reachability_changed.emit(reachable)
