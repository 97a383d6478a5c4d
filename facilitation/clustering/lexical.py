"""Lexical features: hashed stems and character n-grams, TF-IDF weighted over a pool of cards."""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from scipy import sparse

from .tokens import char_ngrams, stems

HASH_BITS = 20
WORD_WEIGHT = 1.0
CHAR_WEIGHT = 0.35


def _h(feature: str) -> int:
    """Stable hash of a feature into the hashing space."""
    return zlib.crc32(feature.encode("utf-8")) & ((1 << HASH_BITS) - 1)


@lru_cache(maxsize=50_000)
def text_features(text: str) -> tuple[tuple[int, float], ...]:
    """Sublinear term frequencies of hashed word stems and char n-grams for one text."""
    counts: Counter[int] = Counter()
    for s in stems(text):
        counts[_h("w:" + s)] += 1
    grams = Counter(_h("c:" + g) for g in char_ngrams(text))
    out: dict[int, float] = {}
    for key, c in counts.items():
        out[key] = out.get(key, 0.0) + WORD_WEIGHT * (1.0 + np.log(c))
    for key, c in grams.items():
        out[key] = out.get(key, 0.0) + CHAR_WEIGHT * (1.0 + np.log(c))
    return tuple(out.items())


def tfidf_matrix(texts: Sequence[str], max_df: float = 0.5) -> sparse.csr_matrix:
    """Row-normalised TF-IDF matrix of the texts (IDF computed on this pool)."""
    rows, cols, vals = [], [], []
    for i, t in enumerate(texts):
        feats = text_features(t)
        rows.extend([i] * len(feats))
        cols.extend(k for k, _ in feats)
        vals.extend(v for _, v in feats)
    n = len(texts)
    x = sparse.csr_matrix((vals, (rows, cols)), shape=(n, 1 << HASH_BITS), dtype=np.float32)
    df = np.bincount(x.indices, minlength=1 << HASH_BITS)
    idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
    if n >= 10:
        idf[df > max(2, max_df * n)] = 0.0
    idf[df < 2] *= 0.5 if n >= 10 else 1.0
    x = x.multiply(idf[None, :].astype(np.float32)).tocsr()
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.diags(1.0 / norms).dot(x).tocsr().astype(np.float32)


def lexical_similarity(texts: Sequence[str]) -> np.ndarray:
    """Dense cosine similarity between TF-IDF vectors of the texts."""
    x = tfidf_matrix(texts)
    return np.asarray((x @ x.T).toarray(), dtype=np.float32)


def hashed_vectors(texts: Sequence[str], dim: int = 1024) -> np.ndarray:
    """Dense, L2-normalised hashed term-frequency vectors (the model-free embedding)."""
    out = np.zeros((len(texts), dim), dtype=np.float32)
    for i, t in enumerate(texts):
        for key, v in text_features(t):
            sign = 1.0 if (key >> 19) & 1 else -1.0
            out[i, key % dim] += sign * v
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return out / norms
