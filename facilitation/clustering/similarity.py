"""Card-to-card similarity: pool-centred cosine refined by shared nearest neighbours."""

from __future__ import annotations

import numpy as np
from scipy import sparse

SNN_WEIGHT = 0.6  # share of the shared-nearest-neighbour term in the blended similarity


def unit(x: np.ndarray) -> np.ndarray:
    """Row-wise L2 normalisation."""
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (x / norms).astype(np.float32)


def centre(x: np.ndarray, mean: np.ndarray | None = None) -> np.ndarray:
    """Subtract the pool mean and renormalise (removes the embedding space's common direction)."""
    if len(x) == 0:
        return x
    m = x.mean(axis=0) if mean is None else mean
    return unit(x - m)


def neighbour_count(n: int) -> int:
    """Neighbourhood size for shared-nearest-neighbour similarity: about sqrt(n), at least 5."""
    return int(max(1, min(n - 1, max(5, round(np.sqrt(n))))))


def snn(sim: np.ndarray, k: int) -> np.ndarray:
    """Fraction of shared k-nearest neighbours between every pair (rank-based, scale-free)."""
    n = len(sim)
    if n < 3:
        return np.ones_like(sim, dtype=np.float32)
    k = max(1, min(k, n - 1))
    idx = np.argpartition(-sim, k, axis=1)[:, :k]
    rows = np.arange(n)[:, None]
    # Only positively similar neighbours count, so outliers share (almost) no neighbours.
    weight = (sim[rows, idx] > 0).astype(np.float32)
    weight[idx == rows] = 1.0  # a card is always its own neighbour
    if n <= 2000:  # dense float32 BLAS beats sparse products at these sizes
        a = np.zeros((n, n), dtype=np.float32)
        a[rows, idx] = weight
        return (a @ a.T) / np.float32(k)
    a = sparse.csr_matrix(
        (weight.ravel(), idx.ravel(), np.arange(0, n * k + 1, k)), shape=(n, n))
    return np.asarray((a @ a.T).toarray(), dtype=np.float32) / k


SMOOTH_K = 5  # neighbours averaged into each card before clustering big pools
SMOOTH_ALPHA = 0.5  # their weight at full strength
SMOOTH_FROM, SMOOTH_FULL = 100, 500  # pool sizes where smoothing starts / reaches full strength


def smoothing_weight(n: int) -> float:
    """Weight of the kNN smoothing for a pool of n cards: 0 up to 100 cards, full from 500.

    Neighbourhoods of small pools (a workshop's 50-100 cards, ~8 per theme) are too noisy to
    average over (domain dev set -0.05 ARI); big pools gain (see docs/clustering.md). A ramp,
    not a step, so one more card never changes the board abruptly.
    """
    t = (n - SMOOTH_FROM) / (SMOOTH_FULL - SMOOTH_FROM)
    return SMOOTH_ALPHA * float(np.clip(t, 0.0, 1.0))


def knn_smooth(x: np.ndarray, alpha: float | None = None, k: int = SMOOTH_K) -> np.ndarray:
    """Add to each (centred, unit) vector the similarity-weighted mean of its k neighbours.

    Denoises cards before linkage: a card is pulled towards what its neighbourhood is about.
    """
    n = len(x)
    alpha = smoothing_weight(n) if alpha is None else alpha
    if alpha <= 0 or n <= k + 1:
        return x
    cos = (x @ x.T).astype(np.float32)
    np.fill_diagonal(cos, -np.inf)
    idx = np.argpartition(-cos, k, axis=1)[:, :k]
    rows = np.arange(n)[:, None]
    w = np.clip(cos[rows, idx], 0.0, None)
    total = w.sum(axis=1, keepdims=True)
    mean = np.einsum("nk,nkd->nd", w, x[idx]) / np.where(total > 0, total, 1.0)
    return unit(x + np.float32(alpha) * mean * (total > 0))


SECOND_ORDER_WEIGHT = 0.2  # share of second-order similarity in the CPM refinement objective


def second_order(x: np.ndarray) -> np.ndarray:
    """Cosine between cards' (row-centred) cosine profiles over the whole pool.

    Two cards are alike when they are alike to the same other cards: a smoother signal than
    their own cosine, used only by the refinement of small pools (see docs/clustering.md).
    """
    cos = (x @ x.T).astype(np.float32)
    cos -= cos.mean(axis=1, keepdims=True)
    profiles = unit(cos)
    return profiles @ profiles.T


def blended(x: np.ndarray, snn_weight: float = SNN_WEIGHT) -> np.ndarray:
    """Similarity used for clustering: SNN overlap blended with cosine of centred vectors."""
    cos = (x @ x.T).astype(np.float32)
    if snn_weight <= 0 or len(x) < 3:
        return cos
    s = snn(cos, neighbour_count(len(x)))
    s *= np.float32(snn_weight)
    s += np.float32(1.0 - snn_weight) * cos
    return s
