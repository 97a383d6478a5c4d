"""The live board: a fold of a session's events, `apply(board, recorded) -> board`.

Pure code (no Flask, no database). `apply` updates the board in place and returns it,
so catching up one event costs O(1); `rebuild` folds a whole log from scratch. The
`fold_*` modules say how each event changes the board; `state` says what a board holds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ..events import Event, Recorded
from . import fold_erasure, fold_grouping, fold_meeting, fold_session
from .state import Board, Contribution, Participant, Theme

__all__ = ["Board", "Contribution", "Participant", "Theme", "apply", "board_view",
           "participant_view", "rebuild"]

HANDLERS: dict[type[Event], Callable[[Any, Board, Recorded], None]] = {
    **fold_session.HANDLERS,
    **fold_grouping.HANDLERS,
    **fold_meeting.HANDLERS,
    **fold_erasure.HANDLERS,
}


# Events that never change the ballot (its themes, their cards, labels and colours, the
# loose cards): folding them keeps the computed ballot. Any other event recomputes it.
BALLOT_NEUTRAL = frozenset({
    "participant_joined", "participant_renamed", "vote_cast", "vote_withdrawn",
    "vote_budget_set", "phase_changed", "floor_requested", "floor_withdrawn", "floor_given",
    "floor_ended", "timer_started", "timer_paused", "timer_resumed", "timer_extended",
    "timer_stopped", "radar_rated", "profile_answered",
})


def apply(board: Board, recorded: Recorded) -> Board:
    """Fold one recorded event into the board; events must come in `seq` order."""
    if recorded.seq != board.seq + 1:
        raise ValueError(f"event {recorded.seq} does not follow board seq {board.seq}")
    handler = HANDLERS.get(type(recorded.event))
    if handler is not None:
        handler(recorded.event, board, recorded)
    if recorded.client_id is not None:
        board.client_ids.add(recorded.client_id)
    if recorded.type not in BALLOT_NEUTRAL:
        board.ballot_seq = recorded.seq
    board.seq = recorded.seq
    return board


def rebuild(session_id: str, log: Iterable[Recorded]) -> Board:
    """A board folded from the whole log, from scratch."""
    board = Board(session_id)
    for recorded in log:
        apply(board, recorded)
    return board


# What phones are sent: the session's own changes. Other people's cards, names, votes and
# the grouping never reach them (privacy, and every byte counts on 2G with 60 phones).
PARTICIPANT_EVENTS = frozenset({
    "session_created", "phase_changed", "prompts_set", "prompt_activated", "prompt_audio_set",
    "prompt_audio_cleared", "timer_started",
    "timer_paused", "timer_resumed", "timer_extended", "timer_stopped", "vote_budget_set",
    "floor_given", "floor_ended", "profile_questions_set", "radar_opened", "radar_closed",
})


def participant_view(recorded: Recorded) -> dict[str, Any] | None:
    """The wire form of an event for participants, or None when phones are not sent it."""
    if recorded.type not in PARTICIPANT_EVENTS:
        return None
    wire = recorded.to_wire()
    payload = dict(wire["payload"])
    payload.pop("facilitator_id", None)
    payload.pop("participant_id", None)  # who speaks goes out by name, in `floor` pushes
    wire["payload"] = payload
    return wire


def board_view(recorded: Recorded) -> dict[str, Any]:
    """The wire form of an event for the board and console: everything, except one
    person's radar ratings (the room sees aggregates only, from the board projection)."""
    wire = recorded.to_wire()
    if recorded.type == "radar_rated":
        wire["payload"] = {"radar_id": wire["payload"]["radar_id"]}
    return wire
