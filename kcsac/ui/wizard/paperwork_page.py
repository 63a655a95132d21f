"""PaperworkPage: the checklist of the paperwork the chosen category needs."""

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem

from kcsac.ui.forms import child
from kcsac.ui.wizard.application_draft import ApplicationDraft
from kcsac.ui.wizard.category_fields import CATEGORY_PAPERWORK
from kcsac.ui.wizard.form_page import FormPage


class PaperworkPage(FormPage):
    """Missing paperwork does not block submission: the file lists it until it arrives."""

    help_topic = "paperwork"

    def __init__(self, draft: ApplicationDraft) -> None:
        super().__init__("paperwork_page", "Documents", "What came with the application.")
        self._draft = draft
        self.paperwork_list = child(self.form, QListWidget, "paperwork_list")
        self.missing_label = child(self.form, QLabel, "missing_label")
        self.paperwork_list.itemChanged.connect(self._on_paperwork_list_item_changed)

    def initializePage(self) -> None:
        names = CATEGORY_PAPERWORK[self._draft.category]
        self.paperwork_list.blockSignals(True)
        self.paperwork_list.clear()
        for name in names:
            item = QListWidgetItem(name, self.paperwork_list)
            item.setFlags(
                Qt.ItemFlag.ItemIsEnabled
                | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsUserCheckable
            )
            received = self._draft.paperwork.get(name, False)
            item.setCheckState(Qt.CheckState.Checked if received else Qt.CheckState.Unchecked)
        self.paperwork_list.blockSignals(False)
        self.paperwork_list.setCurrentRow(0)
        self._refresh()

    def validatePage(self) -> bool:
        self.write_draft()
        return True

    def write_draft(self) -> None:
        if self.paperwork_list.count():
            # A stored document this category does not list (an older draft's, another
            # category's) is kept as it was: what arrived stays on file.
            names = set(CATEGORY_PAPERWORK[self._draft.category])
            kept = {k: v for k, v in self._draft.paperwork.items() if k not in names}
            self._draft.paperwork = kept | self.checklist()

    def checklist(self) -> dict[str, bool]:
        items = (self.paperwork_list.item(i) for i in range(self.paperwork_list.count()))
        return {item.text(): item.checkState() == Qt.CheckState.Checked for item in items}

    @Slot(QListWidgetItem)
    def _on_paperwork_list_item_changed(self, _item: QListWidgetItem) -> None:
        self._refresh()

    def _refresh(self) -> None:
        missing = [name for name, received in self.checklist().items() if not received]
        self.missing_label.setText(", ".join(missing) if missing else "Nothing: all received")
