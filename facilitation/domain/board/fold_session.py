"""Folding the session itself: creation, participants, cards and phases."""

from __future__ import annotations

from ..events import (
    ContributionAdded,
    ContributionTranscribed,
    ParticipantJoined,
    ParticipantRenamed,
    PhaseChanged,
    Recorded,
    SessionCreated,
    SessionLinked,
)
from ..rules import BURST_CARDS
from .state import Board, Contribution, Participant


def session_created(event: SessionCreated, board: Board, recorded: Recorded) -> None:
    board.title = event.title
    board.kind = event.kind
    board.language = event.language
    board.code = event.code
    board.facilitator_id = event.facilitator_id
    board.prompts = [dict(prompt) for prompt in event.prompts]
    board.active_prompt = board.prompts[0]["id"] if board.prompts else None
    board.programme = event.programme
    board.club_id = event.club_id
    board.created_at = recorded.created_at


def participant_joined(event: ParticipantJoined, board: Board, recorded: Recorded) -> None:
    if event.participant_id in board.participants:
        return  # a participant joins once; nothing may take over an identity
    board.participants[event.participant_id] = Participant(
        event.participant_id, event.name, recorded.seq, len(board.participants) + 1,
        member_id=event.member_id, joined_at=recorded.created_at,
    )


def participant_renamed(event: ParticipantRenamed, board: Board, recorded: Recorded) -> None:
    participant = board.participants.get(event.participant_id)
    if participant is not None:
        participant.name = event.name


def contribution_added(event: ContributionAdded, board: Board, recorded: Recorded) -> None:
    board.contributions[event.contribution_id] = Contribution(
        id=event.contribution_id,
        text=event.text,
        kind=event.kind,
        participant_id=event.participant_id,
        prompt_id=event.prompt_id,
        seq=recorded.seq,
        created_at=recorded.created_at,
        speaker=event.speaker,
        pending=event.pending,
        client_id=recorded.client_id,
        voice=dict(event.voice) if event.voice else None,
    )
    sender = board.participants.get(event.participant_id or "")
    if sender is not None:  # the pace check reads these instead of every card
        sender.card_ids.append(event.contribution_id)
        sender.sent_at.append(recorded.created_at)
        del sender.sent_at[:-BURST_CARDS]  # the pace check needs no more


def contribution_transcribed(event: ContributionTranscribed, board: Board,
                             recorded: Recorded) -> None:
    card = board.contributions.get(event.contribution_id)
    if card is not None:
        card.text = event.text
        card.transcribed = True


def phase_changed(event: PhaseChanged, board: Board, recorded: Recorded) -> None:
    board.phase = event.phase


def session_linked(event: SessionLinked, board: Board, recorded: Recorded) -> None:
    board.linked = event.session_id


HANDLERS = {
    SessionCreated: session_created,
    ParticipantJoined: participant_joined,
    ParticipantRenamed: participant_renamed,
    ContributionAdded: contribution_added,
    ContributionTranscribed: contribution_transcribed,
    PhaseChanged: phase_changed,
    SessionLinked: session_linked,
}
