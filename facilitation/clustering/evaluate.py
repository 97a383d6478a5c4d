"""Benchmarks: ARI/NMI/theme counts/kind accuracy on JSON-lines sets, timings, model memory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .cache import VectorCache
from .engine import cluster, name_groups
from .kind import classify_kinds
from .labelcheck import score_labels
from .metrics import ari, nmi
from .schema import Card, Theme

__all__ = ["ari", "nmi", "load_jsonl", "evaluate_rows", "benchmark", "time_reclustering",
           "embedding_speed", "model_memory_mb", "format_table", "corrections", "replay",
           "load_gold_names", "replay_orders", "arrival_orders"]

POOL = "all"  # pseudo-kind for sets without blocker/lever kinds


def load_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """Read a JSON-lines file into a list of dicts."""
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load_gold_names(path: str | Path | None) -> dict[str, dict[str, str]]:
    """Gold theme names per set stem (`eval/gold_labels.json`); {} when there is no file."""
    if path is None or not Path(path).exists():
        return {}
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    return {k: v for k, v in data.items() if not k.startswith("_")}


def corrections(gold: Sequence[Any], pred: Sequence[Any], misc: set[Any] = frozenset()) -> int:
    """Facilitator operations to turn `pred` into `gold`: card moves + theme merges.

    Each predicted theme is kept as one gold theme (its cards of other themes are moved out,
    one move each) and the themes kept as the same gold theme are merged (one merge each but
    the first); which gold theme a predicted theme becomes is chosen to need the fewest
    operations (majority first, then local improvement). Cards of a Divers theme (`misc`
    labels) are each moved.
    """
    by_pred: dict[Any, Counter] = defaultdict(Counter)
    for g, p in zip(gold, pred, strict=True):
        by_pred[p][g] += 1
    moves = sum(sum(c.values()) for p, c in by_pred.items() if p in misc)
    regular = [c for p, c in by_pred.items() if p not in misc]
    choice: list[Any] = [c.most_common(1)[0][0] for c in regular]
    kept = Counter(choice)

    def cost(i: int, g: Any) -> int:  # moves out + one merge if g is kept by another theme
        return sum(regular[i].values()) - regular[i][g] + (kept[g] - (choice[i] == g) > 0)

    changed = True
    while changed:
        changed = False
        for i, c in enumerate(regular):
            best = min(c, key=lambda g, i=i: (cost(i, g), g != choice[i]))
            if cost(i, best) < cost(i, choice[i]):
                kept[choice[i]] -= 1
                kept[best] += 1
                choice[i] = best
                changed = True
    moves += sum(sum(c.values()) - c[g] for c, g in zip(regular, choice, strict=True))
    return moves + sum(k - 1 for k in kept.values() if k > 0)


def _scores(rows: Sequence[dict[str, Any]], themes: Sequence[Theme]) -> dict[str, Any]:
    """ARI, NMI, themes found / gold, Divers cards and corrections per 100 cards."""
    pred = {cid: t.id for t in themes for cid in t.card_ids}
    gold = [str(r["theme"]) for r in rows]
    guess = [pred[str(r["id"])] for r in rows]
    misc = {t.id for t in themes if t.misc}
    return {"n": len(rows), "ari": ari(gold, guess), "nmi": nmi(gold, guess),
            "themes_found": len(set(guess)), "themes_gold": len(set(gold)),
            "misc_cards": sum(len(t.card_ids) for t in themes if t.misc),
            "corrections": 100.0 * corrections(gold, guess, misc) / max(1, len(rows))}


def _cards(rows: Sequence[dict[str, Any]]) -> list[Card]:
    has_kind = all("kind" in r for r in rows)
    return [Card(str(r["id"]), r["text"], r["kind"] if has_kind else POOL) for r in rows]


def replay(rows: Sequence[dict[str, Any]], backend: str = "use", granularity: float = 0.5,
           cache: VectorCache | None = None, bursts: int = 20,
           concepts: bool = True) -> dict[str, Any]:
    """Replay a session: cards arrive in file order in `bursts` bursts and after each burst
    the server re-clusters with the previous themes, as `live_grouping` does.

    `moves_per_card`: changes of theme of cards already on the board, over the session,
    per card (a card's first placement, on its arrival, is no move); split into
    `moves_from_misc_per_card` (a card leaving Divers for a theme) and
    `moves_from_theme_per_card` (a card leaving a real theme, for another or for Divers);
    `renames_per_theme`: changes of name of a theme that stays, per theme of the end.
    `tray_end`: the share of the cards left in Divers (the tray "À trier") at the end;
    `tray_mean`: the share of the board's cards in the tray after a regrouping, averaged
    over the regroupings (how long new cards wait). Quality scores are those of the final
    board.
    """
    cache = cache or VectorCache(backend)
    cards = _cards(rows)
    cache.add([c.text for c in cards])
    ends = sorted({int(round(x)) for x in np.linspace(0, len(cards), bursts + 1)[1:]})
    themes: list[Theme] = []
    moves = from_theme = renames = 0
    tray: list[float] = []
    for end in ends:
        before = {cid: t for t in themes for cid in t.card_ids}
        names = {t.id: t.label for t in themes if not t.misc}
        themes = cluster(cards[:end], granularity, previous=themes, backend=backend,
                         cache=cache, concepts=concepts)
        renames += sum(t.id in names and names[t.id] != t.label for t in themes)
        tray.append(sum(len(t.card_ids) for t in themes if t.misc) / max(1, end))
        for t in themes:
            for cid in t.card_ids:
                old = before.get(cid)
                if old is not None and old.id != t.id:
                    moves += 1
                    from_theme += not old.misc
    n = max(1, len(cards))
    shown = max(1, sum(not t.misc for t in themes))
    return {**_scores(rows, themes), "moves_per_card": moves / n,
            "moves_from_theme_per_card": from_theme / n,
            "moves_from_misc_per_card": (moves - from_theme) / n, "regroupings": len(ends),
            "renames_per_theme": renames / shown, "tray_end": tray[-1] if tray else 0.0,
            "tray_mean": float(np.mean(tray)) if tray else 0.0}


def arrival_orders(rows: Sequence[dict[str, Any]], orders: int = 4) -> list[list[dict[str, Any]]]:
    """`orders` arrival orders of a set: file order, reversed, then seeded permutations."""
    out = [list(rows), list(reversed(rows))]
    for seed in range(1, max(0, orders - 2) + 1):
        idx = np.random.default_rng(seed).permutation(len(rows))
        out.append([rows[i] for i in idx])
    return out[:max(1, orders)]


def replay_orders(rows: Sequence[dict[str, Any]], orders: int = 4, backend: str = "use",
                  granularity: float = 0.5, cache: VectorCache | None = None,
                  bursts: int = 20, concepts: bool = True) -> dict[str, Any]:
    """`replay` over several arrival orders (`arrival_orders`): the mean of each figure,
    and `runs`, the replay of each order (file order first)."""
    cache = cache or VectorCache(backend)
    runs = [replay(o, backend, granularity, cache, bursts, concepts)
            for o in arrival_orders(rows, orders)]
    keys = [k for k, v in runs[0].items() if isinstance(v, (int, float))]
    return {**{k: float(np.mean([r[k] for r in runs])) for k in keys}, "orders": len(runs),
            "runs": runs}


def evaluate_rows(rows: Sequence[dict[str, Any]], backend: str = "use",
                  granularity: float = 0.5, cache: VectorCache | None = None,
                  concepts: bool = True,
                  gold_names: dict[str, str] | None = None) -> dict[str, Any]:
    """Cluster one gold set (per given kind when present) and score it against `theme`.

    `concepts`: with the domain's concept view (the product's default) or without it.
    `gold_names`: gold theme id -> name, for the semantic label check.
    """
    cache = cache or VectorCache(backend)
    has_kind = all("kind" in r for r in rows)
    cards = _cards(rows)
    cache.add([c.text for c in cards])
    start = time.perf_counter()
    themes = cluster(cards, granularity, backend=backend, cache=cache, concepts=concepts)
    seconds = time.perf_counter() - start
    result: dict[str, Any] = {**_scores(rows, themes), "kind_accuracy": None,
                              "cluster_seconds": seconds}
    texts_of = {c.id: c.text for c in cards}
    gold_of = {str(r["id"]): str(r["theme"]) for r in rows}
    result.update(score_labels(themes, texts_of, gold_of, gold_names, cache.vectors))
    if gold_names:  # the names the engine gives the gold groups: naming without grouping errors
        by_gold: dict[str, list[str]] = defaultdict(list)
        for c in cards:
            by_gold[gold_of[c.id]].append(c.id)
        named = name_groups(cards, list(by_gold.values()), backend=backend, cache=cache,
                            concepts=concepts)
        result["gold_group_names"] = score_labels(named, texts_of, gold_of, gold_names,
                                                  cache.vectors)["label_ok"]
    if has_kind:
        texts = [r["text"] for r in rows]
        kinds = classify_kinds(texts, cache.embedder, cache.vectors(texts))
        result["kind_accuracy"] = float(np.mean([k == r["kind"] for (k, _), r in
                                                 zip(kinds, rows, strict=True)]))
        result["kind_low_confidence"] = sum(c < 0.65 for _, c in kinds)
    return result


def benchmark(paths: Sequence[str | Path], backend: str = "use",
              granularity: float = 0.5, concepts: bool = True, live: bool = False,
              gold_names: dict[str, dict[str, str]] | None = None,
              orders: int = 1) -> list[dict[str, Any]]:
    """One result row per JSON-lines file: ARI, NMI, themes found vs gold, kind accuracy,
    corrections, label scores (with gold names) and, `live`, the replay's churn (the mean
    over `orders` arrival orders, see `replay_orders`)."""
    cache = VectorCache(backend)
    out = []
    for path in paths:
        rows = load_jsonl(path)
        stem = Path(path).stem
        row = evaluate_rows(rows, backend, granularity, cache, concepts,
                            (gold_names or {}).get(stem))
        if live:
            row["live"] = replay_orders(rows, orders, backend, granularity, cache,
                                        concepts=concepts)
        out.append({"set": stem, "backend": backend, "concepts": concepts, **row})
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
    """Median wall time of `cluster()` for synthetic pools of each size, vectors cached,
    from scratch and with the previous themes (the board's memory)."""
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
        shown = cluster(cards, backend=backend, cache=cache)  # warms caches of tokens/labels
        times, live = [], []
        for _ in range(repeats if n <= 1000 else max(1, repeats - 1)):
            start = time.perf_counter()
            themes = cluster(cards, backend=backend, cache=cache)
            times.append(time.perf_counter() - start)
            start = time.perf_counter()  # as the server does: with the board's themes
            cluster(cards, previous=shown, backend=backend, cache=cache)
            live.append(time.perf_counter() - start)
        out.append({"cards": n, "backend": backend, "seconds": float(np.median(times)),
                    "seconds_with_previous": float(np.median(live)), "themes": len(themes)})
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
    def num(value: float | None, fmt: str = ".3f") -> str:
        return "-" if value is None else format(value, fmt)

    def pct(value: float | None) -> str:
        return "-" if value is None else format(100 * value, ".1f")

    head = (f"{'set':<20}{'backend':<8}{'concepts':<9}{'n':>5}{'ARI':>7}{'NMI':>7}"
            f"{'themes':>8}{'kind':>7}{'corr%':>7}{'rubric':>7}{'sem':>6}{'ok':>6}{'gold':>6}"
            f"{'moves':>7}{'fromT':>7}{'liveARI':>8}{'livecorr':>9}{'tray%':>6}{'avg%':>6}")
    lines = [head, "-" * len(head)]
    for r in results:
        themes = f"{r['themes_found']}/{r['themes_gold']}"
        view = "yes" if r.get("concepts", True) else "no"
        live = r.get("live") or {}
        lines.append(
            f"{r['set']:<20}{r['backend']:<8}{view:<9}{r['n']:>5}{r['ari']:>7.3f}"
            f"{r['nmi']:>7.3f}{themes:>8}{num(r.get('kind_accuracy')):>7}"
            f"{num(r.get('corrections'), '.1f'):>7}{num(r.get('label_rubric'), '.2f'):>7}"
            f"{num(r.get('label_semantic'), '.2f'):>6}{num(r.get('label_ok'), '.2f'):>6}"
            f"{num(r.get('gold_group_names'), '.2f'):>6}"
            f"{num(live.get('moves_per_card'), '.3f'):>7}"
            f"{num(live.get('moves_from_theme_per_card'), '.3f'):>7}{num(live.get('ari')):>8}"
            f"{num(live.get('corrections'), '.1f'):>9}{pct(live.get('tray_end')):>6}"
            f"{pct(live.get('tray_mean')):>6}")
    return "\n".join(lines)
