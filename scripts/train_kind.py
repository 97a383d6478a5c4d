"""Train the blocker/lever model shipped in facilitation/clustering/kind_model.json.

Usage:  .venv/bin/python scripts/train_kind.py [--check] FILE.jsonl...

L2 logistic regression on a card's USE vector (the cleaned `embedding_text`) plus its
cue-word score (`kind.cue_score`). `--check` prints, for each file, the accuracy of a model
trained on the other files (leave one set out) and writes nothing.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from facilitation.clustering.cache import VectorCache
from facilitation.clustering.kind import MODEL_FILE, cue_score

CUE_SCALE = 0.5  # the cue score enters the regression scaled, so the L2 penalty treats it fairly
L2 = 0.3


def features(rows: list[dict], cache: VectorCache) -> np.ndarray:
    """USE vector and scaled cue score per card."""
    texts = [r["text"] for r in rows]
    cues = np.array([[CUE_SCALE * cue_score(t)] for t in texts])
    return np.hstack([cache.vectors(texts).astype(np.float64), cues])


def fit(x: np.ndarray, y: np.ndarray, l2: float = L2) -> np.ndarray:
    """Weights (last = intercept) of an L2 logistic regression, by Newton steps."""
    xb = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(xb.shape[1])
    penalty = l2 * np.eye(xb.shape[1])
    penalty[-1, -1] = 0.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-xb @ w))
        grad = xb.T @ (p - y) + penalty @ w
        hess = (xb * (p * (1 - p))[:, None]).T @ xb + penalty
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def main(argv: list[str]) -> int:
    check = "--check" in argv
    files = [Path(a) for a in argv if a != "--check"]
    cache = VectorCache("use")
    sets = {f.stem: [json.loads(line) for line in f.open(encoding="utf-8") if line.strip()]
            for f in files}
    data = {n: (features(rows, cache), np.array([r["kind"] == "lever" for r in rows], float))
            for n, rows in sets.items()}
    if check:
        for held in data:
            rest = [n for n in data if n != held]
            w = fit(np.vstack([data[n][0] for n in rest]),
                    np.concatenate([data[n][1] for n in rest]))
            x, y = data[held]
            acc = np.mean(((np.hstack([x, np.ones((len(x), 1))]) @ w) > 0) == y)
            print(f"{held:<16} trained on the others: accuracy {acc:.3f} ({len(y)} cards)")
        return 0
    w = fit(np.vstack([d[0] for d in data.values()]), np.concatenate([d[1] for d in data.values()]))
    model = {
        "backend": "use", "l2": L2, "trained_on": sorted(data),
        "vector_weights": [round(float(v), 6) for v in w[:-2]],
        "cue_weight": round(float(w[-2]) * CUE_SCALE, 6), "bias": round(float(w[-1]), 6),
    }
    MODEL_FILE.write_text(json.dumps(model) + "\n", encoding="utf-8")
    print(f"wrote {MODEL_FILE} from {sum(len(d[1]) for d in data.values())} cards")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
