"""Headless commands: the same operations as the UI, no Qt.

Each command module exposes `register(subparsers, common)`; it adds its parser(s) and sets
`func=handler`, where `handler(args) -> int` returns the exit status.
Exit statuses: 0 ok, 1 a file or database problem, 2 a usage error, 3 a rule refusal,
4 bad data in an input file.
"""

import argparse
import importlib
from pathlib import Path

from kcsac import __version__

EXIT_OK = 0
EXIT_FILE = 1
EXIT_USAGE = 2
EXIT_RULE = 3
EXIT_DATA = 4

# Command modules, in the order `kcsac --help` lists them. Each owns its own file.
COMMAND_MODULES: tuple[str, ...] = ("fee_cmd", "schedule_cmd", "records_cmd", "documents_cmd")


def build_parser() -> argparse.ArgumentParser:
    """The whole command line: `kcsac [--db PATH]` opens the app; `kcsac CMD ...` runs CMD."""
    parser = argparse.ArgumentParser(
        prog="kcsac",
        description="Sewer Allowance Credit desk (Kansas City Water Services, Ord. 260209). "
        "Without a command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"kcsac {__version__}")
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        metavar="PATH",
        help="database file (default: $KCSAC_DB, else kcsac.db in the user's data folder)",
    )
    # A subcommand accepts --db after its own arguments too; SUPPRESS keeps a --db given
    # before the command from being overwritten by the subparser's default.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db", type=Path, default=argparse.SUPPRESS, metavar="PATH", help="database file"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"kcsac.cli.{name}").register(subparsers, common)
    return parser
