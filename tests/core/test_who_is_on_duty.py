"""Who is on duty now (issue 17): the roster's choice, kept to the admins present."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from lia_desktop.core.claims import Claims
from lia_desktop.core.duty import OnDuty, on_duty_line, on_duty_names, on_duty_now, present_admins
from lia_desktop.core.i18n import english
from lia_desktop.core.models import ClaimBoard, Duty, DutyEntry

T0 = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
ANA, LUIS, MARTA, ME = (uuid.UUID(int=n) for n in (1, 2, 3, 4))
ROSTER = {
    ANA: DutyEntry(ANA, "Ana", Duty.AVAILABLE, T0),
    LUIS: DutyEntry(LUIS, "luis", Duty.AWAY, T0),
    MARTA: DutyEntry(MARTA, "Marta", Duty.OFF_DUTY, T0),
    ME: DutyEntry(ME, "Me", Duty.AVAILABLE, T0),
}


def test_presence_keys_that_are_no_admin_id_name_nobody() -> None:
    keys = [str(ANA), "not-an-id", "", str(ANA).upper()]
    assert present_admins(keys) == frozenset({ANA})


def test_only_present_admins_who_are_not_off_duty_are_on_duty_away_marked() -> None:
    present = frozenset({ANA, LUIS, MARTA, uuid.UUID(int=99)})  # 99: a key not on the roster
    board = ClaimBoard(ME, {}, ROSTER, present)
    assert on_duty_now(board) == (OnDuty(ANA, "Ana", False), OnDuty(LUIS, "luis", True))


def test_an_available_admin_who_left_is_not_on_duty() -> None:
    assert on_duty_now(ClaimBoard(ME, {}, ROSTER, frozenset({MARTA}))) == ()


def test_unknown_presence_leaves_the_roster_to_decide() -> None:
    names = [person.name for person in on_duty_now(ClaimBoard(ME, {}, ROSTER, None))]
    assert names == ["Ana", "luis", "Me"]


def test_the_words_name_each_admin_and_mark_the_away() -> None:
    people = (OnDuty(ANA, "Ana", False), OnDuty(LUIS, "Luis", True))
    assert on_duty_line(english, people) == "On duty: Ana, Luis (away)"
    assert on_duty_names(english, people) == "Ana, Luis (away)"
    assert on_duty_line(english, ()) == "Nobody is on duty"
    assert on_duty_names(english, ()) == "Nobody"


def test_the_board_carries_who_is_present_once_known() -> None:
    claims = Claims(ME)
    assert claims.board().present is None
    assert claims.set_present(frozenset({ANA}))
    assert not claims.set_present(frozenset({ANA}))
    assert claims.board().present == frozenset({ANA})


def test_not_connected_the_words_say_it_is_not_known() -> None:
    """The presence last seen cannot tell who left while this app was not connected."""
    assert on_duty_names(english, None) == "Not known while not connected"
    assert on_duty_line(english, None) == "On duty: not known while not connected"
