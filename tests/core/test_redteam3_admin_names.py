"""Red team 3 (issue 17): admins' names as every other admin's app shows them. A name of
blank characters only (a space, U+2800, which SQL keeps and core.text.plain drops) was
shown as nothing: an empty "Give to…" entry, "Taken by ", "On duty: , Luis", and "Former
admin claimed" in a trail (history_words reads "" as a removed admin). A 200-character
word made the center ~1550 px wide. Names are bounded and never blank."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from lia_desktop.core import wire
from lia_desktop.core.claims import claim_words, give_to_label, history_words
from lia_desktop.core.i18n import english
from lia_desktop.core.models import ClaimBoard

T0 = datetime(2026, 11, 30, 12, tzinfo=UTC)
ADMIN = uuid.UUID("1a2b3c4d-0000-4000-8000-000000000007")
ME = uuid.UUID(int=1)


@pytest.mark.parametrize("blank", [" ", "\u2800 ", "\u200b\n\t"])
def test_a_blank_admin_name_names_the_admin_by_their_id(blank: str) -> None:
    entry = wire.parse_duty(
        {"admin": str(ADMIN), "admin_name": blank, "status": "available", "since": T0.isoformat()}
    )
    assert give_to_label(english, entry) == "Admin 1a2b3c4d"
    claim = wire.parse_claim(
        {
            "item_type": "disputes",
            "item_id": 4,
            "holder": str(ADMIN),
            "holder_name": blank,
            "since": T0.isoformat(),
        }
    )
    assert claim_words(english, ClaimBoard(ME), claim, T0).startswith("Taken by Admin 1a2b3c4d")
    trail = wire.parse_history(
        [
            {"action": "claim", "actor": str(ADMIN), "actor_name": blank, "at": T0.isoformat()},
            {"action": "reassign", "actor": str(ADMIN), "actor_name": blank, "at": T0.isoformat(),
             "after": {"holder": str(ADMIN), "holder_name": blank}},
        ]
    )  # fmt: skip
    words = history_words(english, trail)
    assert words.startswith("Admin 1a2b3c4d claimed")
    assert "gave it to Admin 1a2b3c4d" in words
    assert "Former admin" not in words


def test_a_trail_without_a_name_still_reads_as_a_former_admin() -> None:
    """A contract older than 20261130151500 sent no name for a removed admin's actions."""
    trail = wire.parse_history(
        [{"action": "claim", "actor": str(ADMIN), "actor_name": None, "at": T0.isoformat()}]
    )
    assert history_words(english, trail).startswith("Former admin claimed")


def test_a_long_name_is_bounded_on_arrival() -> None:
    entry = wire.parse_duty(
        {"admin": str(ADMIN), "admin_name": "Ana" * 70, "status": "away", "since": T0.isoformat()}
    )
    assert len(entry.name) == wire.MAX_ADMIN_NAME_CHARS
    assert entry.name.endswith("…")
