"""Acceptance: ``lia-desktop doctor`` and ``lia-desktop watch`` as an operator runs them.

Both run as subprocesses of the installed entry point against the devstack,
the password in ``$LIA_ADMIN_PASSWORD`` as the README says; assertions are on
the exit code and the lines printed.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import tempfile
from typing import Any

import jwt
import psycopg
import pytest

from lia_desktop.devstack.database import default_migrations_dir
from tests.fixtures import DevstackProcess, DevstackUser
from tests.services.commands import LIA_DESKTOP, command_env, connection_args, lia_desktop
from tests.services.conftest import Marketplace

pytestmark = pytest.mark.devstack

CHECKS = (
    "config",
    "reachability",
    "anon key",
    "sign-in",
    "second factor",
    "contract",
    "admin RPCs",
    "realtime + publication",
    "presence (private)",
    "commit-to-event",
)


async def doctor(url: str, anon_key: str, email: str, password: str) -> tuple[int, list[str]]:
    """``doctor --measure-latency`` as the README says to run it: the password in the environment."""
    done = await lia_desktop(
        "doctor",
        *connection_args(url, anon_key, email),
        "--measure-latency",
        env=command_env(LIA_ADMIN_PASSWORD=password),
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done.code, done.lines


def verdicts(lines: list[str]) -> dict[str, tuple[str, str]]:
    """check name -> (PASS/FAIL/SKIP, detail), from the report's fixed-width lines."""
    found = {}
    for line in lines:
        verdict, rest = line[:4].strip(), line[6:]
        name = next((c for c in (*CHECKS, "remaining checks") if rest.startswith(c)), None)
        if verdict in ("PASS", "FAIL", "SKIP") and name is not None:
            found[name] = (verdict, rest[len(name) :].strip())
    return found


async def test_doctor_passes_every_check_against_the_devstack(
    devstack: DevstackProcess, admin_user: DevstackUser, market: Marketplace
) -> None:
    market.book()  # an unread notification for the latency probe to mark read
    code, lines = await doctor(
        devstack.api_url, devstack.anon_key, admin_user.email, admin_user.password
    )
    report = verdicts(lines)
    assert code == 0, lines
    assert list(report) == list(CHECKS), lines
    assert all(verdict == "PASS" for verdict, _ in report.values()), lines
    assert report["sign-in"][1].startswith(f"admin {admin_user.email}")
    assert report["commit-to-event"][1].endswith("marked read)")
    assert lines[-1] == "verdict: PASS"


def forged_anon_key() -> str:
    """Shaped like an anon key, signed with another project's secret."""
    return jwt.encode({"iss": "supabase-demo", "role": "anon", "exp": 1983812996}, "x" * 40)


@pytest.mark.parametrize(
    ("case", "failed_check", "why"),
    [
        (
            "wrong url",
            "reachability",
            "Can't reach http://127.0.0.1:9. Check the address and your internet connection."
            " (details: All connection attempts failed)",
        ),
        (
            "wrong key",
            "anon key",
            "The server did not accept this anon key. In the Supabase dashboard, open Project"
            " Settings → API and copy the 'anon public' key of this project. (details: ",
        ),
        (
            "key is not a jwt",
            "config",
            "That is not an anon key. In the Supabase dashboard, open Project Settings → API and"
            " copy the 'anon public' key. (details: not a JWT with a role)",
        ),
        (
            "service role key",
            "config",
            "That key is not the anon key (it may be the secret service_role key, which must"
            " never be used here).",
        ),
        ("port out of range", "config", "Port 99999 does not exist (1-65535)."),
        ("wrong password", "sign-in", "Wrong email or password. Check both and try again"),
        ("not an admin", "sign-in", "This account is not a LIA administrator."),
    ],
)
async def test_doctor_names_the_failed_check_and_why(
    devstack: DevstackProcess,
    admin_user: DevstackUser,
    customer_user: DevstackUser,
    case: str,
    failed_check: str,
    why: str,
) -> None:
    url, key = devstack.api_url, devstack.anon_key
    email, password = admin_user.email, admin_user.password
    if case == "wrong url":
        url = "http://127.0.0.1:9"
    elif case == "wrong key":
        key = forged_anon_key()
    elif case == "key is not a jwt":
        key = "not-a-key"
    elif case == "service role key":
        key = devstack.service_role_key
    elif case == "port out of range":
        url = "http://127.0.0.1:99999"
    elif case == "wrong password":
        password += "-wrong"
    else:
        email, password = customer_user.email, customer_user.password

    code, lines = await doctor(url, key, email, password)
    report = verdicts(lines)

    assert code != 0, lines
    assert lines[-1] == "verdict: FAIL"
    failed = [name for name, (verdict, _) in report.items() if verdict == "FAIL"]
    assert failed == [failed_check], lines
    assert why in report[failed_check][1], lines
    # every check before it passed; the rest are skipped, naming the failed one
    before = CHECKS[: CHECKS.index(failed_check)]
    assert all(report[name][0] == "PASS" for name in before), lines
    assert report["remaining checks"] == ("SKIP", f"they depend on '{failed_check}'")


async def test_doctor_names_the_contract_pieces_a_project_lacks(
    devstack: DevstackProcess, admin_user: DevstackUser
) -> None:
    """An operator's project where a trigger was disabled and a table left out of the
    publication: the contract check names both, as the database reports them."""
    with psycopg.connect(devstack.db_url, autocommit=True) as db:
        db.execute("alter table public.bookings disable trigger bookings_notify_created")
        db.execute("alter publication supabase_realtime drop table public.disputes")
        try:
            code, lines = await doctor(
                devstack.api_url, devstack.anon_key, admin_user.email, admin_user.password
            )
        finally:
            db.execute("alter table public.bookings enable trigger bookings_notify_created")
            db.execute("alter publication supabase_realtime add table public.disputes")
    report = verdicts(lines)
    assert code != 0, lines
    installed = max(p.name.split("_", 1)[0] for p in default_migrations_dir().glob("*.sql"))
    assert report["contract"] == (
        "FAIL",
        f"contract {installed} is missing: trigger bookings_notify_created on public.bookings"
        " (disabled); publication supabase_realtime: public.disputes",
    )
    assert report["remaining checks"] == ("SKIP", "they depend on 'contract'")


async def test_watch_streams_live_state_and_a_new_booking_as_json_lines(
    devstack: DevstackProcess, admin_user: DevstackUser, market: Marketplace
) -> None:
    data_dir = tempfile.mkdtemp(prefix="lia-watch-")
    process = await asyncio.create_subprocess_exec(
        LIA_DESKTOP,
        "watch",
        "--duration",
        "15",
        "--data-dir",
        data_dir,
        *connection_args(devstack.api_url, devstack.anon_key, admin_user.email),
        stdout=asyncio.subprocess.PIPE,
        env=command_env(LIA_ADMIN_PASSWORD=admin_user.password),
    )
    assert process.stdout is not None
    events: list[dict[str, Any]] = []
    expected: int | None = None

    async def read() -> None:
        nonlocal expected
        assert process.stdout is not None
        async for raw in process.stdout:
            event = json.loads(raw)
            events.append(event)
            # past the first catch-up (its feed line): a first run lists what came before it
            if event["kind"] == "feed" and expected is None:
                booking = await asyncio.to_thread(market.book, price=99_000)
                [expected] = await asyncio.to_thread(market.notification_for, "bookings", booking)

    await asyncio.wait_for(read(), 60)
    assert await process.wait() == 0

    kinds = {e["kind"] for e in events}
    assert {"connection", "stats", "notification", "feed"} <= kinds
    phases = [e["phase"] for e in events if e["kind"] == "connection"]
    assert phases[:2] == ["connecting", "live"]
    assert expected is not None
    [notification] = [e for e in events if e["kind"] == "notification" and e["id"] == expected]
    assert notification["type"] == "booking_created"
    assert notification["title"] == "New booking"
    assert "$ 99.000" in notification["body"]
    shutil.rmtree(data_dir)
