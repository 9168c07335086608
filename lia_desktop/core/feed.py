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
- Toasts: each new unread item at most once, as ``core.attention`` decides
  (its own toast, grouped under ``Pacing``, or the list only); a start says
  only how many are unread; the list keeps every item.
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
from datetime import UTC, datetime, timedelta

from lia_desktop.core import compose
from lia_desktop.core.attention import Delivery, Pacing, ToastRules
from lia_desktop.core.claims import claim_key
from lia_desktop.core.i18n import Translate, english
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

_URGENCY = {
    Priority.LOW: ToastUrgency.LOW,
    Priority.MEDIUM: ToastUrgency.NORMAL,
    Priority.HIGH: ToastUrgency.NORMAL,
    Priority.URGENT: ToastUrgency.CRITICAL,
}


def view_label(kind: NotificationType, translate: Translate) -> str | None:
    """The button that opens an item in the web admin ("new sign-up" has none)."""
    match kind:
        case _T.BOOKING_CREATED | _T.BOOKING_CANCELLED:
            return translate("Toast", "View booking")
        case _T.DISPUTE_OPENED | _T.DISPUTE_ESCALATED:
            return translate("Toast", "Review dispute")
        case _T.PROFESSIONAL_APPLIED:
            return translate("Toast", "Review application")
        case _T.REVIEW_CREATED:
            return translate("Toast", "View review")
        case _T.USER_SIGNED_UP:  # pragma: no branch (the match is exhaustive)
            return None


def _count_phrase(kind: NotificationType, n: int, translate: Translate) -> str:
    """``"3 new bookings"``; types sharing a noun share a phrase (both dispute types)."""
    match kind:
        case _T.BOOKING_CREATED:
            return translate("Summary", "%n new booking(s)", None, n)
        case _T.BOOKING_CANCELLED:
            return translate("Summary", "%n cancellation(s)", None, n)
        case _T.DISPUTE_OPENED | _T.DISPUTE_ESCALATED:
            return translate("Summary", "%n dispute(s)", None, n)
        case _T.PROFESSIONAL_APPLIED:
            return translate("Summary", "%n professional application(s)", None, n)
        case _T.REVIEW_CREATED:
            return translate("Summary", "%n review(s)", None, n)
        case _T.USER_SIGNED_UP:  # pragma: no branch (the match is exhaustive)
            return translate("Summary", "%n new sign-up(s)", None, n)


#: the summary group of each type, in the order ties are listed
_GROUP = {t: (_T.DISPUTE_OPENED if t is _T.DISPUTE_ESCALATED else t) for t in _T}


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
        pacing: Pacing | None = None,
        history: HistoryPolicy | None = None,
        cursor: int = 0,
        seen_above: Iterable[int] = (),
        translate: Translate = english,
    ) -> None:
        self.web_admin_url = web_admin_url.rstrip("/")
        self.rules = rules or ToastRules()
        self.pacing = pacing or Pacing()
        self.translate = translate
        self.history = history or HistoryPolicy()
        self._cursor = cursor
        self._above = {i for i in seen_above if i > cursor}
        self._items: dict[int, Notification] = {}
        self._ids: list[int] = []  # sorted keys of _items
        self._read_ids: list[int] = []  # sorted ids of the read items: the ones evicted
        self._unread = 0
        self._early_reads: set[int] = set()  # read elsewhere before it arrived here
        self._recent: deque[datetime] = deque()  # toasts shown in the pacing window
        self._held: list[int] = []  # grouped items waiting for a slot
        self._release_at: datetime | None = None
        self._last_summary = datetime.min.replace(tzinfo=UTC)
        self._catch_up: list[int] = []
        self._caught_up_once = False
        self._snoozed: dict[int, datetime] = {}
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
        """When ``tick`` must run: held toasts get their slot, or a snooze ends."""
        times = [*self._snoozed.values(), *([self._release_at] if self._release_at else [])]
        return min(times, default=None)

    # ------------------------------------------------------------ arrivals

    def receive_live(self, notification: Notification, now: datetime) -> FeedUpdate:
        """A realtime INSERT of ``admin_notifications``."""
        if not self._admit(notification):
            return _NOTHING
        added = self._items.get(notification.id)
        self._expire(now)
        toasts: list[Toast] = []
        if added is not None and self._toastable(added, now):
            toasts = self._deliver([added.id], now)
        return FeedUpdate(
            added=(added,) if added is not None else (),
            toasts=tuple(toasts),
            gap=self._cursor < notification.id,
        )

    def receive_page(
        self, after_id: int, rows: Sequence[Notification], *, now: datetime
    ) -> FeedUpdate:
        """One page of ``admin_notifications_after(after_id)``: every committed id in (after_id, max row].

        Its toasts wait for ``caught_up``, when the whole catch-up is known.
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
        return FeedUpdate(added=tuple(a for a in added if a.id in self._items))

    def caught_up(self, now: datetime) -> FeedUpdate:
        """A catch-up ended (its pages and the backlog are in): the toasts it owes.

        The first one of this feed (the app started, or signed in) says only how many
        are unread, quietly: what happened while the app was closed is the list's, not
        an alarm. A later one (a wake, a reconnect) delivers what it brought as live
        events would, but more than ``catch_up_max`` own-toast items come as one summary.
        """
        pending = [i for i in self._catch_up if self._still_toastable(i, now)]
        self._catch_up = []
        if not self._caught_up_once:
            self._caught_up_once = True
            if self._unread and self.rules.may_interrupt(Priority.LOW, now):
                return FeedUpdate(toasts=(self._unread_status(),))
            return _NOTHING
        own = [i for i in pending if self._delivery(i) is Delivery.OWN_TOAST]
        grouped = [i for i in pending if self._delivery(i) is Delivery.GROUPED]
        away = self.translate("Toast", "while you were away")
        if len(own) > self.pacing.catch_up_max:
            toasts = [self._summary(own, away)]
        else:
            toasts = [self._single(self._items[i]) for i in own]
        toasts = [*self._shown(toasts, now), *self._deliver(grouped, now, away)]
        return FeedUpdate(toasts=tuple(toasts))

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
            self._release_at = None
        self._snoozed = {i: t for i, t in self._snoozed.items() if i <= cursor}
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
        """Release held toasts when their slot comes, and snoozed ones when their time
        comes; age out old items. Each is checked against the rules and read state of
        now: a toast held before do-not-disturb began stays quiet."""
        self._expire(now)
        toasts: list[Toast] = []
        due = sorted(i for i, t in self._snoozed.items() if t <= now)
        for i in due:
            del self._snoozed[i]
            item = self._items.get(i)
            if item is not None and self._toastable(item, now):  # its type may be list-only now
                toasts.append(self._single(item))
        if self._release_at is not None and now >= self._release_at:
            held = [i for i in self._held if self._still_toastable(i, now)]
            next_summary = self._last_summary + self.pacing.window
            if len(held) > 1 and now < next_summary:  # more joined: a summary, not yet
                self._held, self._release_at = held, next_summary
            else:
                self._held, self._release_at = [], None
                if held:
                    toasts.append(self._group_toast(held, now))
        return FeedUpdate(toasts=tuple(toasts)) if toasts else _NOTHING

    def snooze(self, ids: Iterable[int], now: datetime) -> None:
        """ "Remind me later" on a toast: toast these again after ``pacing.snooze`` if they
        are still unread then."""
        for i in ids:
            if i in self._items:
                self._snoozed[i] = now + self.pacing.snooze

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

    def _delivery(self, notification_id: int) -> Delivery:
        item = self._items[notification_id]
        return self.rules.delivery(item.type, item.priority)

    def _toastable(self, n: Notification, now: datetime) -> bool:
        return (
            not n.read
            and self.rules.delivery(n.type, n.priority) is not Delivery.LIST_ONLY
            and self.rules.may_interrupt(n.priority, now)
        )

    def _still_toastable(self, notification_id: int, now: datetime) -> bool:
        """A toast decided earlier (held, or waiting for the catch-up's end) under the rules
        and read state of now."""
        item = self._items.get(notification_id)
        return item is not None and self._toastable(item, now)

    def _shown(self, toasts: list[Toast], now: datetime) -> list[Toast]:
        """Count toasts in the pacing window: own toasts take slots that grouped ones would
        have had, so a busy stretch of disputes quiets the bookings' toasts."""
        window = self.pacing.window
        while self._recent and self._recent[0] <= now - window:
            self._recent.popleft()
        self._recent.extend(now for _ in toasts)
        return toasts

    def _deliver(self, ids: Sequence[int], now: datetime, body: str | None = None) -> list[Toast]:
        """Toasts for toastable items now: own toasts at once; grouped ones while the window
        has a slot (several as one summary, at most one summary per window), else held
        until both allow."""
        toasts = self._shown(
            [self._single(self._items[i]) for i in ids if self._delivery(i) is Delivery.OWN_TOAST],
            now,
        )
        grouped = [i for i in ids if self._delivery(i) is Delivery.GROUPED]
        if not grouped:
            return toasts
        window = self.pacing.window
        slots = self.pacing.grouped_per_window
        slot_at = now  # when the window holds fewer than ``slots`` toasts
        if len(self._recent) >= slots:  # the one that must leave first: the slots-th newest
            slot_at = (self._recent[-slots] if slots else now) + window
        summary_at = self._last_summary + window if len(grouped) > 1 else now
        if self._held or max(slot_at, summary_at) > now:
            if not self._held:
                self._release_at = max(slot_at, summary_at)
            self._held.extend(grouped)
            return toasts
        return [*toasts, self._group_toast(grouped, now, body)]

    def _group_toast(self, ids: Sequence[int], now: datetime, body: str | None = None) -> Toast:
        """One grouped toast, counted in the window: the item itself, or a summary whose
        ``body`` says when (by default since its oldest item was created)."""
        if len(ids) == 1:
            return self._shown([self._single(self._items[ids[0]])], now)[0]
        self._last_summary = now
        if body is None:
            oldest = min(self._items[i].created_at for i in ids)
            minutes = max(1, round((now - oldest).total_seconds() / 60))
            body = self.translate("Toast", "in the last %n minute(s)", None, minutes)
        return self._shown([self._summary(ids, body)], now)[0]

    def _single(self, n: Notification) -> Toast:
        translate = self.translate
        link = admin_link(self.web_admin_url, n.type, n.action_path)
        view = view_label(n.type, translate)
        if n.type is _T.PROFESSIONAL_APPLIED and n.metadata.get("status", "pending") != "pending":
            view = translate(
                "Toast", "View professional"
            )  # added already approved: nothing to review
        open_center = ToastButton(
            translate("Toast", "Open notifications"), ToastAction.OPEN_NOTIFICATIONS
        )
        buttons: tuple[ToastButton, ...] = ()
        if link is None:  # a link that is not the web admin's own: the center shows the item
            open_item = open_center
        else:
            open_item = ToastButton(translate("Toast", "Open"), ToastAction.OPEN_URL, link)
            buttons = (replace(open_item, label=view),) if view else ()
        later: tuple[ToastButton, ...] = ()
        if self.rules.delivery(n.type, n.priority) is Delivery.OWN_TOAST:
            later = (ToastButton(translate("Toast", "Remind me in 15 min"), ToastAction.SNOOZE),)
        claim: tuple[ToastButton, ...] = ()
        if claim_key(n) is not None:  # an item that needs one owner (issue 17)
            claim = (ToastButton(translate("Toast", "Claim"), ToastAction.CLAIM),)
        return Toast(
            title=compose.title(translate, n),
            body=compose.body(translate, n),
            priority=n.priority,
            urgency=_URGENCY[n.priority],
            notification_ids=(n.id,),
            click=open_item,
            buttons=(
                *buttons,
                *claim,
                ToastButton(translate("Toast", "Mark read"), ToastAction.MARK_READ),
                *later,
            ),
            sound=self.rules.sound(n.type, n.priority),
        )

    def _summary(self, ids: Sequence[int], body: str) -> Toast:
        items = [self._items[i] for i in ids]
        priority = max(n.priority for n in items)
        translate = self.translate
        open_center = ToastButton(
            translate("Toast", "Open notifications"), ToastAction.OPEN_NOTIFICATIONS
        )
        return Toast(
            title=summary_title((n.type for n in items), translate),
            body=body,
            priority=priority,
            urgency=_URGENCY[priority],
            notification_ids=tuple(ids),
            click=open_center,
            buttons=(
                open_center,
                ToastButton(translate("Toast", "Mark read"), ToastAction.MARK_READ),
            ),
            sound=any(self.rules.sound(n.type, n.priority) for n in items),
            summary=True,
        )

    def _unread_status(self) -> Toast:
        """The quiet "12 unread" of a start: no sound, low urgency, nothing to mark read."""
        translate = self.translate
        unread = [n.type for n in self._items.values() if not n.read]
        unread_count = self._unread  # a name: lupdate's parser drops a call with ``self.x`` in it
        open_center = ToastButton(
            translate("Toast", "Open notifications"), ToastAction.OPEN_NOTIFICATIONS
        )
        return Toast(
            title=translate("Toast", "%n unread notification(s)", None, unread_count),
            body=summary_title(unread, translate),
            priority=Priority.LOW,
            urgency=ToastUrgency.LOW,
            notification_ids=(),
            click=open_center,
            buttons=(open_center,),
            sound=False,
            summary=True,
        )


def summary_title(types: Iterable[NotificationType], translate: Translate = english) -> str:
    """``"14 new bookings, 2 disputes"``: largest group first, ties in the type order."""
    order = list(dict.fromkeys(_GROUP.values()))
    counts = Counter(_GROUP[t] for t in types)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], order.index(kv[0])))
    return ", ".join(_count_phrase(kind, n, translate) for kind, n in ranked)
