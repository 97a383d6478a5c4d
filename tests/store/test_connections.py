"""PostgreSQL connections the server dropped (a restart, a firewall): the pool replaces
them without failing a card. The pool pings a connection only when it sat idle (not at
every checkout: that was one more round trip for every transaction and every read)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text

from facilitation.store import db as db_module
from facilitation.store.db import Database
from facilitation.usecases.sessions import Service

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg(fresh_postgres: str) -> Iterator[Database]:
    database = Database(fresh_postgres)
    database.upgrade()
    yield database
    database.dispose()


def drop_connections(database: Database) -> int:
    """The server ends every other connection to this database, as a restart does."""
    with Database(database.url).engine.connect() as admin:
        ended = admin.execute(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar()
        admin.commit()
    return int(ended or 0)


def session_of(service: Service) -> str:
    from facilitation.usecases import accounts

    owner = accounts.create(service.db, "awa@grdr.example", "palabre-2026")
    return service.create_session(owner.id, "Club entreprendre", "club", "fr").session_id


def test_an_idle_connection_dropped_is_replaced_before_a_read(
        pg: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    service = Service(pg)
    session_id = session_of(service)
    service.add_contribution(session_id, None, "before-drop-1", "tontine", "lever")
    assert drop_connections(pg) >= 1
    monkeypatch.setattr(db_module, "IDLE_S", 0.0)  # every connection counts as idle
    service.boards.forget(session_id)  # read the log again
    assert [c.text for c in service.board(session_id).contributions.values()] == ["tontine"]


def test_a_connection_dropped_while_in_use_fails_no_card(pg: Database) -> None:
    """Not pinged (used a moment ago): the group commit's first statement fails, the pool
    replaces the connection and the batch is replayed on a new one."""
    service = Service(pg)
    session_id = session_of(service)
    service.add_contribution(session_id, None, "before-drop-1", "tontine", "lever")
    assert drop_connections(pg) >= 1
    outcome = service.add_contribution(session_id, None, "after-drop-1", "parrain", "lever")
    assert outcome.ack["ok"] and outcome.ack["seq"] == 3
    assert [c.text for c in service.board(session_id).contributions.values()] == [
        "tontine", "parrain"]
