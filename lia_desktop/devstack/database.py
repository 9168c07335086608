"""Prepare a PostgreSQL database the way Supabase would have it.

Lays the scaffolding (roles, ``auth``, ``realtime``, the publication) as the
superuser, then, as the non-superuser ``postgres`` like ``supabase db push``
on a hosted project, creates the demo marketplace (``demo_marketplace.sql``,
unless ``public.bookings`` exists: it stands in for LIA's own tables and is
not part of the contract), applies ``supabase/migrations`` once each in filename
order and records them in ``supabase_migrations.schema_migrations`` like the
Supabase CLI, then runs the seed once (recorded in
``supabase_migrations.seed_files``). So a second start on the same data dir
re-runs nothing, and a migration that needs more than hosted grants fails
here too.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from .postgres import set_password

#: Serialises concurrent preparations of one database (session-level advisory lock).
_PREPARE_LOCK_KEY = 0x4C49415F50524550  # "LIA_PREP"

SCAFFOLD_FILE = Path(__file__).with_name("scaffold.sql")
#: The demo marketplace's tables, which a real LIA project has already.
DEMO_MARKETPLACE_FILE = Path(__file__).with_name("demo_marketplace.sql")
#: The role migrations and the seed run as (hosted: NOSUPERUSER, see scaffold.sql).
MIGRATION_ROLE = "postgres"
#: Roles that log in with the superuser's password (as self-hosted Supabase gives
#: ``POSTGRES_PASSWORD`` to each): the migrations, the REST API and GoTrue's.
LOGIN_ROLES = (MIGRATION_ROLE, "authenticator", "supabase_auth_admin")
#: Hosted's supautils ``policy_grants``: policy DDL that postgres may run on tables it does
#: not own. Such statements go through ``lia_devstack.run_granted_policy_ddl``.
_GRANTED_POLICY_DDL = re.compile(
    r"\s*(create|alter|drop)\s+policy\s+(if\s+exists\s+)?(\"(?:[^\"]|\"\")+\"|[a-z_][a-z0-9_$]*)"
    r"\s+on\s+(realtime|\"realtime\")\.(messages|\"messages\")(\s|$)",
    re.IGNORECASE,
)
_LEADING_COMMENTS = re.compile(r"\A(?:\s+|--[^\n]*(?:\n|\Z))*")


class MigrationError(RuntimeError):
    """A scaffold, migration or seed statement failed; the message names the file and why."""


@dataclass(frozen=True, slots=True)
class PrepareReport:
    """What one :func:`prepare_database` call did (file names, in order)."""

    applied_migrations: tuple[str, ...]
    already_applied: tuple[str, ...]
    seeded: bool


def project_dir() -> Path:
    """The Supabase project directory (``migrations/``, ``seed.sql``).

    The repo's ``supabase/`` is the one source; a wheel or a frozen bundle carries it
    inside the package as ``supabase_project`` (see setup.py and the PyInstaller spec),
    and a source checkout or an editable install reads it in place.
    """
    packaged = resources.files(__package__) / "supabase_project"
    if isinstance(packaged, Path) and (packaged / "migrations").is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "supabase"
    if (checkout / "migrations").is_dir():
        return checkout
    raise MigrationError(f"no Supabase migrations in {packaged} nor in {checkout}")


def default_migrations_dir() -> Path:
    return project_dir() / "migrations"


def default_seed_file() -> Path:
    return project_dir() / "seed.sql"


_DOLLAR_TAG = re.compile(r"\$(?:[A-Za-z_][A-Za-z_0-9]*)?\$")


def split_statements(sql: str) -> list[str]:
    """Split a SQL script into statements at top-level semicolons.

    Understands comments, quoted strings and identifiers, and dollar quoting,
    which is all that Supabase migrations use. Each statement is executed and
    recorded on its own, so an error can say which one failed. Pieces holding
    only comments are dropped.
    """
    statements: list[str] = []
    start = i = 0
    has_code = False
    n = len(sql)
    while i < n:
        ch = sql[i]
        if sql.startswith("--", i):
            end = sql.find("\n", i)
            i = n if end < 0 else end + 1
            continue
        if sql.startswith("/*", i):
            i = _skip_block_comment(sql, i)
            continue
        if ch == ";":
            if has_code:
                statements.append(sql[start:i].strip())
            start, i, has_code = i + 1, i + 1, False
            continue
        if not ch.isspace():
            has_code = True
        if ch in "'\"":
            i = _skip_quoted(sql, i, ch, backslash=ch == "'" and sql[i - 1 : i] in ("e", "E"))
        elif ch == "$" and (tag := _DOLLAR_TAG.match(sql, i)):
            close = sql.find(tag.group(), tag.end())
            if close < 0:
                raise MigrationError(f"unterminated dollar quote {tag.group()}")
            i = close + len(tag.group())
        else:
            i += 1
    if has_code:
        statements.append(sql[start:].strip())
    return statements


def _skip_block_comment(sql: str, i: int) -> int:
    """Block comments nest in PostgreSQL."""
    depth, i = 1, i + 2
    while i < len(sql) and depth:
        if sql.startswith("/*", i):
            depth, i = depth + 1, i + 2
        elif sql.startswith("*/", i):
            depth, i = depth - 1, i + 2
        else:
            i += 1
    return i


def _skip_quoted(sql: str, i: int, quote: str, *, backslash: bool) -> int:
    i += 1
    while i < len(sql):
        if backslash and sql[i] == "\\":
            i += 2
        elif sql[i] == quote:
            if sql.startswith(quote * 2, i):
                i += 2
            else:
                return i + 1
        else:
            i += 1
    raise MigrationError(f"unterminated {quote}-quoted text")


def _execute_script(conn: psycopg.Connection, label: str, statements: list[str]) -> None:
    for number, statement in enumerate(statements, start=1):
        try:
            code = _LEADING_COMMENTS.sub("", statement)
            if _GRANTED_POLICY_DDL.match(code):
                conn.execute("select lia_devstack.run_granted_policy_ddl(%s)", (code,))
            else:
                conn.execute(statement.encode())
        except psycopg.Error as err:
            diag = err.diag
            detail = " ".join(
                part
                for part in (diag.message_primary, diag.message_detail, diag.message_hint)
                if part
            )
            first_line = statement.splitlines()[0][:120]
            raise MigrationError(
                f"{label}: statement {number} ({first_line!r}) failed: "
                f"[{diag.sqlstate}] {detail or err}"
            ) from err


def apply_scaffold(conn: psycopg.Connection) -> None:
    """Lay the Supabase scaffolding (idempotent), committing it."""
    with conn.transaction():
        _execute_script(conn, SCAFFOLD_FILE.name, split_statements(SCAFFOLD_FILE.read_text()))


def migration_version(path: Path) -> tuple[str, str]:
    """``20261124000200_admin_notifications.sql`` -> (``20261124000200``, ``admin_notifications``),
    as the CLI."""
    version, _, name = path.stem.partition("_")
    if not version.isdigit():
        raise MigrationError(f"{path.name}: migration files are named <digits>_<name>.sql")
    return version, name


def prepare_database(
    conninfo: str,
    *,
    migrations_dir: Path,
    seed_file: Path | None,
    marketplace_file: Path | None = DEMO_MARKETPLACE_FILE,
) -> PrepareReport:
    """Scaffold, migrate and seed the database at ``conninfo``; safe to call on every start.

    ``conninfo`` is the superuser's; its password becomes the :data:`LOGIN_ROLES`' too.
    ``marketplace_file`` runs first unless ``public.bookings`` exists (None: never).
    """
    migrations = sorted(migrations_dir.glob("*.sql"))
    password = str(conninfo_to_dict(conninfo).get("password") or "")
    with psycopg.connect(conninfo, autocommit=True) as admin:
        admin.execute("select pg_advisory_lock(%s)", (_PREPARE_LOCK_KEY,))
        apply_scaffold(admin)
        for role in LOGIN_ROLES:
            admin.execute(set_password(role, password))
        with psycopg.connect(make_conninfo(conninfo, user=MIGRATION_ROLE), autocommit=True) as conn:
            if marketplace_file is not None:
                _create_marketplace(conn, marketplace_file)
            applied, skipped, seeded = _migrate(conn, migrations, seed_file)
    return PrepareReport(tuple(applied), tuple(skipped), seeded)


def _create_marketplace(conn: psycopg.Connection, marketplace_file: Path) -> None:
    with conn.transaction():
        if conn.execute("select to_regclass('public.bookings')").fetchone() == (None,):
            statements = split_statements(marketplace_file.read_text())
            _execute_script(conn, marketplace_file.name, statements)


def _migrate(
    conn: psycopg.Connection, migrations: list[Path], seed_file: Path | None
) -> tuple[list[str], list[str], bool]:
    applied: list[str] = []
    skipped: list[str] = []
    seeded = False
    for path in migrations:
        version, name = migration_version(path)
        with conn.transaction():
            done = conn.execute(
                "select 1 from supabase_migrations.schema_migrations where version = %s",
                (version,),
            ).fetchone()
            if done:
                skipped.append(path.name)
                continue
            statements = split_statements(path.read_text())
            _execute_script(conn, path.name, statements)
            conn.execute(
                "insert into supabase_migrations.schema_migrations (version, name, statements)"
                " values (%s, %s, %s)",
                (version, name, statements),
            )
            applied.append(path.name)
    if seed_file is not None:
        seeded = _seed_once(conn, seed_file)
    return applied, skipped, seeded


def _seed_once(conn: psycopg.Connection, seed_file: Path) -> bool:
    text = seed_file.read_text()
    key = f"supabase/{seed_file.name}"
    with conn.transaction():
        if conn.execute(
            "select 1 from supabase_migrations.seed_files where path = %s", (key,)
        ).fetchone():
            return False
        _execute_script(conn, seed_file.name, split_statements(text))
        conn.execute(
            "insert into supabase_migrations.seed_files (path, hash) values (%s, %s)",
            (key, hashlib.sha256(text.encode()).hexdigest()),
        )
    return True
