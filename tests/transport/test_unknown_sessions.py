"""Hostile or careless clients allocate nothing: a command naming a session that does not
exist, or one the caller does not run, leaves no lock, board or cache entry behind; the
boards kept in memory are bounded."""

from __future__ import annotations

import secrets
from typing import Any

from facilitation.extensions import socketio
from facilitation.store.streams import StreamCache

UNKNOWN_IDS = 2000


def test_commands_for_2000_unknown_sessions_leave_no_lock_nor_board(
    app, service, facilitator, palabre
) -> None:
    console = socketio.test_client(app, auth={"token": facilitator.token})
    service.boards.get(palabre.session_id)
    before = service.boards.sizes()
    codes = set()
    for _ in range(UNKNOWN_IDS):
        ack = console.emit("command", {"session_id": secrets.token_hex(8),
                                       "type": "change_phase", "phase": "vote"}, callback=True)
        codes.add(ack["error"]["code"])
    assert codes == {"unknown_session"}
    assert service.boards.sizes() == before == (1, 0)
    console.disconnect()


def test_a_foreign_facilitator_loads_nothing_into_memory(
    app, service, other_facilitator, palabre
) -> None:
    fresh = type(service.boards)(service.db)  # as after a restart: nothing cached yet
    service.boards = fresh
    intruder = socketio.test_client(app, auth={"token": other_facilitator.token})
    for event, data in (
        ("command", {"session_id": palabre.session_id, "type": "change_phase",
                     "phase": "vote"}),
        ("command", {"session_id": palabre.session_id, "type": "invite_cofacilitator"}),
        ("join_board", {"session_id": palabre.session_id}),
        ("sync", {"session_id": palabre.session_id, "last_seq": 1}),
    ):
        ack = intruder.emit(event, data, callback=True)
        assert ack["error"]["code"] == "forbidden", (event, ack)
    assert fresh.sizes() == (0, 0)
    intruder.disconnect()


def test_a_cofacilitator_still_steers(app, service, facilitator, other_facilitator,
                                      palabre) -> None:
    owner = socketio.test_client(app, auth={"token": facilitator.token})
    invited = owner.emit("command", {"session_id": palabre.session_id,
                                     "type": "invite_cofacilitator"}, callback=True)
    assert invited["ok"], invited
    token = invited["invite_url"].rsplit("/", 1)[1]
    service.accept_invitation(palabre.session_id, other_facilitator.id, token)
    helper = socketio.test_client(app, auth={"token": other_facilitator.token})
    ack = helper.emit("command", {"session_id": palabre.session_id, "type": "change_phase",
                                  "phase": "collect"}, callback=True)
    assert ack["ok"], ack
    # the owner's own command stays the owner's
    again = helper.emit("command", {"session_id": palabre.session_id,
                                    "type": "invite_cofacilitator"}, callback=True)
    assert again["error"]["code"] == "forbidden"
    owner.disconnect()
    helper.disconnect()


def test_boards_in_memory_are_bounded_least_recently_used_first(service, facilitator) -> None:
    boards: StreamCache[Any] = type(service.boards)(service.db, cached_max=3)
    service.boards = boards
    ids = [service.create_session(facilitator.id, f"Atelier {n}", "palabre").session_id
           for n in range(5)]
    assert boards.sizes() == (3, 0)
    assert boards.peek(ids[0]) is None and boards.peek(ids[4]) is not None
    assert boards.get(ids[0]).title == "Atelier 0"  # evicted: read again from the log
    assert boards.sizes() == (3, 0) and boards.peek(ids[2]) is None
