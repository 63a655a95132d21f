"""The Qt widgets of the desk: the only layer (with kcsac.app) that imports PySide6."""
