"""Theme names built from a theme's own cards: noun phrases ranked by how well they say it.

When no concept of the lexicon fits a theme, its name comes from its cards. French cards give
noun phrases of a fixed shape, found by word lists and word forms only (no parser: spaCy and
its French model take ≈ 270 MB): a noun, an optional adjective or second noun, and an
optional complement after a preposition ("Voyage d'étude", "Permission du mari", "Disputes
entre familles"). A word any card of the pool writes after a subject pronoun ("on attend",
"ça motive") is a verb there and never heads a phrase; words the cards only write capitalised
inside a sentence are proper names and stay out. English cards give the short phrases of
`labels._phrases`.

Candidates are ranked by their fit (`fit`): the phrase's sentence vector's cosine to its
theme's centroid, plus `FIT_MARGIN` x its margin over the nearest other theme of the pool
(distinctiveness), plus `FIT_COVER` x the share of the theme's cards that hold all its
words (coverage). Only the `MAX_CANDIDATES` phrases most cards share are embedded (vectors are
cached, so a theme that stays costs nothing at the next regrouping).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np

from .labelcheck import _GENERIC, _conjugated, _verb_like, proper_words, rubric_failures
from .labels import _ELIDED, _INVERTED, _SEGMENTS, _WEAK, _WORD_TOKEN, _phrases, _terms
from .language import guess_language
from .normalise import normalise, strip_accents
from .tokens import STOPWORDS, stem

MAX_CANDIDATES = 12  # phrases per theme embedded and ranked (those most cards share)
FIT_MARGIN = 0.5  # weight of the margin over the nearest other theme's centroid
FIT_COVER = 0.3  # weight of the share of the theme's cards holding all the phrase's words
FIT_WORD = 0.03  # fit lost per word beyond two (a name says the theme, not one card's story)
# Words of time and number (they date or count a card, they do not name a theme), and
# adverbs and indefinite pronouns the stopwords leave in.
_TIME = frozenset(strip_accents(w) for w in """
combien comment pourquoi chacun chacune aucun aucune plusieurs certains certaines tellement
ailleurs partout dedans dehors ainsi autant tant assez presque seulement parfois demain
maintenant enfin vite ensuite surtout vraiment quelqu quelqu'un quelque-chose là-bas quel quels
quelle quelles""".split())
_TIME |= frozenset(strip_accents(w) for w in """
lundi mardi mercredi jeudi vendredi samedi dimanche lundis mardis mercredis jeudis vendredis
samedis dimanches janvier février mars avril mai juin juillet août septembre octobre novembre
décembre matin matins soir soirs soirée nuit nuits midi après-midi lendemain veille hier
heure heures minute minutes semaine semaines mois an ans année années jour jours journée
deux trois quatre cinq six sept huit neuf dix onze douze vingt trente cent cents mille
moitié demi premier première dernier dernière
""".split())
_PREPS = frozenset("de du des à au aux en pour entre sur avec sans contre par".split())
_ARTS = frozenset("la le les l' un une".split())
_SUBJECTS = frozenset(
    "je j' tu il elle on nous vous ils elles se s' ne n' me m' te t' qui qu' y ça ca cela c'"
    .split())

# "vendu", "reçue", "perdus": participles (not "bus", "eau", "lieu"; a few nouns kept)
_PARTICIPLE_U = re.compile(r"(?<![aeo])(?:u|ue|us|ues)$")
_NOUNS_U = frozenset("rue rues tissu tissus revenu revenus menu menus avenue avenues vue vues "
                     "issue issues".split())

Embed = Callable[[Sequence[str]], np.ndarray]


@lru_cache(maxsize=65_536)
def _verbs_of(text: str) -> frozenset[str]:
    """Words a text writes right after a subject or clitic pronoun (folded): verbs there."""
    toks = normalise(text).replace("'", "' ").split()
    return frozenset(strip_accents(_ELIDED.sub("", b))
                     for a, b in zip(toks, toks[1:], strict=False) if a in _SUBJECTS)


def pool_verbs(texts: Sequence[str]) -> frozenset[str]:
    """Words any of the texts uses as a verb (after a pronoun)."""
    return frozenset().union(*(_verbs_of(t) for t in texts)) if texts else frozenset()


def _noun_key(word: str, verbs: frozenset[str]) -> str | None:
    """Stem of a word that may be a noun (or adjective) in a name, else None."""
    surface = _ELIDED.sub("", word)
    folded = strip_accents(surface)
    if (len(folded) <= 2 or "'" in surface
            or (len(folded) >= 5 and _PARTICIPLE_U.search(folded) and folded not in _NOUNS_U)
            or folded in STOPWORDS or folded in _WEAK
            or _INVERTED.search(folded) or folded in verbs or _verb_like(surface)
            or _conjugated(surface) or folded in _TIME
            or any(part in _TIME for part in folded.split("-"))):
        return None
    return stem(folded)


@lru_cache(maxsize=8_192)
def _tags(segment: str, verbs: frozenset[str]) -> tuple[tuple[str, str, str | None], ...]:
    """(word, tag, stem) per word of a clause: N (noun-like), DN ("d'épargne"), LN
    ("l'eau"), P (preposition), A (article), X (anything that breaks a phrase)."""
    out: list[tuple[str, str, str | None]] = []
    toks = segment.split()
    for i, tok in enumerate(toks):
        low = tok.lower()
        if not _WORD_TOKEN.match(tok):
            out.append((tok, "X", None))
        elif (m := re.match(r"^([dl])'(.+)$", low)) is not None:
            key = _noun_key(m.group(2), verbs)
            out.append((tok, ("DN" if m.group(1) == "d" else "LN") if key else "X", key))
        elif low.endswith("ant") and i and toks[i - 1].lower() == "en":  # "en attendant"
            out[-1] = (toks[i - 1], "X", None)
            out.append((tok, "X", None))
        elif low in _PREPS:
            out.append((tok, "P", None))
        elif low in _ARTS:
            out.append((tok, "A", None))
        else:
            key = _noun_key(low, verbs)
            out.append((tok, "N" if key else "X", key))
    return tuple(out)


@lru_cache(maxsize=65_536)
def noun_phrases(text: str, verbs: frozenset[str] = frozenset()
                 ) -> frozenset[tuple[str, tuple[str, ...]]]:
    """French noun phrases of a text with their words' stems: N, N N (noun + adjective or
    apposition), and either followed by "d'N" or a preposition, an optional article and a
    noun (+ one more word): "Voyage d'étude", "Titre foncier pour une femme"."""
    out: set[tuple[str, tuple[str, ...]]] = set()
    for segment in _SEGMENTS.split(normalise(text)):
        tags = _tags(segment, verbs)
        n = len(tags)
        for i, (word, tag, key) in enumerate(tags):
            if tag not in ("N", "LN") or key is None:
                continue
            words, keys = [_ELIDED.sub("", word)], [key]
            out.add((words[0], (key,)))
            j = i + 1
            if j < n and tags[j][1] == "N":
                words.append(tags[j][0])
                keys.append(str(tags[j][2]))
                out.add((" ".join(words), tuple(keys)))
                j += 1
            if j >= n:
                continue
            m = j
            if tags[j][1] == "P":
                m = j + 1 + (j + 1 < n and tags[j + 1][1] == "A")
            elif tags[j][1] != "DN":
                continue
            if m >= n or tags[m][1] not in ("N", "LN", "DN") or tags[m][2] is None:
                continue
            phrase = [*words, *(w for w, _, _ in tags[j:m + 1])]
            pkeys = [*keys, str(tags[m][2])]
            out.add((" ".join(phrase), tuple(pkeys)))
            if m + 1 < n and tags[m + 1][1] == "N":
                out.add((" ".join([*phrase, tags[m + 1][0]]),
                         (*pkeys, str(tags[m + 1][2]))))
    return frozenset((p, k) for p, k in out if len(set(k)) == len(k))


def _english_phrases(text: str) -> set[tuple[str, tuple[str, ...]]]:
    out = {(p, keys) for p, keys, _ in _phrases(text)}
    out.update((surface, (key,)) for key, surface in _terms(text))
    return out


def candidates(texts: Sequence[str], language: str, verbs: frozenset[str] = frozenset(),
               limit: int | None = None) -> list[tuple[str, float]]:
    """A theme's candidate names and their coverage (share of its cards holding all the
    phrase's words), the `limit` (default `MAX_CANDIDATES`) most covering ones; only cards
    in `language` are read, and only phrases a facilitator could project (rubric, no proper
    name, no lone empty noun)."""
    chosen = [t for t in texts if guess_language(t) == language] or list(texts)
    counts: Counter[str] = Counter()
    keys_of: dict[str, tuple[str, ...]] = {}
    for t in chosen:
        found = noun_phrases(t, verbs) if language == "fr" else _english_phrases(t)
        for phrase, keys in found:
            name = phrase[:1].upper() + phrase[1:]
            if name not in keys_of or len(keys) < len(keys_of[name]):
                keys_of[name] = keys
    stems_of = [{k for k, _ in _terms(t)} for t in chosen]
    for name, keys in keys_of.items():
        counts[name] = sum(all(k in s for k in keys) for s in stems_of)
    proper = proper_words(chosen)
    limit = MAX_CANDIDATES if limit is None else limit
    out: list[tuple[str, float]] = []
    for name, count in sorted(counts.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0])):
        if len(out) >= limit:
            break
        words = name.split()
        if (len(words) == 1 and strip_accents(name.lower()) in _GENERIC) \
                or any(strip_accents(w.lower()) in proper for w in words) \
                or rubric_failures(name, chosen, proper):
            continue
        out.append((name, count / max(1, len(chosen))))
    return out


def fit(vectors: np.ndarray, centroids: np.ndarray, own: int) -> np.ndarray:
    """Per name vector: cosine to theme `own`'s centroid + `FIT_MARGIN` x its margin over
    the nearest other centroid (unit rows expected)."""
    sims = np.asarray(vectors) @ np.asarray(centroids).T
    mine = sims[:, own]
    if sims.shape[1] < 2:
        return mine
    others = np.delete(sims, own, axis=1).max(axis=1)
    return mine + FIT_MARGIN * (mine - others)


def centroids(groups_vectors: Sequence[np.ndarray]) -> np.ndarray:
    """Unit centroids of the groups' card vectors."""
    rows = np.vstack([np.asarray(v).mean(axis=0) for v in groups_vectors])
    return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-9)


def phrase_names(groups: Sequence[Sequence[str]], cents: np.ndarray, embed: Embed,
                 languages: Sequence[str], verbs: frozenset[str] = frozenset(),
                 only: Sequence[int] | None = None) -> list[tuple[str, float] | None]:
    """Per group of texts (`cents`: their unit centroids, one row per group): its best
    phrase name and that name's score, or None when its cards hold no candidate or the group
    is not in `only` (indices; None: every group)."""
    wanted = set(range(len(groups)) if only is None else only)
    out: list[tuple[str, float] | None] = []
    for gi, texts in enumerate(groups):
        found = candidates(texts, languages[gi], verbs) if texts and gi in wanted else []
        if not found:
            out.append(None)
            continue
        names = [name for name, _ in found]
        extra = np.array([max(0, len(n.split()) - 2) for n in names])
        score = fit(embed(names), cents, gi) + FIT_COVER * np.array([c for _, c in found]) \
            - FIT_WORD * extra
        best = int(np.argmax(score))
        out.append((names[best], float(score[best])))
    return out
