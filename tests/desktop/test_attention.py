"""Attention on a real desktop (Xvfb, tray host, dunst): what toasts during a busy marketplace,
and do-not-disturb that holds, compared with dunst's history and the SQL truth.

The marketplace is scripted (fixed times, fixed ratings) on the devstack's own simulator, so
the figures are the policy's and not the dice's: in ten minutes 120 bookings and two bursts
of ten, ~50 status changes (some cancellations), 30 sign-ups, 10 professional applications,
8 reviews (2 of them low), 3 disputes and one escalation.
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import json
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest

from lia_desktop.app import NOTIFIER_APP_ID, DesktopApp
from lia_desktop.core.models import Toast, ToastAction
from lia_desktop.devstack.simulator import MarketplaceSimulator
from tests.app.conftest import AppFactory, Runner, until
from tests.app.test_sign_in_and_live import signed_in
from tests.desktop.test_tray_and_toasts import displayed, dunstctl, wait_for
from tests.fixtures import DevstackProcess

pytestmark = [pytest.mark.devstack, pytest.mark.slow]

MINUTES = 10
#: low ratings: each one is a high-priority review that must have its own toast
RATINGS = {40: 5, 100: 2, 170: 4, 260: 5, 330: 1, 400: 4, 470: 5, 540: 3}
DISPUTES_AT = (80, 290, 510)
ESCALATION_AT = 350


async def lia_toasts_in_dunst() -> list[dict[str, Any]]:
    """Every toast of the app dunst received: shown ones enter the history when closed."""
    await dunstctl("close-all")
    await asyncio.sleep(0.3)
    entries = json.loads(await dunstctl("history"))["data"][0]
    return [e for e in entries if e["appname"]["data"] == NOTIFIER_APP_ID]


class ToastLog:
    """Every toast the app decided to show, with when (monotonic seconds)."""

    def __init__(self, app: DesktopApp) -> None:
        self.toasts: list[tuple[float, Toast]] = []
        app.state.toast_requested.connect(
            lambda toast: self.toasts.append((time.monotonic(), toast))
        )


def newest_notification_id(devstack: DevstackProcess) -> int:
    with psycopg.connect(devstack.db_url) as db:
        row = db.execute("select coalesce(max(id), 0) from public.admin_notifications").fetchone()
    assert row is not None
    return int(row[0])


def notifications_after(devstack: DevstackProcess, after: int) -> list[tuple[int, str, str]]:
    """(id, type, priority) of every notification committed after ``after``: the SQL truth."""
    with psycopg.connect(devstack.db_url) as db:
        rows = db.execute(
            "select id, type, priority from public.admin_notifications where id > %s order by id",
            (after,),
        ).fetchall()
    return [(int(i), str(t), str(p)) for i, t, p in rows]


async def review(db: psycopg.AsyncConnection[Any], *, rating: int) -> None:
    await db.execute(
        "insert into public.reviews (booking_id, rating, comment)"
        " select b.id, %s, 'Scripted review' from public.bookings b where b.status = 'completed'"
        " and not exists (select 1 from public.reviews r where r.booking_id = b.id)"
        " order by b.id desc limit 1",
        (rating,),
    )


def script(sim: MarketplaceSimulator) -> list[tuple[int, Callable[[Any], Awaitable[None]]]]:
    """(second, action) of the ten minutes, in time order."""
    acts: list[tuple[int, Callable[[Any], Awaitable[None]]]] = []
    for second in range(0, MINUTES * 60, 5):
        acts.append((second, sim.new_booking))
    for second in (150, 450):
        acts += [(second, sim.new_booking)] * 10
    acts += [(second, sim.advance_booking) for second in range(3, MINUTES * 60, 12)]
    acts += [(second, sim.sign_up) for second in range(7, MINUTES * 60, 20)]
    acts += [(second, sim.apply_as_professional) for second in range(30, MINUTES * 60, 60)]
    for second, rating in RATINGS.items():
        acts.append((second, functools.partial(review, rating=rating)))
    acts += [(second, sim.open_dispute) for second in DISPUTES_AT]
    acts.append((ESCALATION_AT, sim.escalate_dispute))
    return sorted(acts, key=lambda act: act[0])


async def play(devstack: DevstackProcess, *, minutes: float = MINUTES) -> None:
    sim = MarketplaceSimulator(devstack.db_url)  # its own dice: sign-up ids never repeat
    start = time.monotonic()
    async with await psycopg.AsyncConnection.connect(devstack.db_url, autocommit=True) as db:
        with psycopg.connect(devstack.db_url, autocommit=True) as setup:
            # a completed booking for every scripted review, and one in progress to dispute
            setup.execute(
                "update public.bookings set status = 'completed' where id in"
                " (select id from public.bookings where status = 'pending' order by id limit 12)"
            )
        for second, action in script(sim):
            if second >= minutes * 60:
                break
            await asyncio.sleep(max(0.0, start + second - time.monotonic()))
            await action(db)


def test_a_busy_marketplace_toasts_what_matters_and_little_else(
    run: Runner, make_app: AppFactory, devstack: DevstackProcess
) -> None:
    admin = devstack.create_user(admin=True)

    async def scenario() -> None:
        app = await signed_in(make_app, devstack, admin)
        log = ToastLog(app)
        await asyncio.sleep(1)  # the sign-in's quiet "N unread" toast is not the marketplace's
        before_ids = newest_notification_id(devstack)
        before = len(await lia_toasts_in_dunst())
        log.toasts.clear()
        start = time.monotonic()
        await play(devstack)
        truth = notifications_after(devstack, before_ids)

        async def dunst_has_them_all() -> bool:  # every toast the app sent reached the daemon
            return len(await lia_toasts_in_dunst()) - before == len(log.toasts)

        await wait_for(dunst_has_them_all, 30)
        in_window = [(at, t) for at, t in log.toasts if at <= start + MINUTES * 60 + 2]
        important = {i for i, _type, priority in truth if priority in ("high", "urgent")}
        kinds = {t for i, t, _p in truth if i in important}
        assert kinds == {"dispute_opened", "dispute_escalated", "review_created"}, truth
        assert len(important) == len(DISPUTES_AT) + 1 + 2

        singles = [toast for _at, toast in log.toasts if not toast.summary]
        summaries = [(at, toast) for at, toast in log.toasts if toast.summary]
        print(f"marketplace: {len(truth)} notifications, {len(in_window)} toasts in "
              f"{MINUTES} min ({len(log.toasts)} in all), {len(singles)} single, "
              f"{len(summaries)} summaries")  # fmt: skip
        assert len(in_window) <= 12
        for notification_id in important:  # each its own toast, with its action
            (own,) = [t for t in singles if notification_id in t.notification_ids]
            assert own.notification_ids == (notification_id,)
            assert any(b.action is ToastAction.OPEN_URL for b in own.buttons)
            assert any(b.action is ToastAction.SNOOZE for b in own.buttons)
        assert not any(set(s.notification_ids) & important for _at, s in summaries)
        at = [at for at, _toast in summaries]
        assert all(later - earlier >= 300 for earlier, later in itertools.pairwise(at))
        sign_ups = {i for i, t, _p in truth if t == "user_signed_up"}
        assert sign_ups
        assert not any(set(t.notification_ids) & sign_ups for t in singles)
        await make_app.stop(app)

    run(scenario(), timeout=MINUTES * 60 + 180)


def test_do_not_disturb_holds_every_toast_and_says_until_when(
    run: Runner, make_app: AppFactory, devstack: DevstackProcess
) -> None:
    admin = devstack.create_user(admin=True)
    pick = Path(os.environ["DUNST_PICK_FILE"])

    async def scenario() -> None:
        app = await signed_in(make_app, devstack, admin)
        log = ToastLog(app)
        app.tray.menu.by_text["Do not disturb for 1 hour"].trigger()
        await until(lambda: "Do not disturb until" in app.tray.tray.toolTip())
        before = len(await lia_toasts_in_dunst())
        before_ids = newest_notification_id(devstack)
        await play(devstack, minutes=1.5)  # bookings, sign-ups, a review, a dispute at 80 s
        sim = MarketplaceSimulator(devstack.db_url)
        async with await psycopg.AsyncConnection.connect(devstack.db_url, autocommit=True) as db:
            await sim.escalate_dispute(db)  # urgent: passes quiet hours, not do-not-disturb
        truth = notifications_after(devstack, before_ids)
        assert any(priority == "urgent" for _i, _t, priority in truth)
        await until(lambda: app.tray.badge != "")
        await asyncio.sleep(5)
        assert len(await lia_toasts_in_dunst()) == before
        assert log.toasts == []
        tooltip = app.tray.tray.toolTip()
        assert "Do not disturb until" in tooltip
        assert "unread" in tooltip
        muted_bell = app.tray.tray.icon().pixmap(32).toImage()

        app.tray.menu.by_text["Resume notifications"].trigger()
        await until(lambda: "Do not disturb" not in app.tray.tray.toolTip())
        assert app.tray.tray.icon().pixmap(32).toImage() != muted_bell  # same count, no slash
        assert app.live is not None  # its 15 min made 2 s for the test:
        app.live.sync.feed.pacing = replace(app.live.sync.feed.pacing, snooze=timedelta(seconds=2))
        async with await psycopg.AsyncConnection.connect(devstack.db_url, autocommit=True) as db:
            await sim.open_dispute(db)
        await until(lambda: len(log.toasts) == 1, 20)
        await wait_for(displayed)
        # "Remind me in 15 min", picked from the toast's own menu
        ((_at, dispute),) = log.toasts
        await asyncio.to_thread(pick.write_text, f"#Remind me in 15 min ({dispute.title})")
        await dunstctl("context")
        await until(lambda: len(log.toasts) == 2, 20)
        assert log.toasts[1][1].notification_ids == dispute.notification_ids
        assert log.toasts[1][0] - log.toasts[0][0] >= 2
        await wait_for(displayed)
        assert len(await lia_toasts_in_dunst()) == before + 2
        await make_app.stop(app)

    run(scenario(), timeout=300)
