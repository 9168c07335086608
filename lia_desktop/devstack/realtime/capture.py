"""Change data capture: the ``supabase_realtime`` publication through pgoutput, as transactions.

The broadcasts sent from the database (``realtime.send``: inserts into the
partitioned ``realtime.messages``, published as the parent by
``supabase_realtime_messages_publication``) come through the same session.

One replication session streams every committed transaction on the published
tables; :class:`ChangeCapture` decodes it into :class:`Transaction` objects
(commit time, changes with their table's column names and types) and hands
them to the delivery side through a queue, so decoding never waits on delivery.

Never deaf (issue 12): the slot is PERMANENT, named after this process, so a
lost replication connection (a crashed backend makes the postmaster restart
every backend, the walsender included) loses nothing. The session is
re-established with backoff and streams again from the last commit already
handed to delivery; everything committed meanwhile, even while capture was
down, is decoded from the slot, and nothing is decoded twice. The slot is
confirmed (standby status updates) only up to what delivery has finished
(:meth:`ChangeCapture.delivered`): the server never lets go of the WAL of a
change that delivery has not finished with. A temporary slot cannot
do this: the server drops it with its session, and its successor starts at the
current position, after the commits made in between.

A permanent slot keeps WAL until it is dropped, so its lifetime is bounded:
:meth:`ChangeCapture.stop` drops it (a clean devstack stop), and :meth:`start`
drops the inactive leftovers of capture processes that died without stopping
(their PID, in the slot name, no longer runs). A leftover is never reused: the
process that owned it is gone with its subscribers, and a new one would replay
the whole downtime to subscribers that catch up by themselves anyway.

If the slot was lost all the same (dropped by hand, or invalidated), it is
created again at the current position and ``on_loss`` is told, so the service
can send the affected subscribers a ``postgres_changes`` system error: they
must resubscribe and catch up, as on hosted Supabase.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import psycopg

from . import pgoutput
from .replication import ReplicationError, ReplicationSession, parse_lsn
from .values import PgType, TypeCatalog

log = logging.getLogger(__name__)

PUBLICATION = "supabase_realtime"
#: realtime.messages, insert only (broadcast from the database), as hosted Realtime reads it.
MESSAGES_PUBLICATION = "supabase_realtime_messages_publication"
ACK_INTERVAL_S = 1.0
START_TIMEOUT_S = 30.0
RECONNECT_MAX_S = 1.0
#: how long a clean stop waits for the walsender to let go of the slot before dropping it
DROP_TIMEOUT_S = 5.0
SLOT_PREFIX = "lia_realtime_"
_SLOT_NAME = re.compile(rf"{SLOT_PREFIX}(\d+)_\d+")
LOST_MESSAGE = (
    "Realtime lost changes from the project database (its replication slot was lost);"
    " resubscribe and fetch what changed"
)
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


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


class ChangeCapture:
    """Streams committed transactions into :attr:`transactions`; :attr:`live` is set while streaming.

    Whoever consumes :attr:`transactions` reports each finished transaction's
    ``end_lsn`` through :meth:`delivered`; only that is confirmed to the server.
    """

    def __init__(
        self,
        conninfo: str,
        catalog: TypeCatalog,
        on_loss: Callable[[str], None] | None = None,
    ) -> None:
        self._conninfo = conninfo
        self._catalog = catalog
        self._on_loss = on_loss
        self._tables: dict[int, Table] = {}
        self.transactions: asyncio.Queue[Transaction] = asyncio.Queue()
        self.live = asyncio.Event()
        self.slot_name = f"{SLOT_PREFIX}{os.getpid()}_{next(_slot_numbers)}"
        self._task: asyncio.Task[None] | None = None
        self._session: ReplicationSession | None = None
        self._metadata: psycopg.AsyncConnection[tuple[object, ...]] | None = None
        self._slot_created = False
        #: end of the last commit decoded and handed to delivery (or skipped as empty)
        self.handed_lsn = 0
        #: end of the last commit delivery has finished with
        self.delivered_lsn = 0
        self._in_transaction = False
        #: times the slot was created again because it was gone (changes lost)
        self.losses = 0

    def delivered(self, lsn: int) -> None:
        """Delivery is done with every transaction ending at or before ``lsn``."""
        self.delivered_lsn = max(self.delivered_lsn, lsn)

    def confirmable(self, wal_end: int = 0) -> int:
        """What may be confirmed to the server now.

        While delivery is behind (or a transaction is half received) only what it
        finished; once everything handed over is delivered, everything the server
        sent (``wal_end`` of a keepalive), which is what lets a walsender shut down.
        """
        if not self._in_transaction and self.delivered_lsn >= self.handed_lsn:
            return max(self.delivered_lsn, wal_end)
        return self.delivered_lsn

    async def start(self) -> None:
        """Start streaming and wait until the slot exists (changes from then on are captured)."""
        self._task = asyncio.create_task(self._supervise(), name="realtime-capture")
        waiter = asyncio.create_task(self.live.wait())
        done, _ = await asyncio.wait({waiter}, timeout=START_TIMEOUT_S)
        if waiter not in done:
            waiter.cancel()
            raise RuntimeError("change capture did not start")

    async def stop(self) -> None:
        """Stop streaming and drop the slot (it would keep WAL forever otherwise)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self._close()
        if self._slot_created:
            await self._drop_slot()

    async def _drop_slot(self) -> None:
        """Drop our slot once the walsender has let go of it (it exits after our Terminate)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + DROP_TIMEOUT_S
        try:
            async with await psycopg.AsyncConnection.connect(
                self._conninfo, autocommit=True, connect_timeout=5
            ) as conn:
                while True:
                    cursor = await conn.execute(
                        "select active from pg_replication_slots where slot_name = %s",
                        (self.slot_name,),
                    )
                    row = await cursor.fetchone()
                    if row is None:
                        break
                    if not row[0] or loop.time() >= deadline:
                        await conn.execute("select pg_drop_replication_slot(%s)", (self.slot_name,))
                        break
                    await asyncio.sleep(0.05)
        except (OSError, psycopg.Error) as err:
            log.warning("could not drop replication slot %s: %s", self.slot_name, err)
        else:
            self._slot_created = False

    async def _drop_leftovers(self, conn: psycopg.AsyncConnection[tuple[object, ...]]) -> None:
        """Drop inactive slots of capture processes that died without stopping."""
        cursor = await conn.execute(
            "select slot_name::text from pg_replication_slots where not active"
            " and slot_type = 'logical' and starts_with(slot_name::text, %s)",
            (SLOT_PREFIX,),
        )
        for (name,) in await cursor.fetchall():
            match = _SLOT_NAME.fullmatch(str(name))
            if match is None or _pid_alive(int(match.group(1))):
                continue
            log.info("dropping replication slot %s left by a stopped process", name)
            with contextlib.suppress(psycopg.Error):
                await conn.execute("select pg_drop_replication_slot(%s)", (name,))

    async def _close(self) -> None:
        self.live.clear()
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._metadata is not None:
            await self._metadata.close()
            self._metadata = None

    async def _supervise(self) -> None:
        delay = 0.1
        while True:
            try:
                await self._stream()
            except (OSError, EOFError, ReplicationError, psycopg.Error) as err:
                log.warning("change capture interrupted (%s); reconnecting in %.1f s", err, delay)
            if self.live.is_set():
                delay = 0.1  # it did stream: the next failure is a new one
            await self._close()
            await asyncio.sleep(delay)
            delay = min(delay * 2, RECONNECT_MAX_S)

    async def _prepare_slot(self, session: ReplicationSession) -> None:
        """Create the slot the first time; after that, check it is still there and usable."""
        assert self._metadata is not None
        if not self._slot_created:
            await self._drop_leftovers(self._metadata)
            point = await session.create_slot(self.slot_name)
            self._slot_created = True
            self.handed_lsn = self.delivered_lsn = point
            return
        cursor = await self._metadata.execute(
            "select confirmed_flush_lsn::text, wal_status from pg_replication_slots"
            " where slot_name = %s",
            (self.slot_name,),
        )
        row = await cursor.fetchone()
        if row is not None and row[1] != "lost":
            confirmed = parse_lsn(str(row[0])) if row[0] else 0
            # After a crash the slot may remember less than we confirmed: never below it.
            self.handed_lsn = max(self.handed_lsn, confirmed)
            self.delivered_lsn = max(self.delivered_lsn, confirmed)
            return
        if row is not None:
            with contextlib.suppress(psycopg.Error):
                await self._metadata.execute(
                    "select pg_drop_replication_slot(%s)", (self.slot_name,)
                )
        point = await session.create_slot(self.slot_name)
        # What was committed between the loss and now cannot be decoded any more.
        self.losses += 1
        log.error("replication slot %s was lost; created it again", self.slot_name)
        self.handed_lsn = max(self.handed_lsn, point)
        self.delivered_lsn = max(self.delivered_lsn, point)
        if self._on_loss is not None:
            self._on_loss(LOST_MESSAGE)

    async def _acknowledge_periodically(self, session: ReplicationSession) -> None:
        confirmed = 0
        while True:
            await asyncio.sleep(ACK_INTERVAL_S)
            lsn = self.confirmable(session.server_wal_end)
            if lsn > confirmed:
                await session.acknowledge(lsn)
                confirmed = lsn

    async def _stream(self) -> None:
        self._metadata = await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True)
        for pg_type in await load_types(self._metadata):
            self._catalog.add(pg_type)
        self._tables.clear()
        self._in_transaction = False
        self._session = session = await ReplicationSession.connect(self._conninfo, "lia-realtime")
        await self._prepare_slot(session)
        acknowledger = asyncio.create_task(self._acknowledge_periodically(session))
        try:
            await self._decode(session)
        finally:
            acknowledger.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await acknowledger

    async def _decode(self, session: ReplicationSession) -> None:
        pending: list[Change] = []
        xid = 0
        stream = session.stream(
            self.slot_name,
            f"{PUBLICATION},{MESSAGES_PUBLICATION}",
            start_lsn=self.handed_lsn,
            confirm=self.confirmable,
        )
        self.live.set()
        async for xlog in stream:
            message = pgoutput.decode(xlog.payload)
            if isinstance(message, pgoutput.Begin):
                pending, xid = [], message.xid
                self._in_transaction = True
            elif isinstance(message, pgoutput.Commit):
                if message.end_lsn > self.handed_lsn:  # never one twice (the server skips too)
                    # Even an empty one goes through delivery, which reports it done in order.
                    self.transactions.put_nowait(
                        Transaction(message.commit_time, message.end_lsn, tuple(pending), xid)
                    )
                    self.handed_lsn = message.end_lsn
                pending = []
                self._in_transaction = False
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
