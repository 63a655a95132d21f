"""`kcsac letter`, `kcsac schedule-pdf`, `kcsac export-letters`: issued documents as PDF files.

A document not issued yet is issued now (by the OS login, if it is a kcsac user); one issued
before is rendered from its stored snapshot, so a re-print is the document that was sent.
"""

import argparse
import getpass
import sys
from datetime import date
from pathlib import Path

from kcsac.cli import EXIT_FILE, EXIT_OK, EXIT_RULE, EXIT_USAGE
from kcsac.cli.database import open_or_explain
from kcsac.cli.fee_cmd import iso_date, one_line_errors
from kcsac.domain.records import RecordError
from kcsac.domain.status import Status
from kcsac.operations.documents.batch import decided_since, export_documents
from kcsac.operations.documents.issuing import letter_for, render_issued, schedule_for
from kcsac.operations.errors import NotFound, Refused
from kcsac.operations.users import current_user
from kcsac.storage import Store

STATUSES = {
    "approved": Status.APPROVED,
    "denied": Status.DENIED,
    "revoked": Status.REVOKED,
    "ended": Status.ENDED,
}


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    letter = subparsers.add_parser(
        "letter",
        parents=[common],
        help="the letter of an application's decision, as PDF",
        description="Write the letter of APPLICATION_NO's decision as a PDF: the approval (or "
        "latest amendment) of an approved credit, the denial, the revocation of a revoked "
        "credit, the ending of a credit ended by an ownership change. A letter issued before "
        "is re-printed from its stored snapshot; otherwise it is issued now. Exit status: 1 "
        "file or database problem, 2 usage (unknown application), 3 no decision yet or not "
        "allowed.",
    )
    letter.add_argument("number", metavar="APPLICATION_NO", help="e.g. SAC-2026-0001")
    letter.add_argument("--out", type=Path, required=True, metavar="FILE.pdf")
    letter.set_defaults(func=_letter)
    one_line_errors(letter)

    schedule = subparsers.add_parser(
        "schedule-pdf",
        parents=[common],
        help="the adjusted volume schedule of an approved application, as PDF",
        description="Write APPLICATION_NO's adjusted volume schedule as a PDF (issued now if "
        "not issued yet; --reissue issues a new one, e.g. after importing billing periods).",
    )
    schedule.add_argument("number", metavar="APPLICATION_NO")
    schedule.add_argument("--out", type=Path, required=True, metavar="FILE.pdf")
    schedule.add_argument(
        "--reissue", action="store_true", help="issue a new schedule from the current records"
    )
    schedule.set_defaults(func=_schedule)
    one_line_errors(schedule)

    export = subparsers.add_parser(
        "export-letters",
        parents=[common],
        help="letters (and schedules) of many applications into a folder",
        description="Write the letters of every application with STATUS decided on or after "
        "DATE into DIR as APPLICATION_NO-KIND.pdf, with the schedules that approval and "
        "amendment letters enclose.",
    )
    export.add_argument("--status", choices=sorted(STATUSES), required=True)
    export.add_argument("--since", type=iso_date, default=None, metavar="DATE")
    export.add_argument("--out", type=Path, required=True, metavar="DIR")
    export.add_argument(
        "--no-schedules", action="store_true", help="letters only, no adjusted volume schedules"
    )
    export.set_defaults(func=_export)
    one_line_errors(export)


def _actor(store: Store) -> str | None:
    """The OS login when it is a kcsac user (who may issue); None: print-only."""
    user = current_user(store, getpass.getuser())
    return user.login if user is not None else None


def _fail(message: str, status: int) -> int:
    print(f"kcsac: {message}", file=sys.stderr)
    return status


def _write(path: Path, data: bytes) -> int | None:
    """Write `data` to `path` via a temporary file; an exit status on failure, else None."""
    path = path.expanduser()
    if path.is_dir():
        return _fail(f"{path}: is a folder; give a file name ending in .pdf", EXIT_USAGE)
    if not path.parent.is_dir():
        return _fail(f"{path}: the folder {path.parent} does not exist", EXIT_FILE)
    partial = path.with_name(path.name + ".part")
    try:
        partial.write_bytes(data)
        partial.replace(path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        return _fail(f"{path}: cannot write the PDF ({exc.strerror or exc})", EXIT_FILE)
    return None


def _one(args: argparse.Namespace, fetch) -> int:
    store = open_or_explain(getattr(args, "db", None))
    if store is None:
        return EXIT_FILE
    try:
        doc = fetch(store, _actor(store), args.number.strip(), today=date.today())
        pdf = render_issued(doc)
    except NotFound as exc:
        return _fail(str(exc), EXIT_USAGE)
    except Refused as exc:
        return _fail(str(exc), EXIT_RULE)
    except RecordError as exc:
        return _fail(str(exc), EXIT_RULE)
    finally:
        store.close()
    failed = _write(args.out, pdf)
    if failed is not None:
        return failed
    print(
        f"{args.out}: {doc.kind} of {doc.application}, issued {doc.issued_on.isoformat()} by "
        f"{doc.issued_by} (snapshot sha256 {doc.sha256})"
    )
    return EXIT_OK


def _letter(args: argparse.Namespace) -> int:
    return _one(args, letter_for)


def _schedule(args: argparse.Namespace) -> int:
    def fetch(store, actor, number, *, today):
        return schedule_for(store, actor, number, today=today, reissue=args.reissue)

    return _one(args, fetch)


def _progress(done: int, total: int) -> None:
    print(f"\r{done} of {total} applications", end="", file=sys.stderr, flush=True)


def _export(args: argparse.Namespace) -> int:
    out: Path = args.out.expanduser()
    if out.exists() and not out.is_dir():
        return _fail(f"{out}: is a file; --out needs a folder", EXIT_USAGE)
    store = open_or_explain(getattr(args, "db", None))
    if store is None:
        return EXIT_FILE
    try:
        numbers = decided_since(store, STATUSES[args.status], args.since)
        result = export_documents(
            store,
            _actor(store),
            numbers,
            out,
            today=date.today(),
            schedules=not args.no_schedules,
            progress=_progress if sys.stderr.isatty() else lambda done, total: None,
        )
    except OSError as exc:
        return _fail(f"{out}: cannot write there ({exc.strerror or exc})", EXIT_FILE)
    finally:
        store.close()
    if numbers and sys.stderr.isatty():
        print(file=sys.stderr)
    for number, why in result.skipped:
        print(f"kcsac: skipped {number}: {why}", file=sys.stderr)
    print(f"{out}: {len(result.written)} PDF files for {len(numbers)} applications")
    return EXIT_RULE if result.skipped else EXIT_OK
