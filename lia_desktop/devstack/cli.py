"""``lia-devstack start``: run the local Supabase-compatible backend until SIGINT/SIGTERM.

When ready it prints the project's connection facts like ``supabase status``
(``KEY=value`` lines, or one JSON object line with ``--json``) and flushes,
so a parent process (the test fixture, a demo script) can read them and go.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

import platformdirs

from . import tokens
from .server import Devstack
from .simulator import MarketplaceSimulator


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("lia-desktop")) / "devstack"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lia-devstack", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    start = commands.add_parser("start", help="start the devstack and serve until interrupted")
    start.add_argument("--port", type=int, default=54321, help="HTTP port (0 picks a free one)")
    start.add_argument("--data-dir", type=Path, default=None, help="cluster and secret (reused)")
    start.add_argument("--no-seed", action="store_true", help="do not load supabase/seed.sql")
    start.add_argument("--json", action="store_true", help="print one JSON object when ready")
    start.add_argument(
        "--jwt-expiry",
        type=int,
        default=tokens.DEFAULT_JWT_EXPIRY,
        metavar="S",
        help="access token lifetime in seconds",
    )
    start.add_argument(
        "--simulate",
        action="store_true",
        help="run the demo's marketplace activity (bookings, reviews, disputes, sign-ups, presence)",
    )
    return parser


async def _serve(args: argparse.Namespace) -> None:
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopping.set)
    devstack = Devstack(
        args.data_dir or default_data_dir(),
        port=args.port,
        seed=not args.no_seed,
        jwt_expiry=args.jwt_expiry,
    )
    await devstack.start()
    try:
        status = devstack.status()
        if args.json:
            assert devstack.report is not None  # set by start()
            extra = {
                "DATA_DIR": str(devstack.data_dir),
                "MIGRATIONS_APPLIED": list(devstack.report.applied_migrations),
                "SEEDED": devstack.report.seeded,
            }
            print(json.dumps({**status, **extra}), flush=True)
        else:
            print("\n".join(f"{key}={value}" for key, value in status.items()), flush=True)
        if args.simulate:
            simulator = MarketplaceSimulator(
                devstack.cluster.conninfo,
                realtime_url=devstack.api_url.replace("http", "ws", 1) + "/realtime/v1",
                service_role_key=status["SERVICE_ROLE_KEY"],
            )
            await simulator.run(stopping)
        await stopping.wait()
    finally:
        await devstack.stop()


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s"
    )
    try:
        asyncio.run(_serve(args))
    except Exception as err:  # a start failure: say why, no traceback for the user
        logging.getLogger("lia-devstack").debug("start failed", exc_info=True)
        print(f"lia-devstack: {err}", file=sys.stderr)
        return 1
    return 0
