"""Benchmarks: ARI/NMI/theme counts/kind accuracy on JSON-lines sets, timings, model memory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .cache import VectorCache
from .engine import cluster
from .kind import classify_kinds
from .metrics import ari, nmi
from .schema import Card

__all__ = ["ari", "nmi", "load_jsonl", "evaluate_rows", "benchmark", "time_reclustering",
           "embedding_speed", "model_memory_mb", "format_table"]

POOL = "all"  # pseudo-kind for sets without blocker/lever kinds


def load_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """Read a JSON-lines file into a list of dicts."""
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def evaluate_rows(rows: Sequence[dict[str, Any]], backend: str = "use",
                  granularity: float = 0.5, cache: VectorCache | None = None,
                  concepts: bool = True) -> dict[str, Any]:
    """Cluster one gold set (per given kind when present) and score it against `theme`.

    `concepts`: with the domain's concept view (the product's default) or without it.
    """
    cache = cache or VectorCache(backend)
    has_kind = all("kind" in r for r in rows)
    cards = [Card(str(r["id"]), r["text"], r["kind"] if has_kind else POOL) for r in rows]
    cache.add([c.text for c in cards])
    start = time.perf_counter()
    themes = cluster(cards, granularity, backend=backend, cache=cache, concepts=concepts)
    seconds = time.perf_counter() - start
    pred = {cid: t.id for t in themes for cid in t.card_ids}
    gold = [str(r["theme"]) for r in rows]
    guess = [pred[str(r["id"])] for r in rows]
    result: dict[str, Any] = {
        "n": len(rows), "ari": ari(gold, guess), "nmi": nmi(gold, guess),
        "themes_found": len(set(guess)), "themes_gold": len(set(gold)),
        "misc_cards": sum(len(t.card_ids) for t in themes if t.misc),
        "kind_accuracy": None, "cluster_seconds": seconds,
    }
    if has_kind:
        texts = [r["text"] for r in rows]
        kinds = classify_kinds(texts, cache.embedder, cache.vectors(texts))
        result["kind_accuracy"] = float(np.mean([k == r["kind"] for (k, _), r in
                                                 zip(kinds, rows, strict=True)]))
        result["kind_low_confidence"] = sum(c < 0.65 for _, c in kinds)
    return result


def benchmark(paths: Sequence[str | Path], backend: str = "use",
              granularity: float = 0.5, concepts: bool = True) -> list[dict[str, Any]]:
    """One result row per JSON-lines file: ARI, NMI, themes found vs gold, kind accuracy."""
    cache = VectorCache(backend)
    out = []
    for path in paths:
        row = evaluate_rows(load_jsonl(path), backend, granularity, cache, concepts)
        out.append({"set": Path(path).stem, "backend": backend, "concepts": concepts, **row})
    return out


def _synthetic(texts: Sequence[str], vectors: np.ndarray, n: int,
               rng: np.random.Generator) -> tuple[list[str], np.ndarray]:
    """n distinct texts made by sampling and perturbing real ones, with nearby vectors."""
    picks = rng.integers(0, len(texts), n)
    out_texts, out_vecs = [], []
    for i, p in enumerate(picks):
        words = texts[p].split()
        if len(words) > 3:
            del words[int(rng.integers(0, len(words)))]
        out_texts.append(" ".join(words) + f" #{i}")
        v = vectors[p] + rng.normal(0, 0.02, vectors.shape[1]).astype(np.float32)
        out_vecs.append(v / np.linalg.norm(v))
    return out_texts, np.vstack(out_vecs)


def time_reclustering(paths: Sequence[str | Path], sizes: Sequence[int] = (100, 1000, 5000),
                      backend: str = "use", repeats: int = 3) -> list[dict[str, Any]]:
    """Median wall time of `cluster()` for synthetic pools of each size, vectors cached."""
    rows = [r for p in paths for r in load_jsonl(p)]
    texts = [r["text"] for r in rows]
    cache = VectorCache(backend)
    base = cache.vectors(texts)
    rng = np.random.default_rng(0)
    out = []
    for n in sizes:
        syn_texts, syn_vecs = _synthetic(texts, base, n, rng)
        cache.put(syn_texts, syn_vecs)
        kinds = ["blocker" if i % 2 else "lever" for i in range(n)]
        cards = [Card(f"s{i}", t, k) for i, (t, k) in enumerate(zip(syn_texts, kinds, strict=True))]
        cluster(cards, backend=backend, cache=cache)  # warm caches of tokens/labels
        times = []
        for _ in range(repeats if n <= 1000 else max(1, repeats - 1)):
            start = time.perf_counter()
            themes = cluster(cards, backend=backend, cache=cache)
            times.append(time.perf_counter() - start)
        out.append({"cards": n, "backend": backend, "seconds": float(np.median(times)),
                    "themes": len(themes)})
    return out


def embedding_speed(texts: Sequence[str], backend: str = "use") -> dict[str, float]:
    """Milliseconds per card, one at a time (live arrival) and batched, after model load."""
    cache = VectorCache(backend)
    cache.embedder.embed(["warm up"])
    sample = list(dict.fromkeys(texts))[:200]
    start = time.perf_counter()
    for t in sample[:100]:
        cache.embedder.embed([t])
    single = (time.perf_counter() - start) / max(1, len(sample[:100])) * 1000
    start = time.perf_counter()
    cache.embedder.embed(sample)
    batch = (time.perf_counter() - start) / max(1, len(sample)) * 1000
    return {"backend": backend, "ms_per_card_single": single, "ms_per_card_batch": batch}


def _rss_mb() -> float:
    """Resident set size of this process in MB (Linux), 0 if unknown."""
    try:
        with open(f"/proc/{os.getpid()}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return 0.0


def model_memory_mb(backend: str = "use") -> dict[str, float]:
    """RSS growth from loading a backend's models, measured in a fresh Python process."""
    code = ("import json, sys; from facilitation.clustering.evaluate import _memory_here; "
            f"print(json.dumps(_memory_here({backend!r})))")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              env=env, timeout=300, check=True)
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (subprocess.SubprocessError, ValueError, IndexError):
        return _memory_here(backend)


def _memory_here(backend: str) -> dict[str, float]:
    """RSS growth from loading a backend's models in this process."""
    before = _rss_mb()
    VectorCache(backend).embedder.embed(["mesure de la mémoire"])
    return {"backend": backend, "rss_before_mb": before, "rss_after_mb": _rss_mb(),
            "models_mb": _rss_mb() - before}


def format_table(results: Sequence[dict[str, Any]]) -> str:
    """Plain-text table of benchmark rows."""
    head = (f"{'set':<22}{'backend':<9}{'concepts':<10}{'n':>6}{'ARI':>7}{'NMI':>7}"
            f"{'themes':>11}{'kind acc':>10}")
    lines = [head, "-" * len(head)]
    for r in results:
        kind = "-" if r.get("kind_accuracy") is None else f"{r['kind_accuracy']:.3f}"
        themes = f"{r['themes_found']}/{r['themes_gold']}"
        view = "yes" if r.get("concepts", True) else "no"
        lines.append(f"{r['set']:<22}{r['backend']:<9}{view:<10}{r['n']:>6}{r['ari']:>7.3f}"
                     f"{r['nmi']:>7.3f}{themes:>11}{kind:>10}")
    return "\n".join(lines)
