"""A pure decoder of ``pgoutput`` logical replication messages (protocol version 1).

Kept free of I/O so that it can be tested byte for byte; the replication client
feeds it the payload of each XLogData message. Only text-format tuple values
exist in protocol version 1, which is what the Realtime payload needs anyway
(values are re-typed from their text form, like ``realtime.cast``).

Reference: PostgreSQL documentation, "Logical Replication Message Formats".
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

#: Microseconds are counted from the PostgreSQL epoch in the protocol.
PG_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


class DecodeError(ValueError):
    """The bytes are not a well-formed pgoutput message."""


# A tuple column is either NULL, an unchanged TOASTed value (not sent) or text.
class Unchanged:
    """Marker for an unchanged TOASTed column, whose value the WAL omits."""

    _instance: Unchanged | None = None

    def __new__(cls) -> Unchanged:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNCHANGED_TOAST"


UNCHANGED_TOAST = Unchanged()
TupleValue = str | None | Unchanged


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type_oid: int
    type_modifier: int
    is_key: bool


@dataclass(frozen=True, slots=True)
class Begin:
    final_lsn: int
    commit_time: datetime
    xid: int


@dataclass(frozen=True, slots=True)
class Commit:
    commit_lsn: int
    end_lsn: int
    commit_time: datetime


@dataclass(frozen=True, slots=True)
class Relation:
    relation_id: int
    namespace: str
    name: str
    replica_identity: str  # 'd' default, 'n' nothing, 'f' full, 'i' index
    columns: tuple[Column, ...]


@dataclass(frozen=True, slots=True)
class TypeInfo:
    type_oid: int
    namespace: str
    name: str


@dataclass(frozen=True, slots=True)
class Insert:
    relation_id: int
    new: tuple[TupleValue, ...]


@dataclass(frozen=True, slots=True)
class Update:
    relation_id: int
    #: Old key ('K') or full old row ('O') when the identity requires it, else None.
    old: tuple[TupleValue, ...] | None
    new: tuple[TupleValue, ...]


@dataclass(frozen=True, slots=True)
class Delete:
    relation_id: int
    old: tuple[TupleValue, ...]


@dataclass(frozen=True, slots=True)
class Truncate:
    relation_ids: tuple[int, ...]
    cascade: bool
    restart_identity: bool


@dataclass(frozen=True, slots=True)
class Origin:
    lsn: int
    name: str


Message = Begin | Commit | Relation | TypeInfo | Insert | Update | Delete | Truncate | Origin


def pg_time(microseconds: int) -> datetime:
    return PG_EPOCH + timedelta(microseconds=microseconds)


class _Reader:
    __slots__ = ("data", "pos")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, fmt: str) -> tuple[int, ...]:
        size = struct.calcsize(fmt)
        if self.pos + size > len(self.data):
            raise DecodeError(f"truncated message at byte {self.pos}")
        values = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += size
        return values

    def byte(self) -> int:
        return self.take("!B")[0]

    def int16(self) -> int:
        return self.take("!h")[0]

    def int32(self) -> int:
        return self.take("!i")[0]

    def uint32(self) -> int:
        return self.take("!I")[0]

    def int64(self) -> int:
        return self.take("!q")[0]

    def uint64(self) -> int:
        return self.take("!Q")[0]

    def string(self) -> str:
        end = self.data.find(b"\0", self.pos)
        if end < 0:
            raise DecodeError("unterminated string")
        text = self.data[self.pos : end].decode()
        self.pos = end + 1
        return text

    def raw(self, length: int) -> bytes:
        if length < 0 or self.pos + length > len(self.data):
            raise DecodeError(f"bad length {length} at byte {self.pos}")
        chunk = self.data[self.pos : self.pos + length]
        self.pos += length
        return chunk

    def tuple_data(self) -> tuple[TupleValue, ...]:
        values: list[TupleValue] = []
        for _ in range(self.int16()):
            kind = self.byte()
            if kind == ord("n"):
                values.append(None)
            elif kind == ord("u"):
                values.append(UNCHANGED_TOAST)
            elif kind == ord("t"):
                values.append(self.raw(self.int32()).decode())
            else:
                raise DecodeError(f"unsupported tuple value kind {chr(kind)!r}")
        return tuple(values)

    def expect(self, *kinds: str) -> str:
        kind = chr(self.byte())
        if kind not in kinds:
            raise DecodeError(f"expected one of {kinds}, got {kind!r}")
        return kind


def decode(data: bytes) -> Message:
    """Decode one pgoutput message (the payload of one XLogData)."""
    if not data:
        raise DecodeError("empty message")
    reader = _Reader(data)
    tag = chr(reader.byte())
    if tag == "B":
        final_lsn, timestamp, xid = reader.take("!QqI")
        return Begin(final_lsn, pg_time(timestamp), xid)
    if tag == "C":
        _flags, commit_lsn, end_lsn, timestamp = reader.take("!BQQq")
        return Commit(commit_lsn, end_lsn, pg_time(timestamp))
    if tag == "R":
        relation_id = reader.uint32()
        namespace = reader.string()
        name = reader.string()
        identity = chr(reader.byte())
        columns = []
        for _ in range(reader.int16()):
            flags = reader.byte()
            column_name = reader.string()
            type_oid, modifier = reader.take("!Ii")
            columns.append(Column(column_name, type_oid, modifier, bool(flags & 1)))
        return Relation(relation_id, namespace, name, identity, tuple(columns))
    if tag == "Y":
        type_oid = reader.uint32()
        return TypeInfo(type_oid, reader.string(), reader.string())
    if tag == "I":
        relation_id = reader.uint32()
        reader.expect("N")
        return Insert(relation_id, reader.tuple_data())
    if tag == "U":
        relation_id = reader.uint32()
        kind = reader.expect("K", "O", "N")
        old = None
        if kind != "N":
            old = reader.tuple_data()
            reader.expect("N")
        return Update(relation_id, old, reader.tuple_data())
    if tag == "D":
        relation_id = reader.uint32()
        reader.expect("K", "O")
        return Delete(relation_id, reader.tuple_data())
    if tag == "T":
        count = reader.int32()
        options = reader.byte()
        ids = tuple(reader.uint32() for _ in range(count))
        return Truncate(ids, bool(options & 1), bool(options & 2))
    if tag == "O":
        lsn = reader.uint64()
        return Origin(lsn, reader.string())
    raise DecodeError(f"unknown pgoutput message {tag!r}")
