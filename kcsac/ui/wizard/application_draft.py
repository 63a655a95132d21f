"""ApplicationDraft: what the new-application wizard has gathered so far (one per wizard)."""

import datetime as dt
from dataclasses import dataclass, field

from kcsac.domain.category import Category
from kcsac.domain.customer_class import AccountClass, CustomerClass


@dataclass
class ApplicationDraft:
    """Mutable on purpose: the pages fill it in as the clerk types; saved after each page."""

    account_number: str = ""
    customer: str = ""
    service_address: str = ""
    account_class: AccountClass = AccountClass.COMMERCIAL
    customer_class: CustomerClass = CustomerClass.RESIDENT
    discharges_to_storm_sewer: bool = False
    category: Category = Category.CAR_WASH
    received_on: dt.date | None = None
    details: dict[str, str] = field(default_factory=dict)
    paperwork: dict[str, bool] = field(default_factory=dict)  # name -> received
    number: str = ""  # SAC-YYYY-NNNN once the draft is stored
    version: int = 0  # the stored draft's version (optimistic locking)
