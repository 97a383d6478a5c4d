"""Leave-one-set-out experiments for the kind model (round 12), vectors embedded once.

Usage:  .venv/bin/python scripts/kind_experiments.py CONFIG[,CONFIG...] FILE.jsonl...

Same fit and features as `scripts/train_kind.py` (it reproduces its `--check` to the card),
plus optional feature groups and settings to compare; prints the per-set accuracy, mean and
worst. CONFIG is one of: base, l2=<x>, words=<scale>, weighted (balanced class weights),
neg, question, need, frame, numeric, contrast, all (the six groups), smooth=<alpha>
(neighbours' scores mixed in). Nothing here is shipped.
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np
from train_kind import CUE_SCALE, L2, MIN_DF, NGRAM_SCALE, fit

from facilitation.clustering.cache import VectorCache
from facilitation.clustering.kind import clean, cue_score, ngrams

_WORD = re.compile(r"[a-z0-9]+'?")
_NEG = {"pas", "jamais", "plus", "sans", "rien", "aucun", "aucune", "ni", "personne", "no", "not",
        "never", "zero", "0"}
_NEED = re.compile(r"\b(il faut|faut|il faudrait|faudrait|besoin|il nous faut|il me faut|needs?)\b")
_NEED_NEG = re.compile(r"\b(pas|rien|aucune?|jamais|trop|cher|impossible|personne|ni)\b|€|\d")
_FRAME = re.compile(r"^(.{0,60}?)\b(raconte|racontent|dit|disent|explique|expliquent|note|notent|"
                    r"signale|signalent|rappelle|observe|regrette|regrettent|constate|constatent|"
                    r"says|say|explains)\b( qu'| que |:| )")
_CONTRAST = re.compile(r"\b(mais|but|sauf|pourtant|alors que|cependant|finalement|maintenant|"
                       r"depuis que|grace a)\b")


def negation(c: str, raw: str) -> list[str]:
    """The two words after each negator."""
    w = _WORD.findall(c)
    return [f"n:{y}" for i, x in enumerate(w) if x in _NEG for y in w[i + 1:i + 3]]


def question(c: str, raw: str) -> list[str]:
    """A question mark, alone and with the first word."""
    w = _WORD.findall(c)
    return ["q:any"] + [f"q:{w[0]}" for _ in w[:1]] if "?" in raw else []


def need(c: str, raw: str) -> list[str]:
    """'il faut / besoin' followed (or not) by a negation, a price or a figure."""
    m = _NEED.search(c)
    if not m:
        return []
    return ["need:neg" if _NEED_NEG.search(c[m.end():]) else "need:plain"]


def frame(c: str, raw: str) -> list[str]:
    """A reporting frame ('X raconte que'), and the words after it apart."""
    m = _FRAME.search(c)
    return ["frame"] + [f"r:{y}" for y in _WORD.findall(c[m.end():])] if m else []


def numeric(c: str, raw: str) -> list[str]:
    """A leading figure, a percentage, a sum of money."""
    out = ["num:first"] if re.match(r"^\d", c) else []
    out += ["num:pct"] if "%" in raw else []
    money = "€" in raw or re.search(r"\d ?(f|fcfa|euros?)\b", c)
    return out + (["num:money"] if money else [])


def contrast(c: str, raw: str) -> list[str]:
    """The words of the clause after the last contrast or turn word."""
    ms = list(_CONTRAST.finditer(c))
    if not ms:
        return []
    return [f"m:{ms[-1].group(1)}"] + [f"m:{y}" for y in _WORD.findall(c[ms[-1].end():])]


GROUPS: dict[str, Callable[[str, str], list[str]]] = {
    "neg": negation, "question": question, "need": need, "frame": frame, "numeric": numeric,
    "contrast": contrast}


def loso(sets: dict[str, list[dict]], vecs: dict[str, np.ndarray], groups: list[str],
         l2: float = L2, words: float = NGRAM_SCALE, weighted: bool = False,
         smooth: float = 0.0) -> dict[str, float]:
    """Accuracy of each set scored by a model fitted on the other sets."""
    rows_all = [r for rs in sets.values() for r in rs]
    feats = {r["text"]: list(dict.fromkeys(ngrams(clean(r["text"])) + [
        f for g in groups for f in GROUPS[g](clean(r["text"]), r["text"])])) for r in rows_all}
    cues = {r["text"]: cue_score(r["text"]) for r in rows_all}

    def build(rows: list[dict], vocab: dict[str, int]) -> np.ndarray:
        x = np.zeros((len(rows), 513 + len(vocab)))
        for i, r in enumerate(rows):
            t = r["text"]
            x[i, :512], x[i, 512] = vecs[t], CUE_SCALE * cues[t]
            for f in feats[t]:
                if (j := vocab.get(f)) is not None:
                    x[i, 513 + j] = words / math.sqrt(len(feats[t]))
        return x

    accs = {}
    for held, rows in sets.items():
        train = [r for n, rs in sets.items() if n != held for r in rs]
        df = Counter(f for r in train for f in feats[r["text"]])
        vocab = {f: i for i, f in enumerate(sorted(f for f, c in df.items() if c >= MIN_DF))}
        y = np.array([r["kind"] == "lever" for r in train], float)
        w = fit(build(train, vocab), y, l2, _balanced(y) if weighted else None)
        s = build(rows, vocab) @ w[:-1] + w[-1]
        if smooth:
            s = s + smooth * _neighbour_mean(s, np.stack([vecs[r["text"]] for r in rows]))
        accs[held] = float(np.mean((s > 0) == np.array([r["kind"] == "lever" for r in rows])))
    return accs


def _balanced(y: np.ndarray) -> np.ndarray:
    """Per-card weights that give both kinds the same total weight."""
    return np.where(y == 1, len(y) / (2 * y.sum()), len(y) / (2 * (len(y) - y.sum())))


def _neighbour_mean(s: np.ndarray, v: np.ndarray, k: int = 5) -> np.ndarray:
    """Mean score of each card's k nearest cards of the same set (centred cosine)."""
    c = v - v.mean(axis=0)
    c /= np.linalg.norm(c, axis=1, keepdims=True)
    sim = c @ c.T
    np.fill_diagonal(sim, -np.inf)
    return s[np.argpartition(-sim, k, axis=1)[:, :k]].mean(axis=1)


def main(argv: list[str]) -> int:
    configs, files = argv[0].split(","), [Path(a) for a in argv[1:]]
    sets = {f.stem: [json.loads(line) for line in f.read_text(encoding="utf-8").splitlines()
                     if line.strip()] for f in files}
    texts = list(dict.fromkeys(r["text"] for rs in sets.values() for r in rs))
    vecs = dict(zip(texts, VectorCache("use").vectors(texts).astype(np.float64), strict=True))
    for config in configs:
        name, _, value = config.partition("=")
        kwargs: dict = {"groups": list(GROUPS) if name == "all" else
                        [name] if name in GROUPS else []}
        if name in ("l2", "words", "smooth"):
            kwargs[name] = float(value)
        kwargs["weighted"] = name == "weighted"
        accs = loso(sets, vecs, **kwargs)
        short = " ".join(f"{k.removeprefix('fr_synth_')}:{v:.3f}" for k, v in accs.items())
        print(f"{config:<12} mean {np.mean(list(accs.values())):.3f} "
              f"worst {min(accs.values()):.3f} | {short}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
