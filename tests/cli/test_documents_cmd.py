"""`kcsac letter`, `kcsac schedule-pdf`, `kcsac export-letters` against a real database file."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from kcsac.app import main as kcsac_main
from kcsac.domain.records import ConsumptionPeriod
from kcsac.operations import approvals
from tests.cli.signing_in import as_user
from tests.operations.conftest import PASSWORD, make_file, people  # noqa: F401 (fixture)
from tests.pdf.pdftools import all_text, missing


@pytest.fixture
def decided(store, people, today, monkeypatch):  # noqa: F811
    """One approved file (with billing periods), one denied, one undecided; `main` runs as
    the director, signed in with her password (--user dora --password-stdin)."""
    approved = make_file(store, people, today)
    approvals.approve(
        store,
        people.director,
        approved.number,
        password=PASSWORD,
        today=today,
        signed_on=dt.date(2026, 8, 12),
        backdated_reason="paper signature",
    )
    store.put_consumption(
        [
            ConsumptionPeriod(
                approved.account, dt.date(2026, 8, 1), dt.date(2026, 8, 31), Decimal(96)
            ),
        ]
    )
    denied = make_file(
        store, people, today, account="1000-02", pay=False, reviews=False, determination=False
    )
    approvals.deny(
        store,
        people.director,
        denied.number,
        reasons=["fee-unpaid"],
        password=PASSWORD,
        today=today,
    )
    open_file = make_file(store, people, today, account="1000-03")
    store.close()
    assert as_user(monkeypatch, "dora", PASSWORD) == DORA
    return approved.number, denied.number, open_file.number


DORA = ["--user", "dora", "--password-stdin"]


def main(argv: list[str]) -> int:
    """kcsac as the director (signed in with her password)."""
    return kcsac_main([*DORA, *argv])


def test_letter_writes_the_approval_letter(decided, db_path, tmp_path, capsys) -> None:
    approved, _, _ = decided
    out = tmp_path / "letter.pdf"
    assert main(["--db", str(db_path), "letter", approved, "--out", str(out)]) == 0
    text = all_text(out.read_bytes())
    assert missing(text, [approved, "approved", "August 12, 2026", "$250.00"]) == []
    said = capsys.readouterr().out
    assert "approval-letter of " + approved in said
    assert "issued" in said
    assert "dora" in said
    # A second print is the same document, byte for byte.
    again = tmp_path / "again.pdf"
    assert main(["letter", approved, "--out", str(again), "--db", str(db_path)]) == 0
    assert again.read_bytes() == out.read_bytes()


def test_letter_of_a_denial_and_of_an_undecided_file(decided, db_path, tmp_path, capsys) -> None:
    _, denied, undecided = decided
    out = tmp_path / "denial.pdf"
    assert main(["--db", str(db_path), "letter", denied, "--out", str(out)]) == 0
    assert "denied" in all_text(out.read_bytes())
    status = main(["--db", str(db_path), "letter", undecided, "--out", str(tmp_path / "x.pdf")])
    assert status == 3
    assert "once it is approved or denied" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def test_unknown_application_is_a_usage_error(decided, db_path, tmp_path, capsys) -> None:
    status = main(
        ["--db", str(db_path), "letter", "SAC-1999-0001", "--out", str(tmp_path / "x.pdf")]
    )
    assert status == 2
    assert "SAC-1999-0001" in capsys.readouterr().err


def test_not_a_kcsac_user_may_print_but_not_issue(
    decided, db_path, tmp_path, capsys, monkeypatch
) -> None:
    approved, _, _ = decided
    # The OS account running the tests is not a kcsac user here, whatever LOGNAME says.
    monkeypatch.setenv("LOGNAME", "dora")
    monkeypatch.setenv("USER", "dora")
    stranger = kcsac_main
    # The letter was issued when the director signed, so anyone may print it ...
    out = ["--out", str(tmp_path / "a.pdf")]
    assert stranger(["--db", str(db_path), "letter", approved, *out]) == 0
    assert "issued 2026-08-20 by dora" in capsys.readouterr().out
    # ... but a schedule is issued only when asked, and only by a kcsac user.
    out = ["--out", str(tmp_path / "s.pdf")]
    assert stranger(["--db", str(db_path), "schedule-pdf", approved, *out]) == 3
    assert "no schedule issued yet; --issue issues version 1" in capsys.readouterr().err
    assert stranger(["--db", str(db_path), "schedule-pdf", approved, "--issue", *out]) == 3
    assert "only a kcsac user can issue it" in capsys.readouterr().err
    assert not (tmp_path / "s.pdf").exists()
    assert main(["--db", str(db_path), "schedule-pdf", approved, "--issue", *out]) == 0
    again = ["--out", str(tmp_path / "t.pdf")]
    assert stranger(["--db", str(db_path), "schedule-pdf", approved, *again]) == 0
    assert (tmp_path / "s.pdf").read_bytes() == (tmp_path / "t.pdf").read_bytes()
    out = ["--out", str(tmp_path / "b.pdf")]
    assert stranger(["--db", str(db_path), "letter", approved, *out]) == 0
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()


def test_schedule_pdf(decided, db_path, tmp_path) -> None:
    approved, denied, _ = decided
    out = tmp_path / "schedule.pdf"
    assert main(["--db", str(db_path), "schedule-pdf", approved, "--issue", "--out", str(out)]) == 0
    text = all_text(out.read_bytes())
    assert missing(text, ["Adjusted volume schedule", "20/31", "$119.85", "$1,118.55"]) == []
    assert PdfReader(io.BytesIO(out.read_bytes())).pages[0].mediabox.width > 700  # landscape
    d = ["--out", str(tmp_path / "d.pdf")]
    assert main(["--db", str(db_path), "schedule-pdf", denied, "--issue", *d]) == 3


def test_bad_out_paths_are_named(decided, db_path, tmp_path, capsys) -> None:
    approved, _, _ = decided
    status = main(
        ["--db", str(db_path), "letter", approved, "--out", str(tmp_path / "missing" / "a.pdf")]
    )
    assert status == 1
    assert "does not exist" in capsys.readouterr().err
    status = main(["--db", str(db_path), "letter", approved, "--out", str(tmp_path)])
    assert status == 2
    assert "is a folder" in capsys.readouterr().err


def test_export_letters(decided, db_path, tmp_path, capsys) -> None:
    approved, denied, _ = decided
    out = tmp_path / "letters"
    status = main(
        [
            "--db",
            str(db_path),
            "export-letters",
            "--status",
            "approved",
            "--since",
            "2026-08-01",
            "--out",
            str(out),
        ]
    )
    assert status == 0
    assert sorted(p.name for p in out.iterdir()) == [
        f"{approved}-approval-letter.pdf",
        f"{approved}-schedule.pdf",
    ]
    assert "2 PDF files for 1 applications" in capsys.readouterr().out
    status = main(
        [
            "--db",
            str(db_path),
            "export-letters",
            "--status",
            "denied",
            "--out",
            str(out),
            "--no-schedules",
        ]
    )
    assert status == 0
    assert (out / f"{denied}-denial-letter.pdf").exists()
    later = tmp_path / "later"
    status = main(
        [
            "--db",
            str(db_path),
            "export-letters",
            "--status",
            "approved",
            "--since",
            "2026-09-01",
            "--out",
            str(later),
        ]
    )
    assert status == 0
    assert list(later.iterdir()) == []


def test_export_letters_usage_errors(db_path, tmp_path, capsys) -> None:
    status = None
    with pytest.raises(SystemExit) as stop:
        main(
            ["--db", str(db_path), "export-letters", "--status", "pending", "--out", str(tmp_path)]
        )
    status = stop.value.code
    assert status == 2
    assert "invalid choice" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stop:
        main(
            [
                "--db",
                str(db_path),
                "export-letters",
                "--status",
                "approved",
                "--since",
                "12/08/2026",
                "--out",
                str(tmp_path),
            ]
        )
    assert stop.value.code == 2
    assert "is not a date" in capsys.readouterr().err


def test_schedule_versions_from_the_command_line(decided, db_path, tmp_path, capsys) -> None:
    """--preview issues nothing; --issue freezes version 1 and, with nothing new, issues no
    second; new billing periods make version 2; --list lists both (the newest is the
    customer's); --version reprints any of them byte-identical."""
    approved, _, _ = decided
    db = ["--db", str(db_path)]
    preview = tmp_path / "preview.pdf"
    assert main([*db, "schedule-pdf", approved, "--preview", "--out", str(preview)]) == 0
    assert "PREVIEW, NOT ISSUED" in all_text(preview.read_bytes())
    assert "(a preview, not issued)" in capsys.readouterr().out
    assert main([*db, "schedule-pdf", approved, "--list"]) == 0
    assert capsys.readouterr().out == f"{approved}: no schedule issued yet\n"
    v1 = tmp_path / "v1.pdf"
    assert main([*db, "schedule-pdf", approved, "--issue", "--out", str(v1)]) == 0
    assert "schedule version 1 (issued)" in capsys.readouterr().err
    again = tmp_path / "again.pdf"
    assert main([*db, "schedule-pdf", approved, "--issue", "--out", str(again)]) == 0
    assert "schedule version 1 (unchanged, newest)" in capsys.readouterr().err
    assert again.read_bytes() == v1.read_bytes()
    from kcsac.storage import open_store

    store = open_store(db_path)
    account = store.get_application(approved).account
    store.put_consumption(
        [ConsumptionPeriod(account, dt.date(2026, 9, 1), dt.date(2026, 9, 30), Decimal(110))]
    )
    store.close()
    assert main([*db, "issue-schedules", "--month", "2026-09", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"{approved}: schedule version 2 issued, written to " in out
    assert "1 schedule(s) issued, 0 unchanged, 0 not issued; 1 PDF file(s) in" in out
    v2 = tmp_path / f"{approved}-schedule-v2.pdf"
    assert "Version 2, issued" in all_text(v2.read_bytes())
    assert main([*db, "schedule-pdf", approved, "--list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in listed] == [
        f"{approved} version 1",
        f"{approved} version 2 (the customer's)",
    ]
    assert "periods 2026-08-01 to 2026-09-30" in listed[1]
    reprint = tmp_path / "reprint.pdf"
    assert main([*db, "schedule-pdf", approved, "--version", "1", "--out", str(reprint)]) == 0
    assert reprint.read_bytes() == v1.read_bytes()
    newest = tmp_path / "newest.pdf"
    assert main([*db, "schedule-pdf", approved, "--out", str(newest)]) == 0
    assert newest.read_bytes() == v2.read_bytes()
    assert main([*db, "schedule-pdf", approved, "--version", "3", "--out", str(newest)]) == 3
    assert "there is no version 3" in capsys.readouterr().err
    assert main([*db, "issue-schedules"]) == 0
    assert "0 schedule(s) issued" in capsys.readouterr().out


def test_issue_schedules_needs_a_kcsac_user(decided, db_path, capsys) -> None:
    # The OS account running the tests is not a kcsac user here.
    assert kcsac_main(["--db", str(db_path), "issue-schedules"]) == 3
    assert "only a kcsac user can issue schedules" in capsys.readouterr().err
