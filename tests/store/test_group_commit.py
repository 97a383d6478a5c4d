"""Group commit: changes that queued up together share one transaction, and a refusal
is its caller's alone (no savepoints: a refusal after writing replays the others without it)."""

from __future__ import annotations

from typing import Any

import pytest

from facilitation.domain.board import Board
from facilitation.domain.errors import Rejected
from facilitation.domain.events import ContributionAdded
from facilitation.store import log, streams
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


def finds(key: str, seen: list[Any]) -> Any:
    """A decision that reads the log in the batch's transaction, as a re-send check does."""
    def decide(db: Any, board: Board) -> tuple[list[Any], None]:
        seen.append(log.find_by_client_id(db, board.session_id, key))
        seen.append([r.seq for r in log.read(db, board.session_id)])
        return [], None
    return decide


def test_a_decision_reads_the_events_the_batch_appended_before_it(service: Service,
                                                                  session_id: str) -> None:
    """On PostgreSQL a batch's events wait to be written together: any statement of the
    transaction writes them first, so every read sees them."""
    def keyed(db: Any, board: Board) -> tuple[list[Any], None]:
        event = ContributionAdded("id-k", None, "tontine", "lever")
        return append_events(db, board, [event], None, "key-1"), None

    seen: list[Any] = []
    service.boards._run(session_id, [_Pending(keyed), _Pending(finds("key-1", seen))])
    assert seen[0] is not None and seen[0].seq == 2
    assert seen[1] == [1, 2]


def test_a_card_resent_within_one_batch_is_recorded_once(service: Service,
                                                         session_id: str) -> None:
    """A phone's re-send that joins the batch of its first send (both queued behind the
    stream's lock): the second gets the first's acknowledgement, nothing is written twice."""
    import threading
    import time

    answers: list[Any] = []

    def send() -> None:
        answers.append(service.add_contribution(session_id, None, "resent-1", "tontine",
                                                "lever"))

    with service.boards._lock(session_id):  # a commit in progress: both queue up
        threads = [threading.Thread(target=send) for _ in range(2)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 10
        while len(service.boards._queues.get(session_id, [])) < 2:
            assert time.monotonic() < deadline
            time.sleep(0.01)
    for thread in threads:
        thread.join()
    assert answers[0].ack == answers[1].ack == {"ok": True, "seq": 2,
                                                "contribution_id": answers[0].ack[
                                                    "contribution_id"]}
    assert sorted(len(a.events) for a in answers) == [0, 1]
    assert texts(service, session_id) == ["tontine"]


def test_events_still_waiting_are_written_by_the_commit(service: Service,
                                                        session_id: str) -> None:
    with service.db.write() as db:
        log.defer(db)
        log.append(db, session_id, [ContributionAdded("id-w", None, "waiting", "lever")],
                   after=1)
    assert texts(service, session_id) == ["waiting"]


def test_a_seq_taken_by_another_process_meanwhile_replays_the_whole_batch(
        service: Service, session_id: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another process writes the next `seq` after this batch caught up (it skipped the
    stream's lock): the batch's one INSERT breaks the key, and the whole batch is decided
    again on the newer board, each card once in the log."""
    if service.db.is_sqlite:
        pytest.skip("SQLite lets one writer in at a time: the other process would wait")
    from sqlalchemy import text

    monkeypatch.setattr(streams, "BATCH_BUDGET_S", 60.0)  # the intruder waits: one batch

    from facilitation.store.db import Database

    there = Database(service.db.url)
    calls: list[str] = []

    def intruder(db: Any, board: Board) -> tuple[list[Any], None]:
        calls.append("intruder")
        if calls.count("intruder") == 1:
            with there.write() as other:  # (waits 5 s at most for a row of ours)
                other.execute(text("SET LOCAL lock_timeout = '5s'"))
                log.append(other, session_id, [ContributionAdded("id-x", None, "ailleurs",
                                                                 "lever")])
        return [], None

    batch = [_Pending(adds("tontine", calls)), _Pending(intruder),
             _Pending(adds("parrain", calls))]
    try:
        service.boards._run(session_id, batch)
    finally:
        there.dispose()
    assert calls == ["tontine", "intruder", "parrain"] * 2
    assert batch[0].outcome()[1] == {"seq": 3} and batch[2].outcome()[1] == {"seq": 4}
    assert texts(service, session_id) == ["ailleurs", "tontine", "parrain"]
    assert [c.text for c in service.board(session_id).contributions.values()] == [
        "ailleurs", "tontine", "parrain"]


def test_a_refusal_after_a_read_wrote_its_events_undoes_them(service: Service,
                                                            session_id: str) -> None:
    """On PostgreSQL a read writes the events waiting, the refused decision's too: they
    cannot be dropped unwritten, so the batch is replayed without it."""
    calls: list[str] = []

    def reads_then_refuses(db: Any, board: Board) -> tuple[list[Any], None]:
        calls.append("undone")
        append_events(db, board, [ContributionAdded("id-u", None, "undone", "lever")], None)
        log.read(db, session_id)
        raise Rejected("phase_closed")

    batch = [_Pending(adds("tontine", calls)), _Pending(reads_then_refuses),
             _Pending(adds("parrain", calls))]
    service.boards._run(session_id, batch)
    with pytest.raises(Rejected, match="phase_closed"):
        batch[1].outcome()
    assert calls.count("undone") == 1
    assert texts(service, session_id) == ["tontine", "parrain"]
    assert [batch[0].outcome()[1], batch[2].outcome()[1]] == [{"seq": 2}, {"seq": 3}]


def test_phones_joining_in_one_batch_each_get_their_identity_and_event(
        service: Service, session_id: str) -> None:
    """A join adds a participant row (an INSERT that does not wait for the batch's events)
    and an event (which waits, on PostgreSQL): both are there for every phone."""
    import threading
    import time

    from sqlalchemy import func, select

    from facilitation.store.models import ParticipantToken

    joined: list[Any] = []
    code = service.board(session_id).code

    def join(name: str) -> None:
        joined.append(service.join(code, name=name))

    with service.boards._lock(session_id):  # a commit in progress: the joins queue up
        threads = [threading.Thread(target=join, args=(name,))
                   for name in ("Awa", "Moussa", "Fanta")]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 10
        while len(service.boards._queues.get(session_id, [])) < 3:
            assert time.monotonic() < deadline
            time.sleep(0.01)
    for thread in threads:
        thread.join()
    with service.db.read() as db:
        rows = db.scalar(select(func.count()).select_from(ParticipantToken)
                         .where(ParticipantToken.session_id == session_id))
        seqs = [r.seq for r in log.read(db, session_id)]
    assert rows == 3 and seqs == [1, 2, 3, 4]
    board = service.board(session_id)
    assert sorted(p.name for p in board.participants.values()) == ["Awa", "Fanta", "Moussa"]
    assert {j.participant_id for j in joined} == set(board.participants)
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


def test_a_stream_two_processes_write_is_caught_up_in_one_read(service: Service,
                                                               session_id: str) -> None:
    """A plenary's phones on two processes: before each batch, one process finds the
    other's cards in the log. It checked the head (`max(seq)`), then read them: once it
    has seen the other process write, it reads at once (one statement), and goes back to
    the check when it finds itself alone again."""
    if service.db.is_sqlite:
        pytest.skip("one process per SQLite file")
    from sqlalchemy import event

    from facilitation.store.db import Database

    there = Service(Database(service.db.url))
    statements: list[str] = []
    event.listen(service.db.engine, "before_cursor_execute",
                 lambda _c, _k, sql, *_: statements.append(sql))
    calls: list[str] = []
    try:
        for turn in range(4):
            there.boards.transact(session_id, adds(f"ailleurs {turn}", calls))
            statements.clear()
            service.boards.transact(session_id, adds(f"ici {turn}", calls))
            checks = [sql for sql in statements if "max(events.seq)" in sql]
            assert len(checks) == (1 if turn == 0 else 0), (turn, statements)
        statements.clear()
        service.boards.transact(session_id, adds("seul", calls))  # alone: reads 1 row
        service.boards.transact(session_id, adds("seul encore", calls))
        assert len([sql for sql in statements if "max(events.seq)" in sql]) == 1
    finally:
        there.db.dispose()
    assert [c.text for c in service.board(session_id).contributions.values()] == [
        "ailleurs 0", "ici 0", "ailleurs 1", "ici 1", "ailleurs 2", "ici 2", "ailleurs 3",
        "ici 3", "seul", "seul encore"]


def test_a_batch_past_its_budget_commits_what_it_decided_and_queues_the_rest_first(
        service: Service, session_id: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A long queue is decided in several transactions, in arrival order, so that the
    event loop is not held for all of it; every caller still gets its own answer."""
    import time

    monkeypatch.setattr(streams, "BATCH_BUDGET_S", 0.02)
    calls: list[str] = []

    def slow(text: str) -> Any:
        decide = adds(text, calls)

        def slowly(db: Any, board: Board) -> Any:
            until = time.perf_counter() + 0.012
            while time.perf_counter() < until:
                pass
            return decide(db, board)
        return slowly

    cards = [f"carte {n}" for n in range(6)]
    batch = [_Pending(slow(text)) for text in cards]
    service.boards._run(session_id, batch)
    assert calls == cards[:2]  # 2 × 12 ms: the budget of 20 ms is spent after the second
    assert [p.done for p in batch] == [True, True] + [False] * 4
    assert texts(service, session_id) == cards[:2]  # committed, and answered
    assert batch[1].outcome()[1] == {"seq": 3}
    late = _Pending(adds("arrivée pendant ce temps", calls))
    service.boards._queues[session_id].append(late)  # came in during the first batch
    assert service.boards._queues[session_id][:4] == batch[2:]  # the rest, first

    answer = service.boards.transact(session_id, adds("dernière", calls))  # runs them all
    assert answer[1] == {"seq": 9}
    assert texts(service, session_id) == [*cards, "arrivée pendant ce temps", "dernière"]
    assert all(p.done for p in [*batch, late])
    assert [p.outcome()[1]["seq"] for p in batch] == [2, 3, 4, 5, 6, 7]
