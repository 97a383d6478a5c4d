"""`cluster()`: per-kind themes honouring facilitator constraints, seeds and stable ids."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from scipy.optimize import linear_sum_assignment

from .agglomerate import (
    MIN_SIZE,
    REFINE_MAX,
    absorb_small,
    average_linkage,
    cut_distance,
    pool_cut,
    refine_cpm,
    relabel,
)
from .cache import VectorCache, get_cache
from .concepts import ConceptSpace, domain_concepts
from .embedders import Embedder
from .kind import classify_kinds
from .labelcheck import rubric_failures
from .labels import label_groups
from .language import majority_language
from .phrasenames import centroids, phrase_names, pool_verbs
from .schema import Card, Constraints, SeedTheme, Theme
from .similarity import SECOND_ORDER_WEIGHT, blended, centre, knn_smooth, second_order, unit
from .stable import MISC_COLOUR, IdAllocator, match_previous

BIG_POOL = 2000  # above this many free cards, cluster a sample and assign the rest
SAMPLE = 1000  # size of that sample (keeps 5,000-card re-clusters well under 1.5 s)
SEED_SIM = 0.35  # least centred cosine between a cluster and a remembered theme
SEED_RAW = 0.55  # least raw cosine (card or cluster centroid vs seed), for tiny pools too
ASSIGN_MIN = 0.15  # least centred cosine to join a sampled cluster's centroid (big pools)
TIGHT_SIM = 0.45  # least raw average cosine for a tight group of leftovers to form a theme
TIGHT_MIN = 3  # ... with at least this many cards
TIGHT_MAX_POOL = 400  # leftovers beyond this (big pools) are not searched for tight groups
SMALL_POOL = 8  # below this many cards, pool centring is meaningless: raw cosines only
MISC_LABELS = {"fr": "Divers", "en": "Other"}
CENTRE_PRIOR = 15  # cards' worth of the domain's mean view in a pool's centre (concept view)
CONCEPT_BAR = 0.08  # least distinctiveness of a concept for a theme to take its name
LOOSE_MIN = 2  # least cards of a theme named after a concept
WEAK_BAR = 0.04  # a theme left with a lone keyword takes its fallback concept from this
FAMILY_SHARE = 0.6  # 2nd concept's share of the 1st's distinctiveness for a family's name
PAIR_SHARE = 0.5  # 2nd concept's share of a theme's cards, of the 1st's, for "X et Y"
PAIR_MIN = 0.3  # ... and the least share of the theme's cards each must hold
PAIR_WORDS = 7  # longest "X et Y" name, in words
COVERAGE = 0.3  # weight of the share of a theme's cards closest to a concept, in its score
NEAR_TOP = 0.02  # a card counts for every concept within this of its closest one
COVER_MIN = 0.3  # ... and a share under this counts 0 (one card of nine has no say)
PHRASE_POOL = 500  # pools up to this many cards name unnamed themes by ranked card phrases
MEMORY_FADE = (500, 1000)  # free cards: full memory up to the first, none from the second
MEMORY_KEEP = 0.1  # similarity bonus for two cards the board showed in one theme
MEMORY_APART = 0.1  # ... and malus for two cards it showed in two columns (themes, tray)
STAY_MARGIN = 0.15  # a shown card moves only when its new theme is this much closer (mean S)
TRAY_MARGIN = 0.2  # a card the board showed in Divers leaves it only this far above the join bar
TRAY_COVER_POWER = 0.5  # the tray's margin x (the pool's concept coverage share) ** this
SPLIT_MARGIN = 0.3  # cards of a shown theme leave it together only this much closer elsewhere


@dataclass
class _Group:
    """A theme under construction: member positions in the pool and its provenance."""

    members: list[int]
    anchor: str | None = None  # facilitator theme id (pinned / moved-into)
    closed: bool = False
    seed: str | None = None
    misc: bool = False
    extra: dict = field(default_factory=dict)


def _anchor_groups(ids: list[str], constraints: Constraints) -> dict[str, list[int]]:
    """Facilitator themes present in the pool: theme id -> member positions."""
    out: dict[str, list[int]] = defaultdict(list)
    for pos, cid in enumerate(ids):
        tid = constraints.forced_theme(cid)
        if tid is not None:
            out[tid].append(pos)
    return dict(out)


def _mean_sim(sim: np.ndarray, rows: Sequence[int], cols: Sequence[int]) -> float:
    """Average similarity between two sets of positions."""
    if not rows or not cols:
        return -1.0
    return float(sim[np.ix_(list(rows), list(cols))].mean())


def _cluster_free(x: np.ndarray, sim: np.ndarray, cut: float, raw: np.ndarray,
                  smooth: np.ndarray | None = None,
                  prior: np.ndarray | None = None,
                  slots: np.ndarray | None = None,
                  tray_margin: float = TRAY_MARGIN) -> np.ndarray:
    """Labels for free cards (-1 = misc); samples big pools for speed.

    `smooth`: the kNN-smoothed vectors `sim` was built from (recomputed when not given).
    `prior`: the board's memory term (hysteresis, `_memory`), added to the similarity and
    to the refinement's objective. `slots` (`_slots`): where the board showed each card, for
    the card-level stay rule and the tray (`_stay`, `_tray`).
    """
    n = len(x)
    cut = pool_cut(cut, n)
    if n <= BIG_POOL:
        if prior is not None:
            sim = sim + prior
        labels = average_linkage(sim, cut)
        if n <= REFINE_MAX:  # objective: the similarity blended with its second order
            w = np.float32(SECOND_ORDER_WEIGHT)
            xs = knn_smooth(x) if smooth is None else smooth
            objective = (1 - w) * sim + w * second_order(xs)
            if prior is not None:
                objective = objective + w * prior
            labels = refine_cpm(labels, objective, 1.0 - cut)
        labels = absorb_small(labels, raw @ raw.T)
        if slots is not None:
            plain = sim if prior is None else sim - prior
            if STAY_MARGIN > 0:
                labels = _stay(labels, plain, slots, 1.0 - cut)
            labels = _hold_splits(labels, plain, slots, 1.0 - cut)
            labels = _tray(labels, plain, slots, 1.0 - cut, tray_margin)
        return relabel(labels)
    rng = np.random.default_rng(0)
    sample = np.sort(rng.choice(n, SAMPLE, replace=False))
    sub = blended(knn_smooth(x[sample]))
    rs = raw[sample]
    lab_s = relabel(absorb_small(average_linkage(sub, cut), rs @ rs.T))
    labels = np.full(n, -1, dtype=int)
    labels[sample] = lab_s
    k = lab_s.max(initial=-1) + 1
    if k == 0:
        return labels
    cents = unit(np.vstack([x[sample[lab_s == c]].mean(axis=0) for c in range(k)]))
    rest = np.setdiff1d(np.arange(n), sample)
    cos = x[rest] @ cents.T
    best = cos.argmax(axis=1)
    ok = cos[np.arange(len(rest)), best] >= ASSIGN_MIN
    labels[rest[ok]] = best[ok]
    return labels


NEW, TRAY = -1, -2  # `_slots` of a card the board has not shown yet / showed in Divers


def _slots(ids: Sequence[str], previous: Sequence[Theme]) -> np.ndarray:
    """Index of the real theme the board showed each card in (`NEW`: not shown yet,
    `TRAY`: shown in Divers)."""
    where = {cid: j for j, t in enumerate(t for t in previous if not t.misc)
             for cid in t.card_ids}
    tray = {cid for t in previous if t.misc for cid in t.card_ids}
    return np.array([where.get(c, TRAY if c in tray else NEW) for c in ids], dtype=int)


def _tray(labels: np.ndarray, sim: np.ndarray, slots: np.ndarray, bar: float,
          margin: float = TRAY_MARGIN) -> np.ndarray:
    """First-placement hysteresis: a card the board showed in Divers (the tray of cards not
    placed yet) leaves it only for a theme it clearly fits, its mean similarity to the
    theme's other cards at least `bar + margin` (`TRAY_MARGIN`, or the embedder's
    `tray_margin`); a group left with fewer than `MIN_SIZE` cards, none of them shown in a
    theme, goes back to Divers, and one with shown cards is kept only as what is left of a
    shown theme (`_send_back`).

    A card that leaves Divers moves once, so it should move where it stays: early on a
    Divers card's best cluster is often a guess that the next regroupings correct, and the
    room saw it go from Divers to one theme, then to another (issue 15, round 9).
    """
    out = labels.copy()
    for i in np.flatnonzero((slots == TRAY) & (labels >= 0)):
        mates = np.flatnonzero(labels == labels[i])
        mates = mates[mates != i]
        if not len(mates) or float(sim[i, mates].mean()) < bar + margin:
            out[i] = -1
    ids, counts = np.unique(out[out >= 0], return_counts=True)
    for c in ids[counts < MIN_SIZE]:
        members = np.flatnonzero(out == c)
        if not (slots[members] >= 0).any():
            out[members] = -1
        else:
            _send_back(out, int(c), members, slots)
    return out


def _send_back(out: np.ndarray, group: int, members: np.ndarray, slots: np.ndarray) -> None:
    """A group of fewer than `MIN_SIZE` cards is a theme only as what is left of a shown one
    (the successor of a member's theme); otherwise its cards shown in a theme go back to
    their theme's successor and the others to Divers (in place, in `out`).

    Without this the stay rule let a shown card follow tray cards into a new cluster, the
    tray then kept those cards, and the board showed a one- or two-card theme that the next
    regrouping dissolved: two moves for nothing (issue 15, round 10).
    """
    shown = members[slots[members] >= 0]
    for i in shown:
        mates = np.flatnonzero(slots == slots[i])
        placed = out[mates[out[mates] >= 0]]
        if int(np.bincount(placed).argmax()) == group:
            return
    for i in shown:
        mates = np.flatnonzero(slots == slots[i])
        placed = out[mates[(mates != i) & (out[mates] >= 0)]]
        if len(placed):
            out[i] = int(np.bincount(placed).argmax())
    rest = members[out[members] == group]
    if len(rest) < len(members):
        out[rest[slots[rest] < 0]] = -1


def _stay(labels: np.ndarray, sim: np.ndarray, slots: np.ndarray, bar: float) -> np.ndarray:
    """Card-level hysteresis: a card the board showed in a theme stays with that theme's
    successor (the new cluster holding most of its former mates) unless its new place is
    closer by `STAY_MARGIN` (mean similarity; Divers counts as the join bar `bar`).

    The memory term moves whole groups; this catches the single cards that still flip
    between two near-equal themes from one regrouping to the next (issue 15).
    """
    out = labels.copy()
    for s in np.unique(slots[slots >= 0]):
        mates = np.flatnonzero(slots == s)
        if len(mates) < 2:
            continue
        for i in mates:
            others = labels[mates[mates != i]]
            others = others[others >= 0]
            if not len(others):
                continue
            succ = int(np.bincount(others).argmax())
            if labels[i] == succ:
                continue
            members = np.flatnonzero(labels == succ)
            there = float(sim[i, members].mean())
            if labels[i] >= 0:
                here_m = np.flatnonzero(labels == labels[i])
                here_m = here_m[here_m != i]
                here = float(sim[i, here_m].mean()) if len(here_m) else bar
            else:
                here = bar
            if here - there < STAY_MARGIN:
                out[i] = succ
    return out


def _hold_splits(labels: np.ndarray, sim: np.ndarray, slots: np.ndarray, bar: float,
                 margin: float | None = None) -> np.ndarray:
    """Split hysteresis: cards of one shown theme that leave its successor together go back
    unless the evidence without each other is clear. Their mean similarity to the cards of
    their new cluster that were not in their theme (for a cluster of their theme's cards
    only: to each other) must beat their mean similarity to the successor by `margin`
    (`SPLIT_MARGIN`). When a split is held, new and tray cards left in a cluster of fewer
    than `MIN_SIZE` follow into the successor if they reach the join bar `bar` (else
    `_tray` keeps them).

    The per-card stay rule lets such groups through: each card counts its fellow leavers
    as evidence. Most of these splits were between two themes neither of which was the
    cards' own (issue 15, round 12: dev and b-k, 4 orders, moves 0.297 -> 0.280 per card).
    """
    margin = SPLIT_MARGIN if margin is None else margin
    out = labels.copy()
    for s in np.unique(slots[slots >= 0]):
        mates = np.flatnonzero(slots == s)
        placed = labels[mates][labels[mates] >= 0]
        if len(mates) < MIN_SIZE or not len(placed):
            continue
        succ = int(np.bincount(placed).argmax())
        for c in np.unique(placed):
            group = mates[labels[mates] == c]
            if c == succ or len(group) < 2:
                continue
            others = np.flatnonzero((labels == c) & (slots != s))
            if len(others):
                there = float(sim[np.ix_(group, others)].mean())
            else:
                block = sim[np.ix_(group, group)]
                there = float((block.sum() - np.trace(block)) / (len(group) * (len(group) - 1)))
            here = float(sim[np.ix_(group, np.flatnonzero(labels == succ))].mean())
            if there - here >= margin:
                continue
            out[group] = succ
            rest = np.flatnonzero(out == c)
            if 0 < len(rest) < MIN_SIZE:
                home = np.flatnonzero(out == succ)
                for i in rest[slots[rest] < 0]:
                    if float(sim[i, home].mean()) >= bar:
                        out[i] = succ
    return out


def _memory(ids: Sequence[str], previous: Sequence[Theme]) -> np.ndarray | None:
    """(n x n) board memory: +1 for two cards shown in one theme, -1 for two cards shown in
    two columns (two real themes, or a theme and the Divers tray), 0 otherwise (new cards,
    two cards of the tray); None without a real previous theme.

    Added to the similarity it is the engine's hysteresis: a card leaves its theme, and
    themes split or merge, only when the evidence beats the bonus (see docs/clustering.md).
    A tray card and a theme's card count as shown apart since round 10: a forming theme
    pulls a theme's card out with tray cards less often (dev and b-e, 16 arrival orders:
    moves per card 0.305 -> 0.300, final live ARI 0.389 -> 0.392).
    """
    slot = _slots(ids, previous)
    known = slot >= 0
    if not known.any():
        return None
    shown = known | (slot == TRAY)
    same = (slot[:, None] == slot[None, :]) & known[:, None]
    apart = shown[:, None] & shown[None, :] & (known[:, None] | known[None, :])
    out = np.where(same, 1.0, np.where(apart, -1.0, 0.0)).astype(np.float32)
    np.fill_diagonal(out, 0.0)
    return out


def _tight_groups(raw: np.ndarray, min_sim: float = TIGHT_SIM,
                  min_size: int = TIGHT_MIN) -> list[list[int]]:
    """Groups of >= `min_size` leftovers whose average raw cosine is >= `min_sim`.

    Pool centring and shared neighbours need a pool: with a handful of cards (start of a
    session) near-identical cards would all land in Divers. Raw cosines do not depend on
    the pool, so a tight group becomes a theme as soon as it exists.
    """
    if len(raw) < min_size or len(raw) > TIGHT_MAX_POOL:
        return []
    labels = average_linkage(raw @ raw.T, 1.0 - min_sim)
    ids, counts = np.unique(labels, return_counts=True)
    return [np.flatnonzero(labels == i).tolist() for i, c in zip(ids, counts, strict=True)
            if c >= min_size]


def _seed_vectors(seeds: Sequence[SeedTheme], cache: VectorCache) -> list[np.ndarray | None]:
    """Raw (uncentred) unit centroid per seed theme, or None when it has nothing usable."""
    out: list[np.ndarray | None] = []
    for s in seeds:
        if s.centroid is not None:
            v = np.asarray(s.centroid, dtype=np.float32)
            out.append(v / (np.linalg.norm(v) or 1.0))
        elif s.examples:
            v = cache.vectors(list(s.examples)).mean(axis=0)
            out.append(v / (np.linalg.norm(v) or 1.0))
        else:
            out.append(None)
    return out


def _pool_bars(bars: tuple[float, float, float], space: ConceptSpace | None,
               closeness: np.ndarray | None) -> tuple[float, float, float]:
    """The backend's bars for one pool: the tray's margin (in similarity units) shrinks with
    the concept view's coverage share (`ConceptSpace.coverage_share`), to the power
    `TRAY_COVER_POWER`.

    A lighter view lowers the similarities within themes: with the round-10 margin, replays
    of the fresh sets h and i left 15-23 % of the cards in the tray to the end (round 11).
    """
    if closeness is None or space is None:
        return bars
    cover = space.coverage_share(closeness.max(axis=1))
    return bars[0], bars[1], bars[2] * cover ** TRAY_COVER_POWER


def _pool_groups(ids: list[str], raw: np.ndarray, granularity: float, constraints: Constraints,
                 seeds: Sequence[SeedTheme], seed_vecs: list[np.ndarray | None],
                 kind: str | None,
                 bars: tuple[float, float, float] = (TIGHT_SIM, SEED_RAW, TRAY_MARGIN),
                 view: np.ndarray | None = None,
                 reference: np.ndarray | None = None,
                 shown: Sequence[Theme] = (),
                 ) -> tuple[list[_Group], np.ndarray]:
    """Cluster one kind's pool into groups; returns groups and the centred vectors compared.

    `bars`: the backend's bars (raw cosine of a tight group of leftovers and of a lone card
    to a seed; the tray's margin, `_tray`).
    `view`: the vectors clustering compares when not `raw` (raw + concept profile,
    `concepts.py`); tight groups and seeds stay in the backend's own space. `reference`:
    the domain's mean view, blended into the centre of small pools (`CENTRE_PRIOR`).
    `shown`: the board's previous themes of this kind (`_memory`, hysteresis).
    """
    n = len(ids)
    if view is None:
        view = raw
    if reference is not None and len(view):
        share = n / (n + CENTRE_PRIOR)
        x = centre(view, share * view.mean(axis=0) + (1 - share) * reference)
    else:
        x = centre(view)
    cut = cut_distance(granularity)
    anchors = _anchor_groups(ids, constraints)
    forced = {p for members in anchors.values() for p in members}
    free = [p for p in range(n) if p not in forced]
    groups: list[_Group] = [
        _Group(members, anchor=tid, closed=bool(tid in constraints.pinned
                                                and constraints.pinned[tid].closed))
        for tid, members in anchors.items()
    ]
    groups.extend(_Group([], anchor=tid, closed=p.closed)
                  for tid, p in constraints.pinned.items() if tid not in anchors)
    if not free:
        return groups, x
    xs = knn_smooth(x) if n <= BIG_POOL else None
    sim_all = blended(xs) if xs is not None else None
    fx = x[free]
    if len(free) > BIG_POOL:  # sampled inside _cluster_free
        labels = _cluster_free(fx, np.zeros((0, 0), dtype=np.float32), cut, view[free])
    else:
        fxs = xs[free] if xs is not None else knn_smooth(fx)
        sim_free = sim_all[np.ix_(free, free)] if sim_all is not None else blended(fxs)
        prior = None
        lo, hi = MEMORY_FADE
        fade = min(1.0, max(0.0, (hi - len(free)) / (hi - lo)))
        m = _memory([ids[p] for p in free], shown) if shown and fade > 0 else None
        slots = _slots([ids[p] for p in free], shown) if shown and fade >= 1 else None
        if m is not None:
            prior = fade * np.where(m > 0, MEMORY_KEEP, MEMORY_APART * m).astype(np.float32)
        labels = _cluster_free(fx, sim_free, cut, view[free], fxs, prior, slots, bars[2])
    clusters: dict[int, list[int]] = defaultdict(list)
    misc: list[int] = []
    for j, lab in enumerate(labels):
        (clusters[int(lab)] if lab >= 0 else misc).append(free[j])
    open_anchors = [g for g in groups if not g.closed and g.members]
    join_sim = 1.0 - cut

    def anchor_sim(members: list[int], g: _Group) -> float:
        if sim_all is not None:
            return _mean_sim(sim_all, members, g.members)
        c = unit(x[g.members].mean(axis=0, keepdims=True))[0]
        return float((x[members] @ c).mean())

    new_groups: list[_Group] = []
    for members in clusters.values():
        scores = [anchor_sim(members, g) for g in open_anchors]
        if scores and max(scores) >= join_sim:
            open_anchors[int(np.argmax(scores))].members.extend(members)
        else:
            new_groups.append(_Group(members))
    still_misc: list[int] = []
    for p in misc:
        scores = [anchor_sim([p], g) for g in open_anchors]
        if scores and max(scores) >= join_sim:
            open_anchors[int(np.argmax(scores))].members.append(p)
        else:
            still_misc.append(p)
    unit_raw = unit(raw)
    for grp in _tight_groups(unit_raw[still_misc], bars[0]):
        new_groups.append(_Group([still_misc[j] for j in grp]))
    taken = {p for g in new_groups for p in g.members}
    still_misc = [p for p in still_misc if p not in taken]
    mean = raw.mean(axis=0)
    seed_x = x if view is raw else centre(raw, mean)
    _apply_seeds(new_groups, still_misc, seed_x, unit_raw, mean, seeds, seed_vecs, kind, bars[1])
    groups.extend(g for g in new_groups if g.members)
    return groups, x


def _seed_scores(centred: np.ndarray, raw: np.ndarray, sv: np.ndarray, rv: np.ndarray,
                 pool_size: int, single: bool, raw_bar: float = SEED_RAW) -> np.ndarray:
    """Match score per seed, >= 0 when it passes: centred cosine (pools of >= 8 cards) or raw.

    Centring needs a pool: a lone card minus the pool mean is a zero vector, so small pools
    (and single cards, when very close) use the raw cosine with its own bar. Centroids of
    whole clusters in real pools share the domain's common direction, so they use only the
    centred score.
    """
    if pool_size < SMALL_POOL:
        return raw @ rv.T - raw_bar
    score = centred @ sv.T - SEED_SIM
    return np.maximum(score, raw @ rv.T - raw_bar) if single else score


def _apply_seeds(new_groups: list[_Group], misc: list[int], x: np.ndarray, raw: np.ndarray,
                 mean: np.ndarray, seeds: Sequence[SeedTheme],
                 seed_vecs: list[np.ndarray | None], kind: str | None,
                 raw_bar: float = SEED_RAW) -> None:
    """Label clusters close to remembered themes; misc cards close to one form/join it."""
    usable = [(s, v) for s, v in zip(seeds, seed_vecs, strict=True)
              if v is not None and (s.kind is None or kind is None or s.kind == kind)]
    if usable:
        rv = np.vstack([v for _, v in usable])
        sv = unit(rv - mean)
        n = len(x)
        for g in new_groups:
            score = _seed_scores(unit(x[g.members].mean(axis=0, keepdims=True))[0],
                                 unit(raw[g.members].mean(axis=0, keepdims=True))[0], sv, rv, n,
                                 len(g.members) == 1, raw_bar)
            best = int(np.argmax(score))
            if score[best] >= 0:
                g.seed = usable[best][0].label
        by_label: dict[str, _Group] = {}
        for g in list(new_groups):
            if g.seed is None:
                continue
            if g.seed in by_label:
                by_label[g.seed].members.extend(g.members)
                g.members = []
            else:
                by_label[g.seed] = g
        rest: list[int] = []
        for p in misc:
            score = _seed_scores(x[p], raw[p], sv, rv, n, True, raw_bar)
            best = int(np.argmax(score))
            if score[best] >= 0:
                lab = usable[best][0].label
                if lab not in by_label:
                    by_label[lab] = _Group([], seed=lab)
                    new_groups.append(by_label[lab])
                by_label[lab].members.append(p)
            else:
                rest.append(p)
        misc[:] = rest
    if misc:
        new_groups.append(_Group(list(misc), misc=True))


def _anchor_kinds(cards: Sequence[Card], kinds: list[str | None],
                  constraints: Constraints) -> dict[str, str | None]:
    """Kind of each facilitator theme: the pinned kind, else its cards' majority kind."""
    votes: dict[str, Counter] = defaultdict(Counter)
    for card, kind in zip(cards, kinds, strict=True):
        tid = constraints.forced_theme(card.id)
        if tid is not None:
            votes[tid][kind] += 1
    out: dict[str, str | None] = {}
    for tid, c in votes.items():
        pin = constraints.pinned.get(tid)
        out[tid] = pin.kind if pin is not None and pin.kind else c.most_common(1)[0][0]
    return out


def cluster(cards: Sequence[Card], granularity: float = 0.5,
            previous: Sequence[Theme] | None = None, constraints: Constraints | None = None,
            seed_themes: Sequence[SeedTheme] = (), *, backend: str | Embedder = "use",
            cache: VectorCache | None = None,
            concepts: ConceptSpace | bool = True, language: str | None = None) -> list[Theme]:
    """Group cards into themes, per kind, keeping facilitator decisions and previous ids.

    `granularity`: 0 = few big themes, 1 = many small ones. Cards whose kind is None get a
    predicted kind. Small leftovers go to one "Divers / Other" theme per kind.
    `concepts`: the domain's concept view (True: the programme's lexicon, False: none).
    `language`: the screen's ("fr"/"en"): the words the engine adds (the misc theme's name,
    concept names) are in it; None: the cards' majority language.
    """
    constraints = constraints or Constraints()
    previous = list(previous or [])
    cache = cache or get_cache(backend)
    cards = list({c.id: c for c in cards}.values())
    if not cards:
        return []
    vectors = cache.vectors([c.text for c in cards])
    kinds: list[str | None] = [c.kind for c in cards]
    unknown = [i for i, k in enumerate(kinds) if k is None]
    if unknown:
        guesses = classify_kinds([cards[i].text for i in unknown], cache.embedder,
                                 vectors[unknown])
        for i, (kind, _) in zip(unknown, guesses, strict=True):
            kinds[i] = kind
    anchor_kind = _anchor_kinds(cards, kinds, constraints)
    pools: dict[str | None, list[int]] = defaultdict(list)
    for i, card in enumerate(cards):
        tid = constraints.forced_theme(card.id)
        pools[anchor_kind[tid] if tid is not None else kinds[i]].append(i)
    seed_vecs = _seed_vectors(seed_themes, cache) if seed_themes else []
    bars = (float(getattr(cache.embedder, "tight_similarity", TIGHT_SIM)),
            float(getattr(cache.embedder, "seed_similarity", SEED_RAW)),
            float(getattr(cache.embedder, "tray_margin", TRAY_MARGIN)))
    allocator = IdAllocator(
        [t.id for t in previous] + list(constraints.pinned)
        + list(constraints.assignments.values()), [t.colour for t in previous])
    prev_colour = {t.id: t.colour for t in previous}
    space = domain_concepts() if concepts is True else (concepts or None)
    concept_names = frozenset(n for pair in (space.labels.values() if space else ())
                              for n in pair)
    themes: list[Theme] = []
    for kind in sorted(pools, key=lambda k: (k is None, k or "")):
        idx = pools[kind]
        ids = [cards[i].id for i in idx]
        pinned_here = Constraints(
            pinned={t: p for t, p in constraints.pinned.items()
                    if (p.kind or anchor_kind.get(t)) == kind},
            assignments=constraints.assignments, labels=constraints.labels)
        raw = vectors[idx]
        texts = [cards[i].text for i in idx]
        view, closeness, reference = (space.view(raw, cache, texts) if space is not None
                                      else (raw, None, None))
        shown = [t for t in previous if t.kind == kind]
        pool_bars = _pool_bars(bars, space, closeness)
        groups, x = _pool_groups(ids, raw, granularity, pinned_here, seed_themes,
                                 seed_vecs, kind, pool_bars, view, reference, shown)
        fallback: dict[int, tuple[str, float]] = {}
        named = (_concept_names(groups, space.naming_closeness(raw, cache, texts, closeness),
                                space, texts, language, fallback)
                 if closeness is not None and space is not None else {})
        phrased = (_phrase_names(groups, raw, texts, named, cache)
                   if len(texts) <= PHRASE_POOL else {})
        themes.extend(_to_themes(groups, idx, x, cards, kind, previous, constraints,
                                 allocator, prev_colour, named, concept_names, language,
                                 fallback, phrased))
    return themes


def name_groups(cards: Sequence[Card], groups: Sequence[Sequence[str]], *,
                backend: str | Embedder = "use", cache: VectorCache | None = None,
                concepts: ConceptSpace | bool = True,
                language: str | None = None) -> list[Theme]:
    """Name given groups of card ids as `cluster` names its own themes (evaluation: how
    good the names are when the grouping is right). Cards need a kind; a group's kind is
    its first card's."""
    cache = cache or get_cache(backend)
    by_id = {c.id: c for c in cards}
    space = domain_concepts() if concepts is True else (concepts or None)
    pools: dict[str | None, list[list[str]]] = defaultdict(list)
    for g in groups:
        if g:
            pools[by_id[g[0]].kind].append(list(g))
    allocator = IdAllocator([], [])
    out: list[Theme] = []
    for kind, members in pools.items():
        ids = [cid for g in members for cid in g]
        pool = [by_id[cid] for cid in ids]
        texts = [c.text for c in pool]
        raw = cache.vectors(texts)
        view, closeness, reference = (space.view(raw, cache, texts) if space is not None
                                      else (raw, None, None))
        share = len(ids) / (len(ids) + CENTRE_PRIOR)
        x = centre(view) if reference is None else centre(
            view, share * view.mean(axis=0) + (1 - share) * reference)
        pos = {cid: i for i, cid in enumerate(ids)}
        built = [_Group([pos[cid] for cid in g]) for g in members]
        fallback: dict[int, tuple[str, float]] = {}
        named = (_concept_names(built, space.naming_closeness(raw, cache, texts, closeness),
                                space, texts, language, fallback)
                 if closeness is not None and space is not None else {})
        phrased = (_phrase_names(built, raw, texts, named, cache)
                   if len(texts) <= PHRASE_POOL else {})
        out.extend(_to_themes(built, list(range(len(pool))), x, pool, kind, [], Constraints(),
                              allocator, {}, named, frozenset(), language, fallback, phrased))
    return out


def _concept_names(groups: list[_Group], closeness: np.ndarray, space: ConceptSpace,
                   texts: Sequence[str], language: str | None = None,
                   fallback: dict[int, tuple[str, float]] | None = None) -> dict[int, str]:
    """Concept names for new themes: {id(group): the concept's name}, in `language` (the
    screen's) when given, else in the cards' language.

    A concept names the theme it sets apart: its distinctiveness for a theme is the theme's
    cards' mean closeness to it (`ConceptSpace.closeness`) minus the other cards' of the
    pool. Concepts and themes are paired one to one for the largest total (Hungarian), and a
    pair names its theme when the distinctiveness reaches `CONCEPT_BAR` (issue 15: on the
    dev sets' own gold groups 0.55 -> 0.72 of names right, the counting rule it replaces
    named a theme after the concept most of its cards were closest to). `fallback` (filled
    when given) gets, for the other themes, their most distinctive concept left and its
    distinctiveness, for weak labels (`_fallback_name`).
    """
    fallback = {} if fallback is None else fallback
    eligible = [g for g in groups if not (g.misc or g.anchor is not None or g.seed is not None
                                          or len(g.members) < LOOSE_MIN)]
    n = len(closeness)
    if not eligible or n == 0:
        return {}
    total = closeness.sum(axis=0)
    distinct = np.vstack([_distinctiveness(closeness, g.members, total) for g in eligible])
    has_name = np.array([space.label(c, "fr") is not None for c in range(distinct.shape[1])])
    distinct[:, ~has_name] = -np.inf
    cover = np.vstack([_coverage(closeness, g.members) for g in eligible])
    rank = distinct + COVERAGE * cover * (distinct > 0)
    rows, cols = linear_sum_assignment(-np.where(np.isfinite(rank), rank, -1e3))
    out: dict[int, str] = {}
    used: set[int] = set()

    def name_of(concept: int, g: _Group) -> str | None:
        return space.label(concept, language
                           or majority_language([texts[p] for p in g.members]))

    for r, c in zip(rows, cols, strict=True):
        g = eligible[int(r)]
        if distinct[r, c] >= CONCEPT_BAR and (name := name_of(int(c), g)):
            head = _family_head(distinct[r], space)
            out[id(g)] = (name_of(head, g) if head is not None else None) or name
            if head is None and (second := _second_concept(int(c), distinct[r], cover[r])) \
                    is not None and (other := name_of(second, g)):
                lang = language or majority_language([texts[p] for p in g.members])
                pair = (_pair(name, other, lang) if cover[r, c] >= cover[r, second]
                        else _pair(other, name, lang))  # the larger share first
                out[id(g)] = pair or name
            used.add(int(c))
    for r, g in enumerate(eligible):
        if id(g) in out:
            continue
        for c in np.argsort(-rank[r]):
            if int(c) not in used and np.isfinite(distinct[r, c]):
                if (name := name_of(int(c), g)) and distinct[r, c] > 0:
                    used.add(int(c))
                    fallback[id(g)] = (name, float(distinct[r, c]))
                break
    return out


def _phrase_names(groups: list[_Group], raw: np.ndarray, texts: Sequence[str],
                  named: dict[int, str], cache: VectorCache) -> dict[int, str]:
    """Names from the themes' own cards (`phrasenames`) for the themes no concept names:
    {id(group): noun phrase}, in the cards' language. Each is ranked against every theme of
    the pool (its distinctiveness); only the unnamed themes' candidates are embedded.

    Only for pools of a workshop's size (`PHRASE_POOL`): on the public sets (pools of
    1,000-2,000 cards, themes of 50-120) the ranked phrases were shorter and read worse than
    the cards' class-based TF-IDF phrases ("Port" for "Port du masque", "Match" for "Sport
    olympique"), which stay there; on a workshop's themes of 3-15 cards those are the noisy
    ones ("Yeux", "Colis le dimanche soir", "Lille en novembre").

    Round 12 (docs/clustering.md): letting a phrase replace a concept name that fits its
    theme less well (sentence vectors), or a concept name few of the cards share a word with,
    lost names on every margin tried: the concept names stay.
    """
    regular = [g for g in groups if not g.misc and g.members]
    todo = [gi for gi, g in enumerate(regular) if id(g) not in named]
    if not todo:
        return {}
    member_texts = [[texts[p] for p in g.members] for g in regular]
    cents = centroids([raw[g.members] for g in regular])
    found = phrase_names(member_texts, cents, cache.vectors,
                         [majority_language(t) for t in member_texts],
                         pool_verbs(texts), only=todo)
    return {id(regular[gi]): best[0] for gi, best in enumerate(found) if best is not None}


def _second_concept(first: int, distinct: np.ndarray, cover: np.ndarray) -> int | None:
    """The concept that shares a mixed theme with `first`, or None: the other of the two
    concepts most of its cards are closest to, when each holds at least `PAIR_MIN` of the
    cards, the smaller share is at least `PAIR_SHARE` of the larger, and it too sets the
    theme apart (`CONCEPT_BAR`)."""
    for c in np.argsort(-cover)[:2]:
        c = int(c)
        low, high = sorted((cover[c], cover[first]))
        if c != first and low >= PAIR_MIN and low >= PAIR_SHARE * high \
                and distinct[c] >= CONCEPT_BAR:
            return c
    return None


_LEADING_ARTICLE = re.compile(r"^(?:(?:les|la|le|the)\s+|l')", re.IGNORECASE)


def _pair(first: str, second: str, language: str) -> str | None:
    """"First et second" for a theme two concepts share ("Pression familiale et transferts
    d'argent"), or None when either name already joins two ("Finance solidaire et
    tontines") or the pair would run past `PAIR_WORDS` words."""
    joiner = " and " if language == "en" else " et "
    if any(j in name for name in (first, second) for j in (" et ", " and ")):
        return None
    rest = _LEADING_ARTICLE.sub("", second)
    joined = first + joiner + (rest if rest[:2].isupper() else rest[:1].lower() + rest[1:])
    return joined if len(joined.split()) <= PAIR_WORDS else None


def _distinctiveness(closeness: np.ndarray, members: Sequence[int],
                     total: np.ndarray) -> np.ndarray:
    """Per concept: the members' mean closeness minus the pool's other cards'."""
    own = closeness[members]
    return own.mean(axis=0) - (total - own.sum(axis=0)) / max(1, len(closeness) - len(members))


def _coverage(closeness: np.ndarray, members: Sequence[int]) -> np.ndarray:
    """Per concept: the share of the members closest to it of all concepts. Added (times
    `COVERAGE`) to a distinctive concept's rank, so that a theme mixing two topics is named
    after the one most of its cards are about (round 9: dev and b-e, 80 % subsamples, names
    judged right 0.602 -> 0.61-0.62 for weights 0.2-0.4); the bar stays on distinctiveness.
    Round 11 (150 concepts, many of them near neighbours): a card counts for every concept
    within `NEAR_TOP` of its closest one (near-synonymous concepts no longer split a theme's
    cards between them), and a share under `COVER_MIN` counts 0 (one card of nine closest to a
    loose neighbour outranked the concept the theme is about: "Semences et intrants" for an
    agroecology theme, "Dépenses des cérémonies" for pricing)."""
    own = closeness[members]
    near = own >= own.max(axis=1, keepdims=True) - NEAR_TOP
    share = near.sum(axis=0) / max(1, len(own))
    return np.where(share >= COVER_MIN, share, 0.0)


def _family_head(score: np.ndarray, space: ConceptSpace) -> int | None:
    """The family head of a theme's two most distinctive concepts (`score`: the theme's
    distinctiveness per concept) when they are siblings and the second has at least
    `FAMILY_SHARE` of the first's distinctiveness, else None: a theme between legal status
    and residence-permit paperwork is "Démarches administratives".

    Round 9 (docs/clustering.md): names judged right on dev and b-e with 80 % subsamples
    0.573 -> 0.595, gold groups 0.72 -> 0.77. Two themes may then share a name (the board
    shows both: a facilitator may merge them).
    """
    top = np.argsort(-score)[:2]
    if len(top) < 2 or not np.isfinite(score[top[1]]) or score[top[1]] <= 0:
        return None
    first, second = int(top[0]), int(top[1])
    head = space.family(first)
    if head is None or space.family(second) != head \
            or score[second] < FAMILY_SHARE * score[first]:
        return None
    return head


def _fallback_name(label: str, texts: Sequence[str],
                   concept: tuple[str, float] | None) -> str | None:
    """A concept's name instead of the cards' own label when that label is weak: a name a
    facilitator would not project (`labelcheck.rubric_failures`: "Projet", "Arrete"), or a
    lone keyword ("Bus", "Cours") when the concept sets the theme apart a little."""
    if concept is None:
        return None
    name, share = concept
    if rubric_failures(label, texts):
        return name
    return name if len(label.split()) == 1 and share >= WEAK_BAR else None


def _names_concepts(label: str, concept_names: frozenset[str]) -> bool:
    """The label is a concept's name, or two joined by `_pair` ("X et Y")."""
    if label in concept_names:
        return True
    for joiner in (" et ", " and "):
        first, _, second = label.partition(joiner)
        if second and first in concept_names and second in _second_forms(concept_names):
            return True
    return False


@lru_cache(maxsize=8)
def _second_forms(concept_names: frozenset[str]) -> frozenset[str]:
    """Concept names as `_pair` writes them second ("Les jeunes" -> "jeunes")."""
    out = set()
    for name in concept_names:
        rest = _LEADING_ARTICLE.sub("", name)
        out.add(rest if rest[:2].isupper() else rest[:1].lower() + rest[1:])
    return frozenset(out)


def _kept_name(previous: Theme | None, members: Sequence[str], concept: str | None,
               concept_names: frozenset[str]) -> str | None:
    """The name the board showed for this theme, kept while the theme is the same one.

    Same theme: at least half of its cards were in it. A concept's name still replaces a
    phrase label (it names what the cards share, see `_concept_names`).
    """
    if previous is None or previous.misc or not previous.label:
        return None
    if 2 * len(set(previous.card_ids).intersection(members)) < len(members):
        return None
    if concept and concept != previous.label \
            and not _names_concepts(previous.label, concept_names):
        return None
    return previous.label


def _to_themes(groups: list[_Group], idx: list[int], x: np.ndarray, cards: Sequence[Card],
               kind: str | None, previous: Sequence[Theme], constraints: Constraints,
               allocator: IdAllocator, prev_colour: dict[str, str],
               named: dict[int, str] | None = None,
               concept_names: frozenset[str] = frozenset(),
               language: str | None = None,
               fallback: dict[int, tuple[str, float]] | None = None,
               phrased: dict[int, str] | None = None) -> list[Theme]:
    """Name, identify and colour one pool's groups (`named`: concept names, `fallback`:
    concept names for weak labels, see above; `concept_names`: every name a concept may
    give); the misc theme is named in `language` (the screen's), else in the cards'."""
    named = named or {}
    fallback = fallback or {}
    phrased = phrased or {}
    regular = [g for g in groups if not g.misc and (g.members or g.anchor)]
    misc = [g for g in groups if g.misc and g.members]
    texts = [[cards[idx[p]].text for p in g.members] for g in regular]
    labelled = label_groups(texts, [x[g.members] if g.members else None for g in regular])
    taken = set(constraints.pinned) | set(constraints.assignments.values())
    prev_kind = [t for t in previous if t.kind == kind and not t.misc and t.id not in taken]
    free_groups = [g for g in regular if g.anchor is None]
    matches = match_previous([[cards[idx[p]].id for p in g.members] for g in free_groups],
                             prev_kind)
    match_of = {id(g): m for g, m in zip(free_groups, matches, strict=True)}
    prefix = kind or "theme"
    out: list[Theme] = []
    for g, group_texts, (auto_label, example) in zip(regular, texts, labelled, strict=True):
        m = match_of.get(id(g)) if g.anchor is None else None
        tid = g.anchor or (m.id if m is not None else allocator.new_id(prefix))
        colour = prev_colour.get(tid) or allocator.new_colour()
        prev_colour[tid] = colour
        pin = constraints.pinned.get(tid)
        members = [cards[idx[p]].id for p in g.members]
        auto_label = phrased.get(id(g)) or auto_label
        concept = named.get(id(g)) or _fallback_name(auto_label, group_texts,
                                                     fallback.get(id(g)))
        kept = _kept_name(m, members, concept, concept_names)
        label = (pin.label if pin is not None else None) or constraints.labels.get(tid) \
            or g.seed or kept or concept or auto_label
        out.append(Theme(id=tid, kind=kind, label=label,
                         card_ids=tuple(members), colour=colour,
                         example=example, pinned=pin is not None, seed_label=g.seed))
    for g in misc:
        members = [cards[idx[p]].text for p in g.members]
        lang = "en" if (language or majority_language(members)) == "en" else "fr"
        tid = f"other-{prefix}"
        if tid in taken or tid in {t.id for t in out}:  # the facilitator took over that id
            tid = allocator.new_id(tid)
        out.append(Theme(id=tid, kind=kind,
                         label=constraints.labels.get(tid, MISC_LABELS[lang]),
                         card_ids=tuple(cards[idx[p]].id for p in g.members),
                         colour=MISC_COLOUR, example=members[0] if members else "", misc=True))
    return out
