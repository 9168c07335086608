"""Devstack memory while one websocket client never reads (issue 13); prints JSON.

Starts a private devstack (subprocess, as the tests do), opens one websocket
that joins a public topic and then never reads a byte (4 KB receive buffer),
and for ``--seconds`` (20) a sender broadcasts ``--payload-kb`` (64 KB)
payloads to that topic as fast as its acks come back, while a reading
subscriber on the same topic counts what it receives and bookings are
committed (postgres_changes keep flowing to an admin subscriber too).
The devstack's RSS is sampled every 0.25 s.

Before the lockdown the non-reader's outbox was unbounded: 1.93 GB in 20 s.
Now the socket is closed once its outbox passes ``MAX_OUTBOX_BYTES`` and the
server's growth stays bounded; the reader loses nothing.

Usage: .venv/bin/python benchmarks/bench_slow_consumer.py [--seconds 20] [--payload-kb 64]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import socket
import struct
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psutil
import psycopg
from websockets.asyncio.client import connect

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from benchmarks.private_devstack import measure_on_private_devstack  # noqa: E402
from tests.devstack.realtime_clients import new_booking, user_token  # noqa: E402
from tests.fixtures import DevstackProcess  # noqa: E402

ADMIN_ID = "00000000-0000-4000-a000-00000000510c"
MB = 1024 * 1024


def _masked(data: bytes) -> bytes:
    mask = secrets.token_bytes(4)
    size = len(data)
    header = (
        struct.pack("!BB", 0x81, 0x80 | size)
        if size < 126
        else struct.pack("!BBH", 0x81, 0xFE, size)
    )
    return header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data))


def open_non_reader(url: str, topic: str) -> socket.socket:
    """Handshake, join ``topic``, and never read again."""
    parts = urlsplit(url)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect((parts.hostname or "127.0.0.1", parts.port or 80))
    sock.sendall(
        f"GET {parts.path}?{parts.query} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
        "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n".encode()
    )
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)
    join = {
        "topic": f"realtime:{topic}",
        "event": "phx_join",
        "payload": {"config": {"broadcast": {"self": False}}},
        "ref": "1",
        "join_ref": "1",
    }
    sock.sendall(_masked(json.dumps(join).encode()))
    return sock


def server_holds(server: psutil.Process, local_port: int) -> bool:
    """Whether the devstack still has the non-reader's connection open."""
    return any(
        c.raddr and c.raddr.port == local_port and c.status == psutil.CONN_ESTABLISHED
        for c in server.net_connections(kind="tcp")
    )


async def run(devstack: DevstackProcess, seconds: float, payload_kb: int) -> dict[str, Any]:
    assert devstack.pid is not None
    server = psutil.Process(devstack.pid)
    topic = f"slow_{secrets.token_hex(4)}"
    base = devstack.api_url.replace("http://", "ws://") + "/realtime/v1/websocket"
    url = f"{base}?apikey={devstack.anon_key}&vsn=1.0.0"
    rss_start = server.memory_info().rss
    stalled = open_non_reader(url, topic)
    local_port = stalled.getsockname()[1]
    blob = "x" * (payload_kb * 1024)
    sent = received = changes = 0
    closed_after: float | None = None
    samples: list[int] = []
    token = user_token(devstack, ADMIN_ID, admin=True, ttl=3600)

    async def join(ws: Any, config: dict[str, Any], access: str) -> None:
        frame = {"topic": f"realtime:{topic}", "event": "phx_join", "ref": "1", "join_ref": "1"}
        await ws.send(json.dumps({**frame, "payload": {"config": config, "access_token": access}}))
        while json.loads(await ws.recv())["event"] != "phx_reply":
            pass

    async with (
        connect(url, max_size=None) as sender,
        connect(url, max_size=None) as reader,
        connect(url, max_size=None) as watcher,
        await psycopg.AsyncConnection.connect(devstack.db_url, autocommit=True) as db,
    ):
        await join(sender, {"broadcast": {"self": False, "ack": True}}, devstack.anon_key)
        await join(reader, {"broadcast": {"self": False}}, devstack.anon_key)
        bookings = [{"event": "INSERT", "schema": "public", "table": "bookings"}]
        await join(watcher, {"postgres_changes": bookings}, token)
        started = time.perf_counter()
        deadline = started + seconds

        async def read() -> None:
            nonlocal received
            async for message in reader:
                if json.loads(message)["event"] == "broadcast":
                    received += 1

        async def watch() -> None:
            nonlocal changes
            async for message in watcher:
                if json.loads(message)["event"] == "postgres_changes":
                    changes += 1

        async def book() -> None:
            while time.perf_counter() < deadline:
                await new_booking(db)
                await asyncio.sleep(0.05)

        async def sample() -> None:
            nonlocal closed_after
            while time.perf_counter() < deadline + 1:
                samples.append(server.memory_info().rss)
                if closed_after is None and not server_holds(server, local_port):
                    closed_after = time.perf_counter() - started
                await asyncio.sleep(0.25)

        tasks = [asyncio.create_task(t()) for t in (read, watch, book, sample)]
        ref = 1
        while time.perf_counter() < deadline:
            ref += 1
            frame = {
                "topic": f"realtime:{topic}",
                "event": "broadcast",
                "payload": {"type": "broadcast", "event": "blob", "payload": {"blob": blob}},
                "ref": str(ref),
                "join_ref": "1",
            }
            await sender.send(json.dumps(frame))
            while json.loads(await sender.recv()).get("ref") != str(ref):
                pass  # the ack: one broadcast in flight at a time
            sent += 1
        await tasks[2]
        await tasks[3]
        await asyncio.sleep(1)  # the reader drains what is in flight
        for task in tasks[:2]:
            task.cancel()
    stalled.close()
    peak = max(samples)
    return {
        "seconds": seconds,
        "payload_kb": payload_kb,
        "broadcasts_sent": sent,
        "broadcast_mb": round(sent * payload_kb / 1024, 1),
        "reader_received": received,
        "reader_lost": sent - received,
        "postgres_changes_received": changes,
        "non_reader_closed_after_s": None if closed_after is None else round(closed_after, 2),
        "rss_start_mb": round(rss_start / MB, 1),
        "rss_peak_mb": round(peak / MB, 1),
        "rss_end_mb": round(samples[-1] / MB, 1),
        "rss_growth_peak_mb": round((peak - rss_start) / MB, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--payload-kb", type=int, default=64)
    args = parser.parse_args()
    measure_on_private_devstack(
        lambda devstack: run(devstack, args.seconds, args.payload_kb), prefix="lia-bench-slow-"
    )


if __name__ == "__main__":
    main()
