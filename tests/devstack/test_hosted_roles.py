"""The devstack's roles, owners and grants are hosted Supabase's (issue 15).

A migration that only works for a superuser, or that needs to own auth's or
realtime's tables, must fail here as it would on ``supabase db push``.
"""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from lia_desktop.devstack.database import MIGRATION_ROLE, MigrationError, prepare_database
from lia_desktop.devstack.postgres import SUPERUSER

WHO_AM_I = (
    "create table public.{table} as select current_user::text as role,"
    " (select rolsuper from pg_roles where rolname = current_user) as rolsuper"
)


def as_postgres(conninfo: str) -> psycopg.Connection:
    return psycopg.connect(make_conninfo(conninfo, user=MIGRATION_ROLE), autocommit=True)


def test_migrations_and_seed_run_as_postgres_which_is_no_superuser(
    fresh_database: str, tmp_path: Path
) -> None:
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    (migrations / "20260101000000_who.sql").write_text(WHO_AM_I.format(table="migrated_by"))
    seed = tmp_path / "seed.sql"
    seed.write_text(WHO_AM_I.format(table="seeded_by"))
    prepare_database(fresh_database, migrations_dir=migrations, seed_file=seed)
    with psycopg.connect(fresh_database) as conn:
        for table in ("migrated_by", "seeded_by"):
            row = conn.execute(f"select role, rolsuper from public.{table}".encode()).fetchone()
            assert row == ("postgres", False)
        owner = conn.execute(
            "select tableowner from pg_tables where tablename = 'migrated_by'"
        ).fetchone()
        assert owner == ("postgres",)


def test_postgres_has_hosted_attributes_and_memberships(migrated_conninfo: str) -> None:
    with psycopg.connect(migrated_conninfo) as conn:
        attributes = conn.execute(
            "select rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, rolreplication, rolcanlogin"
            " from pg_roles where rolname = 'postgres'"
        ).fetchone()
        assert attributes == (False, True, True, True, True, True)
        assert conn.execute(
            "select current_user, usesuper from pg_user where usename = current_user"
        ).fetchone() == (SUPERUSER, True)
        member = "select pg_has_role('postgres', %s, 'MEMBER')"
        for role in ("supabase_auth_admin", "supabase_realtime_admin", SUPERUSER):
            assert conn.execute(member, (role,)).fetchone() == (False,), role
        for role in ("anon", "authenticated", "service_role", "pg_signal_backend"):
            assert conn.execute(member, (role,)).fetchone() == (True,), role
        inherit = conn.execute(
            "select rolname, rolinherit from pg_roles where rolname in"
            " ('anon', 'authenticated', 'service_role', 'authenticator') order by 1"
        ).fetchall()
        assert inherit == [
            ("anon", True),
            ("authenticated", True),
            ("authenticator", False),
            ("service_role", True),
        ]


def test_schema_owners_and_authenticator_timeouts_are_hosted(migrated_conninfo: str) -> None:
    with psycopg.connect(migrated_conninfo) as conn:
        owners: dict[str, str] = dict(
            conn.execute(
                "select nspname, pg_get_userbyid(nspowner) from pg_namespace"
                " where nspname in ('auth', 'realtime', 'private', 'supabase_migrations')"
            ).fetchall()
        )
        assert owners == {
            "auth": "supabase_auth_admin",
            "realtime": "supabase_realtime_admin",
            "private": "postgres",
            "supabase_migrations": "postgres",
        }
        tables: dict[str, str] = dict(
            conn.execute(
                "select schemaname || '.' || tablename, tableowner from pg_tables"
                " where (schemaname, tablename) in (('auth', 'users'), ('realtime', 'messages'),"
                " ('public', 'admin_notifications'))"
            ).fetchall()
        )
        assert tables == {
            "auth.users": "supabase_auth_admin",
            "realtime.messages": "supabase_realtime_admin",
            "public.admin_notifications": "postgres",
        }
        settings = conn.execute(
            "select setconfig from pg_db_role_setting"
            " where setrole = 'authenticator'::regrole and setdatabase = 0"
        ).fetchone()
        assert settings is not None
        assert {"statement_timeout=8s", "lock_timeout=8s"} <= set(settings[0])


def test_postgres_uses_auth_but_cannot_change_it(migrated_conninfo: str) -> None:
    with as_postgres(migrated_conninfo) as conn:
        conn.execute("select count(*) from auth.users").fetchone()  # reads (and writes) rows
        for ddl in (
            "create table auth.mine (n int)",
            "alter table auth.users add column mine int",
            "alter table realtime.messages add column mine int",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(ddl.encode())


def test_policies_on_realtime_messages_need_the_policy_grants(migrated_conninfo: str) -> None:
    policy = (
        'create policy "test reads t" on realtime.messages for select to authenticated'
        " using ((select realtime.topic()) = 't')"
    )
    with as_postgres(migrated_conninfo) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="must be owner"):
            conn.execute(policy.encode())  # not the owner, as on hosted
        conn.execute("select lia_devstack.run_granted_policy_ddl(%s)", (policy,))
        conn.execute(
            "select lia_devstack.run_granted_policy_ddl(%s)",
            ('drop policy "test reads t" on realtime.messages',),
        )
        for outside_the_grants in (
            "drop table realtime.messages",
            "alter table realtime.messages disable row level security",
            'create policy "p" on realtime.messages_extra for select using (true)',
            'create policy "p" on auth.users for select using (true)',
            "drop policy x on realtime.messages; alter role postgres superuser",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="policy_grants"):
                conn.execute(
                    "select lia_devstack.run_granted_policy_ddl(%s)", (outside_the_grants,)
                )
    with (
        psycopg.connect(make_conninfo(migrated_conninfo, user="authenticator")) as api,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        api.execute(
            "select lia_devstack.run_granted_policy_ddl('drop policy x on realtime.messages')"
        )


def test_a_migration_that_needs_a_superuser_fails_as_on_hosted(
    fresh_database: str, tmp_path: Path
) -> None:
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    (migrations / "20260101000000_extension.sql").write_text(
        "create event trigger no on ddl_command_start execute function pg_catalog.now()"
    )
    with pytest.raises(MigrationError, match="42501"):
        prepare_database(fresh_database, migrations_dir=migrations, seed_file=None)


def test_uuid_ossp_and_pgcrypto_functions_seeds_use_are_there(migrated_conninfo: str) -> None:
    """The wheel has neither extension: the scaffold's shim must agree with hashlib/hmac."""
    data, key = "Bogotá · $ 180.000", "k" * 70  # a key longer than sha256's block
    with as_postgres(migrated_conninfo) as conn:  # unqualified: extensions is on its path
        row = conn.execute(
            "select uuid_generate_v4(), length(gen_random_bytes(33)),"
            " gen_random_bytes(16) <> gen_random_bytes(16),"
            " encode(digest(%s, 'sha256'), 'hex'), encode(digest(%s::bytea, 'md5'), 'hex'),"
            " encode(hmac(%s, %s, 'sha256'), 'hex'), encode(hmac(%s, 'short', 'sha512'), 'hex')",
            (data, data.encode(), data, key, data),
        ).fetchone()
        assert row is not None
        generated, length, differ, sha, md5, mac256, mac512 = row
        assert generated.version == 4
        assert (length, differ) == (33, True)
        assert sha == hashlib.sha256(data.encode()).hexdigest()
        assert md5 == hashlib.md5(data.encode()).hexdigest()
        assert mac256 == hmac.new(key.encode(), data.encode(), "sha256").hexdigest()
        assert mac512 == hmac.new(b"short", data.encode(), "sha512").hexdigest()
        with pytest.raises(psycopg.errors.InvalidParameterValue, match="No such hash"):
            conn.execute("select digest('x', 'sha1')")
        with pytest.raises(psycopg.errors.FeatureNotSupported, match="precomputed bcrypt"):
            conn.execute("select crypt('lia-demo-admin', gen_salt('bf'))")
