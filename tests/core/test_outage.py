"""An outage: from the first moment the signed-in app is not live until it is live again (or
signed out); announced once, NOTICE_AFTER in; and the words that say since when."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lia_desktop.core.i18n import english
from lia_desktop.core.models import ConnectionPhase as P
from lia_desktop.core.models import Priority, ToastAction
from lia_desktop.core.outage import NOTICE_AFTER, Outage, not_live_since, notice

T0 = datetime(2026, 11, 30, 14, 32, tzinfo=UTC)
SECOND = timedelta(seconds=1)


@pytest.mark.parametrize("phase", [P.LIVE, P.SIGNED_OUT])
def test_live_or_signed_out_is_no_outage(phase: P) -> None:
    assert Outage().observe(phase, T0) == Outage()
    assert Outage(since=T0, announced=True).observe(phase, T0 + SECOND) == Outage()


@pytest.mark.parametrize(
    "phase", [P.CONNECTING, P.RECONNECTING, P.OFFLINE, P.ERROR, P.AUTH_EXPIRED]
)
def test_any_other_phase_starts_an_outage_and_retries_keep_its_start(phase: P) -> None:
    started = Outage().observe(phase, T0)
    assert started == Outage(since=T0)
    retrying = started.observe(P.CONNECTING, T0 + 5 * SECOND).observe(
        P.RECONNECTING, T0 + 9 * SECOND
    )
    assert retrying == started


def test_announced_once_when_it_has_lasted_long_enough() -> None:
    outage = Outage().observe(P.RECONNECTING, T0)
    assert outage.notice_at() == T0 + NOTICE_AFTER
    assert outage.announce(T0 + NOTICE_AFTER - SECOND) is None
    announced = outage.announce(T0 + NOTICE_AFTER)
    assert announced == Outage(since=T0, announced=True)
    assert announced.notice_at() is None
    assert announced.announce(T0 + 10 * NOTICE_AFTER) is None
    # still the same outage through more retries: no second announcement
    assert announced.observe(P.CONNECTING, T0 + 2 * NOTICE_AFTER) == announced


def test_no_outage_has_nothing_to_announce() -> None:
    assert Outage().notice_at() is None
    assert Outage().announce(T0) is None


def test_the_delay_can_be_chosen() -> None:
    outage = Outage(since=T0)
    assert outage.announce(T0 + 2 * SECOND, after=2 * SECOND) == Outage(since=T0, announced=True)


def test_since_when_in_local_time_naming_the_day_only_when_it_is_not_today() -> None:
    since = datetime(2026, 11, 30, 14, 32).astimezone()
    assert not_live_since(english, since, since + timedelta(minutes=5)) == "Not live since 14:32"
    assert (
        not_live_since(english, since, since + timedelta(days=1)) == "Not live since 30 Nov 14:32"
    )


def test_since_when_speaks_the_admin_language() -> None:
    spanish = {"Not live since {time}": "Sin conexión en vivo desde las {time}"}

    def translate(
        context: str, source: str, /, disambiguation: str | None = None, n: int = -1
    ) -> str:
        return spanish.get(source, source)

    since = datetime(2026, 11, 30, 9, 5).astimezone()
    assert not_live_since(translate, since, since) == "Sin conexión en vivo desde las 09:05"


def test_the_notice_says_since_when_and_interrupts_like_a_medium_item() -> None:
    now = datetime(2026, 11, 30, 14, 40).astimezone()
    toast = notice(english, now.replace(minute=32), now)
    assert toast.title == "LIA Admin is not connected"
    assert toast.body.startswith("Not live since 14:32. It keeps retrying")
    assert (toast.priority, toast.sound, toast.notification_ids) == (Priority.MEDIUM, False, ())
    assert toast.click.action is ToastAction.OPEN_NOTIFICATIONS
