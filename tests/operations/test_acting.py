"""The acting user as stored now, and the password of every sensitive act.

A desk (or a script) holds the User it read when it started; each operation reads the acting
user's role and active flag again inside its own transaction, so a demotion or deactivation
saved on another connection takes effect at once. Deny, reopen, revoke, set fee and every
change to users, roles or passwords take the actor's password and check it (WrongPassword),
storing nothing when it is wrong."""

import dataclasses
import datetime as dt

import pytest

from kcsac.domain.status import Status
from kcsac.operations import approvals, backups, users
from kcsac.operations.errors import NotPermitted, WrongPassword
from kcsac.operations.intake import withdraw
from kcsac.operations.payments import set_fee
from kcsac.storage import open_store
from tests.operations.conftest import PASSWORD, make_file


def _demote_and_deactivate(db_path, login: str, today) -> None:
    """The administrator, on another connection (another desk), makes `login` a clerk and
    deactivates them."""
    other = open_store(db_path)
    try:
        admin = other.get_user("ada")
        target = other.get_user(login)
        users.change_user(
            other,
            admin,
            dataclasses.replace(target, role="clerk", active=False),
            password=PASSWORD,
            reason="left the department",
            today=today,
        )
    finally:
        other.close()


def _audit_count(store) -> int:
    return len(store.audit_events(limit=100_000))


def test_a_director_demoted_and_deactivated_elsewhere_cannot_sign(store, db_path, people, today):
    """Issue 13: a desk holding the director read at start could still sign."""
    app = make_file(store, people, today)
    held = people.director  # what an open desk holds
    _demote_and_deactivate(db_path, "dora", today)
    before = _audit_count(store)
    with pytest.raises(NotPermitted, match="You cannot sign approvals: the user dora is deact"):
        approvals.approve(store, held, app.number, password=PASSWORD, today=today)
    with pytest.raises(NotPermitted, match="the user dora is deactivated"):
        approvals.ensure_can_sign(store, held)
    with pytest.raises(NotPermitted, match="the user dora is deactivated"):
        approvals.deny(
            store, held, app.number, reasons=["fee-unpaid"], password=PASSWORD, today=today
        )
    assert store.get_application(app.number).status is Status.AWAITING_DECISION
    assert _audit_count(store) == before


def test_a_demotion_alone_is_named_by_the_role_now_held(store, db_path, people, today):
    app = make_file(store, people, today)
    held = people.director
    other = open_store(db_path)
    users.change_user(
        other,
        other.get_user("ada"),
        dataclasses.replace(other.get_user("dora"), role="clerk"),
        password=PASSWORD,
        today=today,
    )
    other.close()
    with pytest.raises(NotPermitted, match="your role is clerk; only a reviewer"):
        approvals.approve(store, held, app.number, password=PASSWORD, today=today)
    # a clerk's own work still goes through, as the clerk the database says she is now
    withdraw(store, held, app.number, reason="applicant asked", today=today)
    assert store.timeline(app.number)[-1].actor == "dora"


def test_the_check_runs_inside_the_write_transaction(store, people, today, monkeypatch):
    """A deactivation committed after the early check but before the write lock is taken is
    still seen: `acting` reads the user again once the transaction is open."""
    app = make_file(store, people, today)
    calls = []
    real_write = store.write

    def write_after_a_deactivation():
        if not calls:
            calls.append(1)
            store.conn.execute("UPDATE users SET active = 0 WHERE login = 'dora'")
        return real_write()

    monkeypatch.setattr(store, "write", write_after_a_deactivation)
    with pytest.raises(NotPermitted, match="deactivated"):
        approvals.deny(
            store,
            people.director,
            app.number,
            reasons=["fee-unpaid"],
            password=PASSWORD,
            today=today,
        )
    assert store.decisions(app.number) == []


@pytest.mark.parametrize("act", ["deny", "reopen", "revoke", "set_fee"])
def test_every_decision_act_checks_the_password(store, people, today, act):
    director = people.director
    app = make_file(store, people, today, pay=act != "set_fee")
    if act == "reopen":
        approvals.deny(
            store, director, app.number, reasons=["fee-unpaid"], password=PASSWORD, today=today
        )
    if act == "revoke":
        approvals.approve(
            store,
            director,
            app.number,
            password=PASSWORD,
            today=today,
            signed_on=dt.date(2026, 8, 12),
            backdated_reason="paper signature",
        )
    if act == "set_fee":  # a fee the ordinance does not set: none assessed yet
        store.conn.execute(
            "UPDATE applications SET fee_cents = NULL WHERE number = ?", (app.number,)
        )
    run = {
        "deny": lambda pw: approvals.deny(
            store, director, app.number, reasons=["fee-unpaid"], password=pw, today=today
        ),
        "reopen": lambda pw: approvals.reopen(
            store, director, app.number, reason="new facts", password=pw, today=today
        ),
        "revoke": lambda pw: approvals.revoke(
            store,
            director,
            app.number,
            from_on=today,
            reason="no readings",
            password=pw,
            today=today,
        ),
        "set_fee": lambda pw: set_fee(
            store, director, app.number, cents=0, reason="none set", password=pw, today=today
        ),
    }[act]
    before = (store.get_application(app.number), _audit_count(store))
    for wrong in ("", "correct horse ", "guess"):
        with pytest.raises(WrongPassword, match="not correct; nothing was signed or changed"):
            run(wrong)
        assert (store.get_application(app.number), _audit_count(store)) == before
    run(PASSWORD)
    assert _audit_count(store) > before[1]


def test_user_administration_checks_the_administrator_s_password(store, people, today):
    before = (store.users(), _audit_count(store))
    with pytest.raises(WrongPassword):
        users.add_user(
            store,
            people.admin,
            login="new",
            name="New",
            title="",
            role="clerk",
            password="wrong",
            today=today,
        )
    with pytest.raises(WrongPassword):
        users.change_user(
            store,
            people.admin,
            dataclasses.replace(people.clerk, role="director"),
            password="wrong",
            today=today,
        )
    with pytest.raises(WrongPassword):
        users.reset_password(store, people.admin, "carl", "a new one 1", password="", today=today)
    assert (store.users(), _audit_count(store)) == before


def test_a_first_administrator_sets_a_password_before_administering(store, today):
    admin = users.ensure_first_admin(store, "ada", today)
    with pytest.raises(WrongPassword, match="ada has no kcsac password yet; set one first"):
        users.add_user(
            store,
            admin,
            login="carl",
            name="Carl",
            title="",
            role="clerk",
            password="",
            today=today,
        )
    users.set_own_password(store, admin, "ada's password")
    users.add_user(
        store,
        admin,
        login="carl",
        name="Carl",
        title="",
        role="clerk",
        password="ada's password",
        today=today,
    )
    assert store.get_user("carl").role == "clerk"


def test_sign_in_never_says_which_part_was_wrong(store, people):
    for login, password in (("dora", "guess"), ("nobody", PASSWORD), ("carl", "")):
        with pytest.raises(WrongPassword) as refused:
            users.sign_in(store, login, password)
        assert str(refused.value) == "The login or password is not correct."
    assert users.sign_in(store, " dora ", PASSWORD).role == "director"


def test_restore_needs_an_administrator_of_the_database_and_their_password(
    tmp_path, store, db_path, people, today
):
    backup = backups.backup(store, tmp_path / "copy.db")
    store.close()
    with pytest.raises(NotPermitted, match="only a kcsac administrator"):
        backups.restore(backup, db_path, login="dora", password=PASSWORD, force=True)
    with pytest.raises(WrongPassword, match="not correct; nothing was changed"):
        backups.restore(backup, db_path, login="ada", password="guess", force=True)
    assert not list(tmp_path.glob("kcsac-before-restore-*"))
    kept = backups.restore(backup, db_path, login="ada", password=PASSWORD, force=True)
    assert kept is not None
    assert kept.exists()


def test_a_deactivated_login_cannot_issue_documents(store, db_path, people, today):
    """Issuing a document needs an active kcsac user as stored now, not a login the caller
    kept from before."""
    from decimal import Decimal

    from kcsac.domain.records import ConsumptionPeriod
    from kcsac.operations.documents.issuing import schedule_for
    from kcsac.operations.errors import Refused

    app = make_file(store, people, today)
    approvals.approve(store, people.director, app.number, password=PASSWORD, today=today)
    period = ConsumptionPeriod(app.account, dt.date(2026, 8, 1), dt.date(2026, 8, 31), Decimal(96))
    store.put_consumption([period])
    _demote_and_deactivate(db_path, "rita", today)
    with pytest.raises(Refused, match="only a kcsac user can issue it"):
        schedule_for(store, "rita", app.number, today=today)
    assert schedule_for(store, "dora", app.number, today=today).issued_by == "dora"
