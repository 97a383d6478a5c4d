"""Theme labels: a short noun phrase of the cards (class-based TF-IDF), else keywords."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from .labelcheck import is_generic, is_noun_phrase, used_as_verb
from .language import guess_language, majority_language
from .normalise import normalise, strip_accents
from .tokens import STOPWORDS, stem

_SURFACE = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)
_ELIDED = re.compile(r"^(?:l|d|j|c|n|s|m|t|qu|jusqu|lorsqu|puisqu)'")
# Frequent words that make poor labels on their own (verbs of opinion, fillers, and the
# reporting words of a facilitator typing what someone said: "Awa dit que…").
_WEAK = frozenset(strip_accents(w) for w in """
problème problèmes difficile dur compliqué besoin vraiment gens truc choses faire mettre
pouvoir vouloir savoir dire aller venir voir prendre donner mieux bon bien grand petit petits
gros chose fois jour ans mois semaine aujourd'hui hard really need help make get want like
know good bad lot much many time people thing things way still even just pourrait devrait
faudrait voudrait aimerait serait avait sais sait peux peut veux veut dois doit quelqu un
pourraient devraient pourrions devrions peuvent doivent existe existent plein vrai
dit disent explique expliqué raconte raconté ajoute ajouté témoigne témoigné selon
participant participante participants participantes facilitateur facilitatrice says said
tells told explains
""".split())
# Function words allowed inside a phrase label ("accès au crédit", "cours de français").
_CONNECTORS = frozenset(strip_accents(w) for w in """
de du des d' la le les l' au aux à en pour et entre sur par avec of the for and in with to on
""".split())


@lru_cache(maxsize=65_536)
def _terms(text: str) -> tuple[tuple[str, str], ...]:
    """(stem key, accented surface form) for each content word of a text."""
    out = []
    for raw in _SURFACE.findall(normalise(text).replace("'", "' ")):
        surface = _ELIDED.sub("", raw)
        folded = strip_accents(surface)
        if len(folded) <= 2 or folded in STOPWORDS or folded in _WEAK:
            continue
        out.append((stem(folded), surface))
    return tuple(out)


_SEGMENTS = re.compile(r"[,.;:!?()\[\]\"«»/|+&=*]+|\s-\s")
_WORD_TOKEN = re.compile(r"^[^\W\d_]+(?:['-][^\W\d_]+)*'?$", re.UNICODE)
_INVERTED = re.compile(r"-(?:t-)?(?:je|tu|il|elle|on|nous|vous|ils|elles|ce|moi|toi|le|la|les)$")
MAX_PHRASE = 4  # words in a noun-phrase label
PHRASE_CARDS = 30  # cards of a theme read for phrase candidates (keeps big pools fast)


@lru_cache(maxsize=65_536)
def _phrases(text: str) -> frozenset[tuple[str, tuple[str, ...], int]]:
    """Candidate label phrases of a text: (phrase, stems of its content words, stopwords).

    2-4 consecutive words inside one clause, starting and ending with a content word (an
    elided article such as "l'" is dropped at the start), never spanning digits, symbols,
    pronouns, negations or verbs of modality; only a few connectors ("de", "au", "en",
    "pour", "of"...) may sit inside.
    """
    out = []
    for segment in _SEGMENTS.split(normalise(text)):
        words: list[tuple[str, str | None]] = []
        for tok in segment.split():
            if not _WORD_TOKEN.match(tok):
                words.append(("", None))  # a break: digits, symbols
                continue
            surface = _ELIDED.sub("", tok)
            folded = strip_accents(surface)
            content = len(folded) > 2 and "'" not in surface \
                and folded not in STOPWORDS and folded not in _WEAK \
                and not _INVERTED.search(folded)
            if not content and strip_accents(tok) not in _CONNECTORS:
                words.append(("", None))  # pronouns, negations, verbs: not in a label
                continue
            words.append((tok, stem(folded) if content else None))
        for i in range(len(words)):
            if words[i][1] is None:
                continue
            for j in range(i + 1, min(len(words), i + MAX_PHRASE)):
                span = words[i:j + 1]
                if not span[-1][0]:
                    break
                if span[-1][1] is None:
                    continue
                phrase = " ".join([_ELIDED.sub("", span[0][0]), *(w for w, _ in span[1:])])
                keys = tuple(k for _, k in span if k is not None)
                out.append((phrase, keys, len(span) - len(keys)))
    return frozenset(out)


def _phrase_label(texts: Sequence[str], term_score: dict[str, float],
                  language: str = "fr") -> str | None:
    """Best short phrase of the theme's cards by class-based TF-IDF of its words.

    Score = sum of its distinct content words' scores, minus a penalty per filler word
    (content words that do not characterise the theme, stopwords), plus a bonus per extra
    card using it. It must contain the theme's top term, or two of its top 3 terms, and beat
    the top term alone, and read as a noun phrase (`labelcheck.is_noun_phrase`: "Demander
    de l'aide" or "Clients fuient" are not theme names); otherwise the caller falls back.
    """
    if not term_score:
        return None
    top = max(term_score.values())
    ranked = sorted(term_score, key=lambda k: -term_score[k])[:3]
    first, top3 = ranked[0], set(ranked)
    strong_bar = 0.3 * top
    texts = texts[:PHRASE_CARDS]
    counts: Counter[tuple[str, tuple[str, ...], int]] = Counter()
    for t in texts:
        counts.update(_phrases(t))
    best: tuple[float, int, str] | None = None
    for (phrase, keys, n_stop), count in counts.items():
        if first not in keys and len(top3.intersection(keys)) < 2:
            continue
        if len(set(keys)) < len(keys) or not is_noun_phrase(phrase, language):
            continue
        scores = [term_score.get(k, 0.0) for k in keys]
        weak = sum(sc < strong_bar for sc in scores)
        score = sum(scores) - top * (0.35 * weak + 0.12 * n_stop - 0.25 * (count - 1))
        key = (score, count, phrase)
        if best is None or key[:2] > best[:2] or (key[:2] == best[:2] and phrase < best[2]):
            best = key
    if best is None or best[0] < 1.05 * top:  # no better than the top keyword alone
        return None
    # Accents: a word typed without them by one card takes the accented form another used.
    wanted = {strip_accents(w) for w in best[2].split()}
    spelled: dict[str, Counter[str]] = defaultdict(Counter)
    for t in texts:
        for w in normalise(t).split():
            folded = strip_accents(w)
            if folded in wanted:
                spelled[folded][w] += 1
    words = [max(spelled[strip_accents(w)] or {w: 1},
                 key=lambda f: (f != strip_accents(f), spelled[strip_accents(w)][f]))
             for w in best[2].split()]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def _by_centrality(texts: Sequence[str], vectors: np.ndarray | None) -> list[str]:
    """Texts from the closest to the theme's centroid to the farthest (as given without vectors)."""
    if vectors is None or len(vectors) != len(texts) or len(texts) <= PHRASE_CARDS:
        return list(texts)
    order = np.argsort(-(vectors @ vectors.mean(axis=0)), kind="stable")
    return [texts[int(i)] for i in order]


def _central(texts: Sequence[str], vectors: np.ndarray | None) -> int:
    """Index of the card closest to its theme's centroid (or sharing most terms)."""
    if vectors is not None and len(vectors) == len(texts) and len(texts) > 0:
        centroid = vectors.mean(axis=0)
        return int(np.argmax(vectors @ centroid))
    keys = [{k for k, _ in _terms(t)} for t in texts]
    counts = Counter(k for ks in keys for k in ks)
    scores = [sum(counts[k] - 1 for k in ks) / (1 + len(ks)) ** 0.5 for ks in keys]
    return int(np.argmax(scores)) if scores else 0


def _format(words: list[str]) -> str:
    """Join label words: "Banque, garanties, prêt"."""
    if not words:
        return ""
    text = ", ".join(words)
    return text[:1].upper() + text[1:]


def label_groups(groups: Sequence[Sequence[str]],
                 vectors: Sequence[np.ndarray | None] | None = None,
                 max_terms: int = 3) -> list[tuple[str, str]]:
    """Return (label, example text) per group of texts, contrasting groups with each other."""
    per_group: list[Counter[str]] = []
    surfaces: list[dict[str, Counter[str]]] = []
    langs: list[str] = []
    for texts in groups:
        lang = majority_language(texts) if texts else "fr"
        langs.append(lang)
        chosen = [t for t in texts if guess_language(t) == lang] or list(texts)
        df: Counter[str] = Counter()
        forms: dict[str, Counter[str]] = defaultdict(Counter)
        for t in chosen:
            terms = _terms(t)
            df.update({k for k, _ in terms})
            for k, s in terms:
                forms[k][s] += 1
        per_group.append(df)
        surfaces.append(forms)
    total: Counter[str] = Counter()
    for df in per_group:
        total.update(df)
    avg_words = (sum(total.values()) / max(1, len(groups))) or 1.0
    out: list[tuple[str, str]] = []
    for gi, texts in enumerate(groups):
        df = per_group[gi]
        n = max(1, len(texts))
        scored = []
        for key, c in df.items():
            score = (c / n) * math.log(1.0 + avg_words / total[key])
            if c >= 2 or n <= 2:
                score *= 2.0
            scored.append((score, key))
        scored.sort(key=lambda x: (-x[0], x[1]))
        vec = vectors[gi] if vectors is not None else None
        ordered = _by_centrality(texts, vec)  # phrases are read from the most central cards
        chosen = [t for t in ordered if guess_language(t) == langs[gi]] or ordered
        phrase = _phrase_label(chosen, {k: sc for sc, k in scored}, langs[gi]) \
            if texts else None
        words: list[str] = []
        for score, key in scored:
            if len(words) >= max_terms or (words and score < 0.35 * scored[0][0]):
                break
            forms = surfaces[gi][key]
            # Prefer the accented spelling, then the most frequent one.
            best = max(forms, key=lambda s: (forms[s], s != strip_accents(s), -len(s)))
            words.append(best)
        example = texts[_central(texts, vec)] if texts else ""
        if len(words) < 2:
            extra = [w for w in _fallback_words(example) if w not in words]
            words.extend(extra[: 2 - len(words)])
        # No phrase: the top keyword that reads as a noun, rather than a list of words.
        nouns = [w for w in words[:3] if is_noun_phrase(w, langs[gi])]
        noun = next((w for w in nouns if not is_generic(w) and not used_as_verb(w, texts)),
                    nouns[0] if nouns else None)
        text = phrase or _format([noun or words[0]] if words else [])  # never a list
        if langs[gi] == "en":
            text = _unaccent_unseen(text, texts)
        out.append((text, example))
    return out


def _unaccent_unseen(text: str, texts: Sequence[str]) -> str:
    """English label: drop accents that `normalise` restored but no card typed ("procédure")."""
    seen = " ".join(texts).lower()
    words = [w if w.lower().strip(",") in seen else strip_accents(w) for w in text.split(" ")]
    return " ".join(words)


def _fallback_words(text: str) -> list[str]:
    """Content words of a text in order, for labels of tiny themes."""
    seen: list[str] = []
    for _, surface in _terms(text):
        if surface not in seen:
            seen.append(surface)
    return seen


def label(texts: Sequence[str], language: str | None = None,
          others: Sequence[Sequence[str]] = ()) -> tuple[str, str]:
    """Label (2-5 words) and central example for one theme's texts, contrasted with `others`.

    `language` ("fr"/"en") restricts terms to cards in that language when some exist.
    """
    chosen = list(texts)
    if language:
        chosen = [t for t in texts if guess_language(t) == language] or chosen
    return label_groups([chosen, *others])[0]
