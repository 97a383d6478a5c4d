"""Would a facilitator project this theme name as is? A rubric and a semantic check.

Rubric (no tagger, word lists): at most 6 words besides connectors, no comma-joined keyword
list, a noun phrase (it does not start with a pronoun, an adverb, a conjunction or a verb,
and holds no pronoun or auxiliary), in the theme's language, and not a proper name standing
for the theme (a word the cards only ever write capitalised inside a sentence: "Kayes").
Semantic: the name is closer (embedding cosine) to its theme's gold name than to any other
gold name of the set. Gold names are written by hand (`eval/gold_labels.json`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import lru_cache

import numpy as np

from .language import majority_language
from .normalise import strip_accents
from .tokens import STOPWORDS

MAX_WORDS = 6  # words that count: connectors ("de", "et", "au"...) do not
_CONNECTORS = frozenset(strip_accents(w) for w in """
de du des d à au aux et en la le les l of the and for to in
""".split())
# Pronouns and auxiliaries have no place inside a noun phrase ("Région on en entend",
# "Microcrédit a des taux").
_CLAUSE = frozenset(strip_accents(w) for w in """
je j tu il elle on nous vous ils elles a ai as ont est sont suis va vont fait font peut
peuvent faut c ça ca y ne n pas i you he she we they is are was were has have don't can't
""".split())
_CLAUSE_EN = frozenset("""
i you he she we they it is are was were has have had do does did don't can't won't will
would should could must can
""".split())
_ARTICLE_AFTER_A = frozenset("la le les l' l".split())
_ARTICLES = frozenset("le la les l un une des du d the a an".split())
_EN_ONLY = frozenset(
    "the of and for to with in by from your our their my we you they is are need help "
    "get make provide lack support".split())
# Nouns that end like verbs ("-er", "-ir", "-ent", "-ons").
_NOUNS = frozenset(strip_accents(w) for w in """
hiver mer fer enfer cancer super manager leader conseiller boulanger étranger danger dîner
déjeuner cahier clavier laser poster avenir désir loisir plaisir souvenir cuir argent client
clients parent parents accent talent talents agent agents patient moment moments continent
maisons raisons saisons leçons garçons poissons boissons chansons millions avions camions
salons régent adolescent adolescents présent résident résidents
""".split())
_ELIDED = re.compile(r"^(?:d|l)'", re.IGNORECASE)  # "d'argent", "l'eau": the noun after it
# Past participles and adjectives that head no theme name ("Acheté", "Seul face").
_PARTICIPLE = re.compile(r"(?:é|ée|és|ées)$")
_NOT_PARTICIPLE = frozenset(strip_accents(w) for w in """
été marché marchés café comité comités employé employés salarié salariés associé associés
délégué délégués réfugié réfugiés invité invités résumé congé congés thé clé clés blé bébé
degré côté pré député députés allié alliés aîné aînés lycée lycées musée musées idée idées
année années journée journées entrée entrées arrivée durée rue rues vue vues
""".split())
_ADJECTIVES = frozenset(strip_accents(w) for w in """
seul seule seuls seules mauvais mauvaise bon bonne bons bonnes différent différente
différents grand grande petit petite nouveau nouvelle vrai vraie meilleur meilleure gros
grosse beau belle faux fausse pire possible impossible difficile facile cher chère chers
écrire lire vendre faire prendre mettre dire construire produire apprendre comprendre
""".split())
_NOUN_TE = ("ite", "aute", "ulte", "ante", "erte", "onte", "tie", "societe", "propriete",
            "variete", "anxiete", "proprete")  # santé, liberté, société: nouns, not participles
# Nouns too empty to name a theme on their own ("Projet", "Ensemble", "Gens").
_GENERIC = frozenset(strip_accents(w) for w in """
projet projets ensemble gens personne personnes monde chose choses truc trucs fois moment
moments temps jour jours an ans année années mois semaine semaines idée idées besoin
besoins problème problèmes question questions solution solutions aide cas façon manière
endroit part type genre niveau côté vie tout tous rien
project projects people thing things time way idea ideas need needs problem problems
""".split())
# Clitic pronouns: a word the cards write after one is a verb there ("tout s'arrete").
_CLITIC = frozenset("je j' tu il elle on nous vous ils elles se s' me m' te t' ne n'".split())
_VERB_END = re.compile(r"(?:ent|ez|ons|ait|aient|ais|er|ir)$")
# Present forms of frequent irregular verbs that no ending tells ("il perd", "ça vaut");
# forms that are also nouns ("fait", "part", "sort", "lit") are left out.
_IRREGULAR = frozenset(strip_accents(w) for w in """
perd perds vend vends rend rends prend prends attend attends entend entends comprend
apprend répond réponds descend défend dépend doit dois peut peux veut veux sait sais
voit vois vient viens tient tiens sert sers croit crois reçoit connaît connait paraît
plaît dort meurt faut vaut suffit
convainc convaincs vainc craint crains plaint peint éteint atteint rejoint résout dissout
naît disparaît apparaît reconnaît construit détruit vit suit fuit met permet promet
remet admet boit aperçoit déçoit prévoit acquiert ment sent
""".split())
_PRONOUN = re.compile(r"^(?:j|m|t|s|n|qu)'", re.IGNORECASE)  # "m'accompagne", "s'inspirer"
_WORD = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*", re.UNICODE)


def _words(label: str) -> list[str]:
    return _WORD.findall(label)


def _verb_like(word: str) -> bool:
    """A verb, participle or bare adjective by its form ("regardent", "trouver", "acheté")."""
    w = strip_accents(word.lower())
    if w in _ADJECTIVES or (_PARTICIPLE.search(word.lower()) and w not in _NOT_PARTICIPLE
                            and not w.endswith(_NOUN_TE)):
        return True
    return _verb_ending(w)


def _verb_ending(w: str) -> bool:
    """A conjugated or infinitive verb by its ending (accents folded), or a frequent
    irregular form."""
    if w in _IRREGULAR:
        return True
    if w in _NOUNS or len(w) <= 3 or w.endswith(("ment", "ier", "yer", "oir", "eur", "tions",
                                                    "sions", "ions")):
        return False
    return bool(_VERB_END.search(w))


def _proper_name(word: str, texts: Sequence[str]) -> bool:
    """Cards write the word capitalised inside sentences and never in lower case."""
    inner_caps = lower = 0
    for t in texts:
        tokens = _WORD.findall(t)
        for i, tok in enumerate(tokens):
            if strip_accents(tok.lower()) != strip_accents(word.lower()):
                continue
            if tok[:1].isupper() and i > 0:
                inner_caps += 1
            elif tok[:1].islower():
                lower += 1
    return inner_caps > 0 and lower == 0


def proper_words(texts: Sequence[str]) -> frozenset[str]:
    """Words (lower case, accents folded) the texts write capitalised inside sentences and
    never in lower case: `_proper_name` for every word at once."""
    inner_caps: set[str] = set()
    lower: set[str] = set()
    for t in texts:
        for i, tok in enumerate(_WORD.findall(t)):
            if tok[:1].isupper() and i > 0:
                inner_caps.add(strip_accents(tok.lower()))
            elif tok[:1].islower():
                lower.add(strip_accents(tok.lower()))
    return frozenset(inner_caps - lower)


def is_generic(label: str) -> bool:
    """A lone noun too empty to name a theme ("Projet", "Gens")."""
    words = [w for w in _words(label) if strip_accents(w.lower()) not in _ARTICLES]
    return len(words) == 1 and strip_accents(words[0].lower()) in _GENERIC


@lru_cache(maxsize=65_536)
def _folded_tokens(text: str) -> tuple[str, ...]:
    """Words of a text, lower case and accents folded, elided pronouns kept ("s'")."""
    return tuple(strip_accents(t) for t in
                 re.findall(r"[^\W\d_]+'?", text.lower().replace("’", "'")))


def used_as_verb(word: str, texts: Sequence[str]) -> bool:
    """The cards write the word after a clitic pronoun more often than not ("s'arrete")."""
    target = strip_accents(word.lower())
    after = other = 0
    for t in texts:
        tokens = _folded_tokens(t)
        if target not in tokens:
            continue
        for i, tok in enumerate(tokens):
            if tok != target:
                continue
            if i and tokens[i - 1] in _CLITIC:
                after += 1
            else:
                other += 1
    return after > 0 and after >= other


def is_noun_phrase(label: str, language: str = "fr") -> bool:
    """Starts with a noun (or an article), holds no pronoun, auxiliary or conjugated verb.
    French word forms are checked in French only: in English a pronoun or an auxiliary
    inside the name is what gives a clause away ("Peer support" is no verb)."""
    words = _words(label)
    if not words:
        return False
    if language == "en":
        lower = [w.lower() for w in words]
        return lower[0] not in _CLAUSE_EN and not set(lower) & _CLAUSE_EN
    head = [w for w in words if strip_accents(w.lower()) not in _ARTICLES] or words
    if strip_accents(head[0].lower()) in STOPWORDS or _verb_like(head[0]):
        return False
    lower = [w.lower() for w in words]
    inner = {w if w in {"a", "à"} else strip_accents(w) for w in lower[1:]}
    pairs = zip(lower, [*lower[1:], ""], strict=True)
    if language == "en" or all(nxt in _ARTICLE_AFTER_A for a, nxt in pairs if a == "a"):
        inner.discard("a")  # phone French: "crédit a la banque" is "à la", not a verb
    return not (inner & _CLAUSE or any(_conjugated(w) or _PRONOUN.match(w) for w in words[1:]))


def _conjugated(word: str) -> bool:
    """A conjugated verb inside a phrase ("clients fuient", "on vendait")."""
    w = strip_accents(_ELIDED.sub("", word.lower()))
    return (_verb_ending(w) and not w.endswith(("er", "ir"))
            and not w.endswith(("ant", "ants")) and w not in _NOUNS)


def rubric_failures(label: str, texts: Sequence[str],
                    proper: frozenset[str] | None = None) -> list[str]:
    """Why a theme name would not be projected as is (empty: it passes). `proper`: the
    texts' `proper_words`, when the caller checks many names against the same texts."""
    fails = []
    words = _words(label)
    if not words:
        return ["empty"]
    if sum(strip_accents(w.lower()) not in _CONNECTORS for w in words) > MAX_WORDS:
        fails.append("long")
    if re.search(r"[,;/]", label):
        fails.append("list")
    lang = majority_language(texts) if texts else "fr"
    if not is_noun_phrase(label, lang):
        fails.append("not a noun phrase")
    folded = {strip_accents(w.lower()) for w in words}
    if lang == "fr" and folded & _EN_ONLY:
        fails.append("language")
    head = [w for w in words if strip_accents(w.lower()) not in _ARTICLES] or words
    if (strip_accents(head[0].lower()) in proper if proper is not None
            else _proper_name(head[0], texts)):
        fails.append("proper name")
    if is_generic(label):
        fails.append("generic")
    if len(head) == 1 and used_as_verb(head[0], texts):
        fails.append("a verb in the cards")
    return fails


def majority_gold(card_ids: Sequence[str], gold_of: Mapping[str, str]) -> str | None:
    """The gold theme most of a theme's cards belong to."""
    votes = Counter(gold_of[c] for c in card_ids if c in gold_of)
    return votes.most_common(1)[0][0] if votes else None


def semantic_hits(labels: Sequence[str], targets: Sequence[str],
                  gold_names: Mapping[str, str], embed) -> list[bool]:
    """Per label: is it nearer to its target's gold name than to every other gold name?

    `embed(texts) -> unit vectors`; `targets`: the gold theme id each label should name.
    """
    if not labels:
        return []
    ids = list(gold_names)
    g = np.asarray(embed([gold_names[i] for i in ids]))
    v = np.asarray(embed(list(labels)))
    best = (v @ g.T).argmax(axis=1)
    return [ids[int(b)] == t for b, t in zip(best, targets, strict=True)]


def score_labels(themes: Sequence, texts_of: Mapping[str, str], gold_of: Mapping[str, str],
                 gold_names: Mapping[str, str] | None, embed) -> dict:
    """Label scores of a grouping: shares of (non-Divers) themes passing the rubric, the
    semantic check and both, with each theme's name and verdicts for reading."""
    shown = [t for t in themes if not t.misc and t.card_ids]
    rows = []
    for t in shown:
        texts = [texts_of[c] for c in t.card_ids]
        rows.append({"label": t.label, "size": len(t.card_ids),
                     "gold": majority_gold(t.card_ids, gold_of),
                     "fails": rubric_failures(t.label, texts)})
    if gold_names:
        hits = semantic_hits([r["label"] for r in rows], [r["gold"] for r in rows],
                             gold_names, embed)
        for r, h in zip(rows, hits, strict=True):
            r["semantic"] = h
    n = max(1, len(rows))
    out = {"label_rubric": sum(not r["fails"] for r in rows) / n, "label_rows": rows,
           "label_semantic": None, "label_ok": None}
    if gold_names:
        out["label_semantic"] = sum(r["semantic"] for r in rows) / n
        out["label_ok"] = sum(r["semantic"] and not r["fails"] for r in rows) / n
    return out
