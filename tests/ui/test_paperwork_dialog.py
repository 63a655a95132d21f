"""Documents that arrive after submission: ticked on the file, the audit says which."""

from PySide6.QtCore import Qt

from kcsac.operations import queries
from tests.ui.desk_factories import make_submitted


def test_paperwork_that_arrives_later_are_ticked_with_an_audited_reason(qtbot, desk, store):
    from kcsac.ui.paperwork_dialog import PaperworkDialog

    app = make_submitted(store, desk.user)
    dialog = PaperworkDialog(desk, queries.application_detail(store, app.number, desk.user))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.paperwork_list.item(1).setCheckState(Qt.CheckState.Checked)  # piping diagram
    assert dialog.arrived() == ["Piping diagram"]
    assert "Piping diagram" not in dialog.missing_label.text()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted, dialog.error_label.text()
    stored = store.get_application(app.number)
    assert stored.paperwork["Piping diagram"] is True
    assert store.timeline(app.number)[-1].reason == "documents received: Piping diagram"
