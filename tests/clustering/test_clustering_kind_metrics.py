"""Kind classification on obvious examples, and the ARI/NMI implementations."""

from __future__ import annotations

import pytest

from facilitation.clustering import ari, classify_kind, classify_kinds, is_low_confidence, nmi

BLOCKERS = ["il nous manque un local", "c'est trop difficile de trouver des clients",
            "pas de financement pour les femmes", "we lack money to start",
            "la banque refuse toujours nos dossiers"]
LEVERS = ["il faudrait créer un club d'entrepreneurs", "on pourrait mettre en place un parrainage",
          "organiser des ateliers numériques", "we should set up a savings group",
          "des formations en comptabilité"]


@pytest.mark.parametrize("backend", ["lexical", "use"])
def test_obvious_kinds(backend: str) -> None:
    for text in BLOCKERS:
        assert classify_kind(text, backend)[0] == "blocker", text
    for text in LEVERS:
        assert classify_kind(text, backend)[0] == "lever", text


def test_batch_and_confidence_range() -> None:
    out = classify_kinds(BLOCKERS + LEVERS, "lexical")
    assert [k for k, _ in out] == ["blocker"] * 5 + ["lever"] * 5
    assert all(0.5 <= c <= 1.0 for _, c in out)
    assert is_low_confidence(0.55) and not is_low_confidence(0.9)


def test_ari_nmi_known_values() -> None:
    assert ari([0, 0, 1, 1], [1, 1, 0, 0]) == pytest.approx(1.0)
    assert nmi(["a", "a", "b", "b"], ["x", "x", "y", "y"]) == pytest.approx(1.0)
    # values checked against scikit-learn 1.9
    assert ari([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2]) == pytest.approx(0.2424242424)
    assert nmi([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2]) == pytest.approx(0.5158037429)
    assert ari([0, 1, 2, 3], [0, 0, 0, 0]) == pytest.approx(0.0)


def test_testimonies_resources_and_plain_complaints() -> None:
    """Levers are also what worked and what exists; blockers are also plain facts."""
    levers = [
        "grâce à la tontine j'ai ouvert ma boutique",
        "pas besoin de banque, on cotise entre nous",
        "la mairie peut prêter une salle le samedi",
        "Crowdfunding worked for my cousin's shop",
    ]
    blockers = [
        "le loyer a doublé en deux ans",
        "pour avoir un prêt il faut déjà avoir de l'argent",
        "j'attends ma carte depuis huit mois",
        "mon diplôme vaut rien ici",
    ]
    for text in levers:
        assert classify_kind(text, "use")[0] == "lever", text
    for text in blockers:
        assert classify_kind(text, "use")[0] == "blocker", text
