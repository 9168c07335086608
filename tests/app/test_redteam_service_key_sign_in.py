"""Red team (issue 14): the service_role key pasted as the anon key is refused at sign-in.

Both keys sit side by side on the dashboard's API page. The Settings dialog and
``lia-desktop doctor`` refuse a JWT of another role (Problem.NOT_THE_ANON_ROLE), but the
sign-in dialog sent it: with the admin's right password the app signed in and wrote the
service_role key (which bypasses row-level security for the whole project) to
settings.json in plain text, and ran on it.
"""

from __future__ import annotations

import pytest

from lia_desktop.core.i18n import english
from lia_desktop.core.problems import Problem, explain
from tests.app.conftest import AppFactory, Runner, until
from tests.app.test_sign_in_and_live import first_run, visible_errors
from tests.fixtures import DevstackProcess, DevstackUser

pytestmark = pytest.mark.devstack


def test_the_service_role_key_is_refused_and_never_saved(
    run: Runner,
    make_app: AppFactory,
    devstack: DevstackProcess,
    admin_user: DevstackUser,
) -> None:
    async def scenario() -> None:
        app, dialog = await first_run(make_app)
        dialog.url.setText(devstack.api_url)
        dialog.anon_key.setText(devstack.service_role_key)
        dialog.email.setText(admin_user.email)
        dialog.password.setText(admin_user.password)
        dialog.sign_in_button.click()
        await until(
            lambda: bool(visible_errors(dialog)) or not dialog.isVisible() or app.live is not None,
            timeout=30,
        )
        saved = app.settings.anon_key if app.settings is not None else ""
        assert saved != devstack.service_role_key, "the service_role key was saved as anon key"
        assert app.live is None
        assert visible_errors(dialog) == {"anon_key": explain(Problem.NOT_THE_ANON_ROLE, english)}
        await make_app.stop(app)

    run(scenario())
