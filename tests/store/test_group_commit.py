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
