"""Group commit: changes that queued up together share one transaction, and a refusal
is its caller's alone (no savepoints: a refusal after writing replays the others without it)."""

from __future__ import annotations

from typing import Any

import pytest

from facilitation.domain.board import Board
from facilitation.domain.errors import Rejected
from facilitation.domain.events import ContributionAdded
from facilitation.store import log
from facilitation.store.streams import _Pending
from facilitation.usecases.sessions import Service, append_events


def adds(text: str, calls: list[str], refuse_after_write: bool = False) -> Any:
    def decide(db: Any, board: Board) -> tuple[list[Any], dict[str, Any]]:
        calls.append(text)
        recorded = append_events(db, board, [ContributionAdded(f"id-{text}", None, text,
                                                               "lever")], None)
        if refuse_after_write:
            raise Rejected("phase_closed")
        return recorded, {"seq": recorded[0].seq}
    return decide


def refuses(calls: list[str]) -> Any:
    def decide(db: Any, board: Board) -> tuple[list[Any], None]:
        calls.append("refused")
        raise Rejected("too_fast")
    return decide


def texts(service: Service, session_id: str) -> list[str]:
    with service.db.read() as db:
        return [r.event.text for r in log.read(db, session_id)
                if isinstance(r.event, ContributionAdded)]


def test_a_refusal_before_writing_leaves_the_others_in_one_pass(service: Service,
                                                                session_id: str) -> None:
    calls: list[str] = []
    batch = [_Pending(adds("tontine", calls)), _Pending(refuses(calls)),
             _Pending(adds("parrain", calls))]
    service.boards._run(session_id, batch)
    assert calls == ["tontine", "refused", "parrain"]  # nothing replayed
    assert batch[0].outcome()[1] == {"seq": 2} and batch[2].outcome()[1] == {"seq": 3}
    with pytest.raises(Rejected, match="too_fast"):
        batch[1].outcome()
    assert texts(service, session_id) == ["tontine", "parrain"]
    assert [c.text for c in service.board(session_id).contributions.values()] == [
        "tontine", "parrain"]


def test_a_refusal_after_writing_undoes_its_writes_only(service: Service,
                                                       session_id: str) -> None:
    calls: list[str] = []
    batch = [_Pending(adds("tontine", calls)),
             _Pending(adds("undone", calls, refuse_after_write=True)),
             _Pending(adds("parrain", calls))]
    service.boards._run(session_id, batch)
    with pytest.raises(Rejected, match="phase_closed"):
        batch[1].outcome()
    recorded = [batch[0].outcome()[0][0], batch[2].outcome()[0][0]]
    assert [r.seq for r in recorded] == [2, 3]  # no gap where the undone card was
    assert texts(service, session_id) == ["tontine", "parrain"]
    board = service.board(session_id)
    assert board.seq == 3
    assert [c.text for c in board.contributions.values()] == ["tontine", "parrain"]
    assert calls.count("undone") == 1  # decided once, never replayed


def test_then_answers_from_the_board_with_its_own_events_folded(service: Service,
                                                                session_id: str) -> None:
    """A caller's answer is made from the board its decision left, in the batch's order,
    with no second read; a refused decision's `then` never runs."""
    calls: list[str] = []
    seen: list[tuple[int, int]] = []

    def then(board: Board, result: dict[str, Any]) -> dict[str, Any]:
        seen.append((board.seq, len(board.contributions)))
        return {**result, "cards": len(board.contributions)}

    batch = [_Pending(adds("tontine", calls), then), _Pending(refuses(calls), then),
             _Pending(adds("parrain", calls), then)]
    service.boards._run(session_id, batch)
    assert seen == [(2, 1), (3, 2)]
    assert batch[0].outcome()[1] == {"seq": 2, "cards": 1}
    assert batch[2].outcome()[1] == {"seq": 3, "cards": 2}


def test_a_vote_is_answered_with_the_phones_votes_after_it(service: Service,
                                                          session_id: str) -> None:
    """`vote` answers from the board its own event was folded into (no second read)."""
    from facilitation.usecases.steering import FacilitatorCommands

    joined = service.join(service.board(session_id).code, name="Awa")
    owner = service.board(session_id).facilitator_id
    commands = FacilitatorCommands(service)
    card = commands.run(session_id, owner, {"type": "scribe_contribution", "text": "tontine",
                                            "kind": "lever"}).ack["contribution_id"]
    for phase in ("collect", "group", "vote"):
        if service.board(session_id).phase != phase:
            commands.run(session_id, owner, {"type": "change_phase", "phase": phase})
    answer = service.vote(session_id, joined.participant_id, "0f" * 16, card).ack
    assert answer["my_votes"] == [card]
    assert answer["seq"] == service.board(session_id).seq
    assert answer["remaining"] == service.board(session_id).vote_budget - 1
