"""Change data capture: the ``supabase_realtime`` publication through pgoutput, as transactions.

One replication session with a temporary slot streams every committed
transaction on the published tables; :class:`ChangeCapture` decodes it into
:class:`Transaction` objects (commit time, changes with their table's column
names and types) and hands them to the delivery side through a queue, so
decoding never waits on delivery. If the database goes away the session is
re-established with backoff; what was committed meanwhile is not replayed
(Supabase's at-most-once rule, 3.5).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import time
from dataclasses import dataclass, field
from datetime import datetime

import psycopg

from . import pgoutput
from .replication import ReplicationError, ReplicationSession
from .values import PgType, TypeCatalog

log = logging.getLogger(__name__)

PUBLICATION = "supabase_realtime"
ACK_INTERVAL_S = 1.0
START_TIMEOUT_S = 30.0
_slot_numbers = itertools.count(1)


@dataclass(frozen=True, slots=True)
class TableColumn:
    name: str
    type: PgType
    is_primary_key: bool


@dataclass(frozen=True, slots=True)
class Table:
    relation_id: int
    schema: str
    name: str
    replica_identity: str
    columns: tuple[TableColumn, ...]
    by_name: dict[str, TableColumn] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {column.name: column for column in self.columns})

    @property
    def primary_key(self) -> tuple[int, ...]:
        """Indexes of the primary-key columns (pgoutput marks every column as key under FULL)."""
        return tuple(i for i, column in enumerate(self.columns) if column.is_primary_key)


@dataclass(frozen=True, slots=True)
class Change:
    table: Table
    kind: str  # INSERT, UPDATE or DELETE
    new: tuple[pgoutput.TupleValue, ...] | None
    old: tuple[pgoutput.TupleValue, ...] | None


@dataclass(frozen=True, slots=True)
class Transaction:
    commit_time: datetime
    end_lsn: int
    changes: tuple[Change, ...]
    #: 32-bit transaction id (from ``Begin``), to wait until the commit is visible
    xid: int = 0


async def load_types(conn: psycopg.AsyncConnection[tuple[object, ...]]) -> list[PgType]:
    cursor = await conn.execute(
        "select oid::int8, typname::text, format_type(oid, null), typcategory::text,"
        " typelem::int8, typdelim::text from pg_type"
    )
    return [PgType(*row) for row in await cursor.fetchall()]  # type: ignore[arg-type]


async def primary_key(
    conn: psycopg.AsyncConnection[tuple[object, ...]], relation_id: int
) -> set[str]:
    cursor = await conn.execute(
        "select a.attname::text from pg_index i join pg_attribute a"
        " on a.attrelid = i.indrelid and a.attnum = any(i.indkey)"
        " where i.indrelid = %s and i.indisprimary",
        (relation_id,),
    )
    return {str(row[0]) for row in await cursor.fetchall()}


class ChangeCapture:
    """Streams committed transactions into :attr:`transactions`; :attr:`live` is set while streaming."""

    def __init__(self, conninfo: str, catalog: TypeCatalog) -> None:
        self._conninfo = conninfo
        self._catalog = catalog
        self._tables: dict[int, Table] = {}
        self.transactions: asyncio.Queue[Transaction] = asyncio.Queue()
        self.live = asyncio.Event()
        self.slot_name = f"lia_realtime_{os.getpid()}_{next(_slot_numbers)}"
        self._task: asyncio.Task[None] | None = None
        self._session: ReplicationSession | None = None
        self._metadata: psycopg.AsyncConnection[tuple[object, ...]] | None = None

    async def start(self) -> None:
        """Start streaming and wait until the slot exists (changes from then on are captured)."""
        self._task = asyncio.create_task(self._supervise(), name="realtime-capture")
        waiter = asyncio.create_task(self.live.wait())
        done, _ = await asyncio.wait({waiter}, timeout=START_TIMEOUT_S)
        if waiter not in done:
            waiter.cancel()
            raise RuntimeError("change capture did not start")

    async def stop(self) -> None:
        """Stop streaming; closing the session drops the temporary slot."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self._close()

    async def _close(self) -> None:
        self.live.clear()
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._metadata is not None:
            await self._metadata.close()
            self._metadata = None

    async def _supervise(self) -> None:
        delay = 0.2
        while True:
            try:
                await self._stream()
            except (OSError, EOFError, ReplicationError, psycopg.Error) as err:
                log.warning("change capture interrupted (%s); reconnecting in %.1f s", err, delay)
            await self._close()
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)

    async def _stream(self) -> None:
        self._metadata = await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True)
        for pg_type in await load_types(self._metadata):
            self._catalog.add(pg_type)
        self._tables.clear()
        self._session = session = await ReplicationSession.connect(self._conninfo, "lia-realtime")
        await session.create_temporary_slot(self.slot_name)
        self.live.set()
        pending: list[Change] = []
        xid = 0
        last_ack = time.monotonic()
        async for xlog in session.stream(self.slot_name, PUBLICATION):
            message = pgoutput.decode(xlog.payload)
            if isinstance(message, pgoutput.Begin):
                pending, xid = [], message.xid
            elif isinstance(message, pgoutput.Commit):
                if pending:
                    self.transactions.put_nowait(
                        Transaction(message.commit_time, message.end_lsn, tuple(pending), xid)
                    )
                    pending = []
                if time.monotonic() - last_ack >= ACK_INTERVAL_S:
                    await session.acknowledge(message.end_lsn)
                    last_ack = time.monotonic()
            elif isinstance(message, pgoutput.Relation):
                await self._remember(message)
            elif isinstance(message, pgoutput.Insert):
                pending.append(
                    Change(self._tables[message.relation_id], "INSERT", message.new, None)
                )
            elif isinstance(message, pgoutput.Update):
                table = self._tables[message.relation_id]
                pending.append(Change(table, "UPDATE", message.new, message.old))
            elif isinstance(message, pgoutput.Delete):
                pending.append(
                    Change(self._tables[message.relation_id], "DELETE", None, message.old)
                )
            # Truncate produces nothing on Supabase; Type/Origin carry nothing we need.

    async def _remember(self, relation: pgoutput.Relation) -> None:
        assert self._metadata is not None
        if any(column.type_oid not in self._catalog for column in relation.columns):
            for pg_type in await load_types(self._metadata):  # a type created after start
                self._catalog.add(pg_type)
        key = await primary_key(self._metadata, relation.relation_id)
        self._tables[relation.relation_id] = Table(
            relation.relation_id,
            relation.namespace,
            relation.name,
            relation.replica_identity,
            tuple(
                TableColumn(column.name, self._catalog.get(column.type_oid), column.name in key)
                for column in relation.columns
            ),
        )
