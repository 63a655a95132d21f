"""Documents that arrive after submission: ticked on the file, the audit says which."""

from PySide6.QtCore import Qt

from kcsac.operations import queries
from tests.ui.desk_factories import make_submitted


def test_documents_that_arrive_later_are_ticked_with_an_audited_reason(qtbot, desk, store):
    from kcsac.ui.documents_dialog import DocumentsDialog

    app = make_submitted(store, desk.user)
    dialog = DocumentsDialog(desk, queries.application_detail(store, app.number, desk.user))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.documents_list.item(1).setCheckState(Qt.CheckState.Checked)  # piping diagram
    assert dialog.arrived() == ["Piping diagram"]
    assert "Piping diagram" not in dialog.missing_label.text()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted, dialog.error_label.text()
    stored = store.get_application(app.number)
    assert stored.documents["Piping diagram"] is True
    assert store.timeline(app.number)[-1].reason == "documents received: Piping diagram"
