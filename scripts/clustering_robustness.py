"""Robustness of the clustering engine beyond the full dev set (a proxy for held-out data).

Usage:  .venv/bin/python scripts/clustering_robustness.py [--public]

`evaluate_all()` reports, for the current state of `facilitation.clustering.engine` (patch
module attributes before calling it to try a variant):
- dev: full set, leave-3-themes-out (lto), random 95 / 80 / 50 % card subsamples;
- our synthetic domain sets (`eval/`): their mean ARI ("synth"), and 15 % / 25 % subsamples of
  every domain set ("dom15", "dom25": pools of 7-40 cards, the start of a session);
- small pools drawn from the public sets (7 themes x 5-12 cards, like a workshop pool):
  French intents ("intents-sp") and StackOverflow ("so-sp");
- the public sets whole (optional, slower).
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import numpy as np

from facilitation.clustering import engine
from facilitation.clustering.cache import get_cache
from facilitation.clustering.concepts import ConceptSpace, domain_concepts
from facilitation.clustering.metrics import ari, nmi
from facilitation.clustering.normalise import embedding_text
from facilitation.clustering.schema import Constraints

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"
DEV = EVAL / "fr_gold_dev.jsonl"
PUBLIC = sorted((EVAL / "public").glob("*.jsonl"))
SYNTH = sorted((Path(__file__).resolve().parents[1] / "eval").glob("*.jsonl"))  # our own sets
VEC_FILE = Path(tempfile.gettempdir()) / "facilitation_use_vectors.npz"
DRAWS = 30


def load(path: Path) -> list[dict]:
    """JSON lines."""
    return [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]


def vectors() -> dict[str, np.ndarray]:
    """embedding_text -> USE vector for every text of every set (computed once, cached)."""
    texts = [r["text"] for p in [DEV, *SYNTH, *PUBLIC] for r in load(p)]
    known: dict[str, np.ndarray] = {}
    if VEC_FILE.exists():
        z = np.load(VEC_FILE, allow_pickle=True)
        known = dict(zip(z["keys"].tolist(), z["vecs"], strict=True))
    missing = [t for t in texts if embedding_text(t) not in known]
    if missing:
        from facilitation.clustering.cache import VectorCache

        vecs = VectorCache("use").vectors(missing)
        known.update(zip((embedding_text(t) for t in missing), vecs, strict=True))
        np.savez(VEC_FILE, keys=np.array(list(known), dtype=object),
                 vecs=np.vstack(list(known.values())))
    return known


VEC = vectors()


CONCEPTS: ConceptSpace | None = domain_concepts()  # set to None to measure without


def pool_labels(texts: list[str], kind: str | None = "x") -> np.ndarray:
    """Engine clustering of one pool (no constraints, no seeds); misc = its own label."""
    raw = np.vstack([VEC[embedding_text(t)] for t in texts]).astype(np.float32)
    view, _, reference = (CONCEPTS.view(raw, get_cache("use"), texts) if CONCEPTS is not None
                          else (raw, None, None))
    ids = [str(i) for i in range(len(texts))]
    groups, _ = engine._pool_groups(ids, raw, 0.5, Constraints(), (), [], kind, view=view,
                                    reference=reference)
    lab = np.full(len(texts), -1, dtype=int)
    for j, g in enumerate(groups):
        lab[g.members] = j
    return lab


def score_rows(rows: list[dict]) -> tuple[float, float, int]:
    """ARI / NMI / themes found of rows clustered per kind (as the benchmark does)."""
    kinds = sorted({r.get("kind", "all") for r in rows})
    guess = [""] * len(rows)
    for k in kinds:
        idx = [i for i, r in enumerate(rows) if r.get("kind", "all") == k]
        lab = pool_labels([rows[i]["text"] for i in idx], k)
        for i, lb in zip(idx, lab, strict=True):
            guess[i] = f"{k}-{lb}"
    gold = [r["theme"] for r in rows]
    return ari(gold, guess), nmi(gold, guess), len(set(guess))


def small_pools(rows: list[dict], rng: np.random.Generator, n_themes: int = 7,
                lo: int = 5, hi: int = 12) -> list[dict]:
    """A workshop-like pool: n_themes random themes, lo..hi random cards each."""
    by: dict[str, list[dict]] = {}
    for r in rows:
        by.setdefault(r["theme"], []).append(r)
    themes = [t for t, v in by.items() if len(v) >= hi]
    pick = rng.choice(len(themes), n_themes, replace=False)
    out = []
    for t in pick:
        items = by[themes[t]]
        m = int(rng.integers(lo, hi + 1))
        out.extend(items[i] for i in rng.choice(len(items), m, replace=False))
    return out


def robustness(draws: int = DRAWS) -> dict[str, float]:
    """Mean ARI over dev variants and public small pools (fixed seeds: same draws each call)."""
    dev = load(DEV)
    out: dict[str, float] = {}
    a, n, k = score_rows(dev)
    out.update({"dev": a, "dev_nmi": n, "dev_k": k})
    rng = np.random.default_rng(1)
    themes = sorted({r["theme"] for r in dev})
    res = []
    for _ in range(draws):
        drop = set(rng.choice(themes, 3, replace=False))
        res.append(score_rows([r for r in dev if r["theme"] not in drop]))
    out["lto"] = float(np.mean([r[0] for r in res]))
    out["lto_nmi"] = float(np.mean([r[1] for r in res]))
    for frac in (0.95, 0.8, 0.5):
        rng = np.random.default_rng(2)
        res = [score_rows([dev[i] for i in rng.choice(len(dev), int(frac * len(dev)),
                                                       replace=False)]) for _ in range(draws)]
        out[f"s{int(frac * 100)}"] = float(np.mean([r[0] for r in res]))
    domain = [dev] + [load(p) for p in SYNTH]  # our own synthetic sets too (eval/)
    out["synth"] = float(np.mean([score_rows(rows)[0] for rows in domain[1:]])) if SYNTH else 0.0
    for frac in (0.15, 0.25):  # the start of a session: 7-40 cards per kind
        res = []
        for rows in domain:
            rng = np.random.default_rng(11)
            res += [score_rows([rows[i] for i in rng.choice(len(rows), max(6, int(frac * len(
                rows))), replace=False)])[0] for _ in range(20)]
        out[f"dom{int(frac * 100)}"] = float(np.mean(res))
    for name, file in (("intents-sp", "fr_intents_wikit"), ("so-sp", "stackoverflow_2k")):
        rows = load(EVAL / "public" / f"{file}.jsonl")
        rng = np.random.default_rng(3)
        res = [score_rows(small_pools(rows, rng)) for _ in range(draws)]
        out[name] = float(np.mean([r[0] for r in res]))
    for name, file in (("intents-u", "fr_intents_wikit"), ("so-u", "stackoverflow_2k")):
        rows = load(EVAL / "public" / f"{file}.jsonl")
        rng = np.random.default_rng(4)
        res = [score_rows(unbalanced_pool(rows, rng)) for _ in range(draws)]
        out[name] = float(np.mean([r[0] for r in res]))
    return out


def unbalanced_pool(rows: list[dict], rng: np.random.Generator) -> list[dict]:
    """A pool of 40-120 cards over 4-9 themes of Dirichlet-distributed sizes (>= 3 each)."""
    by: dict[str, list[dict]] = {}
    for r in rows:
        by.setdefault(r["theme"], []).append(r)
    size = int(rng.integers(40, 121))
    nt = int(rng.integers(4, 10))
    themes = rng.choice(sorted(by), nt, replace=False)
    share = rng.dirichlet(np.ones(nt) * 1.5) * size
    pool = []
    for t, m in zip(themes, share, strict=True):
        items = by[t]
        m = int(np.clip(round(m), 3, len(items)))
        pool += [items[i] for i in rng.choice(len(items), m, replace=False)]
    return pool


def public() -> dict[str, float]:
    """ARI of the whole public sets."""
    return {p.stem: score_rows(load(p))[0] for p in PUBLIC}


def report(name: str, with_public: bool = False) -> dict[str, float]:
    """Print one line of figures for the current engine state."""
    r = robustness()
    if with_public:
        r.update(public())
    print(name.ljust(28), " ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}"
                                    for k, v in r.items()), flush=True)
    return r


if __name__ == "__main__":
    report("baseline", with_public="--public" in sys.argv)
