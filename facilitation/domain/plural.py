"""The documents' two languages: which one, and counting nouns in it (pure)."""

from __future__ import annotations


def count(n: int, singular: str, plural: str, language: str) -> str:
    """'3 votes', '1 réponse', '0 vote': French takes the singular for 0 and 1, English
    for 1 only; a no-break space keeps the number with its noun."""
    one = n <= 1 if language == "fr" else n == 1
    return f"{n}\u00a0{singular if one else plural}"


def lang(language: str | None) -> str:
    """A supported language (French unless English is asked for)."""
    return "en" if language == "en" else "fr"
