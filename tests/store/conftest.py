"""Fixtures of the store's tests: a service on the test database (SQLite, and PostgreSQL
when it runs) and a session of it."""

from __future__ import annotations

import pytest

from facilitation.store.db import Database
from facilitation.usecases import accounts
from facilitation.usecases.sessions import Service


@pytest.fixture
def service(database: Database) -> Service:
    return Service(database)


@pytest.fixture
def session_id(service: Service) -> str:
    owner = accounts.create(service.db, "awa@grdr.example", "palabre-2026")
    return service.create_session(owner.id, "Club entreprendre", "club", "fr").session_id
