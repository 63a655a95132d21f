"""Headless commands: the same operations as the UI, no Qt.

Each command module exposes `register(subparsers, common)`; it adds its parser(s) and sets
`func=handler`, where `handler(args) -> int` returns the exit status.
Exit statuses: 0 ok, 1 a file or database problem, 2 a usage error, 3 a rule refusal,
4 bad data in an input file.
"""

import argparse
import datetime as dt
import importlib
import sys
import traceback
from pathlib import Path

from kcsac import __version__

EXIT_OK = 0
EXIT_FILE = 1
EXIT_USAGE = 2
EXIT_RULE = 3
EXIT_DATA = 4

# Command modules, in the order `kcsac --help` lists them. Each owns its own file.
COMMAND_MODULES: tuple[str, ...] = (
    "fee_cmd",
    "schedule_cmd",
    "records_cmd",
    "documents_cmd",
    "users_cmd",
)


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
    from kcsac.cli.acting import add_identity_options

    add_identity_options(parser)
    # A subcommand accepts --db after its own arguments too; SUPPRESS keeps a --db given
    # before the command from being overwritten by the subparser's default.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db", type=Path, default=argparse.SUPPRESS, metavar="PATH", help="database file"
    )
    add_identity_options(common, suppress=True)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"kcsac.cli.{name}").register(subparsers, common)
    return parser


def run_command(args: argparse.Namespace) -> int:
    """Run the chosen command. Whatever goes wrong, the user reads one line naming the
    database file, never a traceback: a database failure met while working (a damaged page,
    a lock held by another program) is explained; anything else is written to a crash log
    whose path the line gives."""
    from kcsac.cli.acting import NoTerminal
    from kcsac.cli.database import resolve_db_path
    from kcsac.domain.records import RecordError
    from kcsac.storage import explain_failure

    try:
        return int(args.func(args))
    except NoTerminal as exc:  # a password is needed and cannot be asked for
        print(f"kcsac: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("kcsac: stopped (Ctrl+C); nothing more was written", file=sys.stderr)
        return 130
    except Exception as exc:
        try:
            db = resolve_db_path(getattr(args, "db", None))
        except OSError:
            db = None
        explained = explain_failure(exc, db)
        if explained is not None:
            print(f"kcsac: {explained}", file=sys.stderr)
            return EXIT_FILE
        if isinstance(exc, RecordError):  # a refusal (a wrong password, a role) not caught
            print(f"kcsac: {exc}", file=sys.stderr)
            return EXIT_RULE
        log = _crash_log(exc)
        print(
            f"kcsac: {args.command} stopped on {db or 'the database'}: an unexpected "
            f"{type(exc).__name__} ({exc}); the details are in {log}",
            file=sys.stderr,
        )
        return EXIT_FILE


def _crash_log(exc: BaseException) -> Path | str:
    """Append the traceback to kcsac-crash.log in the user's data folder (for whoever fixes
    it); returns its path, or a note when even that cannot be written."""
    from kcsac.cli.database import default_data_dir

    log = default_data_dir() / "kcsac-crash.log"
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("a", encoding="utf-8") as fh:
            fh.write(f"--- {dt.datetime.now().astimezone().isoformat(timespec='seconds')}\n")
            fh.write("".join(traceback.format_exception(exc)))
    except OSError as err:
        return f"no log ({log}: {err.strerror})"
    return log
