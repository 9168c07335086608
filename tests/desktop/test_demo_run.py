"""``lia-desktop --demo`` from the source tree for 20 seconds on a real desktop: its tray item,
a toast in dunst, a clean quit on SIGTERM (the demo's backend and PostgreSQL stop with it), and
no token, JWT or password in anything it wrote (config, data, cache, logs, terminal output)."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

from tests.desktop.demo import DemoRun, find_secrets, run_demo

pytestmark = pytest.mark.devstack  # desktop + skip elsewhere: tests/desktop/conftest.py


@pytest.fixture(scope="module")
def demo() -> Iterator[DemoRun]:
    run = run_demo([sys.executable, "-m", "lia_desktop"])
    yield run
    run.cleanup()


def test_the_demo_shows_its_tray_item_and_a_toast_then_quits_cleanly(demo: DemoRun) -> None:
    assert demo.seconds_to_tray is not None
    assert demo.toasts, "no toast from the app reached the notification daemon"
    assert demo.alive_after_demo
    assert demo.returncode == 0
    assert demo.leftovers == [], "the demo's backend outlived the app"


def test_the_demo_leaves_no_token_or_password_on_disk(demo: DemoRun) -> None:
    assert demo.refresh_tokens, "the demo never signed in: nothing to look for"
    assert find_secrets(demo) == []


def test_the_demos_web_admin_is_its_backends_detail_pages(demo: DemoRun) -> None:
    """The demo's "View booking" opens a page that exists: the devstack's (DEMO_ADMIN_URL)."""
    settings = demo.settings()
    assert settings["web_admin_url"].startswith(settings["supabase_url"] + "/demo-admin/")
