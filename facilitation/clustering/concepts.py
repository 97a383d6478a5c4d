"""Concept view: each card's closeness to the domain's concepts, appended to its vector.

Sentence vectors put "mon français est faible" near "les formulaires de l'administration
française" (a shared word) and far from "le vocabulaire technique je le comprends pas". A card's
soft assignment to a few dozen concepts of the domain (`lexicon.py`) says what it is *about* in
the domain's terms; appending it to the card's unit vector (weight `weight`) makes two cards
about the same concept closer, whatever their words. Measured in docs/clustering.md (round 6).

A card's closeness to a concept is its cosine to the concept's centroid plus, with weight
`lexical`, the words it shares with the concept's phrases (stems, weighted by how few concepts
use them): the encoder knows little of "tontine", "Adie" or "récépissé", the lexicon does.

Four guards keep it where it helps:
- only for the embedding spaces its gate was measured in (`backends`, default "use");
- a pool that is not about the domain (median best-concept cosine below `gate[0]`, e.g.
  StackOverflow titles or HR questions) is left alone, with a linear ramp up to `gate[1]`;
- a pool about the domain but about topics the lexicon does not cover (its median best
  closeness, cosine + shared words, below `coverage[1]`) gets a smaller weight, down to
  `coverage[2]` of it at `coverage[0]` (round 11: the view sent such cards to wrong concepts);
- pools above `max_pool` cards are left alone: they have enough cards to shape their own
  neighbourhoods (a live workshop's pool of one kind is far smaller).
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import lru_cache

import numpy as np

from .cache import VectorCache
from .lexicon import CONCEPT_FAMILIES, CONCEPT_LABELS, DOMAIN_CONCEPTS, NAMING_CONCEPTS
from .similarity import unit
from .tokens import stems

WEIGHT = 1.0  # norm of the appended concept profile, relative to the unit card vector
TEMPERATURE = 0.07  # softmax temperature over concept cosines (lower = more one-concept)
LEXICAL = 0.1  # weight of shared words (IDF over concepts, in units of the largest IDF)
GATE = (0.23, 0.27)  # pool median best-concept cosine: off below, full weight above
MAX_POOL = 500  # larger pools are clustered on their own vectors
# Lexicon coverage (round 11): pool median best closeness (cosine + shared words) from which the
# view keeps its full weight, below which it keeps only a floor share of it; linear between.
COVERAGE = (0.32, 0.38, 0.3)
COVERAGE_PRIOR = 15  # cards' worth of full coverage blended into a pool's median (small pools)


class ConceptSpace:
    """Concept centroids per embedding space, computed once, and the augmentation of a pool."""

    def __init__(self, concepts: Mapping[str, Sequence[str]], weight: float = WEIGHT,
                 temperature: float = TEMPERATURE, gate: tuple[float, float] = GATE,
                 max_pool: int = MAX_POOL, backends: tuple[str, ...] = ("use",),
                 lexical: float = LEXICAL,
                 coverage: tuple[float, float, float] | None = COVERAGE,
                 labels: Mapping[str, tuple[str, str]] | None = None,
                 families: Mapping[str, Sequence[str]] | None = None,
                 naming: Mapping[str, Sequence[str]] | None = None) -> None:
        self.names = list(concepts)
        self.phrases = [list(concepts[n]) for n in self.names]
        self.weight = weight
        self.temperature = temperature
        self.gate = gate
        self.max_pool = max_pool
        self.backends = backends
        self.lexical = lexical
        self.coverage = coverage
        self.labels = dict(labels or {})
        position = {n: i for i, n in enumerate(self.names)}
        # concept position -> its family head's position (naming only, see `family`)
        self._family = {position[m]: position[head] for head, members in (families or {}).items()
                        if head in position for m in (head, *members) if m in position}
        self._centroids: dict[str, np.ndarray] = {}
        self._references: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()
        self._stem_weights = self._stem_index()
        # Concepts that name themes but do not shape them (`naming_closeness`): the pool's
        # view stays that of `concepts`; a second space over both sets scores the extra ones.
        self._namer = (ConceptSpace({**concepts, **naming}, lexical=lexical, labels=labels)
                       if naming else None)
        self._label_keys = self.names + [n for n in (naming or {}) if n not in position]
        k = len(self.names)
        self._naming_stems = {s: row[k:] for s, row in
                              (self._namer._stem_weights if self._namer else {}).items()
                              if row[k:].any()}

    def _stem_index(self) -> dict[str, np.ndarray]:
        """stem -> per-concept weight (its IDF over concepts where a phrase uses it, else 0)."""
        bags = [{s for p in phrases for s in stems(p)} for phrases in self.phrases]
        df = Counter(s for bag in bags for s in bag)
        top = math.log(1 + len(bags)) or 1.0
        index: dict[str, np.ndarray] = {}
        for c, bag in enumerate(bags):
            for s in bag:
                row = index.setdefault(s, np.zeros(len(bags), dtype=np.float32))
                row[c] = math.log(1 + len(bags) / df[s]) / top
        return index

    def shared_words(self, texts: Sequence[str]) -> np.ndarray:
        """(texts x concepts) sum of the weights of the stems a text shares with each concept."""
        return _shared(texts, self._stem_weights, len(self.names))

    def centroids(self, cache: VectorCache) -> np.ndarray:
        """(concepts x dim) unit centroids of each concept's phrases in `cache`'s space."""
        key = cache.embedder.name
        with self._lock:
            if key not in self._centroids:
                rows = [unit(unit(cache.vectors(p)).mean(axis=0, keepdims=True))[0]
                        for p in self.phrases]
                self._centroids[key] = np.vstack(rows).astype(np.float32)
            return self._centroids[key]

    def reference(self, cache: VectorCache) -> np.ndarray:
        """Mean concept view of the lexicon's own phrases: where "the domain" sits.

        A small pool's mean is a poor centre (with one big theme, centring makes all the
        other cards look alike); the engine blends it with this reference.
        """
        key = cache.embedder.name
        if key not in self._references:
            phrases = [p for group in self.phrases for p in group]
            raw = cache.vectors(phrases)
            view = self.augment(raw, cache, closeness=(self._scores(raw, cache, phrases), 1.0))
            with self._lock:
                self._references[key] = view.mean(axis=0)
        return self._references[key]

    def pool_weight(self, best: np.ndarray) -> float:
        """Share of `weight` a pool gets from its cards' best concept cosines (domain gate)."""
        lo, hi = self.gate
        med = float(np.median(best)) if len(best) else 0.0
        return float(np.clip((med - lo) / (hi - lo), 0.0, 1.0)) if hi > lo else float(med >= lo)

    def coverage_share(self, best: np.ndarray) -> float:
        """Share of the weight a domain pool keeps from its cards' best closeness (cosine +
        shared words): 1 when the lexicon covers the pool's topics, `coverage[2]` when not.

        Round 11 (docs/clustering.md): per pool, the concept view's best weight follows how
        close its cards come to some concept; in pools whose median best closeness is under
        0.36 (fresh sets on topics the lexicon lacks) a weight of 0.3-0.6 put more cards
        beside cards of their own theme than 1.0 did, above 0.38 the full weight did best.

        A pool's median is blended with full coverage worth `COVERAGE_PRIOR` cards, so the
        first cards of a session keep the view as before and the weight settles as the pool
        grows (without it, replays moved more cards: the weight of a small pool jumped).
        """
        if self.coverage is None or not len(best):
            return 1.0
        lo, hi, floor = self.coverage
        n = len(best)
        med = (n * float(np.median(best)) + COVERAGE_PRIOR * hi) / (n + COVERAGE_PRIOR)
        t = float(np.clip((med - lo) / (hi - lo), 0.0, 1.0)) if hi > lo else float(med >= lo)
        return floor + (1.0 - floor) * t

    def _scores(self, raw: np.ndarray, cache: VectorCache,
                texts: Sequence[str] | None) -> np.ndarray:
        """(cards x concepts) cosine to each centroid + `lexical` x shared words (with texts)."""
        cos = unit(np.asarray(raw, dtype=np.float32)) @ self.centroids(cache).T
        if texts is not None and self.lexical > 0:
            cos = cos + np.float32(self.lexical) * self.shared_words(texts)
        return cos

    def closeness(self, raw: np.ndarray, cache: VectorCache,
                  texts: Sequence[str] | None = None) -> tuple[np.ndarray, float] | None:
        """(cards x concepts) closeness and the pool's share of the weight, or None when the
        view is off for this pool (other backend, too big, not about the domain).

        The domain gate reads the cosines alone; the closeness adds the shared words, and with
        them (`texts` given) the lexicon's coverage of the pool scales the share
        (`coverage_share`).
        """
        if (len(raw) > self.max_pool or not len(raw) or not self.names
                or cache.embedder.name not in self.backends):
            return None
        cos = self._scores(raw, cache, None)
        share = self.pool_weight(cos.max(axis=1))
        if share <= 0:
            return None
        if texts is not None and self.lexical > 0:
            cos = cos + np.float32(self.lexical) * self.shared_words(texts)
        if texts is not None:
            share *= self.coverage_share(cos.max(axis=1))
        return cos, share

    def view(self, raw: np.ndarray, cache: VectorCache, texts: Sequence[str],
             ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
        """What the engine clusters a pool on: (vectors, closeness or None, reference or None).

        When the view is off for the pool: (raw, None, None).
        """
        found = self.closeness(raw, cache, texts)
        if found is None:
            return raw, None, None
        return self.augment(raw, cache, closeness=found), found[0], self.reference(cache)

    def augment(self, raw: np.ndarray, cache: VectorCache,
                texts: Sequence[str] | None = None,
                closeness: tuple[np.ndarray, float] | None = None) -> np.ndarray:
        """The pool's unit vectors with the weighted concept profile appended, or `raw` as is.

        `texts` (the cards' texts, in order) add the shared-words term; `closeness` reuses a
        result of `closeness()` for the same pool.
        """
        found = closeness if closeness is not None else self.closeness(raw, cache, texts)
        if found is None:
            return raw
        cos, share = found
        profile = np.exp((cos - cos.max(axis=1, keepdims=True)) / self.temperature)
        profile = unit(profile / profile.sum(axis=1, keepdims=True))
        v = unit(np.asarray(raw, dtype=np.float32))
        return unit(np.hstack([v, np.float32(self.weight * share) * profile]))

    def naming_closeness(self, raw: np.ndarray, cache: VectorCache, texts: Sequence[str],
                         closeness: np.ndarray) -> np.ndarray:
        """`closeness` (a pool's, from `closeness()`) with one more column per naming-only
        concept (cosine to its centroid + shared words), for choosing names; `label` and
        `family` take the columns' positions."""
        if self._namer is None:
            return closeness
        k = len(self.names)
        extra = unit(np.asarray(raw, dtype=np.float32)) @ self._namer.centroids(cache)[k:].T
        if self.lexical > 0:
            extra = extra + np.float32(self.lexical) * _shared(texts, self._naming_stems,
                                                               extra.shape[1])
        return np.hstack([closeness, extra.astype(closeness.dtype)])

    def warm(self, cache: VectorCache) -> None:
        """Compute now what the first regrouping would otherwise compute mid-session: the
        concepts' centroids, the naming-only concepts' and the domain reference (seconds:
        every phrase of the lexicon is embedded once per process)."""
        self.reference(cache)
        if self._namer is not None:
            self._namer.centroids(cache)

    def family(self, concept: int) -> int | None:
        """The head of the concept's family of siblings (itself when it is the head), or None."""
        return self._family.get(concept)

    def label(self, concept: int, language: str) -> str | None:
        """A facilitator's name for a concept, in "fr" or "en" (None if it has none)."""
        names = self.labels.get(self._label_keys[concept])
        return None if names is None else names[1 if language == "en" else 0]


@lru_cache(maxsize=65_536)
def _stem_set(text: str) -> frozenset[str]:
    """A text's distinct stems (cached: a card's are read at every regrouping)."""
    return frozenset(stems(text))


def _shared(texts: Sequence[str], index: Mapping[str, np.ndarray], width: int) -> np.ndarray:
    """(texts x width) sum of the `index` rows of each text's stems."""
    out = np.zeros((len(texts), width), dtype=np.float32)
    for i, text in enumerate(texts):
        for s in _stem_set(text):
            row = index.get(s)
            if row is not None:
                out[i] += row
    return out


_DOMAIN: ConceptSpace | None = None


def domain_concepts() -> ConceptSpace:
    """The shared concept space of the programme's lexicon (centroids cached per backend)."""
    global _DOMAIN
    if _DOMAIN is None:
        _DOMAIN = ConceptSpace(DOMAIN_CONCEPTS, labels=CONCEPT_LABELS,
                               families=CONCEPT_FAMILIES, naming=NAMING_CONCEPTS)
    return _DOMAIN
