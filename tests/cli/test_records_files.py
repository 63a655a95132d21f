"""`kcsac demo`, `export`, `backup`, `restore` and `audit verify` on real files."""

import csv
import re
import sqlite3
import subprocess
from decimal import ROUND_HALF_UP, Decimal

import pytest

from kcsac.app import main
from kcsac.domain.status import Status
from kcsac.operations.demo import DEMO_PASSWORD
from kcsac.storage import open_store
from tests.cli.signing_in import as_user


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    assert main(["demo", "--db", str(db)]) == 0
    return db


def test_demo_has_every_category_and_status_and_a_sound_audit(demo_db):
    store = open_store(demo_db)
    rows = store.list_summaries(limit=1000)
    assert {r.status for r in rows} == set(Status)
    assert {r.category.value for r in rows} == {
        "car-wash",
        "laundry",
        "evaporation",
        "irrigation",
        "ownership-change",
        "water-to-product",
        "other",
        "sewer-metering",
    }
    assert 38 <= len(store.list_accounts(limit=1000)) <= 45
    assert str(store.verify_audit()) == "ok"
    director = store.get_user("demo-director")
    assert director.role == "director"
    assert director.has_password
    signed = [d for r in rows for d in store.decisions(r.number) if d.kind.value == "approval"]
    assert signed
    assert all(d.decided_by == "demo-director" for d in signed)
    assert all(d.snapshot_sha256 for d in signed)
    issued = [d for r in rows for d in store.documents(r.number)]
    # Every decision froze its letter: the demo's amended, revoked and ended credits too.
    assert {d.kind for d in issued} == {
        "approval-letter",
        "denial-letter",
        "amendment-letter",
        "revocation-letter",
        "ending-letter",
    }
    store.close()


def test_demo_is_deterministic(tmp_path, demo_db):
    """Every audit row the same but for the sha256 binding each password hash (a password
    hash has a random salt, so its sha256 differs from run to run) and the sha256 of each
    letter, which prints the audit chain's head at issue (a chain that binds those hashes)."""
    again = tmp_path / "again.db"
    assert main(["demo", "--db", str(again)]) == 0

    def trail(db):
        rows = sqlite3.connect(db).execute(
            "SELECT at, actor, action, entity, entity_id, application, before, after, reason "
            "FROM audit ORDER BY seq"
        )
        out = []
        for row in rows:
            values = [re.sub(r'"password_sha256":"[0-9a-f]{64}"', "", str(v)) for v in row]
            if "-letter " in values[2]:  # "approval-letter issued", "... PDF rendered"
                values = [re.sub(r'sha256":"[0-9a-f]{64}"', "", v) for v in values]
            out.append(tuple(values))
        return out

    first, second = trail(demo_db), trail(again)
    assert len(first) > 400
    assert first == second


def test_demo_refuses_a_database_with_data(demo_db, capsys):
    assert main(["demo", "--db", str(demo_db)]) == 3
    assert "new, empty database" in capsys.readouterr().err


def test_export_applications_csv(tmp_path, demo_db):
    out = tmp_path / "apps.csv"
    assert main(["export", "applications", str(out), "--db", str(demo_db)]) == 0
    rows = list(csv.DictReader(out.read_text().splitlines()))
    assert len(rows) == 40
    header = list(rows[0])
    for column in (
        "number",
        "account",
        "customer",
        "category",
        "customer_class",
        "status",
        "received",
        "fee",
        "paid",
        "effective",
    ):
        assert column in header
    approved = next(r for r in rows if r["status"] == "approved" and r["category"] == "car-wash")
    assert approved["fee"] == "250.00"
    assert approved["paid"] == "250.00"
    assert len(approved["effective"]) == 10
    assert approved["effective"][4] == "-"
    draft = next(r for r in rows if r["status"] == "draft")
    assert draft["fee"] == ""
    assert draft["received"] == ""


def test_export_billing_has_a_row_per_credit_and_period(tmp_path, demo_db):
    out = tmp_path / "billing.csv"
    assert main(["export", "billing", str(out), "--db", str(demo_db)]) == 0
    rows = list(csv.DictReader(out.read_text().splitlines()))
    assert rows
    computed = [r for r in rows if r["credit"]]
    assert len(computed) >= len(rows) * 3 // 4
    for r in computed:
        assert r["period_end"] >= r["credit_from"]
        # credit = unadjusted - adjusted, to the cent
        cents = lambda s: int(s.replace(".", ""))  # noqa: E731
        assert cents(r["volume_charge_unadjusted"]) - cents(r["volume_charge"]) == cents(
            r["credit"]
        )
    keys = [(r["application"], r["determination"], r["period_start"]) for r in rows]
    assert len(keys) == len(set(keys))


def test_backup_while_open_and_restore_needs_force(tmp_path, demo_db, capsys):
    holder = open_store(demo_db)  # the app is open on it
    dest = tmp_path / "copy.db"
    assert main(["backup", str(dest), "--db", str(demo_db)]) == 0
    assert main(["backup", str(dest), "--db", str(demo_db)]) == 1
    assert "already exists" in capsys.readouterr().err
    holder.close()
    copy = sqlite3.connect(dest)
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("SELECT count(*) FROM applications").fetchone()[0] == 40
    copy.close()

    target = tmp_path / "target.db"
    open_store(target).close()
    assert main(["restore", str(dest), "--db", str(target)]) == 1
    assert "--force" in capsys.readouterr().err
    assert main(["restore", str(dest), "--force", "--db", str(target)]) == 0
    restored = open_store(target)
    assert restored.queue_counts()["all"] == 40
    assert restored.verify_audit().ok
    restored.close()


def test_restore_checks_the_backup_first(tmp_path, capsys):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 50)
    target = tmp_path / "target.db"
    assert main(["restore", str(junk), "--db", str(target)]) == 1
    assert "not an SQLite database" in capsys.readouterr().err
    assert not target.exists()


def test_audit_verify_prints_ok_or_the_broken_link(tmp_path, demo_db, capsys):
    assert main(["audit", "verify", "--db", str(demo_db)]) == 0
    assert capsys.readouterr().out.strip() == "ok"
    tampered = tmp_path / "tampered.db"
    assert main(["backup", str(tampered), "--db", str(demo_db)]) == 0
    conn = sqlite3.connect(tampered)
    conn.execute("DROP TRIGGER audit_no_update")
    conn.execute("UPDATE audit SET reason = 'nothing to see' WHERE seq = 42")
    conn.commit()
    conn.close()
    capsys.readouterr()
    assert main(["audit", "verify", "--db", str(tampered)]) == 4
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "audit row 42: its contents were changed after it was written"
    assert "schema trigger audit_no_update: is missing (dropped outside kcsac)" in out


def test_auto_backup_keeps_the_last_n(tmp_path, demo_db):
    import datetime as dt

    from kcsac.operations.backups import auto_backup

    store = open_store(demo_db)
    folder = tmp_path / "backups"
    made = [
        auto_backup(store, folder, 3, now=dt.datetime(2026, 10, 30, 8, 0, i, tzinfo=dt.UTC))
        for i in range(5)
    ]
    store.close()
    kept = sorted(p.name for p in folder.iterdir())
    assert kept == sorted(p.name for p in made[-3:])


def test_an_unknown_login_cannot_import_into_a_database_with_users(tmp_path, demo_db, capsys):
    copy = tmp_path / "copy.db"
    assert main(["backup", str(copy), "--db", str(demo_db)]) == 0
    f = tmp_path / "accounts.csv"
    f.write_text(
        "account,customer,service_address,account_class,customer_class\n"
        "7000-01,New Co,1 Elm St,commercial,resident\n"
    )
    capsys.readouterr()
    assert main(["import", "accounts", str(f), "--db", str(copy)]) == 3
    assert "read-only" in capsys.readouterr().err
    store = open_store(copy)
    assert store.find_account("7000-01") is None
    store.close()


def test_backup_into_a_folder_gets_a_dated_name(tmp_path, demo_db, capsys):
    assert main(["backup", str(tmp_path), "--db", str(demo_db)]) == 0
    [made] = tmp_path.glob("kcsac-*.db")
    assert str(made) in capsys.readouterr().out


def test_audit_verify_finds_an_altered_signed_snapshot(tmp_path, demo_db, capsys):
    tampered = tmp_path / "tampered.db"
    assert main(["backup", str(tampered), "--db", str(demo_db)]) == 0
    conn = sqlite3.connect(tampered)
    conn.execute("DROP TRIGGER decisions_no_update")
    conn.execute(
        "UPDATE decisions SET snapshot_json = replace(snapshot_json, 'percentage', 'fixed') "
        "WHERE id = (SELECT min(id) FROM decisions WHERE snapshot_json != '')"
    )
    conn.commit()
    conn.close()
    capsys.readouterr()
    assert main(["audit", "verify", "--db", str(tampered)]) == 4
    assert "its snapshot does not match its sha256" in capsys.readouterr().out


def test_demo_details_use_the_wizards_keys_and_values(demo_db):
    """Every demo application (but ownership changes, filed at the desk) stores exactly the
    wizard's detail fields for its category, each with a value the wizard would take."""
    from kcsac.ui.wizard.category_fields import CATEGORY_FIELDS, check_value

    store = open_store(demo_db)
    try:
        checked = 0
        for summary in store.list_summaries(limit=1000):
            app = store.get_application(summary.number)
            if app.category.value == "ownership-change":
                continue
            fields = CATEGORY_FIELDS[app.category]
            assert set(app.details) == {f.key for f in fields}, app.number
            for spec in fields:
                assert check_value(spec, app.details[spec.key]) == "", (app.number, spec.key)
            checked += 1
        assert checked >= 30
    finally:
        store.close()


def test_demo_schedule_pdf_and_billing_export_agree_on_a_metered_credit(
    tmp_path, demo_db, monkeypatch
):
    """The trial's steps: the sewer-metered credit's first (part) period has the same D, B
    and credit in the billing export and in the schedule PDF sent to the customer."""
    db = tmp_path / "demo.db"
    db.write_bytes(demo_db.read_bytes())
    out = tmp_path / "billing.csv"
    assert main(["export", "billing", str(out), "--db", str(db)]) == 0
    rows = list(csv.DictReader(out.read_text().splitlines()))
    first = next(r for r in rows if r["method"] == "sewer-meter" and "/" in r["factor"])
    director = as_user(monkeypatch, "demo-director", DEMO_PASSWORD)  # as the README says
    pdf = tmp_path / "s.pdf"
    schedule = ["schedule-pdf", first["application"], "--issue", "--out", str(pdf), "--db", str(db)]
    assert main([*director, *schedule]) == 0
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    line = next(ln for ln in text.splitlines() if ln.strip().startswith(first["period_start"]))
    cells = line.split()

    def two(value: str) -> str:
        return f"{Decimal(value).quantize(Decimal('0.01'), ROUND_HALF_UP):,}"

    assert two(first["diverted_ccf"]) in cells
    assert two(first["billed_ccf"]) in cells
    assert cells[-1] == f"${Decimal(first['credit']):,}"
    assert Decimal(first["credit"]) > 0


def test_backup_prints_the_chain_head_it_holds_and_verify_checks_it(tmp_path, demo_db, capsys):
    dest = tmp_path / "anchor.db"
    assert main(["backup", str(dest), "--db", str(demo_db)]) == 0
    out = capsys.readouterr().out
    [line] = [x for x in out.splitlines() if x.startswith("audit chain head ")]
    head = line.split()[3].rstrip(":")
    store = open_store(demo_db, read_only=True)
    assert head == store.audit_head().short
    store.close()
    assert main(["audit", "verify", "--head", head, "--db", str(demo_db)]) == 0
    assert capsys.readouterr().out.strip() == "ok"
