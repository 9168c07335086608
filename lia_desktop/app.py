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
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import platformdirs
import qasync
from PySide6.QtCore import QObject, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QIcon
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from lia_desktop import __version__
from lia_desktop.core import format as core_format
from lia_desktop.core import settings as settings_schema
from lia_desktop.core.feed import FeedUpdate, NotificationFeed
from lia_desktop.core.models import (
    ConnectionPhase,
    ConnectionState,
    DashboardStats,
    Notification,
    PresenceActivity,
    Toast,
    ToastAction,
    ToastButton,
)
from lia_desktop.core.settings import Settings, SettingsError
from lia_desktop.core.text import admin_link
from lia_desktop.services import autostart, logs, power
from lia_desktop.services.auth import AdminIdentity, AuthSession
from lia_desktop.services.errors import ServiceError
from lia_desktop.services.settings_store import SettingsStore
from lia_desktop.services.supervisor import RealtimeSupervisor
from lia_desktop.services.sync import FeedStateStore, Sync
from lia_desktop.ui.bridge import Bridge
from lia_desktop.ui.network import NetworkMonitor
from lia_desktop.ui.notification_center import NotificationCenter
from lia_desktop.ui.settings_dialog import SettingsDialog
from lia_desktop.ui.sign_in import SignInDialog, SignInRequest
from lia_desktop.ui.stats_window import CoreStatsFormat, StatsWindow
from lia_desktop.ui.toasts import InAppToasts, NativeToasts, ToastLadder, TrayBalloonToasts
from lia_desktop.ui.tray_icon import DndChoice, TrayController

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


# --------------------------------------------------------------------------- single instance


class SingleInstance(QObject):
    """A per-user local socket: the first launch listens, a second one asks it to show itself."""

    activation_requested = Signal()

    def __init__(self, name: str | None = None) -> None:
        super().__init__()
        user = hashlib.sha256(getpass.getuser().encode()).hexdigest()[:12]
        self.name = name or f"lia-desktop-{user}"
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


class DemoBackend:
    """``lia-devstack start --simulate`` in a child process, stopped with the app."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._process: asyncio.subprocess.Process | None = None

    async def start(self) -> DemoProject:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._process = await asyncio.create_subprocess_exec(
            *devstack_command(), "start", "--json", "--port", "0",
            "--data-dir", str(self.data_dir), "--simulate",
            stdout=asyncio.subprocess.PIPE,
        )  # fmt: skip
        assert self._process.stdout is not None
        line = await asyncio.wait_for(self._process.stdout.readline(), DEVSTACK_START_TIMEOUT)
        if not line:
            code = await self._process.wait()
            raise RuntimeError(f"the demo backend did not start (exit code {code})")
        status = json.loads(line)
        return DemoProject(status["API_URL"], status["ANON_KEY"])

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


def devstack_command() -> list[str]:
    """``lia-devstack``: a frozen app has no ``-m``, so it runs its own hidden ``devstack`` command."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "devstack"]
    return [sys.executable, "-m", "lia_desktop.devstack"]


# --------------------------------------------------------------------------- the signed-in part


class _Observer:
    """Sync's observer: forwards to the Qt bridge (the only thing the UI listens to).

    The feed is published at most once per loop turn: in a burst every event
    changes it, and copying and sorting the whole feed (plus a tray repaint)
    per event made the UI thread stall for seconds.
    """

    def __init__(self, bridge: Bridge) -> None:
        self._bridge = bridge
        self._feed: NotificationFeed | None = None

    def stats_changed(self, stats: DashboardStats) -> None:
        self._bridge.publish_stats(stats)

    def feed_changed(self, update: FeedUpdate, feed: NotificationFeed) -> None:
        if self._feed is None:
            asyncio.get_running_loop().call_soon(self._publish_feed)
        self._feed = feed
        for toast in update.toasts:
            self._bridge.publish_toast(toast)

    def _publish_feed(self) -> None:
        feed, self._feed = self._feed, None
        if feed is not None:
            self._bridge.publish_notifications(feed.items(), feed.unread_count)

    def activity_changed(self, activity: PresenceActivity) -> None:
        self._bridge.publish_presence(activity)

    def connection_changed(self, state: ConnectionState) -> None:
        self._bridge.publish_connection(state)


@dataclass
class LiveSession:
    """One signed-in admin: the auth session, the sync and the supervisor's task."""

    auth: AuthSession
    sync: Sync
    supervisor: RealtimeSupervisor
    task: asyncio.Task[None]

    async def close(self, *, sign_out: bool = False) -> None:
        self.supervisor.stop()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task
        await self.sync.close()
        if sign_out:
            await self.auth.sign_out()
        await self.auth.close()


async def open_session(
    url: str, anon_key: str, sign_in: Callable[[AuthSession], Awaitable[AdminIdentity | None]]
) -> AuthSession | None:
    """An AuthSession that ``sign_in`` signed in, or None; a failed attempt's client is closed."""
    auth = await AuthSession.open(url, anon_key)
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
    """The running tray app. ``start()`` signs in (silently when it can) and goes live."""

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
        self._store = store
        self._demo = demo
        self._data_dir = data_dir
        self.settings: Settings | None = store.load()
        self.bridge = Bridge(self)
        self.tray = TrayController()
        self.ladder = ToastLadder(self._toast_rungs())
        self.center: NotificationCenter | None = None
        self.stats_window: StatsWindow | None = None
        self.sign_in_dialog: SignInDialog | None = None
        self.live: LiveSession | None = None
        self._state = ConnectionState(ConnectionPhase.SIGNED_OUT)
        self._items: tuple[Notification, ...] = ()
        self._unread = 0
        self._stats: DashboardStats | None = None
        self._presence = PresenceActivity()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._clocks = clocks
        # Nothing to do before sleeping: the socket dies during the sleep whatever we do.
        self._sleep_watcher = power.SleepWatcher(
            lambda: None, self._on_wake, os.environ.get(LOGIND_BUS_ENV)
        )
        self.network = NetworkMonitor(self)
        self.quit_requested = asyncio.Event()
        self._tooltip_timer = QTimer(self)
        self._tooltip_timer.setInterval(1000)
        self._tooltip_timer.timeout.connect(self._refresh_tray)
        self._connect_signals()

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
        b = self.bridge
        b.connection_changed.connect(self._on_connection)
        b.notifications_changed.connect(self._on_notifications)
        b.unread_changed.connect(self._on_unread)
        b.stats_changed.connect(self._on_stats)
        b.presence_changed.connect(self._on_presence)
        b.toast_requested.connect(lambda toast: self._spawn(self.ladder.show(toast)))
        t = self.tray
        t.notifications_requested.connect(self.show_notifications)
        t.stats_requested.connect(self.show_stats)
        t.dnd_requested.connect(self._on_dnd)
        t.settings_requested.connect(self.show_settings)
        t.sign_out_requested.connect(lambda: self._spawn(self.sign_out()))
        t.quit_requested.connect(self.quit_requested.set)
        t.tray_missing.connect(lambda text: log.warning("no system tray: %s", text))
        self.network.reachability_changed.connect(self._on_reachability)

    def _spawn(self, coroutine: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Future[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (error := task.exception()) is not None:
            log.error("background task failed", exc_info=error)

    # --- lifecycle ---------------------------------------------------------

    async def start(self) -> None:
        self.tray.show()
        self._refresh_tray()
        self._tooltip_timer.start()
        self._spawn(self._sleep_watcher.start())
        self._spawn(power.watch_clock(lambda _delta: self._on_wake(), read=self._clocks))
        if self._demo is not None:
            await self._start_demo(self._demo)
            return
        if self._store.problem is not None:
            self.tray.tray.showMessage(APP_NAME, f"Settings were reset: {self._store.problem}")
        if self.settings is not None:
            try:
                auth = await open_session(
                    self.settings.supabase_url, self.settings.anon_key, AuthSession.restore
                )
                if auth is not None:
                    self._go_live(auth)
                    return
            except ServiceError as error:
                log.warning("silent sign-in failed: %s", error)
        self.show_sign_in()

    async def _start_demo(self, demo: DemoBackend) -> None:
        self._on_connection(ConnectionState(ConnectionPhase.CONNECTING, reason="starting demo"))
        project = await demo.start()
        self._adopt_project(project.api_url, project.anon_key)
        auth = await open_session(
            project.api_url, project.anon_key, lambda a: a.sign_in(DEMO_EMAIL, DEMO_PASSWORD)
        )
        assert auth is not None  # sign_in raises rather than returning None
        self._go_live(auth)

    def _adopt_project(self, url: str, anon_key: str) -> None:
        """Remember the project signed in to, keeping every other preference."""
        if self.settings is None:
            settings = Settings(
                url.rstrip("/"), anon_key, DEFAULT_WEB_ADMIN_URL, launch_at_login=False
            )
        else:
            settings = replace(self.settings, supabase_url=url.rstrip("/"), anon_key=anon_key)
        self._apply_settings(settings)

    def _go_live(self, auth: AuthSession) -> None:
        identity = auth.identity
        assert identity is not None
        assert self.settings is not None
        url = self.settings.supabase_url
        feed_store = FeedStateStore.for_admin(url, identity.user_id, self._data_dir)
        sync = Sync(
            auth.api,
            feed_store,
            _Observer(self.bridge),
            admin_id=identity.user_id,
            web_admin_url=self.settings.web_admin_url,
            rules=self.settings.toast_rules(),
        )
        supervisor = RealtimeSupervisor(url, self.settings.anon_key, auth, sync)
        reporter = logs.CrashReporter(logs.log_dir(), __version__)
        task = asyncio.ensure_future(logs.restart_on_crash("realtime", supervisor.run, reporter))
        self.live = LiveSession(auth, sync, supervisor, task)

    async def sign_out(self) -> None:
        live, self.live = self.live, None
        if live is not None:
            await live.close(sign_out=True)
        self._on_notifications(())
        self._on_unread(0)
        self._on_connection(ConnectionState(ConnectionPhase.SIGNED_OUT))
        self.show_sign_in()

    async def stop(self) -> None:
        self._tooltip_timer.stop()
        if self.live is not None:
            await self.live.close()
            self.live = None
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._sleep_watcher.stop()
        if self._demo is not None:
            await self._demo.stop()
        for window in (self.center, self.stats_window, self.sign_in_dialog):
            if window is not None:
                window.close()
                window.deleteLater()
        self.tray.dispose()

    # --- platform signals ---------------------------------------------------

    def _on_wake(self) -> None:
        if self.live is not None:
            self.live.supervisor.wake()

    def _on_reachability(self, reachable: bool) -> None:
        if self.live is None:
            return
        if reachable:
            self.live.supervisor.network_changed()
        else:
            self.live.supervisor.network_down()

    # --- state from the bridge ----------------------------------------------

    def _on_connection(self, state: ConnectionState) -> None:
        self._state = state
        self._refresh_tray()
        if self.stats_window is not None:
            self.stats_window.show_connection(state)

    def _on_notifications(self, items: tuple[Notification, ...]) -> None:
        self._items = items
        if self.center is not None:
            self.center.set_notifications(items)

    def _on_unread(self, unread: int) -> None:
        self._unread = unread
        self._refresh_tray()

    def _on_stats(self, stats: DashboardStats) -> None:
        self._stats = stats
        if self.stats_window is not None:
            self.stats_window.show_stats(stats)

    def _on_presence(self, presence: PresenceActivity) -> None:
        self._presence = presence
        if self.stats_window is not None:
            self.stats_window.show_presence(presence)

    def _refresh_tray(self) -> None:
        now = asyncio.get_event_loop().time()
        self.tray.update_state(
            badge=core_format.badge_text(self._unread),
            tooltip=core_format.tooltip(self._unread, self._state, now),
            phase=self._state.phase,
        )
        self.tray.set_dnd_active(self._dnd_active())

    # --- toasts --------------------------------------------------------------

    def _on_toast_action(self, toast: Toast, button: ToastButton) -> None:
        if button.action is ToastAction.OPEN_URL and button.url:
            _open_url(button.url)
        elif button.action is ToastAction.OPEN_NOTIFICATIONS:
            self.show_notifications()
        if button.action is not ToastAction.OPEN_NOTIFICATIONS and self.live is not None:
            self._spawn(self.live.sync.mark_read(list(toast.notification_ids)))

    # --- do not disturb ------------------------------------------------------

    def _dnd_active(self) -> bool:
        until = self.settings.dnd_until if self.settings is not None else None
        return until is not None and until > datetime.now(UTC)

    def _on_dnd(self, choice: DndChoice) -> None:
        if self.settings is None:
            return
        now = datetime.now().astimezone()
        until: datetime | None
        if choice is DndChoice.ONE_HOUR:
            until = now + timedelta(hours=1)
        elif choice is DndChoice.UNTIL_TOMORROW:
            until = (now + timedelta(days=1)).replace(hour=8, minute=0, second=0, microsecond=0)
        else:
            until = None
        self._apply_settings(replace(self.settings, dnd_until=until))

    def _apply_settings(self, settings: Settings) -> None:
        self.settings = settings
        self._store.save(settings)
        if self.live is not None:
            self.live.sync.feed.rules = settings.toast_rules()
        self._refresh_tray()

    # --- windows -------------------------------------------------------------

    def show_notifications(self) -> None:
        if self.center is None:
            self.center = NotificationCenter(
                lambda then: core_format.relative_time(then, datetime.now(UTC))
            )
            self.center.open_requested.connect(self._open_notification)
            self.center.mark_read_requested.connect(self._mark_read)
            self.center.mark_unread_requested.connect(self._mark_unread)
            self.center.mark_all_read_requested.connect(self._mark_all_read)
            self.center.clear_requested.connect(self._mark_all_read)
            self.center.set_notifications(self._items)
        _raise(self.center)

    def show_stats(self) -> None:
        if self.stats_window is None:
            self.stats_window = StatsWindow(CoreStatsFormat())
            self.stats_window.show_connection(self._state)
            self.stats_window.show_presence(self._presence)
            if self._stats is not None:
                self.stats_window.show_stats(self._stats)
        _raise(self.stats_window)

    def show_settings(self) -> None:
        if self.settings is None:
            self.show_sign_in()
            return
        dialog = SettingsDialog(
            settings_schema.form_values(self.settings), settings_schema.form_errors
        )
        dialog.save_requested.connect(lambda values: self._save_form(dialog, values))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _save_form(self, dialog: SettingsDialog, values: dict[str, Any]) -> None:
        try:
            settings = settings_schema.from_form(values)
        except SettingsError as error:  # the dialog validated with the same rules
            dialog.show_errors({error.field: error.problem})
            return
        if self.settings is None or settings.launch_at_login != self.settings.launch_at_login:
            _set_autostart(settings.launch_at_login)
        self._apply_settings(settings)

    def show_sign_in(self) -> None:
        if self.sign_in_dialog is None:
            known = self.settings
            self.sign_in_dialog = SignInDialog(
                known.supabase_url if known else "", known.anon_key if known else ""
            )
            self.sign_in_dialog.sign_in_requested.connect(
                lambda request: self._spawn(self._sign_in(request))
            )
        _raise(self.sign_in_dialog)

    async def _sign_in(self, request: SignInRequest) -> None:
        dialog = self.sign_in_dialog
        assert dialog is not None
        dialog.set_busy(True)
        try:
            auth = await open_session(
                request.url, request.anon_key, lambda a: a.sign_in(request.email, request.password)
            )
        except ServiceError as error:
            dialog.show_error(error)
            return
        assert auth is not None  # sign_in raises rather than returning None
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
            self._spawn(self.live.sync.mark_read(ids))

    def _mark_unread(self, ids: list[int]) -> None:
        if self.live is not None:
            self._spawn(self.live.sync.mark_unread(ids))

    def _mark_all_read(self, *_args: object) -> None:
        if self.live is not None:
            self._spawn(self.live.sync.mark_all_read())

    def activate(self) -> None:
        """A second launch asked the running app to show itself."""
        if self.live is None:
            self.show_sign_in()
        else:
            self.show_notifications()


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
    instance = SingleInstance()
    if not instance.claim():
        print("LIA Desktop is already running; brought it to the front.")
        return 0
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    logs.CrashReporter(logs.log_dir(), __version__).install(loop)
    data_dir = Path(platformdirs.user_data_dir("lia-desktop", appauthor=False))
    app = DesktopApp(
        qapp,
        SettingsStore.default(),
        demo=DemoBackend(data_dir / "demo-devstack") if demo else None,
    )
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
            QMessageBox.critical(None, APP_NAME, f"LIA Desktop could not start:\n{error}")
            return
        await app.quit_requested.wait()

    try:
        with loop:
            loop.run_until_complete(main())
            loop.run_until_complete(app.stop())
    finally:
        instance.release()
    return 0
