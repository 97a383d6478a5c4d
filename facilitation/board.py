"""The live board: a fold of a session's events, `apply(board, recorded) -> board`.

Pure code (no Flask, no database). `apply` updates the board in place and returns it,
so catching up one event costs O(1); `rebuild` folds a whole log from scratch.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import singledispatch
from typing import Any

from .events import (
    CardMoved,
    ContributionAdded,
    Event,
    GroupingSet,
    ParticipantJoined,
    ParticipantRenamed,
    PhaseChanged,
    Recorded,
    SessionCreated,
    ThemePinned,
    ThemeRenamed,
    ThemesMerged,
    ThemesUpdated,
)

NEW_THEME_LABELS = {"fr": "Nouveau thème", "en": "New theme"}
# Colours for themes the facilitator creates by hand (the engine picks its own).
HAND_COLOURS = ("#5b4a9e", "#8a5a00", "#2c6e8f", "#8f2c5a", "#4d6b1f", "#6b4226")


@dataclass
class Participant:
    id: str
    name: str | None
    joined_seq: int


@dataclass
class Contribution:
    id: str
    text: str
    kind: str
    participant_id: str | None
    prompt_id: str | None
    seq: int
    created_at: datetime


@dataclass
class Theme:
    """A group of cards of one kind, as the board shows it."""

    id: str
    kind: str | None
    label: str
    card_ids: list[str]
    colour: str
    example: str = ""
    misc: bool = False
    pinned: bool = False
    renamed: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "kind": self.kind, "label": self.label,
            "card_ids": list(self.card_ids), "colour": self.colour, "example": self.example,
            "misc": self.misc, "pinned": self.pinned, "renamed": self.renamed,
        }


@dataclass
class Grouping:
    """How the board groups cards: automatically or on request, locked, granularity."""

    auto: bool = True
    locked: bool = False
    granularity: float = 0.5


@dataclass
class Board:
    """Everything a session shows, as of event `seq`."""

    session_id: str
    seq: int = 0
    title: str = ""
    kind: str = ""
    language: str = "fr"
    code: str = ""
    facilitator_id: int | None = None
    phase: str = "collect"
    prompts: list[dict[str, str]] = field(default_factory=list)
    created_at: datetime | None = None
    programme: str | None = None
    participants: dict[str, Participant] = field(default_factory=dict)
    contributions: dict[str, Contribution] = field(default_factory=dict)
    themes: dict[str, Theme] = field(default_factory=dict)
    theme_of: dict[str, str] = field(default_factory=dict)
    # Cards the facilitator placed by hand: the engine keeps them where they were put.
    assignments: dict[str, str] = field(default_factory=dict)
    grouping: Grouping = field(default_factory=Grouping)
    flags: dict[str, dict[str, Any]] = field(default_factory=dict)
    grouped_seq: int = 0  # seq of the board the current themes were computed from
    corrected_seq: int = 0  # seq of the facilitator's last correction of the grouping

    @property
    def is_closed(self) -> bool:
        return self.phase == "closed"

    def ungrouped(self) -> list[str]:
        """Cards no theme holds yet (sent since the last grouping)."""
        return [cid for cid in self.contributions if cid not in self.theme_of]

    def place(self, card_id: str, theme_id: str | None) -> None:
        """Move a card out of its theme (dropping the theme if it empties) and into another."""
        if theme_id is not None and self.theme_of.get(card_id) == theme_id:
            return
        previous = self.theme_of.pop(card_id, None)
        if previous is not None and previous in self.themes:
            old = self.themes[previous]
            old.card_ids = [cid for cid in old.card_ids if cid != card_id]
            if not old.card_ids:
                del self.themes[previous]
        if theme_id is not None:
            self.themes[theme_id].card_ids.append(card_id)
            self.theme_of[card_id] = theme_id

    def author_name(self, contribution: Contribution) -> str | None:
        participant = self.participants.get(contribution.participant_id or "")
        return participant.name if participant else None

    def to_dict(self) -> dict[str, Any]:
        """The facilitator's view (the board API and the projected screen)."""
        return {
            "id": self.session_id,
            "seq": self.seq,
            "title": self.title,
            "kind": self.kind,
            "language": self.language,
            "code": self.code,
            "phase": self.phase,
            "prompts": self.prompts,
            "participant_count": len(self.participants),
            "participants": [{"id": p.id, "name": p.name} for p in self.participants.values()],
            "contributions": [
                {
                    "id": c.id,
                    "text": c.text,
                    "kind": c.kind,
                    "author": self.author_name(c),
                    "participant_id": c.participant_id,
                    "prompt_id": c.prompt_id,
                    "seq": c.seq,
                    "at": c.created_at.isoformat(),
                }
                for c in self.contributions.values()
            ],
            "themes": [theme.to_dict() for theme in self.themes.values()],
            "ungrouped": self.ungrouped(),
            "grouping": {
                "auto": self.grouping.auto, "locked": self.grouping.locked,
                "granularity": self.grouping.granularity,
            },
            "flags": [{"contribution_id": cid, **flag} for cid, flag in self.flags.items()],
        }

    def to_participant_dict(self) -> dict[str, Any]:
        """What a phone shows: the session, never other participants' identities or cards."""
        return {
            "id": self.session_id,
            "seq": self.seq,
            "title": self.title,
            "kind": self.kind,
            "language": self.language,
            "code": self.code,
            "phase": self.phase,
            "prompts": self.prompts,
        }


@singledispatch
def _apply(event: Event, board: Board, recorded: Recorded) -> None:
    """Events this projection does not display leave the board as it is."""


@_apply.register
def _(event: SessionCreated, board: Board, recorded: Recorded) -> None:
    board.title = event.title
    board.kind = event.kind
    board.language = event.language
    board.code = event.code
    board.facilitator_id = event.facilitator_id
    board.prompts = [dict(prompt) for prompt in event.prompts]
    board.programme = event.programme
    board.created_at = recorded.created_at


@_apply.register
def _(event: ParticipantJoined, board: Board, recorded: Recorded) -> None:
    board.participants[event.participant_id] = Participant(
        event.participant_id, event.name, recorded.seq
    )


@_apply.register
def _(event: ParticipantRenamed, board: Board, recorded: Recorded) -> None:
    participant = board.participants.get(event.participant_id)
    if participant is not None:
        participant.name = event.name


@_apply.register
def _(event: ContributionAdded, board: Board, recorded: Recorded) -> None:
    board.contributions[event.contribution_id] = Contribution(
        id=event.contribution_id,
        text=event.text,
        kind=event.kind,
        participant_id=event.participant_id,
        prompt_id=event.prompt_id,
        seq=recorded.seq,
        created_at=recorded.created_at,
    )


@_apply.register
def _(event: PhaseChanged, board: Board, recorded: Recorded) -> None:
    board.phase = event.phase


@_apply.register
def _(event: ThemesUpdated, board: Board, recorded: Recorded) -> None:
    board.themes = {}
    board.theme_of = {}
    for item in event.themes:
        members = [cid for cid in dict.fromkeys(item["card_ids"])
                   if cid in board.contributions and cid not in board.theme_of]
        if not members:
            continue
        theme = Theme(item["id"], item.get("kind"), item["label"], members,
                      item.get("colour", "#555555"), item.get("example", ""),
                      bool(item.get("misc")), bool(item.get("pinned")),
                      bool(item.get("renamed")))
        board.themes[theme.id] = theme
        board.theme_of.update((cid, theme.id) for cid in members)
    board.flags = {
        flag["contribution_id"]: {k: v for k, v in flag.items() if k != "contribution_id"}
        for flag in event.flags
    }
    board.grouped_seq = event.based_on


def _corrected(board: Board, recorded: Recorded) -> None:
    board.corrected_seq = recorded.seq


@_apply.register
def _(event: CardMoved, board: Board, recorded: Recorded) -> None:
    card = board.contributions.get(event.contribution_id)
    if card is None:
        return
    if event.theme_id not in board.themes:
        label = event.label or NEW_THEME_LABELS.get(board.language, NEW_THEME_LABELS["en"])
        colour = HAND_COLOURS[len(board.themes) % len(HAND_COLOURS)]
        board.themes[event.theme_id] = Theme(event.theme_id, card.kind, label, [], colour,
                                             renamed=event.label is not None)
    board.place(card.id, event.theme_id)
    board.assignments[card.id] = event.theme_id
    _corrected(board, recorded)


@_apply.register
def _(event: ThemesMerged, board: Board, recorded: Recorded) -> None:
    if event.into not in board.themes:
        return
    for theme_id in event.theme_ids:
        theme = board.themes.get(theme_id)
        if theme is None or theme_id == event.into:
            continue
        for card_id in list(theme.card_ids):
            board.place(card_id, event.into)
    for card_id in board.themes[event.into].card_ids:
        board.assignments[card_id] = event.into
    _corrected(board, recorded)


@_apply.register
def _(event: ThemeRenamed, board: Board, recorded: Recorded) -> None:
    theme = board.themes.get(event.theme_id)
    if theme is not None:
        theme.label = event.label
        theme.renamed = True
        _corrected(board, recorded)


@_apply.register
def _(event: ThemePinned, board: Board, recorded: Recorded) -> None:
    theme = board.themes.get(event.theme_id)
    if theme is not None:
        theme.pinned = event.pinned
        _corrected(board, recorded)


@_apply.register
def _(event: GroupingSet, board: Board, recorded: Recorded) -> None:
    board.grouping = Grouping(event.auto, event.locked, event.granularity)
    _corrected(board, recorded)


def apply(board: Board, recorded: Recorded) -> Board:
    """Fold one recorded event into the board; events must come in `seq` order."""
    if recorded.seq != board.seq + 1:
        raise ValueError(f"event {recorded.seq} does not follow board seq {board.seq}")
    _apply(recorded.event, board, recorded)
    board.seq = recorded.seq
    return board


def rebuild(session_id: str, log: Iterable[Recorded]) -> Board:
    """A board folded from the whole log, from scratch."""
    board = Board(session_id)
    for recorded in log:
        apply(board, recorded)
    return board


# What phones are sent: the session's own changes. Other people's cards, names and the
# grouping never reach them (privacy, and every byte counts on 2G with 60 phones).
PARTICIPANT_EVENTS = frozenset({"session_created", "phase_changed"})


def participant_view(recorded: Recorded) -> dict[str, Any] | None:
    """The wire form of an event for participants, or None when phones are not sent it."""
    if recorded.type not in PARTICIPANT_EVENTS:
        return None
    wire = recorded.to_wire()
    if recorded.type == "session_created":
        payload = dict(wire["payload"])
        payload.pop("facilitator_id", None)
        wire["payload"] = payload
    return wire
