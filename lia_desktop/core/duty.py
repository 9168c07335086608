"""Who is on duty *now* (issue 17): what each admin chose, kept to those connected.

``public.admin_duty`` (the roster) holds what each admin picked, and it outlives the
app: an admin who chose Available and then closed the laptop stayed "on duty". Each
app tracks itself on the private presence channel ``admins_on_duty``, keyed by its
admin id, and Realtime drops it when its socket goes. So an admin is on duty now when
they are present there and their roster duty is not Off duty (Away is marked).

Names come from the roster (the server's), never from another client's presence
meta: Realtime does not authenticate presence keys, so a key is only an admin id some
admin's app claimed. A key that is not an admin id on the roster (a stale roster, a
hostile client) is ignored: it has no name the server vouches for.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from lia_desktop.core.i18n import Translate
from lia_desktop.core.models import ClaimBoard, Duty


@dataclass(frozen=True, slots=True)
class OnDuty:
    """An admin on duty now: their roster name, and whether they said Away."""

    admin: uuid.UUID
    name: str
    away: bool


def present_admins(keys: Iterable[str]) -> frozenset[uuid.UUID]:
    """The admin ids among the presence keys (a key that is no UUID names nobody)."""
    present: set[uuid.UUID] = set()
    for key in keys:
        try:
            present.add(uuid.UUID(key))
        except ValueError:
            continue
    return frozenset(present)


def on_duty_now(board: ClaimBoard) -> tuple[OnDuty, ...]:
    """The roster's admins who are present and not Off duty, by name. While presence is
    not known (``board.present`` None: not joined yet, a server without the channel)
    the roster's choice alone decides, as before the channel existed."""
    chosen = [
        entry
        for entry in board.duty.values()
        if entry.duty is not Duty.OFF_DUTY
        and (board.present is None or entry.admin in board.present)
    ]
    chosen.sort(key=lambda entry: (entry.name.casefold(), entry.admin))
    return tuple(OnDuty(entry.admin, entry.name, entry.duty is Duty.AWAY) for entry in chosen)


def on_duty_names(translate: Translate, people: tuple[OnDuty, ...] | None) -> str:
    """ "Ana, Luis (away)", or "Nobody" (the stats window's list under its own label);
    ``people`` None: not known, this app is not connected (the last list seen may be stale:
    who left meanwhile cannot be told)."""
    if people is None:
        return translate("Duty", "Not known while not connected")
    if not people:
        return translate("Duty", "Nobody")
    return ", ".join(
        translate("Duty", "{name} (away)").format(name=person.name) if person.away else person.name
        for person in people
    )


def on_duty_line(translate: Translate, people: tuple[OnDuty, ...] | None) -> str:
    """ "On duty: Ana, Luis (away)", or "Nobody is on duty" (the center's one line); None:
    not known while this app is offline."""
    if people is None:
        return translate("Duty", "On duty: not known while not connected")
    if not people:
        return translate("Duty", "Nobody is on duty")
    return translate("Duty", "On duty: {names}").format(names=on_duty_names(translate, people))
