"""Theme names judged right (rubric + semantic check) on the development sets, three ways.

Usage:  PYTHONPATH=$PWD .venv/bin/python scripts/names_heldout_like.py [full|sub|ablated]

- full: dev and b-e whole (the figures `bench-clustering --show-labels` gives, pooled);
- sub: eight 80 % subsamples of each set (`random.Random(1..8)`), pooled, less noisy;
- ablated (round 10): a held-out-like measure. The lexicon was written after reading these
  sets, so they cannot show what happens when a theme's topic has no concept; a fresh set
  can. Eight draws (`random.Random(1..8)`) each remove a third of the round-9 lexicon's
  named concepts — from the clustering view, the names and the naming-only concepts alike —
  and name what the engine then makes of dev and b-e (its themes, "ok") and the gold groups
  ("gold"). Round 9's engine: 0.506 / 0.669; round 10: 0.534 / 0.699.

Run it from the repository root (the sets are read by relative path). Patch module attributes
of `facilitation.clustering.engine` before `main()` to try a variant.
"""

from __future__ import annotations

import random
import sys
from collections import defaultdict
from pathlib import Path

from facilitation.clustering import engine, lexicon
from facilitation.clustering.cache import VectorCache
from facilitation.clustering.concepts import ConceptSpace
from facilitation.clustering.evaluate import _cards, load_gold_names, load_jsonl
from facilitation.clustering.labelcheck import score_labels

DEV = next((p for p in ("../shared/eval/fr_gold_dev.jsonl", "../../shared/eval/fr_gold_dev.jsonl")
            if Path(p).exists()), "../shared/eval/fr_gold_dev.jsonl")  # main checkout / worktree
SETS = {"fr_gold_dev": DEV, **{f"fr_synth_{s}": f"eval/fr_synth_{s}.jsonl" for s in "bcde"}}
ROUND9_CONCEPTS = 82  # named concepts of the round-9 lexicon (the first keys of the labels)
DRAWS = 8


def space(drop: set[str] = frozenset()) -> ConceptSpace:
    """The programme's concept space without the concepts in `drop`."""
    keep = {k: v for k, v in lexicon.DOMAIN_CONCEPTS.items() if k not in drop}
    naming = {k: v for k, v in lexicon.NAMING_CONCEPTS.items() if k not in drop}
    labels = {k: v for k, v in lexicon.CONCEPT_LABELS.items() if k not in drop}
    return ConceptSpace(keep, labels=labels, families=lexicon.CONCEPT_FAMILIES, naming=naming)


def judged(sp: ConceptSpace, share: float = 1.0, seed: int = 0,
           cache: VectorCache | None = None) -> dict[str, list[int]]:
    """{"ok": [right, themes], "gold": [right, gold groups]} pooled over the sets."""
    cache = cache or VectorCache("use")
    gold_names = load_gold_names("eval/gold_labels.json")
    out: dict[str, list[int]] = {"ok": [0, 0], "gold": [0, 0]}
    for name, path in SETS.items():
        rows = load_jsonl(path)
        if share < 1:
            rows = random.Random(seed).sample(rows, int(share * len(rows)))
        cards = _cards(rows)
        texts = {c.id: c.text for c in cards}
        gold = {str(r["id"]): str(r["theme"]) for r in rows}
        groups: dict[str, list[str]] = defaultdict(list)
        for c in cards:
            groups[gold[c.id]].append(c.id)
        for key, themes in (
                ("ok", engine.cluster(cards, cache=cache, concepts=sp)),
                ("gold", engine.name_groups(cards, list(groups.values()), cache=cache,
                                            concepts=sp))):
            scored = score_labels(themes, texts, gold, gold_names[name], cache.vectors)
            n = len(scored["label_rows"])
            out[key][0] += round(scored["label_ok"] * n)
            out[key][1] += n
    return out


def _add(total: dict[str, list[int]], part: dict[str, list[int]]) -> None:
    for key, (right, n) in part.items():
        total.setdefault(key, [0, 0])
        total[key][0] += right
        total[key][1] += n


def main(mode: str = "ablated") -> dict[str, float]:
    """Shares of names judged right, pooled, for `mode` (see the module's docstring)."""
    cache = VectorCache("use")
    total: dict[str, list[int]] = {}
    if mode == "full":
        _add(total, judged(space(), cache=cache))
    elif mode == "sub":
        for seed in range(1, DRAWS + 1):
            _add(total, judged(space(), 0.8, seed, cache))
    else:
        keys = list(lexicon.CONCEPT_LABELS)[:ROUND9_CONCEPTS]
        for seed in range(1, DRAWS + 1):
            drop = set(random.Random(seed).sample(keys, len(keys) // 3))
            _add(total, judged(space(drop), cache=cache))
    return {k: round(right / max(1, n), 3) for k, (right, n) in total.items()}


if __name__ == "__main__":
    print(main(sys.argv[1] if len(sys.argv) > 1 else "ablated"))
