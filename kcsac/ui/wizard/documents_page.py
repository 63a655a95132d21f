"""DocumentsPage: the checklist of documents the chosen category needs."""

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem

from kcsac.ui.forms import child
from kcsac.ui.wizard.application_draft import ApplicationDraft
from kcsac.ui.wizard.category_fields import CATEGORY_DOCUMENTS
from kcsac.ui.wizard.form_page import FormPage


class DocumentsPage(FormPage):
    """Missing documents do not block submission: the file lists them until they arrive."""

    help_topic = "documents"

    def __init__(self, draft: ApplicationDraft) -> None:
        super().__init__("documents_page", "Documents", "What came with the application.")
        self._draft = draft
        self.documents_list = child(self.form, QListWidget, "documents_list")
        self.missing_label = child(self.form, QLabel, "missing_label")
        self.documents_list.itemChanged.connect(self._on_documents_list_item_changed)

    def initializePage(self) -> None:
        names = CATEGORY_DOCUMENTS[self._draft.category]
        self.documents_list.blockSignals(True)
        self.documents_list.clear()
        for name in names:
            item = QListWidgetItem(name, self.documents_list)
            item.setFlags(
                Qt.ItemFlag.ItemIsEnabled
                | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsUserCheckable
            )
            received = self._draft.documents.get(name, False)
            item.setCheckState(Qt.CheckState.Checked if received else Qt.CheckState.Unchecked)
        self.documents_list.blockSignals(False)
        self.documents_list.setCurrentRow(0)
        self._refresh()

    def validatePage(self) -> bool:
        self.write_draft()
        return True

    def write_draft(self) -> None:
        if self.documents_list.count():
            # A stored document this category does not list (an older draft's, another
            # category's) is kept as it was: what arrived stays on file.
            names = set(CATEGORY_DOCUMENTS[self._draft.category])
            kept = {k: v for k, v in self._draft.documents.items() if k not in names}
            self._draft.documents = kept | self.checklist()

    def checklist(self) -> dict[str, bool]:
        items = (self.documents_list.item(i) for i in range(self.documents_list.count()))
        return {item.text(): item.checkState() == Qt.CheckState.Checked for item in items}

    @Slot(QListWidgetItem)
    def _on_documents_list_item_changed(self, _item: QListWidgetItem) -> None:
        self._refresh()

    def _refresh(self) -> None:
        missing = [name for name, received in self.checklist().items() if not received]
        self.missing_label.setText(", ".join(missing) if missing else "Nothing: all received")
