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
    ContributionAdded,
    Event,
    ParticipantJoined,
    ParticipantRenamed,
    PhaseChanged,
    Recorded,
    SessionCreated,
)


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
    participants: dict[str, Participant] = field(default_factory=dict)
    contributions: dict[str, Contribution] = field(default_factory=dict)

    @property
    def is_closed(self) -> bool:
        return self.phase == "closed"

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


def participant_view(recorded: Recorded) -> dict[str, Any] | None:
    """The wire form of an event for participants, or None when phones must not see it.

    Phones display the session, never other people's cards or names: card and
    participant events reach them without text or identity, so they can count.
    """
    wire = recorded.to_wire()
    if recorded.type == "contribution_added":
        event = recorded.event
        assert isinstance(event, ContributionAdded)
        wire["payload"] = {"contribution_id": event.contribution_id, "kind": event.kind}
    elif recorded.type in ("participant_joined", "participant_renamed"):
        wire["payload"] = {}
    elif recorded.type == "session_created":
        payload = dict(wire["payload"])
        payload.pop("facilitator_id", None)
        wire["payload"] = payload
    return wire
