"""Value objects of the clustering engine: cards, themes, facilitator constraints, seed themes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

BLOCKER = "blocker"
LEVER = "lever"
KINDS = (BLOCKER, LEVER)


@dataclass(frozen=True)
class Card:
    """One participant card; `kind` is "blocker", "lever" or None when unknown."""

    id: str
    text: str
    kind: str | None = None


@dataclass(frozen=True)
class Theme:
    """A group of cards of one kind shown as one column/colour on the board."""

    id: str
    kind: str | None
    label: str
    card_ids: tuple[str, ...]
    colour: str
    example: str = ""
    misc: bool = False
    pinned: bool = False
    seed_label: str | None = None


@dataclass(frozen=True)
class PinnedTheme:
    """A theme fixed by the facilitator: its label and members stay; `closed` bars newcomers."""

    label: str
    card_ids: frozenset[str]
    kind: str | None = None
    closed: bool = False


def _frozen(mapping: Mapping | None) -> Mapping:
    """Read-only copy of a mapping."""
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True)
class Constraints:
    """Facilitator decisions the engine never undoes.

    - `pinned`: theme id -> PinnedTheme (label and members kept, new cards may join unless
      closed, i.e. locked).
    - `assignments`: card id -> theme id; a card moved by hand stays in that theme. A merge is
      recorded as assignments of all cards of both themes to the surviving id (`merge`).
    - `labels`: theme id -> label chosen by the facilitator (rename), kept while the id exists.
    """

    pinned: Mapping[str, PinnedTheme] = field(default_factory=dict)
    assignments: Mapping[str, str] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "pinned", _frozen(self.pinned))
        object.__setattr__(self, "assignments", _frozen(self.assignments))
        object.__setattr__(self, "labels", _frozen(self.labels))

    def __hash__(self) -> int:
        return hash((tuple(sorted(self.pinned)), tuple(sorted(self.assignments.items())),
                     tuple(sorted(self.labels.items()))))

    def move(self, card_id: str, theme_id: str) -> Constraints:
        """Record that the facilitator moved a card into a theme."""
        pinned = {tid: replace(p, card_ids=p.card_ids - {card_id})
                  for tid, p in self.pinned.items()}
        if theme_id in pinned:
            p = pinned[theme_id]
            pinned[theme_id] = replace(p, card_ids=p.card_ids | {card_id})
        return replace(self, pinned=pinned, assignments={**self.assignments, card_id: theme_id})

    def merge(self, themes: Iterable[Theme], into: str) -> Constraints:
        """Record that the facilitator merged themes into the theme `into`."""
        out = self
        for theme in themes:
            for cid in theme.card_ids:
                out = out.move(cid, into)
        return out

    def pin(self, theme: Theme, label: str | None = None, closed: bool = False) -> Constraints:
        """Pin a theme with its current members (and optionally a new label)."""
        pinned = {**self.pinned, theme.id: PinnedTheme(
            label or self.labels.get(theme.id, theme.label), frozenset(theme.card_ids),
            theme.kind, closed)}
        return replace(self, pinned=pinned)

    def rename(self, theme_id: str, label: str) -> Constraints:
        """Record a facilitator's label for a theme."""
        pinned = dict(self.pinned)
        if theme_id in pinned:
            pinned[theme_id] = replace(pinned[theme_id], label=label)
        return replace(self, pinned=pinned, labels={**self.labels, theme_id: label})

    def forced_theme(self, card_id: str) -> str | None:
        """Theme a card must stay in, if the facilitator decided one."""
        if card_id in self.assignments:
            return self.assignments[card_id]
        for tid, p in self.pinned.items():
            if card_id in p.card_ids:
                return tid
        return None


@dataclass(frozen=True)
class SeedTheme:
    """A theme remembered from earlier sessions of the programme (label + centroid or texts)."""

    label: str
    kind: str | None = None
    centroid: tuple[float, ...] | None = None
    examples: tuple[str, ...] = ()
