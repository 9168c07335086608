"""``doctor`` and ``watch`` for an admin with a second factor (issue 16), as subprocesses.

The code comes from ``$LIA_TOTP_CODE`` or standard input, as the README says;
pyotp plays the admin's authenticator app. The project demands aal2 during
these tests (and not after).
"""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator

import pyotp
import pytest

from lia_desktop.core.i18n import english
from lia_desktop.core.problems import Problem, explain
from tests.fixtures import DevstackProcess, DevstackUser
from tests.mfa import enroll_elsewhere
from tests.services.commands import Watch, command_env, connection_args, lia_desktop
from tests.services.test_cli_devstack import CHECKS, verdicts

pytestmark = pytest.mark.devstack


@pytest.fixture
async def admin_with_factor(
    devstack: DevstackProcess,
) -> AsyncIterator[tuple[DevstackUser, pyotp.TOTP]]:
    """An admin of the test's own with a verified factor, signing in while aal2 is demanded."""
    admin = devstack.create_user(admin=True)
    totp = await enroll_elsewhere(devstack, admin)
    with devstack.aal2_demanded():
        yield admin, totp


async def doctor(
    devstack: DevstackProcess, admin: DevstackUser, stdin: str | None = None, **env: str
) -> tuple[int, dict[str, tuple[str, str]], list[str]]:
    done = await lia_desktop(
        "doctor",
        *connection_args(devstack.api_url, devstack.anon_key, admin.email),
        env=command_env(LIA_ADMIN_PASSWORD=admin.password, **env),
        stdin=stdin,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done.code, verdicts(done.lines), done.lines


async def test_doctor_signs_in_with_the_code_and_reports_aal2_and_the_switch(
    devstack: DevstackProcess, admin_with_factor: tuple[DevstackUser, pyotp.TOTP]
) -> None:
    admin, totp = admin_with_factor
    code, report, lines = await doctor(devstack, admin, LIA_TOTP_CODE=totp.now())
    assert code == 0, lines
    assert list(report) == list(CHECKS)
    assert report["sign-in"][1].startswith(f"admin {admin.email}; aal2;")
    assert report["second factor"] == ("PASS", "aal2; admins need aal2: on")


async def test_doctor_takes_the_code_from_standard_input(
    devstack: DevstackProcess, admin_with_factor: tuple[DevstackUser, pyotp.TOTP]
) -> None:
    admin, totp = admin_with_factor
    code, report, lines = await doctor(devstack, admin, stdin=f"{totp.now()}\n")
    assert code == 0, lines
    assert report["second factor"][0] == "PASS"


@pytest.mark.parametrize(
    ("case", "problem"),
    [("no code", Problem.SECOND_FACTOR_REQUIRED), ("wrong code", Problem.WRONG_CODE)],
)
async def test_doctor_says_what_the_second_factor_lacks(
    devstack: DevstackProcess,
    admin_with_factor: tuple[DevstackUser, pyotp.TOTP],
    case: str,
    problem: Problem,
) -> None:
    admin, totp = admin_with_factor
    env = {"LIA_TOTP_CODE": f"{(int(totp.now()) + 500_000) % 1_000_000:06d}"}
    code, report, lines = await doctor(devstack, admin, **({} if case == "no code" else env))
    assert code == 1
    verdict, detail = report["sign-in"]
    assert verdict == "FAIL"
    assert detail.startswith(explain(problem, english)), lines
    assert report["remaining checks"][0] == "SKIP"


async def test_doctor_tells_an_admin_without_factor_to_set_one_up_in_the_app(
    devstack: DevstackProcess, aal2_required: None
) -> None:
    admin = devstack.create_user(admin=True)
    code, report, _ = await doctor(devstack, admin)
    assert code == 1
    assert report["sign-in"][1].startswith(explain(Problem.SECOND_FACTOR_NOT_SET_UP, english))


async def test_watch_takes_the_code_from_standard_input(
    devstack: DevstackProcess, admin_with_factor: tuple[DevstackUser, pyotp.TOTP]
) -> None:
    admin, totp = admin_with_factor
    watch = await Watch.start(
        "--data-dir",
        tempfile.mkdtemp(prefix="lia-watch-"),
        *connection_args(devstack.api_url, devstack.anon_key, admin.email),
        env=command_env(LIA_ADMIN_PASSWORD=admin.password),
        stdin=f"{totp.now()}\n",
    )
    await watch.until_live()
    assert await watch.stop() == 0
