"""What a screen says: the visible text of an HTML page, the text of its accessible
attributes and the strings its scripts will show (the JSON in `data-*` attributes)."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from typing import Any

SAID_ATTRIBUTES = ("aria-label", "alt", "title", "placeholder", "data-alt", "aria-roledescription")
SILENT = {"script", "style", "template", "noscript-never"}  # noscript text is shown: kept


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.silent = 0
        self.chunks: list[tuple[str, str]] = []  # (where, text)
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SILENT:
            self.silent += 1
        for name, value in attrs:
            if value is None:
                continue
            if name in SAID_ATTRIBUTES:
                self.chunks.append((f"<{tag} {name}>", value))
            elif name.startswith("data-") and value[:1] in "{[\"":
                try:
                    decoded = json.loads(value)
                except ValueError:
                    continue
                self.chunks += [(f"<{tag} {name}>", s) for s in _strings(decoded)]
            elif tag == "input" and name == "value" and dict(attrs).get("type") in (
                    "submit", "button"):
                self.chunks.append((f"<{tag} value>", value))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in SILENT:
            self.silent -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag in SILENT and self.silent:
            self.silent -= 1

    def handle_data(self, data: str) -> None:
        if not self.silent and data.strip():
            self.chunks.append(("text", data))


def said(html: str) -> list[tuple[str, str]]:
    """(where, text) for every piece of text the page shows or reads out, whitespace folded."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return [(where, " ".join(text.split())) for where, text in reader.chunks
            if text.strip()]
