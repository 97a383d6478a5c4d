"""Schema changes go through Alembic: the migrations build exactly the models' schema."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from facilitation.db import Database
from facilitation.models import Base


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
    from facilitation import accounts

    accounts.create(db, "awa@grdr.example", "palabre-2026")
    db.dispose()
    again = Database(url)
    again.upgrade()
    assert accounts.count(again) == 1
