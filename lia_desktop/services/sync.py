"""Snapshot + catch-up + unread backlog + live events, merged into exactly-once state.

``postgres_changes`` is at-most-once with no replay, so after every
(re)subscribe (the ``system`` ok) ``catch_up`` fetches the stats snapshot,
every notification after the persisted cursor (page by page; these may
toast), then the server's whole unread backlog at or below the cursor and a
page of recent history (newest first; never toasted). Live events that arrive
meanwhile are buffered and replayed afterwards: counter updates then apply on
top of the snapshot only when their ``seq`` is newer, and notifications are
de-duplicated by id in ``core.feed``. So after any catch-up (a start, a
sign-in, a reconnect, a wake) the badge is the server's unread count and the
center holds every unread item, whatever was read or unread elsewhere.

The cursor (and the ids seen above it) persist in a small JSON file, written
*before* the observer hears of new items: a kill at any moment can cost a toast
(the item is still listed, unread), never show one twice. A first run (no
file) starts at the server's newest id and toasts nothing old.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
import stat
import sys
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar, assert_never

import platformdirs

from lia_desktop.core import wire
from lia_desktop.core.attention import ToastRules
from lia_desktop.core.claims import (
    Claims,
    FollowUp,
    Reminded,
    claim_key,
    escalation_due,
    escalation_toast,
    needs_escalation,
    next_reminder_at,
    reminder_due_at,
    reminder_toast,
    reminders_due,
)
from lia_desktop.core.duty import present_admins
from lia_desktop.core.feed import FeedUpdate, NotificationFeed
from lia_desktop.core.i18n import Translate, english
from lia_desktop.core.models import (
    Claim,
    ClaimBoard,
    ClaimEvent,
    ClaimKey,
    ConnectionState,
    DashboardStats,
    Duty,
    DutyEntry,
    Notification,
    PresenceActivity,
)
from lia_desktop.core.stats import LiveStats
from lia_desktop.services.api import PAGE_SIZE, AdminApi
from lia_desktop.services.errors import ServiceError
from lia_desktop.services.files import write_json_atomic
from lia_desktop.services.supervisor import ChangeEvent
from lia_desktop.services.tasks import BackgroundTasks

log = logging.getLogger(__name__)

_Row = TypeVar("_Row")

#: read items of the recent history loaded with the backlog (the center's first screen)
HISTORY_PAGE = 100
#: at most this many unread items are held (memory bound); older unread ones stay on the server
MAX_BACKLOG = 50_000
#: window figures (bookings 24 h, professionals 30 d) age with time: re-publish this often
STATS_AGING_INTERVAL = 60.0
#: a fresh snapshot this often while live: trends move, and the live stats only need to
#: remember the notifications since the last snapshot (bounded memory)
SNAPSHOT_REFRESH_INTERVAL = 300.0


class SyncObserver(Protocol):
    """What the UI bridge (or ``lia-desktop watch``) is told; called on the event loop."""

    def stats_changed(self, stats: DashboardStats) -> None: ...

    def feed_changed(self, update: FeedUpdate, feed: NotificationFeed) -> None: ...

    def activity_changed(self, activity: PresenceActivity) -> None: ...

    def connection_changed(self, state: ConnectionState) -> None: ...


@dataclass(frozen=True, slots=True)
class FeedState:
    cursor: int = 0
    seen_above: tuple[int, ...] = ()


class FeedStateStore:
    """The cursor file: one per Supabase project and admin, in the platform data dir.

    The cursor decides what counts as already seen, so whoever can write the file
    can hide notifications (a planted cursor of 10**12 hides every one to come).
    ``load`` therefore trusts only a regular file owned by this user and not
    writable by group or others (checked on the opened file, so a swap between
    check and read does not help), and falls back to 0 (replay, never lose)
    otherwise. ``save`` never raises: a cursor that cannot be written (full
    disk) costs a replay at the next start, while an exception would abort
    whatever was closing (a sign-out that must still reach the server).
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def for_admin(cls, url: str, admin_id: str, data_dir: Path | None = None) -> FeedStateStore:
        base = data_dir or Path(platformdirs.user_data_dir("lia-desktop"))
        digest = hashlib.sha256(f"{url.rstrip('/')}|{admin_id}".encode()).hexdigest()[:16]
        return cls(base / f"feed-{digest}.json")

    def load(self) -> FeedState:
        """A missing, untrusted or unreadable file means "start from 0": catch-up replays."""
        try:
            text = self._read_trusted()
            if text is None:
                return FeedState()
            data = json.loads(text)
            return FeedState(int(data["cursor"]), tuple(int(i) for i in data.get("seen_above", ())))
        except FileNotFoundError:
            return FeedState()
        except (OSError, ValueError, KeyError, TypeError, OverflowError) as exc:
            log.warning("ignoring unreadable feed state %s: %s", self.path, exc)
            return FeedState()

    def _read_trusted(self) -> str | None:
        """The file's text, or ``None`` (with a warning) when someone else could have written it."""
        fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            problem = _untrusted(info)
            if problem is not None:
                log.warning("ignoring feed state %s: %s", self.path, problem)
                return None
            return handle.read().decode("utf-8")

    def save(self, state: FeedState) -> None:
        try:
            write_json_atomic(
                self.path,
                {"version": 1, "cursor": state.cursor, "seen_above": list(state.seen_above)},
            )
        except OSError as exc:
            log.warning(
                "could not save the feed state %s (%s): the next start will replay", self.path, exc
            )


def _untrusted(info: os.stat_result) -> str | None:
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file"
    if sys.platform == "win32":
        return None  # no POSIX owner or mode bits; the profile folder's ACL protects it
    if info.st_uid != os.geteuid():
        return f"owned by uid {info.st_uid}, not by this user (uid {os.geteuid()})"
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return f"writable by other users (mode {stat.S_IMODE(info.st_mode):o})"
    return None


def presence_activity(state: Mapping[str, list[Mapping[str, Any]]]) -> PresenceActivity:
    """Distinct presence keys are users; their metas are sessions (tabs, devices)."""
    return PresenceActivity(
        online_users=sum(1 for metas in state.values() if metas),
        active_sessions=sum(len(metas) for metas in state.values()),
    )


class Sync:
    """The ``SupervisorListener`` of the app: owns the feed and the stats of one signed-in admin.

    ``admin_id`` is that admin's user id: read-state DELETEs (unreads) are not
    RLS-checked, so other admins' arrive too and only this one's apply.
    """

    def __init__(
        self,
        api: AdminApi,
        store: FeedStateStore,
        observer: SyncObserver,
        *,
        admin_id: str,
        web_admin_url: str,
        rules: ToastRules | None = None,
        translate: Translate = english,
        on_claims: Callable[[ClaimBoard], None] | None = None,
        follow_up: FollowUp | None = None,
    ) -> None:
        """``on_claims`` hears who holds which item and who is on duty (issue 17); without
        it they are not fetched (``lia-desktop watch`` has no use for them). An item this
        admin claimed and has not resolved within ``follow_up.remind_after`` toasts again,
        once; an urgent one nobody claimed within ``follow_up.escalate_after`` too (None:
        the delays of ``core.claims``)."""
        self._api = api
        self._admin_id = uuid.UUID(admin_id)
        self._store = store
        self._observer = observer
        saved = store.load()
        self.feed = NotificationFeed(
            web_admin_url=web_admin_url,
            rules=rules,
            cursor=saved.cursor,
            seen_above=saved.seen_above,
            translate=translate,
        )
        self.stats: DashboardStats | None = None
        self.claims = Claims(self._admin_id)
        self._on_claims = on_claims
        self._track_duty: Callable[[Mapping[str, Any]], None] | None = None
        self._tracked_duty: Duty | None = None
        self._follow_up = follow_up or FollowUp()
        self._reminded: set[Reminded] = set()
        self._reminder: asyncio.TimerHandle | None = None
        #: urgent items that need an owner, watched until claimed or escalated
        self._unclaimed_urgent: dict[int, Notification] = {}
        self._escalation: asyncio.TimerHandle | None = None
        self._live_stats = LiveStats()
        self._aging: asyncio.Handle | None = None  # the next publication (soon, or to age)
        self._resnapshot: asyncio.TimerHandle | None = None
        self._tick: asyncio.TimerHandle | None = None  # releases held and snoozed toasts
        self._tick_at = datetime.max.replace(tzinfo=UTC)  # when it fires
        self._lock = asyncio.Lock()
        #: read-state RPCs commit in the order the admin acted (Space twice = read, not unread)
        self._read_state_order = asyncio.Lock()
        #: ids of local read-state changes the server has not confirmed (a reconcile skips them)
        self._unconfirmed: Counter[int] = Counter()
        #: ids a running reconcile must leave alone (None: no reconcile running)
        self._toggled_meanwhile: set[int] | None = None
        self._buffer: list[wire.Change] | None = None  # not None while a catch-up runs
        self._tasks = BackgroundTasks("sync", expected=(ServiceError,))
        #: feed updates not yet told to the observer: saved first, then told (end of loop turn)
        self._untold: list[FeedUpdate] = []
        self._tell_handle: asyncio.Handle | None = None
        self._snapshot_wanted = False
        self._backlog_wanted = False
        self.catch_ups = 0

    # --- SupervisorListener ------------------------------------------------

    def on_connection(self, state: ConnectionState) -> None:
        self._observer.connection_changed(state)

    async def on_subscribed(self) -> None:
        await self.catch_up()

    def on_change(self, event: ChangeEvent) -> None:
        """Type the delivery once (core.wire), then apply it, or buffer it during a catch-up."""
        try:
            change = wire.parse_change(event.table, event.type, event.record)
        except wire.WireError as exc:
            if exc.notification_id is None:
                log.warning("skipping a malformed %s event: %s", event.table, exc)
            else:  # e.g. a record Realtime trimmed for size: the RPC has it whole
                log.warning("fetching notification %d again: %s", exc.notification_id, exc)
                self._tasks.spawn(self.catch_up(), "catch-up for an incomplete record")
            return
        if self._buffer is not None:
            self._buffer.append(change)
        else:
            self._apply(change)

    def on_presence(self, state: Mapping[str, list[Mapping[str, Any]]]) -> None:
        self._observer.activity_changed(presence_activity(state))

    def on_admins_present(self, state: Mapping[str, list[Mapping[str, Any]]]) -> None:
        """The admins' presence channel (``DutyPresence.on_sync``): who of the team is
        connected now; only the keys count (core.duty), the metas are not trusted."""
        if self.claims.set_present(present_admins(state)):
            self._tell_claims()

    def track_my_duty_with(self, track: Callable[[Mapping[str, Any]], None]) -> None:
        """``track`` (``RealtimeSupervisor.track_duty``) hears this admin's duty each time
        it changes, so the others' presence lists carry it."""
        self._track_duty = track
        self._track_my_duty()

    # --- catch-up ----------------------------------------------------------

    @property
    def catching_up(self) -> bool:
        return self._buffer is not None

    @property
    def arrived(self) -> int:
        """The highest notification id that reached this app (the liveness probe's measure)."""
        return self.feed.arrived

    def request_catch_up(self, why: str) -> None:
        """A catch-up in the background (e.g. the probe saw the server go back)."""
        log.info("catch-up: %s", why)
        self._tasks.spawn(self.catch_up(), f"catch-up: {why}")

    async def catch_up(self) -> None:
        """Snapshot, every notification after the cursor, the unread backlog at or below it,
        then the events buffered meanwhile."""
        async with self._lock:
            self._buffer = []
            try:
                self._snapshot_wanted = self._backlog_wanted = False
                snapshot = await self._refresh_snapshot()
                self.feed.start_at(snapshot.cursor)
                if snapshot.cursor < self.feed.arrived:
                    log.warning(
                        "the server's newest notification is %d, below this app's %d (its "
                        "database was reset or restored, or its newest rows were deleted): "
                        "counting from its newest id again",
                        snapshot.cursor,
                        self.feed.arrived,
                    )
                    self.feed.reset_to(snapshot.cursor)
                await self._fetch_missed()
                await self._fetch_backlog()
                await self._fetch_claims()
            finally:
                buffered, self._buffer = self._buffer, None
                for change in buffered:
                    self._apply(change)
            self.catch_ups += 1
            owed = self.feed.caught_up(_now())
            self.save_now()
            log.info("caught up: cursor %d, %d unread", self.feed.cursor, self.feed.unread_count)
            # the state after a catch-up is the server's: say it even when nothing changed
            # (``watch`` prints its feed line; the app's state ignores an equal view)
            self._observer.feed_changed(owed, self.feed)
            self._schedule_tick()
            if self._unclaimed_urgent:
                self._check_escalations()

    async def _refresh_snapshot(self) -> wire.StatsSnapshot:
        snapshot = wire.parse_stats_snapshot(await self._api.dashboard_stats())
        self._live_stats.apply_snapshot(snapshot, _now())
        if self._resnapshot is not None:
            self._resnapshot.cancel()
        self._resnapshot = asyncio.get_running_loop().call_later(
            SNAPSHOT_REFRESH_INTERVAL, self._request_snapshot
        )
        self._publish_stats()
        return snapshot

    def _parse_rows(self, rows: Sequence[Mapping[str, Any]]) -> list[Notification]:
        parsed = []
        for row in rows:
            try:
                parsed.append(wire.parse_notification(row))
            except wire.WireError as exc:
                log.warning("skipping a malformed notification row: %s", exc)
                if exc.notification_id is not None:
                    self.feed.skip(exc.notification_id)
        return parsed

    async def _fetch_missed(self) -> None:
        after = self.feed.cursor
        while True:
            rows = await self._api.notifications_after(after, PAGE_SIZE)
            parsed = self._parse_rows(rows)
            last = len(rows) < PAGE_SIZE
            now = _now()
            update = self.feed.receive_page(after, parsed, now=now)
            if any([self._live_stats.apply_notification(n, now) for n in update.added]):
                self._publish_stats()
            self._feed_updated(update)
            if last:
                return
            after = max(after, int(rows[-1]["id"]))

    async def _fetch_backlog(self) -> bool:
        """Every unread item at or below the cursor, and a page of recent history, as the
        server has them now; items held here take the server's read state. True if the
        list changed.

        A toggle made here that the server may not have committed (queued, in
        flight, or made while these pages were fetched) keeps its local state.
        """
        up_to = self.feed.cursor
        keep = self._toggled_meanwhile = set(self._unconfirmed)
        try:  # each page parsed as it comes: the raw rows of 10,000 never coexist
            rows = self._parse_rows(await self._api.notifications_before(up_to + 1, HISTORY_PAGE))
            before, down_to, held = up_to + 1, 0, 0
            while True:
                page = await self._api.notifications_before(before, PAGE_SIZE, unread_only=True)
                rows += self._parse_rows(page)
                held += len(page)
                if len(page) < PAGE_SIZE:
                    break
                before = int(page[-1]["id"])
                if held >= MAX_BACKLOG:
                    down_to = before
                    log.warning("more than %d unread: older ones stay on the server", MAX_BACKLOG)
                    break
        finally:
            self._toggled_meanwhile = None
        return self.feed.receive_backlog(rows, up_to=up_to, down_to=down_to, except_ids=keep)

    async def _fetch_claims(self) -> None:
        """Who holds which item and who is on duty now. A server without them (a contract
        older than 20261130000500 / 20261130001700) or a failed fetch leaves them as they
        were: the rest of the catch-up stands, and the next one tries again."""
        if self._on_claims is None:
            return
        changed = False
        try:
            held = self._parsed(await self._api.claims_held(), wire.parse_claim)
            changed |= self.claims.replace_held(held)
            changed |= await self._fetch_roster()
        except ServiceError as exc:
            log.warning("claims or duty not fetched: %s", exc)
        if changed:
            self._tell_claims()
        self._schedule_reminder()

    @staticmethod
    def _parsed(rows: Sequence[Mapping[str, Any]], parse: Callable[[object], _Row]) -> list[_Row]:
        """The rows that parse; a malformed one is logged and skipped."""
        parsed = []
        for row in rows:
            try:
                parsed.append(parse(row))
            except wire.WireError as exc:
                log.warning("skipping a malformed row: %s", exc)
        return parsed

    def _request_backlog(self) -> None:
        """Refetch the backlog (an item not held here was made unread elsewhere); coalesced."""
        if not self._backlog_wanted:
            self._backlog_wanted = True
            self._tasks.spawn(self._refresh_wanted_backlog(), "backlog refresh")

    async def _refresh_wanted_backlog(self) -> None:
        async with self._lock:
            if self._backlog_wanted:
                self._backlog_wanted = False
                if await self._fetch_backlog():
                    self._observer.feed_changed(FeedUpdate(), self.feed)

    # --- live events -------------------------------------------------------

    def _apply(self, change: wire.Change) -> None:
        match change:
            case wire.NotificationAdded(notification):
                now = _now()
                update = self.feed.receive_live(notification, now)
                self._feed_updated(update)
                if self._live_stats.apply_notification(notification, now):
                    self._publish_stats()
                if update.gap:
                    self._tasks.spawn(self.catch_up(), "catch-up after a gap")
            case wire.CounterChanged(counter):
                if self._live_stats.apply_counter(counter, _now()):
                    self._publish_stats()
            case wire.ReadAdded(notification_id):
                if self.feed.apply_remote_reads([notification_id]):
                    self._observer.feed_changed(FeedUpdate(), self.feed)
            case wire.ReadRemoved(key):
                if key.admin_id != self._admin_id:
                    return  # RLS sends only this admin's rows; a server that deletes sends all
                if self.feed.apply_remote_unreads([key.notification_id]):
                    self._observer.feed_changed(FeedUpdate(), self.feed)
                elif self.feed.get(key.notification_id) is None:
                    self._request_backlog()  # an item this app no longer holds is unread again
            case wire.ClaimChanged(claim):
                self._claim_changed(claim)
            case wire.DutyChanged(entry):
                if self.claims.apply_duty(entry):
                    self._tell_claims()
            case wire.EntityRemoved():
                self._request_snapshot()
            case wire.Unused():
                pass
            case _:
                assert_never(change)

    def _feed_updated(self, update: FeedUpdate) -> None:
        """Tell the observer (saved first), and make sure held toasts are released."""
        if update.added or update.toasts:
            self._untold.append(update)
            if self._tell_handle is None:
                self._tell_handle = asyncio.get_running_loop().call_soon(self._tell)
        self._schedule_tick()
        if self._on_claims is not None:
            urgent = {n.id: n for n in update.added if needs_escalation(n)}
            self._unclaimed_urgent.update(urgent)
            if urgent and not self.catching_up:  # a catch-up checks once the claims are in
                self._check_escalations()

    def _schedule_tick(self) -> None:
        """``feed.tick`` at the feed's next wakeup (sooner if a snooze asks for sooner)."""
        wakeup = self.feed.wakeup_at
        if wakeup is not None and (self._tick is None or wakeup < self._tick_at):
            if self._tick is not None:
                self._tick.cancel()
            self._tick_at = wakeup
            delay = max(0.0, (wakeup - _now()).total_seconds())
            self._tick = asyncio.get_running_loop().call_later(delay, self._release_held)

    def _tell(self) -> None:
        """Persist the cursor, then show: one write per loop turn covers a whole burst."""
        self._tell_handle = None
        updates, self._untold = self._untold, []
        self.save_now()
        for update in updates:
            self._observer.feed_changed(update, self.feed)

    def snooze(self, ids: Sequence[int]) -> None:
        """ "Remind me later" on a toast: the feed toasts them again if still unread."""
        self.feed.snooze(ids, _now())
        self._schedule_tick()

    def _release_held(self) -> None:
        """``feed.tick`` when a held toast's slot or a snooze's end comes."""
        self._tick = None
        self._feed_updated(self.feed.tick(_now()))

    def _request_snapshot(self) -> None:
        """Refetch the window figures; a burst of requests costs one or two RPCs, not one each."""
        if not self._snapshot_wanted:
            self._snapshot_wanted = True
            self._tasks.spawn(self._refresh_wanted_snapshot(), "stats snapshot")

    async def _refresh_wanted_snapshot(self) -> None:
        async with self._lock:
            if self._snapshot_wanted:
                self._snapshot_wanted = False
                await self._refresh_snapshot()

    def _publish_stats(self) -> None:
        """Publish the figures at the end of this loop turn: a burst of events costs one view."""
        if self._aging is not None:
            self._aging.cancel()
        self._aging = asyncio.get_running_loop().call_soon(self._publish_stats_now)

    def _publish_stats_now(self) -> None:
        """Publish the figures if they changed; re-armed so window figures age while idle."""
        if not self._live_stats.has_snapshot:
            return
        self._aging = asyncio.get_running_loop().call_later(
            STATS_AGING_INTERVAL, self._publish_stats
        )
        stats = self._live_stats.view(_now())
        if stats != self.stats:
            self.stats = stats
            self._observer.stats_changed(stats)

    def apply_settings(self, rules: ToastRules, web_admin_url: str) -> None:
        """Settings changed: the next toast follows the new rules and opens the new URL."""
        self.feed.rules = rules
        self.feed.web_admin_url = web_admin_url

    # --- read state --------------------------------------------------------

    async def mark_read(self, ids: list[int]) -> None:
        await self._send_changed(self.feed.mark_read(ids), self._api.mark_read)

    async def mark_unread(self, ids: list[int]) -> None:
        """Space on a read item: unread here at once, then on the server (which tells the other sessions)."""
        await self._send_changed(self.feed.mark_unread(ids), self._api.mark_unread)

    async def _send_changed(
        self, changed: tuple[int, ...], rpc: Callable[[Sequence[int]], Awaitable[int]]
    ) -> None:
        """Show a local read-state change, then send only the ids it changed.

        The lock is FIFO, so overlapping calls reach the server in call order.
        """
        if changed:
            self._observer.feed_changed(FeedUpdate(), self.feed)
            with self._until_confirmed(changed):
                async with self._read_state_order:
                    await rpc(changed)

    async def mark_all_read(self) -> None:
        held = [n.id for n in self.feed.items() if not n.read]
        up_to = self.feed.mark_all_read()
        self._observer.feed_changed(FeedUpdate(), self.feed)
        if up_to is not None:
            with self._until_confirmed(held):
                async with self._read_state_order:
                    await self._api.mark_all_read(up_to)

    @contextlib.contextmanager
    def _until_confirmed(self, ids: Iterable[int]) -> Iterator[None]:
        """Shield local read-state changes from a reconcile until their RPC returns."""
        ids = tuple(ids)
        self._unconfirmed.update(ids)
        if self._toggled_meanwhile is not None:
            self._toggled_meanwhile.update(ids)
        try:
            yield
        finally:
            self._unconfirmed -= Counter(ids)

    # --- claims -------------------------------------------------------------

    def _claim_changed(self, claim: Claim) -> None:
        if self.claims.apply(claim):
            self._tell_claims()

    async def claim(self, key: ClaimKey) -> Claim:
        """Claim an item; the answer is its claim now (held by someone else if they were
        first), shown at once without waiting for its Realtime echo."""
        claim = wire.parse_claim(await self._api.claim(key.item_type, key.item_id))
        self._claim_changed(claim)
        return claim

    async def release(self, key: ClaimKey) -> Claim:
        """Release an item this admin holds; the answer is its claim now."""
        claim = wire.parse_claim(await self._api.release(key.item_type, key.item_id))
        self._claim_changed(claim)
        return claim

    async def reassign(self, key: ClaimKey, to_admin: uuid.UUID) -> Claim:
        """Hand an item to another admin (``admin_reassign``, audited); the answer is its
        claim now, shown at once without waiting for its Realtime echo."""
        answer = await self._api.reassign(key.item_type, key.item_id, str(to_admin))
        claim = wire.parse_claim(answer)
        self._claim_changed(claim)
        return claim

    async def item_history(self, key: ClaimKey) -> tuple[ClaimEvent, ...]:
        """Who claimed, released or handed on the item, and when (oldest first)."""
        return wire.parse_history(await self._api.item_history(key.item_type, key.item_id))

    async def reload_duty(self) -> None:
        """The team's duty as the server has it now: the roster held here can be stale after
        a sleep (Realtime was down), and the app's own undo of an Away must not overwrite a
        duty the admin picked on another device meanwhile."""
        if await self._fetch_roster():
            self._tell_claims()

    async def _fetch_roster(self) -> bool:
        """The server's roster, the team now, in place of the one held; True if it changed."""
        roster = self._parsed(await self._api.duty_roster(), wire.parse_duty)
        return self.claims.replace_duty(roster)

    async def set_duty(self, duty: Duty) -> DutyEntry:
        """This admin is now ``duty``: on the server (which tells the other admins), then here.
        The server's row is returned: an Away the app set is undone only while it stands."""
        entry = wire.parse_duty(await self._api.set_duty(duty.value))
        if self.claims.apply_duty(entry):
            self._tell_claims()
        return entry

    def apply_follow_up(self, follow_up: FollowUp) -> None:
        """New delays (the admin's settings): the next reminder and escalation are due by
        them at once, not at the next sign-in."""
        self._follow_up = follow_up
        if self._on_claims is not None:
            self._schedule_reminder()
            self._check_escalations()

    def _track_my_duty(self) -> None:
        duty = self.claims.board().my_duty
        if self._track_duty is not None and duty is not None and duty is not self._tracked_duty:
            self._tracked_duty = duty
            self._track_duty({"duty": duty.value})

    def _tell_claims(self) -> None:
        self._track_my_duty()
        if self._on_claims is not None:
            self._on_claims(self.claims.board())
            self._schedule_reminder()
            self._check_escalations()

    def _check_escalations(self) -> None:
        """Toast again, once, each watched urgent item nobody claimed in time; stop watching
        the claimed ones; wake for the next one due."""
        if self._escalation is not None:
            self._escalation.cancel()
            self._escalation = None
        now, board = _now(), self.claims.board()
        toasts, wake = [], None
        for notification_id, item in list(self._unclaimed_urgent.items()):
            due = escalation_due(item, board, now, self._follow_up.escalate_after)
            if due is None:
                at = item.created_at + self._follow_up.escalate_after
                wake = at if wake is None else min(wake, at)
                continue
            del self._unclaimed_urgent[notification_id]
            if due:
                toasts.append(
                    escalation_toast(self.feed.translate, item, self.feed.web_admin_url, now)
                )
        if toasts:
            self._observer.feed_changed(FeedUpdate(toasts=tuple(toasts)), self.feed)
        if wake is not None:
            delay = max(0.0, (wake - now).total_seconds())
            self._escalation = asyncio.get_running_loop().call_later(delay, self._check_escalations)

    def _schedule_reminder(self) -> None:
        """Wake when the next of this admin's claims is due a reminder."""
        if self._reminder is not None:
            self._reminder.cancel()
            self._reminder = None
        at = next_reminder_at(self.claims.board(), self._reminded, self._follow_up.remind_after)
        if self._on_claims is not None and at is not None:
            self._reminder = asyncio.get_running_loop().call_later(
                max(0.0, (at - _now()).total_seconds()),
                lambda: self._tasks.spawn(self._remind(), "claim reminders"),
            )

    async def _remind(self) -> None:
        """Ask the server which of this admin's due claims are still held and unresolved,
        and toast each of them again ("Still yours: …"), once per claim."""
        self._reminder = None
        try:
            rows = await self._api.claims_held()
        except ServiceError as exc:
            log.warning("claim reminders not checked: %s", exc)
            return
        held = []
        for row in rows:
            try:
                held.append((wire.parse_claim(row), row.get("resolved") is True))
            except wire.WireError as exc:
                log.warning("skipping a malformed claim: %s", exc)
        now, board = _now(), self.claims.board()
        after = self._follow_up.remind_after
        remind, done = reminders_due(board, held, self._reminded, now, after)
        self._reminded.update(done)
        # what this app holds as due but the server no longer does was released meanwhile
        self._reminded.update(
            (c.key, c.since) for c in board.held.values() if reminder_due_at(board, c, after) <= now
        )
        toasts = []
        for claim in remind:
            item = next((n for n in self.feed.items() if claim_key(n) == claim.key), None)
            if item is not None:
                toasts.append(
                    reminder_toast(
                        self.feed.translate, board, item, claim, self.feed.web_admin_url, now
                    )
                )
        if toasts:
            self._observer.feed_changed(FeedUpdate(toasts=tuple(toasts)), self.feed)
        self._schedule_reminder()

    # --- persistence and tasks ---------------------------------------------

    def save_now(self) -> None:
        self._store.save(FeedState(self.feed.cursor, self.feed.seen_above))

    async def close(self) -> None:
        timers = (self._aging, self._resnapshot, self._tick, self._tell_handle, self._reminder)
        for timer in (*timers, self._escalation):
            if timer is not None:
                timer.cancel()
        await self._tasks.close()
        self.save_now()


def _now() -> datetime:
    return datetime.now(UTC)
