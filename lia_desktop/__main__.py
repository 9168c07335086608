"""``lia-desktop``: the tray app, its demo, and the headless subcommands.

Headless commands (``doctor``, ``watch``, ``autostart``, ``--version``, the hidden
``devstack``) never import Qt, so they work over SSH and in CI; only the tray app loads it.
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


#: hidden: ``lia-desktop devstack start ...`` is ``lia-devstack start ...``, for the frozen
#: app, which has no ``python -m`` to start the demo's backend with
DEVSTACK_COMMAND = "devstack"


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    if arguments[:1] == [DEVSTACK_COMMAND]:
        from lia_desktop.devstack.cli import main as devstack_main

        return devstack_main(arguments[1:])
    args = build_parser().parse_args(arguments)
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
