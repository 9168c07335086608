"""Red team 3 (issue 17): a roster fetched again is the team as it is now. ``replace_duty``
only merged the fetched rows into the ones held, so an admin who lost the role (or whose
account was deleted) while the app ran stayed on its roster through every reconnect and
wake: "Give to…" kept offering them (the server then refused), and with presence unknown
they were still "on duty". Only a restart forgot them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from lia_desktop.core.claims import Claims, give_to_choices
from lia_desktop.core.models import ClaimKey, Duty, DutyEntry

T0 = datetime(2026, 11, 30, 12, tzinfo=UTC)
ME = uuid.UUID(int=1)
ANA = uuid.UUID(int=2)
LUIS = uuid.UUID(int=3)


def test_an_admin_missing_from_a_fetched_roster_is_off_the_team() -> None:
    claims = Claims(ME)
    team = [
        DutyEntry(admin, name, Duty.AVAILABLE, T0)
        for admin, name in ((ME, "Laura"), (ANA, "Ana"), (LUIS, "Luis"))
    ]
    assert claims.replace_duty(team)
    assert claims.replace_duty([team[0], team[2]])  # Ana lost the admin role meanwhile
    board = claims.board()
    assert set(board.duty) == {ME, LUIS}
    assert [e.name for e in give_to_choices(board, ClaimKey("disputes", 7))] == ["Luis"]
    assert not claims.replace_duty([team[0], team[2]])  # the same team again: no change
