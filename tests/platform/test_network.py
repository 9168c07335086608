"""Network reachability: one boolean that changes only when the answer flips."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from lia_desktop.ui.network import NetworkMonitor, Reachability, is_reachable


@pytest.mark.parametrize(
    ("reachability", "expected"),
    [
        (Reachability.Online, True),
        (Reachability.Site, True),
        (Reachability.Unknown, True),
        (Reachability.Local, False),
        (Reachability.Disconnected, False),
    ],
)
def test_what_counts_as_reachable(reachability: Reachability, expected: bool) -> None:
    assert is_reachable(reachability) is expected


def test_emits_only_on_a_flip(qapp: QApplication) -> None:
    monitor = NetworkMonitor()
    assert monitor.reachable  # this machine is online, or there is no backend (Unknown)
    seen: list[bool] = []
    monitor.reachability_changed.connect(seen.append)
    for step in (
        Reachability.Online,
        Reachability.Disconnected,
        Reachability.Local,
        Reachability.Site,
        Reachability.Online,
    ):
        monitor.update(step)
    assert seen == [False, True]
