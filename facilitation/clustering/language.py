"""Tiny French/English guesser based on function words."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from .normalise import normalise, strip_accents

_FR = frozenset(strip_accents(w) for w in """
le la les un une des du de et est pas je tu il elle on nous vous ils que qui pour dans avec
sur au aux ce cette mon ma mes son sa ses notre nos leur c'est j'ai ne plus trop très faut
être avoir fait comme mais ou où ça rien tout chez entre
""".split())
_EN = frozenset("""
the a an and is are not i you he she we they that which who for in with on to of my our
their this these those it's don't can't be have has do does did but or too very need should
would could will what how why all there
""".split())
_WORD = re.compile(r"[a-z']+")


@lru_cache(maxsize=65_536)
def guess_language(text: str) -> str:
    """Return "en" or "fr" (default) for one text."""
    words = _WORD.findall(strip_accents(normalise(text)))
    fr = sum(w in _FR for w in words) + (0.5 if re.search(r"[éèêàçù]", text.lower()) else 0)
    en = sum(w in _EN for w in words)
    return "en" if en > fr else "fr"


def majority_language(texts: Iterable[str]) -> str:
    """Most frequent language among texts ("fr" on ties)."""
    langs = [guess_language(t) for t in texts]
    return "en" if langs.count("en") > langs.count("fr") else "fr"
