"""Theme names from a theme's own cards (`phrasenames`): noun phrases, ranked by fit."""

from __future__ import annotations

import numpy as np

from facilitation.clustering.labelcheck import proper_words, rubric_failures
from facilitation.clustering.phrasenames import (
    candidates,
    centroids,
    noun_phrases,
    phrase_names,
    pool_verbs,
)
from facilitation.clustering.schema import Card

TRIPS = ["on est allés en voyage d'étude à Bamako le dimanche",
         "voyage d'étude chez une coopérative de Ségou",
         "le voyage d'étude nous a ouvert les yeux",
         "une journée chez une couturière de Tourcoing"]
SAVINGS = ["le groupe d'épargne des femmes cotise chaque semaine",
           "notre groupe d'épargne prête sans intérêt",
           "la tontine du marché aide les commerçantes"]


def _phrases(text: str, verbs: frozenset[str] = frozenset()) -> set[str]:
    return {p.lower() for p, _ in noun_phrases(text, verbs)}


def test_noun_phrases_are_a_noun_and_its_complement() -> None:
    found = _phrases("le groupe d'épargne des femmes cotise chaque semaine")
    assert "groupe d'épargne" in found
    assert "permission du mari" in _phrases("il faut la permission du mari pour partir")
    assert "disputes entre familles" in _phrases("les disputes entre familles pour un champ")


def test_verbs_time_words_and_numbers_head_no_phrase() -> None:
    verbs = pool_verbs(["on attend le versement", "ça motive les jeunes"])
    assert {"attend", "motive"} <= verbs
    found = _phrases("attend le versement du FSE le dimanche, trois mois", verbs)
    assert "versement du fse" in found
    assert not {p for p in found if p.split()[0] in {"attend", "dimanche", "trois", "mois"}}
    assert not {p for p in _phrases("un découvert en attendant la subvention")
                if "attendant" in p}
    assert "vendu" not in " ".join(_phrases("beurre de karité vendu au marché"))
    assert {"bus", "jus"} <= _phrases("le bus du soir, le jus de bissap")  # nouns in -us


def test_candidates_keep_out_proper_names_and_other_languages() -> None:
    cards = [*TRIPS, "study trips are the best training"]
    names = [n for n, _ in candidates(cards, "fr", pool_verbs(cards))]
    assert "Voyage d'étude" in names
    assert not [n for n in names if {"bamako", "ségou", "tourcoing"} & set(n.lower().split())]
    assert not [n for n in names if "study" in n.lower()]  # English cards are not read
    assert {"bamako", "segou", "tourcoing"} <= proper_words(cards)
    assert all(rubric_failures(n, cards) == [] for n in names)
    coverage = dict(candidates(cards, "fr"))
    assert coverage["Voyage d'étude"] == 3 / 4  # share of the French cards holding it


def _bag(vocabulary: list[str]):
    """A toy sentence encoder: unit bag of the vocabulary's words (deterministic)."""
    def embed(texts):
        rows = np.array([[float(w in t.lower()) for w in vocabulary] for t in texts]) + 1e-3
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)
    return embed


def test_the_phrase_that_says_the_theme_and_sets_it_apart_wins() -> None:
    embed = _bag(["voyage", "étude", "épargne", "groupe", "femmes", "tontine", "journée"])
    groups = [TRIPS, SAVINGS]
    cents = centroids([embed(g) for g in groups])
    found = phrase_names(groups, cents, embed, ["fr", "fr"], pool_verbs(TRIPS + SAVINGS))
    assert found[0] is not None and found[0][0] == "Voyage d'étude"
    assert found[1] is not None and found[1][0] == "Groupe d'épargne"
    only = phrase_names(groups, cents, embed, ["fr", "fr"], only=[1])
    assert only[0] is None and only[1] is not None


def test_a_theme_no_concept_names_takes_a_phrase_of_its_cards() -> None:
    from facilitation.clustering.engine import name_groups

    cards = [Card(f"t{i}", t, "lever") for i, t in enumerate(TRIPS)] \
        + [Card(f"s{i}", t, "lever") for i, t in enumerate(SAVINGS)]
    themes = name_groups(cards, [[f"t{i}" for i in range(4)], [f"s{i}" for i in range(3)]],
                         backend="lexical", concepts=False)
    trips, savings = (t.label for t in themes)
    assert trips == "Voyage d'étude"
    assert savings == "Groupe d'épargne"  # round 11: "Groupe d'épargne prête" (a verb)
    texts = TRIPS + SAVINGS
    assert all(rubric_failures(t.label, texts) == [] for t in themes)


def test_a_frequent_irregular_verb_heads_or_ends_no_phrase_and_fails_the_rubric() -> None:
    """"il perd", "ça vaut": no ending tells these forms, and no card needs to write them
    after a pronoun for them to be verbs ("Fils perd" was once a theme's name)."""
    found = _phrases("le fils perd tout l'argent envoyé, la dot vaut trois boeufs")
    assert not {p for p in found if {"perd", "vaut"} & set(p.split())}
    assert "not a noun phrase" in rubric_failures("Fils perd", [])
    assert rubric_failures("Fonds de roulement", []) == []  # a noun in -d stays a noun
    for name in ("Yeux convainc", "Chef craint", "Voisin permet"):  # other 3rd-group verbs
        assert "not a noun phrase" in rubric_failures(name, [])
    for name in ("Point de vente", "Bois de chauffe", "Produit du jour"):  # nouns alike
        assert rubric_failures(name, []) == []
