"""Who receives a change, and what they see (wire protocol 2.5, 3.2-3.4).

Subscriptions are bindings resolved against the published tables when a
channel joins (table in the publication, filter columns SELECT-able by the
role, filter values cast to the column type by PostgreSQL). Deliveries run in
batches: everything captured since the last batch is matched against the
subscriptions in Python (event, typed filters), then ONE database transaction
answers, per subscriber identity, which rows of RLS tables that identity can
SELECT right now, and which columns each role may read. DELETE is never RLS
checked and carries only the primary key on RLS tables, as on Supabase.

A batch whose database work fails (a crashed backend takes the RLS check's
connection with it) is retried on a new connection, with backoff, for up to
:data:`RETRY_FOR_S`: nothing is sent before that work succeeds, so a retry never
sends a change twice. Only a batch that still fails then is given up, and each
subscriber it concerned gets a ``postgres_changes`` system error (as hosted
Realtime sends), so its client knows to resubscribe and catch up. Either way
the batch's end is reported to ``delivered`` so capture may confirm it.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql

from .capture import Change, Table, TableColumn, Transaction
from .channels import Binding, Channel
from .db import Connection, Database, act_as
from .pgoutput import UNCHANGED_TOAST, TupleValue, Unchanged
from .protocol import push
from .values import TypeCatalog, comparable

log = logging.getLogger(__name__)

BATCH_CHANGES = 2000
#: Supabase's ``max_record_bytes`` (UTF-8 bytes); longer records keep only short values (3.3).
MAX_RECORD_BYTES = 900_000  # below realtime-py's 1 MiB frame cap, envelope included
SHORT_VALUE_BYTES = 64
#: how long a delivery waits for a decoded commit to become visible to the RLS check
VISIBILITY_WAIT_S = 2.0
XID_MASK = 0xFFFFFFFF
#: how long a failing delivery batch is retried before it is given up (subscribers told)
RETRY_FOR_S = 30.0
RETRY_FIRST_DELAY_S = 0.05
RETRY_MAX_DELAY_S = 1.0
UNDELIVERED_MESSAGE = (
    "Realtime could not deliver some changes (the project database failed);"
    " resubscribe and fetch what changed"
)


class SubscriptionError(Exception):
    """A binding could not become a subscription; the message goes into the ``system`` error."""


@dataclass(frozen=True, slots=True)
class Subscription:
    channel: Channel
    binding: Binding
    relation_id: int
    #: per condition: the typed filter values
    filter_values: tuple[tuple[Any, ...], ...]


@dataclass(frozen=True, slots=True)
class ServerBroadcast:
    """A broadcast no socket sent: a ``realtime.messages`` row (``realtime.send``) or a
    message posted to the REST API (``POST /realtime/v1/api/broadcast``)."""

    topic: str
    private: bool
    event: str | None
    payload: Any
    id: str | None


def database_broadcast(change: Change) -> ServerBroadcast | None:
    """The broadcast a captured change is, or None (not an insert of a broadcast message)."""
    table = change.table
    if change.kind != "INSERT" or (table.schema, table.name) != ("realtime", "messages"):
        return None
    row = _row(table, change.new)
    assert row is not None  # an insert has its new row
    if row.get("extension") != "broadcast" or not isinstance(topic := row.get("topic"), str):
        return None
    payload = row.get("payload")
    event, message_id = row.get("event"), row.get("id")
    return ServerBroadcast(
        topic,
        row.get("private") == "t",
        event if isinstance(event, str) else None,
        json.loads(payload) if isinstance(payload, str) else None,
        message_id if isinstance(message_id, str) else None,
    )


def commit_timestamp(txn: Transaction) -> str:
    stamp = txn.commit_time
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"


def _row(table: Table, values: tuple[TupleValue, ...] | None) -> dict[str, TupleValue] | None:
    if values is None:
        return None
    return {column.name: value for column, value in zip(table.columns, values, strict=True)}


class Dispatcher:
    def __init__(
        self,
        conninfo: str,
        catalog: TypeCatalog,
        on_broadcast: Callable[[ServerBroadcast], None] | None = None,
    ) -> None:
        self._db = Database(conninfo)
        self._catalog = catalog
        self._on_broadcast = on_broadcast
        self._by_table: dict[int, list[Subscription]] = defaultdict(list)
        self._by_channel: dict[Channel, list[Subscription]] = {}

    async def close(self) -> None:
        await self._db.close()

    # -- subscriptions ----------------------------------------------------

    async def subscribe(self, channel: Channel, control: Database) -> None:
        """Resolve the channel's bindings (replacing earlier ones); raises SubscriptionError."""
        subscriptions: list[Subscription] = []
        async with control.transaction(rollback=True) as conn:
            cursor = await conn.execute("select to_regrole(%s) is not null", (channel.role,))
            row = await cursor.fetchone()
            if not row or not row[0]:
                raise SubscriptionError(f'role "{channel.role}" does not exist')
            cursor = await conn.execute(
                "select format('%%I.%%I', schemaname, tablename)::regclass::oid::int8,"
                " schemaname::text, tablename::text from pg_publication_tables where pubname = %s",
                ("supabase_realtime",),
            )
            published = await cursor.fetchall()
            for binding in channel.bindings:
                tables = [
                    (oid, schema, name)
                    for oid, schema, name in published
                    if binding.schema in ("*", schema) and binding.table in ("*", name)
                ]
                if not tables:
                    raise SubscriptionError(
                        "Unable to subscribe to changes with given parameters. Please check"
                        " Realtime is enabled for the given connect parameters: "
                        + binding.describe()
                    )
                for oid, _schema, _name in tables:
                    values = await self._filter_values(conn, channel, binding, oid)
                    subscriptions.append(Subscription(channel, binding, oid, values))
        self.unsubscribe(channel)
        self._by_channel[channel] = subscriptions
        for subscription in subscriptions:
            self._by_table[subscription.relation_id].append(subscription)

    async def _filter_values(
        self, conn: Connection, channel: Channel, binding: Binding, oid: int
    ) -> tuple[tuple[Any, ...], ...]:
        values = []
        for condition in binding.conditions:
            cursor = await conn.execute(
                "select atttypid::int8 from pg_attribute where attrelid = %s and attname = %s"
                " and attnum > 0 and not attisdropped"
                " and has_column_privilege(%s, attrelid, attnum, 'SELECT')",
                (oid, condition.column, channel.role),
            )
            row = await cursor.fetchone()
            if row is None:
                raise SubscriptionError(
                    "Unable to subscribe to changes with given parameters. An exception happened"
                    f" so please check your connect parameters: {binding.describe()}."
                    f" Exception: ERROR P0001 (raise_exception) invalid column for filter {condition.column}"
                )
            pg_type = self._catalog.get(int(row[0]))
            typed = []
            for value in condition.values:
                try:
                    async with conn.transaction():
                        cursor = await conn.execute(
                            sql.SQL("select %s::text::{}::text").format(sql.SQL(pg_type.sql_name)),
                            (value,),
                        )
                        canonical = await cursor.fetchone()
                except psycopg.DataError as err:
                    raise SubscriptionError(
                        "Unable to subscribe to changes with given parameters. An exception"
                        f" happened so please check your connect parameters: {binding.describe()}."
                        f" Exception: ERROR {err.sqlstate} {str(err).strip()}"
                    ) from err
                typed.append(comparable(pg_type, str(canonical[0]) if canonical else value))
            values.append(tuple(typed))
        return tuple(values)

    def unsubscribe(self, channel: Channel) -> None:
        for subscription in self._by_channel.pop(channel, []):
            self._by_table[subscription.relation_id].remove(subscription)

    # -- delivery ------------------------------------------------------------

    async def run(
        self,
        transactions: asyncio.Queue[Transaction],
        delivered: Callable[[int], None] | None = None,
    ) -> None:
        """Deliver captured transactions forever, batching whatever queued up meanwhile.

        ``delivered(end_lsn)`` is told after each batch: everything up to there is done.
        """
        while True:
            batch = [await transactions.get()]
            size = len(batch[0].changes)
            while size < BATCH_CHANGES and not transactions.empty():
                batch.append(transactions.get_nowait())
                size += len(batch[-1].changes)
            await self.deliver_with_retry(batch)
            if delivered is not None:
                delivered(max(txn.end_lsn for txn in batch))

    async def deliver_with_retry(self, batch: list[Transaction]) -> bool:
        """Deliver a batch, retrying failures for :data:`RETRY_FOR_S`; False if given up."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + RETRY_FOR_S
        delay = RETRY_FIRST_DELAY_S
        attempts = 0
        while True:
            attempts += 1
            try:
                await self.deliver(batch)
            except (psycopg.Error, OSError) as err:
                # a lost connection heals on the next one; anything else gets a few tries only
                transient = isinstance(
                    err, (psycopg.OperationalError, psycopg.InterfaceError, OSError)
                )
                if loop.time() + delay > deadline or (not transient and attempts >= 3):
                    self._give_up(batch, attempts, err)
                    return False
                log.warning(
                    "delivery of %d changes failed (%s); retrying in %.2f s",
                    sum(len(txn.changes) for txn in batch),
                    err,
                    delay,
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, RETRY_MAX_DELAY_S)
            else:
                if attempts > 1:
                    log.info("delivered a batch after %d attempts", attempts)
                return True

    def _give_up(self, batch: list[Transaction], attempts: int, err: BaseException) -> None:
        channels = {
            subscription.channel
            for txn in batch
            for change in txn.changes
            for subscription in self._candidates(txn, change)
        }
        log.error(
            "gave up a batch of %d changes after %d attempts (%s); telling %d subscribers",
            sum(len(txn.changes) for txn in batch),
            attempts,
            err,
            len(channels),
        )
        for channel in channels:
            channel.system("postgres_changes", "error", UNDELIVERED_MESSAGE)

    def channels(self) -> list[Channel]:
        """Every channel with postgres_changes subscriptions."""
        return list(self._by_channel)

    def _candidates(self, txn: Transaction, change: Change) -> list[Subscription]:
        subscriptions = self._by_table.get(change.table.relation_id)
        if not subscriptions:
            return []
        row = _row(change.table, change.old if change.kind == "DELETE" else change.new)
        matched = []
        for subscription in subscriptions:
            if subscription.binding.wants(change.kind) and self._matches(
                change.table, subscription, row
            ):
                matched.append(subscription)
        return matched

    def _matches(
        self, table: Table, subscription: Subscription, row: dict[str, TupleValue] | None
    ) -> bool:
        if row is None:
            return False
        for condition, values in zip(
            subscription.binding.conditions, subscription.filter_values, strict=True
        ):
            value = row.get(condition.column, UNCHANGED_TOAST)
            if value is UNCHANGED_TOAST:
                return False  # absent from the change: fail closed
            typed = (
                None
                if value is None
                else comparable(table.by_name[condition.column].type, str(value))
            )
            if not condition.matches(typed, values):
                return False
        return True

    async def deliver(self, batch: list[Transaction]) -> None:
        """postgres_changes, then the broadcasts sent from the database (none of which can
        fail, so a retried batch never sends one twice)."""
        await self._deliver_changes(batch)
        if self._on_broadcast is not None:
            for txn in batch:
                for change in txn.changes:
                    if (broadcast := database_broadcast(change)) is not None:
                        self._on_broadcast(broadcast)

    async def _deliver_changes(self, batch: list[Transaction]) -> None:
        work = [
            (txn, change, candidates)
            for txn in batch
            for change in txn.changes
            if (candidates := self._candidates(txn, change))
        ]
        if not work:
            return
        async with self._db.transaction() as conn:
            visible_columns = await self._visible_columns(conn, work)
            rls = await self._rls_tables(conn, {change.table.relation_id for _, change, _ in work})
            if rls:
                await until_visible(
                    conn, {txn.xid for txn, change, _ in work if change.table.relation_id in rls}
                )
            visible_rows = await self._visible_rows(conn, work, rls, visible_columns)
        for index, (txn, change, candidates) in enumerate(work):
            self._fan_out(index, txn, change, candidates, rls, visible_columns, visible_rows)

    async def _visible_columns(
        self, conn: Connection, work: list[tuple[Transaction, Change, list[Subscription]]]
    ) -> dict[tuple[str, int], frozenset[str]]:
        pairs = {
            (s.channel.role, change.table.relation_id) for _, change, subs in work for s in subs
        }
        roles, oids = zip(*pairs, strict=True)
        cursor = await conn.execute(
            "select r.role, a.attrelid::int8, a.attname::text"
            " from unnest(%s::text[], %s::oid[]) as r(role, relid)"
            " join pg_attribute a on a.attrelid = r.relid and a.attnum > 0 and not a.attisdropped"
            " where to_regrole(r.role) is not null"
            " and has_column_privilege(r.role, a.attrelid, a.attnum, 'SELECT')",
            (list(roles), list(oids)),
        )
        found: dict[tuple[str, int], set[str]] = {pair: set() for pair in pairs}
        for role, oid, name in await cursor.fetchall():
            found[(role, oid)].add(name)
        return {pair: frozenset(names) for pair, names in found.items()}

    async def _rls_tables(self, conn: Connection, oids: set[int]) -> set[int]:
        cursor = await conn.execute(
            "select oid::int8 from pg_class where oid = any(%s::oid[]) and relrowsecurity",
            (list(oids),),
        )
        return {int(row[0]) for row in await cursor.fetchall()}

    async def _visible_rows(
        self,
        conn: Connection,
        work: list[tuple[Transaction, Change, list[Subscription]]],
        rls: set[int],
        visible_columns: dict[tuple[str, int], frozenset[str]],
    ) -> dict[tuple[Channel, int], set[tuple[TupleValue, ...]]]:
        """Per (channel, table): the primary keys of the changed rows its identity can SELECT now.

        Keyed by channel, not by its claims: an ``access_token`` refresh may replace the
        claims while these queries run, and the fan-out must use the answer computed here.
        """
        wanted: dict[str, dict[int, set[tuple[TupleValue, ...]]]] = defaultdict(
            lambda: defaultdict(set)
        )
        claims_of: dict[str, dict[str, Any]] = {}
        readers: dict[str, set[tuple[Channel, int]]] = defaultdict(set)
        tables: dict[int, Table] = {}
        for _, change, subscriptions in work:
            table = change.table
            if change.kind == "DELETE" or table.relation_id not in rls or change.new is None:
                continue
            key = tuple(change.new[i] for i in table.primary_key)
            tables[table.relation_id] = table
            for subscription in subscriptions:
                columns = visible_columns[(subscription.channel.role, table.relation_id)]
                if not key or not all(table.columns[i].name in columns for i in table.primary_key):
                    continue  # Supabase answers 400/401 errors that realtime-py drops anyway
                identity = json.dumps(subscription.channel.claims, sort_keys=True)
                claims_of[identity] = subscription.channel.claims
                wanted[identity][table.relation_id].add(key)
                readers[identity].add((subscription.channel, table.relation_id))
        visible: dict[tuple[str, int], set[tuple[TupleValue, ...]]] = {}
        for identity, per_table in wanted.items():
            try:
                async with conn.transaction():
                    await act_as(conn, claims_of[identity])
                    for oid, keys in per_table.items():
                        visible[(identity, oid)] = await self._select_keys(conn, tables[oid], keys)
            except psycopg.errors.Error as err:
                if isinstance(err, psycopg.OperationalError):
                    raise
                log.warning("RLS check failed for %s: %s", claims_of[identity].get("role"), err)
        return {
            (channel, oid): visible[(identity, oid)]
            for identity, pairs in readers.items()
            for channel, oid in pairs
            if (identity, oid) in visible
        }

    async def _select_keys(
        self, conn: Connection, table: Table, keys: set[tuple[TupleValue, ...]]
    ) -> set[tuple[TupleValue, ...]]:
        key_columns = [table.columns[i] for i in table.primary_key]
        arrays = [[str(key[n]) for key in keys] for n in range(len(key_columns))]
        query = sql.SQL(
            "select {out} from {table} t join unnest({arrays}) as k({names}) on {join}"
        ).format(
            out=sql.SQL(", ").join(
                sql.SQL("t.{}::text").format(sql.Identifier(c.name)) for c in key_columns
            ),
            table=sql.Identifier(table.schema, table.name),
            arrays=sql.SQL(", ").join(sql.SQL("%s::text[]") for _ in key_columns),
            names=sql.SQL(", ").join(sql.Identifier(f"k{n}") for n in range(len(key_columns))),
            join=sql.SQL(" and ").join(
                sql.SQL("t.{} = k.{}::{}").format(
                    sql.Identifier(c.name), sql.Identifier(f"k{n}"), sql.SQL(c.type.sql_name)
                )
                for n, c in enumerate(key_columns)
            ),
        )
        cursor = await conn.execute(query, arrays)
        return {tuple(row) for row in await cursor.fetchall()}

    def _fan_out(
        self,
        index: int,
        txn: Transaction,
        change: Change,
        candidates: list[Subscription],
        rls: set[int],
        visible_columns: dict[tuple[str, int], frozenset[str]],
        visible_rows: dict[tuple[Channel, int], set[tuple[TupleValue, ...]]],
    ) -> None:
        table = change.table
        is_rls = table.relation_id in rls
        key = tuple(change.new[i] for i in table.primary_key) if change.new is not None else ()
        # channel -> payload variant -> binding ids, in subscription order
        per_channel: dict[
            Channel, dict[tuple[frozenset[str], tuple[str, ...] | None], list[int]]
        ] = {}
        for subscription in candidates:
            channel = subscription.channel
            columns = visible_columns[(channel.role, table.relation_id)]
            if change.kind != "DELETE":
                if not all(table.columns[i].name in columns for i in table.primary_key):
                    continue
                if is_rls and key not in visible_rows.get((channel, table.relation_id), ()):
                    continue
            variant = (columns, subscription.binding.select)
            ids = per_channel.setdefault(channel, {}).setdefault(variant, [])
            if subscription.binding.id not in ids:
                ids.append(subscription.binding.id)
        payloads: dict[tuple[frozenset[str], tuple[str, ...] | None], dict[str, Any]] = {}
        for channel, variants in per_channel.items():
            for variant, ids in variants.items():
                if variant not in payloads:
                    payloads[variant] = self._payload(txn, change, variant[0], variant[1], is_rls)
                channel.send(
                    push(channel.topic, "postgres_changes", {"ids": ids, "data": payloads[variant]})
                )

    def _payload(
        self,
        txn: Transaction,
        change: Change,
        visible: frozenset[str],
        select: tuple[str, ...] | None,
        is_rls: bool,
    ) -> dict[str, Any]:
        table = change.table
        keys = {table.columns[i].name for i in table.primary_key}
        shown = [
            (i, c)
            for i, c in enumerate(table.columns)
            if c.name in visible and (select is None or c.name in select or c.name in keys)
        ]
        data: dict[str, Any] = {
            "schema": table.schema,
            "table": table.name,
            "commit_timestamp": commit_timestamp(txn),
            "type": change.kind,
            "columns": [{"name": c.name, "type": c.type.name} for _, c in shown],
        }
        errors: list[str] | None = None
        if change.new is not None:
            data["record"], errors = self._record(change.new, shown)
        if change.kind != "INSERT":
            data["old_record"] = self._old_record(change, shown, keys, is_rls)
        data["errors"] = errors
        return data

    def _record(
        self, values: tuple[TupleValue, ...], shown: list[tuple[int, TableColumn]]
    ) -> tuple[dict[str, Any], list[str] | None]:
        present = [(c, v) for i, c in shown if not isinstance(v := values[i], Unchanged)]
        errors = None
        if _text_bytes(v for _, v in present) > MAX_RECORD_BYTES:
            present = [
                (c, v) for c, v in present if v is None or len(v.encode()) <= SHORT_VALUE_BYTES
            ]
            errors = ["Error 413: Payload Too Large"]
        return {c.name: self._catalog.to_json(c.type, v) for c, v in present}, errors

    def _old_record(
        self, change: Change, shown: list[tuple[int, TableColumn]], keys: set[str], is_rls: bool
    ) -> dict[str, Any]:
        table = change.table
        if change.old is None:  # default identity, key unchanged: the key from the new row
            assert change.new is not None
            return {
                c.name: self._catalog.to_json(c.type, value)
                for i, c in shown
                if c.name in keys and not isinstance(value := change.new[i], Unchanged)
            }
        only_keys = change.kind == "DELETE" and is_rls
        identity_columns = (
            keys if table.replica_identity != "f" else {c.name for c in table.columns}
        )
        return {
            c.name: self._catalog.to_json(c.type, value)
            for i, c in shown
            if (c.name in keys if only_keys else c.name in identity_columns)
            and not isinstance(value := change.old[i], Unchanged)
        }


def _text_bytes(values: Iterable[str | None]) -> int:
    """UTF-8 size of the values: what the frame carries (realtime-py's cap is in bytes).

    Characters undercount up to four times, which let a record of multibyte text
    through as a frame every client closed with 1009 (issue 13). Encoding is
    skipped when even four bytes a character stays under the limit.
    """
    texts = [v for v in values if v is not None]
    if sum(len(v) for v in texts) * 4 <= MAX_RECORD_BYTES:
        return sum(len(v) for v in texts)
    return sum(len(v.encode(errors="replace")) for v in texts)


async def until_visible(conn: Connection, xids: set[int]) -> None:
    """Wait until new snapshots see these (committed) transactions, at most ``VISIBILITY_WAIT_S``.

    Logical decoding can hand a commit over before its backend has left the
    proc array; for that instant its rows are invisible to every other session,
    so the row-level check would refuse the change and the event would be lost
    (real Realtime checks the decoded row itself and has no such window).
    """
    deadline = asyncio.get_running_loop().time() + VISIBILITY_WAIT_S
    while True:
        cursor = await conn.execute(
            "select pg_snapshot_xmax(s)::text::int8,"
            " array(select x::text::int8 from pg_snapshot_xip(s) as t(x)) from pg_current_snapshot() s"
        )
        row = await cursor.fetchone()
        assert row is not None
        xmax, running = int(row[0]) & XID_MASK, {int(x) & XID_MASK for x in row[1]}
        # a 32-bit xid precedes xmax modulo 2**32 (PostgreSQL's own wraparound rule)
        if all(0 < (xmax - xid) & XID_MASK < 2**31 and xid not in running for xid in xids):
            return
        if asyncio.get_running_loop().time() >= deadline:
            log.warning(
                "transactions %s still invisible after %.1f s", sorted(xids), VISIBILITY_WAIT_S
            )
            return
        await asyncio.sleep(0.002)
