"""The headless commands' password never has to be on the command line.

Anyone on the machine can read a process's arguments (``ps``,
``/proc/PID/cmdline``), so ``doctor`` and ``watch`` take the password from
``$LIA_ADMIN_PASSWORD`` (readable only by the same user) or from standard input
(``--password-stdin``); ``--password`` still works for old scripts but says
why it should not be used. Bad input is one clear line, never a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fixtures import DevstackProcess, DevstackUser
from tests.services.commands import Watch, command_env, connection_args, lia_desktop
from tests.services.test_cli_devstack import verdicts

pytestmark = pytest.mark.devstack

WARNING = "warning: --password is visible to other users of this machine"


def command_line_of(pid: int) -> bytes:
    """What ``ps`` shows every user (``/proc/PID/cmdline`` is world-readable)."""
    return Path(f"/proc/{pid}/cmdline").read_bytes()


async def test_doctor_reads_the_password_from_stdin(
    devstack: DevstackProcess, admin_user: DevstackUser
) -> None:
    done = await lia_desktop(
        "doctor",
        *connection_args(devstack.api_url, devstack.anon_key, admin_user.email),
        "--password-stdin",
        stdin=admin_user.password + "\n",  # as `echo "$secret" |` sends it
    )
    assert done.code == 0, (done.stdout, done.stderr)
    assert verdicts(done.lines)["sign-in"][0] == "PASS"
    assert done.stderr == ""  # no warning, no traceback


async def test_doctor_reads_the_password_from_the_environment(
    devstack: DevstackProcess, admin_user: DevstackUser
) -> None:
    done = await lia_desktop(
        "doctor",
        *connection_args(devstack.api_url, devstack.anon_key, admin_user.email),
        env=command_env(LIA_ADMIN_PASSWORD=admin_user.password),
    )
    assert done.code == 0, (done.stdout, done.stderr)
    assert verdicts(done.lines)["sign-in"][0] == "PASS"
    assert done.stderr == ""


async def test_password_on_the_command_line_still_works_but_warns(
    devstack: DevstackProcess, admin_user: DevstackUser
) -> None:
    done = await lia_desktop(
        "doctor",
        *connection_args(devstack.api_url, devstack.anon_key, admin_user.email),
        "--password",
        admin_user.password,
    )
    assert done.code == 0, (done.stdout, done.stderr)
    assert done.stderr.startswith(WARNING), done.stderr
    assert "$LIA_ADMIN_PASSWORD or --password-stdin" in done.stderr


async def test_watch_with_password_stdin_keeps_it_out_of_its_command_line(
    devstack: DevstackProcess, admin_user: DevstackUser, tmp_path: Path
) -> None:
    watch = await Watch.start(
        *connection_args(devstack.api_url, devstack.anon_key, admin_user.email),
        "--data-dir",
        str(tmp_path),
        "--password-stdin",
        stdin=admin_user.password,  # no line ending: `printf %s "$secret" |`
    )
    await watch.until_live()
    visible = command_line_of(watch.process.pid)
    assert admin_user.email.encode() in visible  # the right process
    assert admin_user.password.encode() not in visible
    assert await watch.stop() == 0
    assert WARNING not in watch.stderr


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (
            ["--password", "x", "--password-stdin"],
            "x\n",
            "error: --password and --password-stdin cannot be used together",
        ),
        (["--password-stdin"], "", "error: --password-stdin: standard input was empty"),
        (["--password-stdin"], "\n", "error: --password-stdin: standard input was empty"),
        (["--password-stdin"], "one\ntwo\n", "has more than one line; give only the password"),
    ],
)
@pytest.mark.parametrize("command", ["doctor", "watch"])
async def test_bad_password_input_is_one_clear_line(
    command: str, args: list[str], stdin: str, message: str
) -> None:
    done = await lia_desktop(
        command,
        *connection_args("http://127.0.0.1:9", "key", "admin@lia.test"),
        *args,
        stdin=stdin,
    )
    assert done.code == 2
    assert done.stdout == ""
    [line] = done.stderr.splitlines()
    assert line.startswith(f"lia-desktop {command}: error: ")
    assert message in line


async def test_a_missing_password_names_both_safe_ways_to_give_it(tmp_path: Path) -> None:
    target = connection_args("http://127.0.0.1:9", "key", "admin@lia.test")
    doctor = await lia_desktop("doctor", *target)
    assert doctor.code == 1
    [config] = [line for line in doctor.lines if line.startswith("FAIL  config")]
    assert config.endswith("missing: $LIA_ADMIN_PASSWORD / --password-stdin")

    watch = await lia_desktop("watch", *target, "--data-dir", str(tmp_path))
    assert watch.code == 2
    [error] = [json.loads(line) for line in watch.lines]
    assert error["kind"] == "error"
    assert error["message"] == "missing: $LIA_ADMIN_PASSWORD / --password-stdin"
    assert "Traceback" not in watch.stderr
