"""BatchExportDialog: folder choice, progress as documents are written, Cancel stops the run."""

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from kcsac.ui.batch_export_dialog import BatchExportDialog
from tests.ui.decision_factories import desk_for

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
        desk_for(store, None, today, os_login="jdoe"), NUMBERS, start_dir=out, export=export
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
    assert dialog.status_label.text() == f"Done: 6 of 6 applications exported to {out}."
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
    assert dialog.status_label.text() == (
        f"Cancelled: 2 of 6 applications exported to {out}. 4 not reached: the export was "
        "cancelled."
    )
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


def answer_create_folder(qtbot, button_text: str, seen: list[str]) -> None:
    """Click `button_text` in the "Create the folder?" question once it is open (modal)."""

    def click_when_open() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or box.objectName() != "create_folder_box":
            QTimer.singleShot(20, click_when_open)
            return
        seen.append(box.text())
        [button] = [b for b in box.buttons() if b.text() == button_text]
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, click_when_open)


def test_a_missing_folder_is_created_when_the_clerk_agrees(qtbot, store, today, out):
    """The CLI's export-letters creates the folder; the desk used to refuse it."""
    target = out / "letters" / "2026-08"
    dialog = make_dialog(qtbot, store, today, out)
    dialog.folder_edit.setText(str(target))
    asked: list[str] = []
    answer_create_folder(qtbot, "&Create folder", asked)
    with qtbot.waitSignal(dialog.export_finished):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert asked == [f"The destination folder {target} does not exist. Create it and export there?"]
    assert sorted(p.name for p in target.iterdir()) == [f"{n}.txt" for n in NUMBERS]
    assert dialog.status_label.text() == (
        f"Done: 6 of 6 applications exported to {target}. The folder was created."
    )


def test_a_missing_folder_is_left_alone_when_the_clerk_declines(qtbot, store, today, out):
    calls = []

    def exporter(*args, **kwargs):
        calls.append(kwargs)

    dialog = make_dialog(qtbot, store, today, out, export=exporter)
    dialog.folder_edit.setText(str(out / "nowhere"))
    asked: list[str] = []
    answer_create_folder(qtbot, "&Not now", asked)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(asked))
    assert calls == []
    assert not (out / "nowhere").exists()
    assert dialog.status_label.text() == f"Not exported: {out / 'nowhere'} does not exist."
    assert dialog.export_button.isEnabled(), "the clerk can correct the folder and retry"


def test_a_file_in_place_of_the_folder_is_refused(qtbot, store, today, out, monkeypatch):
    calls = []
    warned = []
    monkeypatch.setattr(
        QMessageBox, "warning", staticmethod(lambda parent, title, text: warned.append(text))
    )
    a_file = out / "letters.pdf"
    a_file.write_bytes(b"%PDF")
    dialog = make_dialog(qtbot, store, today, out, export=lambda *a, **k: calls.append(k))
    dialog.folder_edit.setText(str(a_file))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert calls == []
    assert warned == [f"{a_file} is a file, not a folder. Choose a folder to export into."]


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
    from tests.ui.decision_factories import PASSWORD, seed_file, seed_people

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
    approvals.deny(
        store,
        people.director,
        denied.number,
        reasons=["storm-sewer"],
        password=PASSWORD,
        today=today,
    )
    waiting = seed_file(store, people, today, account="1000-03")
    return [approved.number, denied.number, waiting.number]


def real_dialog(qtbot, store, today, out, numbers):
    dialog = BatchExportDialog(
        desk_for(store, None, today, os_login="dora"), numbers, start_dir=out
    )
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
        f"Done: 2 of 3 applications exported to {out} (3 PDF files written). 1 skipped, "
        "nothing written for it (why: listed below)."
    ), "each application counted once: two exported, one skipped"
    assert dialog.skipped_list.isVisible()
    assert dialog.skipped_list.count() == 1
    assert dialog.skipped_list.item(0).text() == (
        f"{waiting}: skipped, nothing written: {result.skipped[0][1]}"
    )


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
    assert dialog.status_label.text() == (
        f"Cancelled: 1 of 3 applications exported to {out} (2 PDF files written). 2 not "
        "reached: the export was cancelled."
    )


def test_a_letter_without_its_schedule_is_counted_once_and_says_why(qtbot, store, today, out):
    """The operation reports a schedule it could not write as "schedule: why"."""
    from kcsac.operations.documents.batch import ExportResult

    def exporter(store, *, numbers, folder, actor, today, progress, cancelled):
        written = []
        for done, number in enumerate(numbers[:2], start=1):
            path = Path(folder) / f"{number}-approval-letter.pdf"
            path.write_bytes(b"%PDF-1.4\n")
            written.append(path)
            progress(done, 2, number)
        why = "schedule: no billing periods on or after the effective date"
        return ExportResult(tuple(written), ((numbers[1], why),))

    dialog = BatchExportDialog(
        desk_for(store, None, today, os_login="jdoe"), NUMBERS[:2], start_dir=out, export=exporter
    )
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.export_finished):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert dialog.status_label.text() == (
        f"Done: 2 of 2 applications exported to {out} (2 PDF files written). 1 exported with "
        "the letter but without the schedule (why: listed below)."
    )
    assert dialog.skipped_list.item(0).text() == (
        f"{NUMBERS[1]}: letter written, schedule not: no billing periods on or after the "
        "effective date"
    )
