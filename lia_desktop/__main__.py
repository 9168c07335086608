"""``lia-desktop``: the tray app, its demo, and the headless subcommands.

Headless commands (``doctor``, ``watch``, ``autostart``, ``--version``) never
import Qt, so they work over SSH and in CI; only the tray app loads it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from lia_desktop import __version__


def build_parser() -> argparse.ArgumentParser:
    from lia_desktop import cli

    parser = argparse.ArgumentParser(
        prog="lia-desktop",
        description="LIA Admin: tray notifications and live stats for LIA marketplace admins.",
    )
    parser.add_argument("--version", action="version", version=f"lia-desktop {__version__}")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="start the built-in demo backend with simulated marketplace activity and sign in to it",
    )
    commands = parser.add_subparsers(dest="command")
    cli.add_subcommands(commands)
    auto = commands.add_parser("autostart", help="launch at login: on, off or status")
    auto.add_argument("state", choices=("on", "off", "status"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "autostart":
        from lia_desktop.services import autostart

        return autostart.main([args.state])
    if args.command is not None:
        from lia_desktop import cli

        return cli.run(args)
    from lia_desktop.app import run_gui

    return run_gui(demo=args.demo)


if __name__ == "__main__":
    sys.exit(main())
