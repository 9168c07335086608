"""How long the signed-in app has been without a live connection, and when to say so.

A reconnect now and then is routine and the tray's dot shows it; words are for
an outage that lasts. After ``NOTICE_AFTER`` without being live the admin is
told once (not on every retry), and the stats header says since when, until
the connection is live again or the admin signs out.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from lia_desktop.core import format as core_format
from lia_desktop.core.i18n import Translate
from lia_desktop.core.models import (
    ConnectionPhase,
    Priority,
    Toast,
    ToastAction,
    ToastButton,
    ToastUrgency,
)

NOTICE_AFTER = timedelta(minutes=1)

#: Live is the goal and signed out is the admin's choice: neither is an outage.
_NOT_AN_OUTAGE = (ConnectionPhase.LIVE, ConnectionPhase.SIGNED_OUT)


@dataclass(frozen=True, slots=True)
class Outage:
    """``since``: when the app stopped being live (None while live or signed out);
    ``announced``: it has lasted ``NOTICE_AFTER`` and the admin was told."""

    since: datetime | None = None
    announced: bool = False

    def observe(self, phase: ConnectionPhase, now: datetime) -> Outage:
        """The outage after the connection entered ``phase`` at ``now``: retries within one
        outage keep its start (and its announcement)."""
        if phase in _NOT_AN_OUTAGE:
            return Outage()
        if self.since is None:
            return Outage(since=now)
        return self

    def notice_at(self, after: timedelta = NOTICE_AFTER) -> datetime | None:
        """When to announce this outage; None when there is nothing (more) to announce."""
        if self.since is None or self.announced:
            return None
        return self.since + after

    def announce(self, now: datetime, after: timedelta = NOTICE_AFTER) -> Outage | None:
        """The announced outage if it is time to tell the admin at ``now``, else None."""
        at = self.notice_at(after)
        if at is None or now < at:
            return None
        return replace(self, announced=True)


def not_live_since(translate: Translate, since: datetime, now: datetime) -> str:
    """``Not live since 14:32`` (local times); an outage from another day names the day."""
    since, now = since.astimezone(), now.astimezone()
    when = (
        f"{since:%H:%M}" if since.date() == now.date() else core_format.date_time(translate, since)
    )
    return translate("Outage", "Not live since {time}").format(time=when)


def notice(translate: Translate, since: datetime, now: datetime) -> Toast:
    """The once-per-outage toast: a medium one, so do-not-disturb and quiet hours hold it
    like any other (the dot, the tooltip and the stats header still say it)."""
    open_center = ToastButton(
        translate("Outage", "Open notifications"), ToastAction.OPEN_NOTIFICATIONS
    )
    return Toast(
        title=translate("Outage", "LIA Admin is not connected"),
        body=translate(
            "Outage",
            "{since}. It keeps retrying; nothing is lost, the notifications that arrive "
            "meanwhile show up once it is back.",
        ).format(since=not_live_since(translate, since, now)),
        priority=Priority.MEDIUM,
        urgency=ToastUrgency.NORMAL,
        notification_ids=(),
        click=open_center,
    )
