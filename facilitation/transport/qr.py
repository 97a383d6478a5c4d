"""QR codes as scalable SVG, sized by CSS (scan it from the back of the room)."""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape

import qrcode
import qrcode.constants
from qrcode.image.svg import SvgPathImage


@lru_cache(maxsize=256)
def svg(data: str, label: str = "") -> str:
    """An SVG QR code of `data` with a quiet zone, without fixed width/height; `label` is its
    text alternative (what the picture is for, in the page's language)."""
    code = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(data)
    code.make(fit=True)
    image = code.make_image(image_factory=SvgPathImage)
    text = image.to_string(encoding="unicode")
    text = re.sub(r"<\?xml[^>]*\?>\s*", "", text)
    text = re.sub(r'\s(width|height)="[^"]*"', "", text, count=2)
    attributes = 'role="img" preserveAspectRatio="xMidYMid meet" shape-rendering="crispEdges"'
    if label:
        attributes += f' aria-label="{escape(label)}"'
        text = re.sub(r"(<svg[^>]*>)", rf"\1<title>{escape(label)}</title>", text, count=1)
    return text.replace("<svg ", f"<svg {attributes} ", 1)
