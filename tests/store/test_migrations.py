"""Schema changes go through Alembic: the migrations build exactly the models' schema."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from facilitation.store.db import Database
from facilitation.store.models import Base


def test_migrations_match_the_models(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'm.db'}")
    db.upgrade()
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_upgrading_twice_keeps_the_data(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    db = Database(url)
    db.upgrade()
    from facilitation.usecases import accounts

    accounts.create(db, "awa@grdr.example", "palabre-2026")
    db.dispose()
    again = Database(url)
    again.upgrade()
    assert accounts.count(again) == 1


def test_the_team_index_is_filled_from_the_log(tmp_path: Path) -> None:
    """Co-facilitators recorded before the `session_team` index existed are found."""
    from sqlalchemy import text

    db = Database(f"sqlite:///{tmp_path / 'm.db'}")
    db.upgrade("0004")
    with db.engine.begin() as connection:
        connection.execute(text("INSERT INTO facilitators (id, email, password_hash, created_at)"
                                " VALUES (1, 'a@b.example', 'x', '2026-01-01'),"
                                " (2, 'c@d.example', 'x', '2026-01-01')"))
        connection.execute(text("INSERT INTO sessions (id, code, facilitator_id, created_at)"
                                " VALUES ('s1', 'ABCDEF', 1, '2026-01-01')"))
        connection.execute(text(
            "INSERT INTO events (session_id, seq, type, version, payload, created_at) VALUES"
            " ('s1', 1, 'cofacilitator_added', 1,"
            " '{\"facilitator_id\": 2, \"token_hash\": \"h\"}', '2026-01-01')"))
    db.upgrade()
    with db.engine.connect() as connection:
        rows = connection.execute(text("SELECT session_id, facilitator_id FROM session_team"))
        assert [tuple(r) for r in rows] == [("s1", 2)]
