"""What a facilitator sees: corrections needed, projectable names, a board that holds still."""

from __future__ import annotations

import numpy as np
from clustering_fixtures import fixture_cards

from facilitation.clustering import engine
from facilitation.clustering.engine import _memory, cluster
from facilitation.clustering.evaluate import corrections, replay
from facilitation.clustering.labelcheck import is_noun_phrase, rubric_failures, semantic_hits
from facilitation.clustering.schema import Theme


def test_corrections_count_moves_and_merges() -> None:
    gold = list("aaaabbbb")
    assert corrections(gold, list("xxxxyyyy")) == 0
    assert corrections(gold, list("xxxyyyyy")) == 1  # one card moved
    assert corrections(gold, list("xxzzyyyy")) == 1  # one merge
    assert corrections(gold, list("xxxxxxxx")) == 4  # four cards moved out
    assert corrections(gold, list("mmxxyyyy"), misc={"m"}) == 2  # Divers cards are placed
    # A two-and-two theme is better kept as the theme nobody else keeps (no merge).
    assert corrections(list("aaaaaabbcc"), list("xxxxxxyyyy")) == 2


def test_names_a_facilitator_would_not_project_fail_the_rubric() -> None:
    cards = ["tu connais France Active ?", "les gens regardent bizarre", "Kayes"]
    for bad in ["Connais, seul, projet", "Région on en entend", "Regardent bizarre",
                "Rendez-vous, provide", "Microcrédit a des taux", "Vidéo, pourquoi",
                "France active", "Demander de l'aide", "Clients fuient", "Acheté"]:
        assert rubric_failures(bad, cards), bad
    for good in ["Crédit bancaire", "Titre de séjour et droit au travail",
                 "Parrainage et mentorat", "Formation à la gestion", "Santé", "Banque",
                 "Refus de crédit bancaire", "Bus", "Langues"]:
        assert rubric_failures(good, cards) == [], good
    assert is_noun_phrase("Lack of a bank account", "en")
    assert not is_noun_phrase("Trouver un local", "fr")


def test_semantic_check_wants_the_nearest_gold_name() -> None:
    vectors = {"bank": [1.0, 0.0], "Banque": [0.9, 0.1], "tontine": [0.0, 1.0]}

    def embed(texts: list[str]) -> np.ndarray:
        v = np.array([vectors[t] for t in texts])
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    gold = {"a": "bank", "b": "tontine"}
    assert semantic_hits(["Banque", "Banque"], ["a", "b"], gold, embed) == [True, False]


def _theme(tid: str, ids: list[str], misc: bool = False) -> Theme:
    return Theme(id=tid, kind="blocker", label=tid, card_ids=tuple(ids), colour="#000",
                 example="", misc=misc)


def test_board_memory_ties_shown_themes_and_ignores_divers() -> None:
    previous = [_theme("t1", ["a", "b"]), _theme("t2", ["c"]), _theme("o", ["d"], misc=True)]
    m = _memory(["a", "b", "c", "d", "new"], previous)
    assert m is not None
    assert m[0, 1] == 1 and m[0, 2] == -1 and m[2, 3] == 0 and m[4].sum() == 0
    assert np.all(np.diag(m) == 0)
    assert _memory(["x"], previous) is None


def test_a_board_fed_card_by_card_moves_less_with_memory() -> None:
    rows = [{"id": c.id, "text": c.text, "kind": c.kind, "theme": c.id[0]}
            for c in fixture_cards()]
    rng = np.random.default_rng(3)
    rows = [rows[i] for i in rng.permutation(len(rows))]
    keep, apart = engine.MEMORY_KEEP, engine.MEMORY_APART
    try:
        engine.MEMORY_KEEP = engine.MEMORY_APART = 0.0
        without = replay(rows, backend="lexical", concepts=False, bursts=10)
    finally:
        engine.MEMORY_KEEP, engine.MEMORY_APART = keep, apart
    with_memory = replay(rows, backend="lexical", concepts=False, bursts=10)
    assert with_memory["moves_per_card"] < without["moves_per_card"]
    assert with_memory["regroupings"] == 10


def test_a_new_card_joins_the_theme_it_fits_and_the_others_stay() -> None:
    cards = fixture_cards()
    first = cluster(cards[:-1], backend="lexical", concepts=False)
    again = cluster(cards, previous=first, backend="lexical", concepts=False)
    before = {cid: t.id for t in first for cid in t.card_ids}
    after = {cid: t.id for t in again for cid in t.card_ids}
    assert sum(before[c] != after[c] for c in before) == 0


def test_a_theme_that_stays_keeps_its_name_unless_a_concept_fits() -> None:
    from facilitation.clustering.engine import _kept_name

    shown = _theme("t1", ["a", "b", "c"])
    shown = Theme(**{**shown.__dict__, "label": "Bus du soir"})
    assert _kept_name(shown, ["a", "b", "c", "d"], None, frozenset()) == "Bus du soir"
    assert _kept_name(shown, ["a", "x", "y", "z"], None, frozenset()) is None  # another theme
    # A concept's name replaces a phrase; a concept's name shown before is kept.
    assert _kept_name(shown, ["a", "b", "c"], "Transport", frozenset({"Transport"})) is None
    named = Theme(**{**shown.__dict__, "label": "Transport"})
    assert _kept_name(named, ["a", "b", "c"], "Mobilité",
                      frozenset({"Transport", "Mobilité"})) == "Transport"
