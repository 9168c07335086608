"""Sync and claims (issue 17): fetched in every catch-up, applied live, the newest wins."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from lia_desktop.core.duty import on_duty_line, on_duty_now
from lia_desktop.core.feed import FeedUpdate, NotificationFeed
from lia_desktop.core.i18n import english
from lia_desktop.core.models import ClaimBoard, ClaimKey, Duty
from lia_desktop.services.errors import ServerError
from lia_desktop.services.supervisor import ChangeEvent
from lia_desktop.services.sync import FeedStateStore, Sync
from tests.services.test_sync import ADMIN_ID, Recorder, TableServer, row

ANA = "00000000-0000-4000-a000-0000000000bb"
DISPUTE = ClaimKey("disputes", 7)


def claim_row(holder: str | None, since: str, name: str = "Ana") -> dict[str, Any]:
    return {
        "item_type": "disputes",
        "item_id": 7,
        "holder": holder,
        "holder_name": name if holder else None,
        "since": since,
        "mine": holder == ADMIN_ID,
    }


def duty_row(admin: str, name: str, status: str, since: str) -> dict[str, Any]:
    return {"admin": admin, "admin_name": name, "status": status, "since": since}


class ClaimServer(TableServer):
    """TableServer with claims: ``held`` rows; a claim is won only on a free item."""

    def __init__(self) -> None:
        super().__init__()
        self.held: dict[tuple[str, int], dict[str, Any]] = {}
        self.duty: dict[str, dict[str, Any]] = {}
        self.claims_missing = False
        self.resolved: set[int] = set()

    async def _call(self, function: str, params: Mapping[str, Any] | None = None) -> Any:
        params = params or {}
        if function == "admin_claims_held":
            self.calls.append(function)
            if self.claims_missing:
                raise ServerError("PGRST202: no function admin_claims_held")
            return [
                {**row, "resolved": row["item_id"] in self.resolved}
                for row in self.held.values()
                if row["holder"] is not None
            ]
        if function == "admin_duty_roster":
            self.calls.append(function)
            return list(self.duty.values())
        if function == "admin_set_duty":
            self.calls.append(function)
            row = duty_row(ADMIN_ID, "Me", params["status"], "2026-11-24T10:09:00+00:00")
            self.duty[ADMIN_ID] = row
            return row
        if function == "admin_claim":
            self.calls.append(function)
            key = (params["item_type"], params["item_id"])
            row = self.held.get(key)
            if row is None or row["holder"] is None:
                row = self.held[key] = claim_row(ADMIN_ID, "2026-11-24T10:05:00+00:00", "Me")
            return {**row, "mine": row["holder"] == ADMIN_ID}
        return await super()._call(function, params)


def make(
    tmp_path: Path, server: TableServer, boards: list[ClaimBoard], recorder: Recorder | None = None
) -> Sync:
    return Sync(
        server,
        FeedStateStore(tmp_path / "feed.json"),
        recorder or Recorder(),
        admin_id=ADMIN_ID,
        web_admin_url="https://admin",
        on_claims=boards.append,
    )


def change(record: dict[str, Any]) -> ChangeEvent:
    return ChangeEvent("admin_claims", "UPDATE", record, {}, "2026-11-24T10:00:00Z")


async def test_a_catch_up_fetches_who_holds_what_and_changes_apply_live(tmp_path: Path) -> None:
    server = ClaimServer()
    server.held[("disputes", 7)] = claim_row(ANA, "2026-11-24T10:00:00+00:00")
    boards: list[ClaimBoard] = []
    sync = make(tmp_path, server, boards)
    await sync.catch_up()
    assert [b.held[DISPUTE].holder_name for b in boards] == ["Ana"]

    server.held[("disputes", 7)] = claim_row(None, "2026-11-24T10:02:00+00:00")
    sync.on_change(change(server.held[("disputes", 7)]))  # Ana released
    sync.on_change(change(claim_row(ANA, "2026-11-24T10:00:00+00:00")))  # an old echo
    assert [dict(b.held) for b in boards[1:]] == [{}]

    mine = await sync.claim(DISPUTE)
    assert (mine.holder, boards[-1].held[DISPUTE]) == (uuid.UUID(ADMIN_ID), mine)
    assert boards[-1].me == uuid.UUID(ADMIN_ID)


async def test_a_claim_of_a_taken_item_answers_who_has_it(tmp_path: Path) -> None:
    server = ClaimServer()
    boards: list[ClaimBoard] = []
    sync = make(tmp_path, server, boards)
    await sync.catch_up()
    server.held[("disputes", 7)] = claim_row(ANA, "2026-11-24T10:00:00+00:00")
    taken = await sync.claim(DISPUTE)
    assert (taken.holder, taken.holder_name) == (uuid.UUID(ANA), "Ana")
    assert boards[-1].held == {DISPUTE: taken}


async def test_a_server_without_claims_still_catches_up(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server = ClaimServer()
    server.claims_missing = True
    boards: list[ClaimBoard] = []
    sync = make(tmp_path, server, boards)
    with caplog.at_level(logging.WARNING):
        await sync.catch_up()
    assert sync.catch_ups == 1
    assert boards == []
    assert "claims or duty not fetched" in caplog.text


async def test_without_a_claims_listener_no_claim_is_fetched(tmp_path: Path) -> None:
    server = ClaimServer()
    sync = Sync(
        server,
        FeedStateStore(tmp_path / "feed.json"),
        Recorder(),
        admin_id=ADMIN_ID,
        web_admin_url="https://admin",
    )
    await sync.catch_up()
    sync.on_change(change(claim_row(ANA, "2026-11-24T10:00:00+00:00")))
    assert "admin_claims_held" not in server.calls
    held = sync.claims.get(DISPUTE)  # held here all the same: a claim of this admin answers
    assert held is not None
    assert (held.holder, held.holder_name) == (uuid.UUID(ANA), "Ana")


async def test_duty_is_fetched_set_and_heard_live(tmp_path: Path) -> None:
    server = ClaimServer()
    server.duty[ANA] = duty_row(ANA, "Ana", "available", "2026-11-24T10:00:00+00:00")
    boards: list[ClaimBoard] = []
    sync = make(tmp_path, server, boards)
    await sync.catch_up()
    assert on_duty_line(english, on_duty_now(boards[-1])) == "On duty: Ana"
    await sync.set_duty(Duty.AWAY)
    assert boards[-1].my_duty is Duty.AWAY
    record = {"admin_id": ANA, "admin_name": "Ana", "status": "off_duty",
              "since": "2026-11-24T10:10:00+00:00"}  # fmt: skip
    sync.on_change(ChangeEvent("admin_duty", "UPDATE", record, {}, "2026-11-24T10:10:00Z"))
    assert on_duty_line(english, on_duty_now(boards[-1])) == "On duty: Me (away)"


def dispute_row(i: int, dispute: int) -> dict[str, Any]:
    return row(i) | {
        "type": "dispute_opened",
        "priority": "high",
        "title": "New dispute",
        "entity_table": "disputes",
        "entity_id": str(dispute),
        "action_path": f"/admin/disputes/{dispute}",
    }


class ToastRecorder(Recorder):
    def __init__(self) -> None:
        super().__init__()
        self.toast_titles: list[str] = []

    def feed_changed(self, update: FeedUpdate, feed: NotificationFeed) -> None:
        self.toast_titles.extend(t.title for t in update.toasts)
        super().feed_changed(update, feed)


async def test_an_unresolved_claim_of_mine_toasts_again_once_a_resolved_one_does_not(
    tmp_path: Path,
) -> None:
    server = ClaimServer()
    server.rows = [dispute_row(1, 7), dispute_row(2, 8)]
    since = "2026-11-24T10:00:00+00:00"  # long ago: due at once
    server.held[("disputes", 7)] = claim_row(ADMIN_ID, since, "Me")
    server.held[("disputes", 8)] = claim_row(ADMIN_ID, since, "Me") | {"item_id": 8}
    server.resolved = {8}
    recorder = ToastRecorder()
    sync = make(tmp_path, server, [], recorder)
    await sync.catch_up()
    for _ in range(20):  # the reminder's timer, its task and its RPC
        await asyncio.sleep(0.01)
    reminders = [t for t in recorder.toast_titles if t.startswith("Still yours")]
    assert reminders == ["Still yours: New dispute"]
    await sync.catch_up()  # a reconnect reminds no one twice
    await asyncio.sleep(0.05)
    assert [t for t in recorder.toast_titles if t.startswith("Still yours")] == reminders
    assert server.calls.count("admin_claims_held") == 3  # two catch-ups, one reminder check
    await sync.close()


async def test_an_urgent_item_nobody_claimed_toasts_again_and_a_claimed_one_does_not(
    tmp_path: Path,
) -> None:
    server = ClaimServer()
    server.held[("disputes", 8)] = claim_row(ANA, "2026-11-24T10:01:00+00:00") | {"item_id": 8}
    recorder = ToastRecorder()
    sync = make(tmp_path, server, [], recorder)
    await sync.catch_up()
    for i, dispute in ((1, 7), (2, 8)):  # escalated long ago (the rows' created_at): due
        escalated = dispute_row(i, dispute) | {"type": "dispute_escalated", "priority": "urgent"}
        sync.on_change(ChangeEvent("admin_notifications", "INSERT", escalated, {}, "now"))
    await asyncio.sleep(0.05)
    nobody = [t for t in recorder.toast_titles if t.startswith("Nobody has claimed")]
    assert nobody == ["Nobody has claimed: Dispute escalated"]  # dispute 7; Ana has 8
    await sync.catch_up()
    assert [t for t in recorder.toast_titles if t.startswith("Nobody has claimed")] == nobody
    await sync.close()


async def test_another_admins_claim_left_unresolved_reaches_the_team_too(tmp_path: Path) -> None:
    server = ClaimServer()
    server.rows = [dispute_row(1, 7)]
    server.held[("disputes", 7)] = claim_row(ANA, "2026-11-24T10:00:00+00:00")  # long ago
    recorder = ToastRecorder()
    sync = make(tmp_path, server, [], recorder)
    await sync.catch_up()
    for _ in range(20):
        await asyncio.sleep(0.01)
    assert [t for t in recorder.toast_titles if t.startswith("Still")] == [
        "Still open: New dispute"
    ]
    await sync.close()
