"""Content tokens for lexical similarity and labels: stopwords, light French/English stemming."""

from __future__ import annotations

import re
from functools import lru_cache

from .normalise import normalise, strip_accents

STOPWORDS: frozenset[str] = frozenset(strip_accents(w) for w in """
a à au aux avec ce ces cet cette c ça ca d dans de des du elle elles en et eux il ils je j
l la le les leur leurs lui ma mais me m même mes moi mon ne n nos notre nous on ou où par pas
pour qu que qui sa se s ses son sur ta te t tes toi ton tu un une vos votre vous y été être
avoir ai as avons avez ont est sont était étaient fait faire fais font peut peux pouvons
veut veux va vais vont suis es sommes êtes sera seront serait très trop plus moins bien
aussi alors donc car comme quand si tout tous toute toutes rien personne chaque autre autres
entre sans sous chez vers ici là cela celui celle ceux quelque quelques quoi dont ni oui non
chose choses fois encore déjà jamais toujours souvent beaucoup peu faut il y a
etc ok cest qu'on quon parce lorsque puis après avant pendant depuis
the a an and or but of to in on at for with by from as is are was were be been being
have has had do does did not no it its this that these those i me my we our us you your
he she they them their his her what which who how why when where so if than then too very
can could would should will just about into out up down over more most some any all each
there here also only own same such don't can't won't i'm i've doesn't didn't isn't
""".split())

_WORD = re.compile(r"[a-z0-9ɛɔŋɲ]+(?:-[a-z0-9ɛɔŋɲ]+)*")
_ELISION = re.compile(r"\b(?:l|d|j|c|n|s|m|t|qu|jusqu|lorsqu|puisqu)'")

_SUFFIXES: tuple[str, ...] = (
    "issements", "issement", "ements", "ement", "ations", "ation", "itions", "ition",
    "atrices", "atrice", "ateurs", "ateur", "euses", "euse", "eurs", "eur", "ismes", "isme",
    "istes", "iste", "iques", "ique", "ables", "able", "ances", "ance", "ences", "ence",
    "ités", "ites", "ité", "ite", "ives", "ive", "ifs", "if", "ements", "ment", "ings", "ing",
    "ions", "ion", "ness", "ers", "er", "ies", "ied", "ed", "ees", "ee", "es", "ez", "s", "x",
    "e", "y",
)


@lru_cache(maxsize=1 << 15)  # a room's words repeat: ~80 suffixes tried once per word
def stem(word: str) -> str:
    """Crude suffix-stripping stem shared by French and English (accents already folded)."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


@lru_cache(maxsize=1 << 13)  # a theme's cards are read again at every regrouping
def fold(text: str) -> str:
    """Normalise then remove accents and elided articles, for matching only."""
    return _ELISION.sub(" ", strip_accents(normalise(text)))


def content_words(text: str) -> list[str]:
    """Folded content words (stopwords and 1-letter tokens removed), not stemmed."""
    return [w for w in _WORD.findall(fold(text)) if len(w) > 1 and w not in STOPWORDS]


def stems(text: str) -> list[str]:
    """Stemmed content words of a text."""
    return [stem(w) for w in content_words(text)]


def char_ngrams(text: str, sizes: tuple[int, ...] = (3, 4, 5)) -> list[str]:
    """Character n-grams of the content words, padded by spaces, robust to typos."""
    grams: list[str] = []
    for word in content_words(text):
        padded = f" {word} "
        for n in sizes:
            grams.extend(padded[i: i + n] for i in range(max(1, len(padded) - n + 1)))
    return grams
