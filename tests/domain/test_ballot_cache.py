"""The ballot is computed once and kept while only events that cannot change it are
folded (votes, joins, the speaking circle, timers…): a thousand votes checked against it
share one walk over the cards. Kept or recomputed, it is always what a fresh walk gives."""

from __future__ import annotations

from facilitation.domain.board import BALLOT_NEUTRAL, apply, rebuild
from facilitation.domain.board.state import Board
from facilitation.domain.events import (
    ContributionAdded,
    ContributionHidden,
    Event,
    FloorEnded,
    FloorGiven,
    FloorRequested,
    FloorWithdrawn,
    ParticipantJoined,
    ParticipantRenamed,
    PhaseChanged,
    ProfileAnswered,
    RadarOpened,
    RadarRated,
    Recorded,
    ThemesUpdated,
    TimerExtended,
    TimerPaused,
    TimerResumed,
    TimerStarted,
    TimerStopped,
    VoteBudgetSet,
    VoteCast,
    VoteWithdrawn,
)

from .test_board import START, opening, recorded

NEUTRAL: list[Event] = [
    ParticipantJoined("p2", "Moussa"), ParticipantRenamed("p2", "Moussa K."),
    PhaseChanged("vote", "group"), VoteBudgetSet(3), VoteCast("p1", "t1"),
    VoteCast("p2", "c3"), VoteWithdrawn("p2", "c3"), FloorRequested("p1"),
    FloorWithdrawn("p1"), FloorRequested("p2"), FloorGiven("p2", 120), FloorEnded(),
    TimerStarted(300, "Vote"), TimerPaused(), TimerResumed(), TimerExtended(60),
    TimerStopped(), RadarRated("p1", "r1", {"money": 3}), ProfileAnswered("p1", {}),
]


def fresh(board: Board) -> list[dict[str, object]]:
    board._ballot = None  # what a walk over the cards gives now
    return board.ballot()


def meeting() -> Board:
    return rebuild("s1", recorded([
        opening(),
        ParticipantJoined("p1", "Awa"),
        ContributionAdded("c1", "p1", "la banque refuse le prêt", "blocker"),
        ContributionAdded("c2", "p1", "pas d'argent pour démarrer", "blocker"),
        ContributionAdded("c3", "p1", "une tontine entre voisines", "lever"),
        ThemesUpdated(({"id": "t1", "kind": "blocker", "label": "Crédit bancaire",
                        "card_ids": ["c1", "c2"], "colour": "#8f2c5a"},), 5, "lexical", ()),
        RadarOpened("r1", ({"id": "money", "label": "Argent"},)),
    ]))


def fold(board: Board, event: Event) -> None:
    seq = board.seq + 1
    apply(board, Recorded("s1", seq, event, START))


def test_the_list_covers_every_neutral_event() -> None:
    assert {event.type for event in NEUTRAL} == BALLOT_NEUTRAL


def test_neutral_events_keep_the_ballot_and_it_stays_true() -> None:
    board = meeting()
    kept = board.ballot()
    for event in NEUTRAL:
        fold(board, event)
        assert board.ballot() is kept, event.type  # not walked again
        assert fresh(board) == kept, event.type  # and what a walk gives
        kept = board.ballot()


def test_a_card_hidden_or_added_changes_the_ballot() -> None:
    board = meeting()
    before = [item["id"] for item in board.ballot()]
    fold(board, ContributionHidden("c3"))
    assert [item["id"] for item in board.ballot()] == [i for i in before if i != "c3"]
    fold(board, ContributionAdded("c4", "p1", "un parrain", "lever"))
    assert board.ballot()[-1]["id"] == "c4"
    assert board.ballot() == fresh(board)
