"""PaperworkDialog: mark the paperwork that arrived after the application was submitted."""

import dataclasses

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QWidget

from kcsac.domain.records import ApplicationDetail
from kcsac.operations.intake import update_application
from kcsac.ui.desk_context import DeskContext
from kcsac.ui.form_dialog import FormDialog
from kcsac.ui.forms import child
from kcsac.ui.wizard.category_fields import CATEGORY_PAPERWORK


class PaperworkDialog(FormDialog):
    """The wizard's checklist form; saving says which paperwork arrived (the audit reason,
    worded as it always was: "documents received: ...")."""

    def __init__(
        self, context: DeskContext, detail: ApplicationDetail, parent: QWidget | None = None
    ) -> None:
        app = detail.application
        super().__init__(
            context,
            "new_application/paperwork_page",
            title=f"Documents received - {app.number}",
            ok_text="&Save checklist",
            help_topic="paperwork",
            fields=("paperwork",),
            parent=parent,
        )
        self.application = app
        self.paperwork_list = child(self.form, QListWidget, "paperwork_list")
        self.missing_label = child(self.form, QLabel, "missing_label")
        # The file's own names first (they may differ in case from the checklist's), then
        # what the category's checklist adds.
        names = list(app.paperwork)
        known = {name.casefold() for name in names}
        names += [n for n in CATEGORY_PAPERWORK[app.category] if n.casefold() not in known]
        for name in names:
            item = QListWidgetItem(name, self.paperwork_list)
            item.setFlags(
                Qt.ItemFlag.ItemIsEnabled
                | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsUserCheckable
            )
            received = app.paperwork.get(name, False)
            item.setCheckState(Qt.CheckState.Checked if received else Qt.CheckState.Unchecked)
        self.paperwork_list.setCurrentRow(0)
        self.paperwork_list.itemChanged.connect(lambda _item: self._refresh())
        self._refresh()

    def checklist(self) -> dict[str, bool]:
        items = (self.paperwork_list.item(i) for i in range(self.paperwork_list.count()))
        return {item.text(): item.checkState() == Qt.CheckState.Checked for item in items}

    def arrived(self) -> list[str]:
        before = self.application.paperwork
        return [name for name, ok in self.checklist().items() if ok and not before.get(name)]

    def _refresh(self) -> None:
        missing = [name for name, received in self.checklist().items() if not received]
        self.missing_label.setText(", ".join(missing) if missing else "Nothing: all received")
        self.validate()

    def perform(self) -> None:
        arrived = self.arrived()
        withdrawn = [
            name
            for name, ok in self.checklist().items()
            if not ok and self.application.paperwork.get(name)
        ]
        parts = []
        if arrived:
            parts.append("received: " + ", ".join(arrived))
        if withdrawn:
            parts.append("unmarked: " + ", ".join(withdrawn))
        update_application(
            self.context.store,
            self.context.user,
            dataclasses.replace(self.application, paperwork=self.checklist()),
            reason="documents " + "; ".join(parts) if parts else "documents checklist saved",
            today=self.context.today(),
        )
