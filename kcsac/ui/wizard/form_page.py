"""FormPage: a wizard page whose fields come from a forms/*.ui file, with F1 help."""

from PySide6.QtWidgets import QVBoxLayout, QWizardPage

from kcsac.ui.forms import load_form


class FormPage(QWizardPage):
    """Loads `forms/new_application/<form_name>.ui` into itself; `help_topic` names its F1 help."""

    help_topic = "desk"

    def __init__(self, form_name: str, title: str, subtitle: str = "") -> None:
        super().__init__()
        self.setObjectName(form_name)
        self.setTitle(title)
        if subtitle:
            self.setSubTitle(subtitle)
        self.form = load_form(f"new_application/{form_name}", self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.form)
