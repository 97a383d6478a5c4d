"""Session syntheses: one model built from a board, rendered to md, html, pdf, docx, csv
and json. Pure code: no Flask, no database (the PDF renderer needs WeasyPrint, imported
only when a PDF is asked for)."""

from __future__ import annotations

from .formats import FORMATS, PdfUnavailable, UnknownFormat, filename, render, render_programme
from .model import CardItem, Decision, Synthesis, ThemeItem, build

__all__ = [
    "FORMATS", "CardItem", "Decision", "PdfUnavailable", "Synthesis", "ThemeItem",
    "UnknownFormat", "build", "filename", "render", "render_programme",
]
