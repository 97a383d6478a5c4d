"""Live board: early tight groups, lone cards joining remembered themes, phrase labels."""

from __future__ import annotations

from facilitation.clustering import Card, SeedTheme, cluster, label
from facilitation.clustering.labels import label_groups
from facilitation.clustering.normalise import embedding_text

BANK = ["la banque refuse mon crédit", "pas de prêt bancaire pour nous",
        "le crédit de la banque est impossible", "la banque ne prête pas aux migrants"]
UNRELATED = ["on ne parle pas bien français", "je ne sais pas utiliser un ordinateur"]


def _cards(texts: list[str], kind: str = "blocker") -> list[Card]:
    return [Card(f"c{i}", t, kind) for i, t in enumerate(texts)]


def test_four_near_identical_cards_form_a_theme_at_session_start() -> None:
    themes = cluster(_cards(BANK), backend="use")
    regular = [t for t in themes if not t.misc]
    assert len(regular) == 1 and len(regular[0].card_ids) == 4, themes


def test_three_similar_cards_are_enough_and_unrelated_ones_stay_in_divers() -> None:
    themes = cluster(_cards(BANK[:3] + UNRELATED), backend="use")
    by_card = {cid: t for t in themes for cid in t.card_ids}
    assert len({by_card[f"c{i}"].id for i in range(3)}) == 1
    assert not by_card["c0"].misc
    assert by_card["c3"].misc and by_card["c4"].misc


def test_two_similar_cards_are_not_yet_a_theme() -> None:
    themes = cluster(_cards(BANK[:2]), backend="use")
    assert all(t.misc for t in themes)


SEED = SeedTheme("Accès au crédit", kind="blocker",
                 examples=("les banques ne nous prêtent pas",
                           "impossible d'obtenir un crédit bancaire"))


def test_single_card_close_to_a_seed_joins_a_theme_with_its_label() -> None:
    themes = cluster(_cards([BANK[0]]), seed_themes=[SEED], backend="use")
    assert len(themes) == 1
    assert themes[0].label == "Accès au crédit" and themes[0].seed_label == "Accès au crédit"
    assert not themes[0].misc


def test_lone_card_close_to_a_seed_among_unrelated_cards() -> None:
    themes = cluster(_cards([BANK[2], *UNRELATED]), seed_themes=[SEED], backend="use")
    by_card = {cid: t for t in themes for cid in t.card_ids}
    assert by_card["c0"].seed_label == "Accès au crédit"
    assert by_card["c1"].seed_label is None and by_card["c2"].seed_label is None


def test_unrelated_single_card_does_not_take_a_seed_label() -> None:
    themes = cluster(_cards([UNRELATED[1]]), seed_themes=[SEED], backend="use")
    assert all(t.seed_label is None for t in themes)


def test_seed_of_the_other_kind_is_ignored() -> None:
    seed = SeedTheme(SEED.label, kind="lever", examples=SEED.examples)
    themes = cluster(_cards([BANK[0]]), seed_themes=[seed], backend="use")
    assert all(t.seed_label is None for t in themes)


# Labels: hand-made themes, phrase labels of 2-4 words with accents restored.
BUS = ["pas de bus le soir pour rentrer", "les transports en commun ne passent plus",
       "aucun bus après 19h dans le village", "transports en commun trop rares"]
CHILDCARE = ["pas de place en creche pour mon fils", "trouver une place en crèche c'est dur",
             "la garde des enfants le mercredi", "creche trop chere"]
PAPERS = ["les demarches administratives prennent des mois",
          "trop de demarches administratives pour ouvrir",
          "je comprends rien aux démarches administratives"]


def test_phrase_label_for_a_theme_with_a_shared_expression() -> None:
    (bus, _), (crib, _), (papers, _) = label_groups([BUS, CHILDCARE, PAPERS])
    assert bus == "Transports en commun"
    assert papers == "Démarches administratives"
    assert crib.lower().startswith(("place en crèche", "crèche"))
    for text in (bus, crib, papers):
        assert 2 <= len(text.split()) <= 5
        assert text[0].isupper()


def test_phrase_labels_never_start_or_end_with_a_function_word() -> None:
    for text, _ in label_groups([BUS, CHILDCARE, PAPERS]):
        words = text.lower().replace(",", "").split()
        assert words[0] not in {"de", "la", "le", "les", "des", "en", "du", "à", "pas"}
        assert words[-1] not in {"de", "la", "le", "les", "des", "en", "du", "à", "pas"}


def test_english_theme_gets_an_english_phrase() -> None:
    text, _ = label(["we need a shared office space", "no office space to meet clients",
                     "renting office space costs too much"],
                    others=[CHILDCARE])
    assert text == "Office space"


def test_keyword_fallback_when_no_phrase_fits() -> None:
    text, _ = label(["tontine", "épargne collective", "microcrédit"], others=[BUS])
    assert 1 <= len(text.split()) <= 5 and text[0].isupper()


def test_embedding_text_keeps_case_and_programming_names() -> None:
    assert embedding_text("How to use LINQ in C#?") == "How to use LINQ in C#?"
    assert embedding_text("jai un pb avec la banque 😅") == "j'ai un problème avec la banque"
    assert embedding_text("C++ vs Java") == "C++ vs Java"
    assert embedding_text("Credit refusé") == "Crédit refusé"


def test_english_label_keeps_english_spelling() -> None:
    text, _ = label(["call a stored procedure from java", "stored procedure returns null",
                     "how to debug a stored procedure"], others=[BUS])
    assert text == "Stored procedure"
