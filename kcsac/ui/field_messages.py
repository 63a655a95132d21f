"""FieldMessages: shows each input problem in the message label next to its field."""

from collections.abc import Iterable

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QFormLayout, QLabel, QWidget

from kcsac.domain.problems import Problem

MESSAGE_COLOR = QColor("#a1001a")  # dark red: 7.4:1 on white (WCAG AA for small text)
GOOD_COLOR = QColor("#1e6b1e")  # dark green, for "saved" notes


def mark_as_message(label: QLabel, color: QColor = MESSAGE_COLOR) -> QLabel:
    """Colour a label as a message (a palette, not a style sheet: an application-wide
    style sheet makes every widget of the desk slower to build and paint)."""
    label.setProperty("role", "message")
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, color)
    label.setPalette(palette)
    return label


def show_message(label: QLabel, text: str) -> None:
    """Set a message label; an empty one hides its whole form row (no gap is left)."""
    label.setText(text)
    label.setAccessibleDescription(text)
    parent = label.parentWidget()
    form = _form_layout_of(label, parent) if parent is not None else None
    if form is not None:
        form.setRowVisible(label, bool(text))
    else:
        label.setVisible(bool(text))


def _form_layout_of(label: QLabel, parent: QWidget) -> QFormLayout | None:
    for layout in parent.findChildren(QFormLayout):
        if layout.indexOf(label) >= 0:
            return layout
    layout = parent.layout()
    if isinstance(layout, QFormLayout) and layout.indexOf(label) >= 0:
        return layout
    return None


class FieldMessages:
    """Maps field keys to the `<key>_message` labels of a form; empty labels are hidden."""

    def __init__(self, form: QWidget, keys: Iterable[str]) -> None:
        self._labels: dict[str, QLabel] = {}
        for key in keys:
            label = form.findChild(QLabel, f"{key}_message")
            if label is None:
                raise LookupError(f"form {form.objectName()!r} has no label {key}_message")
            mark_as_message(label)
            show_message(label, "")
            self._labels[key] = label

    def show(self, problems: Iterable[Problem]) -> bool:
        """Show these problems (and clear every other field); True when there were none."""
        by_field: dict[str, list[str]] = {}
        for problem in problems:
            key = problem.field if problem.field in self._labels else next(iter(self._labels))
            by_field.setdefault(key, []).append(str(problem))
        for key, label in self._labels.items():
            text = "\n".join(by_field.get(key, []))
            if text != label.text() or not text:
                show_message(label, text)
        return not by_field

    def keys(self) -> tuple[str, ...]:
        return tuple(self._labels)

    def text(self, key: str) -> str:
        return self._labels[key].text()

    def all_text(self) -> str:
        return "\n".join(label.text() for label in self._labels.values() if label.text())
