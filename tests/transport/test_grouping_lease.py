"""Several server processes on one database: one regroups a session at a time."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from facilitation.usecases import accounts

from ..conftest import new_client_id


@pytest.mark.postgres
def test_a_second_process_does_not_regroup_a_session_another_one_is_regrouping(
    make_app: Callable[..., Any], fresh_postgres: str
) -> None:
    # two apps on one PostgreSQL database = two server processes (the delay keeps their
    # own debounced loops asleep: the test drives the regroupings)
    first = make_app(DATABASE_URL=fresh_postgres, FACILITATION_GROUPING_DELAY=3600)
    second = make_app(DATABASE_URL=fresh_postgres, FACILITATION_GROUPING_DELAY=3600)
    service = first.extensions["facilitation"]
    facilitator = accounts.create(service.db, "awa@grdr.example", "palabre-2026")
    board = service.create_session(facilitator.id, "Plénière", "palabre", "fr")
    phone = service.join(board.code)
    for text in ("accès au foncier", "accès au crédit", "papiers", "foncier trop cher"):
        service.add_contribution(board.session_id, phone.participant_id, new_client_id(),
                                 text, "blocker")
    a, b = first.extensions["grouping"], second.extensions["grouping"]
    started, release = threading.Event(), threading.Event()
    a_compute, b_compute = a.compute, b.compute
    b_computed: list[Any] = []

    def slow(shot: Any, seeds: Any) -> Any:
        started.set()
        release.wait(20)
        return a_compute(shot, seeds)

    def counted(shot: Any, seeds: Any) -> Any:
        b_computed.append(shot)
        return b_compute(shot, seeds)

    a.compute, b.compute = slow, counted
    recorded: list[Any] = []
    running = threading.Thread(target=lambda: recorded.append(a.regroup(board.session_id)))
    running.start()
    try:
        assert started.wait(20)
        # the first process is computing this session's themes: the second one leaves
        # it alone, and will try again after its delay
        assert b.regroup(board.session_id) == []
        assert b_computed == []
        assert board.session_id in b._again
    finally:
        release.set()
        running.join(20)
    assert recorded and [e.type for e in recorded[0]] == ["themes_updated"]
    # once the first is done, the second may regroup (its own cards included)
    b.regroup(board.session_id)
    assert len(b_computed) == 1
