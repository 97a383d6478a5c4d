"""A programme's synthesis: the themes of all its sessions merged, with where (which
sessions, which territories) each came up, and a "here and there" comparison of two
territories. Pure: the clustering engine merges the themes."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from .. import clustering
from .model import Synthesis, ThemeItem, plain_cards

SCHEMA_VERSION = 1
ANSWERS_MIN = 0.35  # least centred cosine for "a lever from there answers a blocker here"


@dataclass(frozen=True)
class Mention:
    """One session's theme inside a programme theme."""

    session_id: str
    session_title: str
    territory: str | None
    label: str
    votes: int
    size: int
    examples: tuple[str, ...]


@dataclass(frozen=True)
class ProgrammeTheme:
    id: str
    kind: str
    label: str
    mentions: tuple[Mention, ...]

    @property
    def sessions(self) -> int:
        return len({m.session_id for m in self.mentions})

    @property
    def territories(self) -> tuple[str, ...]:
        return tuple(sorted({m.territory for m in self.mentions if m.territory}))

    @property
    def votes(self) -> int:
        return sum(m.votes for m in self.mentions)

    @property
    def size(self) -> int:
        return sum(m.size for m in self.mentions)


@dataclass(frozen=True)
class Answer:
    """A lever raised on one side that answers a blocker raised on the other."""

    lever: str  # programme theme id
    blocker: str
    similarity: float


@dataclass(frozen=True)
class HereAndThere:
    here: str
    there: str
    shared_blockers: tuple[str, ...]  # programme theme ids raised on both sides
    blockers_only_here: tuple[str, ...]
    blockers_only_there: tuple[str, ...]
    shared_levers: tuple[str, ...]
    levers_only_here: tuple[str, ...]
    levers_only_there: tuple[str, ...]
    answers_from_there: tuple[Answer, ...]  # levers from there for blockers here
    answers_from_here: tuple[Answer, ...]


@dataclass(frozen=True)
class ProgrammeSynthesis:
    name: str
    language: str
    sessions: tuple[dict[str, Any], ...]  # {id, title, kind_name, date, territory, ...}
    territories: tuple[str, ...]
    participants: int
    contributions: int
    blockers: tuple[ProgrammeTheme, ...]
    levers: tuple[ProgrammeTheme, ...]
    comparison: HereAndThere | None

    def theme(self, theme_id: str) -> ProgrammeTheme:
        return next(t for t in (*self.blockers, *self.levers) if t.id == theme_id)

    def to_json(self) -> dict[str, Any]:
        data = plain_cards(asdict(self))
        data["schema"] = SCHEMA_VERSION
        for kind, themes in (("blockers", self.blockers), ("levers", self.levers)):
            for item, theme in zip(data[kind], themes, strict=True):
                item.update(sessions=theme.sessions, territories=list(theme.territories),
                            votes=theme.votes, size=theme.size)
        return data


def _document(theme: ThemeItem) -> str:
    """What stands for a session's theme when themes are compared: label and cards."""
    return " ; ".join([theme.label, *(c.text for c in theme.cards[:8])])


def merge(
    syntheses: list[Synthesis],
    name: str,
    backend: str = "use",
    here: str | None = None,
    there: str | None = None,
    granularity: float = 0.5,
) -> ProgrammeSynthesis:
    """Merge the sessions' themes (each theme is one item to cluster, per kind)."""
    language = syntheses[0].language if syntheses else "fr"
    mentions: dict[str, tuple[Mention, str]] = {}
    cards: list[clustering.Card] = []
    for synthesis in syntheses:
        for theme in (*synthesis.blockers, *synthesis.levers):
            key = f"{synthesis.session_id}/{theme.id}"
            mention = Mention(synthesis.session_id, synthesis.title, synthesis.territory,
                              theme.label, theme.votes, theme.size,
                              tuple(c.text for c in theme.cards[:3]))
            mentions[key] = (mention, _document(theme))
            cards.append(clustering.Card(key, mentions[key][1], theme.kind))
    grouped = clustering.cluster(cards, granularity=granularity, backend=backend)
    merged: dict[str, list[ProgrammeTheme]] = {"blocker": [], "lever": []}
    for group in grouped:
        kind = group.kind or "blocker"
        # "Divers" is no theme: its members stay themes of their own, those that share
        # a label (the same theme named alike in two sessions) together
        if group.misc:
            by_label: dict[str, list[str]] = {}
            for key in group.card_ids:
                same = clustering.normalise(mentions[key][0].label)
                by_label.setdefault(same, []).append(key)
            parts = [(f"{group.id}-{n}", tuple(keys))
                     for n, keys in enumerate(by_label.values())]
        else:
            parts = [(group.id, group.card_ids)]
        for theme_id, keys in parts:
            members = tuple(mentions[key][0] for key in keys)
            # the label the sessions gave most weight (votes, then size) speaks for them
            best = max(members, key=lambda m: (m.votes, m.size, -len(m.label)))
            merged[kind].append(ProgrammeTheme(theme_id, kind, best.label, members))
    for kind in merged:
        merged[kind].sort(key=lambda t: (-t.sessions, -t.votes, -t.size, t.label))
    territories = tuple(sorted({s.territory for s in syntheses if s.territory}))
    result = ProgrammeSynthesis(
        name=name,
        language=language,
        sessions=tuple(
            {"id": s.session_id, "title": s.title, "kind_name": s.kind_name, "date": s.date,
             "territory": s.territory, "participants": s.participants,
             "contributions": s.contributions}
            for s in sorted(syntheses, key=lambda s: (s.date or "", s.title))
        ),
        territories=territories,
        participants=sum(s.participants for s in syntheses),
        contributions=sum(s.contributions for s in syntheses),
        blockers=tuple(merged["blocker"]),
        levers=tuple(merged["lever"]),
        comparison=None,
    )
    if here and there:
        comparison = compare(result, here, there, backend, mentions)
        result = ProgrammeSynthesis(**{**result.__dict__, "comparison": comparison})
    return result


def compare(programme: ProgrammeSynthesis, here: str, there: str, backend: str,
            documents: dict[str, tuple[Mention, str]] | None = None) -> HereAndThere:
    """Shared and specific themes of two territories, and levers that answer blockers."""

    def split(themes: tuple[ProgrammeTheme, ...]) -> tuple[tuple[str, ...], ...]:
        both = tuple(t.id for t in themes if {here, there} <= set(t.territories))
        only_here = tuple(t.id for t in themes
                          if here in t.territories and there not in t.territories)
        only_there = tuple(t.id for t in themes
                           if there in t.territories and here not in t.territories)
        return both, only_here, only_there

    shared_b, b_here, b_there = split(programme.blockers)
    shared_l, l_here, l_there = split(programme.levers)

    def text(theme: ProgrammeTheme) -> str:
        return " ; ".join([theme.label, *(e for m in theme.mentions for e in m.examples)])

    def answers(levers: tuple[str, ...], blockers: tuple[str, ...]) -> tuple[Answer, ...]:
        if not levers or not blockers:
            return ()
        cache = clustering.get_cache(backend)
        lever_vecs = cache.vectors([text(programme.theme(t)) for t in levers])
        blocker_vecs = cache.vectors([text(programme.theme(t)) for t in blockers])
        every = np.vstack([lever_vecs, blocker_vecs])
        mean = every.mean(axis=0)
        lv, bv = lever_vecs - mean, blocker_vecs - mean
        lv /= np.linalg.norm(lv, axis=1, keepdims=True) + 1e-9
        bv /= np.linalg.norm(bv, axis=1, keepdims=True) + 1e-9
        sim = lv @ bv.T
        found = []
        for j, blocker in enumerate(blockers):
            i = int(sim[:, j].argmax())
            if sim[i, j] >= ANSWERS_MIN:
                found.append(Answer(levers[i], blocker, round(float(sim[i, j]), 3)))
        return tuple(sorted(found, key=lambda a: -a.similarity))

    levers_there = tuple(dict.fromkeys((*l_there, *shared_l)))
    levers_here = tuple(dict.fromkeys((*l_here, *shared_l)))
    return HereAndThere(
        here=here, there=there,
        shared_blockers=shared_b, blockers_only_here=b_here, blockers_only_there=b_there,
        shared_levers=shared_l, levers_only_here=l_here, levers_only_there=l_there,
        answers_from_there=answers(levers_there, (*b_here, *shared_b)),
        answers_from_here=answers(levers_here, (*b_there, *shared_b)),
    )
