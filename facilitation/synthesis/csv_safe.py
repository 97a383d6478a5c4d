"""CSV cells a spreadsheet will not run: every CSV of the package writes through here.

A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is read as a formula by
Excel, LibreOffice and Google Sheets (`=HYPERLINK(…)` in a card, a name or a project field
would become a live link or worse). As OWASP recommends, such a cell gets a single quote in
front: the spreadsheet shows the text as typed, and nothing is lost.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """The cell's text, with a leading single quote when it would start a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class SafeWriter:
    """`csv.writer` whose rows are neutralised cell by cell. A row with a line break inside
    a cell is written fully quoted: the csv module quotes only the line terminator's own
    characters, and a bare carriage return would start a new row (and a formula) there."""

    def __init__(self, stream: Any, **options: Any) -> None:
        self._writer = csv.writer(stream, **options)
        self._quoted = csv.writer(stream, **{**options, "quoting": csv.QUOTE_ALL})

    def writerow(self, row: Iterable[object]) -> None:
        cells = [safe_cell(cell) for cell in row]
        broken = any("\r" in cell or "\n" in cell for cell in cells)
        (self._quoted if broken else self._writer).writerow(cells)

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(stream: Any, **options: Any) -> SafeWriter:
    """Like `csv.writer(stream, **options)`, formula-safe."""
    return SafeWriter(stream, **options)
