"""FieldMessages: shows each input problem in the message label next to its field."""

from collections.abc import Iterable

from PySide6.QtWidgets import QLabel, QWidget

from kcsac.domain.problems import Problem


class FieldMessages:
    """Maps field keys to the `<key>_message` labels of a form; empty labels are hidden."""

    def __init__(self, form: QWidget, keys: Iterable[str]) -> None:
        self._labels: dict[str, QLabel] = {}
        for key in keys:
            label = form.findChild(QLabel, f"{key}_message")
            if label is None:
                raise LookupError(f"form {form.objectName()!r} has no label {key}_message")
            label.setProperty("role", "message")
            label.setVisible(False)
            self._labels[key] = label

    def show(self, problems: Iterable[Problem]) -> bool:
        """Show these problems (and clear every other field); True when there were none."""
        by_field: dict[str, list[str]] = {}
        for problem in problems:
            key = problem.field if problem.field in self._labels else next(iter(self._labels))
            by_field.setdefault(key, []).append(str(problem))
        for key, label in self._labels.items():
            text = "\n".join(by_field.get(key, []))
            label.setText(text)
            label.setVisible(bool(text))
            label.setAccessibleDescription(text)
        return not by_field

    def keys(self) -> tuple[str, ...]:
        return tuple(self._labels)

    def text(self, key: str) -> str:
        return self._labels[key].text()

    def all_text(self) -> str:
        return "\n".join(label.text() for label in self._labels.values() if label.text())
