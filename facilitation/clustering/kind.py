"""Blocker vs lever: a learned direction in the USE space plus cue words.

With the `use` backend the score is a logistic regression over the card's vector, its
cue-word score and its words and word pairs (`ngrams`), trained by `scripts/train_kind.py` on
labelled sets (`kind_model.json`). The word weights add what the sentence vector blurs (small
words such as "moins", "sans", "contre", word pairs); they are a dict lookup per word, so a
batch costs little after embedding.
Other backends use the older rule: projection on the lever-minus-blocker direction of
prototype phrases written for this engine, plus cue words and a bias.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .embedders import Embedder, get_backend
from .normalise import embedding_text, normalise, strip_accents
from .schema import BLOCKER, LEVER
from .similarity import unit

LOW_CONFIDENCE = 0.65
MODEL_FILE = Path(__file__).with_name("kind_model.json")
# Backends without a trained model: prototype direction, in standard deviations of the prototypes
SEMANTIC_WEIGHT = 1.0
BIAS = -0.4  # levers nearly always carry a proposal cue; plain statements lean blocker

# Generic prototypes written for this engine (obstacles vs proposals), not taken from any data.
BLOCKER_PROTOTYPES: tuple[str, ...] = (
    "c'est difficile pour nous", "on n'arrive pas à avancer", "il nous manque des moyens",
    "personne ne nous aide", "on a peur de se lancer", "c'est trop compliqué",
    "je ne comprends pas comment faire", "on est bloqués par ce problème",
    "nous n'avons pas accès à ce qu'il faut", "ça coûte trop cher pour nous",
    "on perd beaucoup de temps avec ça", "les gens ne nous font pas confiance",
    "je n'ai pas les compétences", "on ne sait pas à qui s'adresser",
    "ça ne marche jamais comme prévu", "on nous refuse tout le temps",
    "il y a des tensions dans le groupe", "je me sens seule face à tout ça",
    "le manque d'information nous pénalise", "c'est un vrai frein pour moi",
    "les règles changent tout le temps et on s'y perd", "on galère depuis des mois",
    "it is too hard for us", "we lack the resources", "nobody explains anything to us",
    "i am afraid to fail", "we keep getting rejected", "this is a big obstacle for me",
    "we don't know where to start", "i can't manage it on my own",
)
LEVER_PROTOTYPES: tuple[str, ...] = (
    "il faudrait organiser des ateliers", "on pourrait créer un groupe d'entraide",
    "mettre en place un accompagnement", "proposer des formations adaptées",
    "créer un espace pour se rencontrer", "des réunions régulières pour échanger",
    "un soutien financier pour démarrer", "partager les expériences entre nous",
    "développer des partenariats locaux", "faire appel à des bénévoles",
    "apprendre ensemble avec des outils simples", "renforcer les compétences des membres",
    "un guide simple pour les nouveaux", "organiser une permanence chaque semaine",
    "pourquoi pas un système de parrainage", "continuer ces rencontres, c'est utile",
    "mutualiser les moyens entre associations", "décider ensemble des priorités",
    "donner plus de place aux jeunes", "un fonds commun pour financer les projets",
    "s'inspirer de ce qui marche ailleurs", "trouver des relais dans chaque quartier",
    "we should organise training sessions", "create a support group",
    "set up regular meetings to share ideas", "offer coaching to newcomers",
    "let's build a network of partners", "provide simple tools and guides",
    "more workshops would help", "pool our resources together",
)

_BLOCKER_CUES: tuple[tuple[str, float], ...] = (
    (r"\bmanque|\bmanqu", 1.2), (r"\bdifficile|\bdifficult|\bdur\b|\bgalere", 1.0),
    (r"\bpas de\b|\bpas d'|\bpas assez\b|\bpas les moyens", 1.0), (r"\bn'|\bne\b", 0.6),
    (r"\bpas\b(?! besoin| cher)|\bjamais\b|\brien\b|\bpersonne\b|\baucun", 0.7),
    (r"\bprobleme|\bcomplique|\bbloqu|\bfrein|\bobstacle|\bimpossible", 1.0),
    (r"\bpeur\b|\bhonte\b|\bperdu|\bperd\b|\bfatigu|\bdepasse|\bcauchemar|\bgalere", 1.0),
    (r"\btrop\b|\brefus|\bexige|\bcher\b|\bseul\b|\bseule\b|\bconflit|\btension", 0.7),
    (r"\bje (?:sais|comprends|peux|suis)|\bj'ai (?:pas|du mal|rien)|\bon (?:sait|a) pas", 0.8),
    (r"\bnot\b|\bno\b|\bnever\b|\bnobody\b|\bcan't\b|\bdon't\b|\bdidn't\b|\bwon't\b", 0.9),
    (r"\bhard\b|\black\b|\btoo\b|\bafraid\b|\bstruggl|\bnightmare|\blost\b|\bbarrier", 1.0),
    # plain facts that are complaints: costs, waiting, refusals, losses, prohibitions
    (r"\bcout(?:e|ent)?\b|\bdouble\b|\baugment|\bhausse\b|\bfrais\b|\bloin\b", 0.7),
    (r"\battend|\battente|\bdepuis\b|\bretard|\bdelai", 0.8),
    (r"\bvaut rien|\binterdi|\boblig|\bexclu|\brejet|\bmepris|\bdiscrimin|\bracis|\bprejug",
     1.0),
    (r"\bperte|\bpanne|\bcasse|\bcoupure|\bdette|\bendett|\bfaillite|\bechou|\bechec", 1.0),
    (r"\bparcours du combattant|\bcercle\b|\bcasse-tete|\bmission impossible|\bchaud\b", 1.0),
    (r"\b(?:pr|pour)\b[^,.;!?]*\b(?:faut|exige|demande)", 2.0),  # a requirement, not a proposal
    (r"\bexpensive|\bwait|\bdelay|\bdenied|\brefused|\brejected|\bfail|\bdebt|\bcuts?\b|"
     r"\bkills?\b|\bbroke", 0.9),
)
_LEVER_CUES: tuple[tuple[str, float], ...] = (
    (r"\bil faudrait|\bfaudrait|\bil faut\b|\bfaut\b", 1.5),
    (r"\bon pourrait|\bpourrai(?:t|ent)\b|\bpourquoi pas\b|\bdevrai(?:t|ent)\b", 1.5),
    (r"\bcreer|\bmettre en place|\borganiser|\bproposer|\bdevelopper|\bmonter\b", 1.2),
    (r"\bformer\b|\bformation|\batelier|\bcours\b|\bmodule|\bsession|\bclub\b|\breseau", 0.9),
    (r"\baccompagn|\bparrain|\bmarrain|\bsoutien|\bentraid|\bmutualis|\bpartag", 0.8),
    (r"\bsolution|\bidee\b|\bcontinuer|\brenforcer|\bencourager|\bfaciliter|\baider\b", 0.8),
    (r"^(?:des|un|une|plus de|creer|faire|mettre|organiser|proposer|avoir)\b", 1.0),
    (r"\bshould\b|\bcould\b|\blet's\b|\bcreate\b|\bset up\b|\borgani[sz]e\b|\bteach\b", 1.4),
    (r"\bprovide\b|\boffer\b|\bbuild\b|\btrain(?:ing)?\b|\bworkshop|\bnetwork\b|\bhelp us\b",
     1.0),
    (r"\bwould (?:help|save)\b|\bmore\b|\bensemble\b|\btogether\b|\bregular", 0.6),
    # what worked, what exists, what others can do: testimonies and resources are levers too
    (r"\bgrace a|\bpermis\b|\ba marche|\bca marche|\bmarchent\b|\ba paye|\ba aide|\bm'a aide|"
     r"\bnous a aide|\breussi|\bworked\b|\bhelped\b|\bthanks to\b|\bsucceed", 1.2),
    (r"\b(?:peut|peuvent|pourra|doit|doivent)\b", 0.9),
    (r"\bet si\b|\bwhy not\b|\bwhat if\b|\bhow about\b|\bplease\b|\bstp\b|\bs'il vous plait", 1.2),
    (r"\bpas besoin\b|\bsans (?:interet|garantie|frais|apport)|\bgratuit|\bpas cher\b|\btaux zero|"
     r"\bfree\b|\bno need\b", 1.5),
    (r"\ben commun\b|\ba tour de role\b|\ba plusieurs\b|\bchacun (?:paie|met|donne)", 0.8),
    (r"\bmeilleur|\bmieux\b|\btop\b|\bsuper\b|\bgenial|\butile\b|\bka nyi\b|\ba ka di\b|"
     r"\bbravo\b|\bcourage\b|\bbetter\b|\bbest\b|\bgreat\b|\buseful\b", 0.8),
    (r"\bmet(?:tre|tent)? a dispo|\bprete(?:nt)?\b|\bfinance(?:nt)?\b|\bcofinanc|\binvestir|"
     r"\bmobiliser|\bvaloriser", 0.6),
    (r"^(?:get|give|start|ask|use|train|teach|help|make|keep|share|join|find|put|invest|open|build|"
     r"create|offer|organi[sz]e|pool|let)\b", 1.0),
)
_INFINITIVE = re.compile(r"^(?:se |s')?[a-z]{3,}(?:er|ir|re)\b")
_NOT_INFINITIVE = frozenset({"pour", "leur", "notre", "votre", "entre", "autre", "faire",
                             "etre", "avoir", "chaque", "quatre", "trop", "ordre", "tenir"})


def _compile(cues: tuple[tuple[str, float], ...]) -> tuple[tuple[re.Pattern[str], float], ...]:
    """The cue patterns, compiled once."""
    return tuple((re.compile(pat), w) for pat, w in cues)


_LEVER_RE = _compile(_LEVER_CUES)
_BLOCKER_RE = _compile(_BLOCKER_CUES)
_WORD = re.compile(r"[a-z0-9]+'?")


def _cue_sum(compiled: tuple, t: str) -> float:
    """Sum of the weights of the patterns found in t."""
    return sum(w for pat, w in compiled if pat.search(t))


def clean(text: str) -> str:
    """The lowercased, accent-free text that the cues and the word features read."""
    return strip_accents(normalise(text))


def cue_score(text: str, cleaned: str | None = None) -> float:
    """Positive when the wording looks like a proposal (lever), negative like an obstacle."""
    t = clean(text) if cleaned is None else cleaned
    lever, blocker = _cue_sum(_LEVER_RE, t), _cue_sum(_BLOCKER_RE, t)
    first = t.split(" ", 1)[0] if t else ""
    if _INFINITIVE.match(t) and first not in _NOT_INFINITIVE:
        lever += 0.8
    return lever - blocker


def ngrams(cleaned: str) -> list[str]:
    """Distinct word, word-pair and first-word features of a cleaned card."""
    words = _WORD.findall(cleaned)
    pairs = zip(words, words[1:], strict=False)
    feats = [f"w:{w}" for w in words] + [f"b:{a}_{b}" for a, b in pairs]
    if words:
        feats.append(f"f:{words[0]}")
    return list(dict.fromkeys(feats))


def ngram_score(feats: Sequence[str], weights: dict[str, float]) -> float:
    """Sum of the known features' weights over sqrt(feature count), as in training."""
    if not feats:
        return 0.0
    return sum(weights.get(f, 0.0) for f in feats) / math.sqrt(len(feats))


def load_model(path: Path = MODEL_FILE) -> dict | None:
    """The trained model (backend, vector, cue and word weights, bias), or None if absent."""
    if not path.exists():
        return None
    model = json.loads(path.read_text(encoding="utf-8"))
    model["vector_weights"] = np.asarray(model["vector_weights"], dtype=np.float32)
    return model


class KindClassifier:
    """Scores texts on a blocker (<0) to lever (>0) axis with one embedder."""

    def __init__(self, embedder: Embedder | str = "use", model: dict | None = None) -> None:
        self.embedder = get_backend(embedder)
        model = model if model is not None else load_model()
        self.model = model if model and model["backend"] == self.embedder.name else None
        if self.model is not None:
            self.model = {**self.model, "vector_weights": np.asarray(
                self.model["vector_weights"], dtype=np.float32)}
            return
        protos = self.embedder.embed([normalise(t) for t in BLOCKER_PROTOTYPES + LEVER_PROTOTYPES])
        self._mean = protos.mean(axis=0)
        c = unit(protos - self._mean)
        nb = len(BLOCKER_PROTOTYPES)
        self._blocker = unit(c[:nb].mean(axis=0, keepdims=True))[0]
        self._lever = unit(c[nb:].mean(axis=0, keepdims=True))[0]
        semantic = c @ (self._lever - self._blocker)
        self._scale = float(np.std(semantic)) or 1.0

    def _vectors(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors as the model was trained on (cleaned text) or as the prototypes were."""
        clean = embedding_text if self.model is not None else normalise
        return self.embedder.embed([clean(t) for t in texts])

    def scores(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> np.ndarray:
        """Raw lever-minus-blocker scores (log-odds), one per text."""
        if not texts:
            return np.zeros(0)
        if vectors is None:
            vectors = self._vectors(texts)
        cleaned = [clean(t) for t in texts]
        cues = np.array([cue_score(t, c) for t, c in zip(texts, cleaned, strict=True)])
        if self.model is not None:
            m = self.model
            out = vectors @ m["vector_weights"] + m["cue_weight"] * cues + m["bias"]
            weights = m.get("ngram_weights")
            if weights:
                out = out + np.array([ngram_score(ngrams(c), weights) for c in cleaned])
            return out
        v = unit(vectors - self._mean)
        semantic = (v @ (self._lever - self._blocker)) / self._scale
        return SEMANTIC_WEIGHT * semantic + cues + BIAS

    def classify(self, texts: Sequence[str], vectors: np.ndarray | None = None,
                 smooth: float = 0.0) -> list[tuple[str, float]]:
        """Kind and confidence per text; `smooth` > 0 mixes in nearest neighbours' scores."""
        s = self.scores(texts, vectors)
        if smooth > 0 and len(texts) >= 8:
            if vectors is None:
                vectors = self._vectors(texts)
            c = unit(vectors - vectors.mean(axis=0))
            sim = c @ c.T
            np.fill_diagonal(sim, -np.inf)
            k = min(5, len(texts) - 1)
            nn = np.argpartition(-sim, k, axis=1)[:, :k]
            s = s + smooth * s[nn].mean(axis=1)
        out = []
        for x in s:
            p = 1.0 / (1.0 + math.exp(-float(np.clip(x, -30, 30))))
            out.append((LEVER, p) if p >= 0.5 else (BLOCKER, 1.0 - p))
        return out


_CLASSIFIERS: dict[str, KindClassifier] = {}


def get_classifier(backend: Embedder | str = "use") -> KindClassifier:
    """Shared classifier per backend (prototypes embedded once)."""
    key = backend if isinstance(backend, str) else f"obj:{id(backend)}"
    if key not in _CLASSIFIERS:
        _CLASSIFIERS[key] = KindClassifier(backend)
    return _CLASSIFIERS[key]


def classify_kind(text: str, backend: Embedder | str = "use") -> tuple[str, float]:
    """Return ("blocker" | "lever", confidence in [0.5, 1]); low if < LOW_CONFIDENCE."""
    return get_classifier(backend).classify([text], smooth=0.0)[0]


def classify_kinds(texts: Sequence[str], backend: Embedder | str = "use",
                   vectors: np.ndarray | None = None) -> list[tuple[str, float]]:
    """Classify a batch of texts (vectors may be passed to skip embedding)."""
    return get_classifier(backend).classify(texts, vectors)


def is_low_confidence(confidence: float, threshold: float = LOW_CONFIDENCE) -> bool:
    """True when a kind guess should be flagged for the facilitator."""
    return confidence < threshold
