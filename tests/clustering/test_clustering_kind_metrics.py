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


def test_trained_model_and_prototype_fallback() -> None:
    """The shipped model is for USE only; another backend (or no model) uses the prototypes."""
    from facilitation.clustering.kind import MODEL_FILE, KindClassifier, load_model

    model = load_model()
    assert model is not None and model["backend"] == "use"
    assert model["vector_weights"].shape == (512,) and MODEL_FILE.exists()
    assert len(model["ngram_weights"]) > 500  # the word features ship with the model
    assert KindClassifier("use").model is not None
    assert KindClassifier("lexical").model is None
    assert load_model(MODEL_FILE.with_name("absent.json")) is None


def test_regression_training_separates_a_toy_problem() -> None:
    import sys
    from pathlib import Path

    import numpy as np

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
    from train_kind import fit

    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 3))
    y = (x[:, 0] - 2 * x[:, 2] > 0).astype(float)
    w = fit(x, y, l2=0.1)
    pred = (np.hstack([x, np.ones((200, 1))]) @ w) > 0
    assert (pred == y).mean() > 0.97


def test_word_features_are_cleaned_words_pairs_and_first_word() -> None:
    from facilitation.clustering.kind import clean, ngram_score, ngrams

    feats = ngrams(clean("Elle alterne arachide et mil, la terre se fatigue moins"))
    assert {"w:alterne", "w:moins", "b:arachide_et", "b:fatigue_moins", "f:elle"} <= set(feats)
    assert len(feats) == len(set(feats))
    assert "w:telephone" in ngrams(clean("Téléphone"))  # accents and case folded
    assert ngram_score([], {"w:x": 3.0}) == 0.0
    assert ngram_score(["w:a", "w:b", "w:c", "w:d"], {"w:a": 1.0, "w:b": 3.0}) == pytest.approx(2.0)


def test_training_and_runtime_score_cards_the_same_way() -> None:
    """A model written by train_kind gives, through KindClassifier, the training scores."""
    import json
    import sys
    from pathlib import Path

    import numpy as np

    from facilitation.clustering.cache import VectorCache
    from facilitation.clustering.kind import KindClassifier

    root = Path(__file__).resolve().parents[2]
    sys.path.insert(0, str(root / "scripts"))
    from train_kind import to_model, train

    lines = (root / "eval" / "kind_train_a.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines[:120]]
    cache = VectorCache("use")
    feat, w = train(cache, rows)
    assert len(feat.vocab) > 20
    expected = feat(rows) @ w[:-1] + w[-1]
    model = to_model(feat, w, ["toy"])
    assert model["ngram_weights"]
    texts = [r["text"] for r in rows]
    got = KindClassifier("use", model=model).scores(texts, cache.vectors(texts))
    assert np.allclose(got, expected, atol=2e-3)
    # the word weights matter: without them the scores change
    bare = KindClassifier("use", model={**model, "ngram_weights": {}}).scores(
        texts, cache.vectors(texts))
    assert np.abs(bare - got).max() > 0.1


def test_compiled_cues_score_as_the_patterns_do() -> None:
    """The cues compiled once score every labelled card we have as searching each pattern
    afresh does."""
    import json
    import re
    from pathlib import Path

    from facilitation.clustering import kind

    root = Path(__file__).resolve().parents[2]
    files = [*sorted((root / "eval").glob("*.jsonl")),
             root.parent / "shared" / "eval" / "fr_gold_dev.jsonl"]
    texts = [json.loads(line)["text"] for f in files if f.exists()
             for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(texts) > 1000

    def plain(t: str) -> float:
        c = kind.clean(t)
        lever = sum(w for p, w in kind._LEVER_CUES if re.search(p, c))
        blocker = sum(w for p, w in kind._BLOCKER_CUES if re.search(p, c))
        first = c.split(" ", 1)[0] if c else ""
        if kind._INFINITIVE.match(c) and first not in kind._NOT_INFINITIVE:
            lever += 0.8
        return lever - blocker

    assert [kind.cue_score(t) for t in texts] == pytest.approx([plain(t) for t in texts])


def test_kind_training_sets_are_well_formed_and_apart_from_the_eval_sets() -> None:
    """Training-only cards: unique ids, two kinds in balance, no card copied from a set we
    measure on (a copy would flatter leave-one-set-out)."""
    import json
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    measured = {json.loads(line)["text"].casefold()
                for f in sorted((root / "eval").glob("fr_synth_*.jsonl"))
                for line in f.read_text(encoding="utf-8").splitlines() if line.strip()}
    assert len(measured) > 1000
    for name in ("kind_train_a", "kind_train_b"):
        lines = (root / "eval" / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
        rows = [json.loads(line) for line in lines if line.strip()]
        assert len(rows) >= 500, name
        assert len({r["id"] for r in rows}) == len(rows), name
        assert {r["kind"] for r in rows} == {"blocker", "lever"}, name
        levers = sum(r["kind"] == "lever" for r in rows)
        assert abs(levers - len(rows) / 2) <= 0.02 * len(rows), name
        assert not [r["text"] for r in rows if r["text"].casefold() in measured], name


def test_shipped_model_is_trained_on_every_labelled_set() -> None:
    """The shipped weights come from every set we have, the fresh `j`/`k` and both
    training-only sets included (the held-out figure is leave-one-set-out, not this fit)."""
    from facilitation.clustering.kind import MODEL_FILE, load_model

    model = load_model()
    assert model is not None
    assert {"fr_gold_dev", "fr_synth_j", "fr_synth_k", "kind_train_a", "kind_train_b"} <= set(
        model["trained_on"])
    assert MODEL_FILE.stat().st_size < 200_000  # a small file, read at start-up
