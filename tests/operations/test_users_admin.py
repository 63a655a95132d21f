"""Users, roles, passwords and administration settings, each audited (issue 6)."""

import dataclasses

import pytest

from kcsac.operations import admin, users
from kcsac.operations.errors import InvalidInput, NotPermitted, WrongPassword
from tests.operations.conftest import PASSWORD


def test_first_start_makes_the_administrator_once(store, today):
    first = users.ensure_first_admin(store, "ada", today)
    assert first.role == "administrator"
    assert users.ensure_first_admin(store, "bob", today) is None
    assert users.current_user(store, "ada") == first
    assert users.current_user(store, "stranger") is None  # read-only


def test_passwords_are_salted_scrypt_and_never_in_the_audit(store, people):
    stored = store.password_hash("dora")
    assert stored.startswith("scrypt$")
    assert PASSWORD not in stored
    users.set_own_password(store, people.clerk, PASSWORD)
    assert store.password_hash("carl") != stored  # a different salt
    audit_text = " ".join(e.before + e.after + e.reason for e in store.audit_events(limit=9999))
    assert PASSWORD not in audit_text
    assert "scrypt$" not in audit_text
    assert "password set" in [e.action for e in store.audit_events(entity="user")]


def test_changing_a_password_needs_the_old_one(store, people):
    with pytest.raises(WrongPassword):
        users.set_own_password(store, people.director, "new password 1")
    with pytest.raises(WrongPassword):
        users.set_own_password(store, people.director, "new password 1", old_password="nope")
    users.set_own_password(store, people.director, "new password 1", old_password=PASSWORD)
    users.check_password(store, people.director, "new password 1")
    with pytest.raises(InvalidInput, match="at least 8"):
        users.set_own_password(store, people.clerk, "short")


def test_only_the_administrator_manages_users(store, people, today):
    with pytest.raises(NotPermitted):
        users.add_user(
            store,
            people.director,
            login="x",
            name="X",
            title="",
            role="clerk",
            password=PASSWORD,
            today=today,
        )
    promoted = users.change_user(
        store,
        people.admin,
        dataclasses.replace(people.clerk, role="reviewer"),
        reason="passed the course",
        password=PASSWORD,
        today=today,
    )
    assert promoted.role == "reviewer"
    event = store.audit_events(entity="user")[-1]
    assert event.reason == "passed the course"
    assert '"role":"reviewer"' in event.after
    with pytest.raises(InvalidInput, match="at least one active administrator"):
        users.change_user(
            store,
            people.admin,
            dataclasses.replace(people.admin, role="clerk"),
            password=PASSWORD,
            today=today,
        )


def test_password_reset_by_the_administrator(store, people, today):
    with pytest.raises(NotPermitted):
        users.reset_password(
            store, people.director, "rita", "brand new pw", password=PASSWORD, today=today
        )
    users.reset_password(
        store, people.admin, "rita", "brand new pw", password=PASSWORD, today=today
    )
    users.check_password(store, people.reviewer, "brand new pw")
    assert store.audit_events(entity="user")[-1].action.startswith("password reset")


def test_surcharge_limits_need_a_citation_and_are_audited(store, people, today):
    assert admin.surcharge_limits(store) is None  # kcsac ships none
    with pytest.raises(NotPermitted):
        admin.set_surcharge_limits(
            store, people.director, bod="300", ss="300", og="100", citation="art. IV", today=today
        )
    with pytest.raises(InvalidInput, match="Cite"):
        admin.set_surcharge_limits(
            store, people.admin, bod="300", ss="300", og="100", citation=" ", today=today
        )
    with pytest.raises(InvalidInput, match="not a number"):
        admin.set_surcharge_limits(
            store,
            people.admin,
            bod="lots",
            ss="300",
            og="100",
            citation="Code ch. 60, art. IV",
            today=today,
        )
    admin.set_surcharge_limits(
        store,
        people.admin,
        bod="300",
        ss="300",
        og="100",
        citation="Code ch. 60, art. IV",
        today=today,
    )
    limits = admin.surcharge_limits(store)
    assert (limits.bod, limits.og, limits.citation) == (300, 100, "Code ch. 60, art. IV")
    assert store.audit_events(entity="setting")[-1].entity_id == admin.SURCHARGE_LIMITS_KEY


def test_backup_settings(store, people, today, tmp_path):
    assert admin.backup_settings(store).keep == admin.DEFAULT_BACKUP_KEEP
    with pytest.raises(InvalidInput):
        admin.set_backup_settings(
            store, people.admin, folder=tmp_path / "nope", keep=5, today=today
        )
    admin.set_backup_settings(store, people.admin, folder=tmp_path, keep=2, today=today)
    settings = admin.backup_settings(store)
    assert settings.folder == tmp_path
    assert settings.keep == 2
    from kcsac.operations.backups import auto_backup

    made = [auto_backup(store) for _ in range(3)]  # same second: -1, -2 suffixes
    assert sorted(tmp_path.glob("kcsac-*.db")) == sorted(made[-2:])
