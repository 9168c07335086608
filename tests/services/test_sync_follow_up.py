"""Sync and issue 17's last pieces: handing an item to another admin (shown at once, like
a claim), and the admin's reminder and escalation delays applied to a running Sync."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from lia_desktop.core.claims import FollowUp
from lia_desktop.core.models import ClaimBoard
from lia_desktop.services.supervisor import ChangeEvent
from lia_desktop.services.sync import FeedStateStore, Sync
from tests.services.test_sync import ADMIN_ID
from tests.services.test_sync_claims import (
    ANA,
    DISPUTE,
    ClaimServer,
    ToastRecorder,
    claim_row,
    dispute_row,
)


class ReassignServer(ClaimServer):
    """ClaimServer that hands items on as ``admin_reassign`` does (to anyone it is told)."""

    async def _call(self, function: str, params: Mapping[str, Any] | None = None) -> Any:
        if function == "admin_reassign" and params is not None:
            self.calls.append(function)
            key = (params["item_type"], params["item_id"])
            self.held[key] = claim_row(params["to_admin"], "2026-11-24T10:16:00+00:00", "Ana")
            return self.held[key]
        return await super()._call(function, params)


def ago(minutes: int) -> str:
    return (datetime.now(UTC) - timedelta(minutes=minutes)).isoformat()


def started(tmp_path: Path, server: ClaimServer, recorder: ToastRecorder) -> Sync:
    return Sync(
        server,
        FeedStateStore(tmp_path / "feed.json"),
        recorder,
        admin_id=ADMIN_ID,
        web_admin_url="https://admin",
        on_claims=lambda board: None,
    )


async def settle() -> None:
    for _ in range(20):  # a timer, its task and its RPC
        await asyncio.sleep(0.01)


async def test_an_item_given_to_another_admin_is_theirs_here_at_once(tmp_path: Path) -> None:
    server = ReassignServer()
    boards: list[ClaimBoard] = []
    sync = Sync(
        server,
        FeedStateStore(tmp_path / "feed.json"),
        ToastRecorder(),
        admin_id=ADMIN_ID,
        web_admin_url="https://admin",
        on_claims=boards.append,
    )
    await sync.catch_up()
    given = await sync.reassign(DISPUTE, uuid.UUID(ANA))
    assert (given.holder, given.holder_name) == (uuid.UUID(ANA), "Ana")
    assert boards[-1].held == {DISPUTE: given}  # before any Realtime echo
    await sync.close()


async def test_a_shorter_reminder_delay_reminds_of_a_claim_at_once(tmp_path: Path) -> None:
    server = ClaimServer()
    server.rows = [dispute_row(1, 7)]
    server.held[("disputes", 7)] = claim_row(ADMIN_ID, ago(20), "Me")  # due at 30, not yet
    recorder = ToastRecorder()
    sync = started(tmp_path, server, recorder)
    await sync.catch_up()
    await settle()
    assert not [t for t in recorder.toast_titles if t.startswith("Still yours")]
    sync.apply_follow_up(FollowUp(remind_after=timedelta(minutes=15)))
    await settle()
    assert [t for t in recorder.toast_titles if t.startswith("Still yours")] == [
        "Still yours: New dispute"
    ]
    await sync.close()


async def test_a_shorter_escalation_delay_escalates_an_unclaimed_urgent_item_at_once(
    tmp_path: Path,
) -> None:
    server = ClaimServer()
    recorder = ToastRecorder()
    sync = started(tmp_path, server, recorder)
    await sync.catch_up()
    urgent = dispute_row(1, 7) | {
        "type": "dispute_escalated",
        "priority": "urgent",
        "created_at": ago(5),  # due at 10 minutes, not yet
    }
    sync.on_change(ChangeEvent("admin_notifications", "INSERT", urgent, {}, "now"))
    await settle()
    assert not [t for t in recorder.toast_titles if t.startswith("Nobody has claimed")]
    sync.apply_follow_up(FollowUp(escalate_after=timedelta(minutes=3)))
    await settle()
    assert [t for t in recorder.toast_titles if t.startswith("Nobody has claimed")] == [
        "Nobody has claimed: Dispute escalated"
    ]
    await sync.close()
