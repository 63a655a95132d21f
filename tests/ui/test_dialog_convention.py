"""One convention for the dialogs the desk opens on a file: SomeDialog(context, number, parent),
classes imported (never loaded by name), and the UI modules small enough to read."""

import inspect
from pathlib import Path

import pytest

from kcsac.ui.amendment_dialog import AmendmentDialog
from kcsac.ui.approval_dialog import ApprovalDialog
from kcsac.ui.decision_dialog import DecisionDialog
from kcsac.ui.denial_dialog import DenialDialog
from kcsac.ui.determination_dialog import DeterminationDialog
from kcsac.ui.meter_dialog import MeterDialog
from kcsac.ui.ownership_change_dialog import OwnershipChangeDialog
from kcsac.ui.reading_dialog import ReadingDialog
from kcsac.ui.record_payment_dialog import RecordPaymentDialog
from kcsac.ui.reopen_dialog import ReopenDialog
from kcsac.ui.review_dialog import ReviewDialog
from kcsac.ui.revocation_dialog import RevocationDialog
from kcsac.ui.set_fee_dialog import SetFeeDialog
from kcsac.ui.withdraw_prompt import WithdrawPrompt

UI = Path(__file__).resolve().parents[2] / "kcsac" / "ui"
FILE_DIALOGS = (
    RecordPaymentDialog,
    ReviewDialog,
    MeterDialog,
    ReadingDialog,
    DeterminationDialog,
    SetFeeDialog,
    WithdrawPrompt,
    ApprovalDialog,
    DenialDialog,
    AmendmentDialog,
    OwnershipChangeDialog,
    ReopenDialog,
    RevocationDialog,
)
DECISION_DIALOGS = (
    ApprovalDialog,
    DenialDialog,
    AmendmentDialog,
    OwnershipChangeDialog,
    ReopenDialog,
    RevocationDialog,
)


@pytest.mark.parametrize("dialog_class", FILE_DIALOGS, ids=lambda c: c.__name__)
def test_a_file_dialog_takes_the_context_and_the_number(dialog_class):
    parameters = inspect.signature(dialog_class.__init__).parameters
    assert list(parameters) == ["self", "context", "number", "parent"]
    assert parameters["parent"].default is None


@pytest.mark.parametrize("dialog_class", DECISION_DIALOGS, ids=lambda c: c.__name__)
def test_the_decision_dialogs_share_their_base(dialog_class):
    assert issubclass(dialog_class, DecisionDialog)
    assert "__init__" not in vars(dialog_class), "the base reads the file and builds it"


def test_no_ui_module_loads_code_by_name_or_grows_past_600_lines():
    modules = sorted(UI.rglob("*.py"))
    assert len(modules) > 30
    for path in modules:
        text = path.read_text(encoding="utf-8")
        assert "importlib" not in text, path.name
        assert len(text.splitlines()) <= 600, f"{path.name}: {len(text.splitlines())} lines"
