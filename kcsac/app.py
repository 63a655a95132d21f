"""Composition root: parse the command line, then run a command or open the main window."""

import os
import sys
from collections.abc import Sequence

from kcsac.cli import EXIT_FILE, build_parser, run_command
from kcsac.cli.database import resolve_db_path
from kcsac.storage import StoreError, open_store

NO_DISPLAY_MESSAGE = (
    "kcsac: no display found (DISPLAY and WAYLAND_DISPLAY are unset). Start it on a desktop, "
    "or headless with `xvfb-run -a kcsac` (or ./scripts/run under xvfb-run -a)."
)


def _has_display() -> bool:
    if os.environ.get("QT_QPA_PLATFORM", "") in {"offscreen", "minimal", "vnc", "eglfs"}:
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "command", None):
        return run_command(args)
    return run_gui(args)


def run_gui(args: object) -> int:
    """Open the desk on the chosen database; one clear line instead of a Qt abort trace."""
    if not _has_display():
        print(NO_DISPLAY_MESSAGE, file=sys.stderr)
        return EXIT_FILE
    path = resolve_db_path(getattr(args, "db", None))
    try:
        store = open_store(path)
    except StoreError as exc:
        # A clerk who started the desk from a menu never sees stderr: say it in a window too.
        print(f"kcsac: {exc}", file=sys.stderr)
        from kcsac.ui.desk_startup import explain_in_a_window

        explain_in_a_window("kcsac cannot open its database", str(exc))
        return EXIT_FILE
    from kcsac.ui.desk_startup import run_desk  # Qt is imported only for the GUI

    try:
        return run_desk(store, db_path=path, sign_in_as=getattr(args, "user", None) or "")
    finally:
        store.close()
