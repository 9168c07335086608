"""PostgREST's RPC endpoint (wire protocol, sections 5.1, 5.3 and 5.4).

Each call is one transaction on a connection logged in as ``authenticator``:
the JWT's role is switched to with ``set_config('role', ...)`` (so Postgres
itself refuses roles the authenticator may not become), the claims go to
``request.jwt.claims`` for ``auth.uid()``/``auth.jwt()``, and the role's own
settings (``statement_timeout``) apply, as PostgREST does. The function is
looked up in ``pg_proc`` by a bound name; only catalog names and types reach
the SQL text, quoted, and the arguments travel as one bound JSON document
unpacked by ``json_to_record`` (PostgREST's own technique), so no request
text is ever interpolated into SQL.

A function returning rows (a set or a composite) has its result shaped as
PostgREST does (issue 15): ``select`` (columns), filters (``col=op.value``:
eq, neq, gt, gte, lt, lte, like, ilike, is, in, each optionally ``not.``),
``order``, ``limit``/``offset`` or a ``Range`` header, ``Prefer:
count=exact``, ``Accept: application/vnd.pgrst.object+json`` (one row as an
object, else 406) and ``HEAD``; a set's response has a ``Content-Range``.
Column names become quoted identifiers and values bound parameters. On a GET,
query parameters naming an argument are arguments, the others filters.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import psycopg
import psycopg_pool
from aiohttp import web
from psycopg import sql
from psycopg.rows import dict_row

from . import tokens
from .web import BodyNotJson, bearer_token, json_response, read_json

ANON_ROLE = "anon"
EXTRA_SEARCH_PATH = ("extensions",)
_JSON_TYPES = frozenset({"json", "jsonb"})
_INPUT_MODES = frozenset({"i", "b"})  # IN, INOUT
#: Query parameters that shape a result instead of filtering it or passing an argument.
RESERVED_PARAMS = frozenset({"select", "order", "limit", "offset", "columns", "on_conflict"})
OBJECT_MEDIA_TYPE = "application/vnd.pgrst.object+json"
_OPERATORS = {
    "eq": "=", "neq": "<>", "gt": ">", "gte": ">=", "lt": "<", "lte": "<=",
    "like": "like", "ilike": "ilike",
}  # fmt: skip
_IS_VALUES = {"null": "null", "true": "true", "false": "false", "unknown": "unknown"}
_ORDER_TERM = re.compile(r"^([^.]+)(?:\.(asc|desc))?(?:\.(nullsfirst|nullslast))?$")
_RANGE = re.compile(r"^(?:items=)?(\d+)-(\d*)$")

#: PostgREST's SQLSTATE -> HTTP status table (errors.rst), most specific first.
_EXACT_STATUS = {
    "23503": 409,
    "23505": 409,
    "25006": 405,
    "42883": 404,
    "42P01": 404,
    "42P17": 500,
    "P0001": 400,
}
_CLASS_STATUS = {
    "08": 503, "09": 500, "0L": 403, "0P": 403, "25": 500, "28": 403, "2D": 500, "38": 500,
    "39": 500, "3B": 500, "40": 500, "53": 503, "54": 500, "55": 500, "57": 500, "58": 500,
    "F0": 500, "HV": 500, "P0": 500, "XX": 500,
}  # fmt: skip

_FUNCTIONS_QUERY = """
select p.provolatile::text as volatility, p.proretset as returns_set,
       p.prorettype = 'pg_catalog.void'::regtype as returns_void,
       (select t.typtype = 'c' from pg_catalog.pg_type t where t.oid = p.prorettype) as composite,
       p.pronargdefaults as defaults,
       coalesce(p.proargnames, '{}') as names,
       coalesce(p.proargmodes::text[], '{}') as modes,
       array(select format_type(t, null)
               from unnest(coalesce(p.proallargtypes, p.proargtypes::oid[])) with ordinality x(t, i)
              order by i) as types
  from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
 where n.nspname = %s and p.proname = %s and p.prokind = 'f'
"""

_ROLE_SETTINGS = """
select set_config(split_part(c, '=', 1), substr(c, strpos(c, '=') + 1), true)
  from pg_catalog.pg_db_role_setting s, unnest(s.setconfig) c
 where s.setrole = (select oid from pg_catalog.pg_roles where rolname = %s)
   and s.setdatabase in (0, (select oid from pg_catalog.pg_database
                              where datname = current_database()))
"""


class RestError(Exception):
    """An error answered in PostgREST's body format."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: str | None = None,
        hint: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body = {"code": code, "message": message, "details": details, "hint": hint}
        self.headers = dict(headers or {})

    def response(self) -> web.Response:
        return json_response(self.body, status=self.status, headers=self.headers)


def status_for_sqlstate(sqlstate: str, role: str) -> int:
    if sqlstate == "42501":
        return 401 if role == ANON_ROLE else 403
    if sqlstate.startswith("PT") and sqlstate[2:].isdigit():
        return int(sqlstate[2:])
    return _EXACT_STATUS.get(sqlstate) or _CLASS_STATUS.get(sqlstate[:2], 400)


@dataclass(frozen=True, slots=True)
class Function:
    """One overload of an RPC, from ``pg_proc``."""

    schema: str
    name: str
    volatility: str
    returns_set: bool
    returns_void: bool
    params: tuple[tuple[str, str], ...]  # (name, type) of the input parameters, in order
    defaults: int
    #: a row type or ``returns table``: PostgREST selects, filters, orders and pages these
    returns_rows: bool = False

    @classmethod
    def from_row(cls, schema: str, name: str, row: Mapping[str, Any]) -> Function:
        types: list[str] = row["types"]
        modes: list[str] = row["modes"] or ["i"] * len(types)
        names: list[str] = row["names"] or [""] * len(types)
        params = tuple(
            (arg, typ)
            for arg, typ, mode in zip(names, types, modes, strict=True)
            if mode in _INPUT_MODES
        )
        # ``returns table (a, b)`` is a set of records; with one column it is a set of scalars.
        outputs = sum(mode in ("o", "b", "t") for mode in modes)
        return cls(
            schema, name, row["volatility"], row["returns_set"], row["returns_void"],
            params, row["defaults"], bool(row["composite"]) or outputs > 1,
        )  # fmt: skip

    @property
    def takes_whole_body(self) -> bool:
        """A single unnamed json/jsonb parameter receives the request body as is."""
        return len(self.params) == 1 and not self.params[0][0] and self.params[0][1] in _JSON_TYPES

    def accepts(self, keys: frozenset[str], filters: frozenset[str] = frozenset()) -> bool:
        """Takes these argument ``keys``; ``filters`` (GET parameters naming no argument)
        need a result with columns."""
        if filters and not self.returns_rows:
            return False
        if self.takes_whole_body:
            return True
        names = [name for name, _ in self.params]
        required = names[: len(names) - self.defaults]
        return keys <= set(names) and set(required) <= keys

    def argument_names(self) -> frozenset[str]:
        return frozenset(name for name, _ in self.params)

    def invocation(self, keys: frozenset[str]) -> tuple[sql.Composable, sql.Composable]:
        """(FROM items binding the JSON body ``%s``, the call), for :meth:`call` and shaping."""
        target = sql.SQL("{}.{}").format(sql.Identifier(self.schema), sql.Identifier(self.name))
        source: sql.Composable = sql.SQL("(select %s::json as body) _in, ")
        if self.takes_whole_body:
            invocation = sql.SQL("{}(_in.body::{})").format(target, sql.SQL(self.params[0][1]))
        else:
            given = [(name, typ) for name, typ in self.params if name in keys]
            invocation = sql.SQL("{}({})").format(
                target,
                sql.SQL(", ").join(
                    sql.SQL("{} := _args.{}").format(sql.Identifier(n), sql.Identifier(n))
                    for n, _ in given
                ),
            )
            if given:
                source += sql.SQL("json_to_record(_in.body) as _args({}), ").format(
                    sql.SQL(", ").join(
                        sql.SQL("{} {}").format(sql.Identifier(n), sql.SQL(t)) for n, t in given
                    )
                )
        return source, invocation

    def call(self, keys: frozenset[str]) -> sql.Composed:
        """The query returning the result as one JSON text (``%s`` = the JSON body)."""
        source, invocation = self.invocation(keys)
        if self.returns_void:
            result: sql.Composable = sql.SQL("null")
        elif self.returns_set:
            result = sql.SQL("coalesce(json_agg(_r), '[]')")
        else:
            result = sql.SQL("to_json(_r)")
        return sql.SQL("select {}::text from {}lateral {} _r").format(result, source, invocation)


@dataclass(frozen=True, slots=True)
class Shape:
    """How a row result is selected, filtered, ordered and paged (PostgREST's query string)."""

    columns: tuple[str, ...] | None = None
    filters: tuple[tuple[str, str], ...] = ()
    order: tuple[tuple[str, str | None, str | None], ...] = ()
    limit: int | None = None
    offset: int = 0
    count: bool = False
    single: bool = False

    @classmethod
    def parse(
        cls, query: Mapping[str, str], filters: frozenset[str], headers: Mapping[str, str]
    ) -> Shape:
        columns = None
        if (select := query.get("select", "*").strip()) not in ("", "*"):
            columns = tuple(c.strip() for c in select.split(","))
            if any(not c or ":" in c or "(" in c for c in columns):
                raise RestError(400, "PGRST100", f'"failed to parse select parameter ({select})"')
        order = []
        for term in filter(None, query.get("order", "").split(",")):
            if not (match := _ORDER_TERM.match(term.strip())):
                raise RestError(400, "PGRST100", f'"failed to parse order ({term})"')
            order.append((match.group(1), match.group(2), match.group(3)))
        limit, offset = _page(query, headers.get("Range"))
        prefer = {p.strip() for p in headers.get("Prefer", "").split(",")}
        accept = headers.get("Accept", "")
        return cls(
            columns,
            tuple((name, query[name]) for name in sorted(filters)),
            tuple(order),
            limit,
            offset,
            count="count=exact" in prefer,
            single=OBJECT_MEDIA_TYPE in accept,
        )

    def query(
        self, source: sql.Composable, invocation: sql.Composable
    ) -> tuple[sql.Composed, list[Any]]:
        """``select <json rows>, <count or null>`` over the call, and the filter values to bind
        after the JSON body."""
        params: list[Any] = []
        conditions = [self._condition(column, value, params) for column, value in self.filters]
        where: sql.Composable = sql.SQL("")
        if conditions:
            where = sql.SQL(" where ") + sql.SQL(" and ").join(conditions)
        selected = (
            sql.SQL("_r.*")
            if self.columns is None
            else sql.SQL(", ").join(
                sql.SQL("_r.{}").format(sql.Identifier(c)) for c in self.columns
            )
        )
        ordering: sql.Composable = sql.SQL("")
        if self.order:
            ordering = sql.SQL(" order by ") + sql.SQL(", ").join(
                sql.SQL("_r.{} {} {}").format(
                    sql.Identifier(column),
                    sql.SQL("desc" if direction == "desc" else "asc"),
                    sql.SQL(
                        {"nullsfirst": "nulls first", "nullslast": "nulls last"}.get(
                            nulls or "", ""
                        )
                    ),
                )
                for column, direction, nulls in self.order
            )
        paging: sql.Composable = sql.SQL(" offset {}").format(sql.Literal(self.offset))
        if self.limit is not None:
            paging = sql.SQL(" limit {}").format(sql.Literal(self.limit)) + paging
        counted = (
            sql.SQL("(select count(*) from _call _r{})").format(where)
            if self.count
            else sql.SQL("null::bigint")
        )
        statement = sql.SQL(
            "with _call as materialized (select _c.* from {}lateral {} _c)"
            " select coalesce(json_agg(_s), '[]')::text, {}"
            " from (select {} from _call _r{}{}{}) _s"
        ).format(source, invocation, counted, selected, where, ordering, paging)
        return statement, (params * 2 if self.count else params)

    @staticmethod
    def _condition(column: str, expression: str, params: list[Any]) -> sql.Composable:
        negate = expression.startswith("not.")
        operator, _, value = expression.removeprefix("not.").partition(".")
        target = sql.SQL("_r.{}").format(sql.Identifier(column))
        condition: sql.Composable
        if operator in _OPERATORS:
            if operator in ("like", "ilike"):
                value = value.replace("*", "%")
            condition = sql.SQL("{} {} %s").format(target, sql.SQL(_OPERATORS[operator]))
            params.append(value)
        elif operator == "is" and value.lower() in _IS_VALUES:
            condition = sql.SQL("{} is {}").format(target, sql.SQL(_IS_VALUES[value.lower()]))
        elif operator == "in" and value.startswith("(") and value.endswith(")"):
            condition = sql.SQL("{}::text = any(%s::text[])").format(target)
            params.append(_in_list(value[1:-1]))
        else:
            raise RestError(400, "PGRST100", f'"failed to parse filter ({expression})"')
        return sql.SQL("not ({})").format(condition) if negate else condition


def _page(query: Mapping[str, str], range_header: str | None) -> tuple[int | None, int]:
    """(limit, offset) from ``limit``/``offset``, else a ``Range: first-last`` header."""
    try:
        limit = int(query["limit"]) if "limit" in query else None
        offset = int(query.get("offset", "0"))
    except ValueError as err:
        raise RestError(400, "PGRST100", f'"failed to parse limit/offset ({err})"') from err
    if (
        limit is None
        and "offset" not in query
        and range_header
        and (match := _RANGE.match(range_header.strip()))
    ):
        offset = int(match.group(1))
        if match.group(2):
            limit = max(0, int(match.group(2)) - offset + 1)
    if (limit is not None and limit < 0) or offset < 0:
        raise RestError(400, "PGRST100", '"failed to parse limit/offset (negative)"')
    return limit, offset


def _in_list(text: str) -> list[str]:
    """``a,b,"c,d"`` -> ``['a', 'b', 'c,d']`` (PostgREST's quoted list items)."""
    items, current, quoted, i = [], "", False, 0
    while i < len(text):
        ch = text[i]
        if ch == '"':
            quoted = not quoted
        elif ch == "\\" and quoted and i + 1 < len(text):
            i += 1
            current += text[i]
        elif ch == "," and not quoted:
            items.append(current)
            current = ""
        else:
            current += ch
        i += 1
    items.append(current)
    return items


class RestService:
    """Routes under ``/rest/v1``; ``pool`` connects as ``authenticator``."""

    def __init__(
        self,
        pool: psycopg_pool.AsyncConnectionPool,
        keys: tokens.ProjectKeys,
        schemas: tuple[str, ...] = ("public",),
    ) -> None:
        self._pool = pool
        self._keys = keys
        self._schemas = schemas

    def add_routes(self, app: web.Application) -> None:
        app.router.add_post("/rest/v1/rpc/{function}", self._rpc)
        app.router.add_get("/rest/v1/rpc/{function}", self._rpc)  # HEAD too (aiohttp)

    async def _rpc(self, request: web.Request) -> web.StreamResponse:
        try:
            return await self._call(request)
        except RestError as err:
            return err.response()

    async def _call(self, request: web.Request) -> web.StreamResponse:
        read_only = request.method in ("GET", "HEAD")
        schema = self._schema(request, "Accept-Profile" if read_only else "Content-Profile")
        claims = self._claims(request)
        role = str(claims.get("role") or ANON_ROLE)
        claims["role"] = role
        query = {k: v for k, v in request.query.items() if k not in RESERVED_PARAMS}
        args = query if read_only else await self._body(request)
        keys = frozenset(args) if isinstance(args, dict) else frozenset()
        function = await self._resolve(
            schema, request.match_info["function"], keys, args, read_only
        )
        if read_only:  # parameters naming no argument filter the result
            keys = keys & function.argument_names()
            args = {k: v for k, v in query.items() if k in keys}
        filters = frozenset(query) - keys if read_only else frozenset(query)
        shape = Shape.parse(request.query, filters, request.headers)
        if filters and not function.returns_rows:
            raise RestError(
                400, "PGRST100", f"{schema}.{function.name} returns no rows to filter",
            )  # fmt: skip
        read_only = read_only or function.volatility in ("s", "i")
        settings = (
            ("role", role),
            # ``schema`` is one of the exposed schemas, not request text.
            ("search_path", ", ".join((schema, *EXTRA_SEARCH_PATH))),
            ("request.jwt.claims", json.dumps(claims)),
            ("request.method", request.method),
            ("request.path", request.path),
            ("request.headers", json.dumps({k.lower(): v for k, v in request.headers.items()})),
        )
        set_all = sql.SQL("select {}").format(
            sql.SQL(", ").join(sql.SQL("set_config(%s, %s, true)") for _ in settings)
        )
        try:
            async with self._pool.connection() as conn, conn.transaction():
                if read_only:
                    await conn.execute("set transaction read only")
                await conn.execute(set_all, [v for pair in settings for v in pair])
                await conn.execute(_ROLE_SETTINGS, (role,))
                if function.returns_rows:
                    statement, bound = shape.query(*function.invocation(keys))
                    cur = await conn.execute(statement, [json.dumps(args), *bound])
                else:
                    cur = await conn.execute(function.call(keys), (json.dumps(args),))
                row = await cur.fetchone()
        except psycopg_pool.PoolTimeout as err:
            raise _pool_timeout() from err
        except psycopg.Error as err:
            raise self._database_error(err, role) from err
        if function.returns_void:
            return web.Response(status=204)
        text = "null" if row is None or row[0] is None else str(row[0])
        if function.returns_rows:
            return _rows_response(request, function, shape, text, row)
        return _json(request, text)

    def _schema(self, request: web.Request, header: str) -> str:
        schema = request.headers.get(header, self._schemas[0])
        if schema not in self._schemas:
            raise RestError(
                406, "PGRST106", f"Invalid schema: {schema}",
                hint=f"Only the following schemas are exposed: {', '.join(self._schemas)}",
            )  # fmt: skip
        return schema

    def _claims(self, request: web.Request) -> dict[str, Any]:
        """The verified claims, or an anonymous caller when no bearer token is sent."""
        token = bearer_token(request)
        if token is None:
            return {"role": ANON_ROLE}
        try:
            return tokens.verify(token, self._keys.jwt_secret)
        except tokens.TokenExpired as err:
            raise _jwt_error("PGRST303", "JWT expired") from err
        except tokens.InvalidClaims as err:
            raise _jwt_error("PGRST303", f"JWT claims invalid: {err}") from err
        except tokens.MalformedToken as err:
            parts = len(token.split("."))
            message = (
                f"Expected 3 parts in JWT; got {parts}"
                if parts != 3
                else f"JWT cannot be decoded: {err}"
            )
            raise _jwt_error("PGRST301", message) from err
        except tokens.BadSignature as err:
            raise _jwt_error("PGRST301", "No suitable key or wrong key type") from err

    @staticmethod
    async def _body(request: web.Request) -> Any:
        try:
            body = await read_json(request)
        except BodyNotJson as err:
            # PostgREST's body for any unparsable payload: the parser's words are not given.
            raise RestError(400, "PGRST102", "Empty or invalid json") from err
        return {} if body is None else body

    async def _resolve(
        self, schema: str, name: str, keys: frozenset[str], args: object, read_only: bool
    ) -> Function:
        """The overload these argument ``keys`` call; on a GET (``read_only``) keys naming no
        argument of an overload are filters of its result instead."""
        # A name with NUL cannot be in the catalog (nor be sent to Postgres as text).
        rows = [] if "\x00" in name else await self._overloads(schema, name)
        overloads = [Function.from_row(schema, name, row) for row in rows]
        if read_only:
            matches = [
                f
                for f in overloads
                if f.accepts(keys & f.argument_names(), keys - f.argument_names())
            ]
        elif isinstance(args, dict):
            matches = [f for f in overloads if f.accepts(keys)]
        else:  # a JSON array or scalar body only fits a function taking the whole body
            matches = [f for f in overloads if f.takes_whole_body]
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise RestError(
                300, "PGRST203",
                "Could not choose the best candidate function between: "
                + ", ".join(f"{schema}.{name}({', '.join(n for n, _ in f.params)})" for f in matches),
                hint="Try renaming the parameters or the function itself in the database so function overloading can be resolved",
            )  # fmt: skip
        listed = ", ".join(sorted(keys))
        signature = f"{schema}.{name}({listed})" if keys else f"{schema}.{name} without parameters"
        with_params = f"with parameters {listed}" if keys else "without parameters"
        raise RestError(
            404, "PGRST202",
            f"Could not find the function {signature} in the schema cache",
            details=f"Searched for the function {schema}.{name} {with_params} or with a single "
            "unnamed json/jsonb parameter, but no matches were found in the schema cache.",
        )  # fmt: skip

    async def _overloads(self, schema: str, name: str) -> list[dict[str, Any]]:
        try:
            async with self._pool.connection() as conn:
                cur = conn.cursor(row_factory=dict_row)
                await cur.execute(_FUNCTIONS_QUERY, (schema, name))
                return await cur.fetchall()
        except psycopg_pool.PoolTimeout as err:
            raise _pool_timeout() from err
        except psycopg.Error as err:
            raise self._database_error(err, ANON_ROLE) from err

    @staticmethod
    def _database_error(err: psycopg.Error, role: str) -> RestError:
        sqlstate = err.sqlstate
        if isinstance(err, psycopg.OperationalError | psycopg.InterfaceError) and sqlstate is None:
            # The connection broke or Postgres is down: retryable, like PostgREST says.
            return RestError(
                503, "PGRST001", "Database client error. Retrying the connection.", details=str(err)
            )
        if sqlstate is None:
            return RestError(500, "PGRST000", "Database client error", details=str(err))
        diag = err.diag
        return RestError(
            status_for_sqlstate(sqlstate, role),
            sqlstate,
            diag.message_primary or str(err),
            details=diag.message_detail,
            hint=diag.message_hint,
        )


def _json(request: web.Request, text: str, **kwargs: Any) -> web.Response:
    """A JSON response; for HEAD, its headers only."""
    body = None if request.method == "HEAD" else text
    return web.Response(text=body, charset="utf-8", **kwargs)


def _rows_response(
    request: web.Request, function: Function, shape: Shape, text: str, row: Any
) -> web.Response:
    rows: list[Any] = json.loads(text)
    total = None if row is None or row[1] is None else int(row[1])
    if shape.single:
        if len(rows) != 1:
            raise RestError(
                406, "PGRST116", "JSON object requested, multiple (or no) rows returned",
                details=f"The result contains {len(rows)} rows",
            )  # fmt: skip
        return _json(request, json.dumps(rows[0]), content_type=OBJECT_MEDIA_TYPE)
    if not function.returns_set:  # one composite: an object, as before
        return _json(
            request, json.dumps(rows[0] if rows else None), content_type="application/json"
        )
    shown = f"{shape.offset}-{shape.offset + len(rows) - 1}" if rows else "*"
    content_range = f"{shown}/{'*' if total is None else total}"
    partial = total is not None and (shape.offset > 0 or shape.offset + len(rows) < total)
    return _json(
        request,
        text,
        status=206 if partial else 200,
        content_type="application/json",
        headers={"Content-Range": content_range},
    )


def _pool_timeout() -> RestError:
    return RestError(504, "PGRST003", "Timed out acquiring connection from connection pool.")


def _jwt_error(code: str, message: str) -> RestError:
    return RestError(
        401, code, message,
        headers={"WWW-Authenticate": f'Bearer error="invalid_token", error_description="{message}"'},
    )  # fmt: skip
