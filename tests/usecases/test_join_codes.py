"""A room joining at once reads its join code once, and a code met again after its
session went (deleted by another process) opens the newer session it now names."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event

from facilitation.domain import rules
from facilitation.domain.errors import Rejected
from facilitation.store.db import Database
from facilitation.usecases import accounts
from facilitation.usecases.erasure import delete_session
from facilitation.usecases.sessions import Service


def code_lookups(db: Database) -> list[str]:
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if "FROM sessions" in statement and "sessions.code" in statement:
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    return seen


def test_a_room_of_phones_reads_the_code_once(database: Database) -> None:
    service = Service(database)
    owner = accounts.create(database, "awa@grdr.example", "palabre-2026")
    board = service.create_session(owner.id, "Petit-déjeuner", "breakfast", "fr")
    lookups = code_lookups(database)
    joined = [service.join(board.code) for _ in range(20)]
    assert len({j.participant_id for j in joined}) == 20
    assert len(lookups) == 1
    assert service.board_by_code(board.code.lower()).session_id == board.session_id
    assert len(lookups) == 1


def test_a_code_reused_after_its_session_was_deleted_elsewhere(
        database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    here, elsewhere = Service(database), Service(database)  # two server processes
    owner = accounts.create(database, "awa@grdr.example", "palabre-2026")
    monkeypatch.setattr(rules, "new_code", lambda: "KAYES2")
    old = here.create_session(owner.id, "Thé-palabre", "palabre", "fr")
    here.join("KAYES2")  # this process now knows the code
    delete_session(elsewhere, old.session_id, owner.id)
    new = elsewhere.create_session(owner.id, "Club entreprendre", "club", "fr")
    assert new.code == "KAYES2" and new.session_id != old.session_id
    assert here.join("KAYES2").board.session_id == new.session_id
    assert here.board_by_code("KAYES2").session_id == new.session_id


def test_a_code_whose_session_is_gone_is_unknown(database: Database) -> None:
    here, elsewhere = Service(database), Service(database)
    owner = accounts.create(database, "awa@grdr.example", "palabre-2026")
    board = here.create_session(owner.id, "Thé-palabre", "palabre", "fr")
    here.join(board.code)
    delete_session(elsewhere, board.session_id, owner.id)
    with pytest.raises(Rejected, match="unknown_session"):
        here.join(board.code)
    with pytest.raises(Rejected, match="unknown_session"):
        here.board_by_code(board.code)
