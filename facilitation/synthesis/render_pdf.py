"""PDF: WeasyPrint lays out the HTML document (same template, same A4 stylesheet).

WeasyPrint and its system libraries (Pango, HarfBuzz) are imported only when a PDF is
asked for; when they are missing, `PdfUnavailable` says why (the server answers 503)."""

from __future__ import annotations

from typing import Any

from . import render_html
from .formats import PdfUnavailable
from .model import Synthesis
from .programme import ProgrammeSynthesis

__all__ = ["PdfUnavailable", "available", "html_to_pdf", "render", "render_programme"]


def _weasyprint() -> Any:
    try:
        import weasyprint
    except (ImportError, OSError) as error:  # OSError: Pango/GObject libraries not found
        raise PdfUnavailable(
            "PDF export needs WeasyPrint and the Pango library: install the Python package "
            "'weasyprint' and the system packages for Pango (Debian: libpango-1.0-0 "
            f"libpangoft2-1.0-0). The other formats still work. Cause: {error}"
        ) from error
    return weasyprint


def available() -> bool:
    try:
        _weasyprint()
    except PdfUnavailable:
        return False
    return True


def html_to_pdf(html: str) -> bytes:
    weasyprint = _weasyprint()
    return weasyprint.HTML(string=html, base_url=None).write_pdf()


def render(s: Synthesis) -> bytes:
    return html_to_pdf(render_html.render_text(s))


def render_programme(p: ProgrammeSynthesis) -> bytes:
    return html_to_pdf(render_html.render_programme_text(p))
