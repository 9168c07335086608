"""``--demo``: the web admin the demo opens is the devstack's own detail pages, so "View
booking" and Enter in the notification center open a page that exists."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import httpx
import pytest
from PySide6.QtWidgets import QApplication

from lia_desktop import app as app_module
from lia_desktop.app import DemoBackend, DesktopApp
from lia_desktop.services.settings_store import SettingsStore
from tests.app.conftest import Runner, drained, until

pytestmark = pytest.mark.devstack


def test_the_demo_opens_its_items_on_the_devstacks_pages(
    run: Runner, qapp: QApplication, private_dirs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(app_module, "_open_url", opened.append)  # the browser
    backend_dir = Path(tempfile.mkdtemp(prefix="lia-demo-", dir="/tmp"))
    store = SettingsStore(private_dirs / "config" / "demo" / "settings.json")
    app = DesktopApp(qapp, store, demo=DemoBackend(backend_dir), data_dir=private_dirs / "data")

    async def scenario() -> None:
        await app.start()
        await until(lambda: app.state.feed.items, timeout=60)
        settings = app.settings
        assert settings is not None
        assert settings.web_admin_url.startswith(settings.supabase_url + "/demo-admin/")
        assert store.load() == settings  # the demo's settings file points there too

        app.show_notifications()
        assert app.center is not None
        for notification in app.state.feed.items[:5]:
            app.center.open_requested.emit(notification)
        assert len(opened) == min(5, len(app.state.feed.items))
        async with httpx.AsyncClient(timeout=30) as browser:
            for url in opened:
                assert url.startswith(settings.web_admin_url + "/admin/")
                response = await browser.get(url)
                assert response.status_code == 200, url
                assert "LIA demo admin" in response.text

    try:
        run(scenario(), timeout=180)
    finally:
        run(app.stop(), timeout=60)
        run(drained())
        shutil.rmtree(backend_dir, ignore_errors=True)
