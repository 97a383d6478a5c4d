"""A pictogram per theme: chosen from the programme's concepts, kept across regroupings."""

from __future__ import annotations

from facilitation.clustering.lexicon import CONCEPT_LABELS
from facilitation.domain import pictograms
from facilitation.domain.board import rebuild
from facilitation.domain.events import (
    ContributionAdded,
    PhaseChanged,
    ThemeRenamed,
    ThemesUpdated,
)

from .test_board import opening, recorded


def test_every_concept_of_the_lexicon_has_one_family() -> None:
    mapped = [c for concepts in pictograms.FAMILIES.values() for c in concepts]
    assert sorted(mapped) == sorted(CONCEPT_LABELS), "each concept in exactly one family"
    assert len(pictograms.FAMILIES) <= 16, "a small set a person can learn in one meeting"


def test_a_theme_named_after_a_concept_takes_its_family_in_both_languages() -> None:
    for concept, names in CONCEPT_LABELS.items():
        for name in names:
            assert pictograms.choose(name) == pictograms.CONCEPT_FAMILY[concept], name


def test_other_themes_take_the_family_their_words_share() -> None:
    assert pictograms.choose("Trouver un toit", ["pas de logement",
                                                 "je dors chez un cousin"]) == "housing"
    assert pictograms.choose("Les papiers") == "papers"
    assert pictograms.choose("Le français") == "language"
    assert pictograms.choose("Réseau des anciens") == "network"
    assert pictograms.choose("la banque refuse") == "money"
    assert pictograms.choose("Divers", ["le bus coûte cher", "pas de voiture"]) == "transport"


def test_a_theme_that_fits_no_family_gets_the_numbered_shape() -> None:
    assert pictograms.choose("Divers", ["bonjour à tous"]) == ""
    assert pictograms.choose("") == ""


def _themes(label: str, cards: list[str]) -> ThemesUpdated:
    return ThemesUpdated(({"id": "t1", "kind": "blocker", "label": label, "card_ids": cards,
                           "colour": "#8f2c5a"},), 3, "lexical", ())


def test_the_board_carries_the_pictogram_and_keeps_it_across_regroupings() -> None:
    board = rebuild("s1", recorded([
        opening(),
        ContributionAdded("c1", None, "la banque refuse le prêt", "blocker"),
        ContributionAdded("c2", None, "pas d'argent pour démarrer", "blocker"),
        _themes("Crédit bancaire", ["c1", "c2"]),
        ContributionAdded("c3", None, "le logement coûte cher", "blocker"),
        ContributionAdded("c4", None, "pas de logement, pas de maison", "blocker"),
        # regrouped: same theme, a label and cards that would now say "housing"
        _themes("Logement et argent", ["c3", "c4", "c1"]),
        PhaseChanged("vote", "group"),
    ]))
    assert board.themes["t1"].picto == "money"
    item = board.ballot()[0]
    assert (item["picto"], item["colour"], item["number"]) == ("money", "#8f2c5a", 1)
    assert board.to_dict()["themes"][0]["picto"] == "money"
    assert board.to_participant_dict("x")["ballot"][0]["picto"] == "money"
    loose = board.ballot()[-1]
    assert loose["picto"] == "" and loose["number"] == len(board.ballot())


def test_a_facilitators_rename_gives_the_picture_of_the_new_name_when_one_fits() -> None:
    log = [opening(), ContributionAdded("c1", None, "bonjour à tous", "blocker"),
           _themes("Divers", ["c1"])]
    assert rebuild("s1", recorded(log)).themes["t1"].picto == ""
    renamed = rebuild("s1", recorded([*log, ThemeRenamed("t1", "Logement")]))
    assert renamed.themes["t1"].picto == "housing"
    kept = rebuild("s1", recorded([*log, ThemeRenamed("t1", "Logement"),
                                   ThemeRenamed("t1", "Ceci et cela")]))
    assert kept.themes["t1"].picto == "housing"
