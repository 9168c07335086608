"""The cursor file is trusted only if this user wrote it; saving it never raises.

Whoever can write the cursor decides what counts as already seen: a planted
``{"cursor": 10**12}`` hides every notification to come. A file owned by
someone else, writable by group or others, or a symlink is ignored with a
warning (the catch-up then replays from 0: nothing is lost). A cursor that
cannot be written (full disk) is a warning, not an exception that would abort
the sign-out that closes the sync.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pytest

from lia_desktop.services.sync import FeedState, FeedStateStore

PLANTED = {"version": 1, "cursor": 10**12, "seen_above": []}


def plant(path: Path, mode: int, data: object = PLANTED) -> None:
    path.write_text(json.dumps(data), encoding="utf-8")
    path.chmod(mode)


def test_the_users_own_cursor_file_is_loaded(tmp_path: Path) -> None:
    store = FeedStateStore(tmp_path / "feed.json")
    store.save(FeedState(120, (122, 125)))
    assert store.path.stat().st_mode & 0o777 == 0o600
    assert store.load() == FeedState(120, (122, 125))


@pytest.mark.parametrize(("mode", "why"), [(0o664, "mode 664"), (0o646, "mode 646")])
def test_a_cursor_file_others_can_write_is_ignored(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, mode: int, why: str
) -> None:
    store = FeedStateStore(tmp_path / "feed.json")
    plant(store.path, mode)
    with caplog.at_level(logging.WARNING):
        assert store.load() == FeedState()
    assert f"writable by other users ({why})" in caplog.text


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0,
    reason="only root can give a file to another user",
)
def test_a_cursor_file_owned_by_another_user_is_ignored(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = FeedStateStore(tmp_path / "feed.json")
    plant(store.path, 0o600)
    os.chown(store.path, 65534, 65534)  # nobody
    with caplog.at_level(logging.WARNING):
        assert store.load() == FeedState()
    assert "owned by uid 65534, not by this user" in caplog.text


def test_a_symlinked_cursor_file_is_not_followed(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    elsewhere = tmp_path / "elsewhere.json"
    plant(elsewhere, 0o600)
    store = FeedStateStore(tmp_path / "feed.json")
    store.path.symlink_to(elsewhere)
    with caplog.at_level(logging.WARNING):
        assert store.load() == FeedState()
    assert "ignoring unreadable feed state" in caplog.text


def test_a_cursor_that_cannot_be_written_is_a_warning_not_an_exception(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")  # the cursor's folder is a file: every write fails (as ENOSPC would)
    store = FeedStateStore(blocked / "feed.json")
    with caplog.at_level(logging.WARNING):
        store.save(FeedState(7))
    assert "could not save the feed state" in caplog.text
    assert store.load() == FeedState()
