"""The interface languages: English (the msgid language) and every language with a compiled
catalogue in the translation directories, found at start. Adding one is a translation task
only (docs/translate.md): no code names them. The session (content) languages are another
notion: domain.kinds.LANGUAGES, the languages the grouping engine and the documents know."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from babel import Locale, UnknownLocaleError
from flask import Flask, current_app

SOURCE = "en"  # the msgids' language: always available, no catalogue needed


@dataclass(frozen=True)
class Language:
    """An interface language: its code, its name in itself, its writing direction."""

    code: str
    name: str
    direction: str  # "ltr" or "rtl"


def describe(code: str) -> Language:
    """A language's own name (its endonym, from Babel's data) and its direction."""
    try:
        locale = Locale.parse(code)
    except (ValueError, UnknownLocaleError):
        return Language(code, code, "ltr")
    name = locale.get_display_name(locale) or code
    return Language(code, name[:1].upper() + name[1:], locale.text_direction or "ltr")


def discover(directories: list[str]) -> dict[str, Language]:
    """English, then every <dir>/<lang>/LC_MESSAGES/messages.mo, sorted by code."""
    codes = {SOURCE}
    for directory in directories:
        for mo in Path(directory).glob("*/LC_MESSAGES/messages.mo"):
            codes.add(mo.parent.parent.name)
    return {code: describe(code) for code in sorted(codes)}


def init_app(app: Flask) -> None:
    """Found once at start, after Flask-Babel has resolved its translation directories."""
    directories = app.extensions["babel"].translation_directories
    app.extensions["interface_languages"] = discover(list(directories))
    app.jinja_env.globals["interface_languages"] = available
    app.jinja_env.globals["text_direction"] = text_direction


def available() -> dict[str, Language]:
    """The interface languages of the running app, by code."""
    return current_app.extensions.get("interface_languages") or {SOURCE: describe(SOURCE)}


def text_direction(code: object) -> str:
    """"rtl" for a right-to-left language, else "ltr"."""
    found = available().get(str(code))
    return found.direction if found else describe(str(code)).direction
