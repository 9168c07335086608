"""The "admins need aal2" switch: on for an operator's project, off in the demo seed."""

from __future__ import annotations

import psycopg
import pytest

from lia_desktop.devstack.database import (
    default_migrations_dir,
    default_seed_file,
    prepare_database,
)

pytestmark = pytest.mark.devstack


def admins_need_aal2(conninfo: str) -> bool:
    with psycopg.connect(conninfo) as db:
        row = db.execute("select lia_notifier.admins_need_aal2()").fetchone()
    assert row is not None
    return bool(row[0])


def test_an_operators_project_demands_aal2(fresh_database: str) -> None:
    prepare_database(fresh_database, migrations_dir=default_migrations_dir(), seed_file=None)
    assert admins_need_aal2(fresh_database) is True


def test_the_demo_seed_turns_it_off(fresh_database: str) -> None:
    prepare_database(
        fresh_database, migrations_dir=default_migrations_dir(), seed_file=default_seed_file()
    )
    assert admins_need_aal2(fresh_database) is False


def test_without_its_row_the_switch_stays_on(fresh_database: str) -> None:
    """An operator who deleted the row did not thereby turn the protection off."""
    prepare_database(fresh_database, migrations_dir=default_migrations_dir(), seed_file=None)
    with psycopg.connect(fresh_database, autocommit=True) as db:
        db.execute("delete from lia_notifier.security_settings")
    assert admins_need_aal2(fresh_database) is True
