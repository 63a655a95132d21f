"""Desk fixtures: a real store file with a clerk, a reviewer and a director, and a fixed day."""

import datetime as dt

import pytest

from kcsac.domain.records import User
from kcsac.domain.roles import Role
from kcsac.ui.desk_context import DeskContext

TODAY = dt.date(2026, 8, 20)


def add_user(store, login: str, role: Role, name: str) -> User:
    return store.insert_user(User(login=login, name=name, title=role.label, role=role), "test")


@pytest.fixture
def clerk(store) -> User:
    return add_user(store, "cclerk", Role.CLERK, "Casey Clerk")


@pytest.fixture
def reviewer(store) -> User:
    return add_user(store, "rreview", Role.REVIEWER, "Robin Reviewer")


@pytest.fixture
def desk(store, db_path, clerk) -> DeskContext:
    """The desk as the clerk sees it."""
    return DeskContext(store=store, user=clerk, today=lambda: TODAY, db_path=db_path)


@pytest.fixture
def reviewer_desk(store, db_path, reviewer) -> DeskContext:
    return DeskContext(store=store, user=reviewer, today=lambda: TODAY, db_path=db_path)


@pytest.fixture
def people(store, today):
    """Ada the administrator, Carl the clerk, Rita the reviewer, Dora the director (both
    with the signing password): tests/ui/decision_factories.seed_people."""
    from tests.ui.decision_factories import seed_people

    return seed_people(store, today)
