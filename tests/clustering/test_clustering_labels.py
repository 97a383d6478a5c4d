"""Theme labels: short, contrasted, accented, in the cards' language."""

from __future__ import annotations

from facilitation.clustering import label
from facilitation.clustering.labels import label_groups

BANK = ["la banque refuse le crédit", "pas de crédit a la banque sans garant",
        "le banquier ne veut pas de credit pour nous", "credit refusé par la banque"]
LANG = ["je ne parle pas bien le francais", "le francais c'est difficile",
        "les réunions en francais je comprends pas"]


def test_label_uses_distinctive_terms_with_accents() -> None:
    text, example = label(BANK, others=[LANG])
    words = text.lower().split()
    assert 2 <= len(words) <= 5 and "," not in text  # a noun phrase, not a keyword list
    assert "crédit" in words
    assert example in BANK


def test_label_groups_contrast_each_other() -> None:
    (bank, _), (lang, lang_example) = label_groups([BANK, LANG])
    assert "français" in lang.lower()
    assert "français" not in bank.lower()
    assert lang_example in LANG


def test_label_language_follows_cards() -> None:
    english = ["the bank refused our loan", "no loan from the bank without a guarantee",
               "banks never give a loan to small projects", "la banque refuse"]
    text, _ = label(english, language="en")
    assert {"loan", "bank"} & set(text.lower().split())
    assert "banque" not in text.lower()


def test_tiny_theme_gets_two_words_from_its_card() -> None:
    text, example = label(["tontine entre commerçantes du marché"])
    assert len(text.split()) >= 2
    assert example == "tontine entre commerçantes du marché"
