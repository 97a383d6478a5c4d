"""Session syntheses: one model built from a board, rendered to md, html, pdf, docx, csv
and json. Pure code: no Flask, no database (the PDF renderer needs WeasyPrint)."""

from __future__ import annotations

from .model import CardItem, Decision, Synthesis, ThemeItem, build

__all__ = ["CardItem", "Decision", "Synthesis", "ThemeItem", "build"]
