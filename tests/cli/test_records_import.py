"""`kcsac import accounts|consumption`: validate everything first, exact lines, idempotent."""

import csv

import pytest

from kcsac.app import main
from kcsac.storage import open_store

ACCOUNTS = (
    "account,customer,service_address,account_class,customer_class\n"
    "1000-01,Acme Car Wash,1200 Main St,commercial,resident\n"
    '1000-02,"Suds, Inc.",14 Grand Blvd,industrial,nonresident-direct\n'
)


@pytest.fixture
def db(tmp_path):
    return tmp_path / "kcsac.db"


def run(*args: str) -> int:
    return main(list(args))


def test_accounts_import_and_reimport_is_idempotent(tmp_path, db, capsys):
    f = tmp_path / "accounts.csv"
    f.write_text(ACCOUNTS)
    assert run("import", "accounts", str(f), "--db", str(db)) == 0
    assert "2 added, 0 changed, 0 unchanged" in capsys.readouterr().out
    assert run("import", "accounts", str(f), "--db", str(db)) == 0
    assert "0 added, 0 changed, 2 unchanged" in capsys.readouterr().out
    store = open_store(db)
    assert store.get_account("1000-02").customer == "Suds, Inc."
    audit_rows = [e for e in store.audit_events() if e.entity == "account"]
    assert len(audit_rows) == 2  # the second import wrote nothing
    store.close()


def test_bad_rows_import_nothing_and_name_line_and_column(tmp_path, db, capsys):
    f = tmp_path / "accounts.csv"
    f.write_text(
        ACCOUNTS
        + "1000-03,Bad Class Co,1 Elm St,commercial,martian\n"
        + '1000-04,"Two\nLine Name",,residential,resident\n'
        + "1000-05,Okay Co,2 Elm St,commercial,resident\n"
    )
    assert run("import", "accounts", str(f), "--db", str(db)) == 4
    first, *err = capsys.readouterr().err.splitlines()
    # The first command on a new database made the OS account its administrator, and says
    # how to set their password.
    assert first.startswith("kcsac: first start: ")
    assert "kcsac user set-password" in first
    assert (
        f"{f}:line 4, column 5 (customer_class): customer class 'martian' is not one of "
        in (err[0][: err[0].index("one of ") + 7])
    )
    # The quoted name spans lines 5 and 6; the row starts on line 5.
    assert err[1].startswith(f"{f}:line 5, column 3 (service_address)")
    assert "nothing was imported" in err[-1]
    store = open_store(db)
    assert store.list_accounts() == []
    store.close()


def test_skip_bad_imports_the_good_rows_and_writes_rejects(tmp_path, db, capsys):
    f = tmp_path / "accounts.csv"
    f.write_text(ACCOUNTS + "1000-03,Bad Class Co,1 Elm St,shed,resident\n")
    rejects = tmp_path / "rejects.csv"
    assert (
        run("import", "accounts", str(f), "--skip-bad", "--rejects", str(rejects), "--db", str(db))
        == 0
    )
    assert "2 added" in capsys.readouterr().out
    rows = list(csv.reader(rejects.read_text().splitlines()))
    assert rows[0][-2:] == ["line", "problem"]
    assert rows[1][:5] == ["1000-03", "Bad Class Co", "1 Elm St", "shed", "resident"]
    assert rows[1][5] == "4"
    assert "account class 'shed'" in rows[1][6]


def test_consumption_for_unknown_account_is_an_error(tmp_path, db, capsys):
    accounts = tmp_path / "accounts.csv"
    accounts.write_text(ACCOUNTS)
    assert run("import", "accounts", str(accounts), "--db", str(db)) == 0
    f = tmp_path / "use.csv"
    f.write_text(
        "account,period_start,period_end,ccf\n"
        "1000-01,2026-06-01,2026-06-30,96\n"
        "9999-99,2026-06-01,2026-06-30,10\n"
        "1000-01,2026-07-01,2026-06-30,abc\n"
        "1000-02,2026-06-01,2026-06-30,12.5\n"
        "1000-02,2026-07-01,2026-07-31,1e3\n"
    )
    capsys.readouterr()
    assert run("import", "consumption", str(f), "--db", str(db)) == 4
    err = capsys.readouterr().err
    assert "line 3, column 1 (account): account '9999-99' is not in kcsac" in err
    assert "line 4, column 3 (period_end): the period ends (2026-06-30) before it starts" in err
    assert "line 4, column 4 (ccf): 'abc' is not a volume" in err
    assert "line 6, column 4 (ccf): '1e3' is not a volume in ccf (a number written out" in err
    f.write_text(
        "account,period_start,period_end,ccf\n"
        "1000-01,2026-06-01,2026-06-30,96\n"
        "1000-02,2026-06-01,2026-06-30,12.5\n"
    )
    assert run("import", "consumption", str(f), "--db", str(db)) == 0
    assert run("import", "consumption", str(f), "--db", str(db)) == 0
    assert "0 added, 0 changed, 2 unchanged" in capsys.readouterr().out
    store = open_store(db)
    [period] = store.consumption("1000-02")
    assert str(period.ccf) == "12.5"
    store.close()


def test_overlapping_periods_are_refused(tmp_path, db, capsys):
    accounts = tmp_path / "accounts.csv"
    accounts.write_text(ACCOUNTS)
    run("import", "accounts", str(accounts), "--db", str(db))
    f = tmp_path / "use.csv"
    f.write_text(
        "account,period_start,period_end,ccf\n"
        "1000-01,2026-06-01,2026-06-30,96\n1000-01,2026-06-15,2026-07-14,90\n"
    )
    assert run("import", "consumption", str(f), "--db", str(db)) == 4
    assert "line 3, column 2 (period_start): the period 2026-06-15..2026-07-14 overlaps" in (
        capsys.readouterr().err
    )


def test_file_problems_exit_1(tmp_path, db, capsys):
    assert run("import", "accounts", str(tmp_path / "missing.csv"), "--db", str(db)) == 1
    assert "no such file" in capsys.readouterr().err
    bad_header = tmp_path / "h.csv"
    bad_header.write_text("acct,name\n1,2\n")
    assert run("import", "accounts", str(bad_header), "--db", str(db)) == 1
    assert "line 1: the header lacks" in capsys.readouterr().err
    latin = tmp_path / "latin.csv"
    latin.write_bytes(
        b"account,customer,service_address,account_class,customer_class\n"
        b"1,Caf\xe9,x,commercial,resident\n"
    )
    assert run("import", "accounts", str(latin), "--db", str(db)) == 1
    assert "not UTF-8" in capsys.readouterr().err


def test_usage_error_exits_2(db):
    with pytest.raises(SystemExit) as caught:
        run("import", "accounts", "--db", str(db))
    assert caught.value.code == 2


def test_a_large_file_reports_and_rejects_as_a_small_one(tmp_path, capsys, monkeypatch):
    """The bulk path (files above consumption.BULK_LINES lines) prints the same messages and
    writes the same reject file as the small path."""
    from kcsac.operations.imports import consumption

    f = tmp_path / "use.csv"
    f.write_text(
        "account,period_start,period_end,ccf\n"
        "1000-01,2026-06-01,2026-06-30,96\n"
        "9999-99,2026-06-01,2026-06-30,10\n"
        '1000-01,2026-07-01,"2026-06-30",abc\n'
        "1000-02,2026-06-01,2026-06-30,12.5\n"
        "1000-02,2026-06-15,2026-07-14,3\n"
    )
    found = []
    for bulk_from in (10**9, 0):
        monkeypatch.setattr(consumption, "BULK_LINES", bulk_from)
        db = tmp_path / f"{bulk_from}.db"
        accounts = tmp_path / "accounts.csv"
        accounts.write_text(ACCOUNTS)
        assert run("import", "accounts", str(accounts), "--db", str(db)) == 0
        capsys.readouterr()
        assert run("import", "consumption", str(f), "--db", str(db)) == 4
        refused = capsys.readouterr().err
        rejects = tmp_path / f"{bulk_from}.rejects.csv"
        args = ("--skip-bad", "--rejects", str(rejects), "--db", str(db))
        assert run("import", "consumption", str(f), *args) == 0
        out = capsys.readouterr()
        found.append((refused, out.out.replace(str(rejects), "REJECTS"), rejects.read_text()))
    assert found[0] == found[1]
    refused, out, rejects = found[0]
    assert "line 3, column 1 (account): account '9999-99' is not in kcsac" in refused
    assert "line 6, column 2 (period_start): the period 2026-06-15..2026-07-14 overlaps" in (
        refused
    )
    assert "consumption: 2 added, 0 changed, 0 unchanged" in out
    assert len(list(csv.reader(rejects.splitlines()))) == 4  # header and three bad rows
