"""Records commands: import, export, backup, restore, audit verify, demo."""

import argparse
import datetime as dt
import sys
from pathlib import Path

from kcsac.cli import EXIT_DATA, EXIT_FILE, EXIT_OK, EXIT_RULE
from kcsac.cli.database import open_or_explain, resolve_db_path
from kcsac.domain.records import RecordError
from kcsac.operations.errors import NotPermitted
from kcsac.storage import Store, StoreError
from kcsac.storage.errors import WriteFailed


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    imp = subparsers.add_parser("import", help="import a billing-system CSV file")
    imp_sub = imp.add_subparsers(dest="what", metavar="WHAT", required=True)
    for what, helptext in (
        ("accounts", "accounts: account,customer,service_address,account_class,customer_class"),
        ("consumption", "water purchased: account,period_start,period_end,ccf"),
    ):
        p = imp_sub.add_parser(what, parents=[common], help=helptext, description=helptext)
        p.add_argument("file", type=Path, metavar="FILE")
        p.add_argument(
            "--skip-bad",
            action="store_true",
            help="import the good rows and write the bad ones to a reject file",
        )
        p.add_argument(
            "--rejects",
            type=Path,
            metavar="PATH",
            help="reject file for --skip-bad (default FILE.rejects.csv)",
        )
        p.set_defaults(func=_import, what=what)

    exp = subparsers.add_parser("export", help="export applications or the billing hand-off")
    exp_sub = exp.add_subparsers(dest="what", metavar="WHAT", required=True)
    p = exp_sub.add_parser("applications", parents=[common], help="every application, as CSV")
    p.add_argument("file", type=Path, metavar="FILE")
    p.set_defaults(func=_export, what="applications")
    p = exp_sub.add_parser(
        "billing", parents=[common], help="one row per approved credit and billing period, as CSV"
    )
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument(
        "--through",
        type=dt.date.fromisoformat,
        metavar="DATE",
        help="only periods starting on or before DATE",
    )
    p.set_defaults(func=_export, what="billing")

    p = subparsers.add_parser(
        "backup", parents=[common], help="copy the database (safe while the app is open)"
    )
    p.add_argument("dest", type=Path, metavar="DEST", help="new file, or a folder")
    p.set_defaults(func=_backup)

    p = subparsers.add_parser(
        "restore", parents=[common], help="replace the database with a backup (checked first)"
    )
    p.add_argument("src", type=Path, metavar="SRC")
    p.add_argument("--force", action="store_true", help="replace an existing database")
    p.set_defaults(func=_restore)

    aud = subparsers.add_parser("audit", help="the audit trail")
    aud_sub = aud.add_subparsers(dest="what", metavar="WHAT", required=True)
    p = aud_sub.add_parser(
        "verify",
        parents=[common],
        help='check the trail and every record it protects: prints "ok", or each record '
        "that does not hold and where it first differs",
        description="Read only: the hash chain, the schema, and every protected record "
        "against the state the audit trail recorded.",
    )
    p.add_argument(
        "--against",
        type=Path,
        metavar="BACKUP",
        help="a backup: the live trail must extend the backup's (finds deleted newest rows "
        "and a re-computed chain)",
    )
    p.add_argument(
        "--head",
        metavar="SEQ:HASH",
        help="a head recorded outside the file (as a letter prints it): that row must be here "
        "with that hash",
    )
    p.set_defaults(func=_audit_verify)

    p = subparsers.add_parser(
        "demo", parents=[common], help="fill a new database with a realistic demo data set"
    )
    p.set_defaults(func=_demo)


def _today() -> dt.date:
    return dt.date.today()


def _actor(args: argparse.Namespace, store: Store):
    """Who acts: --user (signed in with the password) or the OS account; on a database with
    no users the OS account becomes the administrator."""
    from kcsac.cli.acting import acting_user

    return acting_user(args, store, today=_today(), first_admin=True)


def _import(args: argparse.Namespace) -> int:
    from kcsac.operations.imports.accounts import import_accounts
    from kcsac.operations.imports.consumption import import_consumption
    from kcsac.operations.imports.csv_files import ImportFileError, write_rejects

    store = open_or_explain(getattr(args, "db", None))
    if store is None:
        return EXIT_FILE
    try:
        run = import_accounts if args.what == "accounts" else import_consumption
        result = run(store, _actor(args, store), args.file, today=_today(), skip_bad=args.skip_bad)
    except (ImportFileError, WriteFailed) as exc:
        print(f"kcsac: {exc}", file=sys.stderr)
        return EXIT_FILE
    except RecordError as exc:
        print(f"kcsac: {exc}", file=sys.stderr)
        return EXIT_RULE
    finally:
        store.close()
    for bad in result.bad:
        print(f"{args.file}:{bad}", file=sys.stderr)
    if not result.imported:
        print(
            f"kcsac: {result.rows_bad} bad row(s) in {args.file}; nothing was imported. "
            "Fix them, or use --skip-bad to import the good rows",
            file=sys.stderr,
        )
        return EXIT_DATA
    print(
        f"{args.what}: {result.added} added, {result.changed} changed, {result.unchanged} unchanged"
    )
    if result.bad:
        rejects = args.rejects or args.file.with_name(args.file.stem + ".rejects.csv")
        write_rejects(result, rejects)
        print(f"{result.rows_bad} bad row(s) written to {rejects}")
    return EXIT_OK


def _export(args: argparse.Namespace) -> int:
    from kcsac.operations import exports

    store = open_or_explain(getattr(args, "db", None), read_only=True)
    if store is None:
        return EXIT_FILE
    refused: list[str] = []
    try:
        if args.what == "applications":
            count = exports.export_to_file(
                args.file, lambda fh: exports.export_applications(store, fh)
            )
        else:
            count = exports.export_to_file(
                args.file, lambda fh: exports.export_billing(store, fh, through=args.through)
            )
            refused = exports.billing_refusals(store)
    except OSError as exc:
        print(f"kcsac: {args.file}: cannot write ({exc.strerror})", file=sys.stderr)
        return EXIT_FILE
    finally:
        store.close()
    print(f"{count} row(s) written to {args.file}")
    for message in refused:  # written as one row each, with no figures
        print(f"kcsac: credit refused: {message}", file=sys.stderr)
    return EXIT_RULE if refused else EXIT_OK


def _backup(args: argparse.Namespace) -> int:
    from kcsac.operations import backups

    store = open_or_explain(getattr(args, "db", None), read_only=True)
    if store is None:
        return EXIT_FILE
    try:
        made = backups.backup(store, args.dest)
        head = backups.backup_head(made)
    except StoreError as exc:
        print(f"kcsac: {exc}", file=sys.stderr)
        return EXIT_FILE
    finally:
        store.close()
    print(f"backup written to {made}")
    if head is not None:
        print(
            f"audit chain head {head.short}: keep the backup (or this line) away from the "
            f"database; `kcsac audit verify --against {made}` checks the live file against it"
        )
    return EXIT_OK


def _restore(args: argparse.Namespace) -> int:
    from kcsac.cli.acting import login_of, read_password
    from kcsac.operations import backups

    dest = resolve_db_path(getattr(args, "db", None))
    login = login_of(args)
    try:
        refused = backups.restorer_problem(dest, login)
        if refused:
            raise NotPermitted(refused)
        password = ""
        if backups.restore_needs_password(dest, login):
            password = read_password(args, f"kcsac password of {login} (to replace {dest}): ")
        kept = backups.restore(args.src, dest, login=login, password=password, force=args.force)
    except StoreError as exc:
        print(f"kcsac: {exc}", file=sys.stderr)
        return EXIT_FILE
    except RecordError as exc:  # not an administrator of the database it would replace
        print(f"kcsac: {exc}", file=sys.stderr)
        return EXIT_RULE
    print(f"restored {args.src} to {dest}")
    if kept is not None:
        print(f"the replaced database was kept as {kept}")
    return EXIT_OK


def _audit_verify(args: argparse.Namespace) -> int:
    from kcsac.domain.integrity import AuditHead

    head = None
    if args.head is not None:
        head = AuditHead.parse(args.head)
        if head is None:
            print(
                f"kcsac: --head {args.head!r}: not a head; give SEQ:HASH as printed (the row "
                "number, a colon, 12 to 64 hex digits)",
                file=sys.stderr,
            )
            return EXIT_DATA
    if args.against is not None and not args.against.is_file():
        print(f"kcsac: {args.against}: no such backup file", file=sys.stderr)
        return EXIT_FILE
    store = open_or_explain(getattr(args, "db", None), read_only=True)
    if store is None:
        return EXIT_FILE
    try:
        report = store.verify_integrity(against=args.against, head=head)
    except StoreError as exc:
        print(f"kcsac: {exc}", file=sys.stderr)
        return EXIT_FILE
    finally:
        store.close()
    print("\n".join(report.lines()))
    return EXIT_OK if report.ok else EXIT_DATA


def _demo(args: argparse.Namespace) -> int:
    from kcsac.operations import demo

    store = open_or_explain(getattr(args, "db", None))
    if store is None:
        return EXIT_FILE
    try:
        summary = demo.load_demo(store)
    except WriteFailed as exc:
        print(f"kcsac: {exc}", file=sys.stderr)
        return EXIT_FILE
    except RecordError as exc:
        print(f"kcsac: {exc}", file=sys.stderr)
        return EXIT_RULE
    finally:
        store.close()
    print(summary)
    return EXIT_OK
