"""A project the app must not use is refused on every path, and a web server that is not
Supabase is named as such (issue 14, red team).

The service_role key is refused before anything is sent, whether it is typed at sign-in
(tests/app/test_redteam_service_key_sign_in.py), into Settings, or found in a settings file
written before sign-in checked keys; a plain web server at the Project URL is "not a
Supabase project", not "the server could not complete the request".
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace

from aiohttp import web
from PySide6.QtWidgets import QApplication

from lia_desktop.core.i18n import english
from lia_desktop.core.problems import Problem, explain
from lia_desktop.services.auth import KEYRING_SERVICE
from lia_desktop.services.settings_store import SettingsStore
from tests.app.conftest import AppFactory, MemoryKeyring, Runner, until
from tests.app.test_menu_settings_instance import OFFLINE, menu, settings_dialog
from tests.app.test_sign_in_and_live import ANON_KEY, first_run, submit, visible_errors

#: the shape of the dashboard's service_role key (role claim service_role)
SERVICE_ROLE_KEY = "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0." + "s" * 43


@asynccontextmanager
async def web_page_server() -> AsyncIterator[tuple[str, list[str]]]:
    """A web server on loopback that is not Supabase: an HTML page for every request. Yields
    its URL and the paths asked of it."""
    asked: list[str] = []

    async def page(request: web.Request) -> web.Response:
        asked.append(request.path)
        return web.Response(status=404, text="<html>Not here</html>", content_type="text/html")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", page)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}", asked
    finally:
        await runner.cleanup()


def test_a_web_server_that_is_not_supabase_is_named_as_such(
    run: Runner, make_app: AppFactory
) -> None:
    async def scenario() -> None:
        async with web_page_server() as (url, asked):
            app, dialog = await first_run(make_app)
            await submit(dialog, url, ANON_KEY, "admin@lia.test", "password")
            assert visible_errors(dialog) == {
                "url": explain(Problem.NOT_SUPABASE, english, url=url)
            }
            assert asked == ["/auth/v1/token"]  # it was asked, and answered
            assert app.live is None
            await make_app.stop(app)

    run(scenario())


def test_a_saved_service_role_key_is_never_sent_and_the_dialog_says_why(
    run: Runner,
    make_app: AppFactory,
    settings_store: SettingsStore,
    memory_keyring: MemoryKeyring,
) -> None:
    """A settings file from before sign-in checked keys: the silent start refuses it unsent
    and the sign-in dialog says so under the anon key."""

    async def scenario() -> None:
        async with web_page_server() as (url, asked):
            saved = replace(OFFLINE, supabase_url=url, anon_key=SERVICE_ROLE_KEY)
            # a session to restore: were the key sent, the refresh would reach the server
            memory_keyring.set_password(KEYRING_SERVICE, f"{url}|last-email", "admin@lia.test")
            memory_keyring.set_password(KEYRING_SERVICE, f"{url}|admin@lia.test", "refresh")
            app = make_app(saved)
            await app.start()
            dialog = app.sign_in_dialog
            assert dialog is not None
            assert dialog.isVisible()
            assert visible_errors(dialog) == {
                "anon_key": explain(Problem.NOT_THE_ANON_ROLE, english)
            }
            assert asked == []
            assert app.live is None
            assert settings_store.load() == saved  # nothing written on its behalf
            await make_app.stop(app)

    run(scenario())


def test_settings_refuse_the_service_role_key_unsent_and_save_nothing(
    run: Runner, qapp: QApplication, make_app: AppFactory, settings_store: SettingsStore
) -> None:
    async def scenario() -> None:
        async with web_page_server() as (url, asked):
            app = make_app(OFFLINE)
            await app.start()
            menu(app, "Settings…")
            dialog = settings_dialog(qapp)
            dialog.supabase_url.setText(url)
            dialog.anon_key.setText(SERVICE_ROLE_KEY)
            dialog.save_button.click()
            await until(
                lambda: (
                    dialog.save_button.isEnabled()
                    and dialog.form.errors["anon_key"].isVisibleTo(dialog)
                )
            )
            assert dialog.form.errors["anon_key"].text() == explain(
                Problem.NOT_THE_ANON_ROLE, english
            )
            assert asked == []
            assert settings_store.load() == OFFLINE
            await make_app.stop(app)

    run(scenario())
