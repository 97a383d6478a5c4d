"""Average-linkage clustering cut at a granularity-driven threshold, plus small-cluster handling."""

from __future__ import annotations

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform

# Distance cut (1 - blended similarity) for granularity 0, 0.5 and 1; piecewise linear between.
CUT_FEW, CUT_MID, CUT_MANY = 0.97, 0.90, 0.72
MIN_SIZE = 3  # clusters smaller than this are absorbed or sent to "Divers / Other"
ABSORB_QUANTILE = 0.05  # a leftover joins a theme if as close as its loosest 5% of members
# Small pools get a stricter cut: with k = max(5, sqrt(n)) neighbours, two unrelated cards of a
# 60-card pool share k/n = 13 % of their neighbours by chance (3 % at 1,000 cards), which lifts
# every SNN-blended similarity. Full tightening up to 100 cards, none from 500 (the same ramp
# as the kNN smoothing, so pools of 1,000+ cards are untouched).
SMALL_POOL_TIGHTEN = 0.06  # 0.04 before the CPM refinement below (which keeps it)
TIGHTEN_FULL, TIGHTEN_NONE = 100, 500
REFINE_MAX = TIGHTEN_NONE  # pools up to this many free cards get the CPM refinement
REFINE_SWEEPS = 20  # at most this many passes over the cards (it converges in 2-4)


def cut_distance(granularity: float) -> float:
    """Map the facilitator's granularity (0 = few big themes, 1 = many small) to a cut."""
    g = float(np.clip(granularity, 0.0, 1.0))
    if g <= 0.5:
        return CUT_FEW + (CUT_MID - CUT_FEW) * (g / 0.5)
    return CUT_MID + (CUT_MANY - CUT_MID) * ((g - 0.5) / 0.5)


def pool_cut(cut: float, n: int) -> float:
    """The distance cut for a pool of n free cards (stricter for small pools, see above)."""
    t = float(np.clip((n - TIGHTEN_FULL) / (TIGHTEN_NONE - TIGHTEN_FULL), 0.0, 1.0))
    return cut - SMALL_POOL_TIGHTEN * (1.0 - t)


def average_linkage(sim: np.ndarray, cut: float) -> np.ndarray:
    """Flat clusters (labels 0..k-1) of average linkage on 1 - sim, cut at `cut`."""
    n = len(sim)
    if n == 0:
        return np.zeros(0, dtype=int)
    if n == 1:
        return np.zeros(1, dtype=int)
    d = 1.0 - sim  # sim is symmetric by construction
    np.clip(d, 0.0, None, out=d)
    z = linkage(squareform(d, checks=False).astype(np.float64), method="average")
    labels = fcluster(z, t=cut, criterion="distance") - 1
    return labels.astype(int)


def refine_cpm(labels: np.ndarray, sim: np.ndarray, threshold: float,
               sweeps: int = REFINE_SWEEPS) -> np.ndarray:
    """Move single cards between clusters while it raises the Constant Potts Model quality.

    CPM quality = sum over clusters of sum over member pairs of (sim - threshold): a card
    goes to the cluster where the sum of its similarities minus `threshold` per member is
    highest (or alone, score 0). Average linkage merges greedily and never revisits a
    card; this pass fixes cards stuck in the wrong cluster by an early merge. The objective
    has the linkage's own threshold (1 - cut), so it needs no new parameter, and no
    resolution limit (unlike modularity, which over-split unbalanced pools).
    """
    n = len(labels)
    if n < 3:
        return labels
    w = sim.astype(np.float64) - threshold
    np.fill_diagonal(w, 0.0)
    lab = relabel(labels)
    size = np.bincount(lab, minlength=n)  # n slots: room for cards that leave alone
    links = np.zeros((n, n))  # card x cluster: sum of (sim - threshold) over its members
    np.add.at(links.T, lab, w)
    for _ in range(sweeps):
        moved = False
        for i in _movable(links, size, lab):
            best = _best_cluster(links[i], size, lab[i])
            if best == lab[i]:
                continue
            size[lab[i]] -= 1
            size[best] += 1
            links[:, lab[i]] -= w[:, i]
            links[:, best] += w[:, i]
            lab[i] = best
            moved = True
        if not moved:
            break
    return relabel(lab)


def _movable(links: np.ndarray, size: np.ndarray, lab: np.ndarray) -> np.ndarray:
    """Cards that would gain by moving, judged all at once (the loop re-checks each one)."""
    own = links[np.arange(len(lab)), lab]
    best = np.where(size > 0, links, -np.inf).max(axis=1)
    best = np.where(size[lab] > 1, np.maximum(best, 0.0), best)  # or alone
    return np.flatnonzero(best > own + 1e-9)


def _best_cluster(gain: np.ndarray, size: np.ndarray, own: int) -> int:
    """The cluster a card gains most by joining (`own` unless strictly better; 0 = alone)."""
    score = np.where(size > 0, gain, -np.inf)
    empty = np.flatnonzero(size == 0)
    if empty.size and size[own] > 1:
        score[empty[0]] = 0.0
    best = int(np.argmax(score))
    return best if score[best] > score[own] + 1e-9 else own


def absorb_small(labels: np.ndarray, sim: np.ndarray, min_size: int = MIN_SIZE,
                 quantile: float = ABSORB_QUANTILE) -> np.ndarray:
    """Move cards of clusters below `min_size` to the closest big cluster, else to -1 (misc).

    The bar is scale-free: the `quantile` of big-cluster members' mean similarity to their
    own cluster, so it works for any embedding space.
    """
    labels = labels.copy()
    if len(labels) == 0:
        return labels
    ids, counts = np.unique(labels[labels >= 0], return_counts=True)
    big = ids[counts >= min_size]
    small_mask = (labels >= 0) & ~np.isin(labels, big)
    if not small_mask.any():
        return labels
    if len(big) == 0:
        labels[small_mask] = -1
        return labels
    member = (labels[:, None] == big[None, :]).astype(np.float32)
    mean_sim = (sim @ member) / member.sum(axis=0)
    in_big = np.flatnonzero(~small_mask & (labels >= 0))
    col = {int(b): j for j, b in enumerate(big)}
    own = mean_sim[in_big, [col[int(labels[i])] for i in in_big]]
    floor = float(np.quantile(own, quantile)) if own.size else -np.inf
    for i in np.flatnonzero(small_mask):
        j = int(mean_sim[i].argmax())
        labels[i] = big[j] if mean_sim[i, j] >= floor else -1
    return labels


def relabel(labels: np.ndarray) -> np.ndarray:
    """Renumber cluster labels 0..k-1 by first appearance, keeping -1."""
    out = np.full(len(labels), -1, dtype=int)
    mapping: dict[int, int] = {}
    for i, lab in enumerate(labels):
        if lab >= 0:
            out[i] = mapping.setdefault(int(lab), len(mapping))
    return out
