"""Red team (issue 14): quiet hours hold for the app's own notices too.

"Nothing toasts while do-not-disturb or quiet hours are on (urgent passes quiet hours
only)". The outage notice ("LIA Admin is not connected … Not live since 14:46") checks
do-not-disturb only: on the desktop harness, with quiet hours 13:45-16:45 and the demo's
backend stopped at 14:46, dunst received it (appname "LIA Admin", so a dunst check that
keeps only NOTIFIER_APP_ID's entries does not see it). An outage at night wakes the admin
for something that is not urgent: the tray dot and tooltip already say it.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from lia_desktop.core.models import Toast
from lia_desktop.core.outage import Outage
from lia_desktop.core.settings import Settings
from tests.app.conftest import AppFactory, Runner

#: well-formed, role anon (nothing is contacted)
ANON_KEY = "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiYW5vbiJ9." + "x" * 43


def test_an_outage_during_quiet_hours_says_nothing(
    make_app: AppFactory, run: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = datetime.now().astimezone()
    quiet = ((now - timedelta(hours=1)).time(), (now + timedelta(hours=2)).time())
    app = make_app(
        Settings(
            "http://127.0.0.1:9",
            ANON_KEY,
            "https://admin.lia.test",
            quiet_hours=quiet,
            launch_at_login=False,
        )
    )
    interruptions: list[str] = []
    monkeypatch.setattr(
        app.tray.tray, "showMessage", lambda title, *_rest: interruptions.append(title)
    )

    async def shown(toast: Toast, *_args: Any) -> None:
        interruptions.append(toast.title)

    monkeypatch.setattr(app.ladder, "_show", shown)

    async def settle() -> None:  # announced inside the running loop, as the app's timer does
        app.state.outage_announced.emit(
            Outage(since=datetime.now(UTC) - timedelta(minutes=2), announced=True)
        )
        for _ in range(5):
            await asyncio.sleep(0.05)

    run(settle())
    assert interruptions == [], "the outage notice interrupted quiet hours"
