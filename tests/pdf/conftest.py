"""Fixtures for the PDF and document tests (helpers in pdftools.py)."""

from tests.operations.conftest import people
from tests.pdf.pdftools import render_pngs

__all__ = ["people", "render_pngs"]
