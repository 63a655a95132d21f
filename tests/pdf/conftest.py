"""Fixtures for the PDF tests (see pdftools.py)."""

from tests.pdf.pdftools import render_pngs

__all__ = ["render_pngs"]
