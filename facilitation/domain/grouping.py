"""Live grouping of a session's cards into themes: the bridge between the board and the
pure clustering engine. No Flask; CPU work happens in `compute`, outside any lock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .. import clustering
from .board import Board
from .events import ThemesUpdated
from .kinds import COLLECTING

# A card is flagged when the classifier is at least this sure it belongs to the other kind.
MISFILED_CONFIDENCE = clustering.LOW_CONFIDENCE


@dataclass(frozen=True)
class Snapshot:
    """What the engine needs from a board, copied under the board's lock."""

    seq: int
    language: str
    granularity: float
    cards: tuple[clustering.Card, ...]
    previous: tuple[clustering.Theme, ...]
    constraints: clustering.Constraints


def snapshot(board: Board) -> Snapshot:
    """Copy the board's cards, themes and the facilitator's decisions (call under lock)."""
    cards = tuple(clustering.Card(c.id, c.text, c.kind) for c in board.groupable_cards())
    previous = tuple(
        clustering.Theme(t.id, t.kind, t.label, tuple(t.card_ids), t.colour, t.example,
                         t.misc, t.pinned)
        for t in board.themes.values()
    )
    pinned = {
        t.id: clustering.PinnedTheme(t.label, frozenset(t.card_ids), t.kind)
        for t in board.themes.values() if t.pinned
    }
    assignments = {cid: tid for cid, tid in board.assignments.items() if tid in board.themes}
    labels = {t.id: t.label for t in board.themes.values() if t.renamed}
    constraints = clustering.Constraints(pinned=pinned, assignments=assignments, labels=labels)
    return Snapshot(board.seq, board.language, board.grouping.granularity, cards, previous,
                    constraints)


def compute(
    shot: Snapshot,
    backend: str,
    seeds: tuple[clustering.SeedTheme, ...] = (),
) -> ThemesUpdated:
    """Group the snapshot's cards; the result is the event the board will show."""
    themes = clustering.cluster(
        list(shot.cards), granularity=shot.granularity, previous=list(shot.previous),
        constraints=shot.constraints, seed_themes=seeds, backend=backend,
        language=shot.language,  # the board's words follow the session, not the cards
    )
    renamed = set(shot.constraints.labels)
    payload = tuple(
        {
            "id": t.id, "kind": t.kind, "label": t.label, "card_ids": list(t.card_ids),
            "colour": t.colour, "example": t.example, "misc": t.misc, "pinned": t.pinned,
            "renamed": t.id in renamed,
        }
        for t in themes
    )
    return ThemesUpdated(payload, shot.seq, backend, _flags(shot.cards, backend))


def _flags(cards: tuple[clustering.Card, ...], backend: str) -> tuple[dict[str, object], ...]:
    """Cards that look filed in the wrong column, for the facilitator to decide."""
    if not cards:
        return ()
    texts = [c.text for c in cards]
    vectors = clustering.get_cache(backend).vectors(texts)
    guesses = clustering.classify_kinds(texts, backend=backend, vectors=vectors)
    return tuple(
        {"contribution_id": card.id, "suggested_kind": kind, "confidence": round(conf, 2)}
        for card, (kind, conf) in zip(cards, guesses, strict=True)
        if card.kind is not None and kind != card.kind and conf >= MISFILED_CONFIDENCE
    )


def embed_new(shot: Snapshot, backend: str, pause: Callable[[], None]) -> None:
    """Embed the cards not seen yet one by one, calling `pause()` between them, so a
    cooperative server (eventlet) serves other clients while a burst is embedded."""
    cache = clustering.get_cache(backend)
    for card in shot.cards:
        cache.add([card.text])
        pause()


def warm_up(backend: str) -> None:
    """Load the model and embed the domain's concepts now (seconds), not mid-session."""
    cache = clustering.get_cache(backend)
    cache.add(["échauffement du modèle"])
    clustering.domain_concepts().warm(cache)  # centroids (naming-only ones too), their mean


def still_valid(board: Board, result: ThemesUpdated) -> bool:
    """A result may be shown unless the facilitator corrected or locked the grouping
    after the snapshot it was computed from (it would undo their decision)."""
    return (
        not board.grouping.locked
        and board.phase in COLLECTING  # votes point at themes: they must hold still
        and board.corrected_seq <= result.based_on
    )


def seeds_from(boards: list[Board]) -> tuple[clustering.SeedTheme, ...]:
    """Themes of earlier sessions of a programme, to name this session's themes alike."""
    seeds = []
    for board in boards:
        for theme in board.themes.values():
            if theme.misc and not theme.renamed:  # "Divers" is no theme, unless named
                continue
            texts = tuple(
                board.contributions[cid].text for cid in theme.card_ids
                if cid in board.contributions and board.contributions[cid].visible
            )[:12]
            seeds.append(clustering.SeedTheme(theme.label, theme.kind, examples=texts))
    return tuple(seeds)
