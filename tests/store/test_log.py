"""One contract for the event log, run against every storage backend (SQLite, PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from facilitation.domain.events import ContributionAdded, ParticipantJoined
from facilitation.store import log
from facilitation.store.db import Database
from facilitation.store.models import EventRow
from facilitation.usecases.sessions import Service


def card(n: int) -> ContributionAdded:
    return ContributionAdded(f"c{n}", None, f"idée {n}", "lever")


def test_seq_increases_by_one_from_the_first_event(database: Database, session_id: str) -> None:
    with database.write() as db:
        log.append(db, session_id, [card(1), card(2)])
    with database.write() as db:
        log.append(db, session_id, [card(3)])
    with database.read() as db:
        events = log.read(db, session_id)
    assert [e.seq for e in events] == [1, 2, 3, 4]
    assert events[0].type == "session_created"
    assert [e.event for e in events[1:]] == [card(1), card(2), card(3)]


def test_read_after_returns_exactly_the_later_events(database: Database, session_id: str) -> None:
    with database.write() as db:
        log.append(db, session_id, [card(n) for n in range(10)])
    with database.read() as db:
        assert [e.seq for e in log.read(db, session_id, after=7)] == [8, 9, 10, 11]
        assert [e.seq for e in log.read(db, session_id, after=7, limit=2)] == [8, 9]
        assert log.read(db, session_id, after=11) == []


def test_a_client_id_is_recorded_once_per_session(database: Database, session_id: str) -> None:
    with database.write() as db:
        log.append(db, session_id, [card(1)], client_id="phone-123-abc")
    with pytest.raises(IntegrityError), database.write() as db:
        log.append(db, session_id, [card(2)], client_id="phone-123-abc")
    with database.read() as db:
        first = log.find_by_client_id(db, session_id, "phone-123-abc")
        assert first is not None and first.event == card(1)
        assert log.last_seq(db, session_id) == 2


def test_the_same_seq_cannot_be_written_twice(database: Database, session_id: str) -> None:
    with pytest.raises(IntegrityError), database.write() as db:
        db.add(EventRow(session_id=session_id, seq=1, type="participant_joined", payload="{}"))
        db.flush()


def test_concurrent_writers_leave_no_gap_and_lose_nothing(
    service: Service, session_id: str
) -> None:
    before = service.board(session_id).seq
    errors: list[BaseException] = []

    def phone(n: int) -> None:
        try:
            for i in range(15):
                service.add_contribution(session_id, None, f"phone{n:02d}-card{i:03d}",
                                         f"carte {n}/{i}", "blocker")
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=phone, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with service.db.read() as db:
        seqs = db.scalars(
            select(EventRow.seq).where(EventRow.session_id == session_id).order_by(EventRow.seq)
        ).all()
    assert seqs == list(range(1, before + 6 * 15 + 1))
    assert len(service.board(session_id).contributions) == 6 * 15


def test_two_processes_share_one_log(database: Database, session_id: str) -> None:
    """Another process appended: a board cached here catches up by seq."""
    here, there = Service(database), Service(Database(database.url))
    assert here.board(session_id).seq == 1
    there.add_contribution(session_id, None, "other-process-1", "tontine du quartier", "lever")
    with there.db.write() as db:
        log.append(db, session_id, [ParticipantJoined("p9", "Fanta")])
    board = here.board(session_id)
    assert board.seq == 3
    assert [c.text for c in board.contributions.values()] == ["tontine du quartier"]
    assert board.participants["p9"].name == "Fanta"


def test_a_stream_deleted_by_another_process_leaves_no_board_here(database: Database,
                                                                 session_id: str) -> None:
    from facilitation.store import erasure

    here, there = Service(database), Service(Database(database.url))
    here.add_contribution(session_id, None, "cached-here-1", "tontine du quartier", "lever")
    assert here.board(session_id) is not None  # cached at the stream's head
    with there.db.write() as db:
        erasure.delete_stream(db, session_id)
    assert here.boards.get(session_id) is None
    assert here.boards.peek(session_id) is None  # the stale projection is dropped too


def test_a_card_resent_after_another_process_recorded_it_is_recorded_once(
        database: Database, session_id: str) -> None:
    """The cached board knows the keys it folded; one recorded elsewhere is caught up
    before the re-send is checked."""
    here, there = Service(database), Service(Database(database.url))
    assert here.board(session_id).seq == 1  # cached before the other process writes
    first = there.add_contribution(session_id, None, "sent-twice-1", "tontine", "lever")
    again = here.add_contribution(session_id, None, "sent-twice-1", "tontine", "lever")
    assert again.ack == first.ack and again.events == []
    assert len(here.board(session_id).contributions) == 1


def test_a_card_appended_is_stored_as_the_imports_statement_stores_it(
        database: Database, session_id: str) -> None:
    """The per-card INSERT (straight on SQLite's driver), the import's (SQLAlchemy Core)
    and a group commit's (PostgreSQL: COPY) write the same columns the same way, and
    read back the same."""
    from datetime import UTC, datetime

    from sqlalchemy import text

    at = datetime(2026, 12, 3, 9, 30, 1, 123456, tzinfo=UTC)
    with database.write() as db:
        appended = log.append(db, session_id, [card(1)], actor="p1", client_id="k1", at=at)
        imported = log.append_rows(db, session_id, [(card(2), "p1", "k2", at)], after=2)
    with database.write() as db:  # a group commit's way (PostgreSQL: one COPY, later)
        log.defer(db)
        deferred = log.append(db, session_id, [card(3)], actor="p1", client_id="k3", at=at,
                              after=3)
    with database.read() as db:
        rows = db.execute(text("SELECT seq, type, version, payload, actor, client_id, "
                               "created_at FROM events WHERE seq IN (2, 3, 4) ORDER BY seq"),
                          ).all()
        back = log.read(db, session_id, after=1)
    assert rows[0][6] == rows[1][6] == rows[2][6]  # the time, as stored
    assert rows[0][1:3] == rows[1][1:3] == rows[2][1:3]
    assert rows[0][4] == rows[1][4] == rows[2][4]
    assert [(r.seq, r.event, r.actor, r.client_id, r.created_at) for r in back] == [
        (2, card(1), "p1", "k1", at), (3, card(2), "p1", "k2", at),
        (4, card(3), "p1", "k3", at)]
    assert [r.seq for r in appended + imported + deferred] == [2, 3, 4]
    with pytest.raises(IntegrityError), database.write() as db:  # the same key again
        log.append(db, session_id, [card(3)], client_id="k1")


def test_a_board_in_memory_sees_what_another_process_appended_at_once(
        database: Database) -> None:
    """The quick head check (outside any transaction) never reads an old snapshot: each
    process's next view shows the other's events, read after read."""
    from facilitation.usecases import accounts
    from facilitation.usecases.steering import FacilitatorCommands

    here, there = Service(database), Service(database)
    owner = accounts.create(database, "awa@grdr.example", "palabre-2026")
    session_id = here.create_session(owner.id, "Thé-palabre", "palabre", "fr").session_id
    for n in range(5):
        assert here.board(session_id).seq == there.board(session_id).seq
        FacilitatorCommands(there if n % 2 else here).run(
            session_id, owner.id, {"type": "scribe_contribution", "text": f"carte {n}",
                                   "kind": "lever"})
        assert here.boards.view(session_id, lambda b: len(b.contributions)) == n + 1
        assert there.boards.view(session_id, lambda b: len(b.contributions)) == n + 1
