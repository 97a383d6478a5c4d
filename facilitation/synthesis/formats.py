"""The export formats of a synthesis: media type, file extension, and the renderers.

    render(synthesis, "pdf") -> bytes
    render_programme(programme, "docx") -> bytes
    filename(synthesis, "md") -> "2026-03-12-the-palabre-lille.md"

Renderer modules are imported on first use, so importing this module never needs
WeasyPrint or python-docx; a PDF asked for where WeasyPrint cannot run raises
`PdfUnavailable` (answer 503), an unknown format `UnknownFormat` (a ValueError, answer 404).
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .model import Synthesis

if TYPE_CHECKING:  # the programme module needs the clustering engine: not at import time
    from .programme import ProgrammeSynthesis


@dataclass(frozen=True)
class Format:
    key: str
    media_type: str
    extension: str
    module: str


FORMATS: dict[str, Format] = {
    f.key: f
    for f in (
        Format("md", "text/markdown; charset=utf-8", "md", "render_md"),
        Format("html", "text/html; charset=utf-8", "html", "render_html"),
        Format("pdf", "application/pdf", "pdf", "render_pdf"),
        Format("docx",
               "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
               "docx", "render_docx"),
        Format("csv", "text/csv; charset=utf-8", "csv", "render_csv"),
        Format("json", "application/json", "json", "render_json"),
    )
}


class UnknownFormat(ValueError):
    pass


class PdfUnavailable(RuntimeError):
    """The PDF renderer cannot run here (WeasyPrint or its Pango libraries missing)."""


def _module(fmt: str):  # a renderer module
    if fmt not in FORMATS:
        raise UnknownFormat(f"unknown synthesis format {fmt!r}: one of {sorted(FORMATS)}")
    return importlib.import_module(f"{__package__}.{FORMATS[fmt].module}")


def media_type(fmt: str) -> str:
    if fmt not in FORMATS:
        raise UnknownFormat(f"unknown synthesis format {fmt!r}")
    return FORMATS[fmt].media_type


def render(synthesis: Synthesis, fmt: str) -> bytes:
    return _module(fmt).render(synthesis)


def render_programme(programme: ProgrammeSynthesis, fmt: str) -> bytes:
    return _module(fmt).render_programme(programme)


def slug(text: str, limit: int = 60) -> str:
    """ASCII file-name part: 'Thé-palabre à Kayes' -> 'the-palabre-a-kayes'."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", bare).strip("-")[:limit].strip("-")


def filename(document: Synthesis | ProgrammeSynthesis, fmt: str) -> str:
    """A download name: date (sessions) and a slug of the title, with the extension."""
    if fmt not in FORMATS:
        raise UnknownFormat(f"unknown synthesis format {fmt!r}")
    if isinstance(document, Synthesis):
        parts = [document.date[:10] if document.date else "", slug(document.title)]
        base = "-".join(p for p in parts if p) or "synthese"
    else:
        base = "programme-" + (slug(document.name) or "synthese")
    return f"{base}.{FORMATS[fmt].extension}"
