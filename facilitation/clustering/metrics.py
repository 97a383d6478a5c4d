"""Clustering agreement scores (adjusted Rand index, normalised mutual information) in numpy."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


def _contingency(truth: Sequence[Any], pred: Sequence[Any]) -> np.ndarray:
    """Contingency table between two labelings of the same items."""
    if len(truth) != len(pred):
        raise ValueError("labelings differ in length")
    _, t = np.unique(np.asarray([str(x) for x in truth]), return_inverse=True)
    _, p = np.unique(np.asarray([str(x) for x in pred]), return_inverse=True)
    table = np.zeros((t.max(initial=-1) + 1, p.max(initial=-1) + 1), dtype=np.int64)
    np.add.at(table, (t, p), 1)
    return table


def ari(truth: Sequence[Any], pred: Sequence[Any]) -> float:
    """Adjusted Rand index (1 = identical partitions, ~0 = chance)."""
    table = _contingency(truth, pred)
    n = int(table.sum())
    if n < 2:
        return 1.0
    comb = lambda x: x * (x - 1) / 2.0  # noqa: E731
    sum_cells = comb(table).sum()
    sum_rows = comb(table.sum(axis=1)).sum()
    sum_cols = comb(table.sum(axis=0)).sum()
    expected = sum_rows * sum_cols / comb(n)
    maximum = (sum_rows + sum_cols) / 2.0
    if maximum == expected:
        return 1.0
    return float((sum_cells - expected) / (maximum - expected))


def nmi(truth: Sequence[Any], pred: Sequence[Any]) -> float:
    """Normalised mutual information with arithmetic-mean normalisation (sklearn's default)."""
    table = _contingency(truth, pred).astype(float)
    n = table.sum()
    if n == 0:
        return 1.0
    pij = table / n
    pi = pij.sum(axis=1)
    pj = pij.sum(axis=0)
    nz = pij > 0
    mi = float((pij[nz] * np.log(pij[nz] / np.outer(pi, pj)[nz])).sum())
    hi = float(-(pi[pi > 0] * np.log(pi[pi > 0])).sum())
    hj = float(-(pj[pj > 0] * np.log(pj[pj > 0])).sum())
    if hi == 0.0 and hj == 0.0:
        return 1.0
    denom = (hi + hj) / 2.0
    return max(0.0, mi / denom) if denom > 0 else 0.0
