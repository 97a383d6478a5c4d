"""Fixtures of the stories of what is kept and erased for good (cards, voice cards, recorded
questions): a service on the test database, its facilitator, and a second server (another
NGO's laptop) that exported logs travel to and from."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from facilitation.store.db import Database
from facilitation.usecases import accounts
from facilitation.usecases.sessions import Service


@pytest.fixture
def service(database: Database) -> Service:
    return Service(database)


@pytest.fixture
def owner(service: Service) -> int:
    return accounts.create(service.db, "awa@grdr.example", "palabre-2026").id


@dataclass
class OtherServer:
    """A second server on its own SQLite file, with its own facilitator."""

    db: Database
    service: Service
    owner: int

    def import_twice(self, lines: list[str]) -> None:
        """Import an exported log, then again: the second import must add nothing."""
        from facilitation.usecases import imports

        imports.import_log(self.service, imports.parse(lines), self.owner)
        again, _ = imports.import_log(self.service, imports.parse(lines), self.owner)
        assert again.added == 0


@pytest.fixture
def kayes_laptop(tmp_path: Path) -> Iterator[OtherServer]:
    """The Kayes laptop: another database, another facilitator (Moussa)."""
    other = Database(f"sqlite:///{tmp_path / 'kayes.db'}")
    other.upgrade()
    yield OtherServer(other, Service(other),
                      accounts.create(other, "moussa@kayes.example", "palabre-2026").id)
    other.dispose()
