"""cluster(): quality on an obvious fixture, per-kind themes, stability, granularity."""

from __future__ import annotations

import numpy as np
from clustering_fixtures import CHILDCARE, TRANSPORT, fixture_cards

from facilitation.clustering import Card, SeedTheme, ari, cluster
from facilitation.clustering.agglomerate import absorb_small, pool_cut, refine_cpm

BACKEND = "lexical"


def _gold(cards: list[Card]) -> dict[str, str]:
    return {c.id: c.id[0] for c in cards}


def test_two_obvious_themes_are_found_with_the_model() -> None:
    cards = [c for c in fixture_cards() if c.kind == "blocker"]
    themes = cluster(cards, backend="use")
    pred = {cid: t.id for t in themes for cid in t.card_ids}
    gold = _gold(cards)
    score = ari([gold[c.id] for c in cards], [pred[c.id] for c in cards])
    assert score >= 0.5, (score, [(t.label, len(t.card_ids)) for t in themes])


def test_lexical_backend_separates_the_two_biggest_themes() -> None:
    cards = [c for c in fixture_cards() if c.kind == "blocker"]
    themes = sorted(cluster(cards, backend=BACKEND), key=lambda t: -len(t.card_ids))
    majority = [max("tc", key=lambda g: sum(cid[0] == g for cid in t.card_ids))
                for t in themes[:2]]
    assert sorted(majority) == ["c", "t"]


def test_every_card_in_exactly_one_theme_and_ids_unique_across_kinds() -> None:
    cards = fixture_cards()
    themes = cluster(cards, backend=BACKEND)
    seen = [cid for t in themes for cid in t.card_ids]
    assert sorted(seen) == sorted(c.id for c in cards)
    assert len({t.id for t in themes}) == len(themes)
    kind_of = {c.id: c.kind for c in cards}
    for t in themes:
        assert {kind_of[cid] for cid in t.card_ids} <= {t.kind}
        assert t.label and t.colour.startswith("#")


def test_adding_one_card_keeps_ids_and_colours() -> None:
    cards = [c for c in fixture_cards() if c.kind == "blocker"]
    before = cluster(cards[:-1], backend=BACKEND)
    after = cluster(cards, previous=before, backend=BACKEND)
    old = {t.id: (set(t.card_ids), t.colour) for t in before}
    for t in after:
        if t.id in old:
            assert t.colour == old[t.id][1]
    # every sizeable old theme survives under the same id
    for tid, (members, _) in old.items():
        if len(members) >= 3:
            new = next(t for t in after if t.id == tid)
            assert members <= set(new.card_ids) | {cards[-1].id}


def test_reclustering_same_cards_is_identical() -> None:
    cards = fixture_cards()
    first = cluster(cards, backend=BACKEND)
    second = cluster(cards, previous=first, backend=BACKEND)
    assert {(t.id, t.card_ids) for t in first} == {(t.id, t.card_ids) for t in second}


def test_granularity_controls_number_of_themes() -> None:
    cards = fixture_cards()
    few = cluster(cards, granularity=0.0, backend=BACKEND)
    many = cluster(cards, granularity=1.0, backend=BACKEND)
    assert len(few) <= len(many)


def test_small_leftovers_go_to_misc_theme() -> None:
    sim = np.full((9, 9), 0.1, dtype=np.float32)
    sim[:4, :4] = sim[4:7, 4:7] = 0.8
    sim[7, :4] = sim[:4, 7] = 0.8  # singleton close to the first theme
    sim[8, :] = sim[:, 8] = -0.2  # outlier
    labels = np.array([0, 0, 0, 0, 1, 1, 1, 2, 3])
    out = absorb_small(labels, sim, min_size=3)
    assert list(out) == [0, 0, 0, 0, 1, 1, 1, 0, -1]


def test_misc_theme_is_labelled_divers() -> None:
    cards = [c for c in fixture_cards() if c.kind == "blocker"]
    cards.append(Card("odd", "zxqv wplk", "blocker"))
    for granularity in (0.5, 0.8, 1.0):
        for t in cluster(cards, granularity, backend=BACKEND):
            if t.misc:
                assert t.label in {"Divers", "Other"} and t.id == "other-blocker"


def test_unknown_kind_is_predicted() -> None:
    cards = [Card("a", "il faudrait créer une garderie"), Card("b", "pas de bus le soir")]
    themes = cluster(cards, backend=BACKEND)
    kind = {cid: t.kind for t in themes for cid in t.card_ids}
    assert kind == {"a": "lever", "b": "blocker"}


def test_seed_theme_labels_a_close_cluster() -> None:
    cards = [c for c in fixture_cards() if c.kind == "blocker"]
    seed = SeedTheme("Mobilité", "blocker", examples=tuple(TRANSPORT[:5]))
    themes = cluster(cards, seed_themes=[seed], backend=BACKEND)
    labelled = [t for t in themes if t.label == "Mobilité"]
    assert len(labelled) == 1
    members = set(labelled[0].card_ids)
    transport = members & {f"t{i}" for i in range(len(TRANSPORT))}
    childcare = members & {f"c{i}" for i in range(len(CHILDCARE))}
    assert len(transport) >= 5 and len(transport) > 2 * len(childcare)


def test_pool_cut_is_stricter_for_small_pools_only() -> None:
    assert abs(pool_cut(0.9, 60) - 0.84) < 1e-9
    assert abs(pool_cut(0.9, 300) - 0.87) < 1e-9
    assert pool_cut(0.9, 500) == pool_cut(0.9, 2000) == 0.9


def test_refine_cpm_moves_a_misplaced_card_and_keeps_a_good_partition() -> None:
    # Two blocks of 4 cards (similarity 0.8 inside, 0.0 across); card 3 starts in block B.
    sim = np.zeros((8, 8))
    sim[:4, :4] = sim[4:, 4:] = 0.8
    np.fill_diagonal(sim, 1.0)
    start = np.array([0, 0, 0, 1, 1, 1, 1, 1])
    assert refine_cpm(start, sim, 0.1).tolist() == [0, 0, 0, 0, 1, 1, 1, 1]
    good = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    assert refine_cpm(good, sim, 0.1).tolist() == good.tolist()
    # A card unlike everything (below the threshold) leaves its cluster and stands alone.
    sim[7, :7] = sim[:7, 7] = 0.0
    assert refine_cpm(good, sim, 0.1).tolist() == [0, 0, 0, 0, 1, 1, 1, 2]
