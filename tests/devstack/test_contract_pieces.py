"""Every piece the migrations create is on the contract's one list (issues 15-17).

``lia_notifier.contract_pieces()`` is what doctor's "contract" check
(``admin_contract_status()``) looks for after a push, and supabase/preflight.sql
carries the same list to name, before a push, what a project already has under the
contract's names. Both drifted once (the claims, audit and duty of issue 17 were on
neither): here the list is compared with what the migrations really create, read from
the catalog before and after they run, so a migration that adds a piece and forgets
the list fails this test.
"""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from lia_desktop.devstack.database import default_migrations_dir, prepare_database
from tests.devstack.test_contract_install import preflight

pytestmark = pytest.mark.devstack

#: Every named object a migration can create: (kind, name, the table or publication it
#: is on), names schema-qualified (the query runs with an empty search_path). Indexes of
#: constraints and identity sequences are left out: PostgreSQL names them clear of
#: existing ones, so they cannot conflict and are part of their table.
CATALOG = """
select 'table', c.oid::regclass::text, null from pg_catalog.pg_class c
 where c.relkind in ('r', 'p') and c.relnamespace::regnamespace::text <> all (%(system)s)
union all
select 'view', c.oid::regclass::text, null from pg_catalog.pg_class c
 where c.relkind in ('v', 'm') and c.relnamespace::regnamespace::text <> all (%(system)s)
union all
select 'index', c.oid::regclass::text, null
  from pg_catalog.pg_class c join pg_catalog.pg_index i on i.indexrelid = c.oid
 where c.relnamespace::regnamespace::text <> all (%(system)s)
   and not exists (select 1 from pg_catalog.pg_constraint k where k.conindid = c.oid)
union all
select 'type', t.oid::regtype::text, null from pg_catalog.pg_type t
 where t.typnamespace::regnamespace::text <> all (%(system)s)
   and (t.typtype in ('e', 'd')
        or (t.typtype = 'c' and (select relkind from pg_catalog.pg_class
                                  where oid = t.typrelid) = 'c'))
union all
select 'function', p.oid::regprocedure::text, null from pg_catalog.pg_proc p
 where p.pronamespace::regnamespace::text <> all (%(system)s)
union all
select 'trigger', tg.tgname::text, tg.tgrelid::regclass::text from pg_catalog.pg_trigger tg
 where not tg.tgisinternal
union all
select 'policy', polname::text, polrelid::regclass::text from pg_catalog.pg_policy
union all
select 'publication', format('%%I.%%I', schemaname, tablename), pubname::text
  from pg_catalog.pg_publication_tables
"""
SYSTEM_SCHEMAS = ["pg_catalog", "information_schema", "pg_toast"]
#: The schema the contract creates whole: its objects cannot be a project's own.
CONTRACT_SCHEMA = "lia_notifier"

Piece = tuple[str, str, str | None]


def catalog(conn: psycopg.Connection) -> set[Piece]:
    conn.execute("set search_path = ''")
    return set(conn.execute(CATALOG.encode(), {"system": SYSTEM_SCHEMAS}).fetchall())


def shown(piece: Piece) -> str:
    """How admin_contract_status() and the pre-flight name a piece."""
    kind, name, on = piece
    if kind == "publication":
        return f"publication {on}: {name}"
    if kind == "policy":
        return f'policy "{name}" on {on}'
    return f"{kind} {name}" + (f" on {on}" if on else "")


@pytest.fixture
def created_by_migrations(fresh_database: str, tmp_path: Path) -> tuple[str, set[Piece]]:
    """A demo marketplace, then the migrations: the database and what they added."""
    no_migrations = tmp_path / "no_migrations"
    no_migrations.mkdir()
    prepare_database(fresh_database, migrations_dir=no_migrations, seed_file=None)
    with psycopg.connect(fresh_database) as conn:
        before = catalog(conn)
    prepare_database(fresh_database, migrations_dir=default_migrations_dir(), seed_file=None)
    with psycopg.connect(fresh_database) as conn:
        after = catalog(conn)
    return fresh_database, after - before


def test_the_contract_lists_every_piece_the_migrations_create(
    created_by_migrations: tuple[str, set[Piece]],
) -> None:
    database, created = created_by_migrations
    with psycopg.connect(database) as conn:
        listed = set(conn.execute("select * from lia_notifier.contract_pieces()").fetchall())
        version = conn.execute("select lia_notifier.contract_version()").fetchone()
    assert {shown(p) for p in created - listed} == set(), "created, not on the list"
    assert {shown(p) for p in listed - created} == set(), "on the list, not created"
    newest = max(p.name.split("_", 1)[0] for p in default_migrations_dir().glob("*.sql"))
    assert version == (newest,)


def test_the_preflight_looks_for_every_piece_a_project_could_already_have(
    created_by_migrations: tuple[str, set[Piece]],
) -> None:
    """On a pushed project the pre-flight finds each of its names 'installed': its list."""
    database, created = created_by_migrations
    could_exist = {piece for piece in created if not piece[1].startswith(f"{CONTRACT_SCHEMA}.")}
    looked_for = {
        item.removeprefix("existing ")
        for status, item, _ in preflight(database)
        if status == "installed" and item.startswith("existing ")
    }
    expected = {shown(p).removeprefix("table ") for p in could_exist}
    assert looked_for == expected


def test_every_contract_function_is_marked_as_the_contracts_own(
    created_by_migrations: tuple[str, set[Piece]],
) -> None:
    """The pre-flight tells the contract's functions (a previous push) from a project's."""
    database, created = created_by_migrations
    with psycopg.connect(database) as conn:
        conn.execute("set search_path = ''")
        unmarked = conn.execute(
            "select p.oid::regprocedure::text from pg_proc p"
            " where p.oid::regprocedure::text = any (%s)"
            " and obj_description(p.oid, 'pg_proc') is distinct from 'lia_notifier contract'",
            ([name for kind, name, _ in created if kind == "function"],),
        ).fetchall()
    assert unmarked == []
