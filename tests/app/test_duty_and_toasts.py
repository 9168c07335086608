"""This admin's duty decides which toasts may interrupt them (issue 17): off duty none,
away only urgent ones; the items stay in the list and the badge either way."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from lia_desktop.core.models import (
    ClaimBoard,
    Duty,
    DutyEntry,
    Priority,
    Toast,
    ToastAction,
    ToastButton,
    ToastUrgency,
)
from tests.app.conftest import AppFactory
from tests.app.test_menu_settings_instance import OFFLINE

ME = uuid.UUID("00000000-0000-4000-a000-0000000000aa")


def toast(priority: Priority) -> Toast:
    center = ToastButton("Open notifications", ToastAction.OPEN_NOTIFICATIONS)
    return Toast("t", "b", priority, ToastUrgency.NORMAL, (1,), center)


@pytest.mark.parametrize(
    ("duty", "shown"),
    [(Duty.AVAILABLE, [True, True]), (Duty.AWAY, [False, True]), (Duty.OFF_DUTY, [False, False])],
)
def test_the_ladder_asks_this_admins_duty_when_a_toast_gets_its_turn(
    make_app: AppFactory, duty: Duty, shown: list[bool]
) -> None:
    app = make_app(OFFLINE)
    entry = DutyEntry(ME, "Laura", duty, datetime(2026, 11, 24, tzinfo=UTC))
    app.state.publish_claims(ClaimBoard(ME, duty={ME: entry}))
    wanted = app.ladder._still_wanted  # what the ladder asks when a queued toast's turn comes
    assert [wanted(toast(p)) for p in (Priority.HIGH, Priority.URGENT)] == shown
