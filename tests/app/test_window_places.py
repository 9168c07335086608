"""The app remembers where its windows were, per profile, across a restart."""

from __future__ import annotations

from PySide6.QtCore import QRect

from lia_desktop.services.settings_store import SettingsStore
from lia_desktop.services.window_store import WindowStore
from tests.app.conftest import AppFactory, Runner
from tests.app.test_menu_settings_instance import OFFLINE, menu


def test_windows_come_back_where_they_were_after_a_restart(
    run: Runner, make_app: AppFactory, settings_store: SettingsStore
) -> None:
    places = {"stats": QRect(40, 60, 620, 470), "notifications": QRect(300, 90, 420, 520)}

    async def first_run() -> None:
        app = make_app(OFFLINE)
        await app.start()
        menu(app, "Stats")
        menu(app, "Notifications")
        assert app.stats_window is not None
        assert app.center is not None
        app.stats_window.setGeometry(places["stats"])
        app.center.setGeometry(places["notifications"])
        await make_app.stop(app)  # quitting closes the windows: their places are saved

    async def second_run() -> None:
        app = make_app()
        await app.start()
        menu(app, "Stats")
        menu(app, "Notifications")
        assert app.stats_window is not None
        assert app.center is not None
        assert app.stats_window.geometry() == places["stats"]
        assert app.center.geometry() == places["notifications"]
        await make_app.stop(app)

    run(first_run())
    saved = WindowStore.beside(settings_store.path)  # windows.json of this profile
    assert saved.get("stats")
    assert saved.get("notifications")
    run(second_run())
