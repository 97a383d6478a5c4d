"""Clustering engine: group workshop cards into themes (pure: numpy/scipy, models loaded lazily).

Public API::

    Card(id, text, kind=None)                       # kind: "blocker" | "lever" | None
    Theme(id, kind, label, card_ids, colour, example, misc, pinned, seed_label)
    Constraints(pinned={}, assignments={}, labels={})   # .move() .merge() .pin() .rename()
    PinnedTheme(label, card_ids, kind=None, closed=False)
    SeedTheme(label, kind=None, centroid=None, examples=())
    cluster(cards, granularity=0.5, previous=None, constraints=None, seed_themes=(),
            *, backend="use", cache=None, concepts=True, language=None) -> list[Theme]
    ConceptSpace(concepts), domain_concepts()     # the domain's concept view (lexicon.py)
    normalise(text) -> str
    label(texts, language=None, others=()) -> (label, example)
    classify_kind(text, backend="use") -> (kind, confidence); is_low_confidence(confidence)
    classify_kinds(texts, backend="use", vectors=None) -> list[(kind, confidence)]
    get_backend(name) -> Embedder                   # "use", "use+e5", "lexical"
    VectorCache(backend), get_cache(backend)        # embed each card once (embedding_text key)
    ari(truth, pred), nmi(truth, pred)
"""

from __future__ import annotations

from .cache import VectorCache, forget, get_cache
from .concepts import ConceptSpace, domain_concepts
from .embedders import Embedder, get_backend
from .engine import cluster
from .kind import LOW_CONFIDENCE, classify_kind, classify_kinds, is_low_confidence
from .labels import label
from .metrics import ari, nmi
from .normalise import normalise
from .schema import BLOCKER, KINDS, LEVER, Card, Constraints, PinnedTheme, SeedTheme, Theme

__all__ = [
    "BLOCKER", "KINDS", "LEVER", "LOW_CONFIDENCE", "Card", "ConceptSpace", "Constraints",
    "Embedder", "domain_concepts",
    "PinnedTheme", "SeedTheme", "Theme", "VectorCache", "ari", "classify_kind",
    "classify_kinds", "cluster", "forget", "get_backend", "get_cache", "is_low_confidence", "label",
    "nmi", "normalise",
]
