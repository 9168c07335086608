"""Composition root of the tray app: the one place that knows every layer.

It builds the Qt side (tray, toasts, windows, dialogs), the services (auth,
realtime supervisor, sync) and the platform signals (sleep/wake, clock jumps,
network), and wires them through ``ui.bridge``. Rules stay in core; I/O in
services; this module only connects them and owns their lifetimes.
"""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import hashlib
import importlib.resources
import json
import logging
import os
import signal
import socket
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, assert_never

import platformdirs
import qasync
from PySide6.QtCore import QCoreApplication, QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QIcon
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from lia_desktop import __version__
from lia_desktop.core import format as core_format
from lia_desktop.core import settings as settings_schema
from lia_desktop.core.attention import tomorrow_morning
from lia_desktop.core.claims import (
    ReassignRefusal,
    claim_key,
    duty_allows,
    reassign_refused,
    taken_message,
    toast_with_claim,
)
from lia_desktop.core.feed import FeedUpdate, NotificationFeed
from lia_desktop.core.models import (
    Claim,
    ClaimBoard,
    ClaimKey,
    ConnectionPhase,
    ConnectionState,
    DashboardStats,
    Duty,
    DutyEntry,
    Notification,
    PresenceActivity,
    Toast,
    ToastAction,
    ToastButton,
)
from lia_desktop.core.problems import ANON_KEY_PROBLEMS, Problem, explain
from lia_desktop.core.settings import Settings, SettingsError
from lia_desktop.core.text import admin_link
from lia_desktop.services import autostart, away, logs, power
from lia_desktop.services.auth import AdminIdentity, AuthSession, SignOutOutcome
from lia_desktop.services.errors import (
    NoSuchItem,
    NotAdmin,
    NotAnAnonKey,
    RefusedValue,
    SecondFactorRequired,
    ServiceError,
)
from lia_desktop.services.project import check_project
from lia_desktop.services.session import LiveSession
from lia_desktop.services.settings_store import SettingsModel, SettingsStore
from lia_desktop.services.tasks import BackgroundTasks
from lia_desktop.services.window_store import WindowStore
from lia_desktop.ui.app_state import AppState
from lia_desktop.ui.i18n import Translators
from lia_desktop.ui.network import NetworkMonitor
from lia_desktop.ui.notification_center import NotificationCenter
from lia_desktop.ui.settings_dialog import SettingsDialog
from lia_desktop.ui.sign_in import SignInDialog, SignInRequest
from lia_desktop.ui.stats_window import CoreStatsFormat, StatsWindow
from lia_desktop.ui.toasts import InAppToasts, NativeToasts, ToastLadder, TrayBalloonToasts
from lia_desktop.ui.tray_icon import DndChoice, TrayController
from lia_desktop.ui.window_fit import place_window

log = logging.getLogger(__name__)

APP_NAME = "LIA Admin"
#: the toasts' app name; on Windows desktop-notifier makes it the AppUserModelID, which
#: packaging/windows/lia-desktop.iss registers with the Start Menu shortcut: keep them equal
NOTIFIER_APP_ID = "LIA Desktop"
#: tests point the logind listener at a private bus (unset: the system bus)
LOGIND_BUS_ENV = "LIA_LOGIND_BUS_ADDRESS"
#: the demo admin of supabase/seed.sql (demo data only; never a real account)
DEMO_EMAIL = "admin@lia.test"
DEMO_PASSWORD = "lia-demo-admin"
#: the seed plan's Next.js web admin on its dev server; admins set theirs in Settings
DEFAULT_WEB_ADMIN_URL = "http://localhost:3000"
DEVSTACK_START_TIMEOUT = 120.0
#: the demo backend's port when it is free: a stable URL keeps the demo's cursor and settings
DEMO_PORT = 54329


# --------------------------------------------------------------------------- single instance


class SingleInstance(QObject):
    """A per-user local socket: the first launch listens, a second one asks it to show itself."""

    activation_requested = Signal()

    def __init__(self, name: str | None = None, *, profile: str = "") -> None:
        """``profile``: the demo has its own instance, so it runs beside the real app."""
        super().__init__()
        user = hashlib.sha256(getpass.getuser().encode()).hexdigest()[:12]
        self.name = name or f"lia-desktop-{user}{profile and '-' + profile}"
        self._server = QLocalServer(self)
        self._server.newConnection.connect(self._on_connection)

    def claim(self) -> bool:
        """True when this process is the only instance; False after waking the running one."""
        probe = QLocalSocket()
        probe.connectToServer(self.name)
        if probe.waitForConnected(500):
            probe.write(b"show\n")
            probe.flush()
            probe.waitForBytesWritten(500)
            probe.disconnectFromServer()
            return False
        QLocalServer.removeServer(self.name)  # a stale socket file from a crashed run
        return self._server.listen(self.name)

    def release(self) -> None:
        self._server.close()

    def _on_connection(self) -> None:
        while (socket := self._server.nextPendingConnection()) is not None:
            socket.readyRead.connect(self.activation_requested.emit)
            socket.disconnected.connect(socket.deleteLater)


# --------------------------------------------------------------------------- demo backend


@dataclass(frozen=True)
class DemoProject:
    api_url: str
    anon_key: str
    #: the devstack's read-only detail pages, the demo's web admin (lia-devstack's status)
    web_admin_url: str


class DemoBackend:
    """``lia-devstack start --simulate`` in a child process, stopped with the app.

    Its data folder is kept and its port is stable where it is free, so a
    restarted demo is the same project at the same URL and continues where it
    was (same cursor file, same read state) instead of replaying its backlog.
    """

    def __init__(self, data_dir: Path, port: int = 0) -> None:
        self.data_dir = data_dir
        self.port = port
        self._process: asyncio.subprocess.Process | None = None

    async def start(self) -> DemoProject:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        port = self.port if self.port and _port_is_free(self.port) else 0
        self._process = await asyncio.create_subprocess_exec(
            *devstack_command(), "start", "--json", "--port", str(port),
            "--data-dir", str(self.data_dir), "--simulate",
            stdout=asyncio.subprocess.PIPE,
        )  # fmt: skip
        assert self._process.stdout is not None
        line = await asyncio.wait_for(self._process.stdout.readline(), DEVSTACK_START_TIMEOUT)
        if not line:
            code = await self._process.wait()
            raise RuntimeError(
                QCoreApplication.translate(
                    "DemoBackend", "The demo backend did not start (exit code {code})."
                ).format(code=code)
            )
        status = json.loads(line)
        return DemoProject(status["API_URL"], status["ANON_KEY"], status["DEMO_ADMIN_URL"])

    async def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.returncode is not None:
            return
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 20)
        except TimeoutError:
            process.kill()
            await process.wait()


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def devstack_command() -> list[str]:
    """``lia-devstack``: a frozen app has no ``-m``, so it runs its own hidden ``devstack`` command."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "devstack"]
    return [sys.executable, "-m", "lia_desktop.devstack"]


# --------------------------------------------------------------------------- the signed-in part


class _Observer:
    """Sync's observer: hands its values to the AppState (the only thing windows bind to).

    The feed is published at most once per loop turn: in a burst every event
    changes it, and copying the whole feed (plus a tray repaint) per event made
    the UI thread stall for seconds.
    """

    def __init__(self, state: AppState) -> None:
        self._state = state
        self._feed: NotificationFeed | None = None

    def stats_changed(self, stats: DashboardStats) -> None:
        self._state.publish_stats(stats)

    def feed_changed(self, update: FeedUpdate, feed: NotificationFeed) -> None:
        if self._feed is None:
            asyncio.get_running_loop().call_soon(self._publish_feed)
        self._feed = feed
        for toast in update.toasts:
            self._state.publish_toast(toast)

    def _publish_feed(self) -> None:
        feed, self._feed = self._feed, None
        if feed is not None:
            self._state.publish_feed(feed.items(), feed.unread_count)

    def activity_changed(self, activity: PresenceActivity) -> None:
        self._state.publish_presence(activity)

    def connection_changed(self, state: ConnectionState) -> None:
        self._state.publish_connection(state)


async def _give_up(auth: AuthSession) -> None:
    """The sign-in dialog closed at its code step: end that unfinished session."""
    await auth.cancel_sign_in()
    await auth.close()


async def open_session(
    url: str,
    anon_key: str,
    sign_in: Callable[[AuthSession], Awaitable[AdminIdentity | None]],
    *,
    persist: bool = True,
) -> AuthSession | None:
    """An AuthSession that ``sign_in`` signed in, or None; a failed attempt's client is closed."""
    auth = await AuthSession.open(url, anon_key, persist=persist)
    try:
        identity = await sign_in(auth)
    except BaseException:
        await auth.close()
        raise
    if identity is None:
        await auth.close()
        return None
    return auth


# --------------------------------------------------------------------------- the app


class DesktopApp(QObject):
    """The running tray app. ``start()`` signs in (silently when it can) and goes live.

    It composes, and owns the lifetimes: the AppState the windows bind to, the
    SettingsModel whose changes it applies, at most one LiveSession, one window
    or dialog of each kind, and its background tasks. The demo signs in with
    the demo password and keeps nothing in the keyring (``persist=False``).
    """

    def __init__(
        self,
        qapp: QApplication,
        store: SettingsStore,
        *,
        demo: DemoBackend | None = None,
        data_dir: Path | None = None,
        clocks: Callable[[], power.ClockReading] = power.read_clocks,
    ) -> None:
        super().__init__()
        self._qapp = qapp
        self._settings = SettingsModel(store)
        self._settings.subscribe(self._settings_changed)
        self._windows = WindowStore.beside(store.path)  # where each window was, per profile
        self._demo = demo
        self._data_dir = data_dir
        # before any window or menu exists: they are built in the admin's language
        self.translators = Translators(qapp)
        self.translators.use(self.settings.language if self.settings else "system")
        self.state = AppState(self)
        self.tray = TrayController()
        self.tray.bind(self.state, lambda: asyncio.get_event_loop().time())
        self.ladder = ToastLadder(self._toast_rungs(), self._may_interrupt)
        self.center: NotificationCenter | None = None
        self.stats_window: StatsWindow | None = None
        self.sign_in_dialog: SignInDialog | None = None
        self.settings_dialog: SettingsDialog | None = None
        self.live: LiveSession | None = None
        self._tasks = BackgroundTasks("app", expected=(ServiceError,))
        self._clocks = clocks
        # Away while the screen is locked or the computer sleeps (issue 17, the admin's setting)
        self._away = away.AwayKeeper(
            self._set_my_duty,
            lambda: self.state.claims,
            self._reload_duty,
            lambda: self.settings is not None and self.settings.away_when_locked,
            self.state.publish_toast,
            QCoreApplication.translate,
        )
        self._screen_lock = away.ScreenLockWatcher(self._away.screen_lock_changed)
        # Before sleeping only the duty (logind waits for it): the socket dies during the
        # sleep whatever we do.
        self._sleep_watcher = power.SleepWatcher(
            self._away.sleeping,
            self._on_wake,
            os.environ.get(LOGIND_BUS_ENV),
            before_sleep=self._away.idle,
        )
        self.network = NetworkMonitor(self)
        self.quit_requested = asyncio.Event()
        self.state.set_dnd_until(self.settings.dnd_until if self.settings else None)
        self._connect_signals()

    @property
    def settings(self) -> Settings | None:
        return self._settings.current

    # --- wiring ------------------------------------------------------------

    def _toast_rungs(self) -> list[Any]:
        from desktop_notifier import DesktopNotifier, Icon

        notifier = DesktopNotifier(app_name=NOTIFIER_APP_ID, app_icon=Icon(path=_app_icon_file()))
        return [
            NativeToasts(notifier, self._on_toast_action, lambda _toast: None),
            TrayBalloonToasts(self.tray.tray, self._on_toast_action),
            InAppToasts(lambda toast: log.info("toast (in-app only): %s", toast.title)),
        ]

    def _connect_signals(self) -> None:
        self.state.toast_requested.connect(
            lambda toast: self._tasks.spawn(self.ladder.show(toast), "show a toast")
        )
        self.state.claims_changed.connect(self._restate_toasts)
        t = self.tray
        t.notifications_requested.connect(self.show_notifications)
        t.stats_requested.connect(self.show_stats)
        t.dnd_requested.connect(self._on_dnd)
        t.duty_requested.connect(self._set_duty)
        t.settings_requested.connect(self.show_settings)
        t.sign_in_requested.connect(self.show_sign_in)
        t.sign_out_requested.connect(lambda: self._tasks.spawn(self.sign_out(), "sign out"))
        t.quit_requested.connect(self.quit_requested.set)
        t.tray_missing.connect(lambda text: log.warning("no system tray: %s", text))
        self.network.reachability_changed.connect(self._on_reachability)

    # --- lifecycle ---------------------------------------------------------

    async def start(self) -> None:
        self.tray.show()
        self._tasks.spawn(self._sleep_watcher.start(), "sleep watcher")
        self._tasks.spawn(self._screen_lock.start(), "screen lock watcher")
        if self._demo is not None:
            await self._start_demo(self._demo)
            return
        if self._settings.problem is not None:
            # what was wrong and where the old file went is in the log (SettingsStore)
            self._tell(
                QCoreApplication.translate(
                    "DesktopApp",
                    "Your saved settings could not be read, so LIA Desktop starts as on a first "
                    "run. The old file was kept next to the new one, and the log says what was "
                    "wrong with it.",
                )
            )
        if self.settings is not None and await self._restore(self.settings):
            return
        self.show_sign_in()

    async def _restore(self, settings: Settings) -> bool:
        """Silent sign-in with the keyring's session for ``settings``' project. A saved key
        that is refused unsent (the service_role key, saved before sign-in checked keys)
        opens the sign-in dialog saying so under the anon key."""
        try:
            auth = await open_session(settings.supabase_url, settings.anon_key, AuthSession.restore)
        except ServiceError as error:
            log.warning("silent sign-in failed: %s", error)
            if isinstance(error, NotAnAnonKey):
                self.show_sign_in()
                assert self.sign_in_dialog is not None
                self.sign_in_dialog.show_error(error)
            return False
        if auth is None:
            return False
        self._go_live(auth)
        return True

    async def _start_demo(self, demo: DemoBackend) -> None:
        self.state.publish_connection(
            ConnectionState(ConnectionPhase.CONNECTING, reason="starting demo")
        )
        project = await demo.start()
        self._adopt_project(project.api_url, project.anon_key, project.web_admin_url)
        auth = await open_session(
            project.api_url,
            project.anon_key,
            lambda a: a.sign_in(DEMO_EMAIL, DEMO_PASSWORD),
            persist=False,
        )
        assert auth is not None  # sign_in raises rather than returning None
        self._go_live(auth)

    def _adopt_project(self, url: str, anon_key: str, web_admin_url: str | None = None) -> None:
        """Remember the project signed in to, keeping every other preference (the web admin
        too, unless the project comes with its own: the demo's detail pages)."""
        current = self.settings
        if current is None:
            settings = Settings(
                url.rstrip("/"),
                anon_key,
                web_admin_url or DEFAULT_WEB_ADMIN_URL,
                launch_at_login=False,
            )
        else:
            settings = replace(
                current,
                supabase_url=url.rstrip("/"),
                anon_key=anon_key,
                web_admin_url=web_admin_url or current.web_admin_url,
            )
        self._settings.update(settings)

    def _go_live(self, auth: AuthSession) -> None:
        identity = auth.identity
        settings = self.settings
        assert identity is not None
        assert settings is not None
        self.state.signed_in_as(identity.email)
        self.live = LiveSession.start(
            auth,
            _Observer(self.state),
            anon_key=settings.anon_key,
            web_admin_url=settings.web_admin_url,
            rules=settings.toast_rules(),
            data_dir=self._data_dir,
            clocks=self._clocks,
            translate=QCoreApplication.translate,
            on_claims=self.state.publish_claims,
            follow_up=settings.follow_up(),
        )

    async def _end_live(self, *, sign_out: bool) -> None:
        """Close the live session (signing out of this device only if asked); show signed out."""
        live, self.live = self.live, None
        if live is not None:
            outcome = await live.close(sign_out=sign_out)
            if outcome is not None and outcome.message:  # the details went to the log
                self._tell(_sign_out_problems(outcome))
        self.state.sign_out()

    async def sign_out(self) -> None:
        await self._end_live(sign_out=True)
        self.show_sign_in()

    async def stop(self) -> None:
        await self._screen_lock.stop()
        await self._away.close()  # before the live session its calls go through
        if self.live is not None:
            await self.live.close()
            self.live = None
        await self._tasks.close()
        self.ladder.close()
        await self._sleep_watcher.stop()
        if self._demo is not None:
            await self._demo.stop()
        for window in (self.center, self.stats_window, self.sign_in_dialog, self.settings_dialog):
            if window is not None:
                window.close()
                window.deleteLater()
        self.tray.dispose()
        self.state.dispose()
        self.translators.remove()

    def _tell(self, text: str) -> None:
        """A sentence for the admin, once (app messages, not notifications)."""
        self.tray.say(APP_NAME, text)

    # --- platform signals ---------------------------------------------------

    def _on_wake(self) -> None:
        self._away.woke()
        if self.live is not None:
            self.live.wake()

    def _on_reachability(self, reachable: bool) -> None:
        if self.live is not None:
            self.live.network_changed(reachable)

    # --- toasts --------------------------------------------------------------

    def _may_interrupt(self, toast: Toast) -> bool:
        """The rules of the moment a queued toast gets its turn, and this admin's duty."""
        settings = self.settings
        now = datetime.now().astimezone()
        return (
            settings is not None
            and duty_allows(self.state.claims.my_duty, toast.priority)
            and settings.toast_rules().may_interrupt(toast.priority, now)
        )

    def _restate_toasts(self, board: ClaimBoard) -> None:
        """An item was claimed or released: its toast still open says so, in place."""
        # signed out, the toasts keep what they said; before the first toast, none is open
        if board.me is not None and self.ladder.active is not None:
            self._tasks.spawn(self.ladder.restate(self._toast_as_claimed), "update toasts")

    def _toast_as_claimed(self, toast: Toast) -> Toast:
        """``toast`` as its item's claim stands when the ladder gets to it (core decides)."""
        notification = None
        if self.live is not None and len(toast.notification_ids) == 1:
            notification = self.live.sync.feed.get(toast.notification_ids[0])
        if notification is None:
            return toast
        translate = QCoreApplication.translate
        return toast_with_claim(translate, self.state.claims, toast, notification)

    def _on_toast_action(self, toast: Toast, button: ToastButton) -> None:
        match button.action:
            case ToastAction.OPEN_URL:
                if button.url:
                    _open_url(button.url)
                self._mark_read(list(toast.notification_ids))
            case ToastAction.OPEN_NOTIFICATIONS:
                self.show_notifications()
            case ToastAction.MARK_READ:
                self._mark_read(list(toast.notification_ids))
            case ToastAction.SNOOZE:
                if self.live is not None:
                    self.live.snooze(list(toast.notification_ids))
            case ToastAction.CLAIM:
                self._claim_notifications(toast.notification_ids)
            case _:
                assert_never(button.action)

    # --- settings --------------------------------------------------------------

    def _on_dnd(self, choice: DndChoice) -> None:
        if self.settings is None:
            return
        now = datetime.now().astimezone()
        until: datetime | None
        if choice is DndChoice.ONE_HOUR:
            until = now + timedelta(hours=1)
        elif choice is DndChoice.UNTIL_TOMORROW:
            until = tomorrow_morning(now)
        else:
            until = None
        self._settings.update(replace(self.settings, dnd_until=until))

    def _settings_changed(self, old: Settings | None, new: Settings) -> None:
        """Every consumer of the settings, at once."""
        self.state.set_dnd_until(new.dnd_until)
        if old is not None and new.language != old.language:
            self._change_language(new.language)
        if old is not None and new.launch_at_login != old.launch_at_login:
            _set_autostart(new.launch_at_login)
        if self.live is not None:
            self.live.apply(new.toast_rules(), new.web_admin_url, new.follow_up())
        moved = old is not None and (old.supabase_url, old.anon_key) != (
            new.supabase_url,
            new.anon_key,
        )
        if (
            moved
            and self.live is not None
            and self.live.project_url != new.supabase_url.rstrip("/")
        ):
            self._tasks.spawn(self._switch_project(new), "switch project")

    def _change_language(self, choice: str) -> None:
        """Another language, at once: the catalogs are swapped (the tray menu retranslates on
        Qt's LanguageChange, the tooltip and toasts ask core anew) and the notification center
        and stats window are rebuilt in it, reopened if they were open."""
        before = self.translators.language
        if self.translators.use(choice) == before:  # "system" and the system's language
            return
        windows = ((self.center, self.show_notifications), (self.stats_window, self.show_stats))
        self.center = self.stats_window = None
        for window, show in windows:
            if window is not None:
                visible = window.isVisible()
                window.close()
                window.deleteLater()
                if visible:
                    show()

    async def _switch_project(self, settings: Settings) -> None:
        """Leave the old project (its keyring entry stays, for switching back) and go live on
        the new one: silently if this device has a session there, else through sign-in."""
        await self._end_live(sign_out=False)
        if not await self._restore(settings):
            self.show_sign_in()

    def show_settings(self) -> None:
        if self.settings is None:
            self.show_sign_in()
            return
        if self.settings_dialog is not None:
            _raise(self.settings_dialog)
            return
        dialog = SettingsDialog(
            settings_schema.form_values(self.settings),
            lambda values: settings_schema.form_errors(values, QCoreApplication.translate),
        )
        dialog.save_requested.connect(
            lambda values: self._tasks.spawn(self._save_form(dialog, values), "save settings")
        )
        dialog.finished.connect(lambda _result: self._settings_dialog_closed(dialog))
        self.settings_dialog = dialog
        place_window(dialog, "settings", self._windows)
        dialog.open()

    def _settings_dialog_closed(self, dialog: SettingsDialog) -> None:
        if self.settings_dialog is dialog:
            self.settings_dialog = None
        dialog.deleteLater()

    async def _save_form(self, dialog: SettingsDialog, values: dict[str, Any]) -> None:
        translate = QCoreApplication.translate
        try:
            settings = settings_schema.from_form(values)
        except SettingsError:  # the dialog validated with the same rules
            dialog.show_errors(settings_schema.form_errors(values, translate))
            return
        current = self.settings
        if current is None or (settings.supabase_url, settings.anon_key) != (
            current.supabase_url,
            current.anon_key,
        ):
            dialog.set_busy(True)
            try:
                await check_project(settings.supabase_url, settings.anon_key)
            except ServiceError as error:
                log.warning("settings not saved, the project check failed: %s", error)
                field = "anon_key" if error.kind in ANON_KEY_PROBLEMS else "supabase_url"
                dialog.show_errors(
                    {field: explain(error.kind, translate, url=settings.supabase_url)}
                )
                return
            finally:
                dialog.set_busy(False)
        try:
            self._settings.update(settings)
        except OSError as error:
            log.warning("settings not saved: %s", error)
            reason = error.strerror or str(error)
            dialog.show_errors(
                {"supabase_url": explain(Problem.NOT_SAVED, translate, reason=reason)}
            )
            return
        dialog.accept()

    # --- windows -------------------------------------------------------------

    def show_notifications(self) -> None:
        if self.center is None:
            self.center = NotificationCenter(
                lambda then: core_format.relative_time(
                    QCoreApplication.translate, then, datetime.now().astimezone()
                )
            )
            self.center.open_requested.connect(self._open_notification)
            self.center.mark_read_requested.connect(self._mark_read)
            self.center.mark_unread_requested.connect(self._mark_unread)
            self.center.mark_all_read_requested.connect(self._mark_all_read)
            self.center.claim_requested.connect(self._claim)
            self.center.release_requested.connect(self._release)
            self.center.reassign_requested.connect(self._reassign)
            self.center.history_requested.connect(self._show_history)
            self.center.bind(self.state)
            place_window(self.center, "notifications", self._windows)
        _raise(self.center)

    def show_stats(self) -> None:
        if self.stats_window is None:
            self.stats_window = StatsWindow(CoreStatsFormat())
            self.stats_window.bind(self.state)
            place_window(self.stats_window, "stats", self._windows)
        _raise(self.stats_window)

    def show_sign_in(self) -> None:
        """The sign-in dialog, fresh each time it opens: the project is filled in, never a
        password, an email or an earlier error."""
        dialog = self.sign_in_dialog
        if dialog is not None and dialog.isVisible():
            _raise(dialog)
            return
        if dialog is not None:
            dialog.deleteLater()
        known = self.settings
        dialog = SignInDialog(known.supabase_url if known else "", known.anon_key if known else "")
        dialog.sign_in_requested.connect(
            lambda request: self._tasks.spawn(self._sign_in(dialog, request), "sign in")
        )
        self.sign_in_dialog = dialog
        place_window(dialog, "sign_in", self._windows)
        _raise(dialog)

    async def _sign_in(self, dialog: SignInDialog, request: SignInRequest) -> None:
        dialog.set_busy(True)
        try:
            auth = await AuthSession.open(request.url, request.anon_key)
        except ServiceError as error:
            dialog.show_error(error)
            return
        try:
            step = await auth.begin_sign_in(request.email, request.password)
        except ServiceError as error:
            await auth.close()
            dialog.show_error(error)
            return
        if step is None:
            await self._signed_in(dialog, request, auth)
            return
        # the second step (issue 16): codes until one verifies, or the dialog is closed
        dialog.code_entered.connect(
            lambda code: self._tasks.spawn(
                self._verify_code(dialog, request, auth, code), "verify code"
            )
        )
        dialog.rejected.connect(lambda: self._tasks.spawn(_give_up(auth), "give up sign-in"))
        dialog.ask_code(step)

    async def _verify_code(
        self, dialog: SignInDialog, request: SignInRequest, auth: AuthSession, code: str
    ) -> None:
        try:
            await auth.verify_code(code)
        except ServiceError as error:
            dialog.show_error(error)
            return
        await self._signed_in(dialog, request, auth)

    async def _signed_in(
        self, dialog: SignInDialog, request: SignInRequest, auth: AuthSession
    ) -> None:
        await self._end_live(sign_out=False)  # a sign-in while live replaces that session
        self._adopt_project(request.url, request.anon_key)
        dialog.set_busy(False)
        dialog.accept()
        self._go_live(auth)

    # --- actions from the notification center --------------------------------

    def _open_notification(self, notification: Notification) -> None:
        base = self.settings.web_admin_url if self.settings else DEFAULT_WEB_ADMIN_URL
        link = admin_link(base, notification.type, notification.action_path)
        if link is None:
            log.warning(
                "not opening notification %d: %r on %r is not a web admin link",
                notification.id,
                notification.action_path,
                base,
            )
        else:
            _open_url(link)
        self._mark_read([notification.id])

    def _mark_read(self, ids: list[int]) -> None:
        if self.live is not None:
            self._tasks.spawn(self.live.mark_read(ids), "mark read")

    def _mark_unread(self, ids: list[int]) -> None:
        if self.live is not None:
            self._tasks.spawn(self.live.mark_unread(ids), "mark unread")

    def _mark_all_read(self, *_args: object) -> None:
        if self.live is not None:
            self._tasks.spawn(self.live.mark_all_read(), "mark all read")

    # --- claims (issue 17) ------------------------------------------------------

    def _claim_notifications(self, ids: tuple[int, ...]) -> None:
        """Claim the items of these notifications (a toast's Claim button)."""
        if self.live is None:
            return
        for notification_id in ids:
            notification = self.live.sync.feed.get(notification_id)
            key = None if notification is None else claim_key(notification)
            if key is not None:
                self._claim(key)

    def _claim(self, key: ClaimKey) -> None:
        if self.live is not None:
            self._tasks.spawn(self._ask_claim(self.live.claim(key)), "claim")

    def _release(self, key: ClaimKey) -> None:
        if self.live is not None:
            self._tasks.spawn(self._ask_claim(self.live.release(key)), "release")

    def _reassign(self, key: ClaimKey, to: DutyEntry) -> None:
        """ "Give to…" in the center: the item is ``to``'s, and the status line says so."""
        if self.live is not None:
            self._tasks.spawn(self._ask_reassign(self.live, key, to), "reassign")

    async def _ask_reassign(self, live: LiveSession, key: ClaimKey, to: DutyEntry) -> None:
        """The server's answer in the center's status line ("Luis has it · now"), a refusal
        worded for the admin there too: no error dialog, the list stays usable."""
        translate = QCoreApplication.translate
        try:
            claim = await live.reassign(key, to.admin)
        except ServiceError as exc:
            log.warning("reassigning %s to %s refused: %s", key, to.admin, exc)
            notice = reassign_refused(translate, _reassign_refusal(exc), to.name)
        else:
            notice = taken_message(translate, claim, datetime.now().astimezone())
        self.state.set_claim_notice(notice)

    def _show_history(self, key: ClaimKey) -> None:
        if self.live is not None:
            self._tasks.spawn(self._fetch_history(self.live, key), "item history")

    async def _fetch_history(self, live: LiveSession, key: ClaimKey) -> None:
        events = await live.item_history(key)
        if self.center is not None:
            self.center.show_history(key, events)

    def _set_duty(self, duty: Duty) -> None:
        """Available / Away / Off duty from the tray menu: on the server, for the whole team."""
        if self.live is not None:
            self._tasks.spawn(self.live.set_duty(duty), "set duty")

    async def _set_my_duty(self, duty: Duty) -> DutyEntry | None:
        """The duty the app sets for the admin (Away while the screen is locked); the
        server's row, or None when nobody is signed in."""
        live = self.live
        return None if live is None else await live.set_duty(duty)

    async def _reload_duty(self) -> None:
        """The team's duty from the server, before the app undoes an Away it set."""
        live = self.live
        if live is not None:
            await live.reload_duty()

    async def _ask_claim(self, answer: Awaitable[Claim]) -> None:
        """The server's answer: an item someone else holds says who has it, in the
        center's status line (no error dialog: the item has its owner)."""
        claim = await answer
        notice = ""
        if claim.holder is not None and claim.holder != self.state.claims.me:
            notice = taken_message(QCoreApplication.translate, claim, datetime.now().astimezone())
        self.state.set_claim_notice(notice)

    def activate(self) -> None:
        """A second launch asked the running app to show itself."""
        if self.live is None:
            self.show_sign_in()
        else:
            self.show_notifications()


def _reassign_refusal(error: ServiceError) -> ReassignRefusal:
    """Why ``admin_reassign`` refused, as the admin is told it."""
    if isinstance(error, NoSuchItem):
        return ReassignRefusal.ITEM_GONE
    if isinstance(error, RefusedValue):
        return ReassignRefusal.NOT_AN_ADMIN
    if isinstance(error, SecondFactorRequired):
        return ReassignRefusal.SECOND_FACTOR
    if isinstance(error, NotAdmin):
        return ReassignRefusal.NOT_ALLOWED
    return ReassignRefusal.FAILED


def _sign_out_problems(outcome: SignOutOutcome) -> str:
    """What a sign-out could not do, in the admin's language."""
    words = []
    if not outcome.server_ended:
        words.append(
            QCoreApplication.translate(
                "DesktopApp",
                "Signed out on this computer, but the server could not be told: that session "
                "stays valid there until it expires or is revoked.",
            )
        )
    if not outcome.forgotten:
        words.append(
            QCoreApplication.translate(
                "DesktopApp", "The saved sign-in could not be removed from the system keyring."
            )
        )
    return " ".join(words)


def resource(relative: str) -> Path:
    """A file of the repo's ``resources/``: inside the package in a wheel or a frozen bundle
    (setup.py maps it there), read in place from a source checkout or an editable install."""
    packaged = importlib.resources.files("lia_desktop") / "resources" / relative
    if isinstance(packaged, Path) and packaged.is_file():
        return packaged
    return Path(__file__).resolve().parent.parent / "resources" / relative


def _app_icon_file() -> Path:
    """The app icon (orange bell), for notification daemons that take an icon path."""
    return resource("icons/lia-desktop-128.png")


def _open_url(url: str) -> None:
    """Open a link core built (core.text.admin_link) in the browser, as an already-encoded URL."""
    QDesktopServices.openUrl(QUrl(url, QUrl.ParsingMode.StrictMode))


def _raise(window: QWidget) -> None:
    window.show()
    window.raise_()
    window.activateWindow()


def _set_autostart(enabled: bool) -> None:
    launcher = autostart.for_platform()
    if enabled:
        launcher.enable(autostart.launch_command())
    else:
        launcher.disable()


# --------------------------------------------------------------------------- entry


def run_gui(*, demo: bool = False) -> int:
    """Start the tray app; returns the process exit code."""
    log_file = logs.configure_logging()
    log.info("LIA Desktop %s starting (log: %s)", __version__, log_file)
    qapp = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(qapp, QApplication)
    qapp.setApplicationName(APP_NAME)
    qapp.setWindowIcon(QIcon(str(resource("icons/lia-desktop.svg"))))
    qapp.setApplicationVersion(__version__)
    qapp.setDesktopFileName("lia-desktop")
    qapp.setQuitOnLastWindowClosed(False)
    instance = SingleInstance(profile="demo" if demo else "")
    if not instance.claim():
        print("LIA Desktop is already running; brought it to the front.")
        return 0
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    logs.CrashReporter(logs.log_dir(), __version__).install(loop)
    if demo:  # its own profile: the real settings, keyring entries and cursors are untouched
        data_dir = Path(platformdirs.user_data_dir("lia-desktop", appauthor=False)) / "demo"
        app = DesktopApp(
            qapp,
            SettingsStore.demo(),
            demo=DemoBackend(data_dir / "devstack", DEMO_PORT),
            data_dir=data_dir,
        )
    else:
        app = DesktopApp(qapp, SettingsStore.default())
    instance.activation_requested.connect(app.activate)
    # A session logout or `kill` ends the app like Quit, so the demo's backend stops with it.
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):  # Windows: no signal handlers in loops
            loop.add_signal_handler(signum, app.quit_requested.set)

    async def main() -> None:
        try:
            await app.start()
        except Exception as error:  # the demo backend or the first sign-in could not start
            log.exception("start failed")
            box = QMessageBox(
                QMessageBox.Icon.Critical,
                APP_NAME,
                QCoreApplication.translate("DesktopApp", "LIA Desktop could not start:"),
            )
            box.setTextFormat(Qt.TextFormat.PlainText)
            box.setInformativeText(
                explain(error.kind, QCoreApplication.translate)
                if isinstance(error, ServiceError)
                else str(error)
            )
            box.exec()
            return
        await app.quit_requested.wait()

    try:
        with loop:
            loop.run_until_complete(main())
            loop.run_until_complete(app.stop())
    finally:
        instance.release()
    return 0
