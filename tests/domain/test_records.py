"""The records' own comparisons."""

import dataclasses

from kcsac.domain.category import Category
from kcsac.domain.records import SacApplication
from kcsac.domain.status import Status


def test_same_facts_leaves_out_only_the_stored_bookkeeping():
    app = SacApplication(
        "SAC-2026-0001", Category.CAR_WASH, Status.DRAFT, "1000-01", paperwork={"site plan": True}
    )
    saved_again = dataclasses.replace(app, version=4, updated_by="carl", updated_at="2026-08-03")
    assert app.same_facts(saved_again)
    assert saved_again.same_facts(app)
    for changed in (
        dataclasses.replace(app, status=Status.AWAITING_FEE),
        dataclasses.replace(app, paperwork={"site plan": False}),
        dataclasses.replace(app, details={"bays": "3"}),
        dataclasses.replace(app, paid_cents=100),
    ):
        assert not app.same_facts(changed)
