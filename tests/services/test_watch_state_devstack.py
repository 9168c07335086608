"""``watch`` keeps its cursor in the user's private data dir, never in /tmp.

Before, ``watch`` without ``--data-dir`` read its cursor from a predictable
file in the shared temp dir: another user planted a cursor of 10**12 there and
every notification after it (an urgent dispute) stayed hidden. Now the
default is ``$XDG_DATA_HOME/lia-desktop/watch`` (mode 0700), and a cursor file
there that others could have written is ignored with a warning.
"""

from __future__ import annotations

import asyncio
import json
import os
import stat
from pathlib import Path

import pytest

from lia_desktop.services.sync import FeedStateStore
from tests.fixtures import DevstackProcess
from tests.services.commands import Watch, command_env, connection_args, lia_desktop
from tests.services.conftest import Marketplace

pytestmark = pytest.mark.devstack

PLANTED = json.dumps({"version": 1, "cursor": 10**12, "seen_above": []})


async def test_watch_ignores_planted_cursors_and_keeps_its_own_private(
    devstack: DevstackProcess, market: Marketplace, tmp_path: Path
) -> None:
    admin = devstack.create_user(admin=True)
    data_home, shared_tmp = tmp_path / "data", tmp_path / "tmp"
    shared_tmp.mkdir(mode=0o1777)
    shared_tmp.chmod(0o1777)
    # where the old default looked: TMPDIR/feed-<digest>.json, planted by someone else
    old_spot = FeedStateStore.for_admin(devstack.api_url, admin.id, shared_tmp).path
    old_spot.write_text(PLANTED)
    if os.geteuid() == 0:
        os.chown(old_spot, 65534, 65534)
    # the new default, made loose beforehand and holding a cursor others could have written
    watch_dir = data_home / "lia-desktop" / "watch"
    watch_dir.mkdir(parents=True)
    watch_dir.chmod(0o777)
    cursor_file = FeedStateStore.for_admin(devstack.api_url, admin.id, watch_dir).path
    cursor_file.write_text(PLANTED)
    cursor_file.chmod(0o666)

    env = command_env(
        LIA_ADMIN_PASSWORD=admin.password, XDG_DATA_HOME=str(data_home), TMPDIR=str(shared_tmp)
    )
    watch = await Watch.start(
        *connection_args(devstack.api_url, devstack.anon_key, admin.email), env=env
    )
    await watch.until_live()
    booking = await asyncio.to_thread(market.book)
    [expected] = await asyncio.to_thread(market.notification_for, "bookings", booking)
    await watch.until(lambda e: e["kind"] == "notification" and e["id"] == expected, 30)
    await watch.until(lambda e: e["kind"] == "feed" and e["cursor"] >= expected, 30)
    assert await watch.stop() == 0, watch.stderr

    assert f"ignoring feed state {cursor_file}: writable by other users" in watch.stderr
    assert stat.S_IMODE(watch_dir.stat().st_mode) == 0o700
    saved = json.loads(cursor_file.read_text())
    assert expected <= saved["cursor"] < 10**12
    assert stat.S_IMODE(cursor_file.stat().st_mode) == 0o600
    assert cursor_file.stat().st_uid == os.geteuid()
    # the shared temp dir was not used: the planted file is untouched, nothing added
    assert sorted(p.name for p in shared_tmp.iterdir()) == [old_spot.name]
    assert old_spot.read_text() == PLANTED


async def test_watch_refuses_a_default_folder_that_is_not_the_users(
    tmp_path: Path,
) -> None:
    if os.geteuid() != 0:
        pytest.skip("only root can give a folder to another user")
    data_home = tmp_path / "data"
    watch_dir = data_home / "lia-desktop" / "watch"
    watch_dir.mkdir(parents=True)
    os.chown(watch_dir, 65534, 65534)
    env = command_env(LIA_ADMIN_PASSWORD="x", XDG_DATA_HOME=str(data_home))
    done = await lia_desktop(
        "watch", *connection_args("http://127.0.0.1:9", "key", "a@lia.test"), env=env
    )
    assert done.code == 2
    assert done.stdout == ""
    assert done.stderr == (
        f"lia-desktop watch: error: {watch_dir} belongs to uid 65534, not to this user;"
        " remove it or pass --data-dir\n"
    )


async def test_a_data_dir_that_is_a_file_is_one_clear_line(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "cursor.json"
    not_a_folder.write_text("{}")
    done = await lia_desktop(
        "watch",
        *connection_args("http://127.0.0.1:9", "key", "a@lia.test"),
        "--data-dir",
        str(not_a_folder),
        env=command_env(LIA_ADMIN_PASSWORD="x"),
    )
    assert done.code == 2
    assert done.stderr == f"lia-desktop watch: error: --data-dir {not_a_folder}: not a folder\n"


async def test_a_shared_data_dir_is_used_with_a_warning(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    done = await lia_desktop(
        "watch",
        *connection_args("http://127.0.0.1:9", "key", "a@lia.test"),
        "--data-dir",
        str(shared),
        env=command_env(LIA_ADMIN_PASSWORD="x"),
    )
    assert done.code == 1  # nothing listens on port 9: said as a JSON error line
    assert json.loads(done.lines[-1])["kind"] == "error"
    assert done.stderr.startswith(f"warning: --data-dir {shared} is writable by other users;")
    assert "Traceback" not in done.stderr
