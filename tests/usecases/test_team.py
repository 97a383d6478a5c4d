"""Issue 12 · 14: the owner removes a co-facilitator; invitations expire after seven days;
importing a session's log first does not make it yours for everybody (no squatting)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from facilitation.domain import rules
from facilitation.domain.errors import Rejected
from facilitation.store.models import utcnow
from facilitation.usecases import imports
from facilitation.usecases.steering import FacilitatorCommands

from .test_pairs import KAYES, other_server, room


def run(service: Any, sid: str, actor: int, **data: Any) -> Any:
    return FacilitatorCommands(service).run(sid, actor, data)


def invite(service: Any, sid: str, owner: Any) -> str:
    return run(service, sid, owner.id, type="invite_cofacilitator").ack["invitation"]


def test_the_owner_removes_a_co_facilitator(app, client, service, facilitator,
                                            other_facilitator, palabre, board_client) -> None:
    sid = palabre.session_id
    service.accept_invitation(sid, other_facilitator.id, invite(service, sid, facilitator))
    assert sid in [b.session_id for b in service.sessions_of(other_facilitator.id)]
    luc_board = board_client(sid, token=other_facilitator.token)
    assert luc_board.ack["ok"] and luc_board.is_connected()
    # the console shows the owner a "remove" button for them
    client.post("/login", data={"email": facilitator.email, "password": facilitator.password})
    page = client.get(f"/sessions/{sid}/console").get_data(as_text=True)
    assert f'data-remove-cofacilitator="{other_facilitator.id}"' in page
    # a co-facilitator cannot remove anyone (owner only); nobody unknown can be removed
    with pytest.raises(Rejected) as refused:
        run(service, sid, other_facilitator.id, type="remove_cofacilitator",
            facilitator_id=other_facilitator.id)
    assert refused.value.code == "forbidden"
    for wrong in (facilitator.id, 999, "x", None, True):
        with pytest.raises(Rejected) as refused:
            run(service, sid, facilitator.id, type="remove_cofacilitator", facilitator_id=wrong)
        assert refused.value.code == "unknown_cofacilitator"
    # through the socket, as the console does
    owner_board = board_client(sid)
    ack = owner_board.emit("command", {"session_id": sid, "type": "remove_cofacilitator",
                                       "facilitator_id": other_facilitator.id}, callback=True)
    assert ack["ok"], ack
    assert other_facilitator.id not in service.board(sid).cofacilitators
    assert sid not in [b.session_id for b in service.sessions_of(other_facilitator.id)]
    assert not luc_board.is_connected()  # their open board is let go
    with pytest.raises(Rejected) as refused:
        run(service, sid, other_facilitator.id, type="change_phase", phase="collect")
    assert refused.value.code == "forbidden"
    again = board_client(sid, token=other_facilitator.token)
    assert again.ack["error"]["code"] == "forbidden"
    # the removal is in the log: a board rebuilt from it agrees
    from facilitation.domain.board import rebuild

    assert other_facilitator.id not in rebuild(sid, service.events_after(sid, 0)).cofacilitators


def test_an_invitation_expires_after_seven_days(service, facilitator, other_facilitator,
                                                palabre, monkeypatch) -> None:
    sid = palabre.session_id
    token = invite(service, sid, facilitator)
    later = utcnow() + timedelta(days=rules.INVITATION_DAYS, minutes=1)
    monkeypatch.setattr("facilitation.usecases.sessions.utcnow", lambda: later)
    with pytest.raises(Rejected) as refused:
        service.accept_invitation(sid, other_facilitator.id, token)
    assert refused.value.code == "invitation_expired"
    assert other_facilitator.id not in service.board(sid).cofacilitators
    fresh = invite(service, sid, facilitator)  # made "now": within its seven days
    monkeypatch.setattr("facilitation.usecases.sessions.utcnow",
                        lambda: utcnow() + timedelta(days=rules.INVITATION_DAYS - 1))
    service.accept_invitation(sid, other_facilitator.id, fresh)
    assert other_facilitator.id in service.board(sid).cofacilitators


def test_importing_first_does_not_squat_the_session(tmp_path, make_app, service, facilitator,
                                                    other_facilitator) -> None:
    _, kayes_service, moussa = other_server(tmp_path, make_app)
    source = room(kayes_service, moussa, "Kayes", "Kayes", KAYES)
    lines = imports.export_lines(kayes_service, source)
    # Luc got the file too and imports it first: the source id is his copy here
    squat, _ = imports.import_log(service, imports.parse(lines), other_facilitator.id)
    assert squat.session_id == source
    squatted = len(service.events_after(source, 0))
    # Awa, the real partner, still gets her own copy, under a local id, owned by her
    mine, _ = imports.import_log(service, imports.parse(lines), facilitator.id)
    assert mine.created and mine.session_id != source
    assert service.board(mine.session_id).facilitator_id == facilitator.id
    assert service.board(source).facilitator_id == other_facilitator.id
    assert len(service.events_after(source, 0)) == squatted  # nothing written into his
    # re-importing a newer export merges into her same copy
    again, _ = imports.import_log(service, imports.parse(lines), facilitator.id)
    assert (again.session_id, again.created, again.added) == (mine.session_id, False, 0)
    # he cannot reach her copy either
    with pytest.raises(Rejected):
        service.require_facilitator(mine.session_id, other_facilitator.id)
