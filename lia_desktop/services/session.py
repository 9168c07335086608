"""One signed-in admin, live: the one place that builds auth + sync + supervisor.

The tray app, ``lia-desktop watch`` and the tests all go live through
:meth:`LiveSession.start`, so the wiring (which cursor file, which observer,
how the supervisor is kept running) exists once. A session applies settings
changes as they come (toast rules, the web admin URL) and ends with
:meth:`close`, which signs out (this device only) when asked.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lia_desktop import __version__
from lia_desktop.core.attention import ToastRules
from lia_desktop.core.claims import FollowUp
from lia_desktop.core.connection import SupervisorPolicy
from lia_desktop.core.i18n import Translate, english
from lia_desktop.core.liveness import ProbePolicy
from lia_desktop.core.models import Claim, ClaimBoard, ClaimEvent, ClaimKey, Duty, DutyEntry
from lia_desktop.services import logs, power
from lia_desktop.services.auth import AuthSession, SignOutOutcome
from lia_desktop.services.liveness import probe_data_path
from lia_desktop.services.supervisor import DutyPresence, RealtimeSupervisor
from lia_desktop.services.sync import FeedStateStore, Sync, SyncObserver


@dataclass
class LiveSession:
    """An AuthSession, the Sync of its admin and the supervisor task that feeds it."""

    auth: AuthSession
    sync: Sync
    supervisor: RealtimeSupervisor
    task: asyncio.Task[None]
    clock_watch: asyncio.Task[None]
    probe: asyncio.Task[None]

    @classmethod
    def start(
        cls,
        auth: AuthSession,
        observer: SyncObserver,
        *,
        anon_key: str,
        web_admin_url: str,
        rules: ToastRules | None = None,
        data_dir: Path | None = None,
        policy: SupervisorPolicy | None = None,
        sync_class: type[Sync] = Sync,
        clocks: Callable[[], power.ClockReading] = power.read_clocks,
        probe: ProbePolicy | None = None,
        translate: Translate = english,
        on_claims: Callable[[ClaimBoard], None] | None = None,
        follow_up: FollowUp | None = None,
    ) -> LiveSession:
        """Go live for ``auth``'s admin; the supervisor restarts after a crash (reported),
        and a clock jump (a sleep the OS did not announce, an NTP step) rebuilds the socket."""
        identity = auth.identity
        if identity is None:
            raise ValueError("a live session needs a signed-in AuthSession")
        store = FeedStateStore.for_admin(auth.url, identity.user_id, data_dir)
        sync = sync_class(
            auth.api,
            store,
            observer,
            admin_id=identity.user_id,
            web_admin_url=web_admin_url,
            rules=rules,
            translate=translate,
            on_claims=on_claims,
            follow_up=follow_up,
        )
        # the team's presence is for an app that shows the team (``on_claims``), not ``watch``
        duty = None if on_claims is None else DutyPresence(identity.user_id, sync.on_admins_present)
        supervisor = RealtimeSupervisor(
            auth.url, anon_key, auth, sync, policy=policy, duty_presence=duty
        )
        if duty is not None:
            sync.track_my_duty_with(supervisor.track_duty)
        reporter = logs.CrashReporter(logs.log_dir(), __version__)
        loop = asyncio.get_running_loop()
        task = loop.create_task(
            logs.restart_on_crash("realtime", supervisor.run, reporter), name="realtime supervisor"
        )
        clock_watch = loop.create_task(
            power.watch_clock(lambda _delta: supervisor.clock_jumped(), read=clocks),
            name="clock watch",
        )
        probe_task = loop.create_task(
            probe_data_path(auth.api, sync, supervisor, probe or ProbePolicy()),
            name="data-path probe",
        )
        return cls(auth, sync, supervisor, task, clock_watch, probe_task)

    @property
    def project_url(self) -> str:
        return self.auth.url

    # --- what the app asks of a live session (it reaches no further in) -----------------

    def wake(self) -> None:
        self.supervisor.wake()

    def network_changed(self, reachable: bool) -> None:
        if reachable:
            self.supervisor.network_changed()
        else:
            self.supervisor.network_down()

    async def mark_read(self, ids: list[int]) -> None:
        await self.sync.mark_read(ids)

    async def mark_unread(self, ids: list[int]) -> None:
        await self.sync.mark_unread(ids)

    async def mark_all_read(self) -> None:
        await self.sync.mark_all_read()

    async def claim(self, key: ClaimKey) -> Claim:
        return await self.sync.claim(key)

    async def release(self, key: ClaimKey) -> Claim:
        return await self.sync.release(key)

    async def reassign(self, key: ClaimKey, to_admin: uuid.UUID) -> Claim:
        return await self.sync.reassign(key, to_admin)

    async def item_history(self, key: ClaimKey) -> tuple[ClaimEvent, ...]:
        return await self.sync.item_history(key)

    async def set_duty(self, duty: Duty) -> DutyEntry:
        return await self.sync.set_duty(duty)

    async def reload_duty(self) -> None:
        await self.sync.reload_duty()

    def snooze(self, ids: list[int]) -> None:
        self.sync.snooze(ids)

    def apply(self, rules: ToastRules, web_admin_url: str, follow_up: FollowUp) -> None:
        """New settings: the next toast follows them, and reminders and escalations are
        due by the new delays at once."""
        self.sync.apply_settings(rules, web_admin_url)
        self.sync.apply_follow_up(follow_up)

    async def close(self, *, sign_out: bool = False) -> SignOutOutcome | None:
        """Stop the supervisor and the sync (the cursor is saved), then sign out if asked."""
        self.clock_watch.cancel()
        self.probe.cancel()
        self.supervisor.stop()
        await asyncio.gather(self.task, self.clock_watch, self.probe, return_exceptions=True)
        await self.sync.close()
        outcome = await self.auth.sign_out() if sign_out else None
        await self.auth.close()
        return outcome
