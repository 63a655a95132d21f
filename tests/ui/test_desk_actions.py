"""The desk's actions table: every row is runnable, named once, and lands in its menu."""

import pytest
from PySide6.QtWidgets import QMainWindow, QToolBar

from kcsac.ui.desk_actions import DESK_ACTIONS, MENUS, build_desk_actions, queue_actions
from kcsac.ui.desk_list import QUEUES
from kcsac.ui.main_window import MainWindow


def test_every_handler_is_a_method_of_the_desk():
    for spec in (*DESK_ACTIONS, *queue_actions()):
        assert callable(getattr(MainWindow, spec.handler, None)), (spec.name, spec.handler)


def test_names_are_unique_and_menus_are_on_the_menu_bar():
    specs = (*DESK_ACTIONS, *queue_actions())
    names = [spec.name for spec in specs]
    assert len(names) == len(set(names))
    assert {spec.menu for spec in specs} == set(MENUS)
    assert [spec.queue_row for spec in queue_actions()] == list(range(len(QUEUES)))


def test_the_window_holds_the_table_in_order(qtbot, store, db_path, clerk):
    window = MainWindow(store, db_path=db_path, user=clerk)
    qtbot.addWidget(window)
    assert list(window.desk_actions) == [s.name for s in (*DESK_ACTIONS, *queue_actions())]
    assert window.actions() == list(window.desk_actions.values())
    toolbar = [a.text() for a in window.findChild(QToolBar, "actions_toolbar").actions()]
    assert toolbar == [s.text for s in DESK_ACTIONS if s.toolbar]
    tips = {s.name: (s.tooltip(), s.tip) for s in DESK_ACTIONS}
    assert (
        (window.action("quit").toolTip(), window.action("quit").statusTip())
        == (
            "Close kcsac (Ctrl+Q)",
            "Close kcsac",
        )
        == tips["quit"]
    )
    assert window.action("letter").toolTip() == tips["letter"][0]


def test_a_handler_the_window_lacks_fails_when_the_desk_is_built(qapp):
    with pytest.raises(AttributeError):
        build_desk_actions(QMainWindow())
