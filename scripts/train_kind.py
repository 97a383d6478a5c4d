"""Train the blocker/lever model shipped in facilitation/clustering/kind_model.json.

Usage:  .venv/bin/python scripts/train_kind.py [--check] [--errors] FILE.jsonl...

L2 logistic regression on a card's USE vector (the cleaned `embedding_text`), its cue-word
score (`kind.cue_score`) and its words and word pairs (`kind.ngrams`, binary, divided by the
square root of the card's feature count; only features seen in at least `MIN_DF` training
cards get a weight). `--check` prints, for each file, the accuracy of a model trained on the
other files (leave one set out) and writes nothing; `--errors` also lists each held-out set's
mistakes. Fitting uses scipy (a dependency); the shipped model is read with numpy only.
"""

from __future__ import annotations

import json
import math
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

from facilitation.clustering.cache import VectorCache
from facilitation.clustering.kind import MODEL_FILE, clean, cue_score, ngrams

CUE_SCALE = 0.5  # the cue score enters the regression scaled, so the L2 penalty treats it fairly
NGRAM_SCALE = 2.0  # word features scaled up: a weaker penalty than on the vector (chosen by LOSO)
L2 = 0.3
MIN_DF = 2


class Featuriser:
    """Vector, cue and word features of cards, with the word vocabulary of a training set."""

    def __init__(self, cache: VectorCache, train_rows: list[dict]) -> None:
        self.cache = cache
        df = Counter(f for r in train_rows for f in ngrams(clean(r["text"])))
        self.vocab = {f: i for i, f in enumerate(sorted(f for f, c in df.items() if c >= MIN_DF))}

    def __call__(self, rows: list[dict]) -> np.ndarray:
        """One row per card: vector, scaled cue score, scaled word features."""
        texts = [r["text"] for r in rows]
        words = np.zeros((len(rows), len(self.vocab)))
        cues = np.zeros((len(rows), 1))
        for i, text in enumerate(texts):
            c = clean(text)
            cues[i, 0] = CUE_SCALE * cue_score(text, c)
            feats = ngrams(c)
            for f in feats:
                j = self.vocab.get(f)
                if j is not None:
                    words[i, j] = NGRAM_SCALE / math.sqrt(len(feats))
        return np.hstack([self.cache.vectors(texts).astype(np.float64), cues, words])


def fit(x: np.ndarray, y: np.ndarray, l2: float = L2,
        weights: np.ndarray | None = None) -> np.ndarray:
    """Weights (last = intercept, unpenalised) of an L2 logistic regression (L-BFGS);
    `weights`: optional per-card weights of the loss (the shipped model uses none)."""
    sw = np.ones(len(y)) if weights is None else weights

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        z = x @ w[:-1] + w[-1]
        g = sw * (1.0 / (1.0 + np.exp(-z)) - y)
        value = float(np.sum(sw * (np.logaddexp(0.0, z) - y * z)) + 0.5 * l2 * w[:-1] @ w[:-1])
        return value, np.concatenate([x.T @ g + l2 * w[:-1], [g.sum()]])

    res = minimize(loss, np.zeros(x.shape[1] + 1), jac=True, method="L-BFGS-B",
                   options={"maxiter": 5000, "gtol": 1e-7})
    return res.x


def train(cache: VectorCache, rows: list[dict]) -> tuple[Featuriser, np.ndarray]:
    """A featuriser and weights fitted on these cards."""
    feat = Featuriser(cache, rows)
    return feat, fit(feat(rows), np.array([r["kind"] == "lever" for r in rows], float))


def to_model(feat: Featuriser, w: np.ndarray, trained_on: list[str]) -> dict:
    """The JSON model `kind.KindClassifier` reads (word weights carry `NGRAM_SCALE`)."""
    nv = len(w) - len(feat.vocab) - 2
    word_w = w[nv + 1:-1] * NGRAM_SCALE
    return {
        "backend": "use", "l2": L2, "ngram_scale": NGRAM_SCALE, "min_df": MIN_DF,
        "trained_on": trained_on,
        "vector_weights": [round(float(v), 6) for v in w[:nv]],
        "cue_weight": round(float(w[nv]) * CUE_SCALE, 6), "bias": round(float(w[-1]), 6),
        "ngram_weights": {f: round(float(word_w[j]), 5) for f, j in feat.vocab.items()
                          if abs(word_w[j]) >= 1e-4},
    }


def main(argv: list[str]) -> int:
    check, errors = "--check" in argv or "--errors" in argv, "--errors" in argv
    files = [Path(a) for a in argv if not a.startswith("--")]
    cache = VectorCache("use")
    sets = {f.stem: [json.loads(line) for line in f.open(encoding="utf-8") if line.strip()]
            for f in files}
    if check:
        accs = []
        for held, rows in sets.items():
            feat, w = train(cache, [r for n, rs in sets.items() if n != held for r in rs])
            s = feat(rows) @ w[:-1] + w[-1]
            y = np.array([r["kind"] == "lever" for r in rows])
            accs.append(float(np.mean((s > 0) == y)))
            print(f"{held:<16} trained on the others: accuracy {accs[-1]:.3f} ({len(y)} cards)")
            if errors:
                for i in np.flatnonzero((s > 0) != y):
                    print(f"    {rows[i]['kind']:<8} {s[i]:+.2f}  {rows[i]['text']}")
        print(f"mean {np.mean(accs):.3f}, worst {min(accs):.3f}")
        return 0
    feat, w = train(cache, [r for rs in sets.values() for r in rs])
    model = to_model(feat, w, sorted(sets))
    MODEL_FILE.write_text(json.dumps(model, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {MODEL_FILE} from {sum(len(r) for r in sets.values())} cards, "
          f"{len(model['ngram_weights'])} word features")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
