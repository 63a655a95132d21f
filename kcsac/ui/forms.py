"""Loading Qt Designer forms from forms/ and typed access to their named widgets."""

from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QFile, QIODevice, QObject
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import QWidget

from kcsac import paths

W = TypeVar("W", bound=QObject)


class FormError(Exception):
    """A form file is missing or lacks a widget the code needs (names the form and widget)."""


def form_path(name: str) -> Path:
    """`forms/<name>.ui`; `name` may contain a sub-folder (`new_application/account_page`)."""
    return paths.FORMS_DIR / f"{name}.ui"


def load_form(name: str, parent: QWidget | None = None) -> QWidget:
    """Load `forms/<name>.ui` into a new widget, parented to `parent` if given."""
    path = form_path(name)
    if not path.is_file():
        raise FormError(f"form {name!r}: {path} does not exist")
    file = QFile(str(path))
    if not file.open(QIODevice.OpenModeFlag.ReadOnly):
        raise FormError(f"form {name!r}: cannot read {path}")
    try:
        loader = QUiLoader()
        widget = loader.load(file, parent)
    finally:
        file.close()
    if widget is None:
        raise FormError(f"form {name!r}: {loader.errorString()}")
    widget.setProperty("form_name", name)
    return widget


def child(form: QObject, kind: type[W], name: str) -> W:
    """The widget `name` of type `kind` inside `form`, or a FormError naming both."""
    found = form.findChild(kind, name)
    if found is None:
        form_name = form.property("form_name") or form.objectName()
        raise FormError(f"form {form_name!r} has no {kind.__name__} named {name!r}")
    return found
