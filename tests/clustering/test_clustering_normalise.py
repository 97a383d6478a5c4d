"""Normalisation of phone-typed cards and lexical tokens."""

from __future__ import annotations

from facilitation.clustering import normalise
from facilitation.clustering.tokens import content_words, stem


def test_abbreviations_are_expanded() -> None:
    assert normalise("pb avec l asso") == "problème avec l'association"
    assert normalise("tjrs bcp de rdv") == "toujours beaucoup de rendez-vous"
    assert normalise("jsp pr qqn ds tt ça svp") == (
        "je ne sais pas pour quelqu'un dans tout ça s'il vous plaît")


def test_accents_restored_and_lowercased() -> None:
    assert normalise("Les DEMARCHES de credit") == "les démarches de crédit"
    assert normalise("etre francais") == "être français"


def test_emoji_repeats_and_apostrophes() -> None:
    assert normalise("trooop bien 😅😅!!!") == "trop bien!"
    assert normalise("c’est l’asso") == "c'est l'association"
    assert normalise("j ai pas compris") == "j'ai pas compris"


def test_english_texting() -> None:
    assert normalise("idk what u mean") == "i don't know what you mean"


def test_normalise_is_idempotent_on_examples() -> None:
    for text in ["pb de credit ds la banque 😅", "c mission impossible", "J ai tjrs peur"]:
        once = normalise(text)
        assert normalise(once) == once


def test_content_words_fold_and_drop_stopwords() -> None:
    assert content_words("Les démarches de l'asso") == ["demarches", "association"]
    assert stem("formations") == stem("formation")
