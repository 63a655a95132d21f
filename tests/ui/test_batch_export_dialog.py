"""BatchExportDialog: folder choice, progress as documents are written, Cancel stops the run."""

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from kcsac.ui.batch_export_dialog import BatchExportDialog

NUMBERS = [f"SAC-2026-{n:04d}" for n in range(1, 7)]


def write_files_exporter(store, *, numbers, folder, actor, today, progress, cancelled):
    """The operation's contract, writing one small file per application (a stand-in for the
    PDF export that keeps this test about the dialog's progress and cancel handling)."""
    written = []
    for done, number in enumerate(numbers, start=1):
        if cancelled():
            break
        path = Path(folder) / f"{number}.txt"
        path.write_text(f"{number} exported by {actor} on {today.isoformat()}\n")
        written.append(path)
        progress(done, len(numbers), number)
    return written


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """The export folder (tmp_path itself holds the database)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def make_dialog(qtbot, store, today, out, export=write_files_exporter):
    dialog = BatchExportDialog(
        store, numbers=NUMBERS, actor="jdoe", today=today, start_dir=out, export=export
    )
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_export_shows_progress_to_the_end(qtbot, store, today, out):
    dialog = make_dialog(qtbot, store, today, out)
    assert "6 applications" in dialog.selection_label.text()
    assert dialog.folder() == out
    seen: list[int] = []
    dialog.progress_bar.valueChanged.connect(seen.append)
    with qtbot.waitSignal(dialog.export_finished) as finished:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert seen == [1, 2, 3, 4, 5, 6]
    assert dialog.progress_bar.value() == dialog.progress_bar.maximum() == 6
    assert dialog.status_label.text() == f"Done: 6 of 6 exported to {out}."
    assert sorted(p.name for p in out.iterdir()) == [f"{n}.txt" for n in NUMBERS]
    assert finished.args[0][0].read_text() == "SAC-2026-0001 exported by jdoe on 2026-08-20\n"
    assert dialog.cancel_button.text() == "&Close"
    assert not dialog.export_button.isEnabled()


def test_cancel_during_the_run_stops_it(qtbot, store, today, out):
    dialog = make_dialog(qtbot, store, today, out)

    def click_cancel_after_two(value: int) -> None:
        if value == 2:  # the user sees "2 of 6" and clicks Cancel
            assert dialog.is_running()
            assert not dialog.export_button.isEnabled()
            qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)

    dialog.progress_bar.valueChanged.connect(click_cancel_after_two)
    with qtbot.waitSignal(dialog.export_finished):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert len(list(out.iterdir())) == 2
    assert dialog.status_label.text() == f"Cancelled: 2 of 6 exported to {out}."
    assert dialog.isVisible()  # cancelling the run does not close the dialog
    assert not dialog.is_running()


def test_escape_during_the_run_cancels_instead_of_closing(qtbot, store, today, out):
    dialog = make_dialog(qtbot, store, today, out)

    def press_escape(value: int) -> None:
        if value == 1:
            qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    dialog.progress_bar.valueChanged.connect(press_escape)
    with qtbot.waitSignal(dialog.export_finished):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert len(list(out.iterdir())) == 1
    assert dialog.isVisible()


def test_a_missing_folder_is_refused_before_anything_runs(qtbot, store, today, out, monkeypatch):
    calls = []

    def exporter(*args, **kwargs):
        calls.append(kwargs)

    warned = []
    monkeypatch.setattr(
        QMessageBox, "warning", staticmethod(lambda parent, title, text: warned.append(text))
    )
    dialog = make_dialog(qtbot, store, today, out, export=exporter)
    dialog.folder_edit.setText(str(out / "nowhere"))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert calls == []
    assert warned == [
        f"The destination folder {out / 'nowhere'} does not exist. Choose an existing folder."
    ]


def test_browse_fills_the_folder_and_an_empty_folder_disables_export(
    qtbot, store, today, out, monkeypatch
):
    chosen = out / "letters"
    chosen.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a: str(chosen)))
    dialog = make_dialog(qtbot, store, today, out)
    qtbot.mouseClick(dialog.browse_button, Qt.MouseButton.LeftButton)
    assert dialog.folder() == chosen
    dialog.folder_edit.clear()
    assert not dialog.export_button.isEnabled()


def test_an_export_error_is_shown_and_the_dialog_can_retry(qtbot, store, today, out, monkeypatch):
    def failing(store, **kwargs):
        kwargs["progress"](1, 6, "SAC-2026-0001")
        raise OSError("disk full while writing SAC-2026-0002")

    warned = []
    monkeypatch.setattr(
        QMessageBox, "warning", staticmethod(lambda parent, title, text: warned.append(text))
    )
    dialog = make_dialog(qtbot, store, today, out, export=failing)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert warned == ["disk full while writing SAC-2026-0002"]
    assert dialog.status_label.text() == "Export stopped: disk full while writing SAC-2026-0002"
    assert dialog.export_button.isEnabled()
    assert not dialog.is_running()


@pytest.fixture
def decided_files(store, today):
    """Three files: approved (effective 2026-05-15, so May-July are in its schedule),
    denied, and one still awaiting its decision."""
    from kcsac.operations import approvals
    from tests.ui.test_approval_dialog import PASSWORD, seed_file, seed_people

    people = seed_people(store, today)
    approved = seed_file(store, people, today, account="1000-01", facts_by=dt.date(2026, 5, 10))
    approvals.approve(
        store,
        people.director,
        approved.number,
        password=PASSWORD,
        today=today,
        signed_on=dt.date(2026, 5, 15),
        backdated_reason="paper signature recorded late",
    )
    denied = seed_file(store, people, today, account="1000-02", storm=True)
    approvals.deny(store, people.director, denied.number, reasons=["storm-sewer"], today=today)
    waiting = seed_file(store, people, today, account="1000-03")
    return [approved.number, denied.number, waiting.number]


def real_dialog(qtbot, store, today, out, numbers):
    dialog = BatchExportDialog(store, numbers=numbers, actor="dora", today=today, start_dir=out)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_real_export_writes_letters_and_schedules_and_lists_skips(
    qtbot, store, today, out, decided_files
):
    approved, denied, waiting = decided_files
    dialog = real_dialog(qtbot, store, today, out, decided_files)
    seen: list[int] = []
    dialog.progress_bar.valueChanged.connect(seen.append)
    with qtbot.waitSignal(dialog.export_finished) as finished:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    result = finished.args[0]
    assert seen == [1, 2, 3]
    assert sorted(p.name for p in out.iterdir()) == [
        f"{approved}-approval-letter.pdf",
        f"{approved}-schedule.pdf",
        f"{denied}-denial-letter.pdf",
    ]
    for path in out.iterdir():
        assert path.read_bytes().startswith(b"%PDF")
    assert [number for number, _ in result.skipped] == [waiting]
    assert dialog.status_label.text() == (
        f"Done: 3 of 3 exported to {out}. 3 PDF files written. 1 not written (listed below)."
    )
    assert dialog.skipped_list.isVisible()
    assert dialog.skipped_list.item(0).text().startswith(f"{waiting}: ")


def test_cancel_stops_a_real_export(qtbot, store, today, out, decided_files):
    dialog = real_dialog(qtbot, store, today, out, decided_files)

    def cancel_at_first(value: int) -> None:
        if value == 1:
            qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)

    dialog.progress_bar.valueChanged.connect(cancel_at_first)
    with qtbot.waitSignal(dialog.export_finished) as finished:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert finished.args[0].cancelled
    assert sorted(p.name for p in out.iterdir()) == [
        f"{decided_files[0]}-approval-letter.pdf",
        f"{decided_files[0]}-schedule.pdf",
    ]
    assert dialog.status_label.text().startswith(f"Cancelled: 1 of 3 exported to {out}.")
