"""The notification feed: exactly-once items, the catch-up cursor, read state and toast decisions.

Delivery upstream is at-most-once (live) plus a lossless catch-up
(``admin_notifications_after(cursor)``), and the two overlap after every
(re)subscribe. The feed merges both, keyed by id:

- ``cursor``: every id <= cursor has been seen (or can never appear: ids are
  commit-ordered, so once a later id is committed an earlier one is committed
  or gone). It advances through contiguous ids and over whole catch-up pages;
  ids seen above it (live events past a gap) are kept in ``seen_above``.
  Persist both; a restart with them toasts nothing twice.
- A live id past a gap sets ``FeedUpdate.gap``: an event was lost on the wire
  (or an id was rolled back); services runs a catch-up after ``cursor``.
- Toasts: each new unread item once, filtered by ``ToastRules``; a burst
  (more than ``max_toasts`` in ``window``) or a large catch-up becomes one
  summary toast while the list keeps every item.
- The unread backlog is the server's truth: ``receive_backlog`` takes every
  unread item at or below the cursor (fetched newest first after a restart or
  a reconnect) without toasting any, and unread items are never evicted, so
  ``unread_count`` is the server's count for this admin.
- Memory: every unread item, plus at most ``max_items`` read items no older
  than ``max_age`` (the history window).
"""

from __future__ import annotations

import bisect
from collections import Counter, deque
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta

from lia_desktop.core.models import (
    Notification,
    NotificationType,
    Priority,
    Toast,
    ToastAction,
    ToastButton,
    ToastUrgency,
)
from lia_desktop.core.text import admin_link

_T = NotificationType

#: the ui-guide's button per type ("new sign-up" has none)
_VIEW_BUTTON: dict[NotificationType, str] = {
    _T.BOOKING_CREATED: "View booking",
    _T.BOOKING_CANCELLED: "View booking",
    _T.DISPUTE_OPENED: "Review dispute",
    _T.DISPUTE_ESCALATED: "Review dispute",
    _T.PROFESSIONAL_APPLIED: "Review application",
    _T.REVIEW_CREATED: "View review",
}

#: (singular, plural) nouns of summary titles; types sharing a noun are counted together
_NOUNS: dict[NotificationType, tuple[str, str]] = {
    _T.BOOKING_CREATED: ("new booking", "new bookings"),
    _T.BOOKING_CANCELLED: ("cancellation", "cancellations"),
    _T.DISPUTE_OPENED: ("dispute", "disputes"),
    _T.DISPUTE_ESCALATED: ("dispute", "disputes"),
    _T.PROFESSIONAL_APPLIED: ("professional application", "professional applications"),
    _T.REVIEW_CREATED: ("review", "reviews"),
    _T.USER_SIGNED_UP: ("new sign-up", "new sign-ups"),
}

_URGENCY = {
    Priority.LOW: ToastUrgency.LOW,
    Priority.MEDIUM: ToastUrgency.NORMAL,
    Priority.HIGH: ToastUrgency.NORMAL,
    Priority.URGENT: ToastUrgency.CRITICAL,
}

MARK_READ = "Mark read"
OPEN_NOTIFICATIONS = "Open notifications"
WHILE_AWAY = "while you were away"
IN_LAST_MINUTE = "in the last minute"


@dataclass(frozen=True, slots=True)
class ToastRules:
    """Whether a notification may interrupt the admin now (``now`` in local time).

    Quiet hours ``[quiet_start, quiet_end)`` may wrap midnight and let urgent
    items through; do-not-disturb silences everything until ``dnd_until``.
    """

    min_priority: Priority = Priority.LOW
    quiet_start: time | None = None
    quiet_end: time | None = None
    dnd_until: datetime | None = None
    sounds: bool = True

    def in_quiet_hours(self, now: datetime) -> bool:
        if self.quiet_start is None or self.quiet_end is None:
            return False
        t = now.time().replace(tzinfo=None)
        if self.quiet_start <= self.quiet_end:
            return self.quiet_start <= t < self.quiet_end
        return t >= self.quiet_start or t < self.quiet_end

    def allows(self, priority: Priority, now: datetime) -> bool:
        if self.dnd_until is not None and now < self.dnd_until:
            return False
        if priority < self.min_priority:
            return False
        return priority is Priority.URGENT or not self.in_quiet_hours(now)


@dataclass(frozen=True, slots=True)
class StormPolicy:
    """More than ``max_toasts`` toasts within ``window`` holds the rest for ``hold``, then one summary."""

    max_toasts: int = 3
    window: timedelta = timedelta(minutes=1)
    hold: timedelta = timedelta(seconds=15)
    #: a catch-up bringing more toastable items than this is one summary
    catch_up_max: int = 3


@dataclass(frozen=True, slots=True)
class HistoryPolicy:
    """How many read items the center keeps besides the unread ones, and for how long."""

    max_items: int = 500
    max_age: timedelta = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class FeedUpdate:
    added: tuple[Notification, ...] = ()
    toasts: tuple[Toast, ...] = ()
    #: ids are missing below a live one: run a catch-up after ``NotificationFeed.cursor``
    gap: bool = False


_NOTHING = FeedUpdate()


class NotificationFeed:
    """A sans-I/O object like ``websockets``' protocol: methods take data and ``now``, return what to do."""

    def __init__(
        self,
        *,
        web_admin_url: str,
        rules: ToastRules | None = None,
        storm: StormPolicy | None = None,
        history: HistoryPolicy | None = None,
        cursor: int = 0,
        seen_above: Iterable[int] = (),
    ) -> None:
        self.web_admin_url = web_admin_url.rstrip("/")
        self.rules = rules or ToastRules()
        self.storm = storm or StormPolicy()
        self.history = history or HistoryPolicy()
        self._cursor = cursor
        self._above = {i for i in seen_above if i > cursor}
        self._items: dict[int, Notification] = {}
        self._ids: list[int] = []  # sorted keys of _items
        self._read_ids: list[int] = []  # sorted ids of the read items: the ones evicted
        self._unread = 0
        self._early_reads: set[int] = set()  # read elsewhere before it arrived here
        self._recent_toasts: deque[datetime] = deque()
        self._held: list[int] = []
        self._held_since: datetime | None = None
        self._catch_up: list[int] = []
        self._started = cursor > 0 or bool(self._above)
        self._advance()

    # ------------------------------------------------------------ read side

    @property
    def cursor(self) -> int:
        return self._cursor

    @property
    def seen_above(self) -> tuple[int, ...]:
        return tuple(sorted(self._above))

    @property
    def unread_count(self) -> int:
        """Unread items; all of them are kept, so after a backlog this is the server's count."""
        return self._unread

    @property
    def fresh(self) -> bool:
        """Never started: no saved cursor (a first run, or a new data folder)."""
        return not self._started

    def items(self) -> list[Notification]:
        """Newest first, as the notification center lists them."""
        return [self._items[i] for i in reversed(self._ids)]

    def get(self, notification_id: int) -> Notification | None:
        return self._items.get(notification_id)

    @property
    def wakeup_at(self) -> datetime | None:
        """When ``tick`` must run to release held toasts."""
        if self._held_since is None:
            return None
        return self._held_since + self.storm.hold

    # ------------------------------------------------------------ arrivals

    def receive_live(self, notification: Notification, now: datetime) -> FeedUpdate:
        """A realtime INSERT of ``admin_notifications``."""
        if not self._admit(notification):
            return _NOTHING
        added = self._items.get(notification.id)
        self._expire(now)
        toasts: tuple[Toast, ...] = ()
        if added is not None and self._toastable(added, now):
            toasts = self._toast_or_hold(added.id, now)
        return FeedUpdate(
            added=(added,) if added is not None else (),
            toasts=toasts,
            gap=self._cursor < notification.id,
        )

    def receive_page(
        self, after_id: int, rows: Sequence[Notification], *, last: bool, now: datetime
    ) -> FeedUpdate:
        """One page of ``admin_notifications_after(after_id)``: every committed id in (after_id, max row].

        ``last``: the page was short, so the catch-up is complete; toasts for
        the whole catch-up are decided then.
        """
        added: list[Notification] = []
        for row in rows:
            if self._admit(row):
                kept = self._items.get(row.id)
                if kept is not None:
                    added.append(kept)
                    if self._toastable(kept, now):
                        self._catch_up.append(kept.id)
        if rows and after_id <= self._cursor < rows[-1].id:
            self._cursor = rows[-1].id
            self._above = {i for i in self._above if i > self._cursor}
            self._advance()
        self._expire(now)
        toasts: tuple[Toast, ...] = ()
        if last:
            pending = [i for i in self._catch_up if self._still_toastable(i, now)]
            self._catch_up = []
            if len(pending) > self.storm.catch_up_max:
                toasts = (self._summary(pending, WHILE_AWAY),)
            else:
                toasts = tuple(self._single(self._items[i]) for i in pending)
                self._recent_toasts.extend(now for _ in toasts)
        return FeedUpdate(added=tuple(a for a in added if a.id in self._items), toasts=toasts)

    @property
    def arrived(self) -> int:
        """The highest id seen here: the cursor, or an id that arrived above a gap."""
        return max(self._above, default=self._cursor)

    def reset_to(self, cursor: int) -> None:
        """The server went back (a reset or a restore): forget the ids above ``cursor``, which
        it no longer has and will reuse, and count from its newest id again."""
        self._cursor = cursor
        self._above = set()
        self._early_reads = set()
        for i in self._ids[bisect.bisect_right(self._ids, cursor) :]:
            self._remove(i)
        self._held = [i for i in self._held if i <= cursor]
        if not self._held:
            self._held_since = None
        self._catch_up = []

    def start_at(self, cursor: int) -> None:
        """A fresh feed starts at the server's newest id: what came before is the backlog's,
        shown if unread and never toasted (a first run toasts nothing old)."""
        if self.fresh:
            self._started = True
            self._cursor = cursor

    def receive_backlog(
        self,
        rows: Iterable[Notification],
        *,
        up_to: int,
        down_to: int = 0,
        except_ids: Collection[int] = (),
    ) -> bool:
        """The server's unread items with ``down_to <= id <= up_to`` (all of them), plus any
        read rows of a history page; never toasts. True if the list changed.

        Held items in that range take the server's state: read when the server
        no longer lists them unread, unread (added if missing) when it does.
        ``except_ids``: local toggles the server may not have committed.
        """
        changed = False
        server_read: dict[int, bool] = {}
        for row in rows:
            if row.id <= up_to and row.id not in except_ids:
                server_read[row.id] = row.read
                if row.id not in self._items:
                    self._insert(row)
                    changed = True
        for i in self._ids[bisect.bisect_left(self._ids, down_to) :]:
            if i > up_to:
                break
            if i not in except_ids:
                changed |= self._set_read(i, read=server_read.get(i, True))
        self._trim()
        return changed

    def skip(self, notification_id: int) -> None:
        """Count an id as seen without an item (a row that failed to parse), so the cursor moves on."""
        if notification_id > self._cursor:
            self._above.add(notification_id)
            self._advance()

    def tick(self, now: datetime) -> FeedUpdate:
        """Release held toasts when their hold ends; age out old items."""
        self._expire(now)
        wakeup = self.wakeup_at
        if wakeup is None or now < wakeup:
            return _NOTHING
        # the rules of *now*: a toast held before do-not-disturb began stays quiet
        held = [i for i in self._held if self._still_toastable(i, now)]
        self._held, self._held_since = [], None
        if not held:
            return _NOTHING
        self._recent_toasts.append(now)
        if len(held) == 1:
            return FeedUpdate(toasts=(self._single(self._items[held[0]]),))
        return FeedUpdate(toasts=(self._summary(held, IN_LAST_MINUTE),))

    # ------------------------------------------------------------ read state

    def mark_read(self, ids: Iterable[int]) -> tuple[int, ...]:
        """Mark items read here; returns the ids newly read, for ``admin_mark_read``."""
        return tuple(i for i in ids if self._set_read(i))

    def mark_all_read(self) -> int | None:
        """Mark everything read; returns ``up_to_id`` for ``admin_mark_all_read`` (None: nothing seen yet)."""
        for i in self._ids:
            self._set_read(i)
        top = max(self._above, default=self._cursor)
        return top or None

    def apply_remote_reads(self, ids: Iterable[int]) -> bool:
        """Reads made in another session (``admin_notification_reads`` rows read); True if anything changed."""
        changed = False
        for i in ids:
            if i in self._items:
                changed |= self._set_read(i)
            elif i > self._cursor and i not in self._above:
                self._early_reads.add(i)
        return changed

    def mark_unread(self, ids: Iterable[int]) -> tuple[int, ...]:
        """Take reads back (Space on a read item); returns the ids newly unread, for ``admin_mark_unread``."""
        return tuple(i for i in ids if self._set_read(i, read=False))

    def apply_remote_unreads(self, ids: Iterable[int]) -> bool:
        """Unreads made in another session (``read_at`` set to null); True if anything changed.

        An unread of an item not here yet cancels the read that arrived before it.
        """
        changed = False
        for i in ids:
            self._early_reads.discard(i)
            changed |= self._set_read(i, read=False)
        return changed

    # ------------------------------------------------------------ internals

    def _admit(self, n: Notification) -> bool:
        """Record a first sighting; a repeat only merges a server-side read flag."""
        if n.id <= self._cursor or n.id in self._above:
            if n.read:
                self._set_read(n.id)
            return False
        if n.id in self._early_reads:
            self._early_reads.discard(n.id)
            n = replace(n, read=True)
        self._above.add(n.id)
        self._insert(n)
        self._trim()
        self._advance()
        return True

    def _insert(self, n: Notification) -> None:
        self._items[n.id] = n
        bisect.insort(self._ids, n.id)
        if n.read:
            bisect.insort(self._read_ids, n.id)
        else:
            self._unread += 1

    def _trim(self) -> None:
        """Keep at most ``max_items`` read items (the oldest go); unread ones all stay."""
        while len(self._read_ids) > self.history.max_items:
            self._remove(self._read_ids[0])

    def _advance(self) -> None:
        while self._cursor + 1 in self._above:
            self._cursor += 1
            self._above.discard(self._cursor)
        if self._early_reads:
            self._early_reads = {i for i in self._early_reads if i > self._cursor}

    def _expire(self, now: datetime) -> None:
        horizon = now - self.history.max_age
        while self._read_ids and self._items[self._read_ids[0]].created_at < horizon:
            self._remove(self._read_ids[0])

    def _remove(self, notification_id: int) -> None:
        """Forget a held item: the inverse of ``_insert``. Eviction removes only read ones
        (unread ones are the backlog and stay); a reset removes ids the server lost."""
        item = self._items.pop(notification_id)
        self._ids.pop(bisect.bisect_left(self._ids, notification_id))
        if item.read:
            self._read_ids.pop(bisect.bisect_left(self._read_ids, notification_id))
        else:
            self._unread -= 1

    def _set_read(self, notification_id: int, *, read: bool = True) -> bool:
        item = self._items.get(notification_id)
        if item is None or item.read is read:
            return False
        self._items[notification_id] = replace(item, read=read)
        self._unread += -1 if read else 1
        if read:
            bisect.insort(self._read_ids, notification_id)
        else:
            self._read_ids.pop(bisect.bisect_left(self._read_ids, notification_id))
        return True

    def _toastable(self, n: Notification, now: datetime) -> bool:
        return not n.read and self.rules.allows(n.priority, now)

    def _still_toastable(self, notification_id: int, now: datetime) -> bool:
        """A toast decided earlier (held, or waiting for the catch-up's end) under the rules
        and read state of now."""
        item = self._items.get(notification_id)
        return item is not None and self._toastable(item, now)

    def _toast_or_hold(self, notification_id: int, now: datetime) -> tuple[Toast, ...]:
        if self._held:
            self._held.append(notification_id)
            return ()
        while self._recent_toasts and self._recent_toasts[0] <= now - self.storm.window:
            self._recent_toasts.popleft()
        if len(self._recent_toasts) < self.storm.max_toasts:
            self._recent_toasts.append(now)
            return (self._single(self._items[notification_id]),)
        self._held, self._held_since = [notification_id], now
        return ()

    def _single(self, n: Notification) -> Toast:
        link = admin_link(self.web_admin_url, n.type, n.action_path)
        view = _VIEW_BUTTON.get(n.type)
        if n.type is _T.PROFESSIONAL_APPLIED and n.metadata.get("status", "pending") != "pending":
            view = "View professional"  # added already approved (or other): nothing to review
        if link is None:  # a link that is not the web admin's own: the center shows the item
            open_item = ToastButton(OPEN_NOTIFICATIONS, ToastAction.OPEN_NOTIFICATIONS)
            buttons: tuple[ToastButton, ...] = ()
        else:
            open_item = ToastButton("Open", ToastAction.OPEN_URL, link)
            buttons = (replace(open_item, label=view),) if view else ()
        return Toast(
            title=n.title,
            body=n.body,
            priority=n.priority,
            urgency=_URGENCY[n.priority],
            notification_ids=(n.id,),
            click=open_item,
            buttons=(*buttons, ToastButton(MARK_READ, ToastAction.MARK_READ)),
            sound=self.rules.sounds,
        )

    def _summary(self, ids: Sequence[int], body: str) -> Toast:
        items = [self._items[i] for i in ids]
        priority = max(n.priority for n in items)
        open_center = ToastButton(OPEN_NOTIFICATIONS, ToastAction.OPEN_NOTIFICATIONS)
        return Toast(
            title=summary_title(n.type for n in items),
            body=body,
            priority=priority,
            urgency=_URGENCY[priority],
            notification_ids=tuple(ids),
            click=open_center,
            buttons=(open_center, ToastButton(MARK_READ, ToastAction.MARK_READ)),
            sound=self.rules.sounds,
            summary=True,
        )


def summary_title(types: Iterable[NotificationType]) -> str:
    """``"14 new bookings, 2 disputes"``: largest group first, ties in the type order."""
    order = list(dict.fromkeys(_NOUNS.values()))
    counts = Counter(_NOUNS[t] for t in types)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], order.index(kv[0])))
    return ", ".join(f"{n} {nouns[0] if n == 1 else nouns[1]}" for nouns, n in ranked)
