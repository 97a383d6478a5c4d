"""Vector cache keyed by the cleaned text given to the encoder, so each card is embedded once."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from .embedders import Embedder, get_backend
from .normalise import embedding_text


class VectorCache:
    """Thread-safe LRU of unit vectors for one embedder, keyed by `embedding_text(text)`.

    The embedder receives that cleaned, case-preserving text (abbreviations expanded, accents
    restored), not the raw card.
    """

    def __init__(self, embedder: Embedder | str = "use", max_items: int = 100_000) -> None:
        self.embedder = get_backend(embedder)
        self.max_items = max_items
        self._store: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._store)

    def add(self, texts: Sequence[str]) -> None:
        """Embed the texts not seen yet (call when cards arrive)."""
        self.vectors(texts)

    def put(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        """Store precomputed vectors for texts (e.g. loaded from a database)."""
        with self._lock:
            for t, v in zip(texts, vectors, strict=True):
                self._store[embedding_text(t)] = np.asarray(v, dtype=np.float32)

    def discard(self, texts: Sequence[str]) -> None:
        """Forget the vectors of these texts (erased cards: their words leave memory too)."""
        with self._lock:
            for text in texts:
                self._store.pop(embedding_text(text), None)

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        """Return an (n, dim) array for the texts, embedding only the missing ones."""
        keys = [embedding_text(t) for t in texts]
        with self._lock:
            missing = list(dict.fromkeys(k for k in keys if k not in self._store))
        if missing:
            new = self.embedder.embed(missing)
            with self._lock:
                for k, v in zip(missing, new, strict=True):
                    self._store[k] = v
                while len(self._store) > self.max_items:
                    self._store.popitem(last=False)
        with self._lock:
            rows = []
            for k in keys:
                v = self._store.get(k)
                if v is None:  # evicted meanwhile by another thread
                    v = self.embedder.embed([k])[0]
                else:
                    self._store.move_to_end(k)
                rows.append(v)
        if not rows:
            return np.zeros((0, 1), dtype=np.float32)
        return np.vstack(rows).astype(np.float32)


_CACHES: dict[str, VectorCache] = {}
_CACHES_LOCK = threading.Lock()


def get_cache(backend: str | Embedder = "use") -> VectorCache:
    """Process-wide cache for a backend (created on first use)."""
    key = backend if isinstance(backend, str) else f"obj:{id(backend)}"
    with _CACHES_LOCK:
        cache = _CACHES.get(key)
        if cache is None:
            cache = _CACHES[key] = VectorCache(backend)
        return cache


def forget(texts: Sequence[str]) -> None:
    """Drop these texts (erased cards) from every process-wide cache: the vector caches,
    and the per-text memos of the engine (cleared whole: they refill as cards come)."""
    if not texts:
        return
    with _CACHES_LOCK:
        caches = list(_CACHES.values())
    for cache in caches:
        cache.discard(texts)
    from . import labels, language, lexical, normalise

    for module in (labels, language, lexical, normalise):
        for value in list(vars(module).values()):
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()
