"""The desk's list model over real rows: paging as the view scrolls, sorting in SQL."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester

from kcsac.domain.category import Category
from kcsac.operations import queries
from kcsac.operations.intake import create_application, submit_application
from kcsac.ui.applications_table_model import COLUMNS, ApplicationsTableModel
from tests.ui.desk_factories import RECEIVED, make_account

CUSTOMERS = ("Zephyr Laundry", "Acme Car Wash", "Midtown Cooling", "Bluebird Bottling")
# An ownership change needs an approved credit to move (ownership.record_ownership_change).
CATEGORIES = [c for c in Category if c is not Category.OWNERSHIP_CHANGE]


@pytest.fixture
def seeded(store, clerk):
    """120 applications on four accounts, the last of them drafts."""
    for i, customer in enumerate(CUSTOMERS):
        make_account(store, clerk, f"700000{i}-001", customer=customer, address=f"{i + 1} Oak St")
    for n in range(120):
        account = f"700000{n % 4}-001"
        app = create_application(
            store, clerk, account=account, category=CATEGORIES[n % len(CATEGORIES)], today=RECEIVED
        )
        if n < 100:
            submit_application(store, clerk, app.number, received_on=RECEIVED, today=RECEIVED)
    return store


def fetcher(store, queue=queries.ALL, search=""):
    def fetch(sort, descending, offset, limit):
        return queries.list_applications(
            store, queue, search, sort, descending=descending, limit=limit, offset=offset
        )

    return fetch


@pytest.fixture
def model(qapp, seeded, monkeypatch):
    monkeypatch.setattr(ApplicationsTableModel, "PAGE_SIZE", 50)
    m = ApplicationsTableModel(fetcher(seeded))
    QAbstractItemModelTester(m, QAbstractItemModelTester.FailureReportingMode.Fatal)
    return m


def test_rows_come_a_page_at_a_time(qapp, seeded, monkeypatch):
    monkeypatch.setattr(ApplicationsTableModel, "PAGE_SIZE", 50)
    model = ApplicationsTableModel(fetcher(seeded))  # no tester here: it fetches everything
    assert model.rowCount() == 50
    assert model.canFetchMore()
    model.fetchMore()
    model.fetchMore()
    assert model.rowCount() == 120
    assert not model.canFetchMore()
    assert model.index(0, 0).data() == "SAC-2026-0001"
    assert model.index(119, 0).data() == "SAC-2026-0120"


def test_cells_show_the_summary_and_the_row_role_gives_it(model):
    first = model.index(0, 0).data(ApplicationsTableModel.ROW_ROLE)
    texts = [model.index(0, c).data() for c in range(model.columnCount())]
    assert texts == [
        "SAC-2026-0001",
        "7000000-001",
        "Zephyr Laundry",
        "1 Oak St",
        "Car wash",
        "2026-08-03",
        "$250.00",
        "Awaiting fee",
        "",
    ]
    assert first.number == "SAC-2026-0001"
    assert model.index(0, 6).data(Qt.ItemDataRole.TextAlignmentRole) & int(
        Qt.AlignmentFlag.AlignRight
    )
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(len(COLUMNS))] == [
        "Number",
        "Account",
        "Customer",
        "Service address",
        "Category",
        "Received",
        "Fee balance",
        "Status",
        "Effective",
    ]


def test_sorting_asks_the_query_again(model):
    model.sort(2, Qt.SortOrder.AscendingOrder)  # customer
    assert model.index(0, 2).data() == "Acme Car Wash"
    model.sort(2, Qt.SortOrder.DescendingOrder)
    assert model.index(0, 2).data() == "Zephyr Laundry"
    assert model.sort_key == ("customer", True)
    model.sort(6, Qt.SortOrder.DescendingOrder)  # fee balance, biggest first
    assert model.index(0, 6).data() == "$1,250.00"


def test_a_search_and_a_queue_change_the_rows(model, seeded):
    model.set_fetch_page(fetcher(seeded, search="bluebird"))
    model.fetchMore()
    assert model.rowCount() == 30
    assert {model.index(r, 2).data() for r in range(30)} == {"Bluebird Bottling"}
    model.set_fetch_page(fetcher(seeded, queue="draft"))
    assert model.rowCount() == 20
    assert model.index(0, 6).data() == "no fee set"
    assert model.row_of("SAC-2026-0101") == 0
