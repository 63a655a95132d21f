"""`kcsac letter`, `kcsac schedule-pdf`, `kcsac issue-schedules`, `kcsac export-letters`:
issued documents as PDF files.

A letter not issued yet is issued now (by the OS account or --user, if a kcsac user); a document
issued before is rendered from its stored snapshot, so a re-print is the document that was
sent. A schedule is issued only when asked (`schedule-pdf --issue`, `issue-schedules`): one
version per billing cycle, the newest the customer's; `--preview` shows today's figures.
"""

import argparse
import sys
from datetime import date, timedelta
from pathlib import Path

from kcsac.cli import EXIT_FILE, EXIT_OK, EXIT_RULE, EXIT_USAGE
from kcsac.cli.acting import acting_user
from kcsac.cli.database import open_or_explain
from kcsac.cli.fee_cmd import iso_date, one_line_errors
from kcsac.domain.documents import ScheduleDocument
from kcsac.domain.money import format_usd
from kcsac.domain.records import RecordError
from kcsac.domain.status import Status
from kcsac.operations.documents.batch import decided_since, export_documents
from kcsac.operations.documents.issuing import (
    issue_schedule,
    letter_for,
    preview_schedule,
    render_issued,
    render_preview,
    schedule_versions,
)
from kcsac.operations.documents.schedule_cycle import issue_new_schedules
from kcsac.operations.errors import NotFound, Refused
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
        description="Write APPLICATION_NO's adjusted volume schedule as a PDF: the newest "
        "issued version (the customer's), or --version N. --issue first issues a new version "
        "covering the billing periods known (only if the figures changed); --preview writes "
        "today's figures, marked as a preview, and issues nothing; --list lists the versions. "
        "Exit status: 1 file or database problem, 2 usage, 3 not possible (no version issued, "
        "no signed approval, records that disagree with their signature).",
    )
    schedule.add_argument("number", metavar="APPLICATION_NO")
    schedule.add_argument("--out", type=Path, metavar="FILE.pdf")
    what = schedule.add_mutually_exclusive_group()
    what.add_argument(
        "--issue",
        "--reissue",
        dest="issue",
        action="store_true",
        help="issue a new version from the current records (if the figures changed)",
    )
    what.add_argument("--version", type=int, metavar="N", help="reprint version N")
    what.add_argument("--preview", action="store_true", help="today's figures, not issued")
    what.add_argument("--list", action="store_true", help="list the issued versions")
    schedule.set_defaults(func=_schedule)
    one_line_errors(schedule)

    cycle = subparsers.add_parser(
        "issue-schedules",
        parents=[common],
        help="issue every schedule that has new billing periods (a billing cycle's batch)",
        description="Issue the next version of every credit's schedule whose account has "
        "billing periods after its newest version (or no version yet), covering the periods "
        "that start on or before --through (or in --month); with --out, write each new "
        "version there as APPLICATION_NO-schedule-vN.pdf. Exit status 3 when some could not "
        "be issued (each is named).",
    )
    when = cycle.add_mutually_exclusive_group()
    when.add_argument("--through", type=iso_date, metavar="DATE", default=None)
    when.add_argument("--month", type=_month, metavar="YYYY-MM", default=None)
    cycle.add_argument("--out", type=Path, metavar="DIR", default=None)
    cycle.set_defaults(func=_issue_cycle)
    one_line_errors(cycle)

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


def _actor(args: argparse.Namespace, store: Store) -> str | None:
    """Who may issue: --user (signed in with the password) or the OS account, when a kcsac
    user; None: print-only."""
    user = acting_user(args, store)
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
        doc = fetch(store, _actor(args, store), args.number.strip(), today=date.today())
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


def _month(text: str) -> date:
    """`2026-09` -> the month's last day (periods starting in or before it)."""
    try:
        year, month = (int(x) for x in text.split("-"))
        first = date(year, month, 1)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a month (YYYY-MM)") from None
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _schedule(args: argparse.Namespace) -> int:
    if not args.list and args.out is None:
        return _fail("schedule-pdf needs --out FILE.pdf (or --list)", EXIT_USAGE)
    if args.list:
        return _list_versions(args)
    if args.preview:
        return _preview(args)

    def fetch(store, actor, number, *, today):
        versions = schedule_versions(store, number)
        if args.issue:
            done = issue_schedule(store, actor, number, today=today)
            state = "issued" if done.new else "unchanged, newest"
            print(f"{number}: schedule version {done.version} ({state})", file=sys.stderr)
            return done.document
        if args.version is not None:
            if not 1 <= args.version <= len(versions):
                raise Refused(
                    f"Application {number} has {len(versions)} schedule version(s); there is "
                    f"no version {args.version}"
                )
            return versions[args.version - 1]
        if not versions:
            store.get_application(number)  # NotFound for no such application
            raise Refused(
                f"Application {number}: no schedule issued yet; --issue issues version 1, "
                "--preview shows today's figures without issuing"
            )
        return versions[-1]

    return _one(args, fetch)


def _list_versions(args: argparse.Namespace) -> int:
    store = open_or_explain(getattr(args, "db", None), read_only=True)
    if store is None:
        return EXIT_FILE
    number = args.number.strip()
    try:
        store.get_application(number)
        versions = schedule_versions(store, number)
    except NotFound as exc:
        return _fail(str(exc), EXIT_USAGE)
    finally:
        store.close()
    if not versions:
        print(f"{number}: no schedule issued yet")
    for i, doc in enumerate(versions, 1):
        s = doc.snapshot
        covered = ""
        if isinstance(s, ScheduleDocument) and s.rows:
            covered = (
                f" periods {s.rows[0].start.isoformat()} to {s.rows[-1].end.isoformat()}, "
                f"credit {format_usd(s.totals.credit_cents)}"
            )
        newest = " (the customer's)" if i == len(versions) else ""
        print(
            f"{number} version {i}{newest}: issued {doc.issued_on.isoformat()} by "
            f"{doc.issued_by};{covered} sha256 {doc.sha256}"
        )
    return EXIT_OK


def _preview(args: argparse.Namespace) -> int:
    store = open_or_explain(getattr(args, "db", None), read_only=True)
    if store is None:
        return EXIT_FILE
    try:
        doc = preview_schedule(store, args.number.strip(), today=date.today())
        pdf = render_preview(doc)
    except NotFound as exc:
        return _fail(str(exc), EXIT_USAGE)
    except RecordError as exc:
        return _fail(str(exc), EXIT_RULE)
    finally:
        store.close()
    failed = _write(args.out, pdf)
    if failed is not None:
        return failed
    print(f"{args.out}: schedule of {doc.application_no} as of today (a preview, not issued)")
    return EXIT_OK


def _issue_cycle(args: argparse.Namespace) -> int:
    out: Path | None = args.out.expanduser() if args.out else None
    if out is not None and not out.is_dir():
        return _fail(f"{out}: no such folder; --out needs an existing folder", EXIT_USAGE)
    store = open_or_explain(getattr(args, "db", None))
    if store is None:
        return EXIT_FILE
    through = args.through or args.month
    written = 0
    try:
        actor = _actor(args, store)
        if actor is None:
            return _fail("only a kcsac user can issue schedules", EXIT_RULE)
        result = issue_new_schedules(
            store,
            actor,
            today=date.today(),
            through=through,
            progress=_progress if sys.stderr.isatty() else lambda done, total: None,
        )
        if sys.stderr.isatty() and (result.issued or result.unchanged or result.skipped):
            print(file=sys.stderr)
        for number, version in result.issued:
            line = f"{number}: schedule version {version} issued"
            if out is not None:
                doc = schedule_versions(store, number)[version - 1]
                path = out / f"{number}-schedule-v{version}.pdf"
                failed = _write(path, render_issued(doc))
                if failed is not None:
                    return failed
                written += 1
                line += f", written to {path}"
            print(line)
    finally:
        store.close()
    for number, why in result.skipped:
        print(f"kcsac: not issued {number}: {why}", file=sys.stderr)
    print(
        f"{len(result.issued)} schedule(s) issued, {len(result.unchanged)} unchanged, "
        f"{len(result.skipped)} not issued"
        + (f"; {written} PDF file(s) in {out}" if out is not None else "")
    )
    return EXIT_RULE if result.skipped else EXIT_OK


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
            _actor(args, store),
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
