"""One real PostgreSQL cluster per test session, prepared like the devstack prepares it."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from lia_desktop.devstack.database import (
    default_migrations_dir,
    default_seed_file,
    prepare_database,
)
from lia_desktop.devstack.postgres import PostgresCluster


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PostgresCluster]:
    """A throw-away cluster under /tmp (the server runs unprivileged when we are root)."""
    cluster = PostgresCluster(Path(tempfile.mkdtemp(prefix="lia-test-pg-", dir="/tmp")))
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture(scope="session")
def migrated_conninfo(pg_cluster: PostgresCluster) -> str:
    """The cluster's ``postgres`` database with scaffold, migrations and the demo seed."""
    prepare_database(
        pg_cluster.conninfo,
        migrations_dir=default_migrations_dir(),
        seed_file=default_seed_file(),
    )
    return pg_cluster.conninfo


@pytest.fixture
def fresh_database(pg_cluster: PostgresCluster) -> Iterator[str]:
    """An empty database in the session cluster, dropped afterwards; yields its conninfo."""
    name = f"fresh_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_cluster.conninfo, autocommit=True) as conn:
        conn.execute(f"create database {name}".encode())
    try:
        yield make_conninfo(pg_cluster.conninfo, dbname=name)
    finally:
        with psycopg.connect(pg_cluster.conninfo, autocommit=True) as conn:
            conn.execute(f"drop database {name} with (force)".encode())
